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

/// Σ x[i]·w[i] for i < n.
inline std::int32_t dot(const std::int8_t *x, const std::int8_t *w, std::size_t n) {
  std::int32_t a0 = 0, a1 = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    a0 += x[i] * w[i] + x[i + 2] * w[i + 2];
    a1 += x[i + 1] * w[i + 1] + x[i + 3] * w[i + 3];
  }
  for (; i < n; ++i)
    a0 += x[i] * w[i];
  return a0 + a1;
}

/// Σ (x[i] − zx)·w[i] for i < n: dense rows, and the windows that reach into the padding.
inline std::int32_t dot_offset(const std::int8_t *x, const std::int8_t *w, std::size_t n,
                               std::int32_t zx) {
  std::int32_t a0 = 0, a1 = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    a0 += (x[i] - zx) * w[i] + (x[i + 2] - zx) * w[i + 2];
    a1 += (x[i + 1] - zx) * w[i + 1] + (x[i + 3] - zx) * w[i + 3];
  }
  for (; i < n; ++i)
    a0 += (x[i] - zx) * w[i];
  return a0 + a1;
}

/// Σ w[i] for i < n.
inline std::int32_t sum(const std::int8_t *w, std::size_t n) {
  std::int32_t a = 0;
  for (std::size_t i = 0; i < n; ++i)
    a += w[i];
  return a;
}

} // namespace onnx2hpp::ref_detail
