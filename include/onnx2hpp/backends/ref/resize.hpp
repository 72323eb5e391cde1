// Reference kernels of resize_nearest and resize_nearest_indexed: each output pixel copies its
// source pixel's channels.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/resize.hpp"

namespace onnx2hpp {

template <shape_type InShape, std::size_t FactorH, std::size_t FactorW>
struct kernel<backends::ref, resize_nearest<InShape, FactorH, FactorW>> {
  using layer = resize_nearest<InShape, FactorH, FactorW>;
  using in = typename layer::in;
  static constexpr std::size_t out_h = in::h * FactorH, out_w = in::w * FactorW;

  static constexpr void run(const layer &, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t y = 0; y < out_h; ++y)
        for (std::size_t xo = 0; xo < out_w; ++xo) {
          const std::int8_t *src = x + in::offset(n, y / FactorH, xo / FactorW, 0);
          std::int8_t *dst = out + nhwc<typename layer::output_shape>::offset(n, y, xo, 0);
          for (std::size_t c = 0; c < in::c; ++c)
            dst[c] = src[c];
        }
  }
};

template <shape_type InShape, std::size_t OutH, std::size_t OutW>
struct kernel<backends::ref, resize_nearest_indexed<InShape, OutH, OutW>> {
  using layer = resize_nearest_indexed<InShape, OutH, OutW>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t y = 0; y < OutH; ++y)
        for (std::size_t xo = 0; xo < OutW; ++xo) {
          const std::size_t sy = l.rows[y] < in::h ? l.rows[y] : in::h - 1;
          const std::size_t sx = l.cols[xo] < in::w ? l.cols[xo] : in::w - 1;
          const std::int8_t *src = x + in::offset(n, sy, sx, 0);
          std::int8_t *dst = out + nhwc<typename layer::output_shape>::offset(n, y, xo, 0);
          for (std::size_t c = 0; c < in::c; ++c)
            dst[c] = src[c];
        }
  }
};

} // namespace onnx2hpp
