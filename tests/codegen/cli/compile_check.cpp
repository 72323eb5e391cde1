// Compiles the headers onnx2hpp generated from the CLI fixtures with the project's warnings and
// runs them: the small CNN's geometry is checked at compile time, the hand-checked dense layer's
// output value at run time.

#include "good.hpp"
#include "hand_checked.hpp"
#include "hostile_names.hpp"
#include "op_zoo.hpp"
#include "support/hostile_names.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

// hostile_names: small_qdq_cnn() with hostile node, value, graph and producer names. That this
// file compiles at all (no injected #include, #error or static initializer) is half the test; the
// names come back byte for byte, and the network computes exactly what `small` computes.
static_assert(std::string_view(hostile_names::input_info[0].name) ==
              std::string("input") + std::string(onnx2hpp::codegen::testing::hostile_value_suffix));
static_assert(hostile_names::graph_type::total_macs == small::graph_type::total_macs);
constexpr bool node_names_come_back() {
  for (const auto &node : hostile_names::node_info) {
    bool known = false;
    for (auto name : onnx2hpp::codegen::testing::hostile_node_names)
      known = known || std::string_view(node.node).starts_with(name); // "<name>:to_nchw" too
    if (!known)
      return false;
  }
  return true;
}
static_assert(node_names_come_back());

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
    std::array<std::int8_t, 16> q{};
    for (std::size_t i = 0; i < q.size(); ++i)
      q[i] = static_cast<std::int8_t>(static_cast<int>(i * 37 % 256) - 128);
    std::array<std::int8_t, 3> expected{}, got{};
    small::graph.run(q.data(), expected.data());
    hostile_names::graph.run(q.data(), got.data());
    if (got != expected) {
      std::printf("hostile_names: the renamed model computes something else\n");
      ++failures;
    }
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
