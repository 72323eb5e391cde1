// drop_identities: remove ops whose output is a copy of their input.

#include "passes/passes.hpp"

#include <algorithm>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

bool copies_its_input(const ir::graph &g, const ir::op &o) {
  if (o.inputs.empty() || o.input(0) == ir::no_tensor || o.outputs.size() != 1)
    return false;
  const auto &in = g.at(o.input(0));
  const auto &out = g.at(o.output());
  switch (o.kind) {
  case op_kind::identity:
    return true;
  case op_kind::cast:
    return o.get<ir::cast_attrs>().to == in.type;
  case op_kind::pad: {
    if (!std::holds_alternative<ir::pad_attrs>(o.attrs))
      return false;
    // Pads as an attribute (opset < 11) or a constant operand (later opsets).
    auto pads = o.get<ir::pad_attrs>().pads;
    if (o.input(1) != ir::no_tensor) {
      if (!g.at(o.input(1)).is_constant())
        return false;
      pads = g.at(o.input(1)).value->ints();
    }
    return std::all_of(pads.begin(), pads.end(), [](std::int64_t p) { return p == 0; });
  }
  case op_kind::reshape:
  case op_kind::flatten:
  case op_kind::squeeze:
  case op_kind::unsqueeze:
    return in.shape_known && out.shape_known && in.shape == out.shape;
  case op_kind::transpose: {
    const auto &perm = o.get<ir::perm_attrs>().perm;
    for (std::size_t i = 0; i < perm.size(); ++i)
      if (perm[i] != static_cast<std::int64_t>(i))
        return false;
    return true;
  }
  case op_kind::concat:
    return o.inputs.size() == 1;
  default:
    return false;
  }
}

} // namespace

ir::graph drop_identities(ir::graph g) {
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (copies_its_input(g, g.ops[i]))
      g.bypass(i);
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
