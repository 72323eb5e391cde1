// Kernels of isa::arm_mve (Cortex-M55/M85 with Helium, isa/arm_mve.hpp) on the layers as the
// generator emits them (weights OHWI / [units][K], no pack), the MVE counterparts of arm_dsp.hpp:
//  * conv2d, not depthwise: tiles of 1 or 2 output pixels × 4 output channels, 16 bytes per
//    VMLADAVA.S8 and a predicated last step. A window inside the input is read as the contiguous
//    segments arm_dsp.hpp reads (a whole kernel row with one group and no horizontal dilation,
//    else one tap's channels), or, when that takes fewer steps and it spans at most 256 bytes (a
//    stem with few channels), 16 bytes at a time by gather loads at compile-time offsets. The
//    products are Σ x·w; the input zero point is taken out of the loop: bias − zx·Σw, a
//    per-channel constant, is added. A window reaching into the padding is copied to the stack
//    with zx in its padding taps and read by the same dot (or, beyond 1 KB, run by run, adding
//    bias − zx·Σ(w of its taps inside), the weight sums taken by VADDVA.S8 on the way).
//  * depthwise (one output channel per input channel): 4 channels per int32 vector, per tap a
//    widening load of the inputs and of the weights (repacked tap-major per chunk of channels on
//    the stack) and a multiply-add; 2 adjacent pixels share each weight load.
//  * dense: 2 rows or 1 row × 4 units, as conv2d's pointwise case; with one row (batch 1) the
//    weight sums come with the products (each weight is read once).
//  * add and mul (any broadcast), max / average / global average pooling: see their sections.
// Each 4 channels are requantized together (arm_mve::requantize_fixed / requantize_fp32) on the
// stage's constants copied per chunk of channels (channel_chunk: 8 for conv2d, 16 for dense and
// depthwise, 8 for depthwise over 25 taps), bit-exact with ref in both rounding modes; the sums are
// ref's int32 sums modulo 2^32. Layers these kernels do not cover run on ref: nonzero weight zero
// point, depthwise with a channel multiplier or more than 64 taps, conv2d with an input zero point
// outside int8.
#pragma once

#include "onnx2hpp/backends/simd/isa/select.hpp"

#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE)

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/backends/ref/dense.hpp"
#include "onnx2hpp/backends/ref/elementwise.hpp"
#include "onnx2hpp/backends/ref/pooling.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/elementwise.hpp"
#include "onnx2hpp/backends/simd/window_gather.hpp"
#include "onnx2hpp/layers/conv2d.hpp"
#include "onnx2hpp/layers/dense.hpp"
#include "onnx2hpp/layers/elementwise.hpp"
#include "onnx2hpp/layers/pooling.hpp"

namespace onnx2hpp {

namespace simd::mve {

using isa::arm_mve;

/// x − y modulo 2^32 (the sums are int32 modulo 2^32, as ref's).
inline std::int32_t wrap_sub(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) - static_cast<std::uint32_t>(b));
}
inline std::int32_t wrap_mul(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b));
}

/// Ends a step of a dot: g++ 12 would hoist the loads of later (unrolled) steps ahead and spill
/// the 8 Q registers to the stack; the loads stay in their step (no instruction). Used where it
/// was measured to help: one pixel over a window of at most 64 bytes.
[[gnu::always_inline]] inline void step_fence() {
  asm volatile("" ::: "memory");
}

/// Σ w[i] over N int8 values.
template <std::size_t N>
inline std::int32_t weight_sum(const std::int8_t *w) {
  std::int32_t s = 0;
  for (std::size_t i = 0; i + 16 <= N; i += 16)
    s = __arm_vaddvaq_s8(s, __arm_vldrbq_s8(w + i));
  if constexpr (N % 16 != 0)
    s = __arm_vaddvaq_s8(s, __arm_vldrbq_z_s8(w + N / 16 * 16, __arm_vctp8q(N % 16)));
  return s;
}

/// One 16-byte step of dot: a[p·C + c] += Σ x[p·XS + i]·w[c·WS + i] over the `live` lanes
/// (Tail) or all 16, and with Sums s[c] += Σ w[c·WS + i]. By value: the accumulators stay in
/// registers across step_fence.
template <std::size_t P, std::size_t C, std::size_t XS, std::size_t WS, bool Sums, bool Tail>
[[gnu::always_inline]] inline void dot_step(const std::int8_t *x, const std::int8_t *w,
                                            mve_pred16_t live, std::array<std::int32_t, P * C> &a,
                                            std::array<std::int32_t, C> &s) {
  const auto load = [live](const std::int8_t *q) {
    if constexpr (Tail)
      return __arm_vldrbq_z_s8(q, live);
    else
      return __arm_vldrbq_s8(q);
  };
  int8x16_t xv[P];
#pragma GCC unroll 4
  for (std::size_t p = 0; p < P; ++p)
    xv[p] = load(x + p * XS);
#pragma GCC unroll 4
  for (std::size_t c = 0; c < C; ++c) {
    const int8x16_t wv = load(w + c * WS);
    if constexpr (Sums)
      s[c] = __arm_vaddvaq_s8(s[c], wv);
#pragma GCC unroll 4
    for (std::size_t p = 0; p < P; ++p)
      a[p * C + c] = __arm_vmladavaq_s8(a[p * C + c], xv[p], wv);
  }
}

/// acc[p][c] += Σ_{i<N} x[p·XS + i]·w[c·WS + i] for P input rows and C weight rows, modulo 2^32,
/// 16 products per VMLADAVA.S8; with Sums, wsum[c] += Σ_{i<N} w[c·WS + i] as well.
template <std::size_t N, std::size_t P, std::size_t C, std::size_t XS, std::size_t WS,
          bool Sums = false>
