// Picks the int8 dot-product implementation from the compiler's target macros:
//   __AVX512VNNI__ + __AVX512BW__ + __AVX512VL__  -> isa::avx512_vnni  (vpdpbusd)
//   __AVX2__                                       -> isa::avx2         (vpmaddwd on widened bytes)
//   __ARM_NEON (AArch64)                           -> isa::neon         (sdot if
//                                                     __ARM_FEATURE_DOTPROD, else smull + sadalp)
//   __ARM_FEATURE_MVE (Cortex-M55/M85, Helium)     -> isa::arm_mve   (VMLADAVA.S8, vector
//                                                     requantization: arm_mve.hpp)
//   __ARM_FEATURE_DSP, no NEON (Cortex-M4/M7/M33)  -> isa::arm_dsp   (SMLAD on SXTB16 pairs,
//                                                     kernels on the unpacked layers: arm_dsp.hpp)
//   otherwise                                      -> isa::portable     (plain loops)
// Define ONNX2HPP_SIMD_PORTABLE to force the portable path. Every ISA struct models the
// interface of isa/concepts.hpp (checked below); `available_isas` lists those compiled in, so
// tests can run each of them.
#pragma once

#include <tuple>

// g++ 12 reports -W(maybe-)uninitialized inside its own AVX-512 intrinsics once they are inlined
// (the `__Y = __Y` idiom of _mm512_undefined_*, GCC bug 105593, fixed in g++ 13). The warning is
// checked against the pragma state where the intrinsic is defined, so the intrinsic headers are
// included here, first, with it disabled. (A translation unit that includes <immintrin.h> before
// any onnx2hpp header may still see it; add -Wno-maybe-uninitialized there.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
// xsimd's configuration alone first: on a target it has no architecture for (Cortex-M: Armv7E-M,
// Armv8-M, Armv8.1-M without NEON) the rest of xsimd does not compile (its aligned allocator
// calls posix_memalign, which newlib lacks) and nothing would use it.
#include <xsimd/config/xsimd_config.hpp>
#if !defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)
#define ONNX2HPP_SIMD_HAS_XSIMD 1
#include <xsimd/xsimd.hpp>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "onnx2hpp/backends/simd/isa/arm_dsp.hpp"
#include "onnx2hpp/backends/simd/isa/arm_mve.hpp"
#include "onnx2hpp/backends/simd/isa/avx2.hpp"
#include "onnx2hpp/backends/simd/isa/avx512_vnni.hpp"
#include "onnx2hpp/backends/simd/isa/concepts.hpp"
#include "onnx2hpp/backends/simd/isa/neon.hpp"
#include "onnx2hpp/backends/simd/isa/portable.hpp"

namespace onnx2hpp::simd {

static_assert(int8_isa<isa::portable> && !vector_isa<isa::portable>);
#if defined(ONNX2HPP_SIMD_HAS_AVX512_VNNI)
static_assert(vector_isa<isa::avx512_vnni>);
#endif
#if defined(ONNX2HPP_SIMD_HAS_AVX2)
static_assert(vector_isa<isa::avx2>);
#endif
#if defined(ONNX2HPP_SIMD_HAS_NEON)
static_assert(vector_isa<isa::neon>);
#endif
#if defined(ONNX2HPP_SIMD_HAS_ARM_DSP)
static_assert(int8_isa<isa::arm_dsp> && direct_isa<isa::arm_dsp> && !vector_isa<isa::arm_dsp>);
#endif
#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE)
static_assert(int8_isa<isa::arm_mve> && direct_isa<isa::arm_mve> && !vector_isa<isa::arm_mve>);
#endif

#if defined(ONNX2HPP_SIMD_PORTABLE)
using native_isa = isa::portable;
#elif defined(ONNX2HPP_SIMD_HAS_AVX512_VNNI)
using native_isa = isa::avx512_vnni;
#elif defined(ONNX2HPP_SIMD_HAS_AVX2)
using native_isa = isa::avx2;
#elif defined(ONNX2HPP_SIMD_HAS_NEON)
using native_isa = isa::neon;
#elif defined(ONNX2HPP_SIMD_HAS_ARM_MVE)
using native_isa = isa::arm_mve;
#elif defined(ONNX2HPP_SIMD_HAS_ARM_DSP)
using native_isa = isa::arm_dsp;
#else
using native_isa = isa::portable;
#endif

/// Every ISA implementation this translation unit can run, best first.
using available_isas = std::tuple<
#if defined(ONNX2HPP_SIMD_HAS_AVX512_VNNI)
    isa::avx512_vnni,
#endif
#if defined(ONNX2HPP_SIMD_HAS_AVX2)
    isa::avx2,
#endif
#if defined(ONNX2HPP_SIMD_HAS_NEON)
    isa::neon,
#endif
#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE)
    isa::arm_mve,
#endif
#if defined(ONNX2HPP_SIMD_HAS_ARM_DSP)
    isa::arm_dsp,
#endif
    isa::portable>;

} // namespace onnx2hpp::simd
