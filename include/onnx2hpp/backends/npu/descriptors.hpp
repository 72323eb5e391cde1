// The descriptors a driver receives: one plain struct per kind of NPU call (convolution with an
// optional fused activation and max pool, fully connected, pooling, element-wise). Geometry and
// quantization come from the layer specs and are known at compile time (describe.hpp builds them
// in constant expressions); only `src`/`dst` (and the tile, for a tiled layer) change per call.
//
// The arithmetic a descriptor asks for is exactly that of the `ref` kernels of its layers, stage
// by stage (see each struct); the simulator executes it with the same core functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/activation_lut.hpp"
#include "onnx2hpp/core/constant_data.hpp"
#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/output_stage.hpp"
#include "onnx2hpp/core/window.hpp"
#include "onnx2hpp/layers/elementwise.hpp"

namespace onnx2hpp::npu {

enum class call_kind : std::uint8_t { none, conv, fully_connected, pool, elementwise };

/// An int8 NHWC tensor's extents.
struct feature_map {
  std::size_t n = 1, h = 1, w = 1, c = 1;

  constexpr std::size_t bytes() const { return n * h * w * c; }
  constexpr std::size_t row_bytes() const { return w * c; } ///< one row of one image
  /// Element offset of (b, y, x, ch) in the row-major NHWC tensor.
  constexpr std::size_t offset(std::size_t b, std::size_t y, std::size_t x, std::size_t ch) const {
    return ((b * h + y) * w + x) * c + ch;
  }
  friend constexpr bool operator==(const feature_map &, const feature_map &) = default;
};

/// A sliding window (convolution kernel or pooling window), pads split per side: the library's
/// window geometry (core/window.hpp).
using window2d = ::onnx2hpp::window2d;

/// An activation stage: out = clamp(v, act_min, act_max), then out = (*lut)[out + 128] if set —
/// the arithmetic of the standalone `activation` layer.
struct clamp_table {
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  const lut256 *lut = nullptr;

  constexpr std::int8_t apply(std::int32_t v) const {
    const std::int32_t c = v < act_min ? act_min : (v > act_max ? act_max : v);
    return lut != nullptr ? (*lut)[static_cast<std::size_t>(c + 128)]
                          : saturate_cast<std::int8_t>(c);
  }
};

/// The part of a layer one call computes, along the axis a layer is tiled on (output rows of a
/// convolution or pooling, units of a fully connected layer, elements of an element-wise op).
struct tile_range {
  std::size_t begin = 0;
  std::size_t count = 0;
  friend constexpr bool operator==(const tile_range &, const tile_range &) = default;
};

/// conv2d, optionally followed in the same call by a standalone activation and a max pool:
///   v   = output.apply(acc, oc)               (acc as defined by conv2d; requant, clamp, table)
///   v   = activation.apply(v)                 if fused_activation
///   out = clamp(max over the pool window of v, pool_act_min, pool_act_max)   if fused_pool
/// (max_pool2d's definition: taps outside the convolution's output are ignored; −128 when a
/// window has none). The call writes rows [rows.begin, rows.begin + rows.count) and output
/// channels [channels.begin, channels.begin + channels.count) of `out`.
struct conv_descriptor {
  std::size_t node = 0; ///< index of the call's first graph node
  feature_map input;
  feature_map conv_output;
  window2d window;
  std::size_t groups = 1;

  const_data<std::int8_t> weights; ///< OHWI: [out c][kernel_h][kernel_w][input c / groups]
  const_data<std::int32_t> bias;   ///< [out c]; may be empty
  std::int32_t input_zero_point = 0;
  std::int32_t weight_zero_point = 0;
  output_stage output; ///< per-channel multipliers and shifts, zero point, clamp, table

  bool fused_activation = false;
  clamp_table activation;

  bool fused_pool = false;
  window2d pool; ///< max pool window over conv_output (floor mode)
  std::int32_t pool_act_min = -128;
  std::int32_t pool_act_max = 127;

  feature_map out;     ///< what the call writes: conv_output, or the pooled extent
  tile_range rows;     ///< rows of `out` this call computes
  tile_range channels; ///< output channels this call computes (all unless weights are split)