[[gnu::always_inline]] inline void dot(const std::int8_t *x, const std::int8_t *w,
                                       std::int32_t (&acc)[P][C], std::int32_t (&wsum)[C]) {
  std::array<std::int32_t, P * C> a;
  std::array<std::int32_t, C> s;
#pragma GCC unroll 8
  for (std::size_t j = 0; j < P * C; ++j)
    a[j] = acc[j / C][j % C];
#pragma GCC unroll 4
  for (std::size_t c = 0; c < C; ++c)
    s[c] = wsum[c];
  const mve_pred16_t all = 0xffff;
  for (std::size_t i = 0; i + 16 <= N; i += 16) {
    dot_step<P, C, XS, WS, Sums, false>(x + i, w + i, all, a, s);
    // Measured: one pixel over a short window (fully unrolled) spills without the fence; the
    // other tiles are faster without it.
    if constexpr (P == 1 && N <= 64)
      step_fence();
  }
  if constexpr (N % 16 != 0)
    dot_step<P, C, XS, WS, Sums, true>(x + N / 16 * 16, w + N / 16 * 16, __arm_vctp8q(N % 16), a,
                                       s);
#pragma GCC unroll 8
  for (std::size_t j = 0; j < P * C; ++j)
    acc[j / C][j % C] = a[j];
#pragma GCC unroll 4
  for (std::size_t c = 0; c < C; ++c)
    wsum[c] = s[c];
}

/// dot's products over a window whose N bytes lie at offsets[k] from x (16 per step, Steps steps;
/// VLDRB gather loads, the last step predicated), against contiguous weight rows.
template <std::size_t Steps, std::size_t N, std::size_t P, std::size_t C, std::size_t XS,
          std::size_t WS>
[[gnu::always_inline]] inline void dot_offsets(const std::int8_t *x, const std::uint8_t *offsets,
                                               const std::int8_t *w, std::int32_t (&acc)[P][C]) {
  std::int32_t a[P * C];
#pragma GCC unroll 8
  for (std::size_t j = 0; j < P * C; ++j)
    a[j] = acc[j / C][j % C];
#pragma GCC unroll 16
  for (std::size_t s = 0; s < Steps; ++s) {
    const mve_pred16_t live = __arm_vctp8q(static_cast<std::uint32_t>(N - s * 16));
    const uint8x16_t off = __arm_vldrbq_u8(offsets + s * 16);
    int8x16_t xv[P];
#pragma GCC unroll 4
    for (std::size_t p = 0; p < P; ++p)
      xv[p] = __arm_vldrbq_gather_offset_z_s8(x + p * XS, off, live);
#pragma GCC unroll 4
    for (std::size_t c = 0; c < C; ++c) {
      const int8x16_t wv = __arm_vldrbq_z_s8(w + c * WS + s * 16, live);
#pragma GCC unroll 4
      for (std::size_t p = 0; p < P; ++p)
        a[p * C + c] = __arm_vmladavaq_s8(a[p * C + c], xv[p], wv);
    }
    if constexpr (P == 1 && N <= 64)
      step_fence();
  }
#pragma GCC unroll 8
  for (std::size_t j = 0; j < P * C; ++j)
    acc[j / C][j % C] = a[j];
}

/// acc[c] += Σ_{i<n} x[i]·w[c·WS + i] and wsum[c] += Σ_{i<n} w[c·WS + i] for a run-time length n,
/// a tail-predicated loop (the runs of taps inside the input of a window in the padding).
template <std::size_t C, std::size_t WS>
[[gnu::always_inline]] inline void dot_run(const std::int8_t *x, const std::int8_t *w,
                                           std::size_t n, std::int32_t (&acc)[C],
                                           std::int32_t (&wsum)[C]) {
  std::int32_t a[C], s[C];
#pragma GCC unroll 4
  for (std::size_t c = 0; c < C; ++c) {
    a[c] = acc[c];
    s[c] = wsum[c];
  }
  for (std::size_t i = 0; i < n; i += 16) {
    const mve_pred16_t live = __arm_vctp8q(static_cast<std::uint32_t>(n - i));
    const int8x16_t xv = __arm_vldrbq_z_s8(x + i, live);
#pragma GCC unroll 4
    for (std::size_t c = 0; c < C; ++c) {
      const int8x16_t wv = __arm_vldrbq_z_s8(w + c * WS + i, live);
      s[c] = __arm_vaddvaq_s8(s[c], wv);
      a[c] = __arm_vmladavaq_s8(a[c], xv, wv);
    }
  }
#pragma GCC unroll 4
  for (std::size_t c = 0; c < C; ++c) {
    acc[c] = a[c];
    wsum[c] = s[c];
  }
}

/// C (1–4) accumulators as the first lanes of a vector (the others 0).
template <std::size_t C>
inline int32x4_t vector_of(const std::int32_t (&a)[C]) {
  int32x4_t v = __arm_vdupq_n_s32(0);
  v = __arm_vsetq_lane_s32(a[0], v, 0);
  if constexpr (C > 1)
    v = __arm_vsetq_lane_s32(a[C > 1 ? 1 : 0], v, 1);
  if constexpr (C > 2)
    v = __arm_vsetq_lane_s32(a[C > 2 ? 2 : 0], v, 2);
  if constexpr (C > 3)
    v = __arm_vsetq_lane_s32(a[C > 3 ? 3 : 0], v, 3);
  return v;
}

/// Runs tile.operator()<C>(j) over `count` channels in steps of 4 (the last step 1–3 channels).
template <class Tile>
[[gnu::always_inline]] inline void over_channels(std::size_t count, Tile &&tile) {
  std::size_t j = 0;
  for (; j + 4 <= count; j += 4)
    tile.template operator()<4>(j);
  switch (count - j) {
  case 3:
    tile.template operator()<3>(j);
    break;
  case 2:
    tile.template operator()<2>(j);
    break;
  case 1:
    tile.template operator()<1>(j);
    break;
  default:
    break;
  }
}

/// Stores the first n (1..4) lanes of q (int8 values) at o, through `lut` when there is one.
inline void store_lanes(int32x4_t q, std::int8_t *o, std::size_t n, const lut256 *lut) {
  if (lut != nullptr) {
    alignas(8) std::int32_t v[4];
    __arm_vstrwq_s32(v, q);
    for (std::size_t i = 0; i < n; ++i)
      o[i] = (*lut)[static_cast<std::size_t>(v[i] + 128)];
  } else if (n == 4) {
    __arm_vstrbq_s32(o, q);
  } else {
    __arm_vstrbq_p_s32(o, q, __arm_vctp32q(static_cast<std::uint32_t>(n)));
  }
}

