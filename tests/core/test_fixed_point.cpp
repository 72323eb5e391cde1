// Tests for onnx2hpp/core/fixed_point.hpp and onnx2hpp/core/constexpr_math.hpp.
// Expected values are derived by hand in the comments next to each check.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <utility>

#include "onnx2hpp/core/constexpr_math.hpp"
#include "onnx2hpp/core/fixed_point.hpp"

using namespace onnx2hpp;

TEST_SUITE_BEGIN("core");

namespace {

constexpr std::int32_t i32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t i32_max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t i64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int32_t two30 = 1 << 30; // 1073741824

constexpr bool same(quantized_multiplier a, quantized_multiplier b) {
  return a.multiplier == b.multiplier && a.shift == b.shift;
}

double rel_err(double got, double want) {
  if (got == want)
    return 0.0;
  return std::fabs(got - want) / std::fabs(want);
}

// --- compile-time usability -------------------------------------------------------------------
static_assert(same(quantize_multiplier(1.0), {two30, 1}));
static_assert(saturating_rounding_doubling_high_mul(i32_min, i32_min) == i32_max);
static_assert(rounding_divide_by_pot(5, 1) == 3);
static_assert(multiply_by_quantized_multiplier(100, {two30, 1}) == 100);
static_assert(requantize(1000, {two30, 0}, -10, -128, 127) == 127);
static_assert(rounding_divide(-5, 2) == -3);
static_assert(round_half_even(2.5) == 2.0);
static_assert(round_half_away(2.5) == 3.0);
static_assert(saturate_cast<std::int8_t>(300) == 127);
static_assert(quantize_value(0.75f, 0.5f, 0) == 2);
static_assert(quantize_value(-3.4028235e+38f, 0.01f, 0) == -128); // x / scale beyond FLT_MAX
static_assert(quantize_value(3.4028235e+38f, 0.01f, 0) == 127);
static_assert(dequantize_value(10, 0.5f, 4) == 3.0f);
static_assert(cmath::exp(0.0) == 1.0);
static_assert(cmath::exp(1.0) - 2.718281828459045 < 1e-15 &&
              cmath::exp(1.0) - 2.718281828459045 > -1e-15);
static_assert(cmath::tanh(0.0) == 0.0);
static_assert(cmath::sigmoid(0.0) == 0.5);
static_assert(cmath::exp(-800.0) == 0.0);
static_assert(cmath::exp(800.0) == std::numeric_limits<double>::infinity());

} // namespace

TEST_CASE("quantize_multiplier: scales >= 1") {
  // 1.0 = 0.5 * 2^1 -> q = 0.5 * 2^31 = 2^30, shift 1
  CHECK(same(quantize_multiplier(1.0), {two30, 1}));
  // 2.5 = 0.625 * 2^2 -> q = 0.625 * 2^31 = 1342177280
  CHECK(same(quantize_multiplier(2.5), {1342177280, 2}));
  // 1000 = 0.9765625 * 2^10 -> q = 0.9765625 * 2^31 = 2097152000
  CHECK(same(quantize_multiplier(1000.0), {2097152000, 10}));
  // 2^29 = 0.5 * 2^30 -> largest representable shift
  CHECK(same(quantize_multiplier(536870912.0), {two30, 30}));
  // 2^30 would need shift 31 -> saturates to {2^31 - 1, 30}
  CHECK(same(quantize_multiplier(1073741824.0), {i32_max, 30}));
  CHECK(same(quantize_multiplier(1e300), {i32_max, 30}));
  CHECK(same(quantize_multiplier(std::numeric_limits<double>::infinity()), {i32_max, 30}));
}

TEST_CASE("quantize_multiplier: scales < 1") {
  // 0.5 = 0.5 * 2^0; 0.75 -> 0.75 * 2^31 = 1610612736
  CHECK(same(quantize_multiplier(0.5), {two30, 0}));
  CHECK(same(quantize_multiplier(0.75), {1610612736, 0}));
  // 1e-6 = 0.524288 * 2^-19 -> q = 1e-6 * 2^50 = 1125899906.842624 -> 1125899907
  CHECK(same(quantize_multiplier(1e-6), {1125899907, -19}));
  // 0.0039 = 0.9984 * 2^-8 -> q = 0.0039 * 2^39 = 2144047674.1632 -> 2144047674
  CHECK(same(quantize_multiplier(0.0039), {2144047674, -8}));
  // 2^-32 = 0.5 * 2^-31 -> smallest representable shift
  CHECK(same(quantize_multiplier(std::ldexp(1.0, -32)), {two30, -31}));
  // 2^-33 = 0.5 * 2^-32 -> shift < -31 -> {0, 0}
  CHECK(same(quantize_multiplier(std::ldexp(1.0, -33)), {0, 0}));
  CHECK(same(quantize_multiplier(std::numeric_limits<double>::denorm_min()), {0, 0}));
}

