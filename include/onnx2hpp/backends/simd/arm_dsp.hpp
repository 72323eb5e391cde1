// Kernels of isa::arm_dsp (Cortex-M with the DSP extension, isa/arm_dsp.hpp) on the layers as the
// generator emits them (weights OHWI / [units][K], no pack):
//  * conv2d, not depthwise: tiles of 2 output pixels × 2 output channels (as CMSIS-NN's), each
//    4-byte load of inputs and weights feeding SMLADs for every pixel and channel of the tile. A
//    window is read as contiguous segments: a whole kernel row (kernel_w · channels bytes) with one
//    group and no horizontal dilation, else one tap's channels. Windows that reach into the
//    padding run one pixel at a time: with fewer than 16 channels per tap copied to the stack with
//    the zero point in their padding taps (simd::gather_window) and read as one segment, else over
//    their taps inside.
//  * depthwise (one output channel per input channel): four channels per 4-byte input load,
//    SMLABB/SMLATT against the weights repacked as int16 pairs on the stack, 8 channels per pass;
//    windows in the padding go one channel at a time.
//  * dense: 2 rows × 2 units, or 1 row × 4 units (batch-1).
// The tap values enter as x − input_zero_point (SXTAB16 on the offset pair), so the int32
// accumulator is bias + Σ (x − zx)·w, the value ref sums (modulo 2^32, the same int32 when it fits
// as the layers require), and each output is requantized as `l.output.apply(acc, oc)` does, on
// the stage's values copied per chunk of 8 channels (channel_chunk): bit-exact with ref in
// both rounding modes by construction. Layers these kernels do not cover run on ref: nonzero
// weight zero point, input zero point outside [−128, 127], segments shorter than 4 bytes (a stem
// with one channel and kernel_w < 4, grouped convolutions with 1–3 channels per group), depthwise
// with a channel multiplier or more than 64 taps.
#pragma once

#include "onnx2hpp/backends/simd/isa/select.hpp"

#if defined(ONNX2HPP_SIMD_HAS_ARM_DSP)

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/backends/ref/dense.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/window_gather.hpp"
#include "onnx2hpp/layers/conv2d.hpp"
#include "onnx2hpp/layers/dense.hpp"

namespace onnx2hpp {

namespace simd::dsp {

using isa::arm_dsp;

inline std::int32_t wrap_add(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}

/// acc[p][c] += Σ_{i<N} (x[p·XS + i] − zx)·w[c·WS + i] for P input rows and C weight rows,
/// modulo 2^32; `zpair` is arm_dsp::zero_point_pair(zx). The rows lie at compile-time distances
/// from two base pointers, so a 2 × 2 tile needs two pointer registers (immediate offsets) and
/// its 4 accumulators, 6 temporaries and the zero point pair fit the 14 registers of Thumb-2.
template <std::size_t N, std::size_t P, std::size_t C, std::size_t XS, std::size_t WS>
[[gnu::always_inline]] inline void dot(const std::int8_t *x, const std::int8_t *w, std::int32_t zx,
                                       std::uint32_t zpair, std::int32_t (&acc)[P][C]) {
  // Scalars, not the caller's array: g++ would store the array back on every iteration (the int8
  // loads may alias it as far as it can tell).
  std::int32_t a[P * C];
#pragma GCC unroll 8
  for (std::size_t j = 0; j < P * C; ++j)
    a[j] = acc[j / C][j % C];
    // Two 4-byte steps per iteration: the loop's own 4–5 instructions (compare, branch, pointer
    // updates, an end pointer g++ keeps on the stack) spread over 16 multiply-accumulates.
#pragma GCC unroll 2
  for (std::size_t i = 0; i < N / 4; ++i, x += 4, w += 4) {
    std::uint32_t xl[P], xh[P];
#pragma GCC unroll 4
    for (std::size_t p = 0; p < P; ++p) {
      const std::uint32_t v = arm_dsp::load4(x + p * XS);
      xl[p] = arm_dsp::lo16(v, zpair);
      xh[p] = arm_dsp::hi16(v, zpair);
    }
#pragma GCC unroll 4
    for (std::size_t c = 0; c < C; ++c) {
      const std::uint32_t v = arm_dsp::load4(w + c * WS);
      const std::uint32_t wl = arm_dsp::lo16(v), wh = arm_dsp::hi16(v);
#pragma GCC unroll 4
      for (std::size_t p = 0; p < P; ++p)
        a[p * C + c] = arm_dsp::mac2(xh[p], wh, arm_dsp::mac2(xl[p], wl, a[p * C + c]));
    }
  }
#pragma GCC unroll 4
  for (std::size_t i = 0; i < N % 4; ++i)
#pragma GCC unroll 4
    for (std::size_t p = 0; p < P; ++p)
#pragma GCC unroll 4
      for (std::size_t c = 0; c < C; ++c)
        a[p * C + c] = wrap_add(a[p * C + c], (x[p * XS + i] - zx) * w[c * WS + i]);
#pragma GCC unroll 8
  for (std::size_t j = 0; j < P * C; ++j)
    acc[j / C][j % C] = a[j];
}

/// Whether a layer's zero points suit the kernels: symmetric weights, and x − zx within int16.
inline bool dsp_zero_points(std::int32_t input_zero_point, std::int32_t weight_zero_point) {
  return weight_zero_point == 0 && input_zero_point >= -128 && input_zero_point <= 127;
}

/// The output stage and biases of up to `chunk` consecutive channels, copied out of the layer
/// once per chunk: read through const_data and the layer on every output, they cost more than
/// the products of a pointwise layer (storage tests, per-tensor tests, and reloads after every
/// int8 store, which may alias anything). apply(acc, j) is basic_output_stage::apply of channel
/// first + j, line for line on the same values.
template <rounding_mode M, std::size_t Chunk = 8>
struct channel_chunk {
  /// 8 channels by default: 9 bytes each on the stack (a Cortex-M firmware's stack is its scarce
  /// RAM); dense takes 4, its widest tile.
  static constexpr std::size_t chunk = Chunk;
  static constexpr bool fp32 = M == rounding_mode::onnxruntime;
  std::int32_t bias[chunk];
  std::int32_t multiplier[fp32 ? 1 : chunk];
  std::int8_t shift[fp32 ? 1 : chunk]; ///< quantized_multiplier::shift, in [−31, 30]
  float scale[fp32 ? chunk : 1];
  std::int32_t zero_point, act_min, act_max;
  const lut256 *lut;

