// Reference kernels of max_pool2d, avg_pool2d and global_avg_pool: the window loops of the
// definitions in layers/pooling.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/pooling.hpp"

namespace onnx2hpp {

template <shape_type InShape, pool2d_attrs A>
struct kernel<backends::ref, max_pool2d<InShape, A>> {
  using layer = max_pool2d<InShape, A>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    using out_t = nhwc<typename layer::output_shape>;
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy)
        for (std::size_t ox = 0; ox < layer::out_w; ++ox)
          for (std::size_t c = 0; c < in::c; ++c) {
            std::int32_t best = -128; // also the value of a window with no tap in the input
            for_each_tap_inside(layer::window, in::h, in::w, oy, ox,
                                [&](std::size_t, std::size_t, std::size_t iy, std::size_t ix) {
                                  const std::int32_t v = x[in::offset(n, iy, ix, c)];
                                  best = v > best ? v : best;
                                });
            best = best < l.act_min ? l.act_min : (best > l.act_max ? l.act_max : best);
            out[out_t::offset(n, oy, ox, c)] = saturate_cast<std::int8_t>(best);
          }
  }
};

template <shape_type InShape, pool2d_attrs A, bool CountIncludePad, rounding_mode R>
struct kernel<backends::ref, avg_pool2d<InShape, A, CountIncludePad, R>> {
  using layer = avg_pool2d<InShape, A, CountIncludePad, R>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    using out_t = nhwc<typename layer::output_shape>;
    const std::int8_t *x = inputs[0];
    for (std::size_t oy = 0; oy < layer::out_h; ++oy)
      for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
        const std::int64_t count = detail::average_count<layer>(oy, ox);
        for (std::size_t n = 0; n < in::n; ++n)
          for (std::size_t c = 0; c < in::c; ++c) {
            std::int64_t sum = 0;
            for_each_tap_inside(layer::window, in::h, in::w, oy, ox,
                                [&](std::size_t, std::size_t, std::size_t iy, std::size_t ix) {
                                  sum += x[in::offset(n, iy, ix, c)] - l.input_zero_point;
                                });
            out[out_t::offset(n, oy, ox, c)] = detail::average_output(l, sum, count);
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
