// AVX-512 VNNI (+BW): the int8 dot-product tile with vpdpbusd, and the 16-lane int32 helpers that
// xsimd 8 lacks (widening loads, narrowing stores, 64-bit high multiply, per-lane shifts).
// Selected when the compiler targets __AVX512VNNI__ and __AVX512BW__ (e.g. -march=native on Zen 4,
// Ice Lake, Sapphire Rapids).
#pragma once

#if defined(__AVX512VNNI__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define ONNX2HPP_SIMD_HAS_AVX512_VNNI 1

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "onnx2hpp/backends/simd/layout.hpp"

namespace onnx2hpp::simd::isa {

struct avx512_vnni {
  static constexpr const char *name = "avx512_vnni";

  // ---- int8 dot product ------------------------------------------------------------------------
  /// vpdpbusd multiplies unsigned bytes (the packed weights, w + 128) by signed bytes (the
  /// activations): dot_tile returns D = Σ (w + 128)·x, so the caller subtracts 128·Σx.
  static constexpr std::int32_t x_sum_bias = 128;
  /// Tile shapes: rows × blocks of 16 output channels, 16 accumulators of the 32 zmm (4 × 4 was
  /// the fastest of 3..8 × 2..4 on Zen 4: 86% of the vpdpbusd peak on ResNet 3x3 layers).
  static constexpr std::size_t max_blocks = 4;
  static constexpr std::size_t rows_for(std::size_t blocks) { return blocks >= 3 ? 4 : 8; }

  /// acc[r][c·16 + j] = Σ over taps t and 4-byte groups g of the packed block c of the weights
  /// (columns j) times rows[r·taps + t][4g .. 4g+3]. `w` points at block 0 of the tile, block c
  /// starts `block_stride` bytes later, and within a block tap t starts at t·k4_per_tap·64.
  /// _mm512_dpbusd_epi32(acc, u, s), accumulating in acc's register. g++ 12 copies the
  /// accumulators of a 4 × 4 tile between registers around the intrinsic and spills some (half
  /// the cycles of a ResNet 3x3 layer went to vmovdqa); the asm form keeps each in place.
  static __m512i dpbusd_in_place(__m512i acc, __m512i u, __m512i s) {
#if defined(__GNUC__) && !defined(__clang__)
    asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(s));
    return acc;
#else
    return _mm512_dpbusd_epi32(acc, u, s);
#endif
  }

  template <std::size_t R, std::size_t C>
  static void dot_tile(const std::int8_t *const *rows, std::size_t taps, std::size_t k4_per_tap,
                       const std::uint8_t *w, std::size_t block_stride, std::int32_t *acc) {
    __m512i a[R][C];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (std::size_t c = 0; c < C; ++c)
        a[r][c] = _mm512_setzero_si512();
    for (std::size_t t = 0; t < taps; ++t) {
      const std::int8_t *p[R];
#pragma GCC unroll 16
      for (std::size_t r = 0; r < R; ++r)
        p[r] = rows[r * taps + t];
      const std::uint8_t *wt = w + t * k4_per_tap * pack_block_bytes;
      for (std::size_t k = 0; k < k4_per_tap; ++k) {
        __m512i wv[C];
#pragma GCC unroll 8
        for (std::size_t c = 0; c < C; ++c)
          wv[c] = _mm512_loadu_si512(wt + c * block_stride + k * pack_block_bytes);
#pragma GCC unroll 16
        for (std::size_t r = 0; r < R; ++r) {
          std::int32_t four;
          std::memcpy(&four, p[r] + 4 * k, 4);
          const __m512i xb = _mm512_set1_epi32(four);
#pragma GCC unroll 8
          for (std::size_t c = 0; c < C; ++c)
            a[r][c] = dpbusd_in_place(a[r][c], wv[c], xb);
        }
      }
    }
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (std::size_t c = 0; c < C; ++c)
        _mm512_storeu_si512(acc + (r * C + c) * pack_block_channels, a[r][c]);
  }

