// The output stage shared by every accumulating layer (conv, dense, ...): int32 accumulator ->
// requantization per output channel (fixed-point, or onnxruntime's fp32 scale and round half to
// even) -> zero point -> clamp to the fused activation's range -> optional 256-entry look-up
// table for non-piecewise-linear fused activations.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/activation_lut.hpp"
#include "onnx2hpp/core/constant_data.hpp"
#include "onnx2hpp/core/fixed_point.hpp"

namespace onnx2hpp {

/// Fixed-point multipliers, per output channel (`count` = channels) or per tensor (`count` = 1).
struct channel_requant {
  const_data<std::int32_t> multiplier;
  const_data<std::int32_t> shift;
  std::size_t count = 1;

  constexpr quantized_multiplier operator[](std::size_t channel) const {
    const std::size_t i = count == 1 ? 0 : channel;
    return {multiplier[i], shift[i]};
  }
};

/// fp32 requantization scales (input_scale · weight_scale[c] / output_scale, evaluated in fp32),
/// per output channel (`count` = channels) or per tensor (`count` = 1). Read only in
/// rounding_mode::onnxruntime; default-constructed (empty) otherwise.
struct channel_scale {
  const float *scale = nullptr;
  std::size_t count = 1;

  constexpr channel_scale() = default;
  constexpr channel_scale(const float *values, std::size_t n) : scale(values), count(n) {}
  template <std::size_t N>
  constexpr channel_scale(const std::array<float, N> &a) : scale(a.data()), count(N) {}

  constexpr float operator[](std::size_t channel) const { return scale[count == 1 ? 0 : channel]; }
};

/// Requantization of an accumulator into the int8 output of one channel. The rounding mode is
/// part of the type (a layer's `rounding`, see conv2d_attrs::rounding and dense), so every
/// compile-time consumer (the simd kernels, the NPU plan) sees it; `mode` is that constant.
///
/// Mode == rounding_mode::fixed_point (output_stage):
///   out = clamp(multiply_by_quantized_multiplier(acc, requant[c]) + zero_point, act_min, act_max)
/// Mode == rounding_mode::onnxruntime (reads `scale`, not `requant`):
///   out = clamp(round_half_even(fp32(acc) · scale[c]) + zero_point, act_min, act_max)
///   (requantize_float; the product in fp32, as onnxruntime's QLinearConv/QGemm/QLinearMatMul)
/// then, if `lut` is set (fused LeakyReLU/HardSwish/Sigmoid/Tanh), out = (*lut)[out + 128]. The
/// value before the table is the activation's input, quantized with the pre-activation scale.
template <rounding_mode Mode = rounding_mode::fixed_point>
struct basic_output_stage {
  static constexpr rounding_mode mode = Mode;

  channel_requant requant{}; ///< read in rounding_mode::fixed_point only
  std::int32_t zero_point = 0;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  const lut256 *lut = nullptr;
  channel_scale scale{}; ///< read in rounding_mode::onnxruntime only

  constexpr std::int8_t apply(std::int32_t acc, std::size_t channel) const {
    std::int8_t q = 0;
    if constexpr (Mode == rounding_mode::onnxruntime)
      q = requantize_float(acc, scale[channel], zero_point, act_min, act_max);
    else
      q = requantize(acc, requant[channel], zero_point, act_min, act_max);
    return lut != nullptr ? (*lut)[static_cast<std::size_t>(q + 128)] : q;
  }
};

/// The fixed-point output stage (the library's default mode).
using output_stage = basic_output_stage<rounding_mode::fixed_point>;

} // namespace onnx2hpp
