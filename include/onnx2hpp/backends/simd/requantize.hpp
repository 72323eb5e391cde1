// Vectorised requantization, lane for lane the scalar definition in core/fixed_point.hpp:
//   multiply_by_quantized_multiplier(x, m) =
//     rounding_divide_by_pot(srdhm(saturate(x · 2^left), m.multiplier), right)
//   requantize = clamp(that + zero_point, act_min, act_max)
// Generic code over xsimd::batch<int32_t, Arch>; the ISA struct supplies what xsimd 8 lacks
// (the 64-bit high multiply and per-lane shifts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/output_stage.hpp"

namespace onnx2hpp::simd {

/// An ISA with int32 vector lanes (every one except isa::portable).
template <class Isa>
concept vector_isa = requires {
  typename Isa::batch;
};

/// The shift of a quantized_multiplier split as the scalar code does: left = min(max(shift, 0),
/// 31), right = max(−shift, 0).
struct split_multiplier {
  std::int32_t multiplier = 0;
  std::int32_t left = 0;
  std::int32_t right = 0;
};
constexpr split_multiplier split(quantized_multiplier m) {
  return {m.multiplier, m.shift > 0 ? (m.shift > 31 ? 31 : m.shift) : 0,
          m.shift < 0 ? -m.shift : 0};
}

/// The int32 window that, clamped to and offset by the zero point, gives
/// clamp(v + zero_point, act_min, act_max) for every int32 v without overflow:
/// [act_min − zp, act_max − zp] computed in int64 and saturated to int32 (a bound beyond the int32
/// range constrains nothing), or, when the whole window lies beyond the int32 range, the constant
/// result (lo = hi = 0 and zero_point = that constant).
struct output_window {
  std::int32_t lo;
  std::int32_t hi;
  std::int32_t zero_point;
};
constexpr output_window make_output_window(std::int32_t zero_point, std::int32_t act_min,
                                           std::int32_t act_max) {
  const std::int64_t lo = std::int64_t{act_min} - zero_point;
  const std::int64_t hi = std::int64_t{act_max} - zero_point;
  if (lo > std::numeric_limits<std::int32_t>::max())
    return {0, 0, act_min};
  if (hi < std::numeric_limits<std::int32_t>::min())
    return {0, 0, act_max};
  return {saturate_cast<std::int32_t>(lo), saturate_cast<std::int32_t>(hi), zero_point};
}

/// An ISA with a one-rounding requantization for right shifts (see avx512_vnni::requantize_right).
template <class Isa>
concept right_shift_isa = requires {
  typename Isa::right_shift_block;
};

template <vector_isa Isa>
struct vector_math {
  using batch = typename Isa::batch;

  /// saturate_cast<int32>(x · 2^left) per lane, left in [0, 31].
  static batch saturating_shift_left(batch x, batch left) {
    const batch shifted = Isa::shift_left(x, left);
    // (xsimd 8's integer != on AVX2 miscompiles under g++ 12 when AVX-512VL is enabled: use ==.)
    const auto kept = Isa::shift_right(shifted, left) == x;
    const batch saturated =
        xsimd::select(x < batch(0), batch(std::numeric_limits<std::int32_t>::min()),
                      batch(std::numeric_limits<std::int32_t>::max()));
    return xsimd::select(kept, shifted, saturated);
  }

  /// gemmlowp RoundingDivideByPOT per lane (ties away from zero), exponent in [0, 31].
  static batch rounding_divide_by_pot(batch x, batch exponent) {
    const batch one(1), zero(0);
    const batch mask = Isa::shift_left(one, exponent) - one; // 2^31 − 1 for exponent 31
    const batch remainder = x & mask;
    const batch threshold = Isa::shift_right(mask, one) + xsimd::select(x < zero, one, zero);
    return Isa::shift_right(x, exponent) + xsimd::select(remainder > threshold, one, zero);
  }

  static batch multiply_by_quantized_multiplier(batch x, batch multiplier, batch left,
                                                batch right) {
    return rounding_divide_by_pot(Isa::srdhm(saturating_shift_left(x, left), multiplier), right);
  }

  /// The output window as vectors, built once per kernel call rather than per vector.
  struct window {
    batch lo, hi, zero_point;
    explicit window(const output_window &w) : lo(w.lo), hi(w.hi), zero_point(w.zero_point) {}
  };

  /// requantize(acc, m, zp, act_min, act_max) per lane; the result is in [act_min, act_max].
  /// With NoLeftShift every lane's left shift is 0 (scales below 1, the usual case) and the
  /// saturating shift is skipped.
  template <bool NoLeftShift = false>
  static batch requantize(batch acc, batch multiplier, batch left, batch right, const window &win) {
    const batch shifted = NoLeftShift ? acc : saturating_shift_left(acc, left);
    const batch v = rounding_divide_by_pot(Isa::srdhm(shifted, multiplier), right);
    return xsimd::min(xsimd::max(v, win.lo), win.hi) + win.zero_point;
  }
  /// requantize for a block of 16 channels with no left shift and no INT32_MIN multiplier,
  /// through the ISA's one-rounding form (ISAs that have one).
  template <class Block>
  static batch requantize_right(batch acc, batch multiplier, const Block &block,
                                const window &win) {
    const batch v = Isa::requantize_right(acc, multiplier, block);
    return xsimd::min(xsimd::max(v, win.lo), win.hi) + win.zero_point;
  }
  static batch requantize(batch acc, batch multiplier, batch left, batch right,
                          const output_window &win) {
    return requantize(acc, multiplier, left, right, window(win));
  }
};

/// Applies an optional 256-entry table in place to n int8 values.
inline void apply_lut(const lut256 *lut, std::int8_t *p, std::size_t n) {
  if (lut == nullptr)
    return;
  for (std::size_t i = 0; i < n; ++i)
    p[i] = (*lut)[static_cast<std::size_t>(p[i] + 128)];
}

} // namespace onnx2hpp::simd