  /// Σ x[i] for i < n (any n), exact in int32 for n < 2^24.
  static std::int32_t row_sum(const std::int8_t *x, std::size_t n) {
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i s = _mm512_setzero_si512();
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64)
      s = _mm512_dpbusd_epi32(s, ones, _mm512_loadu_si512(x + i));
    if (i < n) {
      const __mmask64 m = _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(n - i));
      s = _mm512_dpbusd_epi32(s, ones, _mm512_maskz_loadu_epi8(m, x + i));
    }
    return _mm512_reduce_add_epi32(s);
  }

  /// Σ of `count` rows of n bytes each (exact in int32 for count · n < 2^24), reduced once.
  static std::int32_t rows_sum(const std::int8_t *const *rows, std::size_t count, std::size_t n) {
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i s = _mm512_setzero_si512();
    __m128i s4 = _mm_setzero_si128();
    const std::size_t whole = n / 64 * 64, rest = n - whole;
    const __mmask64 m = _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(rest));
    for (std::size_t r = 0; r < count; ++r) {
      const std::int8_t *x = rows[r];
      for (std::size_t i = 0; i < whole; i += 64)
        s = _mm512_dpbusd_epi32(s, ones, _mm512_loadu_si512(x + i));
      if (rest == 16)
        s4 = _mm_dpbusd_epi32(s4, _mm_set1_epi8(1),
                              _mm_loadu_si128(reinterpret_cast<const __m128i *>(x + whole)));
      else if (rest != 0)
        s = _mm512_dpbusd_epi32(s, ones, _mm512_maskz_loadu_epi8(m, x + whole));
    }
    s = _mm512_add_epi32(s, _mm512_zextsi128_si512(s4)); // cast: upper lanes undefined (clang)
    return _mm512_reduce_add_epi32(s);
  }

  // ---- int32 lanes -----------------------------------------------------------------------------
  using arch = xsimd::avx512bw;
  using batch = xsimd::batch<std::int32_t, arch>;
  static constexpr std::size_t lanes = 16;

  /// gemmlowp SaturatingRoundingDoublingHighMul per lane: floor((a·b + 2^30) / 2^31), which equals
  /// the scalar definition's nudged truncation; the one overflow (a = b = INT32_MIN gives 2^31,
  /// wrapping to INT32_MIN, a value no other input produces) is mapped to INT32_MAX.
  static batch srdhm(batch a, batch b) {
    const __m512i va = a, vb = b;
    const __m512i nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
    const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(va, vb), nudge);
    const __m512i odd = _mm512_add_epi64(
        _mm512_mul_epi32(_mm512_srli_epi64(va, 32), _mm512_srli_epi64(vb, 32)), nudge);
    // Bits 31..62 of each 64-bit sum are the result; a logical shift gives the same low 32 bits.
    const __m512i r = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31),
                                              _mm512_slli_epi64(_mm512_srli_epi64(odd, 31), 32));
    const __m512i int_min = _mm512_set1_epi32(INT32_MIN);
    return _mm512_mask_sub_epi32(r, _mm512_cmpeq_epi32_mask(r, int_min), r, _mm512_set1_epi32(1));
  }
  /// Per-channel constants of requantize_right for one block of 16 channels, as 64-bit lanes of
  /// the even (0, 2, .., 14) and odd channels.
  struct right_shift_block {
    alignas(64) std::int64_t multiplier_odd[8];
    alignas(64) std::int64_t add[2][8];   ///< 2^30 + 2^(e−1)·2^31 (e = right shift; 2^30 if 0)
    alignas(64) std::int64_t fix[2][8];   ///< 2^31 if e > 0, else 0
    alignas(64) std::int64_t shift[2][8]; ///< 31 + e
  };
  static void prepare_right_shift(const std::int32_t *multiplier, const std::int32_t *right,
                                  right_shift_block &b) {
    for (std::size_t i = 0; i < 8; ++i) {
      b.multiplier_odd[i] = multiplier[2 * i + 1];
      for (std::size_t h = 0; h < 2; ++h) {
        const std::int64_t e = right[2 * i + h];
        b.add[h][i] = (std::int64_t{1} << 30) + (e > 0 ? std::int64_t{1} << (30 + e) : 0);
        b.fix[h][i] = e > 0 ? std::int64_t{1} << 31 : 0;
        b.shift[h][i] = 31 + e;
      }
    }
  }
  /// multiply_by_quantized_multiplier(x, {m, −e}) for right shifts e in [0, 31] and multipliers
  /// other than INT32_MIN, in one rounding expression: srdhm = floor((p + 2^30) / 2^31) with
  /// p = x·m, and rounding_divide_by_pot(y, e) = floor((y + 2^(e−1) − [y < 0]) / 2^e) for e > 0;
  /// nested floors of divisions compose, and y < 0 exactly when p < −2^30, so the result is
  ///   (p + 2^30 + 2^(e−1)·2^31 − [e > 0 and p < −2^30]·2^31) >> (31 + e)     (int64, no overflow).
  static batch requantize_right(batch x, batch m, const right_shift_block &b) {
    const __m512i vx = x;
    const __m512i even = _mm512_mul_epi32(vx, m);
    const __m512i odd =
        _mm512_mul_epi32(_mm512_srli_epi64(vx, 32), _mm512_load_si512(b.multiplier_odd));
    const __m512i low = _mm512_set1_epi64(-(std::int64_t{1} << 30));
    __m512i te = _mm512_add_epi64(even, _mm512_load_si512(b.add[0]));
    __m512i to = _mm512_add_epi64(odd, _mm512_load_si512(b.add[1]));
    te = _mm512_mask_sub_epi64(te, _mm512_cmplt_epi64_mask(even, low), te,
                               _mm512_load_si512(b.fix[0]));
    to = _mm512_mask_sub_epi64(to, _mm512_cmplt_epi64_mask(odd, low), to,
                               _mm512_load_si512(b.fix[1]));
    te = _mm512_srav_epi64(te, _mm512_load_si512(b.shift[0]));
    to = _mm512_srav_epi64(to, _mm512_load_si512(b.shift[1]));
    return _mm512_mask_blend_epi32(0xAAAA, te, _mm512_slli_epi64(to, 32));
  }

  /// Arithmetic right shift of each lane by its own amount in [0, 31].
  static batch shift_right(batch x, batch e) {
    return _mm512_srav_epi32(x, e);
  }
  /// Left shift of each lane by its own amount in [0, 31] (bits shifted out are lost).
  static batch shift_left(batch x, batch e) {
    return _mm512_sllv_epi32(x, e);
  }

  /// n <= 16 int8 values sign-extended to int32 lanes (lanes >= n are 0); reads only n bytes.
  static batch load_i8(const std::int8_t *p, std::size_t n = lanes) {
    const __m128i v = n >= lanes ? _mm_loadu_si128(reinterpret_cast<const __m128i *>(p))
                                 : _mm_maskz_loadu_epi8(static_cast<__mmask16>((1u << n) - 1), p);
    return _mm512_cvtepi8_epi32(v);
  }
  /// acc + x0 · lo16(w) + x1 · hi16(w) per lane (x0, x1 sign-extended int8; w two int16):
  /// x1 moves to the high halves and vpdpwssd multiplies both int16 pairs at once.
  static batch dot_pair(batch acc, batch x0, batch x1, batch w) {
    const __m512i pair = _mm512_mask_blend_epi16(0xAAAAAAAA, x0, _mm512_slli_epi32(x1, 16));
    return _mm512_dpwssd_epi32(acc, pair, w);
  }
  // ---- depthwise, four taps per vpdpbusd -------------------------------------------------------
  /// Channels per depthwise_dot4 call (one ymm of bytes per tap).
  static constexpr std::size_t dw4_channels = 32;
  /// Σ over taps of w_t · x_t for channels c0 .. c0 + n (n <= 32) as two vectors of 16 natural-
  /// order channels, from:
  ///   tap(t):  the input row of tap t (int8, channel-minor), read at c0 (n bytes)
  ///   chunk:   the channels' 32 · Taps bytes of the four-tap depthwise layout (layout.hpp):
  ///            G = Taps / 4 groups of 128 bytes, byte 4 · depthwise4_slot(c) + i the int8 weight
  ///            of tap 4g + i of channel c0 + c (the slot order is that of the byte unpacks
  ///            below), then one row of 32 bytes per remaining tap 4G + r
  ///   offset[c]: the channel's constant term, which must include −128 · Σ_t w_t:
  /// the activations go in as x + 128 (unsigned), so each product is (x + 128) · w.
  template <std::size_t Taps, class Tap>
  static void depthwise_dot4(const Tap &tap, std::size_t c0, std::size_t n,
                             const std::uint8_t *chunk, const std::int32_t *offset, batch &lo,
                             batch &hi) {
    constexpr std::size_t G = Taps / 4;
    const __mmask32 m = n >= 32 ? ~__mmask32{0} : _bzhi_u32(~0u, static_cast<unsigned>(n));
    const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
    auto load = [&](std::size_t t) {
      return _mm256_xor_si256(_mm256_maskz_loadu_epi8(m, tap(t) + c0), flip);
    };
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
#pragma GCC unroll 8
    for (std::size_t g = 0; g < G; ++g) {
      const __m256i x0 = load(4 * g), x1 = load(4 * g + 1), x2 = load(4 * g + 2),
                    x3 = load(4 * g + 3);
      const __m256i l01 = _mm256_unpacklo_epi8(x0, x1), h01 = _mm256_unpackhi_epi8(x0, x1);
      const __m256i l23 = _mm256_unpacklo_epi8(x2, x3), h23 = _mm256_unpackhi_epi8(x2, x3);
      const std::uint8_t *w = chunk + g * 128;
      a0 = _mm256_dpbusd_epi32(a0, _mm256_unpacklo_epi16(l01, l23),
                               _mm256_load_si256(reinterpret_cast<const __m256i *>(w)));
      a1 = _mm256_dpbusd_epi32(a1, _mm256_unpackhi_epi16(l01, l23),
                               _mm256_load_si256(reinterpret_cast<const __m256i *>(w + 32)));
      a2 = _mm256_dpbusd_epi32(a2, _mm256_unpacklo_epi16(h01, h23),
                               _mm256_load_si256(reinterpret_cast<const __m256i *>(w + 64)));
      a3 = _mm256_dpbusd_epi32(a3, _mm256_unpackhi_epi16(h01, h23),
                               _mm256_load_si256(reinterpret_cast<const __m256i *>(w + 96)));
    }
    // Back to natural order: channels 0..15 are the low halves of a0..a3, 16..31 the high ones.
    __m512i n0 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_permute2x128_si256(a0, a1, 0x20)),
                                    _mm256_permute2x128_si256(a2, a3, 0x20), 1);
    __m512i n1 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_permute2x128_si256(a0, a1, 0x31)),
                                    _mm256_permute2x128_si256(a2, a3, 0x31), 1);
    n0 = _mm512_add_epi32(n0, _mm512_loadu_si512(offset));
    n1 = _mm512_add_epi32(n1, _mm512_loadu_si512(offset + 16));
    // Remaining taps: one weight byte per int32 lane (zero-extended: the other bytes multiply 0).
    const std::uint8_t *w1 = chunk + G * 128;
