// Vectorised requantization, lane for lane the scalar definition in core/fixed_point.hpp:
//   multiply_by_quantized_multiplier(x, m) =
//     rounding_divide_by_pot(srdhm(saturate(x · 2^left), m.multiplier), right)
//   requantize = clamp(that + zero_point, act_min, act_max)
// Generic code over xsimd::batch<int32_t, Arch>; the ISA struct supplies what xsimd 8 lacks
// (the 64-bit high multiply and per-lane shifts). On targets xsimd has no architecture for
// (Cortex-M) only the scalar helpers and declarations are compiled: no ISA there is a vector_isa.
// float_math is the onnxruntime-mode (fp32) requantization, lane for lane requantize_float /
// requantize_fp32.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "onnx2hpp/backends/simd/isa/concepts.hpp"
#include "onnx2hpp/backends/simd/layout.hpp"
#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/output_stage.hpp"

namespace onnx2hpp::simd {

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

#if defined(ONNX2HPP_SIMD_HAS_XSIMD)
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
#else
template <vector_isa Isa>
struct vector_math; // no vector ISA without xsimd
#endif

/// The clamp window of onnxruntime-mode requantization (requantize_fp32) in float:
/// [act_min − zero_point, act_max − zero_point]. Both bounds are integers, so clamping the fp32
/// value to them before rounding gives the same result as clamping after (rounding is monotonic
/// and keeps integers), and the rounded value always fits int32 (no overflow on conversion, as in
/// MLAS). `exact` says both bounds are exact floats within ±2^24; when false (zero points far
/// outside the int8 range) callers requantize with the scalar definition instead.
struct float_window {
  float lo = -128.0f;
  float hi = 127.0f;
  std::int32_t zero_point = 0;
  bool exact = true;
};
constexpr float_window make_float_window(std::int32_t zero_point, std::int32_t act_min,
                                         std::int32_t act_max) {
  const std::int64_t lo = std::int64_t{act_min} - zero_point;
  const std::int64_t hi = std::int64_t{act_max} - zero_point;
  constexpr std::int64_t limit = std::int64_t{1} << 24; // every integer up to 2^24 is a float
  const bool exact = lo >= -limit && lo <= limit && hi >= -limit && hi <= limit;
  return {static_cast<float>(exact ? lo : 0), static_cast<float>(exact ? hi : 0), zero_point,
          exact};
}

#if defined(ONNX2HPP_SIMD_HAS_XSIMD)
/// `v` unchanged, as an opaque value: the compiler can no longer contract the fp32 multiply that
/// produced it with a following addition into an FMA (-ffp-contract=fast), which would skip the
/// rounding of the product that the scalar definitions (fp32_mul, fp32_fma) perform.
template <class Batch>
inline Batch fp32_rounded(Batch v) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  typename Batch::register_type r = v;
  asm("" : "+v"(r));
  return Batch(r);
#elif defined(__GNUC__) && defined(__aarch64__)
  typename Batch::register_type r = v;
  asm("" : "+w"(r));
  return Batch(r);
#else
  return v;
#endif
}

/// Whether fused_fma is one fused multiply-add per lane for float batches of `Bytes` bytes: x86
/// with FMA3 (AVX-512 has it), AArch64. Elsewhere callers that need the single rounding (the
/// onnxruntime-mode add) run the scalar definition (fp32_fma).
template <std::size_t Bytes>
inline constexpr bool has_fused_fma =
#if defined(__x86_64__) && defined(__FMA__)
    Bytes == 16 || Bytes == 32 ||
#endif
#if defined(__x86_64__) && defined(__AVX512F__)
    Bytes == 64 ||
#endif
#if defined(__aarch64__)
    Bytes == 16 ||
#endif
    false;

