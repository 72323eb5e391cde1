// Fully connected layer: ONNX Gemm (transB = 1, constant B) and MatMul with a constant right-hand
// side, including batched MatMul on inputs of any rank >= 2 (all leading dimensions are rows).
// The generator transposes MatMul's [K][units] weights to [units][K] and folds Gemm's alpha/beta
// into the requantization multipliers and the bias.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "onnx2hpp/core/constant_data.hpp"
#include "onnx2hpp/core/output_stage.hpp"
#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

namespace detail {
template <shape_type S, std::size_t Last, class = std::make_index_sequence<S::rank - 1>>
struct replace_last_dim;
template <shape_type S, std::size_t Last, std::size_t... I>
struct replace_last_dim<S, Last, std::index_sequence<I...>> {
  using type = shape<S::dims[I]..., Last>;
};
} // namespace detail

/// `S` with its last extent replaced by `Last`: shape<2, 5, 7> -> shape<2, 5, Last>.
template <shape_type S, std::size_t Last>
using replace_last_dim_t = typename detail::replace_last_dim<S, Last>::type;

/// int8 fully connected layer. Input shape<..., K> (rank >= 2; the product of the leading extents
/// is the number of rows), weights [Units][K], output shape<..., Units>.
///
/// acc[r, u] = bias[u] + sum over k of (in[r, k] - input_zero_point) * (w[u, k] -
/// weight_zero_point) (bias empty: 0); out[r, u] = output.apply(acc[r, u], u), so per-channel
/// requantization is over units. The accumulator is int32, as in conv2d: every |acc| must fit,
/// which holds whenever K * 255 * 255 + |bias| < 2^31 (K <= 33025 with no bias). `Rounding` is how
/// the output stage requantizes (see basic_output_stage).
template <shape_type InShape, std::size_t Units,
          rounding_mode Rounding = rounding_mode::fixed_point>
struct dense {
  static_assert(InShape::rank >= 2, "dense: the input has rank >= 2: shape<rows..., K>");
  static_assert(Units >= 1, "dense: at least one output unit");

  static constexpr std::size_t units = Units;
  static constexpr rounding_mode rounding = Rounding;
  static constexpr std::size_t depth = InShape::dims[InShape::rank - 1]; ///< K
  static constexpr std::size_t rows = depth == 0 ? 0 : InShape::size / depth;
  static_assert(depth >= 1, "dense: the reduced dimension K must be positive");

  using input_shapes = type_list<InShape>;
  using output_shape = replace_last_dim_t<InShape, Units>;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = std::uint64_t{rows} * depth * Units;
  static constexpr std::size_t weight_count = Units * depth;

  const_data<std::int8_t, weight_count> weights; ///< [Units][K]
  const_data<std::int32_t, Units>
      bias; ///< [Units], scale input_scale*weight_scale[u]; may be empty
  std::int32_t input_zero_point = 0;
  std::int32_t weight_zero_point = 0;  ///< per tensor (PTQ weights are symmetric: 0)
  basic_output_stage<Rounding> output; ///< per channel over units, or per tensor
};

} // namespace onnx2hpp
