// AArch64 NEON: the int8 dot-product tile and the 4-lane int32 helpers.
//   with __ARM_FEATURE_DOTPROD: sdot (vdotq_s32), 4 channels × 4 k per instruction;
//   otherwise: smull (vmull_s8) + sadalp (vpadalq_s16). Each int16 product is at most
//   (−128)·(−128) = 16384, and sadalp widens before adding, so nothing can overflow (smlal_s8,
//   accumulating two products in int16, would overflow on 2·16384).
// The packed bytes are w + 128; one eor with 0x80 per weight load restores the signed weight, so
// the tile returns Σ w·x exactly.
#pragma once

#if defined(__ARM_NEON) && defined(__aarch64__)
#define ONNX2HPP_SIMD_HAS_NEON 1

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "onnx2hpp/backends/simd/layout.hpp"

namespace onnx2hpp::simd::isa {

struct neon {
#if defined(__ARM_FEATURE_DOTPROD)
  static constexpr const char *name = "neon_dotprod";
#else
  static constexpr const char *name = "neon";
#endif

  static constexpr std::int32_t x_sum_bias = 0;
  static constexpr std::size_t max_blocks = 1;
#if defined(__ARM_FEATURE_DOTPROD)
  static constexpr std::size_t rows_for(std::size_t) {
    return 4;
  }
#else
  static constexpr std::size_t rows_for(std::size_t) {
    return 2;
  }
#endif

  static int8x16_t load_weights(const std::uint8_t *p) {
    return vreinterpretq_s8_u8(veorq_u8(vld1q_u8(p), vdupq_n_u8(0x80)));
  }

  template <std::size_t R, std::size_t C>
  static void dot_tile(const std::int8_t *const *rows, std::size_t taps, std::size_t k4_per_tap,
                       const std::uint8_t *w, std::size_t block_stride, std::int32_t *acc) {
#if defined(__ARM_FEATURE_DOTPROD)
    int32x4_t a[R][C][4];
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t q = 0; q < 4; ++q)
          a[r][c][q] = vdupq_n_s32(0);
    for (std::size_t t = 0; t < taps; ++t) {
      const std::uint8_t *wt = w + t * k4_per_tap * pack_block_bytes;
      for (std::size_t k = 0; k < k4_per_tap; ++k)
        for (std::size_t c = 0; c < C; ++c) {
          int8x16_t wq[4];
          for (std::size_t q = 0; q < 4; ++q)
            wq[q] = load_weights(wt + c * block_stride + k * pack_block_bytes + 16 * q);
          for (std::size_t r = 0; r < R; ++r) {
            std::int32_t four;
            std::memcpy(&four, rows[r * taps + t] + 4 * k, 4);
            const int8x16_t xb = vreinterpretq_s8_s32(vdupq_n_s32(four));
            for (std::size_t q = 0; q < 4; ++q)
              a[r][c][q] = vdotq_s32(a[r][c][q], wq[q], xb);
          }
        }
    }
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t q = 0; q < 4; ++q)
          vst1q_s32(acc + (r * C + c) * pack_block_channels + 4 * q, a[r][c][q]);
#else
    // a[..][h]: channels 2h, 2h+1, two partial sums each.
    int32x4_t a[R][C][8];
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t h = 0; h < 8; ++h)
          a[r][c][h] = vdupq_n_s32(0);
    for (std::size_t t = 0; t < taps; ++t) {
      const std::uint8_t *wt = w + t * k4_per_tap * pack_block_bytes;
      for (std::size_t k = 0; k < k4_per_tap; ++k)
        for (std::size_t c = 0; c < C; ++c) {
          int8x16_t wq[4];
          for (std::size_t q = 0; q < 4; ++q)
            wq[q] = load_weights(wt + c * block_stride + k * pack_block_bytes + 16 * q);
          for (std::size_t r = 0; r < R; ++r) {
            std::int32_t four;
            std::memcpy(&four, rows[r * taps + t] + 4 * k, 4);
            const int8x8_t xb = vreinterpret_s8_s32(vdup_n_s32(four));
            for (std::size_t q = 0; q < 4; ++q) {
              a[r][c][2 * q] = vpadalq_s16(a[r][c][2 * q], vmull_s8(vget_low_s8(wq[q]), xb));
              a[r][c][2 * q + 1] =
                  vpadalq_s16(a[r][c][2 * q + 1], vmull_s8(vget_high_s8(wq[q]), xb));
            }
          }
        }
    }
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t q = 0; q < 4; ++q)
          vst1q_s32(acc + (r * C + c) * pack_block_channels + 4 * q,
                    vpaddq_s32(a[r][c][2 * q], a[r][c][2 * q + 1]));
#endif
  }

  static std::int32_t row_sum(const std::int8_t *x, std::size_t n) {
    int32x4_t s = vdupq_n_s32(0);
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
      s = vpadalq_s16(s, vpaddlq_s8(vld1q_s8(x + i)));
    std::int32_t total = vaddvq_s32(s);
    for (; i < n; ++i)
      total += x[i];
    return total;
  }

  using arch = xsimd::neon64;
  using batch = xsimd::batch<std::int32_t, arch>;
  static constexpr std::size_t lanes = 4;

  /// sqrdmulh is exactly gemmlowp's SaturatingRoundingDoublingHighMul.
  static batch srdhm(batch a, batch b) {
    return vqrdmulhq_s32(a, b);
  }
  static batch shift_right(batch x, batch e) {
    return vshlq_s32(x, vnegq_s32(e));
  }
  static batch shift_left(batch x, batch e) {
    return vshlq_s32(x, e);
  }

  static batch load_i8(const std::int8_t *p, std::size_t n = lanes) {
    std::int32_t four = 0;
    std::memcpy(&four, p, n >= lanes ? lanes : n);
    return vmovl_s16(vget_low_s16(vmovl_s8(vreinterpret_s8_s32(vdup_n_s32(four)))));
  }
  /// acc + x0 · lo16(w) + x1 · hi16(w) per lane (x0, x1 sign-extended int8; w two int16).
  static batch dot_pair(batch acc, batch x0, batch x1, batch w) {
    return acc + x0 * ((w << 16) >> 16) + x1 * (w >> 16);
  }
  static batch load_i16(const std::int16_t *p) {
    return vmovl_s16(vld1_s16(p));
  }
  static void store_i8(batch v, std::int8_t *p, std::size_t n = lanes) {
    const int16x4_t h = vmovn_s32(v);
    const int8x8_t b = vmovn_s16(vcombine_s16(h, h));
    const std::int32_t four = vget_lane_s32(vreinterpret_s32_s8(b), 0);
    std::memcpy(p, &four, n >= lanes ? lanes : n);
  }
};

} // namespace onnx2hpp::simd::isa

#endif
