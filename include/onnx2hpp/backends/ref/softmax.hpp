// Reference kernel of softmax: per row, max, table sum and one exactly rounded quotient per
// element, as defined in layers/softmax.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/softmax.hpp"

namespace onnx2hpp {

namespace detail {

/// round_half_away(num / (den · 2^exponent)) for num >= 0, den > 0, 0 <= exponent <= 62, without
/// forming den · 2^exponent: with A = floor(num / 2^e), a = num mod 2^e, q = A / den and
/// r = A mod den, the exact remainder of num / (den·2^e) is R = r·2^e + a, and
/// 2R >= den·2^e  <=>  2r >= den, or 2r = den − 1 and 2a >= 2^e.
/// Precondition: 2·den fits int64.
constexpr std::int64_t rounding_divide_scaled(std::int64_t num, std::int64_t den, int exponent) {
  const std::int64_t a = num & ((std::int64_t{1} << exponent) - 1);
  const std::int64_t big_a = num >> exponent;
  const std::int64_t q = big_a / den;
  const std::int64_t r = big_a % den;
  const bool up = 2 * r >= den || (2 * r == den - 1 && 2 * a >= (std::int64_t{1} << exponent));
  return up ? q + 1 : q;
}

} // namespace detail

template <shape_type InShape>
struct kernel<backends::ref, softmax<InShape>> {
  using layer = softmax<InShape>;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    constexpr std::size_t len = layer::axis_size;
    const quantized_multiplier recip =
        quantize_multiplier(1.0 / static_cast<double>(l.output_scale));
    const int exponent = 31 - recip.shift; // in [1, 62]
    const std::int8_t *x = inputs[0];
    for (std::size_t r = 0; r < layer::rows; ++r) {
      const std::int8_t *row = x + r * len;
      std::int32_t max = row[0];
      for (std::size_t i = 1; i < len; ++i)
        max = row[i] > max ? row[i] : max;
      std::int64_t sum = 0;
      for (std::size_t i = 0; i < len; ++i)
        sum += l.table[static_cast<std::size_t>(max - row[i])];
      for (std::size_t i = 0; i < len; ++i) {
        // Read row[i] before writing out[r*len + i]: in-place execution aliases them.
        const std::int64_t e = l.table[static_cast<std::size_t>(max - row[i])];
        const std::int64_t q = detail::rounding_divide_scaled(e * recip.multiplier, sum, exponent);
        out[r * len + i] = saturate_cast<std::int8_t>(q + l.output_zero_point);
      }
    }
  }
};

} // namespace onnx2hpp