  template <class Bias>
  channel_chunk(const basic_output_stage<M> &stage, const Bias &b, std::size_t first,
                std::size_t count)
      : zero_point(stage.zero_point), act_min(stage.act_min), act_max(stage.act_max),
        lut(stage.lut) {
    for (std::size_t j = 0; j < count; ++j) {
      bias[j] = b.empty() ? 0 : b[first + j];
      if constexpr (fp32) {
        scale[j] = stage.scale[first + j];
      } else {
        const quantized_multiplier m = stage.requant[first + j];
        multiplier[j] = m.multiplier;
        shift[j] = static_cast<std::int8_t>(m.shift);
      }
    }
  }

  std::int8_t apply(std::int32_t acc, std::size_t j) const {
    std::int8_t q = 0;
    if constexpr (fp32)
      q = requantize_float(acc, scale[j], zero_point, act_min, act_max);
    else
      q = requantize(acc, quantized_multiplier{multiplier[j], shift[j]}, zero_point, act_min,
                     act_max);
    return lut != nullptr ? (*lut)[static_cast<std::size_t>(q + 128)] : q;
  }
};

} // namespace simd::dsp

template <class E, shape_type S, conv2d_attrs A>
requires(!conv2d<S, A>::depthwise) struct kernel<backends::basic_simd<E, simd::isa::arm_dsp>,
                                                 conv2d<S, A>> {
  using layer = conv2d<S, A>;
  using in = typename layer::in;
  using out_map = nhwc<typename layer::output_shape>;
  /// The window's segments (simd::window_segments).
  using segments = simd::window_segments<layer>;
  static constexpr std::size_t icg = segments::icg;
  static constexpr std::size_t ocg = layer::out_channels_per_group;
  static constexpr std::size_t per_oc = segments::per_oc;
  static constexpr bool row_segments = segments::row_segments;
  static constexpr std::size_t seg_len = segments::seg_len;
  static constexpr std::size_t segs = segments::segs;
  static constexpr const std::array<std::size_t, segs> &seg_x = segments::seg_x;
  /// Too short for a 4-byte load: the layer runs on ref.
  static constexpr bool covered = seg_len >= 4;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (!covered || !simd::dsp::dsp_zero_points(l.input_zero_point, l.weight_zero_point)) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *x = inputs[0];
    const std::int32_t zx = l.input_zero_point;
    const std::uint32_t zpair = simd::isa::arm_dsp::zero_point_pair(zx);
    for (std::size_t g = 0; g < A.groups; ++g)
      for (std::size_t c0 = 0; c0 < ocg; c0 += chunk::chunk) {
        const std::size_t first = g * ocg + c0;
        const std::size_t count = ocg - c0 < chunk::chunk ? ocg - c0 : chunk::chunk;
        const chunk ch(l.output, l.bias, first, count);
        const channels cs{g, first, count};
        for (std::size_t n = 0; n < in::n; ++n)
          run_rows(l, ch, cs, x, n, zx, zpair, out);
      }
  }

private:
  using chunk = simd::dsp::channel_chunk<A.rounding>;
  /// The channels of one chunk: group g, output channels [first, first + count).
  struct channels {
    std::size_t g, first, count;
  };
  /// Input distance between the windows of horizontally adjacent output pixels.
  static constexpr std::size_t pixel_step = A.stride_w * in::c;

