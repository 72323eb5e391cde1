// Reference kernels of conv2d_integer and dense_integer: the definitions in layers/integer.hpp,
// each int32 result stored with store_int32. Other backends fall back to these.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/core/int32_elements.hpp"
#include "onnx2hpp/layers/integer.hpp"

namespace onnx2hpp {

template <shape_type InShape, conv2d_attrs A>
struct kernel<backends::ref, conv2d_integer<InShape, A>> {
  using layer = conv2d_integer<InShape, A>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy)
        for (std::size_t ox = 0; ox < layer::out_w; ++ox)
          for (std::size_t oc = 0; oc < A.out_channels; ++oc) {
            const std::size_t group = oc / layer::out_channels_per_group;
            const std::int32_t wz = l.weight_zero_point(oc);
            std::int32_t acc = 0;
            for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
              const std::ptrdiff_t iy =
                  static_cast<std::ptrdiff_t>(oy * A.stride_h + ky * A.dilation_h) -
                  static_cast<std::ptrdiff_t>(A.pad_top);
              if (iy < 0 || iy >= static_cast<std::ptrdiff_t>(in::h))
                continue;
              for (std::size_t kx = 0; kx < A.kernel_w; ++kx) {
                const std::ptrdiff_t ix =
                    static_cast<std::ptrdiff_t>(ox * A.stride_w + kx * A.dilation_w) -
                    static_cast<std::ptrdiff_t>(A.pad_left);
                if (ix < 0 || ix >= static_cast<std::ptrdiff_t>(in::w))
                  continue;
                const std::size_t x_base = ((n * in::h + static_cast<std::size_t>(iy)) * in::w +
                                            static_cast<std::size_t>(ix)) *
                                               in::c +
                                           group * layer::in_channels_per_group;
                const std::size_t w_base =
                    ((oc * A.kernel_h + ky) * A.kernel_w + kx) * layer::in_channels_per_group;
                for (std::size_t ic = 0; ic < layer::in_channels_per_group; ++ic)
                  acc += (x[x_base + ic] - l.input_zero_point) * (l.weights[w_base + ic] - wz);
              }
            }
            store_int32(out, ((n * layer::out_h + oy) * layer::out_w + ox) * A.out_channels + oc,
                        acc);
          }
  }
};

template <shape_type InShape, std::size_t Units>
struct kernel<backends::ref, dense_integer<InShape, Units>> {
  using layer = dense_integer<InShape, Units>;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    constexpr std::size_t k_n = layer::depth;
    const std::int8_t *x = inputs[0];
    for (std::size_t r = 0; r < layer::rows; ++r)
      for (std::size_t u = 0; u < Units; ++u) {
        const std::int32_t wz = l.weight_zero_point(u);
        std::int32_t acc = 0;
        for (std::size_t k = 0; k < k_n; ++k)
          acc += (x[r * k_n + k] - l.input_zero_point) * (l.weights[u * k_n + k] - wz);
        store_int32(out, r * Units + u, acc);
      }
  }
};

} // namespace onnx2hpp
