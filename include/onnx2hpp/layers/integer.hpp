// Integer convolution and matrix product with int32 outputs: ONNX ConvInteger and MatMulInteger,
// whose result is the raw accumulator, without requantization. The output tensor has int32
// elements (output_element_bytes = 4, stored as in core/int32_elements.hpp), so it can only be a
// graph output: no layer reads it (the graph checks this at compile time).
#pragma once

#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/constant_data.hpp"
#include "onnx2hpp/core/shape.hpp"
#include "onnx2hpp/layers/conv2d.hpp"
#include "onnx2hpp/layers/dense.hpp"

namespace onnx2hpp {

/// int8 NHWC convolution with int32 output (ONNX ConvInteger). Geometry as conv2d<InShape, A>
/// (weights OHWI; `A.rounding` is not used).
///
/// out[n,y,x,oc] = sum over (ky, kx, ic in group of oc) of
///                 (in[n, y*sh - pt + ky*dh, x*sw - pl + kx*dw, ic] - input_zero_point)
///                 * (w[oc, ky, kx, ic] - weight_zero_point(oc))
/// where padded positions contribute nothing; weight_zero_point(oc) is weight_zero_points[oc]
/// (per output channel) or weight_zero_points[0] (`weight_zero_points_count` 1).
template <shape_type InShape, conv2d_attrs A>
struct conv2d_integer {
  using geometry = conv2d<InShape, A>;
  using in = nhwc<InShape>;
  static constexpr conv2d_attrs attrs = A;
  static constexpr std::size_t out_h = geometry::out_h;
  static constexpr std::size_t out_w = geometry::out_w;
  static constexpr std::size_t in_channels_per_group = geometry::in_channels_per_group;
  static constexpr std::size_t out_channels_per_group = geometry::out_channels_per_group;

  using input_shapes = type_list<InShape>;
  using output_shape = typename geometry::output_shape;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::size_t output_element_bytes = 4; ///< int32 elements
  static constexpr std::uint64_t macs = geometry::macs;
  static constexpr std::size_t weight_count = geometry::weight_count;

  const_data<std::int8_t, weight_count> weights; ///< OHWI
  std::int32_t input_zero_point = 0;
  const_data<std::int32_t> weight_zero_points; ///< [out_channels], or [1] for all
  std::size_t weight_zero_points_count = 1;

  constexpr std::int32_t weight_zero_point(std::size_t oc) const {
    return weight_zero_points[weight_zero_points_count == 1 ? 0 : oc];
  }
};

/// int8 fully connected layer with int32 output (ONNX MatMulInteger with constant B). Input
/// shape<..., K>, weights [Units][K] (B transposed), output shape<..., Units>:
/// out[r, u] = sum over k of (in[r, k] - input_zero_point) * (w[u, k] - weight_zero_point(u)).
template <shape_type InShape, std::size_t Units>
struct dense_integer {
  static_assert(InShape::rank >= 2, "dense_integer: the input has rank >= 2: shape<rows..., K>");
  static_assert(Units >= 1, "dense_integer: at least one output unit");

  static constexpr std::size_t units = Units;
  static constexpr std::size_t depth = InShape::dims[InShape::rank - 1]; ///< K
  static_assert(depth >= 1, "dense_integer: the reduced dimension K must be positive");
  static constexpr std::size_t rows = InShape::size / depth;

  using input_shapes = type_list<InShape>;
  using output_shape = replace_last_dim_t<InShape, Units>;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::size_t output_element_bytes = 4; ///< int32 elements
  static constexpr std::uint64_t macs = std::uint64_t{rows} * depth * Units;
  static constexpr std::size_t weight_count = Units * depth;

  const_data<std::int8_t, weight_count> weights; ///< [Units][K]
  std::int32_t input_zero_point = 0;
  const_data<std::int32_t> weight_zero_points; ///< [Units], or [1] for all
  std::size_t weight_zero_points_count = 1;

  constexpr std::int32_t weight_zero_point(std::size_t u) const {
    return weight_zero_points[weight_zero_points_count == 1 ? 0 : u];
  }
};

} // namespace onnx2hpp
