// Softmax over the last axis (ONNX Softmax with axis = −1, or QLinearSoftmax), int8 in and out,
// computed in integer arithmetic from a 256-entry table of exponentials; and the float softmax of
// an int8 tensor for models whose output is a float probability vector.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/constexpr_math.hpp"
#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// Exponentials e^(−d·input_scale) for d = 0..255 in Q30 fixed point (entry 0 is 2^30).
using softmax_table = std::array<std::int32_t, 256>;
inline constexpr int softmax_table_bits = 30;

/// table[d] = round_half_away(e^(−d · input_scale) · 2^30), evaluated in double with
/// cmath::exp (d · input_scale is exact in double). Every entry is in [0, 2^30] and the sequence
/// is non-increasing, so a row of L values sums to at most L·2^30 (no int64 overflow for
/// L < 2^33). Precondition: input_scale > 0 (a non-positive or NaN scale gives table[d] = 2^30).
constexpr softmax_table make_softmax_table(float input_scale) {
  softmax_table t{};
  const double s = input_scale > 0.f ? static_cast<double>(input_scale) : 0.0;
  constexpr double one = static_cast<double>(std::int64_t{1} << softmax_table_bits);
  for (int d = 0; d < 256; ++d)
    t[static_cast<std::size_t>(d)] =
        static_cast<std::int32_t>(round_half_away(cmath::exp(-d * s) * one));
  return t;
}

/// int8 softmax over the last axis of `InShape` (any rank >= 1). For each row x[0..L):
///   m      = max_j x[j]
///   sum    = Σ_j table[m − x[j]]                                      (int64, exact)
///   (M, S) = quantize_multiplier(1 / output_scale)                    (in double)
///   out[i] = saturate_int8(output_zero_point
///                          + round_half_away(table[m − x[i]] · M · 2^(S − 31) / sum))
/// The quotient is rounded exactly once (integer long division, no intermediate rounding), so
/// out differs from the float definition quantize(e^(x_i − m) / Σ e^(x_j − m)) only through the
/// Q30 table entries and the Q31 reciprocal of output_scale, plus ties (rounded half away from
/// zero here, half to even by ONNX QuantizeLinear): at most one step, and rarely (see tests).
/// The input zero point cancels (softmax is shift-invariant); it is kept for the generator's
/// uniformity. `table` defaults to make_softmax_table(input_scale) when the spec is aggregate-
/// initialized without it; it must be rebuilt if input_scale is changed afterwards.
template <shape_type InShape>
struct softmax {
  static_assert(InShape::rank >= 1, "softmax: the input has rank >= 1");
  static constexpr std::size_t axis_size = InShape::dims[InShape::rank - 1];
  static_assert(axis_size >= 1, "softmax: the softmax axis must not be empty");
  static_assert(axis_size < (std::size_t{1} << 31), "softmax: axis too long for int64 sums");
  static constexpr std::size_t rows = InShape::size / axis_size;

  using input_shapes = type_list<InShape>;
  using output_shape = InShape;
  static constexpr std::size_t n_inputs = 1;
  /// Each row's max and sum are taken before any output is written, and out[i] reads only x[i].
  static constexpr bool in_place = true;
  static constexpr std::uint64_t macs = 0; ///< no multiply-accumulates (table lookups, divisions)

  float input_scale = 1.f;
  std::int32_t input_zero_point = 0;
  float output_scale = 1.f / 256.f;      ///< ONNX quantizes probabilities with 1/256 ...
  std::int32_t output_zero_point = -128; ///< ... and zero point −128 for int8
  softmax_table table = make_softmax_table(input_scale);
};

/// Float softmax of n int8 values (a model's float output behind a final DequantizeLinear →
/// Softmax): f_i = dequantize_value(x_i, input_scale, input_zp) (float, as ONNX), then
/// out_i = e^(f_i − max f) / Σ_j e^(f_j − max f) in double with cmath::exp, stored as float.
/// n == 0 writes nothing. Precondition: input_scale > 0.
constexpr void softmax_to_float(const std::int8_t *x, std::size_t n, float input_scale,
                                std::int32_t input_zp, float *out) {
  if (n == 0)
    return;
  double max = static_cast<double>(dequantize_value(x[0], input_scale, input_zp));
  for (std::size_t i = 1; i < n; ++i) {
    const double f = static_cast<double>(dequantize_value(x[i], input_scale, input_zp));
    max = f > max ? f : max;
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    sum += cmath::exp(static_cast<double>(dequantize_value(x[i], input_scale, input_zp)) - max);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<float>(
        cmath::exp(static_cast<double>(dequantize_value(x[i], input_scale, input_zp)) - max) / sum);
}

} // namespace onnx2hpp
