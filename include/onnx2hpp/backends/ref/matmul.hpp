// Reference kernel of batch_matmul: one dot product per (batch, m, n), as defined in
// layers/matmul.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/matmul.hpp"

namespace onnx2hpp {

template <shape_type ShapeA, shape_type ShapeB, rounding_mode R>
struct kernel<backends::ref, batch_matmul<ShapeA, ShapeB, R>> {
  using layer = batch_matmul<ShapeA, ShapeB, R>;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 2> &inputs,
                            std::int8_t *out) {
    constexpr std::size_t m_n = layer::m, k_n = layer::k, n_n = layer::n;
    for (std::size_t b = 0; b < layer::batches; ++b) {
      const std::int8_t *a = inputs[0] + layer::a_matrix(b) * m_n * k_n;
      const std::int8_t *w = inputs[1] + layer::b_matrix(b) * k_n * n_n;
      std::int8_t *y = out + b * m_n * n_n;
      for (std::size_t i = 0; i < m_n; ++i)
        for (std::size_t j = 0; j < n_n; ++j) {
          std::int32_t acc = 0;
          for (std::size_t k = 0; k < k_n; ++k)
            acc += (a[i * k_n + k] - l.a_zero_point) * (w[k * n_n + j] - l.b_zero_point);
          y[i * n_n + j] = l.output.apply(acc, 0);
        }
    }
  }
};

} // namespace onnx2hpp
