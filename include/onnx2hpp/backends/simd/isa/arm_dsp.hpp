// Armv7E-M / Armv8-M DSP extension (Cortex-M4, M7, M33, M55 ...): selected when the target has
// __ARM_FEATURE_DSP and no NEON. xsimd has no architecture for these cores, so isa::arm_dsp is no
// vector_isa: it runs its own kernels (backends/simd/arm_dsp.hpp: conv2d, depthwise included, and
// dense) on the layers as the generator emits them, weights OHWI, with the ACLE intrinsics of
// <arm_acle.h>:
//   __sxtb16(v)            bytes 0 and 2 of v sign-extended into two int16 halves
//   __sxtab16(a, v)        the same plus a's two halves (the input zero point offset)
//   __smlad(a, b, acc)     acc + a.lo·b.lo + a.hi·b.hi (two multiply-accumulates)
//   __smlabb, __smlatt     acc + a.lo·b.lo, acc + a.hi·b.hi (depthwise: one channel each)
//   SXTB16/SXTAB16 ..., ROR #8: bytes 1 and 3 (hi16: inline assembly, as g++ 12's arm_acle.h
//                          has no __ror and does not fold a separate rotate into the intrinsic)
// so one 4-byte load of inputs and one of weights take four multiply-accumulates in two SMLADs,
// with no repacking of conv2d's or dense's weights (depthwise repacks 8 channels at a time on
// the stack). A tap value x − zx lies in [−255, 255] and a weight in
// [−128, 127]: each product fits int16·int16 and SMLAD adds them into the int32 accumulator
// modulo 2^32, as ref's int32 sum. The packed layers (simd::packed<L>) run the plain layer's
// kernel (direct_isa, isa/concepts.hpp): their GEMM packs are not read on these cores.
// The int8_isa interface (the GEMM tile) is isa::portable's.
#pragma once

#if defined(__ARM_FEATURE_DSP) && !defined(__ARM_NEON) && !defined(ONNX2HPP_SIMD_PORTABLE)
#define ONNX2HPP_SIMD_HAS_ARM_DSP 1

#include <arm_acle.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "onnx2hpp/backends/simd/isa/portable.hpp"

namespace onnx2hpp::simd::isa {

struct arm_dsp : portable {
  static constexpr const char *name = "arm_dsp";
  /// Runs its kernels on the unpacked layers (direct_isa).
  static constexpr bool direct_kernels = true;

  /// Four bytes from any address (Armv7-M LDR handles unaligned words).
  static std::uint32_t load4(const std::int8_t *p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  /// Bytes 0, 2 of v sign-extended, plus the halves of `offset`.
  static std::uint32_t lo16(std::uint32_t v, std::uint32_t offset) {
    return static_cast<std::uint32_t>(__sxtab16(offset, v));
  }
  /// Bytes 1, 3 of v sign-extended, plus the halves of `offset`. (Written as assembly: g++ 12
  /// does not fold a rotate into the intrinsics' operand, which costs one ROR per call.)
  static std::uint32_t hi16(std::uint32_t v, std::uint32_t offset) {
    std::uint32_t r;
    asm("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(offset), "r"(v));
    return r;
  }
  static std::uint32_t lo16(std::uint32_t v) { return static_cast<std::uint32_t>(__sxtb16(v)); }
  static std::uint32_t hi16(std::uint32_t v) {
    std::uint32_t r;
    asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
  }
  /// acc + a.lo·b.lo + a.hi·b.hi (int16 halves), modulo 2^32.
  static std::int32_t mac2(std::uint32_t a, std::uint32_t b, std::int32_t acc) {
    return static_cast<std::int32_t>(__smlad(a, b, static_cast<std::uint32_t>(acc)));
  }
  /// acc + a.lo·b.lo and acc + a.hi·b.hi (int16 halves), modulo 2^32.
  static std::int32_t mac_bb(std::uint32_t a, std::uint32_t b, std::int32_t acc) {
    return __smlabb(static_cast<std::int32_t>(a), static_cast<std::int32_t>(b), acc);
  }
  static std::int32_t mac_tt(std::uint32_t a, std::uint32_t b, std::int32_t acc) {
    return __smlatt(static_cast<std::int32_t>(a), static_cast<std::int32_t>(b), acc);
  }
  /// lo and hi as the two int16 halves of a word.
  static std::uint32_t pair(std::int32_t lo, std::int32_t hi) {
    return static_cast<std::uint16_t>(static_cast<std::int16_t>(lo)) |
           (static_cast<std::uint32_t>(static_cast<std::uint16_t>(static_cast<std::int16_t>(hi)))
            << 16);
  }
  /// −zx in both int16 halves (zx in [−128, 127]).
  static std::uint32_t zero_point_pair(std::int32_t zx) {
    const std::uint32_t h = static_cast<std::uint16_t>(static_cast<std::int16_t>(-zx));
    return h | (h << 16);
  }
};

} // namespace onnx2hpp::simd::isa

#endif
