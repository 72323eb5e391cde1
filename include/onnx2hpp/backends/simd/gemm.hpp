// The int8 GEMM driver of conv2d and dense: tiles of R output pixels × C blocks of 16 output
// channels go through the ISA's dot product, then the epilogue adds the per-channel and per-row
// zero-point terms and requantizes. Rows are given as `taps` pointers each (implicit im2col: a
// 3×3 convolution reads its nine input vectors where they are), or as one row of a small panel the
// caller fills (im2col for channel counts that are not a multiple of 4).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

#include "onnx2hpp/backends/simd/layout.hpp"
#include "onnx2hpp/backends/simd/requantize.hpp"
#include "onnx2hpp/core/output_stage.hpp"

namespace onnx2hpp::simd {

/// Executors may say how many threads they run (`static constexpr std::size_t concurrency`);
/// kernels then split their work into that many tasks. Serial executors need not.
template <class E>
constexpr std::size_t executor_concurrency() {
  if constexpr (requires { E::concurrency; })
    return E::concurrency > 0 ? E::concurrency : 1;
  else
    return 1;
}

/// Weight bytes of one pass over the output pixels: the blocks of a pass stay in L2 while every
/// row tile reads them.
inline constexpr std::size_t gemm_l2_budget = 384 * 1024;

/// Compile-time shape of one group's GEMM.
template <class Isa, std::size_t Blocks, std::size_t Ocg, std::size_t Taps, std::size_t TapBytes>
struct gemm_plan {
  static_assert(TapBytes % 4 == 0, "rows are read 4 bytes at a time");
  static constexpr std::size_t blocks = Blocks;
  static constexpr std::size_t ocg = Ocg;
  static constexpr std::size_t taps = Taps;
  static constexpr std::size_t k4_per_tap = TapBytes / 4;
  static constexpr std::size_t block_bytes = Taps * k4_per_tap * pack_block_bytes;
  static constexpr std::size_t cols = Blocks < Isa::max_blocks ? Blocks : Isa::max_blocks;
  static constexpr std::size_t rows = Isa::rows_for(cols);
  static constexpr std::size_t pass_blocks = [] {
    const std::size_t fit = gemm_l2_budget / block_bytes / cols * cols;
    return fit < cols ? cols : fit;
  }();
  static constexpr std::size_t padded_channels = Blocks * pack_block_channels;
};

/// Per-channel multipliers of one group, split and padded to whole blocks for aligned loads.
template <std::size_t Padded>
struct group_multipliers {
  alignas(64) std::array<std::int32_t, Padded> multiplier{};
  alignas(64) std::array<std::int32_t, Padded> left{};
  alignas(64) std::array<std::int32_t, Padded> right{};
  bool any_left = false; ///< some channel's scale is >= 1 (its multiplier shifts left)
  bool any_int_min = false;

  group_multipliers(const channel_requant &rq, std::size_t oc_base, std::size_t count) {
    for (std::size_t c = 0; c < count; ++c) {
      const split_multiplier s = split(rq[oc_base + c]);
      multiplier[c] = s.multiplier;
      left[c] = s.left;
      right[c] = s.right;
      any_left = any_left || s.left != 0;
      any_int_min = any_int_min || s.multiplier == std::numeric_limits<std::int32_t>::min();
    }
  }
  /// Whether the one-rounding form applies to every channel.
  bool right_shift_only() const { return !any_left && !any_int_min; }
};

/// The fp32 scales of one group (onnxruntime mode), padded to whole blocks for aligned loads.
template <std::size_t Padded>
struct group_scales {
  alignas(64) std::array<float, Padded> scale{};

  group_scales(const channel_scale &cs, std::size_t oc_base, std::size_t count) {
    for (std::size_t c = 0; c < count; ++c)
      scale[c] = cs[oc_base + c];
  }
};

/// group_multipliers plus, for ISAs with a one-rounding requantization, its per-block constants.
template <class Isa, std::size_t Padded>
struct group_requant : group_multipliers<Padded> {
  struct none {};
  using block_type = decltype([] {
    if constexpr (right_shift_isa<Isa>)
      return typename Isa::right_shift_block{};
    else
      return none{};
  }());
  static constexpr std::size_t blocks = Padded / pack_block_channels;
  std::array<block_type, right_shift_isa<Isa> ? blocks : 0> right_blocks;