TEST_CASE("quantize_multiplier: rounding, round-up to 2^31, zero and invalid input") {
  // 1 - 2^-33: fraction = 1 - 2^-33, q = 2^31 - 0.25 -> rounds to 2^31 -> {2^30, shift + 1}
  constexpr double almost_one = 1.0 - 1.0 / 8589934592.0;
  static_assert(same(quantize_multiplier(almost_one), {two30, 1}));
  CHECK(same(quantize_multiplier(almost_one), {two30, 1}));
  // 0.5 + 2^-32: q = 2^30 + 0.5, an exact tie -> away from zero -> 2^30 + 1
  CHECK(same(quantize_multiplier(0.5 + std::ldexp(1.0, -32)), {two30 + 1, 0}));
  // 0.5 + 2^-33: q = 2^30 + 0.25 -> 2^30
  CHECK(same(quantize_multiplier(0.5 + std::ldexp(1.0, -33)), {two30, 0}));
  CHECK(same(quantize_multiplier(0.0), {0, 0}));
  CHECK(same(quantize_multiplier(-1.0), {0, 0}));
  CHECK(same(quantize_multiplier(std::numeric_limits<double>::quiet_NaN()), {0, 0}));
}

TEST_CASE("saturating_rounding_doubling_high_mul") {
  // the single overflow case: (-2^31)^2 / 2^31 = 2^31 -> INT32_MAX
  CHECK(saturating_rounding_doubling_high_mul(i32_min, i32_min) == i32_max);
  // -2^31 * (2^31 - 1) / 2^31 = -(2^31 - 1) exactly
  CHECK(saturating_rounding_doubling_high_mul(i32_min, i32_max) == -i32_max);
  CHECK(saturating_rounding_doubling_high_mul(i32_max, i32_min) == -i32_max);
  // (2^31 - 1)^2 / 2^31 = 2^31 - 2 + 2^-31 -> 2147483646
  CHECK(saturating_rounding_doubling_high_mul(i32_max, i32_max) == 2147483646);
  // -2^31 * 2^30 / 2^31 = -2^30 exactly
  CHECK(saturating_rounding_doubling_high_mul(i32_min, two30) == -two30);
  // ties go toward +inf: 0.5 -> 1, -0.5 -> 0, 1.5 -> 2, -1.5 -> -1
  CHECK(saturating_rounding_doubling_high_mul(1, two30) == 1);
  CHECK(saturating_rounding_doubling_high_mul(-1, two30) == 0);
  CHECK(saturating_rounding_doubling_high_mul(3, two30) == 2);
  CHECK(saturating_rounding_doubling_high_mul(-3, two30) == -1);
  // non-ties: 1 * 2^29 / 2^31 = 0.25 -> 0; -3 * 1610612736 / 2^31 = -2.25 -> -2
  CHECK(saturating_rounding_doubling_high_mul(1, 1 << 29) == 0);
  CHECK(saturating_rounding_doubling_high_mul(-3, 1610612736) == -2);
  // -7 * 0.75 = -5.25 -> -5; -5 * 0.75 = -3.75 -> -4
  CHECK(saturating_rounding_doubling_high_mul(-7, 1610612736) == -5);
  CHECK(saturating_rounding_doubling_high_mul(-5, 1610612736) == -4);
  // 1000 * 0.625 = 625 exactly
  CHECK(saturating_rounding_doubling_high_mul(1000, 1342177280) == 625);
  CHECK(saturating_rounding_doubling_high_mul(0, i32_min) == 0);
}

