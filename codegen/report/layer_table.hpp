#pragma once
// The per-layer table of `onnx2hpp --report`, also written into the generated header's comment.

#include "ir/graph.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::report {

struct layer_row {
  std::string name;  ///< ONNX node name
  std::string op;    ///< IR op with its geometry, e.g. "conv 3x3/1 dw"
  std::string fused; ///< ONNX nodes merged into it, e.g. "Relu, BatchNormalization"
  std::string output_shape;
  std::uint64_t macs = 0;             ///< multiply-accumulates of conv/dense
  std::uint64_t params = 0;           ///< weight + bias elements
  std::uint64_t activation_bytes = 0; ///< bytes of the output tensor
  std::string npu;      ///< where the node runs on an NPU preset (report/npu_column.hpp), or empty
  std::string number{}; ///< the row's "#": its graph node (number_as_nodes), or the row index
};

/// Numbers the rows (one per IR op) as the generated graph numbers its nodes: `node_of_op[i]`,
/// or "-" for the boundary ops (lower::emitted_graph::not_a_node).
void number_as_nodes(std::vector<layer_row> &rows, const std::vector<std::size_t> &node_of_op);

std::vector<layer_row> layer_table(const ir::graph &g);

/// Aligned text, one line per layer and a total line; `prefix` starts every line (e.g. "// ").
/// An "NPU" column is added when any row has `npu` set.
std::string format_table(const std::vector<layer_row> &rows, const std::string &prefix = "");

} // namespace onnx2hpp::codegen::report
