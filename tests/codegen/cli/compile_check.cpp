// Compiles the headers onnx2hpp generated from the CLI fixtures with the project's warnings and
// runs them: the small CNN's geometry is checked at compile time, the hand-checked dense layer's
// output value at run time.

#include "good.hpp"
#include "hand_checked.hpp"
#include "op_zoo.hpp"

#include <array>
#include <cmath>
#include <cstdio>

// small_qdq_cnn(): conv 3x3 with 2 output channels on 4x4 (288 MACs), dense 8 -> 3 (24 MACs).
static_assert(small::graph_type::total_macs == 4 * 4 * 2 * 9 + 3 * 8);
static_assert(std::is_same_v<small::graph_type::input_shape_t<0>, onnx2hpp::shape<1, 4, 4, 1>>);
static_assert(std::is_same_v<small::graph_type::output_shape_t<0>, onnx2hpp::shape<1, 3>>);
static_assert(small::input_info[0].onnx_is_nchw && small::input_info[0].onnx_shape[1] == 1);

int main() {
  int failures = 0;
  {
    std::array<float, 16> x{};
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(i) / 16.0f;
    std::array<std::int8_t, 16> q{};
    std::array<std::int8_t, 3> out{};
    std::array<float, 3> y{};
    onnx2hpp::quantize_from_onnx(small::input_info[0], x.data(), q.data());
    small::graph.run(q.data(), out.data());
    onnx2hpp::dequantize_to_onnx(small::output_info[0], out.data(), y.data());
    for (float v : y)
      failures += std::isfinite(v) ? 0 : 1;
  }
  {
    const std::array<float, 2> x{1.0f, 2.0f};
    std::array<std::int8_t, 2> q{}, out{};
    std::array<float, 2> y{};
    onnx2hpp::quantize_from_onnx(hand_checked::input_info[0], x.data(), q.data());
    hand_checked::graph.run(q.data(), out.data());
    onnx2hpp::dequantize_to_onnx(hand_checked::output_info[0], out.data(), y.data());
    if (y[0] != 1.0f || y[1] != -0.5f) {
      std::printf("hand_checked: got [%g, %g], expected [1, -0.5]\n", double(y[0]), double(y[1]));
      ++failures;
    }
  }
  std::printf("%s\n",
              failures == 0 ? "generated headers compile and compute as expected" : "FAILED");
  return failures == 0 ? 0 : 1;
}
