// Kernels of isa::arm_dsp (Cortex-M with the DSP extension, isa/arm_dsp.hpp) on the layers as the
// generator emits them (weights OHWI / [units][K], no pack):
//  * conv2d, not depthwise: tiles of 2 output pixels × 2 output channels (as CMSIS-NN's), each
//    4-byte load of inputs and weights feeding SMLADs for every pixel and channel of the tile. A
//    window is read as contiguous segments: a whole kernel row (kernel_w · channels bytes) with one
//    group and no horizontal dilation, else one tap's channels. Windows that reach into the
//    padding run one pixel at a time over their taps inside the input.
//  * dense: 2 rows × 2 units, or 1 row × 4 units (batch-1).
// The tap values enter as x − input_zero_point (SXTAB16 on the offset pair), so the int32
// accumulator is bias + Σ (x − zx)·w, the value ref sums (modulo 2^32, the same int32 when it fits
// as the layers require), and each output is `l.output.apply(acc, oc)`: bit-exact with ref in
// both rounding modes by construction. Layers these kernels do not cover run on ref: nonzero
// weight zero point, input zero point outside [−128, 127], segments shorter than 4 bytes (a stem
// with one channel and kernel_w < 4, grouped convolutions with 1–3 channels per group).
#pragma once

#include "onnx2hpp/backends/simd/isa/select.hpp"

#if defined(ONNX2HPP_SIMD_HAS_ARM_DSP)

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/backends/ref/dense.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/layers/conv2d.hpp"
#include "onnx2hpp/layers/dense.hpp"

namespace onnx2hpp {

namespace simd::dsp {

using isa::arm_dsp;

inline std::int32_t wrap_add(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}

/// acc[p][c] += Σ_{i<N} (x[p][i] − zx)·w[c][i] for P input rows and C weight rows, modulo 2^32.
/// `zpair` is arm_dsp::zero_point_pair(zx).
template <std::size_t N, std::size_t P, std::size_t C>
[[gnu::always_inline]] inline void dot(const std::int8_t *const (&x)[P],
                                       const std::int8_t *const (&w)[C], std::int32_t zx,
                                       std::uint32_t zpair, std::int32_t (&acc)[P][C]) {
  std::size_t i = 0;
  for (; i + 4 <= N; i += 4) {
    std::uint32_t xl[P], xh[P];
    for (std::size_t p = 0; p < P; ++p) {
      const std::uint32_t v = arm_dsp::load4(x[p] + i);
      xl[p] = arm_dsp::lo16(v, zpair);
      xh[p] = arm_dsp::hi16(v, zpair);
    }
    for (std::size_t c = 0; c < C; ++c) {
      const std::uint32_t v = arm_dsp::load4(w[c] + i);
      const std::uint32_t wl = arm_dsp::lo16(v), wh = arm_dsp::hi16(v);
      for (std::size_t p = 0; p < P; ++p)
        acc[p][c] = arm_dsp::mac2(xh[p], wh, arm_dsp::mac2(xl[p], wl, acc[p][c]));
    }
  }
  for (; i < N; ++i)
    for (std::size_t p = 0; p < P; ++p)
      for (std::size_t c = 0; c < C; ++c)
        acc[p][c] = wrap_add(acc[p][c], (x[p][i] - zx) * w[c][i]);
}

/// Whether a layer's zero points suit the kernels: symmetric weights, and x − zx within int16.
inline bool dsp_zero_points(std::int32_t input_zero_point, std::int32_t weight_zero_point) {
  return weight_zero_point == 0 && input_zero_point >= -128 && input_zero_point <= 127;
}

} // namespace simd::dsp

template <class E, shape_type S, conv2d_attrs A>
requires(!conv2d<S, A>::depthwise) struct kernel<backends::basic_simd<E, simd::isa::arm_dsp>,
                                                 conv2d<S, A>> {
  using layer = conv2d<S, A>;
  using in = typename layer::in;
  using out_map = nhwc<typename layer::output_shape>;
  static constexpr std::size_t icg = layer::in_channels_per_group;
  static constexpr std::size_t ocg = layer::out_channels_per_group;
  static constexpr std::size_t taps = A.kernel_h * A.kernel_w;
  static constexpr std::size_t per_oc = taps * icg;
  /// A whole kernel row is contiguous in the input and in the weights.
  static constexpr bool row_segments = A.groups == 1 && A.dilation_w == 1;
  static constexpr std::size_t seg_len = row_segments ? A.kernel_w * icg : icg;
  static constexpr std::size_t segs = row_segments ? A.kernel_h : taps;
  /// Too short for a 4-byte load: the layer runs on ref.
  static constexpr bool covered = seg_len >= 4;
  /// Input offset of each segment from the window's first tap.
  static constexpr std::array<std::size_t, segs> seg_x = [] {
    std::array<std::size_t, segs> o{};
    for (std::size_t s = 0; s < segs; ++s) {
      const std::size_t ky = row_segments ? s : s / A.kernel_w;
      const std::size_t kx = row_segments ? 0 : s % A.kernel_w;
      o[s] = (ky * A.dilation_h * in::w + kx * A.dilation_w) * in::c;
    }
    return o;
  }();

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (!covered || !simd::dsp::dsp_zero_points(l.input_zero_point, l.weight_zero_point)) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *x = inputs[0];
    const std::int32_t zx = l.input_zero_point;
    const std::uint32_t zpair = simd::isa::arm_dsp::zero_point_pair(zx);
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
        const auto ry = layer::window.rows().inside_taps(oy, in::h);
        const bool y_whole = ry.whole(A.kernel_h);
        for (std::size_t ox = 0; ox < layer::out_w;) {
          std::int8_t *o = out + out_map::offset(n, oy, ox, 0);
          const bool whole =
              y_whole && layer::window.cols().inside_taps(ox, in::w).whole(A.kernel_w);
          if (!whole) {
            padded_pixel(l, x, n, oy, ox, ry, zx, zpair, o);
            ++ox;
            continue;
          }
          const std::int8_t *x0 =
              x + in::offset(n, oy * A.stride_h - A.pad_top, ox * A.stride_w - A.pad_left, 0);
          if (ox + 1 < layer::out_w &&
              layer::window.cols().inside_taps(ox + 1, in::w).whole(A.kernel_w)) {
            const std::int8_t *xb[2] = {x0, x0 + A.stride_w * in::c};
            whole_pixels<2>(l, xb, zx, zpair, o);
            ox += 2;
          } else {
            const std::int8_t *xb[1] = {x0};
            whole_pixels<1>(l, xb, zx, zpair, o);
            ++ox;
          }
        }
      }
  }