/// Four int8 values of a row (step 1; `live` lanes, the others 0) or one value repeated (step 0),
/// minus the zero point, in int32 lanes.
inline int32x4_t load_offset(const std::int8_t *p, std::size_t step, mve_pred16_t live,
                             std::int32_t zero_point) {
  const int32x4_t v = step != 0 ? __arm_vldrbq_z_s32(p, live) : __arm_vdupq_n_s32(*p);
  return __arm_vsubq_n_s32(v, zero_point);
}

/// The output stage and biases of up to `chunk` (a multiple of 4) consecutive channels, copied out
/// of the layer once per chunk in the lanes the vector requantization loads; lanes past `count`
/// hold harmless constants. bias: the layer's; whole: what the kernel adds to a window's Σ x·w
/// when no tap lies in the padding (set by the kernel: bias − zx·Σw). store() requantizes 4
/// channels as basic_output_stage::apply does each of them and writes the first n.
template <rounding_mode M, std::size_t Chunk = 8>
struct channel_chunk {
  static constexpr std::size_t chunk = Chunk;
  static_assert(chunk % 4 == 0);
  static constexpr bool fp32 = M == rounding_mode::onnxruntime;
  static constexpr bool vector = !fp32 || arm_mve::vector_fp32;
  // Zero-initialised: lanes past the chunk's channels are requantized too (and not stored).
  alignas(8) std::int32_t bias[chunk] = {};
  alignas(8) std::int32_t whole[chunk] = {};
  alignas(8) std::int32_t multiplier[fp32 ? 1 : chunk] = {};
  alignas(8) std::int32_t left[fp32 ? 1 : chunk] = {};
  alignas(8) std::int32_t right[fp32 ? 1 : chunk] = {}; ///< −(right shift), a VRSHL count
  alignas(8) float scale[fp32 ? chunk : 1] = {};
  std::int32_t zero_point, act_min, act_max;
  const lut256 *lut;

  template <class Bias>
  channel_chunk(const basic_output_stage<M> &stage, const Bias &b, std::size_t first,
                std::size_t count)
      : zero_point(stage.zero_point), act_min(stage.act_min), act_max(stage.act_max),
        lut(stage.lut) {
    // Raw pointers once, not const_data's storage test per value.
    const std::int32_t *bp = b.empty() ? nullptr : b.data() + first;
    for (std::size_t j = 0; j < count; ++j)
      whole[j] = bias[j] = bp != nullptr ? bp[j] : 0;
    if constexpr (fp32) {
      const std::size_t step = stage.scale.count == 1 ? 0 : 1;
      const float *sp = stage.scale.scale + first * step;
      for (std::size_t j = 0; j < count; ++j)
        scale[j] = sp[j * step];
    } else {
      const std::size_t step = stage.requant.count == 1 ? 0 : 1;
      const std::int32_t *mp = stage.requant.multiplier.data() + first * step;
      const std::int32_t *sp = stage.requant.shift.data() + first * step;
      for (std::size_t j = 0; j < count; ++j) {
        const std::int32_t shift = sp[j * step];
        multiplier[j] = mp[j * step];
        left[j] = shift > 0 ? shift : 0;
        right[j] = shift < 0 ? shift : 0;
      }
    }
  }

  /// The requantized values of channels j..j+3 (j a multiple of 4) from their accumulators.
  int32x4_t requantize(int32x4_t acc, std::size_t j) const {
    if constexpr (!fp32) {
      const arm_mve::fixed_lanes m{__arm_vldrwq_s32(multiplier + j), __arm_vldrwq_s32(left + j),
                                   __arm_vldrwq_s32(right + j)};
      return arm_mve::requantize_fixed(acc, m, zero_point, act_min, act_max);
    } else {
#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE_FP)
      return arm_mve::requantize_fp32(acc, __arm_vldrwq_f32(scale + j), zero_point, act_min,
                                      act_max);
#else
      alignas(8) std::int32_t q[4];
      __arm_vstrwq_s32(q, acc);
      for (std::size_t i = 0; i < 4; ++i)
        q[i] = requantize_float(q[i], scale[j + i], zero_point, act_min, act_max);
      return __arm_vldrwq_s32(q);
#endif
    }
  }

  /// Requantizes the accumulators of channels j..j+3 and stores the first n (1..4) at o.
  void store(int32x4_t acc, std::size_t j, std::int8_t *o, std::size_t n) const {
    store_lanes(requantize(acc, j), o, n, lut);
  }
};

} // namespace simd::mve

template <class E, shape_type S, conv2d_attrs A>
requires(!conv2d<S, A>::depthwise) struct kernel<backends::basic_simd<E, simd::isa::arm_mve>,
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
  /// Every geometry (a predicated step ends each segment).
  static constexpr bool covered = true;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    // Padding taps are read as the input zero point, an int8 value.
    if (l.weight_zero_point != 0 || l.input_zero_point < -128 || l.input_zero_point > 127) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *x = inputs[0];
    const std::int32_t zx = l.input_zero_point;
    for (std::size_t g = 0; g < A.groups; ++g)
      for (std::size_t c0 = 0; c0 < ocg; c0 += chunk::chunk) {
        const std::size_t first = g * ocg + c0;
        const std::size_t count = ocg - c0 < chunk::chunk ? ocg - c0 : chunk::chunk;
        chunk ch(l.output, l.bias, first, count);
        for (std::size_t j = 0; j < count; ++j)
          ch.whole[j] = simd::mve::wrap_sub(
              ch.bias[j], simd::mve::wrap_mul(zx, simd::mve::weight_sum<per_oc>(
                                                      l.weights.data() + (first + j) * per_oc)));
        const channels cs{g, first, count};
        for (std::size_t n = 0; n < in::n; ++n)
          run_rows(l, ch, cs, x, n, zx, out);
      }
  }

