// Layout layers without arithmetic: reshape (ONNX Reshape, Flatten, Squeeze, Unsqueeze — a
// row-major reinterpretation, i.e. a copy) and transpose (ONNX Transpose, any rank up to 6).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// out = in, element for element: only the shape changes. The planner may alias the output with
/// the input, making the copy a no-op overwrite.
template <shape_type InShape, shape_type OutShape>
struct reshape {
  static_assert(InShape::size == OutShape::size,
                "reshape: the input and output shapes must have the same number of elements");
  using input_shapes = type_list<InShape>;
  using output_shape = OutShape;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = true;
  static constexpr std::uint64_t macs = 0;
};

namespace detail {
template <shape_type InShape, std::size_t... Perm>
struct transpose_shape {
  static constexpr std::size_t rank = sizeof...(Perm);
  static constexpr std::array<std::size_t, rank> perm{Perm...};
  static constexpr bool is_permutation = [] {
    std::array<bool, rank> seen{};
    for (std::size_t p : perm) {
      if (p >= rank || seen[p])
        return false;
      seen[p] = true;
    }
    return true;
  }();
  static constexpr std::size_t out_dim(std::size_t i) {
    return is_permutation && rank == InShape::rank ? InShape::dims[perm[i]] : 1;
  }
  template <std::size_t... I>
  static auto make(std::index_sequence<I...>) -> shape<out_dim(I)...>;
  using type = decltype(make(std::make_index_sequence<rank>{}));
};
} // namespace detail

/// out[i_0, ..., i_{r−1}] = in[j] with j[Perm[k]] = i_k, i.e. output axis k is input axis Perm[k]
/// (ONNX Transpose `perm`; the generator spells out the default reversed permutation).
template <shape_type InShape, std::size_t... Perm>
struct transpose {
  using shapes = detail::transpose_shape<InShape, Perm...>;
  static_assert(sizeof...(Perm) == InShape::rank,
                "transpose: the permutation must have one entry per input dimension");
  static_assert(InShape::rank >= 1 && InShape::rank <= 6, "transpose: rank must be in [1, 6]");
  static_assert(shapes::is_permutation,
                "transpose: Perm must be a permutation of 0 .. rank-1 (each axis exactly once)");

  using input_shapes = type_list<InShape>;
  using output_shape = typename shapes::type;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0;
  static constexpr std::array<std::size_t, sizeof...(Perm)> perm{Perm...};
};

} // namespace onnx2hpp
