// Reference kernels of reshape (a copy, safe when aliased) and transpose (walk the output in
// order, stepping through the input with permuted strides).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/reshape.hpp"

namespace onnx2hpp {

template <shape_type InShape, shape_type OutShape>
struct kernel<backends::ref, reshape<InShape, OutShape>> {
  using layer = reshape<InShape, OutShape>;

  static constexpr void run(const layer &, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    for (std::size_t i = 0; i < InShape::size; ++i)
      out[i] = x[i];
  }
};

template <shape_type InShape, std::size_t... Perm>
struct kernel<backends::ref, transpose<InShape, Perm...>> {
  using layer = transpose<InShape, Perm...>;
  using out_shape = typename layer::output_shape;
  static constexpr std::size_t rank = InShape::rank;
  /// Input stride of each output axis.
  static constexpr std::array<std::size_t, rank> in_strides{InShape::stride(Perm)...};

  static constexpr void run(const layer &, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    std::array<std::size_t, rank> idx{};
    std::size_t src = 0;
    for (std::size_t o = 0; o < out_shape::size; ++o) {
      out[o] = x[src];
      for (std::size_t d = rank; d-- > 0;) { // odometer increment, last output axis fastest
        src += in_strides[d];
        if (++idx[d] < out_shape::dims[d])
          break;
        src -= in_strides[d] * out_shape::dims[d];
        idx[d] = 0;
      }
    }
  }
};

} // namespace onnx2hpp