private:
  using chunk = simd::mve::channel_chunk<A.rounding>;
  struct channels {
    std::size_t g, first, count;
  };
  static constexpr std::size_t pixel_step = A.stride_w * in::c;

  /// Windows that reach into the padding are gathered into a contiguous buffer on the stack (one
  /// pixel's im2col row, taps in the padding filled with the input zero point) and read by one
  /// dot over per_oc bytes, when a window takes at most 1 KB (else run by run, with weight sums).
  static constexpr bool gather_fits = per_oc <= 1024;
  /// Whole windows that span at most 256 input bytes are read 16 bytes at a time by VLDRB gather
  /// loads at compile-time byte offsets when that takes fewer steps than segment by segment
  /// (stems with few channels: a 10x4 kernel over one channel is 3 steps instead of 10).
  static constexpr std::size_t span =
      ((A.kernel_h - 1) * A.dilation_h * in::w + (A.kernel_w - 1) * A.dilation_w) * in::c + icg;
  static constexpr std::size_t steps = (per_oc + 15) / 16;
  static constexpr bool strided = span <= 256 && steps < segs * ((seg_len + 15) / 16);
  /// The input offset of every window byte, in the weights' order, 16 per step (the last step's
  /// lanes past per_oc repeat offset 0 and are predicated off).
  static constexpr std::array<std::array<std::uint8_t, 16>, strided ? steps : 1> window_offsets =
      [] {
        std::array<std::array<std::uint8_t, 16>, strided ? steps : 1> o{};
        if constexpr (strided)
          for (std::size_t k = 0; k < per_oc; ++k) {
            const std::size_t t = k / icg, c = k % icg;
            o[k / 16][k % 16] = static_cast<std::uint8_t>(
                ((t / A.kernel_w) * A.dilation_h * in::w + (t % A.kernel_w) * A.dilation_w) *
                    in::c +
                c);
          }
        return o;
      }();

  static void run_rows(const layer &l, const chunk &ch, const channels &cs, const std::int8_t *x,
                       std::size_t n, std::int32_t zx, std::int8_t *out) {
    for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
      const auto ry = layer::window.rows().inside_taps(oy, in::h);
      const bool y_whole = ry.whole(A.kernel_h);
      for (std::size_t ox = 0; ox < layer::out_w;) {
        std::int8_t *o = out + out_map::offset(n, oy, ox, cs.first);
        const auto whole_at = [&](std::size_t px) {
          return y_whole && layer::window.cols().inside_taps(px, in::w).whole(A.kernel_w);
        };
        if (!whole_at(ox)) {
          if constexpr (gather_fits) {
            gathered_pixel(l, ch, cs, x, n, oy, ox, static_cast<std::int8_t>(zx), o);
          } else {
            padded_pixel(l, ch, cs, x, n, oy, ox, ry, zx, o);
          }
          ++ox;
          continue;
        }
        const std::int8_t *x0 = x + in::offset(n, oy * A.stride_h - A.pad_top,
                                               ox * A.stride_w - A.pad_left, cs.g * icg);
        if (ox + 1 < layer::out_w && whole_at(ox + 1)) {
          whole_pixels<2>(l, ch, cs, x0, o);
          ox += 2;
        } else {
          whole_pixels<1>(l, ch, cs, x0, o);
          ++ox;
        }
      }
    }
  }

  /// One output pixel through its gathered window: bias − zx·Σw + Σ x'·w over the whole window,
  /// x' = zx in the padding, is ref's bias + Σ (x − zx)·w over the taps inside.
  static void gathered_pixel(const layer &l, const chunk &ch, const channels &cs,
                             const std::int8_t *x, std::size_t n, std::size_t oy, std::size_t ox,
                             std::int8_t zx, std::int8_t *o) {
    alignas(8) std::int8_t buf[per_oc];
    simd::gather_window<layer>(x, n, cs.g, oy, ox, zx, buf);
    const std::int8_t *w = l.weights.data() + cs.first * per_oc;
    simd::mve::over_channels(cs.count, [&]<std::size_t C>(std::size_t j) {
      std::int32_t acc[1][C] = {}, unused[C] = {};
      simd::mve::dot<per_oc, 1, C, per_oc, per_oc>(buf, w + j * per_oc, acc, unused);
      ch.store(__arm_vaddq_s32(simd::mve::vector_of<C>(acc[0]), __arm_vldrwq_s32(ch.whole + j)), j,
               o + j, C);
    });
  }

  /// P adjacent output pixels whose windows lie inside the input; xb: the first one's first tap
  /// (at the group's first channel), o: its output at the chunk's first channel.
  template <std::size_t P>
  static void whole_pixels(const layer &l, const chunk &ch, const channels &cs,
                           const std::int8_t *xb, std::int8_t *o) {
    const std::int8_t *w = l.weights.data() + cs.first * per_oc;
    simd::mve::over_channels(cs.count, [&]<std::size_t C>(std::size_t j) {
      std::int32_t acc[P][C] = {}, unused[C] = {};
      const std::int8_t *wo = w + j * per_oc;
      if constexpr (strided)
        simd::mve::dot_offsets<steps, per_oc, P, C, pixel_step, per_oc>(
            xb, window_offsets.data()->data(), wo, acc);
      else
        for (std::size_t s = 0; s < segs; ++s)
          simd::mve::dot<seg_len, P, C, pixel_step, per_oc>(xb + seg_x[s], wo + s * seg_len, acc,
                                                            unused);
      const int32x4_t whole = __arm_vldrwq_s32(ch.whole + j);
      for (std::size_t p = 0; p < P; ++p)
        ch.store(__arm_vaddq_s32(simd::mve::vector_of<C>(acc[p]), whole), j,
                 o + p * A.out_channels + j, C);
    });
  }

  /// One output pixel whose window reaches into the padding: the runs of its taps inside the
  /// input (a kernel row's with row segments, else one tap's channels), with their weight sums.
  template <class Range>
  static void padded_pixel(const layer &l, const chunk &ch, const channels &cs,
                           const std::int8_t *x, std::size_t n, std::size_t oy, std::size_t ox,
                           const Range &ry, std::int32_t zx, std::int8_t *o) {
    const auto rx = layer::window.cols().inside_taps(ox, in::w);
    const std::int8_t *w = l.weights.data() + cs.first * per_oc;
    simd::mve::over_channels(cs.count, [&]<std::size_t C>(std::size_t j) {
      std::int32_t acc[C] = {}, wsum[C] = {};
      for (std::size_t ky = ry.first; ky < ry.last; ++ky) {
        const std::size_t iy = oy * A.stride_h + ky * A.dilation_h - A.pad_top;
        const std::int8_t *wr = w + j * per_oc + ky * A.kernel_w * icg;
        if constexpr (row_segments) {
          const std::size_t ix = ox * A.stride_w + rx.first - A.pad_left;
          simd::mve::dot_run<C, per_oc>(x + in::offset(n, iy, ix, 0), wr + rx.first * icg,
                                        (rx.last - rx.first) * icg, acc, wsum);
        } else {
          for (std::size_t kx = rx.first; kx < rx.last; ++kx) {
            const std::size_t ix = ox * A.stride_w + kx * A.dilation_w - A.pad_left;
            std::int32_t a1[1][C], s1[C];
            for (std::size_t c = 0; c < C; ++c) {
              a1[0][c] = acc[c];
              s1[c] = wsum[c];
            }
            simd::mve::dot<icg, 1, C, 0, per_oc, true>(x + in::offset(n, iy, ix, cs.g * icg),
                                                       wr + kx * icg, a1, s1);
            for (std::size_t c = 0; c < C; ++c) {
              acc[c] = a1[0][c];
              wsum[c] = s1[c];
            }
          }
        }
      }
      // bias + Σ x·w − zx·Σw over the taps inside.
      const int32x4_t sums = __arm_vmulq_n_s32(simd::mve::vector_of<C>(wsum), zx);
      const int32x4_t v = __arm_vsubq_s32(
          __arm_vaddq_s32(simd::mve::vector_of<C>(acc), __arm_vldrwq_s32(ch.bias + j)), sums);
      ch.store(v, j, o + j, C);
    });
  }
};

