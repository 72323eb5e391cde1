#include "ir/op_traits.hpp"

#include <array>
#include <cstddef>

namespace onnx2hpp::codegen::ir {

namespace {

using enum op_kind;
using enum layout_rule;
using enum in_place_rule;
using F = layer_family; // its activation and softmax would clash with op_kind's
constexpr bool yes = true, no = false;

/// A kind the library implements, with the columns of op_traits.
constexpr op_traits core(op_kind kind, std::string_view name, layer_family family,
                         layout_rule layout, bool moves_data, bool requantizes,
                         in_place_rule in_place) {
  return {kind, name, true, moves_data, requantizes, in_place, layout, family};
}

/// An ONNX-level kind: no layer; to_nhwc wraps it in transposes if it ever meets NHWC tensors.
constexpr op_traits onnx(op_kind kind, std::string_view name) {
  return {.kind = kind, .name = name};
}

/// One row per op_kind, in the enum's order (checked below); the columns are op_traits' fields
/// ("moves": moves_data).
constexpr std::array<op_traits, static_cast<std::size_t>(op_kind::removed) + 1> table{{
    // clang-format off
    // kind, name                        family            layout     moves requantizes, in place
    core(quantize, "quantize",           F::boundary,      any,       no,   no,  never),
    core(dequantize, "dequantize",       F::boundary,      any,       no,   no,  never),
    core(requantize, "requantize",       F::activation,    any,       no,   no,  always),
    core(conv, "conv",                   F::accumulating,  any,       no,   yes, never),
    core(dense, "dense",                 F::accumulating,  wrap,      no,   yes, never),
    core(batch_matmul, "batch_matmul",   F::accumulating,  wrap,      no,   yes, never),
    core(max_pool, "max_pool",           F::pooling,       any,       yes,  no,  never),
    core(average_pool, "average_pool",   F::pooling,       any,       no,   yes, never),
    core(global_average_pool, "global_average_pool",F::pooling,       any,       no,   yes, never),
    core(add, "add",                     F::elementwise,   broadcast, no,   yes, same_shape),
    core(mul, "mul",                     F::elementwise,   broadcast, no,   yes, same_shape),
    core(concat, "concat",               F::data_movement, axis,      no,   yes, never),
    core(reshape, "reshape",             F::data_movement, wrap,      yes,  no,  always),
    core(transpose, "transpose",         F::data_movement, perm,      yes,  no,  never),
    core(slice, "slice",                 F::data_movement, axes,      yes,  no,  never),
    core(resize, "resize",               F::data_movement, scales,    yes,  no,  never),
    core(softmax, "softmax",             F::softmax,       axis,      no,   no,  always),
    core(activation, "activation",       F::activation,    any,       no,   no,  always),
    core(pad, "pad",                     F::data_movement, pads,      yes,  no,  never),
    // ONNX-level kinds: the passes rewrite them into the kinds above or fold them away.
    onnx(constant, "constant"),
    onnx(constant_of_shape, "constant_of_shape"),
    onnx(shape, "shape"),
    onnx(gather, "gather"),
    onnx(cast, "cast"),
    onnx(identity, "identity"),
    onnx(squeeze, "squeeze"),
    onnx(unsqueeze, "unsqueeze"),
    onnx(flatten, "flatten"),
    onnx(sub, "sub"),
    onnx(div, "div"),
    onnx(gemm, "gemm"),
    onnx(matmul, "matmul"),
    onnx(batch_norm, "batch_norm"),
    onnx(reduce_mean, "reduce_mean"),
    onnx(clip, "clip"),
    onnx(prelu, "prelu"),
    onnx(qlinear_conv, "qlinear_conv"),
    onnx(qlinear_matmul, "qlinear_matmul"),
    onnx(conv_integer, "conv_integer"),
    onnx(matmul_integer, "matmul_integer"),
    onnx(qlinear_add, "qlinear_add"),
    onnx(qlinear_mul, "qlinear_mul"),
    onnx(qlinear_global_average_pool, "qlinear_global_average_pool"),
    onnx(qlinear_average_pool, "qlinear_average_pool"),
    onnx(qlinear_concat, "qlinear_concat"),
    onnx(qlinear_activation, "qlinear_activation"),
    onnx(qgemm, "qgemm"),
    onnx(removed, "removed"),
    // clang-format on
}};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (static_cast<std::size_t>(table[i].kind) != i)
      return false;
  return true;
}
static_assert(in_enum_order(), "op_traits: one row per op_kind, in the enum's order");

} // namespace

const op_traits &traits(op_kind kind) {
  return table.at(static_cast<std::size_t>(kind));
}

} // namespace onnx2hpp::codegen::ir
