// AVX2: the int8 dot-product tile and the 8-lane int32 helpers.
//
// vpmaddubsw (u8 × s8 → saturating int16 pair sums) is NOT exact here: with the packed weights
// w + 128 in [0, 255] and activations in [−128, 127] a pair sum reaches 2·255·128 = 65280. Instead
// both operands are widened to int16 and multiplied with vpmaddwd, whose int32 pair sums cannot
// overflow: each 16-byte quarter of a packed group (4 channels × 4 k) is zero-extended to 16 int16,
// the 4 activation bytes are sign-extended and broadcast, and vpmaddwd leaves two partial sums per
// channel that are added pairwise once per tile.
#pragma once

#if defined(__AVX2__)
#define ONNX2HPP_SIMD_HAS_AVX2 1

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "onnx2hpp/backends/simd/layout.hpp"

namespace onnx2hpp::simd::isa {

struct avx2 {
  static constexpr const char *name = "avx2";

  /// dot_tile returns D = Σ (w + 128)·x; the caller subtracts 128·Σx.
  static constexpr std::int32_t x_sum_bias = 128;
  static constexpr std::size_t max_blocks = 1;
  static constexpr std::size_t rows_for(std::size_t) { return 2; }

  template <std::size_t R, std::size_t C>
  static void dot_tile(const std::int8_t *const *rows, std::size_t taps, std::size_t k4_per_tap,
                       const std::uint8_t *w, std::size_t block_stride, std::int32_t *acc) {
    __m256i a[R][C][4];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (std::size_t c = 0; c < C; ++c)
#pragma GCC unroll 4
        for (std::size_t q = 0; q < 4; ++q)
          a[r][c][q] = _mm256_setzero_si256();
    for (std::size_t t = 0; t < taps; ++t) {
      const std::int8_t *p[R];
#pragma GCC unroll 16
      for (std::size_t r = 0; r < R; ++r)
        p[r] = rows[r * taps + t];
      const std::uint8_t *wt = w + t * k4_per_tap * pack_block_bytes;
      for (std::size_t k = 0; k < k4_per_tap; ++k) {
        __m256i xb[R];
#pragma GCC unroll 16
        for (std::size_t r = 0; r < R; ++r) {
          std::int32_t four;
          std::memcpy(&four, p[r] + 4 * k, 4);
          const __m128i x16 = _mm_cvtepi8_epi16(_mm_cvtsi32_si128(four));
          xb[r] = _mm256_broadcastq_epi64(x16);
        }
#pragma GCC unroll 4
        for (std::size_t c = 0; c < C; ++c)
#pragma GCC unroll 4
          for (std::size_t q = 0; q < 4; ++q) {
            const __m256i wq =
                _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(
                    wt + c * block_stride + k * pack_block_bytes + q * 16)));
#pragma GCC unroll 16
            for (std::size_t r = 0; r < R; ++r)
              a[r][c][q] = _mm256_add_epi32(a[r][c][q], _mm256_madd_epi16(wq, xb[r]));
          }
      }
    }
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (std::size_t c = 0; c < C; ++c)
#pragma GCC unroll 2
        for (std::size_t h = 0; h < 2; ++h) {
          // lanes of a[..][2h]: channels 8h + 0..3, two partials each; of a[..][2h+1]: 8h + 4..7.
          const __m256i s = _mm256_hadd_epi32(a[r][c][2 * h], a[r][c][2 * h + 1]);
          _mm256_storeu_si256(
              reinterpret_cast<__m256i *>(acc + (r * C + c) * pack_block_channels + 8 * h),
              _mm256_permute4x64_epi64(s, _MM_SHUFFLE(3, 1, 2, 0)));
        }
  }

  static std::int32_t row_sum(const std::int8_t *x, std::size_t n) {
    const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
    __m256i s = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) // sums of x + 128 in four 64-bit lanes
      s = _mm256_add_epi64(
          s,
          _mm256_sad_epu8(
              _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + i)), flip),
              _mm256_setzero_si256()));
    std::int64_t lanes4[4];
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(lanes4), s);
    std::int64_t total = lanes4[0] + lanes4[1] + lanes4[2] + lanes4[3] - 128 * std::int64_t(i);
    for (; i < n; ++i)
      total += x[i];
    return static_cast<std::int32_t>(total);
  }

  using arch = xsimd::avx2;
  using batch = xsimd::batch<std::int32_t, arch>;
  static constexpr std::size_t lanes = 8;

  /// See avx512_vnni::srdhm: floor((a·b + 2^30) / 2^31), with a = b = INT32_MIN -> INT32_MAX.
  static batch srdhm(batch a, batch b) {
    const __m256i va = a, vb = b;
    const __m256i nudge = _mm256_set1_epi64x(std::int64_t{1} << 30);
    const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(va, vb), nudge);
    const __m256i odd = _mm256_add_epi64(
        _mm256_mul_epi32(_mm256_srli_epi64(va, 32), _mm256_srli_epi64(vb, 32)), nudge);
    const __m256i r = _mm256_blend_epi32(_mm256_srli_epi64(even, 31),
                                         _mm256_slli_epi64(_mm256_srli_epi64(odd, 31), 32), 0xAA);
    return _mm256_add_epi32(r, _mm256_cmpeq_epi32(r, _mm256_set1_epi32(INT32_MIN)));
  }
  static batch shift_right(batch x, batch e) {
    return _mm256_srav_epi32(x, e);
  }
  static batch shift_left(batch x, batch e) {
    return _mm256_sllv_epi32(x, e);
  }

  static batch load_i8(const std::int8_t *p, std::size_t n = lanes) {
    std::int64_t eight = 0;
    std::memcpy(&eight, p, n >= lanes ? lanes : n);
    return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(eight));
  }
  /// acc + x0 · lo16(w) + x1 · hi16(w) per lane (x0, x1 sign-extended int8; w two int16).
  static batch dot_pair(batch acc, batch x0, batch x1, batch w) {
    return acc + x0 * ((w << 16) >> 16) + x1 * (w >> 16);
  }
  static batch load_i16(const std::int16_t *p) {
    return _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
  }
  static void store_i8(batch v, std::int8_t *p, std::size_t n = lanes) {
    const __m256i w16 = _mm256_packs_epi32(v, v);    // [v0..3 v0..3 | v4..7 v4..7] as int16
    const __m256i b8 = _mm256_packs_epi16(w16, w16); // low 4 bytes of each half: v0..3, v4..7
    const __m128i both =
        _mm_unpacklo_epi32(_mm256_castsi256_si128(b8), _mm256_extracti128_si256(b8, 1));
    const std::int64_t eight = _mm_cvtsi128_si64(both);
    std::memcpy(p, &eight, n >= lanes ? lanes : n);
  }
};

} // namespace onnx2hpp::simd::isa

#endif
