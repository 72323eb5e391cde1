// A whole network — two convolutions, a max pool and a dense layer — evaluated by the compiler.
//
// The network is designed by hand to tell a vertical bar from a horizontal one in an 8x8 image:
// conv1 has a vertical-line detector (channel 0) and a horizontal-line detector (channel 1) with
// a fused ReLU; conv2 sums each detector over a 3x3 neighbourhood; the max pool keeps the
// strongest response per 2x2 block; the dense layer adds up each channel into one score per class.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>

#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/layers/all.hpp"

using namespace onnx2hpp;

namespace {

constexpr quantized_multiplier eighth = quantize_multiplier(0.125); // {2^30, -2}
static_assert(eighth.multiplier == (1 << 30) && eighth.shift == -2);
constexpr std::array<std::int32_t, 1> m{eighth.multiplier}, s{eighth.shift};
constexpr output_stage relu_eighth{{m, s, 1}, 0, 0, 127};

// OHWI [2][3][3][1]: vertical line, horizontal line.
constexpr std::array<std::int8_t, 18> w1{-1, 2,  -1, -1, 2, -1, -1, 2,  -1, //
                                         -1, -1, -1, 2,  2, 2,  -1, -1, -1};
// OHWI [2][3][3][2]: output c sums input channel c over the window.
constexpr std::array<std::int8_t, 36> w2 = [] {
  std::array<std::int8_t, 36> w{};
  for (std::size_t oc = 0; oc < 2; ++oc)
    for (std::size_t k = 0; k < 9; ++k)
      w[(oc * 9 + k) * 2 + oc] = 1;
  return w;
}();
// [2][8] over the flattened 2x2x2 pool output (NHWC): unit c sums channel c.
constexpr std::array<std::int8_t, 16> w3{1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1};

using conv1_t =
    conv2d<shape<1, 8, 8, 1>, conv2d_attrs{.out_channels = 2, .kernel_h = 3, .kernel_w = 3}>;
using conv2_t =
    conv2d<shape<1, 6, 6, 2>, conv2d_attrs{.out_channels = 2, .kernel_h = 3, .kernel_w = 3}>;
using pool_t = max_pool2d<shape<1, 4, 4, 2>,
                          pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2}>;
using flat_t = reshape<shape<1, 2, 2, 2>, shape<1, 8>>;
using fc_t = dense<shape<1, 8>, 2>;

constexpr auto bars = make_graph<inputs<tensor<0, shape<1, 8, 8, 1>>>, outputs<5>>(
    node<"conv1", in<0>, 1>(conv1_t{w1, {}, 0, 0, relu_eighth}),
    node<"conv2", in<1>, 2>(conv2_t{w2, {}, 0, 0, relu_eighth}), node<"pool", in<2>, 3>(pool_t{}),
    node<"flatten", in<3>, 4>(flat_t{}), node<"fc", in<4>, 5>(fc_t{w3, {}, 0, 0, relu_eighth}));

constexpr std::array<std::int8_t, 64> bar(bool vertical) {
  std::array<std::int8_t, 64> img{};
  for (std::size_t i = 0; i < 8; ++i)
    img[vertical ? i * 8 + 3 : 3 * 8 + i] = 100;
  return img;
}

constexpr std::array<std::int8_t, 2> scores(const std::array<std::int8_t, 64> &img) {
  std::array<std::int8_t, 2> out{};
  bars.run(img.data(), out.data());
  return out;
}

// Hand-worked, vertical bar in column 3 of the 8x8 image: conv1 ch0 is 3*2*100/8 = 75 where its
// window is centred on the bar (output column 2) and negative -> 0 elsewhere; ch1 is 0 everywhere
// (-100 + 200 - 100 on the bar's column). conv2 ch0 = 3*75/8 = 28.125 -> 28 at the output columns
// 0, 1, 2 whose windows cover column 2, and ch1 = 0. Every 2x2 pool block of the 4x4 map holds one
// such 28. fc unit 0 = 4*28/8 = 14, unit 1 = 0. The horizontal bar is the transpose: (0, 14).
constexpr auto vertical_scores = scores(bar(true));
constexpr auto horizontal_scores = scores(bar(false));
static_assert(vertical_scores[0] == 14 && vertical_scores[1] == 0);
static_assert(horizontal_scores[0] == 0 && horizontal_scores[1] == 14);

} // namespace

TEST_SUITE("graph") {

  TEST_CASE("compile-time evaluation: two convs, a pool and a dense layer classify bars") {
    // The static_asserts above already ran at compile time; the same network at run time agrees.
    const auto v = bar(true), h = bar(false);
    std::array<std::int8_t, 2> out{};
    bars.run(v.data(), out.data());
    CHECK(out == vertical_scores);
    bars.run(h.data(), out.data());
    CHECK(out == horizontal_scores);
    static_assert(decltype(bars)::n_nodes == 5);
  }
}
