// Must not compile: node "head" reads slot 7, which nothing writes.
#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/graph/graph.hpp"

using namespace onnx2hpp;

constexpr std::array<std::int8_t, 4> w{};
constexpr std::array<std::int32_t, 1> m{1 << 30}, s{0};
using conv_t = conv2d<shape<1, 6, 6, 2>, conv2d_attrs{.out_channels = 2, .kernel_h = 1, .kernel_w = 1}>;
constexpr conv_t conv{w, {}, 0, 0, {{m, s, 1}, 0}};

constexpr auto net = make_graph<inputs<tensor<0, shape<1, 6, 6, 2>>>, outputs<2>>(
    node<"stem", in<0>, 1>(conv), node<"head", in<7>, 2>(conv));

int main() { return static_cast<int>(decltype(net)::arena_bytes); }
