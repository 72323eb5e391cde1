#include "emit/layers/layers.hpp"

#include "ir/op_traits.hpp"

namespace onnx2hpp::codegen::emit {

layer_code layer_of(context &c, std::size_t op) {
  const auto &o = c.g.ops[op];
  switch (ir::traits(o.kind).family) {
  case ir::layer_family::accumulating:
    return accumulating_layer(c, op);
  case ir::layer_family::pooling:
    return pooling_layer(c, op);
  case ir::layer_family::elementwise:
    return elementwise_layer(c, op);
  case ir::layer_family::activation:
    return activation_layer(c, op);
  case ir::layer_family::softmax:
    return softmax_layer(c, op);
  case ir::layer_family::data_movement:
    return data_movement_layer(c, op);
  case ir::layer_family::boundary:
  case ir::layer_family::none:
    break;
  }
  c.unsupported(o, fmt::format("the IR op '{}' has no library layer yet", ir::name_of(o.kind)));
}

} // namespace onnx2hpp::codegen::emit