  static void run_rows(const layer &l, const chunk &ch, const channels &cs, const std::int8_t *x,
                       std::size_t n, std::int32_t zx, std::uint32_t zpair, std::int8_t *out) {
    for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
      const auto ry = layer::window.rows().inside_taps(oy, in::h);
      const bool y_whole = ry.whole(A.kernel_h);
      for (std::size_t ox = 0; ox < layer::out_w;) {
        std::int8_t *o = out + out_map::offset(n, oy, ox, cs.first);
        const bool whole = y_whole && layer::window.cols().inside_taps(ox, in::w).whole(A.kernel_w);
        if (!whole) {
          padded_pixel(l, ch, cs, x, n, oy, ox, ry, zx, zpair, o);
          ++ox;
          continue;
        }
        const std::int8_t *x0 = x + in::offset(n, oy * A.stride_h - A.pad_top,
                                               ox * A.stride_w - A.pad_left, cs.g * icg);
        if (ox + 1 < layer::out_w &&
            layer::window.cols().inside_taps(ox + 1, in::w).whole(A.kernel_w)) {
          whole_pixels<2>(l, ch, cs, x0, zx, zpair, o);
          ox += 2;
        } else {
          whole_pixels<1>(l, ch, cs, x0, zx, zpair, o);
          ++ox;
        }
      }
    }
  }

  /// P adjacent output pixels whose windows lie inside the input; xb: the first one's first tap
  /// (at the group's first channel), o: its output at the chunk's first channel.
  template <std::size_t P>
  static void whole_pixels(const layer &l, const chunk &ch, const channels &cs,
                           const std::int8_t *xb, std::int32_t zx, std::uint32_t zpair,
                           std::int8_t *o) {
    const std::int8_t *w = l.weights.data() + cs.first * per_oc;
    std::size_t j = 0;
    auto tile = [&]<std::size_t C>() {
      std::int32_t acc[P][C];
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t p = 0; p < P; ++p)
          acc[p][c] = ch.bias[j + c];
      const std::int8_t *wo = w + j * per_oc;
      for (std::size_t s = 0; s < segs; ++s)
        simd::dsp::dot<seg_len, P, C, pixel_step, per_oc>(xb + seg_x[s], wo + s * seg_len, zx,
                                                          zpair, acc);
      for (std::size_t p = 0; p < P; ++p)
        for (std::size_t c = 0; c < C; ++c)
          o[p * A.out_channels + j + c] = ch.apply(acc[p][c], j + c);
    };
    for (; j + 2 <= cs.count; j += 2)
      tile.template operator()<2>();
    if (j < cs.count)
      tile.template operator()<1>();
  }

  /// One output pixel whose window reaches into the padding. With fewer than 16 channels per tap
  /// (short segments) a window of at most 1 KB is copied to the stack with the zero point in its
  /// padding taps (simd::gather_window; a padding tap then adds (zx − zx)·w = 0) and run as one
  /// segment of per_oc bytes; otherwise one tap's channels at a time over the taps inside the
  /// input (measured: the copy costs more than it saves from 16 channels up).
  template <class Range>
  static void padded_pixel(const layer &l, const chunk &ch, const channels &cs,
                           const std::int8_t *x, std::size_t n, std::size_t oy, std::size_t ox,
                           const Range &ry, std::int32_t zx, std::uint32_t zpair, std::int8_t *o) {
    const std::int8_t *w = l.weights.data() + cs.first * per_oc;
    constexpr bool gathered = per_oc <= 1024 && icg < 16;
    alignas(4) std::int8_t buf[gathered ? per_oc : 1];
    if constexpr (gathered)
      simd::gather_window<layer>(x, n, cs.g, oy, ox, static_cast<std::int8_t>(zx), buf);
    const auto rx = layer::window.cols().inside_taps(ox, in::w);
    std::size_t j = 0;
    auto tile = [&]<std::size_t C>() {
      std::int32_t acc[1][C];
      for (std::size_t c = 0; c < C; ++c)
        acc[0][c] = ch.bias[j + c];
      if constexpr (gathered) {
        simd::dsp::dot<per_oc, 1, C, 0, per_oc>(buf, w + j * per_oc, zx, zpair, acc);
      } else {
        for (std::size_t ky = ry.first; ky < ry.last; ++ky)
          for (std::size_t kx = rx.first; kx < rx.last; ++kx) {
            const std::int8_t *xs =
                x + in::offset(n, oy * A.stride_h + ky * A.dilation_h - A.pad_top,
                               ox * A.stride_w + kx * A.dilation_w - A.pad_left, cs.g * icg);
            simd::dsp::dot<icg, 1, C, 0, per_oc>(xs, w + j * per_oc + (ky * A.kernel_w + kx) * icg,
                                                 zx, zpair, acc);
          }
      }
      for (std::size_t c = 0; c < C; ++c)
        o[j + c] = ch.apply(acc[0][c], j + c);
    };
    for (; j + 2 <= cs.count; j += 2)
      tile.template operator()<2>();
    if (j < cs.count)
      tile.template operator()<1>();
  }
};

