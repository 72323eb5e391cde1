// Armv8.1-M MVE ("Helium": Cortex-M55, M85): selected when the target has __ARM_FEATURE_MVE and
// the DSP extension (every MVE core has it). isa::arm_mve is isa::arm_dsp plus 128-bit vectors of
// <arm_mve.h>; like arm_dsp it is no vector_isa (xsimd has no architecture for it) and runs its
// own kernels (backends/simd/arm_mve.hpp: conv2d, depthwise included, and dense) on the layers
// as the generator emits them. The instructions they rest on:
//   VMLADAVA.S8 acc, Qx, Qw   acc + Σ of 16 int8·int8 products (conv2d, dense: 16 MACs)
//   VADDVA.S8                 acc + Σ of 16 int8 (weight sums of windows in the padding)
//   VLDRB.S32 / VMLA.S32      4 int8 widened to int32 lanes, acc + x·w lane by lane (depthwise)
//   VCTP                      a tail predicate: compile-time lengths that are no multiple of 16
//                             end in one predicated step, no scalar loop
// and the requantization of 4 channels at once (requantize_fixed, requantize_fp32 below),
// bit-exact with requantize / requantize_float of core/fixed_point.hpp:
//   fixed point  VQSHL (the saturating left shift), VQRDMULH (gemmlowp's
//                SaturatingRoundingDoublingHighMul, saturation included), then gemmlowp's
//                RoundingDivideByPOT as VRSHL after a −1 fix-up of negative values (VRSHL rounds
//                ties up, RoundingDivideByPOT away from zero), VQADD of the zero point, VMAX/VMIN;
//   onnxruntime  VCVT to fp32 (round to nearest even, as static_cast<float>), VMUL.F32 (one fp32
//                rounding), VCVTN (round half to even, saturating), VQADD, VMAX/VMIN. Needs the
//                floating-point MVE (__ARM_FEATURE_MVE bit 1); integer-only MVE requantizes
//                these layers one value at a time, as ref does.
// Intrinsics are called by their __arm_ names, which <arm_mve.h> always declares.
#pragma once

#include "onnx2hpp/backends/simd/isa/arm_dsp.hpp"

#if defined(ONNX2HPP_SIMD_HAS_ARM_DSP) && defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define ONNX2HPP_SIMD_HAS_ARM_MVE 1
#if (__ARM_FEATURE_MVE & 2)
#define ONNX2HPP_SIMD_HAS_ARM_MVE_FP 1
#endif

#include <arm_mve.h>

#include <cstdint>

#include "onnx2hpp/core/fixed_point.hpp"

namespace onnx2hpp::simd::isa {

struct arm_mve : arm_dsp {
  static constexpr const char *name = "arm_mve";
  /// Whether the fp32 requantization runs in vectors (floating-point MVE).
#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE_FP)
  static constexpr bool vector_fp32 = true;
#else
  static constexpr bool vector_fp32 = false;
#endif

  /// Per-lane constants of requantize_fixed: the quantized multiplier split as the int32 lanes
  /// want it (left = max(shift, 0), right = −max(−shift, 0), a VRSHL count).
  struct fixed_lanes {
    int32x4_t multiplier, left, right;
  };

  /// The same constants in every lane.
  static fixed_lanes splat(quantized_multiplier m) {
    return {__arm_vdupq_n_s32(m.multiplier), __arm_vdupq_n_s32(m.shift > 0 ? m.shift : 0),
            __arm_vdupq_n_s32(m.shift < 0 ? m.shift : 0)};
  }

  /// multiply_by_quantized_multiplier(x, m) of core/fixed_point.hpp in 4 lanes.
  static int32x4_t scale_fixed(int32x4_t x, const fixed_lanes &m) {
    const int32x4_t shifted = __arm_vqshlq_s32(x, m.left);
    const int32x4_t high = __arm_vqrdmulhq_s32(shifted, m.multiplier);
    // −1 for negative values under a nonzero right shift (right's sign bit), so that VRSHL's
    // round-half-up becomes round-half-away-from-zero.
    const int32x4_t fixup = __arm_vshrq_n_s32(__arm_vandq_s32(high, m.right), 31);
    return __arm_vrshlq_s32(__arm_vqaddq_s32(high, fixup), m.right);
  }

  /// The zero point added (saturating) and the activation range applied, as requantize does.
  static int32x4_t finish(int32x4_t r, std::int32_t zero_point, std::int32_t act_min,
                          std::int32_t act_max) {
    const int32x4_t v = __arm_vqaddq_n_s32(r, zero_point);
    return __arm_vminq_s32(__arm_vmaxq_s32(v, __arm_vdupq_n_s32(act_min)),
                           __arm_vdupq_n_s32(act_max));
  }

  /// requantize(acc, m, zero_point, act_min, act_max) of core/fixed_point.hpp in 4 lanes, before
  /// the int8 store (the result lies in [act_min, act_max]).
  static int32x4_t requantize_fixed(int32x4_t acc, const fixed_lanes &m, std::int32_t zero_point,
                                    std::int32_t act_min, std::int32_t act_max) {
    return finish(scale_fixed(acc, m), zero_point, act_min, act_max);
  }

#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE_FP)
  /// requantize_float(acc, scale, zero_point, act_min, act_max) in 4 lanes.
  static int32x4_t requantize_fp32(int32x4_t acc, float32x4_t scale, std::int32_t zero_point,
                                   std::int32_t act_min, std::int32_t act_max) {
    return round_fp32(__arm_vmulq_f32(__arm_vcvtq_f32_s32(acc), scale), zero_point, act_min,
                      act_max);
  }
  /// requantize_fp32(v, zero_point, act_min, act_max) in 4 lanes (v finite).
  static int32x4_t round_fp32(float32x4_t v, std::int32_t zero_point, std::int32_t act_min,
                              std::int32_t act_max) {
    return finish(__arm_vcvtnq_s32_f32(v), zero_point, act_min, act_max);
  }
#endif
};

} // namespace onnx2hpp::simd::isa

#endif