TEST_CASE("rounding_divide_by_pot") {
  // exact ties away from zero: 2.5 -> 3, -2.5 -> -3, 0.5 -> 1, -0.5 -> -1
  CHECK(rounding_divide_by_pot(5, 1) == 3);
  CHECK(rounding_divide_by_pot(-5, 1) == -3);
  CHECK(rounding_divide_by_pot(1, 1) == 1);
  CHECK(rounding_divide_by_pot(-1, 1) == -1);
  // 1.5 -> 2, -1.5 -> -2, 1.75 -> 2, -1.75 -> -2, 1.25 -> 1, -1.25 -> -1
  CHECK(rounding_divide_by_pot(6, 2) == 2);
  CHECK(rounding_divide_by_pot(-6, 2) == -2);
  CHECK(rounding_divide_by_pot(7, 2) == 2);
  CHECK(rounding_divide_by_pot(-7, 2) == -2);
  CHECK(rounding_divide_by_pot(5, 2) == 1);
  CHECK(rounding_divide_by_pot(-5, 2) == -1);
  // exponent 0 is the identity
  CHECK(rounding_divide_by_pot(i32_min, 0) == i32_min);
  CHECK(rounding_divide_by_pot(i32_max, 0) == i32_max);
  CHECK(rounding_divide_by_pot(-7, 0) == -7);
  // exponent 31: -2^31 / 2^31 = -1; (2^31 - 1) / 2^31 ~ 0.99999 -> 1; +-2^30 / 2^31 = +-0.5
  CHECK(rounding_divide_by_pot(i32_min, 31) == -1);
  CHECK(rounding_divide_by_pot(i32_max, 31) == 1);
  CHECK(rounding_divide_by_pot(two30, 31) == 1);
  CHECK(rounding_divide_by_pot(-two30, 31) == -1);
  CHECK(rounding_divide_by_pot(two30 - 1, 31) == 0);
  CHECK(rounding_divide_by_pot(-two30 + 1, 31) == 0);
  CHECK(rounding_divide_by_pot(-1, 31) == 0);
  // -2^31 / 2 = -2^30 exactly; (2^31 - 1) / 2 = 2^30 - 0.5 -> 2^30
  CHECK(rounding_divide_by_pot(i32_min, 1) == -two30);
  CHECK(rounding_divide_by_pot(i32_max, 1) == two30);
}

TEST_CASE("multiply_by_quantized_multiplier") {
  constexpr quantized_multiplier one{two30, 1};         // 1.0
  constexpr quantized_multiplier half{two30, 0};        // 0.5
  constexpr quantized_multiplier m2_5{1342177280, 2};   // 2.5
  constexpr quantized_multiplier m1000{2097152000, 10}; // 1000
  constexpr quantized_multiplier m1e6{1125899907, -19}; // ~1e-6
  constexpr quantized_multiplier m0039{2144047674, -8}; // ~0.0039
  constexpr quantized_multiplier tiny{two30, -31};      // 2^-32
  constexpr quantized_multiplier huge{two30, 31};       // 2^30 (shift 31, built by hand)
  static_assert(same(quantize_multiplier(2.5), m2_5) && same(quantize_multiplier(1e-6), m1e6));

  // 1.0: 100 -> 200 (left shift), srdhm(200, 2^30) = 100
  CHECK(multiply_by_quantized_multiplier(100, one) == 100);
  CHECK(multiply_by_quantized_multiplier(-100, one) == -100);
  // saturating left shift: 2 * INT32_MAX -> INT32_MAX, then * 0.5 = 2^30 - 0.5 -> 2^30
  CHECK(multiply_by_quantized_multiplier(i32_max, one) == two30);
  // 2 * INT32_MIN -> INT32_MIN, then * 0.5 = -2^30
  CHECK(multiply_by_quantized_multiplier(i32_min, one) == -two30);
  // 0.5 with shift 0: 5 * 0.5 = 2.5 -> 3; -5 * 0.5 = -2.5 -> -2 (srdhm ties toward +inf)
  CHECK(multiply_by_quantized_multiplier(5, half) == 3);
  CHECK(multiply_by_quantized_multiplier(-5, half) == -2);
  // 2.5: 3 << 2 = 12, 12 * 0.625 = 7.5 -> 8; -12 * 0.625 = -7.5 -> -7
  CHECK(multiply_by_quantized_multiplier(3, m2_5) == 8);
  CHECK(multiply_by_quantized_multiplier(-3, m2_5) == -7);
  CHECK(multiply_by_quantized_multiplier(400, m2_5) == 1000);
  // 1000: 5 << 10 = 5120, 5120 * 0.9765625 = 5000
  CHECK(multiply_by_quantized_multiplier(5, m1000) == 5000);
  CHECK(multiply_by_quantized_multiplier(-5, m1000) == -5000);
  // 3e6 << 10 = 3.072e9 saturates to 2^31 - 1; (2^31 - 1) * 0.9765625 = 2097151999.023 -> ...999
  CHECK(multiply_by_quantized_multiplier(3000000, m1000) == 2097151999);
  // -3e6 << 10 saturates to -2^31; -2^31 * 0.9765625 = -2097152000 exactly
  CHECK(multiply_by_quantized_multiplier(-3000000, m1000) == -2097152000);
  // 1e-6: srdhm(1e9, q) = 524288000.07 -> 524288000; / 2^19 = 1000 exactly
  CHECK(multiply_by_quantized_multiplier(1000000000, m1e6) == 1000);
  CHECK(multiply_by_quantized_multiplier(-1000000000, m1e6) == -1000);
  // srdhm(1.5e6, q) = 786432.0001 -> 786432; / 2^19 = 1.5 -> 2 (tie away from zero)
  CHECK(multiply_by_quantized_multiplier(1500000, m1e6) == 2);
  CHECK(multiply_by_quantized_multiplier(-1500000, m1e6) == -2);
  // 0.0039: srdhm(10000, q) = 9983.99999924 -> 9984 = 39 * 256; / 2^8 = 39
  CHECK(multiply_by_quantized_multiplier(10000, m0039) == 39);
  CHECK(multiply_by_quantized_multiplier(-10000, m0039) == -39);
  // shift -31: srdhm(-2^31, 2^30) = -2^30; / 2^31 = -0.5 -> -1
  CHECK(multiply_by_quantized_multiplier(i32_min, tiny) == -1);
  CHECK(multiply_by_quantized_multiplier(i32_max, tiny) == 1); // 2^30 / 2^31 = 0.5 -> 1
  CHECK(multiply_by_quantized_multiplier(1000, tiny) == 0);
  // shift 31: 1 << 31 saturates to 2^31 - 1 -> * 0.5 -> 2^30; -1 << 31 = -2^31 fits -> -2^30
  CHECK(multiply_by_quantized_multiplier(1, huge) == two30);
  CHECK(multiply_by_quantized_multiplier(-1, huge) == -two30);
  CHECK(multiply_by_quantized_multiplier(0, huge) == 0);
  CHECK(multiply_by_quantized_multiplier(i32_max, {0, 0}) == 0);
}

