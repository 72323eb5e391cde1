// Reference kernel of conv2d: the nested loops of the definition in layers/conv2d.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/backends/ref/inner_product.hpp"
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
    if (!std::is_constant_evaluated() && l.weight_zero_point == 0) {
      if constexpr (layer::depthwise && layer::out_channels_per_group == 1)
        run_depthwise(l, x, out);
      else
        run_grouped(l, x, out);
      return;
    }
    detail::for_each_conv2d_output<layer>(
        [&](std::size_t n, std::size_t oy, std::size_t ox, std::size_t oc, std::size_t at) {
          const std::int32_t acc =
              (l.bias.empty() ? 0 : l.bias[oc]) +
              detail::conv2d_window_sum<layer, A>(x, l.weights, l.input_zero_point,
                                                  l.weight_zero_point, n, oy, ox, oc);
          out[at] = l.output.apply(acc, oc);
        });
  }

private:
  // The run-time paths (symmetric weights, the PTQ case): see ref/inner_product.hpp. Output
  // channels go in chunks whose whole-window constant, bias − zx·Σw, sits on the stack.
  static constexpr std::size_t chunk = 16;
  using out_map = nhwc<typename layer::output_shape>;
  static constexpr std::size_t taps = A.kernel_h * A.kernel_w;
  static constexpr std::size_t per_oc = taps * layer::in_channels_per_group;

  /// bias[oc] − zx·Σ w[oc] for the channels [oc0, oc1).
  static void whole_window_terms(const layer &l, const std::int8_t *w, std::size_t oc0,
                                 std::size_t oc1, std::int32_t *terms) {
    for (std::size_t oc = oc0; oc < oc1; ++oc)
      terms[oc - oc0] = (l.bias.empty() ? 0 : l.bias[oc]) -
                        l.input_zero_point * ref_detail::sum(w + oc * per_oc, per_oc);
  }

  static void run_grouped(const layer &l, const std::int8_t *x, std::int8_t *out) {
    constexpr std::size_t icpg = layer::in_channels_per_group;
    // With one group and no horizontal dilation, a kernel row reads kernel_w·C adjacent bytes.
    constexpr bool row_contiguous = A.groups == 1 && A.dilation_w == 1;
    const std::int8_t *w = l.weights.data();
    const std::int32_t zx = l.input_zero_point;
    std::int32_t terms[chunk];
    for (std::size_t oc0 = 0; oc0 < A.out_channels; oc0 += chunk) {
      const std::size_t oc1 = oc0 + chunk < A.out_channels ? oc0 + chunk : A.out_channels;
      whole_window_terms(l, w, oc0, oc1, terms);
      for (std::size_t n = 0; n < in::n; ++n)
        for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
          const auto ry = layer::window.rows().inside_taps(oy, in::h);
          for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
            const auto rx = layer::window.cols().inside_taps(ox, in::w);
            const bool whole = ry.whole(A.kernel_h) && rx.whole(A.kernel_w);
            std::int8_t *o = out + out_map::offset(n, oy, ox, 0);
            for (std::size_t oc = oc0; oc < oc1; ++oc) {
              const std::size_t g = oc / layer::out_channels_per_group;
              const std::int8_t *wo = w + oc * per_oc;
              std::int32_t acc;
              if (whole) {
                acc = terms[oc - oc0];
                for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
                  const std::int8_t *xr =
                      x + in::offset(n, oy * A.stride_h + ky * A.dilation_h - A.pad_top,
                                     ox * A.stride_w - A.pad_left, g * icpg);
                  if constexpr (row_contiguous)
                    acc += ref_detail::dot(xr, wo + ky * A.kernel_w * icpg, A.kernel_w * icpg);
                  else
                    for (std::size_t kx = 0; kx < A.kernel_w; ++kx)
                      acc += ref_detail::dot(xr + kx * A.dilation_w * in::c,
                                             wo + (ky * A.kernel_w + kx) * icpg, icpg);
                }
              } else {
                acc = l.bias.empty() ? 0 : l.bias[oc];
                for (std::size_t ky = ry.first; ky < ry.last; ++ky)
                  for (std::size_t kx = rx.first; kx < rx.last; ++kx)
                    acc += ref_detail::dot_offset(
                        x + in::offset(n, oy * A.stride_h + ky * A.dilation_h - A.pad_top,
                                       ox * A.stride_w + kx * A.dilation_w - A.pad_left, g * icpg),
                        wo + (ky * A.kernel_w + kx) * icpg, icpg, zx);
              }
              o[oc] = l.output.apply(acc, oc);
            }
          }
        }
    }
  }

  // Depthwise (one output channel per input channel), weights [C][kernel_h][kernel_w]. A whole
  // window runs its taps innermost with compile-time offsets; a window that reaches into the
  // padding runs the channels innermost over its valid taps.
  static void run_depthwise(const layer &l, const std::int8_t *x, std::int8_t *out) {
    const std::int8_t *w = l.weights.data();
    const std::int32_t zx = l.input_zero_point;
    std::int32_t terms[chunk];
    std::int32_t acc[chunk];
    for (std::size_t c0 = 0; c0 < in::c; c0 += chunk) {
      const std::size_t nc = c0 + chunk < in::c ? chunk : in::c - c0;
      whole_window_terms(l, w, c0, c0 + nc, terms);
      for (std::size_t n = 0; n < in::n; ++n)
        for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
          const auto ry = layer::window.rows().inside_taps(oy, in::h);
          for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
            const auto rx = layer::window.cols().inside_taps(ox, in::w);
            std::int8_t *o = out + out_map::offset(n, oy, ox, c0);
            if (ry.whole(A.kernel_h) && rx.whole(A.kernel_w)) {
              const std::int8_t *xw =
                  x + in::offset(n, oy * A.stride_h - A.pad_top, ox * A.stride_w - A.pad_left, c0);
              for (std::size_t j = 0; j < nc; ++j) {
                const std::int8_t *wc = w + (c0 + j) * taps;
                std::int32_t a = terms[j];
                for (std::size_t ky = 0; ky < A.kernel_h; ++ky)
                  for (std::size_t kx = 0; kx < A.kernel_w; ++kx)
                    a += xw[(ky * A.dilation_h * in::w + kx * A.dilation_w) * in::c + j] *
                         wc[ky * A.kernel_w + kx];
                o[j] = l.output.apply(a, c0 + j);
              }
              continue;
            }
            for (std::size_t j = 0; j < nc; ++j)
              acc[j] = l.bias.empty() ? 0 : l.bias[c0 + j];
            for (std::size_t ky = ry.first; ky < ry.last; ++ky)
              for (std::size_t kx = rx.first; kx < rx.last; ++kx) {
                const std::int8_t *xp =
                    x + in::offset(n, oy * A.stride_h + ky * A.dilation_h - A.pad_top,
                                   ox * A.stride_w + kx * A.dilation_w - A.pad_left, c0);
                const std::int8_t *wt = w + c0 * taps + ky * A.kernel_w + kx;
                for (std::size_t j = 0; j < nc; ++j)
                  acc[j] += (xp[j] - zx) * wt[j * taps];
              }
            for (std::size_t j = 0; j < nc; ++j)
              o[j] = l.output.apply(acc[j], c0 + j);
          }
        }
    }
  }
};

} // namespace onnx2hpp
