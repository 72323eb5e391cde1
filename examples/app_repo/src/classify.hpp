// The app's one use of the model: a float 8x8 image (ONNX layout, [1,1,8,8]) in, a digit out.
// Everything here is constexpr, so the compile-time tests run exactly the code the app runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "digits.hpp" // generated from the model at build time by onnx2hpp_add_model()

namespace app {

using graph_t = digits::graph_type;
constexpr const onnx2hpp::io_tensor_info &input = digits::input_info[0];
constexpr const onnx2hpp::io_tensor_info &output = digits::output_info[0];
inline constexpr std::size_t input_size = graph_t::input_shape_t<0>::size;
inline constexpr std::size_t classes = graph_t::output_shape_t<0>::size;

/// The model's int8 scores for one image, with the ref backend and an arena on the stack.
constexpr std::array<std::int8_t, classes> scores(const std::array<float, input_size> &image) {
  std::array<std::int8_t, input_size> q{};
  onnx2hpp::quantize_from_onnx(input, image.data(), q.data());
  std::array<std::int8_t, classes> out{};
  digits::graph.run<onnx2hpp::backends::ref>(q.data(), out.data());
  return out;
}

/// The predicted digit: the index of the highest score (the first one on ties).
constexpr int classify(const std::array<float, input_size> &image) {
  const auto s = scores(image);
  std::size_t best = 0;
  for (std::size_t i = 1; i < s.size(); ++i)
    if (s[i] > s[best]) best = i;
  return static_cast<int>(best);
}

} // namespace app
