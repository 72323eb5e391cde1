// Reference kernels of max_pool2d, avg_pool2d and global_avg_pool: the window loops of the
// definitions in layers/pooling.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/pooling.hpp"

namespace onnx2hpp {

namespace detail {

/// Window taps along one axis for output index `o`: how many lie inside the input [0, in) and
/// how many inside the padded extent [−pad_before, in + pad_after).
struct pool_axis_taps {
  std::size_t in_input = 0;
  std::size_t in_padded = 0;
};

/// Position of tap k of output o along an axis, relative to the input's first element (negative
/// inside the leading padding).
constexpr std::ptrdiff_t pool_tap(std::size_t o, std::size_t k, std::size_t stride,
                                  std::size_t dilation, std::size_t pad_before) {
  return static_cast<std::ptrdiff_t>(o * stride + k * dilation) -
         static_cast<std::ptrdiff_t>(pad_before);
}

constexpr pool_axis_taps count_pool_taps(std::size_t o, std::size_t in, std::size_t pad_before,
                                         std::size_t pad_after, std::size_t kernel,
                                         std::size_t stride, std::size_t dilation) {
  pool_axis_taps t;
  for (std::size_t k = 0; k < kernel; ++k) {
    const std::ptrdiff_t i = pool_tap(o, k, stride, dilation, pad_before);
    if (i < static_cast<std::ptrdiff_t>(in + pad_after))
      ++t.in_padded; // i >= −pad_before always holds
    if (i >= 0 && i < static_cast<std::ptrdiff_t>(in))
      ++t.in_input;
  }
  return t;
}

} // namespace detail

template <shape_type InShape, pool2d_attrs A>
struct kernel<backends::ref, max_pool2d<InShape, A>> {
  using layer = max_pool2d<InShape, A>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy)
        for (std::size_t ox = 0; ox < layer::out_w; ++ox)
          for (std::size_t c = 0; c < in::c; ++c) {
            std::int32_t best = -128; // also the value of a window with no tap in the input
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
                const std::int32_t v = x[((n * in::h + static_cast<std::size_t>(iy)) * in::w +
                                          static_cast<std::size_t>(ix)) *
                                             in::c +
                                         c];
                best = v > best ? v : best;
              }
            }
            best = best < l.act_min ? l.act_min : (best > l.act_max ? l.act_max : best);
            out[((n * layer::out_h + oy) * layer::out_w + ox) * in::c + c] =
                saturate_cast<std::int8_t>(best);
          }
  }
};

template <shape_type InShape, pool2d_attrs A, bool CountIncludePad, rounding_mode R>
struct kernel<backends::ref, avg_pool2d<InShape, A, CountIncludePad, R>> {
  using layer = avg_pool2d<InShape, A, CountIncludePad, R>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
      const detail::pool_axis_taps rows = detail::count_pool_taps(
          oy, in::h, A.pad_top, A.pad_bottom, A.kernel_h, A.stride_h, A.dilation_h);
      for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
        const detail::pool_axis_taps cols = detail::count_pool_taps(
            ox, in::w, A.pad_left, A.pad_right, A.kernel_w, A.stride_w, A.dilation_w);
        const auto count = static_cast<std::int64_t>(
            CountIncludePad ? rows.in_padded * cols.in_padded : rows.in_input * cols.in_input);
        for (std::size_t n = 0; n < in::n; ++n)
          for (std::size_t c = 0; c < in::c; ++c) {
            std::int64_t sum = 0;
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
                sum += x[((n * in::h + static_cast<std::size_t>(iy)) * in::w +
                          static_cast<std::size_t>(ix)) *
                             in::c +
                         c] -
                       l.input_zero_point;
              }
            }
            out[((n * layer::out_h + oy) * layer::out_w + ox) * in::c + c] =
                detail::average_output(l, sum, count);
          }
      }
    }
  }
};

template <shape_type InShape, rounding_mode R>
struct kernel<backends::ref, global_avg_pool<InShape, R>> {
  using layer = global_avg_pool<InShape, R>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    constexpr std::size_t pixels = in::h * in::w;
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t c = 0; c < in::c; ++c) {
        std::int64_t sum = 0;
        for (std::size_t p = 0; p < pixels; ++p)
          sum += x[(n * pixels + p) * in::c + c] - l.input_zero_point;
        out[n * in::c + c] = detail::average_output(l, sum, static_cast<std::int64_t>(pixels));
      }
  }
};

} // namespace onnx2hpp
