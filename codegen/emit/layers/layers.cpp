#include "emit/layers/layers.hpp"

#include "ir/op_traits.hpp"

#include <array>

namespace onnx2hpp::codegen::emit {

layer_code emit_with(context &c, std::size_t op,
                     std::span<const std::pair<ir::op_kind, layer_emitter>> table) {
  const auto &o = c.g.ops[op];
  for (const auto &[kind, emit] : table)
    if (kind == o.kind)
      return emit(c, c.layer_names.at(op), o);
  c.unsupported(o, fmt::format("the IR op '{}' has no library layer yet", ir::name_of(o.kind)));
}

namespace {

using family_emitter = layer_code (*)(context &c, std::size_t op);

/// The emitter of each layer family (ir::op_traits::family).
constexpr std::array<std::pair<ir::layer_family, family_emitter>, 6> families{{
    {ir::layer_family::accumulating, accumulating_layer},
    {ir::layer_family::pooling, pooling_layer},
    {ir::layer_family::elementwise, elementwise_layer},
    {ir::layer_family::activation, activation_layer},
    {ir::layer_family::softmax, softmax_layer},
    {ir::layer_family::data_movement, data_movement_layer},
}};

} // namespace

layer_code layer_of(context &c, std::size_t op) {
  const auto &o = c.g.ops[op];
  for (const auto &[family, emit] : families)
    if (family == ir::traits(o.kind).family)
      return emit(c, op);
  c.unsupported(o, fmt::format("the IR op '{}' has no library layer yet", ir::name_of(o.kind)));
}

} // namespace onnx2hpp::codegen::emit
