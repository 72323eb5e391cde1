// Digits samples embedded in the program: rows 0, 1, 2, 8 of examples/digits/digits_test_x.npy
// (float32 [1,1,8,8] each, ONNX layout; every value is a multiple of 1/16, so the literals are
// exact) and their labels from digits_test_y.npy. onnxruntime predicts the label for each of them.
// Used by the app (src/main.cpp) and by the compile-time tests (tests/compile_time_tests.cpp).
#pragma once

#include <array>
#include <cstddef>

namespace samples {

inline constexpr std::size_t count = 4;
inline constexpr std::array<std::size_t, count> row{0, 1, 2, 8};
inline constexpr std::array<int, count> label{7, 6, 3, 9};
inline constexpr std::array<std::array<float, 64>, count> image{{
    {{0.0f, 0.0f, 0.125f, 0.8125f, 1.0f, 0.5625f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.75f, 0.75f, 0.4375f, 1.0f, 0.1875f, 0.0f,
      0.0f, 0.0625f, 0.875f, 0.1875f, 0.0f, 1.0f, 0.25f, 0.0f,
      0.0f, 0.0f, 0.0f, 0.25f, 0.625f, 1.0f, 0.375f, 0.0f,
      0.0f, 0.0f, 0.0f, 0.8125f, 1.0f, 1.0f, 0.5625f, 0.0f,
      0.0f, 0.0f, 0.0f, 0.3125f, 0.8125f, 0.0625f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.0f, 0.6875f, 0.5625f, 0.0f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.0625f, 1.0f, 0.25f, 0.0f, 0.0f, 0.0f}},
    {{0.0f, 0.0f, 0.25f, 0.875f, 0.375f, 0.0f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.625f, 0.9375f, 0.125f, 0.0f, 0.0f, 0.0f,
      0.0f, 0.0f, 1.0f, 0.6875f, 0.0f, 0.0f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.8125f, 0.6875f, 0.0f, 0.0f, 0.0f, 0.0f,
      0.0f, 0.1875f, 1.0f, 0.75f, 0.5f, 0.1875f, 0.0f, 0.0f,
      0.0f, 0.125f, 1.0f, 0.875f, 0.5f, 0.75f, 0.5625f, 0.0f,
      0.0f, 0.0f, 1.0f, 0.8125f, 0.25f, 0.75f, 0.75f, 0.0f,
      0.0f, 0.0f, 0.375f, 0.9375f, 1.0f, 0.75f, 0.0625f, 0.0f}},
    {{0.0f, 0.0f, 0.375f, 0.875f, 1.0f, 1.0f, 0.125f, 0.0f,
      0.0f, 0.3125f, 1.0f, 0.8125f, 0.6875f, 1.0f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.4375f, 0.125f, 0.9375f, 0.75f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.0f, 0.4375f, 1.0f, 0.8125f, 0.0625f, 0.0f,
      0.0f, 0.0f, 0.0f, 0.0f, 0.375f, 0.9375f, 0.625f, 0.0f,
      0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.9375f, 0.5625f, 0.0f,
      0.0f, 0.0f, 0.1875f, 0.6875f, 0.5f, 1.0f, 0.375f, 0.0f,
      0.0f, 0.0f, 0.4375f, 1.0f, 1.0f, 0.5f, 0.0f, 0.0f}},
    {{0.0f, 0.0f, 0.1875f, 0.75f, 0.3125f, 0.0f, 0.0f, 0.0f,
      0.0f, 0.0625f, 0.9375f, 0.875f, 1.0f, 0.375f, 0.0f, 0.0f,
      0.0f, 0.375f, 1.0f, 0.0f, 0.375f, 1.0f, 0.375f, 0.0f,
      0.0f, 0.3125f, 1.0f, 0.6875f, 0.875f, 1.0f, 0.25f, 0.0f,
      0.0f, 0.0f, 0.5f, 0.625f, 0.75f, 1.0f, 0.0f, 0.0f,
      0.0f, 0.0f, 0.0625f, 0.0625f, 0.4375f, 0.9375f, 0.0625f, 0.0f,
      0.0f, 0.0f, 0.5f, 0.625f, 0.625f, 1.0f, 0.125f, 0.0f,
      0.0f, 0.0f, 0.125f, 0.8125f, 0.875f, 0.4375f, 0.0f, 0.0f}}}};

} // namespace samples
