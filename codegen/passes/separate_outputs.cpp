// separate_outputs: every graph output is a tensor some graph node writes, once.
//
// After the passes a graph output can be a graph input's integer tensor: a model of a lone
// QuantizeLinear or DequantizeLinear, an Identity, a Transpose by the identity permutation (all
// dropped), or an output that repeats another output. The library's graph writes an output only
// from the node producing it, so such an output gets a `reshape` to the same shape (a copy) of its
// own; the boundary quantize/dequantize ops stay where they are.

#include "passes/passes.hpp"

#include <set>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

/// The integer tensor a graph output holds: in front of its boundary dequantize, or itself.
ir::tensor_id held_tensor(const ir::graph &g, ir::tensor_id output) {
  auto p = g.producer(output);
  return p && g.ops[*p].kind == op_kind::dequantize ? g.ops[*p].input(0) : output;
}

/// True if `id` is what a graph input holds in the library: the graph input itself, or the output
/// of the boundary quantize of a float graph input.
bool holds_graph_input(const ir::graph &g, ir::tensor_id id) {
  if (g.is_input(id))
    return true;
  auto p = g.producer(id);
  return p && g.ops[*p].kind == op_kind::quantize && g.is_input(g.ops[*p].input(0));
}

} // namespace

ir::graph separate_outputs(ir::graph g) {
  std::set<ir::tensor_id> written;
  for (std::size_t k = 0; k < g.outputs.size(); ++k) {
    const auto output = g.outputs[k];
    const auto output_name = g.at(output).name;
    const auto held = held_tensor(g, output);
    if (g.at(held).is_constant() || (!holds_graph_input(g, held) && written.insert(held).second))
      continue;
    auto copy = g.at(held);
    copy.value.reset();
    const auto dequantize = g.producer(output);
    const bool via_dequantize = held != output;
    if (via_dequantize)
      copy.name += ":copy";
    else if (!g.is_input(held) && holds_graph_input(g, held)) // the copy takes over the name
      g.at(held).name += ":quantized";
    auto copy_id = g.add_tensor(std::move(copy));
    ir::op o;
    o.kind = op_kind::reshape;
    o.name = output_name + ":copy";
    o.onnx_type = "Identity";
    o.inputs = {held};
    o.outputs = {copy_id};
    if (via_dequantize) {
      g.ops[*dequantize].inputs[0] = copy_id;
      g.insert(*dequantize, std::move(o));
    } else {
      g.outputs[k] = copy_id;
      g.ops.push_back(std::move(o));
    }
    written.insert(copy_id);
  }
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
