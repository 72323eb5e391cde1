// simd kernel of depthwise conv2d (groups == in_channels, any channel multiplier): vectorised over
// channels. Every tap reads either its input pixel or, in the padding, a row of input zero points;
// with the pack's per-channel offset (bias − zp·Σw) the accumulator is offset + Σ_t x_t·w_t, taken
// two taps at a time by the ISA's dot_pair (vpdpwssd on AVX-512 VNNI). Both factors come from
// int8 values, so every product and the int32 sum are exact modulo 2^32, like ref's. Then the
// vector requantization. Under isa::portable the layer runs on ref.
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
    conv2d<S, A>::depthwise) struct kernel<backends::basic_simd<E, I>, simd::packed<conv2d<S, A>>> {
  using layer = conv2d<S, A>;
  using in = typename layer::in;
  using geo = simd::depthwise_pack_geometry<layer>;
  static constexpr std::size_t C = geo::channels, M = geo::multiplier, P = geo::padded;
  static constexpr std::size_t T = geo::taps;
  static constexpr std::size_t T2 = geo::tap_pairs;
  static constexpr std::size_t rows_total = in::n * layer::out_h;
  static constexpr std::size_t tasks = std::min(rows_total, simd::executor_concurrency<E>());

  static void run(const simd::packed<layer> &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    if (l.output.mode == rounding_mode::onnxruntime) { // float rounding: ref defines it
      kernel<backends::ref, layer>::run(l.layer(), inputs, out);
      return;
    }
    if constexpr (!simd::vector_isa<I>) {
      kernel<backends::ref, layer>::run(l.layer(), inputs, out);
    } else {
      E::parallel_for(tasks, [&](std::size_t task) {
        run_rows(l, inputs[0], out, rows_total * task / tasks, rows_total * (task + 1) / tasks);
      });
    }
  }

private:
  /// Output rows [r_begin, r_end) of all images (row index n · out_h + oy).
  static void run_rows(const simd::packed<layer> &l, const std::int8_t *x, std::int8_t *out,
                       std::size_t r_begin, std::size_t r_end) {
    using batch = typename I::batch;
    using vm = simd::vector_math<I>;
    constexpr std::size_t L = I::lanes;
    // Multipliers in the pack's channel order [j][c].
    alignas(64) std::array<std::int32_t, M * P> mult{}, left{}, right{};
    bool any_left = false, any_int_min = false;
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t j = 0; j < M; ++j) {
        const simd::split_multiplier s = simd::split(l.output.requant[c * M + j]);
        mult[j * P + c] = s.multiplier;
        left[j * P + c] = s.left;
        right[j * P + c] = s.right;
        any_left = any_left || s.left != 0;
        any_int_min = any_int_min || s.multiplier == std::numeric_limits<std::int32_t>::min();
      }
    // The ISA's one-rounding requantization, per 16 channels, when every channel allows it.
    [[maybe_unused]] const bool right_only = !any_left && !any_int_min;
    [[maybe_unused]] const auto right_blocks = [&] {
      if constexpr (simd::right_shift_isa<I> && L == simd::pack_block_channels) {
        std::array<typename I::right_shift_block, M * P / simd::pack_block_channels> b;
        if (right_only)
          for (std::size_t i = 0; i < b.size(); ++i)
            I::prepare_right_shift(&mult[i * L], &right[i * L], b[i]);
        return b;
      } else {
        return 0;
      }
    }();
    const typename vm::window win(
        simd::make_output_window(l.output.zero_point, l.output.act_min, l.output.act_max));
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
          batch q;
          bool done = false;
          if constexpr (simd::right_shift_isa<I> && L == simd::pack_block_channels) {
            if (NoLeft && right_only) {
              q = vm::requantize_right(acc, batch::load_aligned(&mult[k]), right_blocks[k / L],
                                       win);
              done = true;
            }
          }
          if (!done)
            q = vm::template requantize<NoLeft>(acc, batch::load_aligned(&mult[k]),
                                                batch::load_aligned(&left[k]),
                                                batch::load_aligned(&right[k]), win);
          if constexpr (M == 1) {
            I::store_i8(q, dst + c0, nl);
            simd::apply_lut(l.output.lut, dst + c0, nl);
          } else {
            std::int8_t lanes[L];
            I::store_i8(q, lanes, L);
            simd::apply_lut(l.output.lut, lanes, nl);
            for (std::size_t i = 0; i < nl; ++i)
              dst[(c0 + i) * M + j] = lanes[i];
          }
        }
    };

    for (std::size_t row = r_begin; row < r_end; ++row) {
      const std::size_t n = row / layer::out_h, oy = row % layer::out_h;
      for (std::size_t ox = 0; ox < layer::out_w; ++ox) {
        const std::int8_t *taps[2 * T2];
        taps[2 * T2 - 1] = zp_row.data(); // the missing tap of an odd count has weight 0
        for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
          const std::ptrdiff_t iy =
              static_cast<std::ptrdiff_t>(oy * A.stride_h + ky * A.dilation_h) -
              static_cast<std::ptrdiff_t>(A.pad_top);
          for (std::size_t kx = 0; kx < A.kernel_w; ++kx) {
            const std::ptrdiff_t ix =
                static_cast<std::ptrdiff_t>(ox * A.stride_w + kx * A.dilation_w) -
                static_cast<std::ptrdiff_t>(A.pad_left);
            const bool inside = iy >= 0 && iy < static_cast<std::ptrdiff_t>(in::h) && ix >= 0 &&
                                ix < static_cast<std::ptrdiff_t>(in::w);
            taps[ky * A.kernel_w + kx] =
                inside ? x + ((n * in::h + static_cast<std::size_t>(iy)) * in::w +
                              static_cast<std::size_t>(ix)) *
                                 C
                       : zp_row.data();
          }
        }
        std::int8_t *dst = out + ((n * layer::out_h + oy) * layer::out_w + ox) * A.out_channels;
        if (any_left)
          pixel.template operator()<false>(taps, dst);
        else
          pixel.template operator()<true>(taps, dst);
      }
    }
  }
};

} // namespace onnx2hpp