TEST_CASE("requantize clamps to the activation range") {
  constexpr quantized_multiplier half{two30, 0};
  // 100 * 0.5 + 3 = 53 (inside)
  CHECK(requantize(100, half, 3, -128, 127) == 53);
  // 1000 * 0.5 - 10 = 490 -> 127; -1000 * 0.5 - 10 = -510 -> -128
  CHECK(requantize(1000, half, -10, -128, 127) == 127);
  CHECK(requantize(-1000, half, -10, -128, 127) == -128);
  // relu range [3, 127]: -100 * 0.5 + 3 = -47 -> 3
  CHECK(requantize(-100, half, 3, 3, 127) == 3);
  // relu6-like range [3, 20]: 53 -> 20
  CHECK(requantize(100, half, 3, 3, 20) == 20);
  // zero-point add cannot overflow: 2147483646 + INT32_MAX -> 127; -2^30 + INT32_MIN -> -128
  CHECK(requantize(i32_max, {i32_max, 0}, i32_max, -128, 127) == 127);
  CHECK(requantize(i32_min, {two30, 0}, i32_min, -128, 127) == -128);
}

// --- the fast multiply_by_quantized_multiplier / requantize against a plain int64 reference --

namespace ref64 {

// gemmlowp's SaturatingRoundingDoublingHighMul, written out: nudge, truncating int64 division.
std::int32_t srdhm(std::int32_t a, std::int32_t b) {
  if (a == i32_min && b == i32_min)
    return i32_max;
  const std::int64_t ab = std::int64_t{a} * b;
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : 1 - (std::int64_t{1} << 30);
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

// x / 2^e rounded half away from zero, on magnitudes in int64.
std::int32_t rdbp(std::int32_t x, int e) {
  if (e == 0)
    return x;
  const std::int64_t mag = x < 0 ? -std::int64_t{x} : std::int64_t{x};
  const std::int64_t q = (mag + (std::int64_t{1} << (e - 1))) >> e;
  return static_cast<std::int32_t>(x < 0 ? -q : q);
}

std::int32_t mbqm(std::int32_t x, quantized_multiplier m) {
  const int left = m.shift > 0 ? (m.shift > 31 ? 31 : m.shift) : 0;
  const int right = m.shift < 0 ? -m.shift : 0;
  std::int64_t s = std::int64_t{x} * (std::int64_t{1} << left);
  s = s < i32_min ? i32_min : (s > i32_max ? i32_max : s);
  return rdbp(srdhm(static_cast<std::int32_t>(s), m.multiplier), right);
}

std::int8_t requantize(std::int32_t acc, quantized_multiplier m, std::int32_t zp,
                       std::int32_t act_min, std::int32_t act_max) {
  std::int64_t v = std::int64_t{mbqm(acc, m)} + zp;
  v = v < act_min ? act_min : (v > act_max ? act_max : v);
  return static_cast<std::int8_t>(v);
}

} // namespace ref64

struct pcg32 {
  std::uint64_t state = 0x853c49e6748fea9bULL;
  std::uint32_t next() {
    const std::uint64_t old = state;
    state = old * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto xorshifted = static_cast<std::uint32_t>(((old >> 18u) ^ old) >> 27u);
    const auto rot = static_cast<std::uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
  }
  std::int32_t i32() { return static_cast<std::int32_t>(next()); }
  // a value of random magnitude (uniform bit length), so small accumulators show up too
  std::int32_t any() {
    const std::uint32_t bits = next() % 33;
    const std::uint32_t v = bits == 32 ? next() : next() & ((1u << bits) - 1u);
    return next() & 1u ? static_cast<std::int32_t>(v) : static_cast<std::int32_t>(0u - v);
  }
};

// every shift multiply_by_quantized_multiplier accepts: [-31, 30] from quantize_multiplier, and
// hand-built left shifts up to 31 and beyond (they saturate)
constexpr int min_shift = -31, max_shift = 40;

// the fast paths are constant expressions and agree with the reference's hand-derived values
static_assert(multiply_by_quantized_multiplier(i32_min, {i32_min, -1}) == two30);
static_assert(multiply_by_quantized_multiplier(i32_min, {i32_min, 0}) == i32_max);
static_assert(multiply_by_quantized_multiplier(i32_min, {two30, -31}) == -1);
static_assert(multiply_by_quantized_multiplier(3, {two30, -1}) == 1); // 1.5 -> 2 -> 1
static_assert(requantize(-1500000, {1125899907, -19}, -1, -128, 127) == -3);

TEST_CASE("multiply_by_quantized_multiplier and requantize match the int64 reference") {
  std::int64_t checked = 0;
  const auto check_all_shifts = [&](std::int32_t x, std::int32_t mult) {
    for (int shift = min_shift; shift <= max_shift; ++shift) {
      const quantized_multiplier m{mult, shift};
      const std::int32_t got = multiply_by_quantized_multiplier(x, m);
      const std::int32_t want = ref64::mbqm(x, m);
      if (got != want) {
        INFO("x=", x, " multiplier=", mult, " shift=", shift);
        CHECK(got == want);
      }
      ++checked;
    }
  };

  // edge accumulators x edge multipliers x every shift
  const std::int32_t edges[] = {i32_min,   i32_min + 1, -two30 - 1, -two30,     -two30 + 1, -65536,
                                -257,      -3,          -2,         -1,         0,          1,
                                2,         3,           255,        65536,      two30 - 1,  two30,
                                two30 + 1, i32_max - 1, i32_max,    1610612736, -1610612736};
  for (const std::int32_t x : edges)
    for (const std::int32_t mult : edges)
      check_all_shifts(x, mult);

  // ties of both roundings: with multiplier 2^30 srdhm(x) = x / 2 (ties at odd x), and
  // x = 2 * (k * 2^e + 2^(e-1)) lands exactly halfway in the divide by 2^e; +-1 around each
  for (int e = 0; e <= 31; ++e)
    for (const std::int64_t k : {0, 1, 2, 5, -1, -2, -6})
      for (const int d : {-1, 0, 1}) {
        const std::int64_t half = e == 0 ? 0 : std::int64_t{1} << (e - 1);
        const std::int64_t x = 2 * (k * (std::int64_t{1} << e) + half) + d;
        if (x < i32_min || x > i32_max)
          continue;
        for (const std::int32_t mult : {two30, two30 + 1, two30 - 1, -two30, i32_max})
          check_all_shifts(static_cast<std::int32_t>(x), mult);
      }

  // random accumulators (uniform and of random magnitude) and multipliers (quantize_multiplier's
  // [2^30, 2^31) and any int32)
  pcg32 rng;
  for (int i = 0; i < 60000; ++i) {
    const std::int32_t x = i % 2 ? rng.i32() : rng.any();
    const std::int32_t q = static_cast<std::int32_t>((rng.next() >> 1) | (1u << 30));
    check_all_shifts(x, q);
    check_all_shifts(x, i % 3 ? rng.i32() : rng.any());
  }
  CHECK(checked > 8000000);

  // requantize: random zero points (int8 and any int32) and activation ranges
  for (int i = 0; i < 300000; ++i) {
    const std::int32_t x = i % 2 ? rng.i32() : rng.any();
    const quantized_multiplier m{
        i % 4 ? static_cast<std::int32_t>((rng.next() >> 1) | (1u << 30)) : rng.i32(),
        static_cast<std::int32_t>(rng.next() % (max_shift - min_shift + 1)) + min_shift};
    const std::int32_t zp = i % 5 ? static_cast<std::int32_t>(rng.next() % 256) - 128 : rng.i32();
    std::int32_t lo = static_cast<std::int32_t>(rng.next() % 256) - 128;
    std::int32_t hi = static_cast<std::int32_t>(rng.next() % 256) - 128;
    if (i % 3 == 0)
      lo = -128, hi = 127;
    if (lo > hi)
      std::swap(lo, hi);
    const std::int8_t got = requantize(x, m, zp, lo, hi);
    const std::int8_t want = ref64::requantize(x, m, zp, lo, hi);
    if (got != want) {
      INFO("x=", x, " multiplier=", m.multiplier, " shift=", m.shift, " zp=", zp);
      CHECK(got == want);
    }
  }
}

TEST_CASE("rounding_divide (average pooling)") {
  // ties away from zero: 2.5 -> 3, -2.5 -> -3, 0.5 -> 1, -0.5 -> -1
  CHECK(rounding_divide(5, 2) == 3);
  CHECK(rounding_divide(-5, 2) == -3);
  CHECK(rounding_divide(4, 8) == 1);
  CHECK(rounding_divide(-4, 8) == -1);
  // 3/8 = 0.375 -> 0; 7/3 = 2.33 -> 2; 8/3 = 2.67 -> 3; 1/3 -> 0
  CHECK(rounding_divide(3, 8) == 0);
  CHECK(rounding_divide(7, 3) == 2);
  CHECK(rounding_divide(-7, 3) == -2);
  CHECK(rounding_divide(8, 3) == 3);
  CHECK(rounding_divide(-8, 3) == -3);
  CHECK(rounding_divide(1, 3) == 0);
  CHECK(rounding_divide(0, 5) == 0);
  // extremes: no overflow. (2^63 - 1) / 2 = 2^62 - 0.5 -> 2^62; -2^63 / 2 = -2^62 exactly
  CHECK(rounding_divide(i64_max, 2) == (std::int64_t{1} << 62));
  CHECK(rounding_divide(i64_min, 2) == -(std::int64_t{1} << 62));
  CHECK(rounding_divide(i64_min + 1, 2) == -(std::int64_t{1} << 62));
  CHECK(rounding_divide(i64_min, 1) == i64_min);
  CHECK(rounding_divide(i64_max, i64_max) == 1);
  CHECK(rounding_divide(i64_max / 2, i64_max) == 0);     // (2^62 - 1) / (2^63 - 1) < 0.5
  CHECK(rounding_divide(i64_max / 2 + 1, i64_max) == 1); // 2^62 / (2^63 - 1) > 0.5
}

TEST_CASE("round_half_even / round_half_away / saturate_cast") {
  CHECK(round_half_even(0.5) == 0.0);
  CHECK(round_half_even(1.5) == 2.0);
  CHECK(round_half_even(2.5) == 2.0);
  CHECK(round_half_even(-0.5) == 0.0);
  CHECK(std::signbit(round_half_even(-0.5)));
  CHECK(round_half_even(-1.5) == -2.0);
  CHECK(round_half_even(-2.5) == -2.0);
  CHECK(round_half_even(2.4999999) == 2.0);
  CHECK(round_half_even(-2.5000001) == -3.0);
  // 2^52 - 0.5 is a tie between an odd (2^52 - 1) and even (2^52) integer -> 2^52
  CHECK(round_half_even(4503599627370495.5) == 4503599627370496.0);
  CHECK(round_half_even(1e300) == 1e300);
  CHECK(round_half_even(-std::numeric_limits<double>::infinity()) ==
        -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(round_half_even(std::numeric_limits<double>::quiet_NaN())));

  CHECK(round_half_away(0.5) == 1.0);
  CHECK(round_half_away(-0.5) == -1.0);
  CHECK(round_half_away(2.5) == 3.0);
  CHECK(round_half_away(-2.5) == -3.0);
  CHECK(round_half_away(-0.3) == 0.0);
  CHECK(std::signbit(round_half_away(-0.3)));
  // largest double below 0.5: naive floor(x + 0.5) would give 1
  CHECK(round_half_away(0.49999999999999994) == 0.0);
  CHECK(round_half_away(4503599627370495.5) == 4503599627370496.0);
  for (double x = -20.0; x <= 20.0; x += 0.125) {
    CHECK(round_half_away(x) == std::round(x));
    CHECK(round_half_even(x) == std::nearbyint(x));
  }

  CHECK(saturate_cast<std::int8_t>(200) == 127);
  CHECK(saturate_cast<std::int8_t>(-200) == -128);
  CHECK(saturate_cast<std::int8_t>(-5) == -5);
  CHECK(saturate_cast<std::int32_t>(i64_max) == i32_max);
  CHECK(saturate_cast<std::int32_t>(i64_min) == i32_min);
  CHECK(saturate_cast<std::int64_t>(i64_min) == i64_min);
  CHECK(saturate_cast<std::uint8_t>(-1) == 0);
  CHECK(saturate_cast<std::uint8_t>(256) == 255);
}

TEST_CASE("quantize_value / dequantize_value (ONNX QuantizeLinear / DequantizeLinear)") {
  CHECK(quantize_value(1.0f, 0.5f, 0) == 2);
  // 0.25 / 0.5 = 0.5 -> 0 (even); 0.75 / 0.5 = 1.5 -> 2; -0.25 -> -0.5 -> 0; -0.75 -> -2
  CHECK(quantize_value(0.25f, 0.5f, 0) == 0);
  CHECK(quantize_value(0.75f, 0.5f, 0) == 2);
  CHECK(quantize_value(-0.25f, 0.5f, 0) == 0);
  CHECK(quantize_value(-0.75f, 0.5f, 0) == -2);
  CHECK(quantize_value(0.25f, 0.5f, 10) == 10);
  CHECK(quantize_value(-1.0f, 0.25f, -3) == -7);
  // saturation at both ends (value, zero point and infinities)
  CHECK(quantize_value(1000.0f, 1.0f, 0) == 127);
  CHECK(quantize_value(-1000.0f, 1.0f, 0) == -128);
  CHECK(quantize_value(0.0f, 1.0f, 200) == 127);
  CHECK(quantize_value(0.0f, 1.0f, -200) == -128);
  CHECK(quantize_value(std::numeric_limits<float>::infinity(), 1.0f, 0) == 127);
  CHECK(quantize_value(-std::numeric_limits<float>::infinity(), 1.0f, 0) == -128);
  CHECK(quantize_value(std::numeric_limits<float>::quiet_NaN(), 1.0f, 5) == 5);
  CHECK(quantize_value(1e-30f, 1e-38f, 0) == 127);

  CHECK(dequantize_value(10, 0.5f, 4) == 3.0f);
  CHECK(dequantize_value(-128, 0.1f, 0) == -128.0f * 0.1f);
  CHECK(dequantize_value(127, 0.25f, -128) == 63.75f); // 255 * 0.25
  for (int q = -128; q <= 127; ++q) {
    const auto qi = static_cast<std::int8_t>(q);
    CHECK(quantize_value(dequantize_value(qi, 0.037f, 7), 0.037f, 7) == qi);
  }
}

TEST_CASE("constexpr exp / expm1 / tanh / sigmoid match <cmath>") {
  double worst = 0.0;
  for (int i = -40000; i <= 40000; ++i) {
    const double x = i * 0.001237;
    worst = std::fmax(worst, rel_err(cmath::exp(x), std::exp(x)));
    worst = std::fmax(worst, rel_err(cmath::expm1(x), std::expm1(x)));
    worst = std::fmax(worst, rel_err(cmath::tanh(x), std::tanh(x)));
    worst = std::fmax(worst, rel_err(cmath::sigmoid(x), 1.0 / (1.0 + std::exp(-x))));
  }
  for (double x : {-745.0, -744.0, -720.0, -708.3, -700.0, -300.5, 300.5, 700.0, 709.0, 709.78}) {
    // below -708.4 results are subnormal: compare with an absolute tolerance there
    const double want = std::exp(x);
    if (x > -708.0)
      worst = std::fmax(worst, rel_err(cmath::exp(x), want));
    else
      CHECK(std::fabs(cmath::exp(x) - want) <= 2 * std::numeric_limits<double>::denorm_min());
  }
  for (double x : {1e-300, 1e-100, 1e-20, 1e-10, 1e-5, -1e-8, 0.34, -0.34, 0.36, 22.0, 40.0}) {
    worst = std::fmax(worst, rel_err(cmath::expm1(x), std::expm1(x)));
    worst = std::fmax(worst, rel_err(cmath::tanh(x), std::tanh(x)));
    worst = std::fmax(worst, rel_err(cmath::sigmoid(-x * 30), 1.0 / (1.0 + std::exp(x * 30))));
  }
  CHECK(worst < 1e-12);
  MESSAGE("worst relative error: " << worst);

  CHECK(cmath::exp(-800.0) == 0.0);
  CHECK(cmath::exp(800.0) == std::numeric_limits<double>::infinity());
  CHECK(cmath::exp(-std::numeric_limits<double>::infinity()) == 0.0);
  CHECK(std::isnan(cmath::exp(std::numeric_limits<double>::quiet_NaN())));
  CHECK(cmath::tanh(1000.0) == 1.0);
  CHECK(cmath::tanh(-1000.0) == -1.0);
  CHECK(cmath::sigmoid(1000.0) == 1.0);
  CHECK(cmath::sigmoid(-1000.0) == 0.0);
}

TEST_CASE("srdhm / rounding_divide_by_pot / multiply agree with exact formulations") {
  // srdhm(a, b) == floor((a*b + 2^30) / 2^31) (round to nearest, ties toward +inf);
  // rounding_divide_by_pot(x, e) == rounding_divide(x, 2^e) (ties away from zero).
  const auto floor_div = [](std::int64_t n, std::int64_t d) {
    const std::int64_t q = n / d;
    return (n % d != 0 && n < 0) ? q - 1 : q;
  };
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  const auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(state >> 32));
  };
  int bad = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::int32_t a = next() >> (i % 24); // mix of large and small magnitudes
    const std::int32_t b = next();
    const int e = i % 32;
    const std::int64_t want =
        floor_div(std::int64_t{a} * b + (std::int64_t{1} << 30), std::int64_t{1} << 31);
    if (!(a == b && a == i32_min) && saturating_rounding_doubling_high_mul(a, b) != want)
      ++bad;
    if (rounding_divide_by_pot(a, e) != rounding_divide(a, std::int64_t{1} << e))
      ++bad;
    // shift <= 0 multipliers: both roundings applied in sequence
    const quantized_multiplier m{b < 0 ? -(b / 2) + two30 / 2 : b / 2 + two30, -e};
    const std::int64_t hi =
        floor_div(std::int64_t{a} * m.multiplier + (std::int64_t{1} << 30), std::int64_t{1} << 31);
    if (multiply_by_quantized_multiplier(a, m) != rounding_divide(hi, std::int64_t{1} << e))
      ++bad;
  }
  CHECK(bad == 0);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("core");

