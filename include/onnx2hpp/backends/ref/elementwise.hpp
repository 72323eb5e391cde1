// Reference kernels of add and mul: one pass over the output, walking both inputs with
// zero strides along their broadcast dimensions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/elementwise.hpp"

namespace onnx2hpp {

namespace detail {

/// Visits the output of a broadcast of A and B in row-major order, calling
/// f(output_index, a_index, b_index) for every element.
template <shape_type A, shape_type B, class F>
constexpr void for_each_broadcast(F &&f) {
  using bc = broadcast<A, B>;
  constexpr std::size_t rank = bc::rank;
  // Row-major strides of an input aligned to the output rank, 0 along its broadcast dimensions.
  constexpr auto strides = [](const std::array<std::size_t, rank> &d) {
    std::array<std::size_t, rank> s{};
    std::size_t step = 1;
    for (std::size_t i = rank; i-- > 0;) {
      s[i] = d[i] == 1 ? 0 : step;
      step *= d[i];
    }
    return s;
  };
  constexpr std::array<std::size_t, rank> sa = strides(bc::a_dims);
  constexpr std::array<std::size_t, rank> sb = strides(bc::b_dims);
  constexpr std::size_t size = broadcast_shape_t<A, B>::size;

  std::array<std::size_t, rank> idx{};
  std::size_t ia = 0, ib = 0;
  for (std::size_t o = 0; o < size; ++o) {
    f(o, ia, ib);
    for (std::size_t d = rank; d-- > 0;) { // odometer increment, last dimension fastest
      ++idx[d];
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < bc::dims[d])
        break;
      ia -= sa[d] * bc::dims[d];
      ib -= sb[d] * bc::dims[d];
      idx[d] = 0;
    }
  }
}

constexpr std::int8_t elementwise_lut(const lut256 *lut, std::int8_t q) {
  return lut != nullptr ? (*lut)[static_cast<std::size_t>(q + 128)] : q;
}

} // namespace detail

template <shape_type ShapeA, shape_type ShapeB, rounding_mode R>
struct kernel<backends::ref, add<ShapeA, ShapeB, R>> {
  using layer = add<ShapeA, ShapeB, R>;

  /// The definition. With Narrow (|q − zero point| · 2^left_shift within int32 for every int8 q:
  /// narrow_shifts), the shifted values are formed in int32 without the saturation, which then
  /// never happens: the same values.
  template <bool Narrow = false>
  static constexpr std::int8_t one(const add_params &p, std::int8_t a, std::int8_t b) {
    if constexpr (R == rounding_mode::onnxruntime)
      return onnxruntime_add(p, a, b);
    std::int32_t a_shifted = 0, b_shifted = 0;
    if constexpr (Narrow) {
      a_shifted = (a - p.a_zero_point) * (std::int32_t{1} << p.left_shift);
      b_shifted = (b - p.b_zero_point) * (std::int32_t{1} << p.left_shift);
    } else {
      const std::int64_t scale = std::int64_t{1} << p.left_shift;
      a_shifted = saturate_cast<std::int32_t>((std::int64_t{a} - p.a_zero_point) * scale);
      b_shifted = saturate_cast<std::int32_t>((std::int64_t{b} - p.b_zero_point) * scale);
    }
    const std::int32_t sum = multiply_by_quantized_multiplier(a_shifted, p.a_multiplier) +
                             multiply_by_quantized_multiplier(b_shifted, p.b_multiplier);
    return requantize(sum, p.output_multiplier, p.output_zero_point, p.act_min, p.act_max);
  }

  /// Whether (q − zp) · 2^left_shift fits int32 for every int8 q and both zero points.
  static constexpr bool narrow_shifts(const add_params &p) {
    const auto fits = [&](std::int32_t zp) {
      if (p.left_shift < 0 || p.left_shift > 30 || zp < -(1 << 20) || zp > (1 << 20))
        return false;
      const std::int64_t span = 128 + (zp < 0 ? -std::int64_t{zp} : std::int64_t{zp});
      return (span << p.left_shift) <= std::int64_t{2147483647};
    };
    return fits(p.a_zero_point) && fits(p.b_zero_point);
  }

  template <bool Narrow>
  static constexpr void run_as(const layer &l, const std::int8_t *a, const std::int8_t *b,
                               std::int8_t *out) {
    if constexpr (std::is_same_v<ShapeA, ShapeB>) { // no broadcast: one flat pass
      for (std::size_t i = 0; i < ShapeA::size; ++i)
        out[i] = detail::elementwise_lut(l.lut, one<Narrow>(l.params, a[i], b[i]));
    } else {
      detail::for_each_broadcast<ShapeA, ShapeB>(
          [&](std::size_t o, std::size_t ia, std::size_t ib) {
            out[o] = detail::elementwise_lut(l.lut, one<Narrow>(l.params, a[ia], b[ib]));
          });
    }
  }

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 2> &inputs,
                            std::int8_t *out) {
    if (R == rounding_mode::fixed_point && narrow_shifts(l.params))
      run_as<true>(l, inputs[0], inputs[1], out);
    else
      run_as<false>(l, inputs[0], inputs[1], out);
  }
};

template <shape_type ShapeA, shape_type ShapeB, rounding_mode R>
struct kernel<backends::ref, mul<ShapeA, ShapeB, R>> {
  using layer = mul<ShapeA, ShapeB, R>;

  static constexpr std::int8_t one(const mul_params &p, std::int8_t a, std::int8_t b) {
    const std::int64_t acc =
        (std::int64_t{a} - p.a_zero_point) * (std::int64_t{b} - p.b_zero_point);
    if constexpr (R == rounding_mode::onnxruntime) // |acc| <= 255²: exact in fp32
      return onnxruntime_mul(p, static_cast<std::int32_t>(acc));
    const auto shifted = saturate_cast<std::int32_t>(acc * (std::int64_t{1} << p.left_shift));
    return requantize(shifted, p.output_multiplier, p.output_zero_point, p.act_min, p.act_max);
  }

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 2> &inputs,
                            std::int8_t *out) {
    const std::int8_t *a = inputs[0];
    const std::int8_t *b = inputs[1];
    if constexpr (std::is_same_v<ShapeA, ShapeB>) { // no broadcast: one flat pass
      for (std::size_t i = 0; i < ShapeA::size; ++i)
        out[i] = detail::elementwise_lut(l.lut, one(l.params, a[i], b[i]));
    } else {
      detail::for_each_broadcast<ShapeA, ShapeB>(
          [&](std::size_t o, std::size_t ia, std::size_t ib) {
            out[o] = detail::elementwise_lut(l.lut, one(l.params, a[ia], b[ib]));
          });
    }
  }
};

} // namespace onnx2hpp
