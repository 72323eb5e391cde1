// simd kernel of depthwise conv2d (groups == in_channels, any channel multiplier): vectorised over
// channels. Every tap reads either its input pixel or, in the padding, a row of input zero points;
// with the pack's per-channel offset (bias − zp·Σw) the accumulator is offset + Σ_t x_t·w_t, taken
// two taps at a time by the ISA's dot_pair (vpdpwssd on AVX-512 VNNI). Both factors come from
// int8 values, so every product and the int32 sum are exact modulo 2^32, like ref's. ISAs with
// depthwise_dot4 (AVX-512 VNNI) take four taps per vpdpbusd from the pack's four-tap part when it
// has one (packed at generation or compile time, pack.hpp). Then the shared requantization
// epilogue (requantize.hpp). Under isa::portable the layer runs on ref.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/pack.hpp"
#include "onnx2hpp/backends/simd/requantize.hpp"
#include "onnx2hpp/layers/conv2d.hpp"

namespace onnx2hpp {

template <class E, class I, shape_type S, conv2d_attrs A>
requires(
    conv2d<S, A>::depthwise &&
    !simd::direct_isa<I>) struct kernel<backends::basic_simd<E, I>, simd::packed<conv2d<S, A>>> {
  using layer = conv2d<S, A>;
  using in = typename layer::in;
  using geo = simd::depthwise_pack_geometry<layer>;
  static constexpr std::size_t C = geo::channels, M = geo::multiplier, P = geo::padded;
  static constexpr std::size_t T = geo::taps;
  static constexpr std::size_t T2 = geo::tap_pairs;
  static constexpr std::size_t rows_total = in::n * layer::out_h;
  static constexpr std::size_t tasks = std::min(rows_total, simd::executor_concurrency<E>());
  static constexpr bool fp32 = layer::rounding == rounding_mode::onnxruntime;

  static void run(const simd::packed<layer> &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if constexpr (!simd::vector_isa<I>) {
      kernel<backends::ref, layer>::run(l.layer(), inputs, out);
    } else {
      if (fp32 && !simd::make_float_window(l.output.zero_point, l.output.act_min, l.output.act_max)
                       .exact) { // zero point far outside int8: the scalar definition
        kernel<backends::ref, layer>::run(l.layer(), inputs, out);
        return;
      }
      if constexpr (use_dw4) {
        if (!l.pack.dw4_weights.empty()) {
          E::parallel_for(tasks, [&](std::size_t task) {
            run_rows<true>(l, inputs[0], out, rows_total * task / tasks,
                           rows_total * (task + 1) / tasks);
          });
          return;
        }
      }
      E::parallel_for(tasks, [&](std::size_t task) {
        run_rows<false>(l, inputs[0], out, rows_total * task / tasks,
                        rows_total * (task + 1) / tasks);
      });
    }
  }

private:
  // ---- four taps per int8 dot product (ISAs with depthwise_dot4) ---------------------------
  // The pack's four-tap part (pack.hpp, layout.hpp; present when every w − weight_zero_point fits
  // int8) holds the weights in the ISA's order and offsets that include −128 · Σ_t w_t: the
  // activations go in as unsigned x + 128.
  static constexpr bool has_dw4 = requires { I::dw4_channels; };
  static constexpr bool use_dw4 = has_dw4 && geo::dims.four_tap();
  static constexpr std::size_t dw4_lanes = simd::depthwise4_channels;
  static_assert(!use_dw4 || [] {
    if constexpr (has_dw4)
      return I::dw4_channels == simd::depthwise4_channels;
    else
      return true;
  }());

  /// Output rows [r_begin, r_end) of all images (row index n · out_h + oy).
  template <bool Dw4>
  static void run_rows(const simd::packed<layer> &l, const std::int8_t *x, std::int8_t *out,
                       std::size_t r_begin, std::size_t r_end) {
    using batch = typename I::batch;
    constexpr std::size_t L = I::lanes;
    // The requantization constants in the pack's channel order [j][c] (stage channel c · M + j).
    const simd::channel_epilogue<I, layer::rounding, M * P> epilogue(
        l.output, C * M, [](std::size_t i) {
          const std::size_t c = i % P, j = i / P;
          return c < C ? c * M + j : C * M;
        });
    const bool any_left = epilogue.any_left;
    std::array<std::int8_t, C> zp_row;
    zp_row.fill(static_cast<std::int8_t>(l.input_zero_point));
    // Each int32 of the pack holds the int16 weights of two taps of one channel.
    const auto *w_pairs = reinterpret_cast<const std::int32_t *>(l.pack.weights.data());
    const std::int32_t *offset = l.pack.channel_offset.data();

    auto pixel = [&]<bool NoLeft>(const std::int8_t *const *taps, std::int8_t *dst) {
      for (std::size_t j = 0; j < M; ++j)
        for (std::size_t c0 = 0; c0 < C; c0 += L) {
          const bool full = c0 + L <= C;
          const std::size_t nl = full ? L : C - c0;
          batch acc = batch::load_unaligned(offset + j * P + c0);
          const std::int32_t *wj = w_pairs + j * T2 * P + c0;
          if (full) {
#pragma GCC unroll 8
            for (std::size_t t = 0; t < T2; ++t)
              acc = I::dot_pair(acc, I::load_i8(taps[2 * t] + c0), I::load_i8(taps[2 * t + 1] + c0),
                                batch::load_unaligned(wj + t * P));
          } else {
            for (std::size_t t = 0; t < T2; ++t)
              acc = I::dot_pair(acc, I::load_i8(taps[2 * t] + c0, nl),
                                I::load_i8(taps[2 * t + 1] + c0, nl),
                                batch::load_unaligned(wj + t * P));
          }
          const std::size_t k = j * P + c0;
          if constexpr (M == 1) {
            epilogue.template store<NoLeft>(acc, k, dst + c0, nl);
          } else {
            std::int8_t lanes[L];
            epilogue.template store<NoLeft>(acc, k, lanes, nl);
            for (std::size_t i = 0; i < nl; ++i)
              dst[(c0 + i) * M + j] = lanes[i];
          }
        }
    };
    [[maybe_unused]] auto pixel4 = [&]<bool NoLeft>(const auto &tap, std::int8_t *dst) {
      if constexpr (use_dw4 && L == 16) {
        const std::uint8_t *w4 = l.pack.dw4_weights.data();
        const std::int32_t *offset4 = l.pack.dw4_offset.data();
        for (std::size_t c0 = 0; c0 < C; c0 += dw4_lanes) {
          batch lo, hi;
          I::template depthwise_dot4<T>(tap, c0, dw4_lanes, w4 + c0 * T, offset4 + c0, lo, hi);
          epilogue.template store<NoLeft>(lo, c0, dst + c0, L);
          epilogue.template store<NoLeft>(hi, c0 + L, dst + c0 + L, L);
        }
      }
    };

    for (std::size_t row = r_begin; row < r_end; ++row) {
      const std::size_t n = row / layer::out_h, oy = row % layer::out_h;
      for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
        const std::int8_t *taps[2 * T2];
        taps[2 * T2 - 1] = zp_row.data(); // the missing tap of an odd count has weight 0
        // Every tap reads its input pixel or, in the padding, the row of zero points.
        for_each_tap(layer::window, in::h, in::w, oy, ox, [&](const window_tap &t) {
          taps[t.index] = t.inside ? x + in::offset(n, static_cast<std::size_t>(t.iy),
                                                    static_cast<std::size_t>(t.ix), 0)
                                   : zp_row.data();
        });
        std::int8_t *dst = out + nhwc<typename layer::output_shape>::offset(n, oy, ox, 0);
        if constexpr (Dw4) {
          const auto tap = [&](std::size_t t) { return taps[t]; };
          if (any_left)
            pixel4.template operator()<false>(tap, dst);
          else
            pixel4.template operator()<true>(tap, dst);
          continue;
        }
        if (any_left)
          pixel.template operator()<false>(taps, dst);
        else
          pixel.template operator()<true>(taps, dst);
      }
    }
  }
};

} // namespace onnx2hpp
