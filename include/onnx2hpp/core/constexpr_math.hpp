// SPDX-License-Identifier: MIT
//
// constexpr replacements for the few transcendental functions needed to build activation
// lookup tables at compile time (std::exp & co. are not constexpr in C++20).
// Accuracy: a few ulp (relative error well below 1e-15) over the whole double range.
#pragma once

#include <limits>

namespace onnx2hpp::cmath {

namespace detail {

/// 2^k for k in [−1022, 1023], exact (binary exponentiation on powers of two).
constexpr double pow2i(int k) {
  double base = k < 0 ? 0.5 : 2.0;
  unsigned n = static_cast<unsigned>(k < 0 ? -k : k);
  double result = 1.0;
  for (; n != 0; n >>= 1) {
    if ((n & 1U) != 0)
      result *= base;
    if (n > 1)
      base *= base;
  }
  return result;
}

/// x · 2^k for x in [0.5, 2] and k in [−1076, 1024]; a single rounding even for subnormal
/// results. The caller guarantees the result does not overflow.
constexpr double scale_pow2(double x, int k) {
  if (k > 1023)
    return x * pow2i(k - 1023) * pow2i(1023); // x · 2 stays far from overflow
  if (k < -1022)
    return x * pow2i(k + 1022) * pow2i(-1022); // first product is normal and exact
  return x * pow2i(k);
}

/// e^r − 1 for |r| <= ~0.35 via its Taylor series (Horner), no cancellation.
constexpr double expm1_small(double r) {
  double sum = 0.0;
  for (int n = 22; n >= 1; --n) // r^22 / 22! < 1e-31 for |r| <= 0.35
    sum = r / n * (1.0 + sum);
  return sum;
}

inline constexpr double ln2 = 0.6931471805599453094;
inline constexpr double ln2_hi = 6.93147180369123816490e-01; // 32 significant bits: k·hi exact
inline constexpr double ln2_lo = 1.90821492927058770002e-10; // ln2 − ln2_hi
inline constexpr double exp_overflow = 709.78271289338397;   // largest x with finite e^x
inline constexpr double exp_underflow = -745.2;              // e^x rounds to 0 below this

} // namespace detail

/// e^x. Range reduction x = k·ln2 + r (Cody–Waite, |r| <= ln2/2), e^r by Taylor series, then an
/// exact scaling by 2^k. Returns +inf for x > 709.78271289338397, 0 for x < −745.2, NaN for NaN.
constexpr double exp(double x) {
  if (x != x)
    return x;
  if (x > detail::exp_overflow)
    return std::numeric_limits<double>::infinity();
  if (x < detail::exp_underflow)
    return 0.0;
  const double kd = x / detail::ln2;
  const int k = static_cast<int>(kd < 0 ? kd - 0.5 : kd + 0.5); // round half away
  const double r = (x - k * detail::ln2_hi) - k * detail::ln2_lo;
  return detail::scale_pow2(1.0 + detail::expm1_small(r), k);
}

/// e^x − 1, accurate also for small |x| (series below |x| < 0.35, exp(x) − 1 above).
constexpr double expm1(double x) {
  if (x < 0.35 && x > -0.35)
    return detail::expm1_small(x);
  return exp(x) - 1.0;
}

/// Hyperbolic tangent: tanh(|x|) = −u / (2 + u) with u = expm1(−2|x|) (no cancellation),
/// odd symmetry for negative x. Saturates to ±1 for large |x|; NaN propagates.
constexpr double tanh(double x) {
  const double ax = x < 0 ? -x : x;
  const double u = expm1(-2.0 * ax);
  const double t = -u / (2.0 + u);
  return x < 0 ? -t : t;
}

/// Logistic function 1 / (1 + e^−x); for x < 0 evaluated as e^x / (1 + e^x) to keep full relative
/// accuracy in the tail. sigmoid(−inf) = 0, sigmoid(+inf) = 1; NaN propagates.
constexpr double sigmoid(double x) {
  if (x < 0) {
    const double e = exp(x);
    return e / (1.0 + e);
  }
  return 1.0 / (1.0 + exp(-x));
}

} // namespace onnx2hpp::cmath
