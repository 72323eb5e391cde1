// SPDX-License-Identifier: MIT
//
// Fixed-point helpers for int8 inference with gemmlowp / TensorFlow Lite semantics.
//
// Every function is constexpr (no <cmath>, no heap, no exceptions) so kernels built on top of
// them can be evaluated inside static_assert. Each function documents its exact rounding and
// saturation behaviour; the tests in tests/core/test_fixed_point.cpp pin those down.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace onnx2hpp {

/// Fixed-point representation of a non-negative real scale factor:
///   real ≈ multiplier · 2^(shift − 31)
/// `multiplier` is in [2^30, 2^31) (i.e. a Q0.31 value in [0.5, 1)), or 0 when real == 0.
/// `shift` > 0 means a left shift of the input, `shift` < 0 a (rounding) right shift.
struct quantized_multiplier {
  std::int32_t multiplier;
  std::int32_t shift;
};

/// Clamps `v` to the range of the integer type T.
template <class T>
constexpr T saturate_cast(std::int64_t v) {
  constexpr auto lo = static_cast<std::int64_t>(std::numeric_limits<T>::min());
  constexpr auto hi = static_cast<std::int64_t>(std::numeric_limits<T>::max());
  return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
}

namespace detail {

/// 2^52: every double with magnitude >= this is already an integer (or inf/NaN).
inline constexpr double two_pow_52 = 4503599627370496.0;

/// Returns `r` with the sign of `x` when r == 0, so that e.g. round(-0.3) == -0.0 as in <cmath>.
constexpr double signed_zero_like(double r, double x) {
  return r == 0.0 ? x * 0.0 : r;
}

} // namespace detail

/// Rounds to the nearest integer, ties away from zero (std::round semantics).
/// Infinities, NaN and values with |x| >= 2^52 (already integral) are returned unchanged.
constexpr double round_half_away(double x) {
  if (!(x < detail::two_pow_52 && x > -detail::two_pow_52))
    return x;
  const double t = static_cast<double>(static_cast<std::int64_t>(x)); // truncation, exact
  const double frac = x - t;                                          // exact
  if (frac >= 0.5)
    return t + 1.0;
  if (frac <= -0.5)
    return t - 1.0;
  return detail::signed_zero_like(t, x);
}

/// Rounds to the nearest integer, ties to even (std::nearbyint in the default rounding mode).
/// Infinities, NaN and values with |x| >= 2^52 (already integral) are returned unchanged.
constexpr double round_half_even(double x) {
  if (!(x < detail::two_pow_52 && x > -detail::two_pow_52))
    return x;
  const auto ti = static_cast<std::int64_t>(x); // truncation toward zero
  const double t = static_cast<double>(ti);
  const double frac = x - t; // exact
  const bool odd = (ti % 2) != 0;
  if (frac > 0.5 || (frac == 0.5 && odd))
    return t + 1.0;
  if (frac < -0.5 || (frac == -0.5 && odd))
    return t - 1.0;
  return detail::signed_zero_like(t, x);
}

/// TFLite QuantizeMultiplier: finds {q, shift} with real ≈ q · 2^(shift − 31).
///  * real is split as fraction · 2^shift with fraction in [0.5, 1) (frexp, done exactly by
///    repeated multiplication/division by 2);
///  * q = round_half_away(fraction · 2^31) (the product is exact); if q == 2^31 then q = 2^30 and
///    ++shift;
///  * if shift < −31 the scale is too small to represent: returns {0, 0};
///  * if shift > 30 (real >= 2^30) the result saturates to {2^31 − 1, 30}.
/// Preconditions: real >= 0. real == 0, negative reals and NaN return {0, 0}; +inf saturates.
constexpr quantized_multiplier quantize_multiplier(double real) {
  if (!(real > 0.0))
    return {0, 0};
  if (real >= 1073741824.0) // 2^30: would need shift > 30
    return {std::numeric_limits<std::int32_t>::max(), 30};
  double fraction = real;
  std::int32_t shift = 0;
  for (; fraction >= 1.0; fraction *= 0.5)
    ++shift;
  for (; fraction < 0.5; fraction *= 2.0)
    --shift;
  auto q = static_cast<std::int64_t>(round_half_away(fraction * 2147483648.0));
  if (q == (std::int64_t{1} << 31)) {
    q /= 2;
    ++shift;
  }
  if (shift < -31)
    return {0, 0};
  if (shift > 30)
    return {std::numeric_limits<std::int32_t>::max(), 30};
  return {static_cast<std::int32_t>(q), shift};
}

