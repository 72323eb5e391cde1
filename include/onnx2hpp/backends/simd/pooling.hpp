// simd kernels of max_pool2d, avg_pool2d and global_avg_pool, vectorised over channels:
// max pooling with int8 lane maxima, average pooling with int32 lane sums followed by the
// scalar requantize_average of ref (one exact int64 division per output value).
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

template <class E, class I, shape_type S, pool2d_attrs A>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, max_pool2d<S, A>> {
  using layer = max_pool2d<S, A>;
  using in = typename layer::in;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    using b8 = xsimd::batch<std::int8_t, typename I::arch>;
    constexpr std::size_t L = b8::size;
    const std::int8_t *x = inputs[0];
    const b8 lo(static_cast<std::int8_t>(std::clamp(l.act_min, -128, 127)));
    const b8 hi(static_cast<std::int8_t>(std::clamp(l.act_max, -128, 127)));
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy)
        for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
          std::int8_t *dst = out + ((n * layer::out_h + oy) * layer::out_w + ox) * in::c;
          for (std::size_t c0 = 0; c0 < in::c; c0 += L) {
            const std::size_t nl = in::c - c0 < L ? in::c - c0 : L;
            alignas(64) std::int8_t buf[L] = {};
            b8 best(static_cast<std::int8_t>(-128));
            for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
              const std::ptrdiff_t iy =
                  detail::pool_tap(oy, ky, A.stride_h, A.dilation_h, A.pad_top);
              if (iy < 0 || iy >= static_cast<std::ptrdiff_t>(in::h))
                continue;
              for (std::size_t kx = 0; kx < A.kernel_w; ++kx) {
                const std::ptrdiff_t ix =
                    detail::pool_tap(ox, kx, A.stride_w, A.dilation_w, A.pad_left);
                if (ix < 0 || ix >= static_cast<std::ptrdiff_t>(in::w))
                  continue;
                const std::int8_t *src = x +
                                         ((n * in::h + static_cast<std::size_t>(iy)) * in::w +
                                          static_cast<std::size_t>(ix)) *
                                             in::c +
                                         c0;
                if (nl == L) {
                  best = xsimd::max(best, b8::load_unaligned(src));
                } else {
                  std::copy(src, src + nl, buf);
                  best = xsimd::max(best, b8::load_aligned(buf));
                }
              }
            }
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

template <class E, class I, shape_type S, pool2d_attrs A, bool CountIncludePad>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, avg_pool2d<S, A, CountIncludePad>> {
  using layer = avg_pool2d<S, A, CountIncludePad>;
  using in = typename layer::in;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (l.mode == rounding_mode::onnxruntime) { // float rounding: the ref kernel defines it
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    using batch = typename I::batch;
    constexpr std::size_t L = I::lanes;
    const std::int8_t *x = inputs[0];
    for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
      const detail::pool_axis_taps rows = detail::count_pool_taps(
          oy, in::h, A.pad_top, A.pad_bottom, A.kernel_h, A.stride_h, A.dilation_h);
      for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
        const detail::pool_axis_taps cols = detail::count_pool_taps(
            ox, in::w, A.pad_left, A.pad_right, A.kernel_w, A.stride_w, A.dilation_w);
        const auto count = static_cast<std::int64_t>(
            CountIncludePad ? rows.in_padded * cols.in_padded : rows.in_input * cols.in_input);
        const auto taps = static_cast<std::int32_t>(rows.in_input * cols.in_input);
        for (std::size_t n = 0; n < in::n; ++n) {
          std::int8_t *dst = out + ((n * layer::out_h + oy) * layer::out_w + ox) * in::c;
          for (std::size_t c0 = 0; c0 < in::c; c0 += L) {
            const std::size_t nl = in::c - c0 < L ? in::c - c0 : L;
            batch sum(0);
            for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
              const std::ptrdiff_t iy =
                  detail::pool_tap(oy, ky, A.stride_h, A.dilation_h, A.pad_top);
              if (iy < 0 || iy >= static_cast<std::ptrdiff_t>(in::h))
                continue;
              for (std::size_t kx = 0; kx < A.kernel_w; ++kx) {
                const std::ptrdiff_t ix =
                    detail::pool_tap(ox, kx, A.stride_w, A.dilation_w, A.pad_left);
                if (ix < 0 || ix >= static_cast<std::ptrdiff_t>(in::w))
                  continue;
                sum += I::load_i8(x +
                                      ((n * in::h + static_cast<std::size_t>(iy)) * in::w +
                                       static_cast<std::size_t>(ix)) *
                                          in::c +
                                      c0,
                                  nl);
              }
            }
            // Σ (x − zp) = Σ x − taps · zp; |Σ x| <= 128 · taps < 2^31 (taps < 2^24).
            alignas(64) std::int32_t s[L];
            sum.store_aligned(s);
            for (std::size_t i = 0; i < nl; ++i)
              dst[c0 + i] = detail::requantize_average(
                  std::int64_t{s[i]} - std::int64_t{taps} * l.input_zero_point, count, l.multiplier,
                  l.output_zero_point, l.act_min, l.act_max);
          }
        }
      }
    }
  }
};

template <class E, class I, shape_type S>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, global_avg_pool<S>> {
  using layer = global_avg_pool<S>;
  using in = typename layer::in;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (l.mode == rounding_mode::onnxruntime) { // float rounding: the ref kernel defines it
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    using batch = typename I::batch;
    constexpr std::size_t L = I::lanes;
    constexpr std::size_t pixels = in::h * in::w;
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t c0 = 0; c0 < in::c; c0 += L) {
        const std::size_t nl = in::c - c0 < L ? in::c - c0 : L;
        batch sum(0); // |Σ x| <= 128 · pixels < 2^31 (pixels < 2^24)
        for (std::size_t p = 0; p < pixels; ++p)
          sum += I::load_i8(x + (n * pixels + p) * in::c + c0, nl);
        alignas(64) std::int32_t s[L];
        sum.store_aligned(s);
        for (std::size_t i = 0; i < nl; ++i)
          out[n * in::c + c0 + i] = detail::requantize_average(
              std::int64_t{s[i]} - static_cast<std::int64_t>(pixels) * l.input_zero_point,
              static_cast<std::int64_t>(pixels), l.multiplier, l.output_zero_point, l.act_min,
              l.act_max);
      }
  }
};

} // namespace onnx2hpp
