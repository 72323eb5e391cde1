// Reference kernel of conv2d: the nested loops of the definition in layers/conv2d.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/conv2d.hpp"

namespace onnx2hpp {

template <shape_type InShape, conv2d_attrs A>
struct kernel<backends::ref, conv2d<InShape, A>> {
  using layer = conv2d<InShape, A>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy)
        for (std::size_t ox = 0; ox < layer::out_w; ++ox)
          for (std::size_t oc = 0; oc < A.out_channels; ++oc) {
            const std::size_t group = oc / layer::out_channels_per_group;
            std::int32_t acc = l.bias.empty() ? 0 : l.bias[oc];
            for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
              // Signed input row; rows outside [0, H) are padding and contribute zero.
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
                  acc += (x[x_base + ic] - l.input_zero_point) *
                         (l.weights[w_base + ic] - l.weight_zero_point);
              }
            }
            out[((n * layer::out_h + oy) * layer::out_w + ox) * A.out_channels + oc] =
                l.output.apply(acc, oc);
          }
  }
};

} // namespace onnx2hpp
