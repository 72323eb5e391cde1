// Reference kernel of concat: for every index over the axes before the concat axis, each input in
// turn contributes one contiguous block (its extent along the axis times the inner size).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/concat.hpp"

namespace onnx2hpp {

template <concat_attrs A, shape_type... Shapes>
struct kernel<backends::ref, concat<A, Shapes...>> {
  using layer = concat<A, Shapes...>;
  static constexpr std::size_t Axis = A.axis;
  using out_shape = typename layer::output_shape;
  static constexpr std::size_t n = sizeof...(Shapes);
  /// Elements each input contributes per outer index.
  static constexpr std::array<std::size_t, n> blocks{
      (Shapes::dims[Axis] * Shapes::stride(Axis))...};
  static constexpr std::size_t out_block = out_shape::dims[Axis] * out_shape::stride(Axis);
  static constexpr std::size_t outer = out_block == 0 ? 0 : out_shape::size / out_block;

  static constexpr void run(const layer &l, const std::array<const std::int8_t *, n> &inputs,
                            std::int8_t *out) {
    for (std::size_t o = 0; o < outer; ++o) {
      std::int8_t *dst = out + o * out_block;
      for (std::size_t i = 0; i < n; ++i) {
        const std::int8_t *src = inputs[i] + o * blocks[i];
        const concat_input &q = l.inputs[i];
        if (q.identity)
          for (std::size_t k = 0; k < blocks[i]; ++k)
            dst[k] = src[k];
        else if (A.rounding == rounding_mode::onnxruntime)
          for (std::size_t k = 0; k < blocks[i]; ++k)
            dst[k] = requantize_fp32(
                fp32_div(fp32_mul(static_cast<float>(src[k] - q.zero_point), q.scale),
                         q.output_scale),
                l.output_zero_point, -128, 127);
        else
          for (std::size_t k = 0; k < blocks[i]; ++k)
            dst[k] = requantize(saturate_cast<std::int32_t>((std::int64_t{src[k]} - q.zero_point) *
                                                            (std::int64_t{1} << q.left_shift)),
                                q.multiplier, l.output_zero_point, -128, 127);
        dst += blocks[i];
      }
    }
  }
};

} // namespace onnx2hpp
