// A standalone element-wise activation, for an activation the generator could not fuse into the
// layer producing its input (e.g. it follows a concat, or its input has several consumers).
#pragma once

#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/activation_lut.hpp"
#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// out[i] = clamp(in[i], act_min, act_max); then, if `lut` is set, out[i] = (*lut)[out[i] + 128].
/// A table (make_activation_lut) covers every activation including a change of quantization
/// (input and output scales may differ); a null table leaves a clamp (ReLU/ReLU6/Clip when the
/// input and output quantization are equal, from activation_clamp).
template <shape_type Shape>
struct activation {
  using input_shapes = type_list<Shape>;
  using output_shape = Shape;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = true;
  static constexpr std::uint64_t macs = 0;

  const lut256 *lut = nullptr;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
};

} // namespace onnx2hpp
