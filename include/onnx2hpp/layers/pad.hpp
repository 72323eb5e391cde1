// Constant-mode padding (ONNX Pad, mode "constant", non-negative pads) of a tensor of any rank.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// Elements added before (`begin`) and after (`end`) each dimension. A structural type, so it is
/// a template argument: `pad_amounts<4>{.begin = {0, 1, 2, 0}, .end = {0, 1, 2, 0}}` pads H by 1
/// and W by 2 on both sides of an NHWC tensor. (ONNX `pads` = [begin..., end...].)
template <std::size_t Rank>
struct pad_amounts {
  std::array<std::size_t, Rank> begin{};
  std::array<std::size_t, Rank> end{};
};

namespace detail {
template <shape_type InShape, pad_amounts<InShape::rank> P>
struct padded_shape {
  template <std::size_t... I>
  static auto make(std::index_sequence<I...>)
      -> shape<(P.begin[I] + InShape::dims[I] + P.end[I])...>;
  using type = decltype(make(std::make_index_sequence<InShape::rank>{}));
};
} // namespace detail

/// out[i] = in[i − begin] where every coordinate is inside the input, else `value`.
template <shape_type InShape, pad_amounts<InShape::rank> P>
struct pad {
  using input_shapes = type_list<InShape>;
  using output_shape = typename detail::padded_shape<InShape, P>::type;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0;
  static constexpr pad_amounts<InShape::rank> amounts = P;

  std::int8_t value = 0; ///< the padding constant, quantized: normally the input zero point
};

} // namespace onnx2hpp