template <class E, shape_type S, conv2d_attrs A>
requires(conv2d<S, A>::depthwise) struct kernel<backends::basic_simd<E, simd::isa::arm_mve>,
                                                conv2d<S, A>> {
  using layer = conv2d<S, A>;
  using in = typename layer::in;
  using out_map = nhwc<typename layer::output_shape>;
  static constexpr std::size_t T = A.kernel_h * A.kernel_w;
  /// Channels per pass: their weights, repacked tap-major, live on the stack (T·CH bytes: 144 for
  /// 3x3, at most 512).
  static constexpr std::size_t CH = T <= 25 ? 16 : 8;
  using chunk = simd::mve::channel_chunk<A.rounding, CH>;
  /// One output channel per input channel and a window small enough for the stack buffer.
  static constexpr bool covered = layer::out_channels_per_group == 1 && T <= 64;
  static constexpr std::array<std::size_t, T> tap_x = [] {
    std::array<std::size_t, T> o{};
    for (std::size_t t = 0; t < T; ++t)
      o[t] = ((t / A.kernel_w) * A.dilation_h * in::w + (t % A.kernel_w) * A.dilation_w) * in::c;
    return o;
  }();
  static constexpr std::size_t pixel_step = A.stride_w * in::c;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (!covered || l.weight_zero_point != 0) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *x = inputs[0];
    const std::int8_t *w = l.weights.data();
    const std::int32_t zx = l.input_zero_point;
    for (std::size_t c0 = 0; c0 < in::c; c0 += CH) {
      const std::size_t count = in::c - c0 < CH ? in::c - c0 : CH;
      chunk ch(l.output, l.bias, c0, count);
      alignas(8) std::int8_t wp[T][CH] = {};
      for (std::size_t j = 0; j < count; ++j) {
        std::int32_t sum = 0;
        for (std::size_t t = 0; t < T; ++t) {
          wp[t][j] = w[(c0 + j) * T + t];
          sum += wp[t][j];
        }
        ch.whole[j] = simd::mve::wrap_sub(ch.bias[j], simd::mve::wrap_mul(zx, sum));
      }
      for (std::size_t n = 0; n < in::n; ++n)
        for (std::size_t oy = 0; oy < layer::out_h; ++oy) {
          const auto ry = layer::window.rows().inside_taps(oy, in::h);
          const bool y_whole = ry.whole(A.kernel_h);
          for (std::size_t ox = 0; ox < layer::out_w;) {
            std::int8_t *o = out + out_map::offset(n, oy, ox, c0);
            const auto rx = layer::window.cols().inside_taps(ox, in::w);
            if (!(y_whole && rx.whole(A.kernel_w))) {
              padded_pixel(ch, wp, x + in::offset(n, 0, 0, c0), count, oy, ox, ry, rx, zx, o);
              ++ox;
              continue;
            }
            const std::int8_t *xw =
                x + in::offset(n, oy * A.stride_h - A.pad_top, ox * A.stride_w - A.pad_left, c0);
            if (ox + 1 < layer::out_w &&
                layer::window.cols().inside_taps(ox + 1, in::w).whole(A.kernel_w)) {
              whole_pixels<2>(ch, wp, xw, count, o);
              ox += 2;
            } else {
              whole_pixels<1>(ch, wp, xw, count, o);
              ++ox;
            }
          }
        }
    }
  }

private:
  /// P adjacent output pixels whose windows lie inside the input, 4 channels per vector.
  template <std::size_t P>
  static void whole_pixels(const chunk &ch, const std::int8_t (&wp)[T][CH], const std::int8_t *xw,
                           std::size_t count, std::int8_t *o) {
    for (std::size_t j = 0; j < count; j += 4) {
      const std::size_t lanes = count - j < 4 ? count - j : 4;
      const mve_pred16_t live = __arm_vctp32q(static_cast<std::uint32_t>(lanes));
      int32x4_t acc[P];
      for (std::size_t p = 0; p < P; ++p)
        acc[p] = __arm_vldrwq_s32(ch.whole + j);
#pragma GCC unroll 64
      for (std::size_t t = 0; t < T; ++t) {
        const int32x4_t wv = __arm_vldrbq_s32(&wp[t][j]);
#pragma GCC unroll 2
        for (std::size_t p = 0; p < P; ++p) {
          const int32x4_t xv = __arm_vldrbq_z_s32(xw + p * pixel_step + tap_x[t] + j, live);
          acc[p] = __arm_vaddq_s32(acc[p], __arm_vmulq_s32(xv, wv));
        }
      }
      for (std::size_t p = 0; p < P; ++p)
        ch.store(acc[p], j, o + p * A.out_channels + j, lanes);
    }
  }

  /// One output pixel whose window reaches into the padding: bias + Σ (x − zx)·w over its taps
  /// inside the input. xn: the image's first pixel at the chunk's first channel.
  template <class Range>
  static void padded_pixel(const chunk &ch, const std::int8_t (&wp)[T][CH], const std::int8_t *xn,
                           std::size_t count, std::size_t oy, std::size_t ox, const Range &ry,
                           const Range &rx, std::int32_t zx, std::int8_t *o) {
    for (std::size_t j = 0; j < count; j += 4) {
      const std::size_t lanes = count - j < 4 ? count - j : 4;
      const mve_pred16_t live = __arm_vctp32q(static_cast<std::uint32_t>(lanes));
      int32x4_t acc = __arm_vldrwq_s32(ch.bias + j);
      for (std::size_t ky = ry.first; ky < ry.last; ++ky)
        for (std::size_t kx = rx.first; kx < rx.last; ++kx) {
          const std::size_t iy = oy * A.stride_h + ky * A.dilation_h - A.pad_top;
          const std::size_t ix = ox * A.stride_w + kx * A.dilation_w - A.pad_left;
          const int32x4_t xv =
              __arm_vsubq_n_s32(__arm_vldrbq_z_s32(xn + (iy * in::w + ix) * in::c + j, live), zx);
          acc = __arm_vaddq_s32(
              acc, __arm_vmulq_s32(xv, __arm_vldrbq_s32(&wp[ky * A.kernel_w + kx][j])));
        }
      ch.store(acc, j, o + j, lanes);
    }
  }
};

