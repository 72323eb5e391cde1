// The control for the compile-fail tests: the same graph wired correctly compiles, so a failure of
// the others is due to the wiring, not to the setup.
#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/graph/graph.hpp"

using namespace onnx2hpp;

constexpr std::array<std::int8_t, 8 * 2> w1{};
constexpr std::array<std::int8_t, 4 * 8> w2{};
constexpr std::array<std::int32_t, 1> m{1 << 30}, s{0};
using conv1_t = conv2d<shape<1, 6, 6, 2>, conv2d_attrs{.out_channels = 8, .kernel_h = 1, .kernel_w = 1}>;
using conv2_t = conv2d<shape<1, 6, 6, 8>, conv2d_attrs{.out_channels = 4, .kernel_h = 1, .kernel_w = 1}>;
constexpr conv1_t conv1{w1, {}, 0, 0, {{m, s, 1}, 0}};
constexpr conv2_t conv2{w2, {}, 0, 0, {{m, s, 1}, 0}};

constexpr auto net = make_graph<inputs<tensor<0, shape<1, 6, 6, 2>>>, outputs<2>>(
    node<"conv1", in<0>, 1>(conv1), node<"conv2", in<1>, 2>(conv2));

int main() { return static_cast<int>(decltype(net)::arena_bytes) == 288 ? 0 : 1; }
