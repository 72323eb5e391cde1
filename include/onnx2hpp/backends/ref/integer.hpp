// Reference kernels of conv2d_integer and dense_integer: the definitions in layers/integer.hpp,
// each int32 result stored with store_int32. Other backends fall back to these.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/core/int32_elements.hpp"
#include "onnx2hpp/layers/integer.hpp"

namespace onnx2hpp {

template <shape_type InShape, conv2d_attrs A>
struct kernel<backends::ref, conv2d_integer<InShape, A>> {
  using layer = conv2d_integer<InShape, A>;
  using in = typename layer::in;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    detail::for_each_conv2d_output<layer>(
        [&](std::size_t n, std::size_t oy, std::size_t ox, std::size_t oc, std::size_t at) {
          store_int32(out, at,
                      detail::conv2d_window_sum<layer, A>(x, l.weights, l.input_zero_point,
                                                          l.weight_zero_point(oc), n, oy, ox, oc));
        });
  }
};

template <shape_type InShape, std::size_t Units>
struct kernel<backends::ref, dense_integer<InShape, Units>> {
  using layer = dense_integer<InShape, Units>;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    constexpr std::size_t k_n = layer::depth;
    const std::int8_t *x = inputs[0];
    for (std::size_t r = 0; r < layer::rows; ++r)
      for (std::size_t u = 0; u < Units; ++u) {
        const std::int32_t wz = l.weight_zero_point(u);
        std::int32_t acc = 0;
        for (std::size_t k = 0; k < k_n; ++k)
          acc += (x[r * k_n + k] - l.input_zero_point) * (l.weights[u * k_n + k] - wz);
        store_int32(out, r * Units + u, acc);
      }
  }
};

} // namespace onnx2hpp
