// Reference kernel of conv2d: the nested loops of the definition in layers/conv2d.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/conv2d.hpp"

namespace onnx2hpp {

namespace detail {
/// Σ over the window of output (n, oy, ox, oc) of (x − input_zp) · (w − weight_zp), padded
/// positions contributing nothing: the accumulation of conv2d's definition, shared by the ref
/// kernels of conv2d and conv2d_integer (`Layer` gives the geometry, `A` the attributes).
template <class Layer, conv2d_attrs A, class Weights>
constexpr std::int32_t conv2d_window_sum(const std::int8_t *x, const Weights &weights,
                                         std::int32_t input_zp, std::int32_t weight_zp,
                                         std::size_t n, std::size_t oy, std::size_t ox,
                                         std::size_t oc) {
  using in = typename Layer::in;
  const std::size_t group = oc / Layer::out_channels_per_group;
  std::int32_t acc = 0;
  for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
    // Signed input row; rows outside [0, H) are padding and contribute zero.
    const std::ptrdiff_t iy = static_cast<std::ptrdiff_t>(oy * A.stride_h + ky * A.dilation_h) -
                              static_cast<std::ptrdiff_t>(A.pad_top);
    if (iy < 0 || iy >= static_cast<std::ptrdiff_t>(in::h))
      continue;
    for (std::size_t kx = 0; kx < A.kernel_w; ++kx) {
      const std::ptrdiff_t ix = static_cast<std::ptrdiff_t>(ox * A.stride_w + kx * A.dilation_w) -
                                static_cast<std::ptrdiff_t>(A.pad_left);
      if (ix < 0 || ix >= static_cast<std::ptrdiff_t>(in::w))
        continue;
      const std::size_t x_base =
          ((n * in::h + static_cast<std::size_t>(iy)) * in::w + static_cast<std::size_t>(ix)) *
              in::c +
          group * Layer::in_channels_per_group;
      const std::size_t w_base =
          ((oc * A.kernel_h + ky) * A.kernel_w + kx) * Layer::in_channels_per_group;
      for (std::size_t ic = 0; ic < Layer::in_channels_per_group; ++ic)
        acc += (x[x_base + ic] - input_zp) * (weights[w_base + ic] - weight_zp);
    }
  }
  return acc;
}
} // namespace detail

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
            const std::int32_t acc =
                (l.bias.empty() ? 0 : l.bias[oc]) +
                detail::conv2d_window_sum<layer, A>(x, l.weights, l.input_zero_point,
                                                    l.weight_zero_point, n, oy, ox, oc);
            out[((n * layer::out_h + oy) * layer::out_w + ox) * A.out_channels + oc] =
                l.output.apply(acc, oc);
          }
  }
};

} // namespace onnx2hpp
