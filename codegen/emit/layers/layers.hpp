#pragma once
// The layers of the generated header, one file per family (ir::layer_family, a column of the
// op_traits table): each writes the constants, the type and the initializer of one node's
// library layer, and refuses (failure::unsupported_model) what the library cannot express.

#include "emit/context.hpp"

#include <span>
#include <string>
#include <utility>

namespace onnx2hpp::codegen::emit {

/// Writes the layer of one op kind: `name` is the layer's C++ name (context::layer_names).
using layer_emitter = layer_code (*)(context &c, const std::string &name, const ir::op &o);

/// The layer of node op `op` by the emitter `table` lists for its kind (each family keeps one
/// such table); failure::unsupported_model for a kind it does not list.
layer_code emit_with(context &c, std::size_t op,
                     std::span<const std::pair<ir::op_kind, layer_emitter>> table);

/// conv, dense, batch_matmul and their int32 variants (layers/conv.cpp).
layer_code accumulating_layer(context &c, std::size_t op);
/// max_pool, average_pool, global_average_pool (layers/pooling.cpp).
layer_code pooling_layer(context &c, std::size_t op);
/// add, mul (layers/elementwise.cpp).
layer_code elementwise_layer(context &c, std::size_t op);
/// activation, requantize: a clamp or a table (layers/activation.cpp).
layer_code activation_layer(context &c, std::size_t op);
/// softmax (layers/activation.cpp).
layer_code softmax_layer(context &c, std::size_t op);
/// concat, reshape, transpose, slice, resize, pad (layers/data_movement.cpp).
layer_code data_movement_layer(context &c, std::size_t op);

/// The layer of node op `op`, by its family.
layer_code layer_of(context &c, std::size_t op);

} // namespace onnx2hpp::codegen::emit