template <class E, shape_type S, conv2d_attrs A>
requires(conv2d<S, A>::depthwise) struct kernel<backends::basic_simd<E, simd::isa::arm_dsp>,
                                                conv2d<S, A>> {
  using layer = conv2d<S, A>;
  using in = typename layer::in;
  using out_map = nhwc<typename layer::output_shape>;
  using chunk = simd::dsp::channel_chunk<A.rounding>;
  using dsp = simd::isa::arm_dsp;
  static constexpr std::size_t T = A.kernel_h * A.kernel_w;
  /// Channels per pass: their weights, repacked as int16 pairs, live on the stack (16·T bytes for
  /// 8 channels: 144 for 3x3).
  static constexpr std::size_t CH = T <= 25 ? chunk::chunk : 4;
  /// One output channel per input channel and a window small enough for the stack buffer.
  static constexpr bool covered = layer::out_channels_per_group == 1 && T <= 64;
  /// Input offset of each tap from the window's first tap.
  static constexpr std::array<std::size_t, T> tap_x = [] {
    std::array<std::size_t, T> o{};
    for (std::size_t t = 0; t < T; ++t)
      o[t] = ((t / A.kernel_w) * A.dilation_h * in::w + (t % A.kernel_w) * A.dilation_w) * in::c;
    return o;
  }();

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (!covered || !simd::dsp::dsp_zero_points(l.input_zero_point, l.weight_zero_point)) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *x = inputs[0];
    const std::int8_t *w = l.weights.data();
    const std::int32_t zx = l.input_zero_point;
    const std::uint32_t zpair = dsp::zero_point_pair(zx);
    for (std::size_t c0 = 0; c0 < in::c; c0 += CH) {
      const std::size_t count = in::c - c0 < CH ? in::c - c0 : CH;
      const std::size_t quads = count / 4;
      const chunk ch(l.output, l.bias, c0, count);
      // Per tap and quad of channels c..c+3: (w[c], w[c+2]) and (w[c+1], w[c+3]) as int16 pairs,
      // the halves SXTAB16 gives the inputs in.
      std::uint32_t wp[T][CH / 2];
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t q = 0; q < quads; ++q) {
          const std::int8_t *wq = w + (c0 + 4 * q) * T + t;
          wp[t][2 * q] = dsp::pair(wq[0], wq[2 * T]);
          wp[t][2 * q + 1] = dsp::pair(wq[T], wq[3 * T]);
        }
      for (std::size_t n = 0; n < in::n; ++n)
        for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
          const auto ry = layer::window.rows().inside_taps(oy, in::h);
          for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
            const auto rx = layer::window.cols().inside_taps(ox, in::w);
            std::int8_t *o = out + out_map::offset(n, oy, ox, c0);
            if (!(ry.whole(A.kernel_h) && rx.whole(A.kernel_w))) {
              // Reaches into the padding: the taps inside, one channel at a time.
              for (std::size_t j = 0; j < count; ++j) {
                std::int32_t a = ch.bias[j];
                const std::int8_t *wc = w + (c0 + j) * T;
                for (std::size_t ky = ry.first; ky < ry.last; ++ky)
                  for (std::size_t kx = rx.first; kx < rx.last; ++kx)
                    a = simd::dsp::wrap_add(
                        a,
                        (x[in::offset(n, oy * A.stride_h + ky * A.dilation_h - A.pad_top,
                                      ox * A.stride_w + kx * A.dilation_w - A.pad_left, c0 + j)] -
                         zx) *
                            wc[ky * A.kernel_w + kx]);
                o[j] = ch.apply(a, j);
              }
              continue;
            }
            const std::int8_t *xw =
                x + in::offset(n, oy * A.stride_h - A.pad_top, ox * A.stride_w - A.pad_left, c0);
            for (std::size_t q = 0; q < quads; ++q) {
              std::int32_t a0 = ch.bias[4 * q], a1 = ch.bias[4 * q + 1], a2 = ch.bias[4 * q + 2],
                           a3 = ch.bias[4 * q + 3];
              const std::int8_t *xq = xw + 4 * q;
#pragma GCC unroll 64
              for (std::size_t t = 0; t < T; ++t) {
                const std::uint32_t v = dsp::load4(xq + tap_x[t]);
                const std::uint32_t xl = dsp::lo16(v, zpair), xh = dsp::hi16(v, zpair);
                const std::uint32_t w02 = wp[t][2 * q], w13 = wp[t][2 * q + 1];
                a0 = dsp::mac_bb(xl, w02, a0);
                a2 = dsp::mac_tt(xl, w02, a2);
                a1 = dsp::mac_bb(xh, w13, a1);
                a3 = dsp::mac_tt(xh, w13, a3);
              }
              o[4 * q] = ch.apply(a0, 4 * q);
              o[4 * q + 1] = ch.apply(a1, 4 * q + 1);
              o[4 * q + 2] = ch.apply(a2, 4 * q + 2);
              o[4 * q + 3] = ch.apply(a3, 4 * q + 3);
            }
            for (std::size_t j = 4 * quads; j < count; ++j) {
              std::int32_t a = ch.bias[j];
              const std::int8_t *wc = w + (c0 + j) * T;
              for (std::size_t t = 0; t < T; ++t)
                a = simd::dsp::wrap_add(a, (xw[tap_x[t] + j] - zx) * wc[t]);
              o[j] = ch.apply(a, j);
            }
          }
        }
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
    for (std::size_t u0 = 0; u0 < Units; u0 += chunk::chunk) {
      const std::size_t count = Units - u0 < chunk::chunk ? Units - u0 : chunk::chunk;
      const chunk ch(l.output, l.bias, u0, count);
      std::size_t r = 0;
      for (; r + 2 <= layer::rows; r += 2)
        rows<2, 2>(l, ch, x, r, u0, count, out);
      if (r < layer::rows)
        rows<1, 4>(l, ch, x, r, u0, count, out);
    }
  }

