// The int8 inner products of the ref backend's run-time paths (conv2d, dense).
//
// The ref kernels are the definition of each layer and run as written inside constant
// expressions. At run time they are also the fallback of every other backend, and the code
// that runs on cores without SIMD (Cortex-M0/M3, or any target the simd backend does not
// cover), so conv2d and dense take a second path there: raw pointers instead of const_data's
// per-element storage test, and the input zero point taken out of the inner loop where the
// whole window is in the input (Σ(x − zx)·w = Σx·w − zx·Σw, Σw once per output channel). Dense
// reads each unit's weights once per row, so there Σw would cost as much as the products: it
// subtracts zx per element in one pass. Both paths compute the same int32 sums:
// tests/layers/test_conv2d.cpp and test_dense.cpp check the run-time path against independent
// formulations, and every simd and NPU test checks against it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace onnx2hpp::ref_detail {

// The loops run on pointers, four products a step into one accumulator: on Armv7-M, GCC -O2
// turns that into a chain of multiply-accumulates with immediate-offset loads (about 4
// instructions a product, against 5 for two accumulators and 11 for indexed const_data reads).

/// Σ x[i]·w[i] for i < n.
inline std::int32_t dot(const std::int8_t *x, const std::int8_t *w, std::size_t n) {
  std::int32_t a = 0;
  const std::int8_t *const end4 = x + (n & ~std::size_t{3});
  const std::int8_t *const end = x + n;
  for (; x != end4; x += 4, w += 4) {
    a += x[0] * w[0];
    a += x[1] * w[1];
    a += x[2] * w[2];
    a += x[3] * w[3];
  }
  for (; x != end; ++x, ++w)
    a += *x * *w;
  return a;
}

/// Σ (x[i] − zx)·w[i] for i < n: dense rows, and the windows that reach into the padding.
inline std::int32_t dot_offset(const std::int8_t *x, const std::int8_t *w, std::size_t n,
                               std::int32_t zx) {
  std::int32_t a = 0;
  const std::int8_t *const end4 = x + (n & ~std::size_t{3});
  const std::int8_t *const end = x + n;
  for (; x != end4; x += 4, w += 4) {
    a += (x[0] - zx) * w[0];
    a += (x[1] - zx) * w[1];
    a += (x[2] - zx) * w[2];
    a += (x[3] - zx) * w[3];
  }
  for (; x != end; ++x, ++w)
    a += (*x - zx) * *w;
  return a;
}

/// Σ w[i] for i < n.
inline std::int32_t sum(const std::int8_t *w, std::size_t n) {
  std::int32_t a = 0;
  for (std::size_t i = 0; i < n; ++i)
    a += w[i];
  return a;
}

} // namespace onnx2hpp::ref_detail
