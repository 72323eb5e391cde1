#pragma once
// The graph the generated header declares, computed once from the lowered IR: which IR ops are
// its nodes, which tensors its inputs and outputs, how the slots are numbered and which nodes
// work in place. The emitter writes it (emit/layers, emit/skeleton) and the NPU report plans it
// (report/npu_column), so both speak of the same nodes and slots.
//
// Graph inputs are the int8 tensors behind the boundary quantize ops (or int8 graph inputs),
// graph outputs the tensors in front of the boundary dequantize ops; every other op is a node, in
// IR order; slots number graph inputs first, then node outputs (onnx2hpp::make_graph's order).

#include "ir/graph.hpp"

#include <cstddef>
#include <map>
#include <vector>

namespace onnx2hpp::codegen::lower {

struct emitted_graph {
  /// A graph input or output: the ONNX tensor (float at a quantize/dequantize boundary) and the
  /// int8 (or int32) tensor the header's graph reads or writes.
  struct io {
    ir::tensor_id onnx;
    ir::tensor_id tensor;
  };
  std::vector<io> inputs;            ///< in ONNX order
  std::vector<io> outputs;           ///< in ONNX order
  std::vector<std::size_t> node_ops; ///< IR op index of each node
  static constexpr std::size_t not_a_node = static_cast<std::size_t>(-1);
  std::vector<std::size_t> node_of_op;       ///< per IR op: its node, or not_a_node (boundary)
  std::map<ir::tensor_id, std::size_t> slot; ///< activation tensor -> slot
  std::vector<std::size_t> input_slots, output_slots;
  std::vector<std::vector<std::size_t>> node_inputs; ///< slots each node reads (no constants)
  std::vector<std::size_t> node_output;              ///< slot each node writes
  std::vector<bool> node_in_place; ///< its layer may write over its first input (`in_place`)
  std::vector<std::size_t> slot_bytes;

  bool is_node(std::size_t op) const { return node_of_op.at(op) != not_a_node; }
};

/// The emitted graph of `g` (a graph that passed check_supported).
emitted_graph emitted_graph_of(const ir::graph &g);

} // namespace onnx2hpp::codegen::lower
