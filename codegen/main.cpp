// onnx2hpp: quantized ONNX model -> one C++ header for the onnx2hpp library.

#include "diagnostics/error.hpp"
#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"
#include "emit/header.hpp"
#include "import/to_ir.hpp"
#include "ir/print.hpp"
#include "lower/lower.hpp"
#include "passes/passes.hpp"
#include "report/layer_table.hpp"
#include "report/npu_column.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#ifndef ONNX2HPP_VERSION
#define ONNX2HPP_VERSION "0.0.0"
#endif

namespace {

using namespace onnx2hpp::codegen;

constexpr const char *exit_codes = R"(Exit codes:
  0  success
  1  internal error (a bug in onnx2hpp; please report it with the model)
  2  bad command line
  3  the model cannot be read or is not valid ONNX: missing, truncated, not a regular file,
     external data not found or outside the model's folder, attribute values out of range
  4  the model is valid ONNX but not supported: operators, float (unquantized) model,
     dynamic input shapes without --input-shape
  5  inconsistent quantization parameters: zero scale, per-channel length/axis mismatch, ...
  6  the output file cannot be written)";

struct options {
  std::string model;
  std::string output;
  std::string name_space; ///< default: the model file's stem as an identifier
  bool report = false;
  bool dump_ir = false;
  bool no_simd_packs = false;
  bool single_header = false;           ///< --single-header: the constants stay in the header
  std::string rounding = "onnxruntime"; ///< --rounding onnxruntime|fixed-point
  std::string npu_preset; ///< capability preset of the report's NPU column (empty: strict)
  std::vector<std::string> input_shapes;
};

/// The NPU capability preset named on the command line (`--npu-preset`, default strict).
onnx2hpp::npu::capabilities npu_preset(const std::string &name) {
  if (auto caps = onnx2hpp::npu::preset(name))
    return *caps;
  throw error(failure::usage, fmt::format("--npu-preset '{}': unknown preset (known: {})", name,
                                          fmt::join(onnx2hpp::npu::preset_names, ", ")));
}

/// "NAME=1,3,224,224" -> (NAME, {1,3,224,224})
std::pair<std::string, ir::shape_t> parse_input_shape(const std::string &text) {
  auto eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw error(
        failure::usage,
        fmt::format("--input-shape '{}': expected NAME=d0,d1,... (e.g. input=1,3,224,224)", text));
  ir::shape_t dims;
  std::size_t start = eq + 1;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto field = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(field, &used);
    } catch (const std::exception &) {
      used = 0;
    }
    if (used != field.size() || field.empty() || value <= 0)
      throw error(failure::usage,
                  fmt::format("--input-shape '{}': '{}' is not a positive dimension", text, field));
    dims.push_back(value);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return {text.substr(0, eq), dims};
}

