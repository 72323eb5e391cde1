// What every layer spec provides: the contract between a layer family and the graph, the memory
// planner and the backends. A spec is a plain struct (geometry as template arguments,
// quantization as values); the graph forms a node only from a type that models layer_spec.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

namespace detail {
template <class List>
inline constexpr bool shape_list = false;
template <class... S>
inline constexpr bool shape_list<type_list<S...>> = (shape_type<S> && ...);
} // namespace detail

/// A layer spec:
///   input_shapes   type_list of the shapes of its n_inputs inputs (int8 tensors);
///   output_shape   the shape of its one output;
///   n_inputs       how many tensors it reads (>= 1);
///   in_place       whether its output may share its first input's buffer;
///   macs           multiply-accumulates of one run (0 for layers without multiplies).
/// Optional: output_element_bytes (4 for int32 outputs; default 1, output_element_bytes_v).
template <class L>
concept layer_spec = requires {
  typename L::input_shapes;
  typename L::output_shape;
  { L::n_inputs } -> std::convertible_to<std::size_t>;
  { L::in_place } -> std::convertible_to<bool>;
  { L::macs } -> std::convertible_to<std::uint64_t>;
} && detail::shape_list<typename L::input_shapes> && shape_type<typename L::output_shape> &&
    L::input_shapes::size == L::n_inputs && L::n_inputs >= 1;

/// Bytes per element of a layer's output: `Layer::output_element_bytes` (4 for the int32 outputs
/// of conv2d_integer/dense_integer), else 1 (int8).
template <class Layer>
constexpr std::size_t output_element_bytes_v = [] {
  if constexpr (requires { Layer::output_element_bytes; })
    return std::size_t{Layer::output_element_bytes};
  else
    return std::size_t{1};
}();

} // namespace onnx2hpp