#pragma GCC unroll 4
    for (std::size_t r = 0; r < Taps - 4 * G; ++r) {
      const __m256i x = load(4 * G + r);
      const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(w1 + r * 32));
      n0 = _mm512_dpbusd_epi32(n0, _mm512_cvtepu8_epi32(_mm256_castsi256_si128(x)),
                               _mm512_cvtepu8_epi32(_mm256_castsi256_si128(w)));
      n1 = _mm512_dpbusd_epi32(n1, _mm512_cvtepu8_epi32(_mm256_extracti128_si256(x, 1)),
                               _mm512_cvtepu8_epi32(_mm256_extracti128_si256(w, 1)));
    }
    lo = n0;
    hi = n1;
  }

  /// 16 int16 values sign-extended to int32 lanes.
  static batch load_i16(const std::int16_t *p) {
    return _mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)));
  }
  /// Stores the low byte of the first n lanes (values already in the int8 range).
  static void store_i8(batch v, std::int8_t *p, std::size_t n = lanes) {
    const __m128i b = _mm512_cvtepi32_epi8(v);
    if (n >= lanes)
      _mm_storeu_si128(reinterpret_cast<__m128i *>(p), b);
    else
      _mm_mask_storeu_epi8(p, static_cast<__mmask16>((1u << n) - 1), b);
  }
};

} // namespace onnx2hpp::simd::isa

#endif