private:
  using chunk = simd::dsp::channel_chunk<R, 4>;

  /// Rows [r, r + P) of units [u0, u0 + count), Cmax units at a time.
  template <std::size_t P, std::size_t Cmax>
  static void rows(const layer &l, const chunk &ch, const std::int8_t *x, std::size_t r,
                   std::size_t u0, std::size_t count, std::int8_t *out) {
    const std::int32_t zx = l.input_zero_point;
    const std::uint32_t zpair = simd::isa::arm_dsp::zero_point_pair(zx);
    const std::int8_t *w = l.weights.data() + u0 * K;
    std::int8_t *o = out + r * Units + u0;
    std::size_t j = 0;
    auto tile = [&]<std::size_t C>() {
      std::int32_t acc[P][C];
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t p = 0; p < P; ++p)
          acc[p][c] = ch.bias[j + c];
      simd::dsp::dot<K, P, C, K, K>(x + r * K, w + j * K, zx, zpair, acc);
      for (std::size_t p = 0; p < P; ++p)
        for (std::size_t c = 0; c < C; ++c)
          o[p * Units + j + c] = ch.apply(acc[p][c], j + c);
    };
    for (; j + Cmax <= count; j += Cmax)
      tile.template operator()<Cmax>();
    if constexpr (Cmax > 2)
      if (j + 2 <= count) {
        tile.template operator()<2>();
        j += 2;
      }
    if (j < count)
      tile.template operator()<1>();
  }
};

} // namespace onnx2hpp

#endif
