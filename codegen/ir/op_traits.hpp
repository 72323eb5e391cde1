#pragma once
// What the generator knows about each IR op kind, in one table (op_traits.cpp): its name, whether
// the library implements it, how it treats bytes, quantization and layout, and which family of
// the emitter writes its layer. Passes, lowering, the report and the emitter read these rows
// instead of listing kinds, so a new op is one row here plus its lowering and its layer (see
// codegen/README.md, "Adding an op").

#include "ir/op.hpp"

#include <cstdint>
#include <string_view>

namespace onnx2hpp::codegen::ir {

/// What `to_nhwc` does to an op whose tensors it turns from NCHW to NHWC.
enum class layout_rule : std::uint8_t {
  any,       ///< works in either layout as it is (per element, or its layer is NHWC already)
  axis,      ///< renumber its `axis_attrs` axis
  axes,      ///< renumber the axes of its `slice_attrs`
  pads,      ///< reorder the begins and ends of its `pad_attrs`
  scales,    ///< reorder the per-axis scales of its `resize_attrs`
  perm,      ///< compose its permutation with NHWC <-> NCHW
  broadcast, ///< align constant operands to NHWC, or wrap when another operand is not NHWC
  wrap,      ///< keep NCHW: transposes around it (also every ONNX-level kind)
};

/// Whether the library layer writes over its first input when that input dies (`in_place`).
enum class in_place_rule : std::uint8_t {
  never,
  always,
  same_shape, ///< when the output has the first input's shape (add, mul without broadcasting)
};

/// Which part of the emitter (emit/layers/*.cpp) writes the layer of a core op.
enum class layer_family : std::uint8_t {
  none,          ///< not a core kind: no layer
  boundary,      ///< quantize/dequantize at the graph's edges: the I/O metadata, not a node
  accumulating,  ///< conv, dense, batch_matmul: weights, bias, output stage (emit/layers/conv.cpp)
  pooling,       ///< max/average/global average pools (emit/layers/pooling.cpp)
  elementwise,   ///< add, mul (emit/layers/elementwise.cpp)
  activation,    ///< activation, requantize: a clamp or a table (emit/layers/activation.cpp)
  data_movement, ///< concat, reshape, transpose, slice, resize, pad (emit/layers/data_movement.cpp)
  softmax,       ///< softmax (emit/layers/activation.cpp)
};

struct op_traits {
  op_kind kind;
  std::string_view name;
  /// May remain after the passes: the library has a layer (or it is a boundary op).
  bool core = false;
  /// Copies bytes only, so its input and output share their quantization (a rescale is split off
  /// into a `requantize` by isolate_requantization).
  bool moves_data = false;
  /// Its layer requantizes and carries the rounding mode in its type (`--rounding`); the NPU runs
  /// such a layer in fixed-point mode only.
  bool requantizes = false;
  in_place_rule in_place = in_place_rule::never;
  layout_rule layout = layout_rule::wrap;
  layer_family family = layer_family::none;
};

/// The row of `k`.
const op_traits &traits(op_kind k);

} // namespace onnx2hpp::codegen::ir
