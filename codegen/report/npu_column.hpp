#pragma once
// The NPU column of `onnx2hpp --report`: for an NPU capability preset, where each node of the
// generated graph runs (a driver call, merged into the call before it, or the CPU and why), the
// driver calls and modelled cycles, and the coverage totals.
//
// Computed from the lowered IR with the library's own value-level functions (npu::conv_geometry,
// fc_geometry, pool_geometry, fuse_*, decide, layer_cycles; onnx2hpp::plan_memory for the arena
// offsets the merge rule looks at), following the rules of npu::plan<Graph, Caps> node by node,
// so the report and the compile-time plan of the generated header agree (tests/codegen/
// test_npu_report_plan.cpp checks it on compiled headers).

#include "lower/lower.hpp"
#include "report/layer_table.hpp"

#include <onnx2hpp/backends/npu/capabilities.hpp>
#include <onnx2hpp/backends/npu/plan.hpp>
#include <onnx2hpp/core/fixed_point.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::report {

/// The NPU plan of a lowered model, one entry per node of the generated graph (the IR ops other
/// than the boundary quantize/dequantize, in graph order), like npu::plan<Graph, Caps>::nodes.
struct npu_report {
  std::string preset;                    ///< the capability preset's name
  std::vector<std::size_t> node_ops;     ///< IR op index of each graph node
  std::vector<npu::node_decision> nodes; ///< per graph node, as npu::plan computes it
  std::vector<std::string> node_names;   ///< per graph node (the ONNX node name)
  static constexpr std::size_t not_a_node = lower::emitted_graph::not_a_node;
  std::vector<std::size_t> node_of_op; ///< per IR op: its graph node, or not_a_node

  std::size_t nodes_on_npu() const; ///< placed npu or fused
  std::size_t driver_calls() const; ///< calls (tiles) of one inference
  std::uint64_t total_macs() const; ///< the library's count (conv, dense, add, mul)
  std::uint64_t macs_on_npu() const;
  double mac_fraction() const;  ///< 1 without MACs, as npu::plan::mac_fraction
  std::uint64_t cycles() const; ///< modelled NPU cycles of one inference
};

/// The plan of `model` on an accelerator with capabilities `caps` (`preset` names it), for a
/// header generated with requantization rounding `rounding` (`--rounding`: in onnxruntime mode
/// the requantizing layers stay on the CPU, npu::reason::rounding_mode).
npu_report plan_npu(const lower::lowered_model &model, const npu::capabilities &caps,
                    const std::string &preset, rounding_mode rounding = rounding_mode::fixed_point);

/// The column text of one node: "NPU conv (+1 fused), 2 calls, 830 cycles" (the call it starts,
/// the nodes merged into it, its driver calls and modelled cycles), "fused", "CPU: depthwise".
std::string npu_cell(const npu::node_decision &d);

/// Fills layer_row::npu of every row (rows from layer_table(model.graph)); boundary ops get "-".
void add_npu_column(std::vector<layer_row> &rows, const npu_report &plan);

/// The coverage totals and the CPU nodes with their reasons, a few lines.
std::string format_npu_summary(const npu_report &plan, const std::string &prefix = "");

} // namespace onnx2hpp::codegen::report