  const std::int8_t *src = nullptr; ///< input tensor (whole, NHWC)
  std::int8_t *dst = nullptr;       ///< output tensor (whole, NHWC); the call writes its rows

  constexpr std::size_t in_channels_per_group() const { return input.c / groups; }
  /// Weight bytes of one output channel.
  constexpr std::size_t filter_bytes() const {
    return window.kernel_h * window.kernel_w * in_channels_per_group();
  }
  /// Weight bytes of the call's output channels.
  constexpr std::size_t weight_bytes() const { return channels.count * filter_bytes(); }
};

/// dense, optionally followed in the same call by a standalone activation:
///   v = output.apply(acc[r, u], u);  out = activation.apply(v) if fused_activation.
/// The call computes units [units_tile.begin, + count) of every row.
struct fc_descriptor {
  std::size_t node = 0;
  std::size_t rows = 1;  ///< product of the leading extents
  std::size_t depth = 1; ///< K
  std::size_t units = 1;

  const_data<std::int8_t> weights; ///< [units][K]
  const_data<std::int32_t> bias;   ///< [units]; may be empty
  std::int32_t input_zero_point = 0;
  std::int32_t weight_zero_point = 0;
  output_stage output;

  bool fused_activation = false;
  clamp_table activation;

  tile_range units_tile;

  const std::int8_t *src = nullptr;
  std::int8_t *dst = nullptr;
};

enum class pool_kind : std::uint8_t { max, average, global_average };

/// max_pool2d, avg_pool2d or global_avg_pool, with their definitions (layers/pooling.hpp); a
/// global average is a window of the whole input. The call writes rows `rows` of `output`.
struct pool_descriptor {
  std::size_t node = 0;
  pool_kind kind = pool_kind::max;
  feature_map input;
  feature_map output;
  window2d window;
  bool ceil_mode = false;
  bool count_include_pad = false;

  std::int32_t input_zero_point = 0;  ///< average only
  std::int32_t output_zero_point = 0; ///< average only
  quantized_multiplier multiplier{1 << 30, 1};
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;

  tile_range rows;

  const std::int8_t *src = nullptr;
  std::int8_t *dst = nullptr;
};

enum class elementwise_op : std::uint8_t { add, mul, activation };

/// add, mul (numpy broadcasting) or a standalone activation, over `elements` of the output in
/// row-major order:
///   add: out = activation.apply(add arithmetic with add_params)    (activation: table only)
///   mul: out = activation.apply(mul arithmetic with mul_params)    (activation: table only)
///   activation: out = activation.apply(a)
/// Extents are right-aligned to `rank`; an operand's extent 1 against a larger output extent is
/// broadcast.
struct elementwise_descriptor {
  static constexpr std::size_t max_rank = 6;

  std::size_t node = 0;
  elementwise_op op = elementwise_op::add;
  std::size_t rank = 1;
  std::array<std::size_t, max_rank> out_dims{};
  std::array<std::size_t, max_rank> a_dims{};
  std::array<std::size_t, max_rank> b_dims{};

  add_params add;
  mul_params mul;
  clamp_table activation;

  tile_range elements;

  const std::int8_t *a = nullptr;
  const std::int8_t *b = nullptr; ///< unused for activation
  std::int8_t *dst = nullptr;

  static constexpr std::size_t product(const std::array<std::size_t, max_rank> &d,
                                       std::size_t rank) {
    std::size_t p = 1;
    for (std::size_t i = 0; i < rank; ++i)
      p *= d[i];
    return p;
  }
  constexpr std::size_t out_size() const { return product(out_dims, rank); }
  constexpr std::size_t a_size() const { return product(a_dims, rank); }
  constexpr std::size_t b_size() const {
    return op == elementwise_op::activation ? 0 : product(b_dims, rank);
  }
  constexpr bool broadcasts() const {
    return a_size() != out_size() || (op != elementwise_op::activation && b_size() != out_size());
  }
};

} // namespace onnx2hpp::npu