  group_requant(const channel_requant &rq, std::size_t oc_base, std::size_t count)
      : group_multipliers<Padded>(rq, oc_base, count) {
    if constexpr (right_shift_isa<Isa>)
      for (std::size_t b = 0; b < blocks; ++b)
        Isa::prepare_right_shift(&this->multiplier[b * pack_block_channels],
                                 &this->right[b * pack_block_channels], right_blocks[b]);
  }
};

namespace detail {
template <class Isa, std::size_t R, std::size_t C, std::size_t... I>
void dot_tile_with(std::size_t cc, const std::int8_t *const *rows, std::size_t taps,
                   std::size_t k4_per_tap, const std::uint8_t *w, std::size_t block_stride,
                   std::int32_t *acc, std::index_sequence<I...>) {
  // cc in [1, C]: instantiate the tile for each possible column count.
  (void)((cc == I + 1
              ? (Isa::template dot_tile<R, I + 1>(rows, taps, k4_per_tap, w, block_stride, acc),
                 true)
              : false) ||
         ...);
}

inline std::int32_t wrap_mul(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b));
}
inline std::int32_t wrap_add(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}
inline std::int32_t wrap_sub(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) - static_cast<std::uint32_t>(b));
}
} // namespace detail

/// Computes output pixels [m_begin, m_end) of one group.
///   rows(m, r, taps_out): writes the `taps` row pointers of output pixel m (r is the row's slot
///                         in the tile, for callers that build a panel row per slot); each row
///                         holds TapBytes readable bytes, zero where k is padding
///   out_row(m):           the int8 output of pixel m, at the group's first channel
///   weights, offsets:     the group's part of a gemm_pack_view
///   weight_zero_point:    with the ISA's x_sum_bias, the factor of each row's Σx to subtract
/// The stage's rounding mode selects the epilogue: fixed-point multipliers, or fp32 scales
/// (float_math, onnxruntime mode).
template <class Isa, class Plan, rounding_mode Mode, class Rows, class OutRow>
void gemm_group(const basic_output_stage<Mode> &stage, std::size_t oc_base,
                std::int32_t weight_zero_point, const std::uint8_t *weights,
                const std::int32_t *offsets, std::size_t m_begin, std::size_t m_end, Rows &&rows,
                OutRow &&out_row) {
  constexpr std::size_t R = Plan::rows, C = Plan::cols, T = Plan::taps;
  constexpr std::size_t tile_channels = C * pack_block_channels;
  const std::int32_t x_sum_factor = detail::wrap_add(Isa::x_sum_bias, weight_zero_point);
  const output_window win = make_output_window(stage.zero_point, stage.act_min, stage.act_max);
  constexpr bool fp32 = Mode == rounding_mode::onnxruntime;
  [[maybe_unused]] const auto mults = [&] {
    if constexpr (vector_isa<Isa> && !fp32)
      return group_requant<Isa, Plan::padded_channels>(stage.requant, oc_base, Plan::ocg);
    else
      return 0;
  }();
  [[maybe_unused]] const float_window fwin =
      make_float_window(stage.zero_point, stage.act_min, stage.act_max);
  [[maybe_unused]] const auto scales = [&] {
    if constexpr (vector_isa<Isa> && fp32)
      return group_scales<Plan::padded_channels>(stage.scale, oc_base, Plan::ocg);
    else
      return 0;
  }();
  [[maybe_unused]] const auto fvwin = [&] {
    if constexpr (vector_isa<Isa> && fp32)
      return typename float_math<Isa>::window(fwin);
    else
      return 0;
  }();
  [[maybe_unused]] const auto vwin = [&] {
    if constexpr (vector_isa<Isa>)
      return typename vector_math<Isa>::window(win);
    else
      return 0;
  }();

  for (std::size_t b0 = 0; b0 < Plan::blocks; b0 += Plan::pass_blocks) {
    const std::size_t b1 =
        b0 + Plan::pass_blocks < Plan::blocks ? b0 + Plan::pass_blocks : Plan::blocks;
    for (std::size_t m0 = m_begin; m0 < m_end; m0 += R) {
      const std::size_t valid = m_end - m0 < R ? m_end - m0 : R;
      const std::int8_t *taps[R * T];
      for (std::size_t r = 0; r < R; ++r) // rows past the end repeat the last one
        rows(m0 + (r < valid ? r : valid - 1), r, taps + r * T);
      std::int32_t x_sum_term[R] = {};
      if (x_sum_factor != 0)
        for (std::size_t r = 0; r < valid; ++r) {
          std::int32_t s = 0;
          if constexpr (requires { Isa::rows_sum(taps, T, std::size_t{4}); }) {
            s = Isa::rows_sum(taps + r * T, T, Plan::k4_per_tap * 4); // one reduction per row
          } else {
            for (std::size_t t = 0; t < T; ++t)
              s = detail::wrap_add(s, Isa::row_sum(taps[r * T + t], Plan::k4_per_tap * 4));
          }
          x_sum_term[r] = detail::wrap_mul(x_sum_factor, s);
        }
      for (std::size_t b = b0; b < b1; b += C) {
        const std::size_t cc = b1 - b < C ? b1 - b : C;
        alignas(64) std::int32_t acc[R * tile_channels];
        if (valid == 1) // a single row (batch-1 dense): no duplicated rows
          detail::dot_tile_with<Isa, 1, C>(cc, taps, T, Plan::k4_per_tap,
                                           weights + b * Plan::block_bytes, Plan::block_bytes, acc,
                                           std::make_index_sequence<C>{});
        else
          detail::dot_tile_with<Isa, R, C>(cc, taps, T, Plan::k4_per_tap,
                                           weights + b * Plan::block_bytes, Plan::block_bytes, acc,
                                           std::make_index_sequence<C>{});
        for (std::size_t r = 0; r < valid; ++r) {
          std::int8_t *dst_row = out_row(m0 + r);
          for (std::size_t c = 0; c < cc; ++c) {
            const std::size_t ch0 = (b + c) * pack_block_channels;
            const std::size_t n =
                Plan::ocg - ch0 < pack_block_channels ? Plan::ocg - ch0 : pack_block_channels;
            const std::int32_t *a = acc + (r * cc + c) * pack_block_channels;
            std::int8_t *dst = dst_row + ch0;
            if constexpr (vector_isa<Isa> && fp32) {
              using batch = typename Isa::batch;
              using fm = float_math<Isa>;
              const batch row_term(x_sum_term[r]);
              if (fwin.exact) {
                for (std::size_t l = 0; l < n; l += Isa::lanes) {
                  const batch v = batch::load_unaligned(a + l) +
                                  batch::load_unaligned(offsets + ch0 + l) - row_term;
                  Isa::store_i8(fm::requantize_float(
                                    v, fm::fbatch::load_aligned(&scales.scale[ch0 + l]), fvwin),
                                dst + l, n - l);
                }
                apply_lut(stage.lut, dst, n);
              } else {
                for (std::size_t j = 0; j < n; ++j)
                  dst[j] = stage.apply(
                      detail::wrap_sub(detail::wrap_add(a[j], offsets[ch0 + j]), x_sum_term[r]),
                      oc_base + ch0 + j);
              }
            } else if constexpr (vector_isa<Isa>) {
              using batch = typename Isa::batch;
              const batch row_term(x_sum_term[r]);
              auto requantize_block = [&]<bool NoLeft>() {
                for (std::size_t l = 0; l < n; l += Isa::lanes) {
                  const batch v = batch::load_unaligned(a + l) +
                                  batch::load_unaligned(offsets + ch0 + l) - row_term;
                  const batch q = vector_math<Isa>::template requantize<NoLeft>(
                      v, batch::load_aligned(&mults.multiplier[ch0 + l]),
                      batch::load_aligned(&mults.left[ch0 + l]),
                      batch::load_aligned(&mults.right[ch0 + l]), vwin);
                  Isa::store_i8(q, dst + l, n - l);
                }
              };
              if constexpr (right_shift_isa<Isa>) {
                if (mults.right_shift_only() && Isa::lanes == pack_block_channels) {
                  const batch q = vector_math<Isa>::requantize_right(
                      batch::load_unaligned(a) + batch::load_unaligned(offsets + ch0) - row_term,
                      batch::load_aligned(&mults.multiplier[ch0]), mults.right_blocks[b + c], vwin);
                  Isa::store_i8(q, dst, n);
                  apply_lut(stage.lut, dst, n);
                  continue;
                }
              }
              if (mults.any_left)
                requantize_block.template operator()<false>();
              else
                requantize_block.template operator()<true>();
              apply_lut(stage.lut, dst, n);
            } else {
              for (std::size_t j = 0; j < n; ++j)
                dst[j] = stage.apply(
                    detail::wrap_sub(detail::wrap_add(a[j], offsets[ch0 + j]), x_sum_term[r]),
                    oc_base + ch0 + j);
            }
          }
        }
      }
    }
  }
}

} // namespace onnx2hpp::simd
