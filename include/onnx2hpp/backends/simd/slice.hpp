// simd kernel of slice: the same runs as ref (layers/slice.hpp), each one memcpy. A channel split
// of an NHWC tensor is one memcpy of the kept channels per pixel. Bit-exact with ref (a copy).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "onnx2hpp/backends/ref/slice.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/layers/slice.hpp"

namespace onnx2hpp {

template <class E, class I, shape_type InShape, slice_range... Ranges>
struct kernel<backends::basic_simd<E, I>, slice<InShape, Ranges...>> {
  using layer = slice<InShape, Ranges...>;

  static void run(const layer &, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    detail::for_each_slice_run<layer>([&](std::size_t from, std::size_t to) {
      std::memcpy(out + to, x + from, layer::run_length);
    });
  }
};

} // namespace onnx2hpp