/// x · y + z per lane, rounded once (fp32_fma lane for lane). Requires has_fused_fma.
template <class Batch>
inline Batch fused_fma(Batch x, Batch y, Batch z) {
  constexpr std::size_t bytes = sizeof(typename Batch::register_type);
  static_assert(has_fused_fma<bytes>, "no fused multiply-add for this batch on this target");
#if defined(__x86_64__) && defined(__AVX512F__)
  if constexpr (bytes == 64)
    return Batch(_mm512_fmadd_ps(x, y, z));
#endif
#if defined(__x86_64__) && defined(__FMA__)
  if constexpr (bytes == 32)
    return Batch(_mm256_fmadd_ps(x, y, z));
  if constexpr (bytes == 16)
    return Batch(_mm_fmadd_ps(x, y, z));
#endif
#if defined(__aarch64__)
  if constexpr (bytes == 16)
    return Batch(vfmaq_f32(z, x, y));
#endif
  return z; // unreachable: the static_assert above
}

/// onnxruntime-mode (fp32) requantization, lane for lane the scalar requantize_fp32 and
/// requantize_float of core/fixed_point.hpp:
///   v = fp32(acc) · scale   (int32 → float rounds to nearest even, as static_cast; one fp32
///                            multiply, i.e. fp32_mul)
///   NaN → 0, clamp to the float_window, round half to even (cvtps2dq under the default MXCSR,
///   fcvtns on NEON: xsimd::nearbyint_as_int), + zero point.
/// The result is in [act_min, act_max]; requires float_window::exact.
template <vector_isa Isa>
struct float_math {
  using batch = typename Isa::batch;
  using fbatch = xsimd::batch<float, typename Isa::arch>;
  static_assert(fbatch::size == batch::size, "int32 and float lanes must pair up");

  /// The window as vectors, built once per kernel call.
  struct window {
    fbatch lo, hi;
    batch zero_point;
    explicit window(const float_window &w) : lo(w.lo), hi(w.hi), zero_point(w.zero_point) {}
  };

  static fbatch to_float(batch x) { return xsimd::to_float(x); }

  /// requantize_fp32(v, zero_point, act_min, act_max) per lane.
  static batch requantize_fp32(fbatch v, const window &w) {
    v = xsimd::select(v == v, v, fbatch(0.0f)); // NaN → 0
    v = xsimd::min(xsimd::max(v, w.lo), w.hi);
    return xsimd::nearbyint_as_int(v) + w.zero_point;
  }
  /// requantize_float(acc, scale, zero_point, act_min, act_max) per lane.
  static batch requantize_float(batch acc, fbatch scale, const window &w) {
    return requantize_fp32(to_float(acc) * scale, w);
  }

  /// round_stored_code's bounds as vectors: [act_min, act_max] + code_offset, the int32 limit.
  struct stored_window {
    fbatch lo, hi, limit;
    batch code_offset;
    stored_window(std::int32_t offset, std::int32_t act_min, std::int32_t act_max)
        : lo(static_cast<float>(act_min + offset)), hi(static_cast<float>(act_max + offset)),
          limit(2147483648.0f), code_offset(offset) {}
  };
  /// round_stored_code(v, code_offset, act_min, act_max) per lane. Clamping to the integer bounds
  /// before rounding equals clamping after (rounding is monotonic and keeps integers).
  static batch round_stored_code(fbatch v, const stored_window &w) {
    const fbatch clamped = xsimd::select(xsimd::abs(v) < w.limit, // false for NaN
                                         xsimd::min(xsimd::max(v, w.lo), w.hi), w.lo);
    return xsimd::nearbyint_as_int(clamped) - w.code_offset;
  }
};
#else
template <vector_isa Isa>
struct float_math;
#endif

/// Applies an optional 256-entry table in place to n int8 values.
inline void apply_lut(const lut256 *lut, std::int8_t *p, std::size_t n) {
  if (lut == nullptr)
    return;
  for (std::size_t i = 0; i < n; ++i)
    p[i] = (*lut)[static_cast<std::size_t>(p[i] + 128)];
}