/// gemmlowp SaturatingRoundingDoublingHighMul: returns floor(a · b / 2^31 + 1/2), i.e. the high
/// 32 bits of 2·a·b rounded to nearest with ties toward +infinity (computed as (a·b + nudge) / 2^31
/// in int64 truncating toward zero, nudge = 2^30 for a·b >= 0 and 1 − 2^30 otherwise).
/// The only overflowing case, a == b == INT32_MIN (exact result 2^31), saturates to INT32_MAX.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  if (a == b && a == std::numeric_limits<std::int32_t>::min())
    return std::numeric_limits<std::int32_t>::max();
  const std::int64_t ab = std::int64_t{a} * std::int64_t{b};
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : 1 - (std::int64_t{1} << 30);
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

/// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero
/// (e.g. 5/2 -> 3, -5/2 -> -3). Exact for all int32 x. Precondition: 0 <= exponent <= 31.
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

namespace detail {

/// x · 2^left saturated to the int32 range. Precondition: 0 <= left <= 31.
constexpr std::int32_t saturating_shift_left(std::int32_t x, int left) {
  return saturate_cast<std::int32_t>(std::int64_t{x} * (std::int64_t{1} << left));
}

/// multiply_by_quantized_multiplier for a right shift e in [1, 31] (m.shift == −e), with one
/// 32x32->64 product (SMULL on 32-bit Arm), no 64-bit division and no 64-bit variable shift:
///   rounding_divide_by_pot(srdhm(x, m), e)
///     = floor((floor((x·m + 2^30) / 2^31) + 2^(e−1) − [y < 0]) / 2^e)   (y = srdhm(x, m))
///     = floor((x·m + 2^30 − [y < 0]·2^31 + 2^(30+e)) / 2^(31+e))       (nested floors merge)
/// [y < 0] = [x·m < −2^30] may be replaced by [x·m < 0]: for −2^30 <= x·m < 0 both numerators
/// lie in [0, 2^(31+e)). So with z = x·m ± 2^30 (− for negative products) = hi·2^32 + lo:
///   floor((z + 2^(30+e)) / 2^(31+e)) = floor((hi + c) / 2^(e−1)),
///   c = floor((lo / 2^31 + 2^(e−1)) / 2)   (2^(e−2) for e >= 2, the carry lo >= 2^31 for e == 1).
/// The srdhm overflow (x == m == INT32_MIN, where srdhm saturates to 2^31 − 1) needs no test:
/// 2^31 and 2^31 − 1 round to the same 2^(31−e) for e >= 1. hi is in [−2^30, 2^30] and the
/// result in int32.
constexpr std::int32_t multiply_by_quantized_multiplier_right(std::int32_t x, std::int32_t m,
                                                              int e) {
  const std::int64_t ab = std::int64_t{x} * m;
  const std::int32_t sign = static_cast<std::int32_t>(ab >> 32) >> 31;            // 0 or −1
  const std::int64_t z = ab + std::int64_t{(sign | 1) * (std::int32_t{1} << 30)}; // ± 2^30
  const auto hi = static_cast<std::int32_t>(z >> 32);
  const std::uint32_t carry = static_cast<std::uint32_t>(z) >> 31;
  const auto c = static_cast<std::int32_t>((carry + (std::uint32_t{1} << (e - 1))) >> 1);
  return (hi + c) >> (e - 1);
}

/// srdhm(x, m) for shift 0 (also the tail of a left shift): floor((x·m + 2^30) / 2^31), the form
/// of gemmlowp's (x·m + nudge) / 2^31 with a truncating division (the two agree for every
/// product), saturated in its single overflow case x == m == INT32_MIN.
constexpr std::int32_t multiply_by_quantized_multiplier_unit(std::int32_t x, std::int32_t m) {
  if (x == m && x == std::numeric_limits<std::int32_t>::min())
    return std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>((std::int64_t{x} * m + (std::int64_t{1} << 30)) >> 31);
}

} // namespace detail

