#include "lower/emitted_graph.hpp"

#include "ir/op_traits.hpp"

#include <algorithm>

namespace onnx2hpp::codegen::lower {

namespace {

using ir::op_kind;

/// Whether the library layer the header emits for `o` writes over its first input when that
/// input dies (the layers' `in_place`).
bool in_place(const ir::graph &g, const ir::op &o) {
  switch (ir::traits(o.kind).in_place) {
  case ir::in_place_rule::always:
    return true;
  case ir::in_place_rule::same_shape:
    return g.at(o.input(0)).shape == g.at(o.output()).shape;
  case ir::in_place_rule::never:
    break;
  }
  return false;
}

} // namespace

emitted_graph emitted_graph_of(const ir::graph &g) {
  emitted_graph e;
  std::vector<bool> boundary(g.ops.size(), false);
  for (auto id : g.inputs) {
    auto readers = g.consumers(id);
    auto q = std::find_if(readers.begin(), readers.end(),
                          [&](std::size_t r) { return g.ops[r].kind == op_kind::quantize; });
    if (q != readers.end()) {
      e.inputs.push_back({id, g.ops[*q].output()});
      boundary[*q] = true;
    } else
      e.inputs.push_back({id, id});
  }
  for (auto id : g.outputs) {
    auto p = g.producer(id);
    if (p && g.ops[*p].kind == op_kind::dequantize) {
      e.outputs.push_back({id, g.ops[*p].input(0)});
      boundary[*p] = true;
    } else
      e.outputs.push_back({id, id});
  }
  auto bytes_of = [&](ir::tensor_id id) {
    const auto &t = g.at(id);
    return static_cast<std::size_t>(t.elements()) * ir::size_of(t.type);
  };
  for (std::size_t i = 0; i < e.inputs.size(); ++i) {
    e.slot[e.inputs[i].tensor] = i;
    e.slot_bytes.push_back(bytes_of(e.inputs[i].tensor));
  }
  e.node_of_op.assign(g.ops.size(), emitted_graph::not_a_node);
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (!boundary[i]) {
      e.node_of_op[i] = e.node_ops.size();
      e.node_ops.push_back(i);
      e.slot[g.ops[i].output()] = e.inputs.size() + e.node_ops.size() - 1;
      e.slot_bytes.push_back(bytes_of(g.ops[i].output()));
    }
  for (const auto &in : e.inputs)
    e.input_slots.push_back(e.slot.at(in.tensor));
  for (const auto &out : e.outputs)
    e.output_slots.push_back(e.slot.at(out.tensor));
  for (auto i : e.node_ops) {
    const auto &o = g.ops[i];
    std::vector<std::size_t> reads;
    for (auto id : o.inputs)
      if (id != ir::no_tensor && !g.at(id).is_constant()) // weights live in the layer
        reads.push_back(e.slot.at(id));
    e.node_in_place.push_back(in_place(g, o) && !reads.empty());
    e.node_inputs.push_back(std::move(reads));
    e.node_output.push_back(e.slot.at(o.output()));
  }
  return e;
}

} // namespace onnx2hpp::codegen::lower