#if defined(ONNX2HPP_SIMD_HAS_XSIMD)
/// The requantization epilogue of a kernel whose accumulators come as vectors of Isa::lanes
/// consecutive slots, in either rounding mode: the stage's per-channel constants rearranged into
/// `Padded` slots once per call (fixed-point multipliers split, with the ISA's one-rounding
/// blocks where every channel allows them, or fp32 scales), the output windows as vectors, and
/// `store`, which requantizes one vector, writes its first n int8 values and applies the LUT.
/// Callers handle float_window::exact == false (the scalar definition) themselves.
template <vector_isa Isa, rounding_mode Mode, std::size_t Padded>
struct channel_epilogue {
  using batch = typename Isa::batch;
  using vm = vector_math<Isa>;
  using fm = float_math<Isa>;
  static constexpr bool fp32 = Mode == rounding_mode::onnxruntime;
  static constexpr std::size_t L = Isa::lanes;
  static_assert(Padded % L == 0, "whole vectors of slots");
  /// The one-rounding form works on blocks of 16 lanes.
  static constexpr bool one_rounding = !fp32 && right_shift_isa<Isa> && L == pack_block_channels;
  struct none {};
  using block_type = decltype([] {
    if constexpr (one_rounding)
      return typename Isa::right_shift_block{};
    else
      return none{};
  }());

  alignas(64) std::array<std::int32_t, fp32 ? 1 : Padded> multiplier{}, left{}, right{};
  alignas(64) std::array<float, fp32 ? Padded : 1> scale{};
  std::array<block_type, one_rounding ? Padded / L : 0> right_blocks{};
  bool any_left = false;
  bool right_only = false; ///< every slot takes the one-rounding form
  typename vm::window win;
  typename fm::window fwin;
  const lut256 *lut = nullptr;

  /// channel_of(i): the stage's channel of slot i, or a value >= channels for padding.
  template <class ChannelOf>
  channel_epilogue(const basic_output_stage<Mode> &stage, std::size_t channels,
                   ChannelOf &&channel_of)
      : win(make_output_window(stage.zero_point, stage.act_min, stage.act_max)),
        fwin(make_float_window(stage.zero_point, stage.act_min, stage.act_max)), lut(stage.lut) {
    bool any_int_min = false;
    for (std::size_t i = 0; i < Padded; ++i) {
      const std::size_t c = channel_of(i);
      if (c >= channels)
        continue;
      if constexpr (fp32) {
        scale[i] = stage.scale[c];
      } else {
        const split_multiplier m = split(stage.requant[c]);
        multiplier[i] = m.multiplier;
        left[i] = m.left;
        right[i] = m.right;
        any_left = any_left || m.left != 0;
        any_int_min = any_int_min || m.multiplier == std::numeric_limits<std::int32_t>::min();
      }
    }
    if constexpr (one_rounding) {
      right_only = !any_left && !any_int_min;
      if (right_only)
        for (std::size_t b = 0; b < right_blocks.size(); ++b)
          Isa::prepare_right_shift(&multiplier[b * L], &right[b * L], right_blocks[b]);
    }
  }

  /// The requantized int32 lanes of `acc`, slots k .. k + L (k a multiple of L). NoLeft: no slot
  /// shifts left (!any_left).
  template <bool NoLeft>
  batch requantize(batch acc, std::size_t k) const {
    if constexpr (fp32) {
      return fm::requantize_float(acc, fm::fbatch::load_aligned(&scale[k]), fwin);
    } else {
      if constexpr (one_rounding && NoLeft)
        if (right_only)
          return vm::requantize_right(acc, batch::load_aligned(&multiplier[k]), right_blocks[k / L],
                                      win);
      return vm::template requantize<NoLeft>(acc, batch::load_aligned(&multiplier[k]),
                                             batch::load_aligned(&left[k]),
                                             batch::load_aligned(&right[k]), win);
    }
  }
  /// requantize, then the first n int8 values to dst and the LUT over them.
  template <bool NoLeft>
  void store(batch acc, std::size_t k, std::int8_t *dst, std::size_t n) const {
    Isa::store_i8(requantize<NoLeft>(acc, k), dst, n);
    apply_lut(lut, dst, n);
  }
};
#else
template <vector_isa Isa, rounding_mode Mode, std::size_t Padded>
struct channel_epilogue;
#endif

} // namespace onnx2hpp::simd
