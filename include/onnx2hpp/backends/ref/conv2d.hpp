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
  // Taps in the padding contribute nothing.
  for_each_tap_inside(A.window(), in::h, in::w, oy, ox,
                      [&](std::size_t ky, std::size_t kx, std::size_t iy, std::size_t ix) {
                        const std::size_t x_base =
                            in::offset(n, iy, ix, group * Layer::in_channels_per_group);
                        const std::size_t w_base = ((oc * A.kernel_h + ky) * A.kernel_w + kx) *
                                                   Layer::in_channels_per_group;
                        for (std::size_t ic = 0; ic < Layer::in_channels_per_group; ++ic)
                          acc += (x[x_base + ic] - input_zp) * (weights[w_base + ic] - weight_zp);
                      });
  return acc;
}

/// Calls f(n, oy, ox, oc, offset) for every output element of a convolution, in memory order.
template <class Layer, class F>
constexpr void for_each_conv2d_output(F &&f) {
  using out = nhwc<typename Layer::output_shape>;
  for (std::size_t n = 0; n < out::n; ++n)
    for (std::size_t oy = 0; oy < out::h; ++oy)
      for (std::size_t ox = 0; ox < out::w; ++ox)
        for (std::size_t oc = 0; oc < out::c; ++oc)
          f(n, oy, ox, oc, out::offset(n, oy, ox, oc));
}
} // namespace detail

template <shape_type InShape, conv2d_attrs A>
struct kernel<backends::ref, conv2d<InShape, A>> {
  using layer = conv2d<InShape, A>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    detail::for_each_conv2d_output<layer>(
        [&](std::size_t n, std::size_t oy, std::size_t ox, std::size_t oc, std::size_t at) {
          const std::int32_t acc =
              (l.bias.empty() ? 0 : l.bias[oc]) +
              detail::conv2d_window_sum<layer, A>(x, l.weights, l.input_zero_point,
                                                  l.weight_zero_point, n, oy, ox, oc);
          out[at] = l.output.apply(acc, oc);
        });
  }
};

} // namespace onnx2hpp