TEST_CASE("fp32_fma: one rounding, as std::fma, in constant expressions too") {
  // u = 1 + 2^-23: u·u + 2^-24 = 1 + 2.5·2^-23 + 2^-46, just above the midpoint between the floats
  // 1 + 2·2^-23 and 1 + 3·2^-23: one rounding goes up. Rounding u·u first drops the 2^-46 and
  // leaves an exact tie, which goes to the even 1 + 2·2^-23.
  constexpr float u = 1.0f + 0x1p-23f;
  static_assert(fp32_fma(u, u, 0x1p-24f) == 1.0f + 0x3p-23f);    // above the midpoint: up
  static_assert(fp32_fma(2.0f, 3.0f, 1.0f) == 7.0f);
  static_assert(fp32_fma(u, u, -1.0f) == 0x1p-22f + 0x1p-46f);   // exact
  static_assert(fp32_fma(0.0f, 5.0f, -0.0f) == 0.0f);
  // Against the host's std::fma over random operands, many of them near rounding midpoints.
  std::mt19937_64 g(7);
  std::uniform_int_distribution<std::uint32_t> mant(0, (1u << 23) - 1);
  std::uniform_int_distribution<int> expo(-12, 12);
  const auto random_float = [&] {
    const float f = std::ldexp(1.0f + static_cast<float>(mant(g)) * 0x1p-23f, expo(g));
    return (g() & 1) != 0 ? -f : f;
  };
  int differ = 0;
  for (int i = 0; i < 200000; ++i) {
    float a = random_float(), b = random_float(), c = random_float();
    if (i % 2 == 0) // c cancels a·b to a value next to a tie
      c = -std::nearbyint(a * b) + 0.5f;
    differ += std::bit_cast<std::uint32_t>(fp32_fma(a, b, c)) !=
              std::bit_cast<std::uint32_t>(std::fma(a, b, c));
  }
  CHECK(differ == 0);
}

TEST_SUITE_END();
