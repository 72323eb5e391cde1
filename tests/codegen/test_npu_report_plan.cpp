// The NPU column of `onnx2hpp --report` agrees with the compile-time plan: for headers the
// generator wrote (the CLI fixtures and examples/digits/digits_cnn.onnx), report::plan_npu on the
// lowered IR of the same .onnx equals npu::plan<graph_type, caps> node by node (placement,
// reason, call kind, merged nodes, calls and tiling, MACs, cycles) and in its totals, under both
// presets; and the column text of every node is the plan's decision.

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "import/to_ir.hpp"
#include "lower/lower.hpp"
#include "passes/passes.hpp"
#include "report/layer_table.hpp"
#include "report/npu_column.hpp"

#include "digits.hpp"
#include "good.hpp"
#include "hand_checked.hpp"
#include "op_zoo.hpp"

#include <onnx2hpp/backends/npu/plan.hpp>

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace {

using namespace onnx2hpp;
namespace cg = onnx2hpp::codegen;

template <class Graph, std::size_t... I>
constexpr std::array<std::string_view, Graph::n_nodes> names_of(std::index_sequence<I...>) {
  return {Graph::template node_name<I>...};
}

template <class Graph, npu::capabilities Caps>
void check_model(const std::string &onnx, const char *preset, rounding_mode rounding) {
  CAPTURE(onnx);
  CAPTURE(preset);
  const auto model =
      cg::lower::lower(cg::passes::run_default_pipeline(cg::importer::import_model(onnx)));
  const auto report = cg::report::plan_npu(model, Caps, preset, rounding);
  using plan = npu::plan<Graph, Caps>;
  constexpr auto names = names_of<Graph>(std::make_index_sequence<Graph::n_nodes>{});

  REQUIRE(report.nodes.size() == plan::n_nodes);
  for (std::size_t i = 0; i < plan::n_nodes; ++i) {
    CAPTURE(i);
    const npu::node_decision &want = plan::nodes[i];
    const npu::node_decision &got = report.nodes[i];
    CHECK(report.node_names[i] == names[i]);
    CHECK(npu::placement_name(got.where) == npu::placement_name(want.where));
    CHECK(npu::reason_name(got.why) == npu::reason_name(want.why));
    CHECK(got.call == want.call);
    CHECK(got.group_size == want.group_size);
    CHECK(got.calls == want.calls);
    CHECK(got.split.why == want.split.why);
    CHECK(got.split.tile == want.split.tile);
    CHECK(got.split.tiles == want.split.tiles);
    CHECK(got.split.channel_tile == want.split.channel_tile);
    CHECK(got.split.channel_tiles == want.split.channel_tiles);
    CHECK(got.macs == want.macs);
    CHECK(got.cycles == want.cycles);
  }
  CHECK(report.nodes_on_npu() == plan::nodes_on_npu);
  CHECK(report.driver_calls() == plan::driver_calls);
  CHECK(report.total_macs() == plan::total_macs);
  CHECK(report.macs_on_npu() == plan::macs_on_npu);
  CHECK(report.mac_fraction() == doctest::Approx(plan::mac_fraction));
  CHECK(report.cycles() == plan::npu_cycles);

  // The printed column: the plan's decision for every node, "-" for the boundary ops.
  auto rows = cg::report::layer_table(model.graph);
  cg::report::add_npu_column(rows, report);
  for (std::size_t op = 0; op < rows.size(); ++op) {
    const std::size_t node = report.node_of_op[op];
    if (node == cg::report::npu_report::not_a_node)
      CHECK(rows[op].npu == "-");
    else
      CHECK(rows[op].npu == cg::report::npu_cell(plan::nodes[node]));
  }
  const auto table = cg::report::format_table(rows);
  CHECK(table.find("NPU") != std::string::npos);
  const auto summary = cg::report::format_npu_summary(report);
  CHECK(summary.find(std::to_string(plan::nodes_on_npu) + "/" + std::to_string(plan::n_nodes) +
                     " nodes on the NPU") != std::string::npos);
}

/// `rounding`: the --rounding the header was generated with (codegen/CMakeLists.txt).
template <class Graph>
void check_both_presets(const std::string &onnx, rounding_mode rounding) {
  check_model<Graph, npu::strict>(onnx, "strict", rounding);
  check_model<Graph, npu::permissive>(onnx, "permissive", rounding);
}

const std::string cli_dir = NPU_REPORT_CLI_DIR;

} // namespace

TEST_CASE("the report's NPU column is npu::plan of the compiled header: digits_cnn") {
  check_both_presets<digits::graph_type>(NPU_REPORT_DIGITS_ONNX, rounding_mode::fixed_point);
}

TEST_CASE("the report's NPU column is npu::plan of the compiled header: CLI fixtures") {
  // Generated with the default rounding (onnxruntime): the requantizing layers stay on the CPU.
  constexpr auto ort = rounding_mode::onnxruntime;
  check_both_presets<small::graph_type>(cli_dir + "/good.onnx", ort);
  check_both_presets<hand_checked::graph_type>(cli_dir + "/hand_checked.onnx", ort);
  check_both_presets<op_zoo::graph_type>(cli_dir + "/op_zoo.onnx", ort);
}