/// TFLite MultiplyByQuantizedMultiplier: approximately x · m.multiplier · 2^(m.shift − 31).
///   rounding_divide_by_pot(srdhm(x · 2^left, m.multiplier), right),
///   left = max(m.shift, 0), right = max(−m.shift, 0).
/// Unlike TFLite (where x · 2^left may overflow), the left shift SATURATES to the int32 range.
/// Precondition: −31 <= m.shift (always true for quantize_multiplier results).
/// Computed as detail::multiply_by_quantized_multiplier_right (right shifts: one 64-bit product,
/// a nudge and the high word shifted) or _unit (shifts >= 0), bit-exact with the formula above
/// for every x, multiplier and shift (tests/core/test_fixed_point.cpp checks it against it).
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, quantized_multiplier m) {
  if (m.shift < 0)
    return detail::multiply_by_quantized_multiplier_right(x, m.multiplier, -m.shift);
  const int left = m.shift > 31 ? 31 : m.shift; // >= 31 saturates anyway
  return detail::multiply_by_quantized_multiplier_unit(detail::saturating_shift_left(x, left),
                                                       m.multiplier);
}

/// Requantizes an int32 accumulator to int8:
///   clamp(multiply_by_quantized_multiplier(acc, m) + output_zero_point, act_min, act_max)
/// The zero-point addition does not overflow (exact, or saturating on Arm DSP targets: the same
/// result once clamped). Preconditions: −128 <= act_min <= act_max <= 127 (the result is
/// additionally saturated to int8).
constexpr std::int8_t requantize(std::int32_t acc, quantized_multiplier m,
                                 std::int32_t output_zero_point, std::int32_t act_min,
                                 std::int32_t act_max) {
  const std::int32_t r = multiply_by_quantized_multiplier(acc, m);
  std::int32_t v = 0;
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
  if (std::is_constant_evaluated())
    v = saturate_cast<std::int32_t>(std::int64_t{r} + output_zero_point);
  else
    v = __builtin_arm_qadd(r, output_zero_point); // QADD: r + zp saturated to int32
#else
  v = saturate_cast<std::int32_t>(std::int64_t{r} + output_zero_point);
#endif
  v = v < act_min ? act_min : (v > act_max ? act_max : v);
  return static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
}

/// num / den rounded to nearest, ties away from zero (e.g. 5/2 -> 3, -5/2 -> -3, 7/3 -> 2).
/// Exact and overflow-free for every int64 num. Precondition: den > 0.
constexpr std::int64_t rounding_divide(std::int64_t num, std::int64_t den) {
  const std::int64_t q = num / den; // truncates toward zero
  const std::int64_t r = num % den; // same sign as num
  const std::int64_t abs_r = r < 0 ? -r : r;
  return abs_r >= den - abs_r ? q + (num < 0 ? -1 : 1) : q; // |r| / den >= 1/2
}

/// How a layer rounds when it requantizes.
///   fixed_point  gemmlowp/TFLite integer arithmetic (quantize_multiplier, multiply_by_quantized_
///                multiplier): the library's default, no float on the inference path.
///   onnxruntime  onnxruntime's (MLAS) float requantization: the scale in fp32, the value times the
///                scale in fp32, rounded half to even (requantize_fp32), so outputs match
///                onnxruntime's int8 outputs instead of differing by one step on near-ties.
enum class rounding_mode : std::uint8_t { fixed_point, onnxruntime };