int run(const options &opt) {
  const std::string preset = opt.npu_preset.empty() ? "strict" : opt.npu_preset;
  const auto caps = npu_preset(preset); // a bad name fails before the model is read
  std::string name_space;
  if (!opt.output.empty()) { // refuse a bad -o or --namespace before reading anything
    name_space = opt.name_space.empty() ? emit::default_namespace(opt.model) : opt.name_space;
    if (auto problem = emit::namespace_problem(name_space))
      throw error(failure::usage,
                  fmt::format("--namespace '{}': {}", printable(name_space), *problem));
    emit::check_output_path(opt.output, {opt.model});
    if (!opt.single_header)
      emit::check_output_path(emit::data_header_path(opt.output), {opt.model});
  }
  importer::load_options load;
  for (const auto &text : opt.input_shapes) {
    auto [name, dims] = parse_input_shape(text);
    load.input_shapes[name] = dims;
  }
  auto model = lower::lower(passes::run_default_pipeline(importer::import_model(opt.model, load)));
  const auto &graph = model.graph;
  for (const auto &w : graph.info.warnings)
    fmt::print(stderr, "onnx2hpp: warning: {}\n", printable_lines(w));
  if (opt.dump_ir)
    fmt::print("{}", ir::to_text(graph));
  if (opt.report) {
    auto rows = report::layer_table(graph);
    report::number_as_nodes(rows, model.emitted.node_of_op);
    const auto npu =
        report::plan_npu(model, caps, preset,
                         opt.rounding == "onnxruntime" ? onnx2hpp::rounding_mode::onnxruntime
                                                       : onnx2hpp::rounding_mode::fixed_point);
    report::add_npu_column(rows, npu);
    fmt::print("{} ({}, opset {}, {})\n{}\n{}", printable(graph.info.source_path),
               printable(graph.info.producer_name), graph.info.opset,
               printable(fmt::format("{}", fmt::join(graph.info.dialects, ", "))),
               report::format_table(rows), report::format_npu_summary(npu));
  }
  if (!opt.output.empty()) {
    std::vector<std::filesystem::path> inputs{opt.model};
    inputs.insert(inputs.end(), graph.info.data_files.begin(), graph.info.data_files.end());
    const auto data_path = emit::data_header_path(opt.output);
    emit::check_output_path(opt.output, inputs);
    if (!opt.single_header)
      emit::check_output_path(data_path, inputs);
    emit::header_options header;
    header.name_space = name_space;
    header.generator_version = ONNX2HPP_VERSION;
    header.simd_packs = !opt.no_simd_packs;
    header.rounding = opt.rounding == "onnxruntime" ? onnx2hpp::rounding_mode::onnxruntime
                                                    : onnx2hpp::rounding_mode::fixed_point;
    if (!opt.single_header)
      header.data_header = data_path.filename().string();
    auto files = emit::emit_files(model, header);
    if (opt.single_header)
      emit::write_atomically(opt.output, files.header);
    else // the data header first: the header that includes it is replaced last
      emit::write_files(
          {{data_path, std::move(files.data)}, {opt.output, std::move(files.header)}});
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"onnx2hpp: turn a quantized ONNX model (QDQ or QOperator) into one C++ header for "
               "the onnx2hpp library",
               "onnx2hpp"};
  options opt;
  app.add_option("MODEL", opt.model, "quantized .onnx model")->required();
  app.add_option("-o,--output", opt.output,
                 "header to write; its constants go to <stem>_data.hpp next to it, which it "
                 "includes (both written atomically)");
  app.add_flag("--single-header", opt.single_header,
               "write one header, the constants included, instead of the header and its "
               "<stem>_data.hpp");
  app.add_option("--namespace", opt.name_space,
                 "C++ namespace of the generated code (default: the model file name as an "
                 "identifier)");
  app.add_flag("--report", opt.report,
               "print the per-layer table (op, fused ops, shapes, MACs, parameters, activation "
               "bytes, NPU placement) and the NPU coverage totals");
  app.add_option("--npu-preset", opt.npu_preset,
                 "NPU capability preset of the report's NPU column: strict (default) or "
                 "permissive (onnx2hpp::npu::strict / permissive). Each node is 'NPU <call>' "
                 "(with the nodes merged into the call, driver calls and modelled cycles), "
                 "'fused' (merged into the call above) or 'CPU: <reason>' (npu::reason), exactly "
                 "as npu::plan<graph_type, caps> decides for the generated header");
  app.add_flag("--dump-ir", opt.dump_ir, "print the IR after the passes");
  app.add_option("--rounding", opt.rounding,
                 "requantization rounding of conv/dense/matmul/add/mul/average pools/concat: "
                 "onnxruntime (default: onnxruntime's fp32 scales, round half to even; outputs "
                 "match onnxruntime's) or fixed-point (gemmlowp/TFLite integer multipliers and "
                 "shifts: integer-only targets, and the arithmetic of NPU drivers; layers run on "
                 "an NPU only in this mode)")
      ->check(CLI::IsMember({"fixed-point", "onnxruntime"}));
  app.add_flag("--no-simd-packs", opt.no_simd_packs,
               "leave out the backends::simd weight packs of conv/dense (smaller constants for "
               "targets that run ref or an NPU only)");
  app.add_option("--input-shape", opt.input_shapes,
                 "static shape for a graph input with dynamic dimensions, NAME=d0,d1,... "
                 "(repeatable)");
  app.set_version_flag("--version", std::string("onnx2hpp ") + ONNX2HPP_VERSION);
  app.footer(exit_codes);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    auto code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(failure::usage);
  }
  try {
    if (opt.output.empty() && !opt.report && !opt.dump_ir)
      throw error(failure::usage, "nothing to do: give -o FILE, --report or --dump-ir");
    return run(opt);
  } catch (const error &e) {
    fmt::print(stderr, "onnx2hpp: error: {}\n", printable_lines(e.what()));
    return e.exit_code();
  } catch (const std::exception &e) {
    fmt::print(stderr, "onnx2hpp: internal error: {}\n", printable_lines(e.what()));
    return static_cast<int>(failure::internal);
  }
}
