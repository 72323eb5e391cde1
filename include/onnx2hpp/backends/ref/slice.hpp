// Reference kernel of slice: walk the output's runs in order (layers/slice.hpp), stepping the
// input offset with an odometer over the walked axes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/layers/slice.hpp"

namespace onnx2hpp {

namespace detail {
/// Calls copy(input offset, output offset) for each contiguous run of `Slice`, in output order.
template <class Slice, class Copy>
constexpr void for_each_slice_run(Copy &&copy) {
  constexpr std::size_t outer = Slice::outer_rank;
  using out_shape = typename Slice::output_shape;
  std::array<std::size_t, Slice::rank> idx{};
  std::int64_t src = std::int64_t(Slice::first_offset);
  for (std::size_t r = 0; r < Slice::runs; ++r) {
    copy(std::size_t(src), r * Slice::run_length);
    for (std::size_t d = outer; d-- > 0;) { // odometer, last walked axis fastest
      src += Slice::in_steps[d];
      if (++idx[d] < out_shape::dims[d])
        break;
      src -= Slice::in_steps[d] * std::int64_t(out_shape::dims[d]);
      idx[d] = 0;
    }
  }
}
} // namespace detail

template <shape_type InShape, slice_range... Ranges>
struct kernel<backends::ref, slice<InShape, Ranges...>> {
  using layer = slice<InShape, Ranges...>;

  static constexpr void run(const layer &, const std::array<const std::int8_t *, 1> &inputs,
                            std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    detail::for_each_slice_run<layer>([&](std::size_t from, std::size_t to) {
      for (std::size_t i = 0; i < layer::run_length; ++i)
        out[to + i] = x[from + i];
    });
  }
};

} // namespace onnx2hpp