template <class E, shape_type S, std::size_t Units, rounding_mode R>
struct kernel<backends::basic_simd<E, simd::isa::arm_mve>, dense<S, Units, R>> {
  using layer = dense<S, Units, R>;
  static constexpr std::size_t K = layer::depth;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (l.weight_zero_point != 0) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *x = inputs[0];
    const std::int32_t zx = l.input_zero_point;
    for (std::size_t u0 = 0; u0 < Units; u0 += chunk::chunk) {
      const std::size_t count = Units - u0 < chunk::chunk ? Units - u0 : chunk::chunk;
      chunk ch(l.output, l.bias, u0, count);
      // One row (batch 1) reads each weight once: its weight sums come with the products.
      if constexpr (layer::rows > 1)
        for (std::size_t j = 0; j < count; ++j)
          ch.whole[j] = simd::mve::wrap_sub(
              ch.bias[j],
              simd::mve::wrap_mul(zx, simd::mve::weight_sum<K>(l.weights.data() + (u0 + j) * K)));
      std::size_t r = 0;
      for (; r + 2 <= layer::rows; r += 2)
        rows<2>(l, ch, x, r, u0, count, out);
      if (r < layer::rows)
        rows<1>(l, ch, x, r, u0, count, out);
    }
  }

private:
  using chunk = simd::mve::channel_chunk<R, 16>;

  /// Rows [r, r + P) of units [u0, u0 + count), 4 units at a time.
  template <std::size_t P>
  static void rows(const layer &l, const chunk &ch, const std::int8_t *x, std::size_t r,
                   std::size_t u0, std::size_t count, std::int8_t *out) {
    const std::int8_t *w = l.weights.data() + u0 * K;
    std::int8_t *o = out + r * Units + u0;
    constexpr bool sums = layer::rows == 1;
    const auto tile = [&]<std::size_t C>(std::size_t j) {
      std::int32_t acc[P][C] = {}, wsum[C] = {};
      simd::mve::dot<K, P, C, K, K, sums>(x + r * K, w + j * K, acc, wsum);
      int32x4_t whole = __arm_vldrwq_s32(ch.whole + j);
      if constexpr (sums) // bias − zx·Σw
        whole = __arm_vsubq_s32(
            whole, __arm_vmulq_n_s32(simd::mve::vector_of<C>(wsum), l.input_zero_point));
      for (std::size_t p = 0; p < P; ++p)
        ch.store(__arm_vaddq_s32(simd::mve::vector_of<C>(acc[p]), whole), j, o + p * Units + j, C);
    };
    simd::mve::over_channels(count, tile);
  }
};

/// add and mul, 4 outputs per vector along each row of the broadcast output (simd/elementwise.hpp's
/// walk: an input either runs along the row or repeats one value), each step of ref's arithmetic
/// in int32 lanes: fixed point with arm_mve::scale_fixed, fp32 with MVE's float lanes (integer-only
/// MVE runs the fp32 modes on ref). Zero points beyond ±2^30 run on ref.
namespace simd::mve {
/// Whether q − zero_point stays within ±limit for every int8 q of both inputs.
inline bool elementwise_zero_points(std::int32_t a, std::int32_t b, std::int32_t limit) {
  limit -= 128;
  return a >= -limit && a <= limit && b >= -limit && b <= limit;
}
/// Runs body(out_offset, a, a_step, b, b_step, live, n) over every 4 outputs of the broadcast.
template <shape_type SA, shape_type SB, class Body>
[[gnu::always_inline]] inline void for_each_quad(Body &&body) {
  simd::detail::for_each_broadcast_row<SA, SB>([&](std::size_t o, std::size_t ia, std::size_t sa,
                                                   std::size_t ib, std::size_t sb,
                                                   std::size_t len) {
    for (std::size_t i = 0; i < len; i += 4) {
      const std::size_t n = len - i < 4 ? len - i : 4;
      body(o + i, ia + i * sa, sa, ib + i * sb, sb, __arm_vctp32q(static_cast<std::uint32_t>(n)),
           n);
    }
  });
}
} // namespace simd::mve

template <class E, shape_type SA, shape_type SB, rounding_mode R>
struct kernel<backends::basic_simd<E, simd::isa::arm_mve>, add<SA, SB, R>> {
  using layer = add<SA, SB, R>;
  using mve = simd::isa::arm_mve;

  /// Whether every onnxruntime-mode sum is finite and well inside int32, where VCVTN's
  /// saturation never happens (onnxruntime_add maps sums beyond 2^31 to act_min: ref does that).
  static bool small_onnxruntime_sum(const add_params &p) {
    const auto mag = [](float v) { return v < 0.0f ? -v : v; };
    const float bound = mag(p.fixed) + 384.0f * (mag(p.a_ratio) + mag(p.b_ratio));
    return bound < 1073741824.0f && p.code_offset >= 0 && p.code_offset <= 128; // NaN: false
  }