namespace detail {
/// `v`, hidden from the optimizer (run time only): compilers narrow float(double(a) · double(b))
/// back to a float multiply, which -ffp-contract=fast (g++'s default) then fuses with a following
/// addition into an FMA, skipping the product's rounding. An empty asm that "modifies" the value
/// in its register stops that; it costs nothing else.
inline float opaque_fp32(float v) {
#if defined(__GNUC__) && defined(__x86_64__)
  asm("" : "+x"(v));
#elif defined(__GNUC__) && defined(__aarch64__)
  asm("" : "+w"(v));
#elif defined(__GNUC__)
  asm("" : "+m"(v));
#endif
  return v;
}
} // namespace detail

/// a · b rounded once to fp32, like a float multiply on an IEEE machine, but immune to the
/// compiler contracting it with a following addition into an FMA (-ffp-contract=fast with FMA
/// hardware): the double product of two floats is exact (24 + 24 bits < 53), the explicit
/// conversion is the single rounding, and at run time detail::opaque_fp32 keeps it.
constexpr float fp32_mul(float a, float b) {
  const float p = static_cast<float>(static_cast<double>(a) * static_cast<double>(b));
  if (std::is_constant_evaluated())
    return p;
  return detail::opaque_fp32(p);
}

/// a / b rounded once to fp32 (the double quotient, rounded to float: double rounding cannot
/// change an fp32 quotient, 53 >= 2·24 + 2).
constexpr float fp32_div(float a, float b) {
  return static_cast<float>(static_cast<double>(a) / static_cast<double>(b));
}

namespace detail {
/// The float next to finite `f` towards +infinity (up) or −infinity (down), by its bits.
constexpr float fp32_neighbour(float f, bool up) {
  if (f == 0.0f)
    return up ? std::numeric_limits<float>::denorm_min()
              : -std::numeric_limits<float>::denorm_min();
  const auto bits = std::bit_cast<std::uint32_t>(f);
  const bool away = (f > 0.0f) == up; // magnitude grows
  return std::bit_cast<float>(away ? bits + 1 : bits - 1);
}
} // namespace detail

/// fma(a, b, c) for floats: a · b + c rounded once to fp32 (to nearest, ties to even), as an FMA
/// instruction computes it, usable in constant expressions (std::fma is not constexpr in C++20).
/// The double product is exact (24 + 24 bits); TwoSum splits the double sum into s + e == a·b + c
/// exactly; s rounded to float is the answer unless a·b + c lies on the other side of a rounding
/// midpoint than s, which the sign of (s − midpoint) + e decides (s − midpoint is exact).
constexpr float fp32_fma(float a, float b, float c) {
  const double p = static_cast<double>(a) * static_cast<double>(b);
  const double s = p + static_cast<double>(c);
  const float r = static_cast<float>(s);
  if (s != s || r - r != 0.0f) // NaN or infinite: nothing to correct
    return r;
  const double bv = s - p;
  const double e = (p - (s - bv)) + (static_cast<double>(c) - bv);
  if (e == 0.0)
    return r;
  // The exact value x = s + e; compare it with the midpoints on both sides of r.
  const float up = detail::fp32_neighbour(r, true), down = detail::fp32_neighbour(r, false);
  const auto side = [&](float other) { // sign of x − (r + other) / 2
    const double mid = (static_cast<double>(r) + static_cast<double>(other)) / 2.0;
    const double d = (s - mid) + e;
    return d > 0.0 ? 1 : (d < 0.0 ? -1 : 0);
  };
  const auto even = [](float f) { return (std::bit_cast<std::uint32_t>(f) & 1u) == 0; };
  if (const int su = side(up); su > 0 || (su == 0 && even(up)))
    return up;
  if (const int sd = side(down); sd < 0 || (sd == 0 && even(down)))
    return down;
  return r;
}

