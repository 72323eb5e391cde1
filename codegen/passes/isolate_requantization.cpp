// isolate_requantization: ops that only move data keep their input's quantization.
//
// An op that moves data only (op_traits::moves_data: MaxPool, Reshape, Transpose, Slice, Resize,
// Pad) between a DQ and a Q with other parameters also
// rescales. The library's data-movement layers copy bytes, so the rescaling is split off into a
// `requantize` right after the op.

#include "ir/op_traits.hpp"
#include "passes/passes.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

using ir::op_kind;

ir::graph isolate_requantization(ir::graph g) {
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto &o = g.ops[i];
    if (!ir::traits(o.kind).moves_data)
      continue;
    const auto &in = g.at(o.input(0));
    const auto &out = g.at(o.output());
    if (!in.quant || !out.quant ||
        (in.type == out.type && ir::same_quantization(*in.quant, *out.quant)))
      continue;
    auto moved = out;
    moved.name += ":moved";
    moved.type = in.type;
    moved.quant = in.quant;
    auto moved_id = g.add_tensor(std::move(moved));
    ir::op requantize;
    requantize.kind = op_kind::requantize;
    requantize.name = g.ops[i].name + ":requantize";
    requantize.onnx_type = g.ops[i].onnx_type;
    requantize.inputs = {moved_id};
    requantize.outputs = {g.ops[i].output()};
    g.ops[i].outputs = {moved_id};
    g.insert(i + 1, std::move(requantize));
    ++i;
  }
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