  static void run(const layer &l, const std::array<const std::int8_t *, 2> &inputs,
                  std::int8_t *out) {
    const add_params &p = l.params;
    if (!simd::mve::elementwise_zero_points(p.a_zero_point, p.b_zero_point, 1 << 30) ||
        p.left_shift < 0 ||
        (R == rounding_mode::onnxruntime && (!mve::vector_fp32 || !small_onnxruntime_sum(p)))) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *a = inputs[0], *b = inputs[1];
    if constexpr (R == rounding_mode::onnxruntime) {
#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE_FP)
      simd::mve::for_each_quad<SA, SB>([&](std::size_t o, std::size_t ia, std::size_t sa,
                                           std::size_t ib, std::size_t sb, mve_pred16_t live,
                                           std::size_t n) {
        // onnxruntime_add: the codes as stored (+ code_offset), two fused multiply-adds.
        const float32x4_t fa =
            __arm_vcvtq_f32_s32(simd::mve::load_offset(a + ia, sa, live, -p.code_offset));
        const float32x4_t fb =
            __arm_vcvtq_f32_s32(simd::mve::load_offset(b + ib, sb, live, -p.code_offset));
        const float32x4_t fixed = __arm_vdupq_n_f32(p.fixed);
        const float32x4_t v =
            p.a_first
                ? __arm_vfmaq_n_f32(__arm_vfmaq_n_f32(fixed, fa, p.a_ratio), fb, p.b_ratio)
                : __arm_vfmaq_n_f32(__arm_vfmaq_n_f32(fixed, fb, p.b_ratio), fa, p.a_ratio);
        simd::mve::store_lanes(mve::round_fp32(v, -p.code_offset, p.act_min, p.act_max),
                               out + o, n, l.lut);
      });
#endif
    } else {
      // (q − zp) · 2^left saturates identically for every left >= 31.
      const std::int32_t left = p.left_shift > 31 ? 31 : p.left_shift;
      const mve::fixed_lanes ma = mve::splat(p.a_multiplier), mb = mve::splat(p.b_multiplier),
                             mo = mve::splat(p.output_multiplier);
      simd::mve::for_each_quad<SA, SB>([&](std::size_t o, std::size_t ia, std::size_t sa,
                                           std::size_t ib, std::size_t sb, mve_pred16_t live,
                                           std::size_t n) {
        const int32x4_t va =
            __arm_vqshlq_r_s32(simd::mve::load_offset(a + ia, sa, live, p.a_zero_point), left);
        const int32x4_t vb =
            __arm_vqshlq_r_s32(simd::mve::load_offset(b + ib, sb, live, p.b_zero_point), left);
        const int32x4_t sum = __arm_vaddq_s32(mve::scale_fixed(va, ma), mve::scale_fixed(vb, mb));
        simd::mve::store_lanes(
            mve::requantize_fixed(sum, mo, p.output_zero_point, p.act_min, p.act_max), out + o, n,
            l.lut);
      });
    }
  }
};

template <class E, shape_type SA, shape_type SB, rounding_mode R>
struct kernel<backends::basic_simd<E, simd::isa::arm_mve>, mul<SA, SB, R>> {
  using layer = mul<SA, SB, R>;
  using mve = simd::isa::arm_mve;

  static void run(const layer &l, const std::array<const std::int8_t *, 2> &inputs,
                  std::int8_t *out) {
    const mul_params &p = l.params;
    // onnxruntime mode: every |product · scale| + |zc| well inside int32 (else ref, which maps
    // sums beyond 2^31 to act_min where VCVTN would saturate).
    const auto mag = [](float v) { return v < 0.0f ? -v : v; };
    const float span_a = 128.0f + mag(static_cast<float>(p.a_zero_point));
    const float span_b = 128.0f + mag(static_cast<float>(p.b_zero_point));
    const bool small_sum = p.code_offset >= 0 && p.code_offset <= 128 &&
                           p.output_zero_point >= -(1 << 20) && p.output_zero_point <= (1 << 20) &&
                           mag(p.scale) * span_a * span_b + 2097152.0f < 1073741824.0f; // NaN: no
    if (!simd::mve::elementwise_zero_points(p.a_zero_point, p.b_zero_point, 1 << 15) ||
        p.left_shift < 0 ||
        (R == rounding_mode::onnxruntime && (!mve::vector_fp32 || !small_sum))) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    const std::int8_t *a = inputs[0], *b = inputs[1];
    const std::int32_t left = p.left_shift > 31 ? 31 : p.left_shift;
    const mve::fixed_lanes mo = mve::splat(p.output_multiplier);
    simd::mve::for_each_quad<SA, SB>([&](std::size_t o, std::size_t ia, std::size_t sa,
                                         std::size_t ib, std::size_t sb, mve_pred16_t live,
                                         std::size_t n) {
      // |q − zp| <= 2^15 (checked above): the product fits int32, as ref's int64 product.
      const int32x4_t acc =
          __arm_vmulq_s32(simd::mve::load_offset(a + ia, sa, live, p.a_zero_point),
                          simd::mve::load_offset(b + ib, sb, live, p.b_zero_point));
      int32x4_t q;
      if constexpr (R == rounding_mode::onnxruntime) {
#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE_FP)
        // onnxruntime_mul: fp32 product, + the stored zero point in fp32, rounded once more.
        const float32x4_t sum =
            __arm_vaddq_f32(__arm_vmulq_n_f32(__arm_vcvtq_f32_s32(acc), p.scale),
                            __arm_vdupq_n_f32(static_cast<float>(p.output_zero_point +
                                                                 p.code_offset)));
        q = mve::round_fp32(sum, -p.code_offset, p.act_min, p.act_max);
#else
        q = acc; // not reached: the fp32 mode runs on ref without floating-point MVE
#endif
      } else {
        q = mve::requantize_fixed(__arm_vqshlq_r_s32(acc, left), mo, p.output_zero_point, p.act_min,
                                  p.act_max);
      }
      simd::mve::store_lanes(q, out + o, n, l.lut);
    });
  }
};