/// The last step of onnxruntime's float requantization: saturate_int8(clamp(round_half_even(v) +
/// zero_point, act_min, act_max)). NaN maps to the clamped zero point.
/// Preconditions: −128 <= act_min <= act_max <= 127.
constexpr std::int8_t requantize_fp32(float v, std::int32_t zero_point, std::int32_t act_min,
                                      std::int32_t act_max) {
  double r = v != v ? 0.0 : round_half_even(static_cast<double>(v));
  r += zero_point;
  r = r < act_min ? act_min : (r > act_max ? act_max : r);
  return static_cast<std::int8_t>(r);
}

/// The last step of onnxruntime's QLinearAdd and QLinearMul on x86: `v`, a value on the codes as
/// onnxruntime stores them (zero point included), converted as cvtps2dq converts (round half to
/// even; NaN and values outside (−2^31, 2^31) give 0x80000000, which the packs saturate to the
/// type's minimum), less `code_offset` (128 for uint8 storage), clamped to [act_min, act_max].
/// Preconditions: −128 <= act_min <= act_max <= 127.
constexpr std::int8_t round_stored_code(float v, std::int32_t code_offset, std::int32_t act_min,
                                        std::int32_t act_max) {
  if (!(v > -2147483648.0f && v < 2147483648.0f))
    return static_cast<std::int8_t>(act_min);
  const double r = round_half_even(static_cast<double>(v)) - code_offset;
  return static_cast<std::int8_t>(r < act_min ? act_min : (r > act_max ? act_max : r));
}

/// onnxruntime's requantization of an int32 accumulator (QLinearConv, QLinearMatMul, QGemm):
///   requantize_fp32(fp32(acc) · scale, zero_point, act_min, act_max)
/// acc is converted to float first (rounding to nearest even above 2^24, as cvtdq2ps does), the
/// product is rounded to fp32. `scale` is input_scale · weight_scale / output_scale evaluated in
/// fp32 in that order.
constexpr std::int8_t requantize_float(std::int32_t acc, float scale, std::int32_t zero_point,
                                       std::int32_t act_min, std::int32_t act_max) {
  return requantize_fp32(fp32_mul(static_cast<float>(acc), scale), zero_point, act_min, act_max);
}

/// ONNX QuantizeLinear for int8: saturate(round_half_even(x / scale) + zero_point).
/// x / scale is evaluated in float (as onnxruntime does); the rounded value is added to the zero
/// point and clamped to [−128, 127] in double, so ±inf saturate. NaN maps to zero_point (clamped).
/// Precondition: scale > 0.
constexpr std::int8_t quantize_value(float x, float scale, std::int32_t zero_point) {
  // x / scale beyond the float range (e.g. Clip's default bound -FLT_MAX over a scale < 1) would
  // be an infinity, which is not a constant expression: it saturates like any far value.
  const double wide = static_cast<double>(x) / static_cast<double>(scale);
  if (wide > 1e30 || wide < -1e30)
    return wide > 0 ? std::int8_t{127} : std::int8_t{-128};
  const float scaled = x / scale;
  if (scaled != scaled) // NaN
    return saturate_cast<std::int8_t>(zero_point);
  const double v = round_half_even(static_cast<double>(scaled)) + zero_point;
  return static_cast<std::int8_t>(v < -128.0 ? -128.0 : (v > 127.0 ? 127.0 : v));
}

/// ONNX DequantizeLinear for int8: (q − zero_point) · scale, the product evaluated in float.
constexpr float dequantize_value(std::int8_t q, float scale, std::int32_t zero_point) {
  return static_cast<float>(std::int32_t{q} - zero_point) * scale;
}

} // namespace onnx2hpp
