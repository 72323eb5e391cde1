// Must not compile: node "conv2" is wired to a 6x6x8 tensor but its layer was built for 6x6x4.
// The diagnostic must name the node and both shapes (checked by CTest's PASS_REGULAR_EXPRESSION).
#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/graph/graph.hpp"

using namespace onnx2hpp;

constexpr std::array<std::int8_t, 8 * 2> w1{};
constexpr std::array<std::int8_t, 4 * 4> w2{};
constexpr std::array<std::int32_t, 1> m{1 << 30}, s{0};
using conv1_t = conv2d<shape<1, 6, 6, 2>, conv2d_attrs{.out_channels = 8, .kernel_h = 1, .kernel_w = 1}>;
using conv2_t = conv2d<shape<1, 6, 6, 4>, conv2d_attrs{.out_channels = 4, .kernel_h = 1, .kernel_w = 1}>;
constexpr conv1_t conv1{w1, {}, 0, 0, {{m, s, 1}, 0}};
constexpr conv2_t conv2{w2, {}, 0, 0, {{m, s, 1}, 0}};

constexpr auto net = make_graph<inputs<tensor<0, shape<1, 6, 6, 2>>>, outputs<2>>(
    node<"conv1", in<0>, 1>(conv1), node<"conv2", in<1>, 2>(conv2));

int main() { return static_cast<int>(decltype(net)::arena_bytes); }
