// Reference kernel of dense: one dot product per (row, unit), as defined in layers/dense.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/backends/ref/inner_product.hpp"
#include "onnx2hpp/layers/dense.hpp"

namespace onnx2hpp {

template <shape_type InShape, std::size_t Units, rounding_mode R>
struct kernel<backends::ref, dense<InShape, Units, R>> {
  using layer = dense<InShape, Units, R>;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    constexpr std::size_t k_n = layer::depth;
    const std::int8_t *x = inputs[0];
    if (!std::is_constant_evaluated() && l.weight_zero_point == 0) {
      // Run time, symmetric weights: raw pointers, one pass over each unit's weights
      // (ref/inner_product.hpp).
      const std::int8_t *w = l.weights.data();
      for (std::size_t r = 0; r < layer::rows; ++r)
        for (std::size_t u = 0; u < Units; ++u)
          out[r * Units + u] = l.output.apply(
              (l.bias.empty() ? 0 : l.bias[u]) +
                  ref_detail::dot_offset(x + r * k_n, w + u * k_n, k_n, l.input_zero_point),
              u);
      return;
    }
    for (std::size_t r = 0; r < layer::rows; ++r)
      for (std::size_t u = 0; u < Units; ++u) {
        std::int32_t acc = l.bias.empty() ? 0 : l.bias[u];
        for (std::size_t k = 0; k < k_n; ++k)
          acc += (x[r * k_n + k] - l.input_zero_point) *
                 (l.weights[u * k_n + k] - l.weight_zero_point);
        out[r * Units + u] = l.output.apply(acc, u);
      }
  }
};

} // namespace onnx2hpp
