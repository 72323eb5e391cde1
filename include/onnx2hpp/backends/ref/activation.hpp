// Reference kernel of the standalone activation: clamp, then the optional table, per element.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/activation.hpp"

namespace onnx2hpp {

template <shape_type Shape>
struct kernel<backends::ref, activation<Shape>> {
  using layer = activation<Shape>;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t i = 0; i < Shape::size; ++i) {
      const std::int32_t v = x[i]; // read before the (possibly aliased) write
      const std::int32_t c = v < l.act_min ? l.act_min : (v > l.act_max ? l.act_max : v);
      out[i] = l.lut != nullptr ? (*l.lut)[static_cast<std::size_t>(c + 128)]
                                : static_cast<std::int8_t>(c);
    }
  }
};

} // namespace onnx2hpp
