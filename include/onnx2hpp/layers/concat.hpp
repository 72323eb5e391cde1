// Concatenation of tensors of the same rank along one axis (ONNX Concat / QLinearConcat), with a
// per-input requantization to the output's scale and zero point.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// How one input of a concat maps into the output quantization.
///   identity:  out = in (input scale and zero point equal the output's; exact copy)
///   otherwise: out = saturate(multiply_by_quantized_multiplier((in − zero_point) · 2^left_shift,
///                                                             multiplier) + output_zero_point)
/// with multiplier ≈ input_scale / (output_scale · 2^left_shift). The left shift (16 unless the
/// ratio is tiny; |in − zero_point| <= 255 leaves room) keeps fraction bits through the high
/// multiply, so the result is rounded once: to nearest, ties away from zero.
/// In rounding_mode::onnxruntime (concat_attrs::rounding; onnxruntime's DequantizeLinear →
/// QuantizeLinear, as its
/// QLinearConcat): out = saturate(round_half_even(fp32(fp32(in − zero_point) · scale) /
/// output_scale) + output_zero_point); identity inputs are copied in both modes.
/// Build it with make_concat_input, which fills the data of both modes.
struct concat_input {
  std::int32_t zero_point = 0;
  quantized_multiplier multiplier{1 << 30, -15}; ///< 1.0 with left_shift 16
  std::int32_t left_shift = 16;
  bool identity = true;
  float scale = 1.0f;        ///< the input's scale, onnxruntime mode only
  float output_scale = 1.0f; ///< onnxruntime mode only
};

/// concat_input from float quantization parameters (ratio computed in double); identity when
/// scale and zero point match the output's exactly.
constexpr concat_input make_concat_input(float in_scale, std::int32_t in_zero_point,
                                         float out_scale, std::int32_t out_zero_point) {
  quantized_multiplier m =
      quantize_multiplier(static_cast<double>(in_scale) / static_cast<double>(out_scale));
  const std::int32_t left_shift = m.shift + 31 < 16 ? m.shift + 31 : 16; // shift >= −31
  m.shift -= left_shift;
  return {in_zero_point, m,
          left_shift,    in_scale == out_scale && in_zero_point == out_zero_point,
          in_scale,      out_scale};
}

/// The template attributes of concat: the axis and the rounding mode of its requantized inputs.
/// Converts implicitly from an axis, so concat<3, S...> is a fixed-point concat along axis 3 and
/// concat<concat_attrs{3, rounding_mode::onnxruntime}, S...> the onnxruntime-mode one.
struct concat_attrs {
  std::size_t axis = 0;
  rounding_mode rounding = rounding_mode::fixed_point;

  constexpr concat_attrs(std::size_t a, rounding_mode r = rounding_mode::fixed_point)
      : axis(a), rounding(r) {}
};

namespace detail {
/// Extent of `axis` of S, or 0 when S has no such axis (diagnosed by concat's static_assert).
template <shape_type S>
constexpr std::size_t extent_or_zero(std::size_t axis) {
  return axis < S::rank ? S::dims[axis] : 0;
}

template <std::size_t Axis, shape_type First, shape_type... Rest>
struct concat_shape {
  static constexpr bool same_rank = ((Rest::rank == First::rank) && ...);
  static constexpr bool other_dims_match = [] {
    if constexpr (!same_rank)
      return false;
    else {
      bool ok = true;
      for (std::size_t d = 0; d < First::rank; ++d)
        if (d != Axis)
          ok = ok && ((Rest::dims[d] == First::dims[d]) && ...);
      return ok;
    }
  }();
  static constexpr std::array<std::size_t, First::rank> dims = [] {
    std::array<std::size_t, First::rank> d = First::dims;
    if constexpr (Axis < First::rank)
      d[Axis] = (First::dims[Axis] + ... + extent_or_zero<Rest>(Axis));
    return d;
  }();
  template <std::size_t... I>
  static auto make(std::index_sequence<I...>) -> shape<dims[I]...>;
  using type = decltype(make(std::make_index_sequence<First::rank>{}));
};
} // namespace detail

/// Concatenation along `A.axis` (0-based, non-negative: the generator normalizes ONNX's negative
/// axes; for NHWC activations 1 = H, 2 = W, 3 = C). Every input has the rank of the first and
/// the same extents except along the axis. `inputs[i]` requantizes input i into the output
/// quantization (see concat_input).
template <concat_attrs A, shape_type... Shapes>
struct concat {
  static constexpr std::size_t axis = A.axis;
  static constexpr rounding_mode rounding = A.rounding;
  static_assert(sizeof...(Shapes) >= 1, "concat: needs at least one input");
  using shapes = detail::concat_shape<A.axis, Shapes...>;
  static_assert(shapes::same_rank, "concat: every input must have the same rank");
  static_assert(A.axis < type_at_t<0, type_list<Shapes...>>::rank,
                "concat: the axis must be smaller than the rank of the inputs");
  static_assert(shapes::other_dims_match,
                "concat: the inputs' extents must be equal on every axis except the concat axis");

  using input_shapes = type_list<Shapes...>;
  using output_shape = typename shapes::type;
  static constexpr std::size_t n_inputs = sizeof...(Shapes);
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0;

  std::array<concat_input, sizeof...(Shapes)> inputs{};
  std::int32_t output_zero_point = 0;
};

} // namespace onnx2hpp