/// Pools, vectorised over channels: max pooling 16 channels per VMAX.S8 over the taps inside the
/// input; average pooling sums 8 channels per int16 vector (windows of at most 128 taps: |Σ| <=
/// 128·255 < 2^15; 4 per int32 vector beyond), each average then requantized as ref does
/// (detail::average_output).
template <class E, shape_type S, pool2d_attrs A>
struct kernel<backends::basic_simd<E, simd::isa::arm_mve>, max_pool2d<S, A>> {
  using layer = max_pool2d<S, A>;
  using in = typename layer::in;
  using out_map = nhwc<typename layer::output_shape>;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    // The ref kernel clamps to [act_min, act_max], then saturates to int8.
    const std::int32_t lo = l.act_min < -128 ? -128 : (l.act_min > 127 ? 127 : l.act_min);
    const std::int32_t hi = l.act_max < lo ? lo : (l.act_max > 127 ? 127 : l.act_max);
    const int8x16_t vlo = __arm_vdupq_n_s8(static_cast<std::int8_t>(lo));
    const int8x16_t vhi = __arm_vdupq_n_s8(static_cast<std::int8_t>(hi));
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy)
        for (std::size_t ox = 0; ox < layer::out_w; ++ox)
          for (std::size_t c = 0; c < in::c; c += 16) {
            const mve_pred16_t live = __arm_vctp8q(static_cast<std::uint32_t>(in::c - c));
            int8x16_t best = __arm_vdupq_n_s8(-128);
            for_each_tap_inside(layer::window, in::h, in::w, oy, ox,
                                [&](std::size_t, std::size_t, std::size_t iy, std::size_t ix) {
                                  best = __arm_vmaxq_s8(
                                      best, __arm_vldrbq_z_s8(x + in::offset(n, iy, ix, c), live));
                                });
            best = __arm_vminq_s8(__arm_vmaxq_s8(best, vlo), vhi);
            __arm_vstrbq_p_s8(out + out_map::offset(n, oy, ox, c), best, live);
          }
  }
};

namespace simd::mve {
/// Σ over `count` input pixels (the pointers px(k) to their channel c) of channels c..c+L−1,
/// into sums[0..L): int16 lanes (L = 8) when Narrow, else int32 lanes (L = 4).
template <bool Narrow, class Pixel>
[[gnu::always_inline]] inline void channel_sums(std::size_t count, std::size_t channels_left,
                                                Pixel &&px, std::int32_t *sums) {
  if constexpr (Narrow) {
    const mve_pred16_t live = __arm_vctp16q(static_cast<std::uint32_t>(channels_left));
    int16x8_t acc = __arm_vdupq_n_s16(0);
    for (std::size_t k = 0; k < count; ++k)
      acc = __arm_vaddq_s16(acc, __arm_vldrbq_z_s16(px(k), live));
    alignas(8) std::int16_t v[8];
    __arm_vstrhq_s16(v, acc);
    for (std::size_t i = 0; i < 8; ++i)
      sums[i] = v[i];
  } else {
    const mve_pred16_t live = __arm_vctp32q(static_cast<std::uint32_t>(channels_left));
    int32x4_t acc = __arm_vdupq_n_s32(0);
    for (std::size_t k = 0; k < count; ++k)
      acc = __arm_vaddq_s32(acc, __arm_vldrbq_z_s32(px(k), live));
    __arm_vstrwq_s32(sums, acc);
  }
}
} // namespace simd::mve

template <class E, shape_type S, pool2d_attrs A, bool CountIncludePad, rounding_mode R>
struct kernel<backends::basic_simd<E, simd::isa::arm_mve>, avg_pool2d<S, A, CountIncludePad, R>> {
  using layer = avg_pool2d<S, A, CountIncludePad, R>;
  using in = typename layer::in;
  using out_map = nhwc<typename layer::output_shape>;
  static constexpr bool narrow = A.kernel_h * A.kernel_w <= 128;
  static constexpr std::size_t L = narrow ? 8 : 4;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t oy = 0; oy < layer::out_h; ++oy)
        for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
          const std::int64_t count = detail::average_count<layer>(oy, ox);
          // The input offsets of the taps inside (at most kernel_h · kernel_w).
          std::uint32_t taps[A.kernel_h * A.kernel_w];
          std::size_t inside = 0;
          for_each_tap_inside(layer::window, in::h, in::w, oy, ox,
                              [&](std::size_t, std::size_t, std::size_t iy, std::size_t ix) {
                                taps[inside++] =
                                    static_cast<std::uint32_t>(in::offset(n, iy, ix, 0));
                              });
          const std::int64_t offset = static_cast<std::int64_t>(inside) * l.input_zero_point;
          for (std::size_t c = 0; c < in::c; c += L) {
            alignas(8) std::int32_t sums[L];
            simd::mve::channel_sums<narrow>(
                inside, in::c - c, [&](std::size_t k) { return x + taps[k] + c; }, sums);
            const std::size_t m = in::c - c < L ? in::c - c : L;
            for (std::size_t i = 0; i < m; ++i)
              out[out_map::offset(n, oy, ox, c + i)] =
                  detail::average_output(l, sums[i] - offset, count);
          }
        }
  }
};

template <class E, shape_type S, rounding_mode R>
struct kernel<backends::basic_simd<E, simd::isa::arm_mve>, global_avg_pool<S, R>> {
  using layer = global_avg_pool<S, R>;
  using in = typename layer::in;
  static constexpr std::size_t pixels = in::h * in::w;
  static constexpr bool narrow = pixels <= 128;
  static constexpr std::size_t L = narrow ? 8 : 4;

  static void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    const std::int64_t offset = static_cast<std::int64_t>(pixels) * l.input_zero_point;
    for (std::size_t n = 0; n < in::n; ++n)
      for (std::size_t c = 0; c < in::c; c += L) {
        alignas(8) std::int32_t sums[L];
        const std::int8_t *xc = x + n * pixels * in::c + c;
        simd::mve::channel_sums<narrow>(
            pixels, in::c - c, [&](std::size_t k) { return xc + k * in::c; }, sums);
        const std::size_t m = in::c - c < L ? in::c - c : L;
        for (std::size_t i = 0; i < m; ++i)
          out[n * in::c + c + i] =
              detail::average_output(l, sums[i] - offset, static_cast<std::int64_t>(pixels));
      }
  }
};

} // namespace onnx2hpp

#endif
