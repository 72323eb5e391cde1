// simd kernels of max_pool2d, avg_pool2d and global_avg_pool, vectorised over channels:
// max pooling with int8 lane maxima, average pooling with int32 lane sums followed by the
// scalar requantize_average of ref (one exact int64 division per output value) or, in
// rounding_mode::onnxruntime, the fp32 requantization in lanes (float_math).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/ref/pooling.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/requantize.hpp"
#include "onnx2hpp/layers/pooling.hpp"

namespace onnx2hpp {

#if defined(ONNX2HPP_SIMD_HAS_XSIMD) // vector kernels only (select.hpp)

template <class E, class I, shape_type S, pool2d_attrs A>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, max_pool2d<S, A>> {
  using layer = max_pool2d<S, A>;
  using in = typename layer::in;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    using b8 = xsimd::batch<std::int8_t, typename I::arch>;
    using out_t = nhwc<typename layer::output_shape>;
    constexpr std::size_t L = b8::size;
    const std::int8_t *x = inputs[0];
    const b8 lo(static_cast<std::int8_t>(std::clamp(l.act_min, -128, 127)));
    const b8 hi(static_cast<std::int8_t>(std::clamp(l.act_max, -128, 127)));
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy)
        for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
          std::int8_t *dst = out + out_t::offset(n, oy, ox, 0);
          for (std::size_t c0 = 0; c0 < in::c; c0 += L) {
            const std::size_t nl = in::c - c0 < L ? in::c - c0 : L;
            alignas(64) std::int8_t buf[L] = {};
            b8 best(static_cast<std::int8_t>(-128));
            for_each_tap_inside(layer::window, in::h, in::w, oy, ox,
                                [&](std::size_t, std::size_t, std::size_t iy, std::size_t ix) {
                                  const std::int8_t *src = x + in::offset(n, iy, ix, c0);
                                  if (nl == L) {
                                    best = xsimd::max(best, b8::load_unaligned(src));
                                  } else {
                                    std::copy(src, src + nl, buf);
                                    best = xsimd::max(best, b8::load_aligned(buf));
                                  }
                                });
            best = xsimd::min(xsimd::max(best, lo), hi);
            if (nl == L) {
              best.store_unaligned(dst + c0);
            } else {
              best.store_aligned(buf);
              std::copy(buf, buf + nl, dst + c0);
            }
          }
        }
  }
};

namespace simd::detail {

/// Σ (x − zp) of `taps` int8 inputs stays inside int32 (|Σ x| <= 128 · taps) and, in onnxruntime
/// mode, the fp32 requantization can run in vector lanes.
template <class Layer>
bool vector_average(const Layer &l, std::size_t taps) {
  const bool sum_fits = l.input_zero_point >= -(1 << 15) && l.input_zero_point <= (1 << 15) &&
                        taps < (std::size_t{1} << 15);
  if constexpr (Layer::rounding == rounding_mode::onnxruntime)
    return sum_fits && make_float_window(l.output_zero_point, l.act_min, l.act_max).exact;
  else
    return false;
}

/// The fp32 scale of an average over `count` taps (requantize_average_fp32); 0 for no taps, which
/// gives the clamped zero point as there.
inline float average_scale(float input_scale, float output_scale, std::int64_t count) {
  return count <= 0 ? 0.0f
                    : fp32_div(input_scale, fp32_mul(output_scale, static_cast<float>(count)));
}

} // namespace simd::detail

template <class E, class I, shape_type S, pool2d_attrs A, bool CountIncludePad, rounding_mode R>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, avg_pool2d<S, A, CountIncludePad, R>> {
  using layer = avg_pool2d<S, A, CountIncludePad, R>;
  using in = typename layer::in;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    using batch = typename I::batch;
    using fm = simd::float_math<I>;
    constexpr std::size_t L = I::lanes;
    // onnxruntime mode: the whole average in lanes (float_math) when the sums fit int32.
    const bool vector_tail = simd::detail::vector_average(l, A.kernel_h * A.kernel_w);
    const typename fm::window fwin(
        simd::make_float_window(l.output_zero_point, l.act_min, l.act_max));
    const std::int8_t *x = inputs[0];
    using out_t = nhwc<typename layer::output_shape>;
    for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
      for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
        const std::int64_t count = detail::average_count<layer>(oy, ox);
        const auto taps = static_cast<std::int32_t>(layer::window.count_taps(oy, ox, in::h, in::w));
        for (std::size_t n = 0; n < in::n; ++n) {
          std::int8_t *dst = out + out_t::offset(n, oy, ox, 0);
          for (std::size_t c0 = 0; c0 < in::c; c0 += L) {
            const std::size_t nl = in::c - c0 < L ? in::c - c0 : L;
            batch sum(0);
            for_each_tap_inside(layer::window, in::h, in::w, oy, ox,
                                [&](std::size_t, std::size_t, std::size_t iy, std::size_t ix) {
                                  sum += I::load_i8(x + in::offset(n, iy, ix, c0), nl);
                                });
            // Σ (x − zp) = Σ x − taps · zp; |Σ x| <= 128 · taps < 2^31 (taps < 2^24).
            if (vector_tail) {
              const batch centred = sum - batch(taps * l.input_zero_point);
              I::store_i8(fm::requantize_float(centred,
                                               typename fm::fbatch(simd::detail::average_scale(
                                                   l.input_scale, l.output_scale, count)),
                                               fwin),
                          dst + c0, nl);
              continue;
            }
            alignas(64) std::int32_t s[L];
            sum.store_aligned(s);
            for (std::size_t i = 0; i < nl; ++i)
              dst[c0 + i] = detail::average_output(
                  l, std::int64_t{s[i]} - std::int64_t{taps} * l.input_zero_point, count);
          }
        }
      }
    }
  }
};

template <class E, class I, shape_type S, rounding_mode R>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, global_avg_pool<S, R>> {
  using layer = global_avg_pool<S, R>;
  using in = typename layer::in;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    using batch = typename I::batch;
    using fm = simd::float_math<I>;
    constexpr std::size_t L = I::lanes;
    constexpr std::size_t pixels = in::h * in::w;
    const bool vector_tail = simd::detail::vector_average(l, pixels);
    const typename fm::window fwin(
        simd::make_float_window(l.output_zero_point, l.act_min, l.act_max));
    const typename fm::fbatch scale(simd::detail::average_scale(l.input_scale, l.output_scale,
                                                                static_cast<std::int64_t>(pixels)));
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t c0 = 0; c0 < in::c; c0 += L) {
        const std::size_t nl = in::c - c0 < L ? in::c - c0 : L;
        batch sum(0); // |Σ x| <= 128 · pixels < 2^31 (pixels < 2^24)
        for (std::size_t p = 0; p < pixels; ++p)
          sum += I::load_i8(x + (n * pixels + p) * in::c + c0, nl);
        if (vector_tail) {
          const batch centred = sum - batch(static_cast<std::int32_t>(pixels) * l.input_zero_point);
          I::store_i8(fm::requantize_float(centred, scale, fwin), out + n * in::c + c0, nl);
          continue;
        }
        alignas(64) std::int32_t s[L];
        sum.store_aligned(s);
        for (std::size_t i = 0; i < nl; ++i)
          out[n * in::c + c0 + i] = detail::average_output(
              l, std::int64_t{s[i]} - static_cast<std::int64_t>(pixels) * l.input_zero_point,
              static_cast<std::int64_t>(pixels));
      }
  }
};

#endif

} // namespace onnx2hpp
