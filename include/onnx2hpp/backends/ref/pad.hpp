// Reference kernel of constant padding: walk the output, copy where inside the input, else fill.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/pad.hpp"

namespace onnx2hpp {

template <shape_type InShape, pad_amounts<InShape::rank> P>
struct kernel<backends::ref, pad<InShape, P>> {
  using layer = pad<InShape, P>;
  using out_shape = typename layer::output_shape;
  static constexpr std::size_t rank = InShape::rank;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t o = 0; o < out_shape::size; ++o) {
      std::size_t rest = o, src = 0;
      bool inside = true;
      for (std::size_t d = rank; d-- > 0;) { // coordinates of o, last dimension first
        const std::size_t i = rest % out_shape::dims[d];
        rest /= out_shape::dims[d];
        if (i < P.begin[d] || i >= P.begin[d] + InShape::dims[d])
          inside = false;
        else
          src += (i - P.begin[d]) * InShape::stride(d);
      }
      out[o] = inside ? x[src] : l.value;
    }
  }
};

} // namespace onnx2hpp