private:
  static std::int32_t bias(const layer &l, std::size_t oc) {
    return l.bias.empty() ? 0 : l.bias[oc];
  }

  /// P adjacent output pixels whose windows lie inside the input; xb: their first taps, o: the
  /// first pixel's output.
  template <std::size_t P>
  static void whole_pixels(const layer &l, const std::int8_t *const (&xb)[P], std::int32_t zx,
                           std::uint32_t zpair, std::int8_t *o) {
    const std::int8_t *w = l.weights.data();
    for (std::size_t g = 0; g < A.groups; ++g) {
      const std::size_t xg = g * icg;
      std::size_t oc = g * ocg;
      const std::size_t oc_end = oc + ocg;
      auto tile = [&]<std::size_t C>() {
        std::int32_t acc[P][C];
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t p = 0; p < P; ++p)
            acc[p][c] = bias(l, oc + c);
        const std::int8_t *wo = w + oc * per_oc;
        for (std::size_t s = 0; s < segs; ++s) {
          const std::int8_t *xs[P];
          for (std::size_t p = 0; p < P; ++p)
            xs[p] = xb[p] + seg_x[s] + xg;
          const std::int8_t *ws[C];
          for (std::size_t c = 0; c < C; ++c)
            ws[c] = wo + c * per_oc + s * seg_len;
          simd::dsp::dot<seg_len>(xs, ws, zx, zpair, acc);
        }
        for (std::size_t p = 0; p < P; ++p)
          for (std::size_t c = 0; c < C; ++c)
            o[p * A.out_channels + oc + c] = l.output.apply(acc[p][c], oc + c);
      };
      for (; oc + 2 <= oc_end; oc += 2)
        tile.template operator()<2>();
      if (oc < oc_end)
        tile.template operator()<1>();
    }
  }

  /// One output pixel whose window reaches into the padding: its taps inside the input, one
  /// tap's channels at a time.
  template <class Range>
  static void padded_pixel(const layer &l, const std::int8_t *x, std::size_t n, std::size_t oy,
                           std::size_t ox, const Range &ry, std::int32_t zx, std::uint32_t zpair,
                           std::int8_t *o) {
    const auto rx = layer::window.cols().inside_taps(ox, in::w);
    const std::int8_t *w = l.weights.data();
    for (std::size_t g = 0; g < A.groups; ++g) {
      std::size_t oc = g * ocg;
      const std::size_t oc_end = oc + ocg;
      auto tile = [&]<std::size_t C>() {
        std::int32_t acc[1][C];
        for (std::size_t c = 0; c < C; ++c)
          acc[0][c] = bias(l, oc + c);
        for (std::size_t ky = ry.first; ky < ry.last; ++ky)
          for (std::size_t kx = rx.first; kx < rx.last; ++kx) {
            const std::int8_t *xs[1] = {
                x + in::offset(n, oy * A.stride_h + ky * A.dilation_h - A.pad_top,
                               ox * A.stride_w + kx * A.dilation_w - A.pad_left, g * icg)};
            const std::int8_t *ws[C];
            for (std::size_t c = 0; c < C; ++c)
              ws[c] = w + (oc + c) * per_oc + (ky * A.kernel_w + kx) * icg;
            simd::dsp::dot<icg>(xs, ws, zx, zpair, acc);
          }
        for (std::size_t c = 0; c < C; ++c)
          o[oc + c] = l.output.apply(acc[0][c], oc + c);
      };
      for (; oc + 2 <= oc_end; oc += 2)
        tile.template operator()<2>();
      if (oc < oc_end)
        tile.template operator()<1>();
    }
  }
};

