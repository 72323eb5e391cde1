// simd kernel of the standalone activation: a clamp in int8 lanes, then the optional table.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/requantize.hpp"
#include "onnx2hpp/layers/activation.hpp"

namespace onnx2hpp {

#if defined(ONNX2HPP_SIMD_HAS_XSIMD) // vector kernels only (select.hpp)

template <class E, class I, shape_type S>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, activation<S>> {
  using layer = activation<S>;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    using b8 = xsimd::batch<std::int8_t, typename I::arch>;
    constexpr std::size_t L = b8::size;
    const std::int8_t *x = inputs[0];
    // clamp to [act_min, act_max] then saturate equals clamping to their int8-saturated values.
    const b8 lo(static_cast<std::int8_t>(std::clamp(l.act_min, -128, 127)));
    const b8 hi(static_cast<std::int8_t>(std::clamp(l.act_max, -128, 127)));
    std::size_t i = 0;
    for (; i + L <= S::size; i += L) // reads a whole vector before writing it: in-place safe
      xsimd::min(xsimd::max(b8::load_unaligned(x + i), lo), hi).store_unaligned(out + i);
    for (; i < S::size; ++i)
      out[i] = std::clamp(x[i], static_cast<std::int8_t>(std::clamp(l.act_min, -128, 127)),
                          static_cast<std::int8_t>(std::clamp(l.act_max, -128, 127)));
    simd::apply_lut(l.lut, out, S::size);
  }
};

#endif

} // namespace onnx2hpp
