// SPDX-License-Identifier: MIT
//
// Activation functions for int8 tensors: 256-entry lookup tables built at compile time, and the
// int8 clamp ranges that piecewise-linear activations (relu, relu6, clip) fold into.
#pragma once

#include <array>
#include <cstdint>

#include "onnx2hpp/core/constexpr_math.hpp"
#include "onnx2hpp/core/fixed_point.hpp"

namespace onnx2hpp {

enum class activation_kind {
  none,
  relu,
  relu6,
  clip,
  leaky_relu,
  hard_swish,
  hard_sigmoid,
  sigmoid,
  tanh
};

/// Lookup table over all int8 inputs, indexed by (q + 128).
using lut256 = std::array<std::int8_t, 256>;

/// Inclusive int8 output range [min, max].
struct activation_range {
  std::int32_t min;
  std::int32_t max;
};

namespace detail {

constexpr double clamp_d(double v, double lo, double hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/// Real-valued activation evaluated in double. alpha/beta meaning depends on the kind
/// (see make_activation_lut).
constexpr double apply_activation(activation_kind k, double f, double alpha, double beta) {
  switch (k) {
  case activation_kind::none:
    return f;
  case activation_kind::relu:
    return f < 0.0 ? 0.0 : f;
  case activation_kind::relu6:
    return clamp_d(f, 0.0, 6.0);
  case activation_kind::clip: // ONNX: min(max(f, min), max), so max everywhere when min > max
    return alpha > beta ? beta : clamp_d(f, alpha, beta);
  case activation_kind::leaky_relu:
    return f < 0.0 ? alpha * f : f;
  case activation_kind::hard_swish:
    return f * clamp_d(f / 6.0 + 0.5, 0.0, 1.0);
  case activation_kind::hard_sigmoid:
    return clamp_d(alpha * f + beta, 0.0, 1.0);
  case activation_kind::sigmoid:
    return cmath::sigmoid(f);
  case activation_kind::tanh:
    return cmath::tanh(f);
  }
  return f;
}

} // namespace detail

/// Builds the table out[q + 128] = quantize_value(act(dequantize_value(q, in_scale, in_zp)),
/// out_scale, out_zp) for every int8 q. The dequantized input is a float (ONNX DequantizeLinear),
/// the activation is evaluated in double and converted to float, and the final quantization
/// rounds half to even and saturates (ONNX QuantizeLinear) — the same table onnxruntime builds
/// for QLinearSigmoid / QLinearLeakyRelu. Parameters per kind:
///   leaky_relu:   y = f < 0 ? alpha·f : f
///   hard_sigmoid: y = clamp(alpha·f + beta, 0, 1)   (ONNX defaults: alpha 0.2, beta 0.5)
///   hard_swish:   y = f · clamp(f/6 + 1/2, 0, 1)    (ONNX HardSwish; alpha/beta ignored)
///   clip:         y = clamp(f, alpha, beta)          (alpha = min, beta = max)
///   relu, relu6, sigmoid, tanh: standard; none: identity (pure requantization).
constexpr lut256 make_activation_lut(activation_kind k, float in_scale, std::int32_t in_zp,
                                     float out_scale, std::int32_t out_zp, float alpha = 0.01f,
                                     float beta = 0.f) {
  lut256 table{};
  for (int i = 0; i < 256; ++i) {
    const auto q = static_cast<std::int8_t>(i - 128);
    const double f = dequantize_value(q, in_scale, in_zp);
    const double y = detail::apply_activation(k, f, alpha, beta);
    table[static_cast<std::size_t>(i)] = quantize_value(static_cast<float>(y), out_scale, out_zp);
  }
  return table;
}

/// The int8 output range a piecewise-linear activation folds into when it directly follows a
/// requantization (TFLite CalculateActivationRangeQuantized), using quantize_value (round half to
/// even, saturating) for the boundaries:
///   relu:  [saturate(out_zp), 127]
///   relu6: [saturate(out_zp), quantize_value(6, ...)]  (= min(127, out_zp + round(6/out_scale)))
///   clip:  [quantize_value(clip_min, ...), quantize_value(clip_max, ...)] (both the latter when
///          clip_min > clip_max, as ONNX's min(max(x, min), max))
///   every other kind (including none): [−128, 127] (non-linear ones need a LUT instead).
constexpr activation_range activation_clamp(activation_kind k, float out_scale, std::int32_t out_zp,
                                            float clip_min = 0.f, float clip_max = 0.f) {
  switch (k) {
  case activation_kind::relu:
    return {saturate_cast<std::int8_t>(out_zp), 127};
  case activation_kind::relu6:
    return {saturate_cast<std::int8_t>(out_zp), quantize_value(6.f, out_scale, out_zp)};
  case activation_kind::clip: {
    // ONNX Clip is min(max(x, clip_min), clip_max): clip_max everywhere when clip_min > clip_max.
    const std::int32_t hi = quantize_value(clip_max, out_scale, out_zp);
    const std::int32_t lo = clip_min > clip_max ? hi : quantize_value(clip_min, out_scale, out_zp);
    return {lo, hi};
  }
  default:
    return {-128, 127};
  }
}

} // namespace onnx2hpp
