// simd-backend kernel of the transpose a channel shuffle becomes in NHWC (passes/to_nhwc.cpp):
// [P, A, B] -> [P, B, A], each of P pixels' A·B channels transposed. Plain loops over the
// compile-time extents, which the compiler vectorizes (for A = 2, an interleave of two rows);
// the general odometer of ref costs a branch per element. A copy: bit-exact with ref.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/ref/reshape.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/layers/reshape.hpp"

namespace onnx2hpp {

template <class E, class I, std::size_t P, std::size_t A, std::size_t B>
struct kernel<backends::basic_simd<E, I>, transpose<shape<P, A, B>, 0, 2, 1>> {
  using layer = transpose<shape<P, A, B>, 0, 2, 1>;

  static void run(const layer &, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *__restrict out) {
    const std::int8_t *__restrict x = inputs[0];
    for (std::size_t p = 0; p < P; ++p, x += A * B, out += A * B)
      for (std::size_t i = 0; i < A; ++i)
        for (std::size_t j = 0; j < B; ++j)
          out[j * A + i] = x[i * B + j];
  }
};

} // namespace onnx2hpp