template <class E, shape_type S, std::size_t Units, rounding_mode R>
struct kernel<backends::basic_simd<E, simd::isa::arm_dsp>, dense<S, Units, R>> {
  using layer = dense<S, Units, R>;
  static constexpr std::size_t K = layer::depth;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (K < 4 || !simd::dsp::dsp_zero_points(l.input_zero_point, l.weight_zero_point)) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *x = inputs[0];
    std::size_t r = 0;
    for (; r + 2 <= layer::rows; r += 2)
      rows<2, 2>(l, x, r, out);
    if (r < layer::rows)
      rows<1, 4>(l, x, r, out);
  }

private:
  /// Rows [r, r + P), Cmax units at a time.
  template <std::size_t P, std::size_t Cmax>
  static void rows(const layer &l, const std::int8_t *x, std::size_t r, std::int8_t *out) {
    const std::int32_t zx = l.input_zero_point;
    const std::uint32_t zpair = simd::isa::arm_dsp::zero_point_pair(zx);
    const std::int8_t *w = l.weights.data();
    const std::int8_t *xs[P];
    for (std::size_t p = 0; p < P; ++p)
      xs[p] = x + (r + p) * K;
    std::size_t u = 0;
    auto tile = [&]<std::size_t C>() {
      std::int32_t acc[P][C];
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t p = 0; p < P; ++p)
          acc[p][c] = l.bias.empty() ? 0 : l.bias[u + c];
      const std::int8_t *ws[C];
      for (std::size_t c = 0; c < C; ++c)
        ws[c] = w + (u + c) * K;
      simd::dsp::dot<K>(xs, ws, zx, zpair, acc);
      for (std::size_t p = 0; p < P; ++p)
        for (std::size_t c = 0; c < C; ++c)
          out[(r + p) * Units + u + c] = l.output.apply(acc[p][c], u + c);
    };
    for (; u + Cmax <= Units; u += Cmax)
      tile.template operator()<Cmax>();
    if constexpr (Cmax > 2)
      if (u + 2 <= Units) {
        tile.template operator()<2>();
        u += 2;
      }
    if (u < Units)
      tile.template operator()<1>();
  }
};

} // namespace onnx2hpp

#endif
