// simd conv2d against ref, bit for bit, over many random geometries and quantizations.
#include "harness.hpp"

using namespace onnx2hpp;

namespace {

struct conv_options {
  bool per_channel = true;
  bool bias = true;
  bool lut = false;
  int input_zp = 0;      ///< used when not randomized
  bool random_zp = true; ///< input zero point drawn in [−128, 127]
  int weight_zp = 0;
};

template <std::size_t N, std::size_t H, std::size_t W, std::size_t C, conv2d_attrs A>
void check_conv(std::uint64_t seed, conv_options o = {}) {
  using layer_t = conv2d<shape<N, H, W, C>, A>;
  test::rng r(seed);
  const auto x = r.int8s(N * H * W * C);
  const auto w = r.int8s(layer_t::weight_count);
  const auto bias = r.int32s(A.out_channels, -20000, 20000);
  const std::size_t depth = layer_t::in_channels_per_group * A.kernel_h * A.kernel_w;
  test::random_output_stage os(r, A.out_channels, depth, o.per_channel, o.lut);
  layer_t l{};
  l.weights = w.data();
  if (o.bias)
    l.bias = bias.data();
  l.input_zero_point = o.random_zp ? r.uniform(-128, 127) : o.input_zp;
  l.weight_zero_point = o.weight_zp;
  l.output = os.stage;
  const auto storage =
      std::make_unique<typename simd::pack_traits<layer_t>::storage>(simd::pack(l));
  const simd::packed<layer_t> p{l, *storage};
  CHECK(test::mismatches_against_ref(p, std::array<const std::int8_t *, 1>{x.data()}) == 0);
}

constexpr conv2d_attrs pw(std::size_t oc) {
  return {.out_channels = oc, .kernel_h = 1, .kernel_w = 1};
}
constexpr conv2d_attrs k3(std::size_t oc, std::size_t stride = 1, std::size_t pad = 1) {
  return {.out_channels = oc,
          .kernel_h = 3,
          .kernel_w = 3,
          .stride_h = stride,
          .stride_w = stride,
          .pad_top = pad,
          .pad_left = pad,
          .pad_bottom = pad,
          .pad_right = pad};
}

} // namespace

TEST_SUITE("simd") {

  TEST_CASE("simd conv2d: pointwise equals ref for channel counts around the vector widths") {
    check_conv<1, 5, 7, 16, pw(16)>(1);
    check_conv<1, 3, 3, 4, pw(1)>(2);
    check_conv<1, 4, 5, 8, pw(17)>(3);
    check_conv<1, 7, 3, 32, pw(33)>(4);
    check_conv<1, 6, 6, 64, pw(64)>(5);
    check_conv<1, 9, 11, 12, pw(70)>(6);
    check_conv<2, 5, 5, 20, pw(24)>(7);
    check_conv<1, 13, 1, 96, pw(129)>(8);
    check_conv<1, 1, 1, 256, pw(40)>(9);
    check_conv<1, 3, 5, 5, pw(9)>(10);  // 5 channels: im2col panel with k padding
    check_conv<1, 4, 4, 3, pw(31)>(11); // 3 channels
    check_conv<1, 2, 9, 1, pw(2)>(12);
  }

  TEST_CASE("simd conv2d: pointwise with per-tensor requant, no bias, fused table, weight zp") {
    check_conv<1, 5, 6, 24, pw(48)>(20, {.per_channel = false});
    check_conv<1, 5, 6, 24, pw(48)>(21, {.bias = false});
    check_conv<1, 5, 6, 24, pw(50)>(22, {.lut = true});
    check_conv<1, 5, 6, 24, pw(50)>(23, {.weight_zp = 3});
    check_conv<1, 5, 6, 7, pw(50)>(24, {.weight_zp = -128});
    check_conv<1, 5, 6, 28, pw(19)>(25, {.random_zp = false, .weight_zp = 127});
    check_conv<1, 4, 4, 16, pw(16)>(26, {.input_zp = 0, .random_zp = false});
    check_conv<1, 4, 4, 16, pw(16)>(27, {.input_zp = -128, .random_zp = false});
    check_conv<1, 4, 4, 16, pw(16)>(28, {.input_zp = 127, .random_zp = false});
  }

  TEST_CASE("simd conv2d: 3x3 with padding, strides and odd sizes") {
    check_conv<1, 7, 9, 8, k3(16)>(30);
    check_conv<1, 8, 8, 3, k3(32, 2)>(31); // first-layer shape: 3 channels, stride 2
    check_conv<1, 9, 7, 16, k3(24, 2)>(32);
    check_conv<1, 10, 11, 12, k3(20, 3)>(33);
    check_conv<2, 5, 5, 4, k3(5, 1, 0)>(34);
    check_conv<1, 6, 6, 64, k3(64)>(35);
    check_conv<1, 5, 4, 6, k3(7, 2, 2)>(36);
    check_conv<1, 3, 3, 1, k3(1)>(37);
    check_conv<1, 4, 9, 20, k3(36, 1, 1)>(38, {.lut = true, .weight_zp = -7});
  }

  TEST_CASE("simd conv2d: general kernels, dilation, asymmetric padding on every side") {
    check_conv<1, 12, 12, 4,
               conv2d_attrs{.out_channels = 8,
                            .kernel_h = 3,
                            .kernel_w = 2,
                            .dilation_h = 2,
                            .dilation_w = 3,
                            .pad_top = 2,
                            .pad_left = 1,
                            .pad_bottom = 0,
                            .pad_right = 3}>(40);
    check_conv<1, 9, 10, 8,
               conv2d_attrs{.out_channels = 18,
                            .kernel_h = 5,
                            .kernel_w = 5,
                            .stride_h = 2,
                            .stride_w = 1,
                            .pad_top = 2,
                            .pad_left = 2,
                            .pad_bottom = 1,
                            .pad_right = 2}>(41);
    check_conv<1, 13, 6, 8,
               conv2d_attrs{.out_channels = 16,
                            .kernel_h = 7,
                            .kernel_w = 1,
                            .stride_h = 2,
                            .pad_top = 3,
                            .pad_bottom = 3}>(42);
    check_conv<1, 6, 13, 5,
               conv2d_attrs{.out_channels = 11,
                            .kernel_h = 1,
                            .kernel_w = 7,
                            .stride_w = 3,
                            .dilation_w = 2,
                            .pad_left = 0,
                            .pad_right = 4}>(43);
    check_conv<1, 8, 8, 16,
               conv2d_attrs{
                   .out_channels = 16, .kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2}>(
        44);
    check_conv<1, 11, 11, 2,
               conv2d_attrs{.out_channels = 24,
                            .kernel_h = 4,
                            .kernel_w = 4,
                            .stride_h = 3,
                            .stride_w = 3,
                            .dilation_h = 2,
                            .dilation_w = 1,
                            .pad_top = 0,
                            .pad_left = 3,
                            .pad_bottom = 3,
                            .pad_right = 0}>(45);
    check_conv<1, 3, 3, 4,
               conv2d_attrs{.out_channels = 4,
                            .kernel_h = 3,
                            .kernel_w = 3,
                            .pad_top = 2,
                            .pad_left = 2,
                            .pad_bottom = 2,
                            .pad_right = 2}>(46); // taps entirely in padding
  }

  TEST_CASE("simd conv2d: grouped convolution") {
    check_conv<1, 7, 7, 8,
               conv2d_attrs{.out_channels = 8,
                            .kernel_h = 3,
                            .kernel_w = 3,
                            .pad_top = 1,
                            .pad_left = 1,
                            .pad_bottom = 1,
                            .pad_right = 1,
                            .groups = 2}>(50);
    check_conv<1, 6, 6, 24,
               conv2d_attrs{.out_channels = 36, .kernel_h = 1, .kernel_w = 1, .groups = 3}>(51);
    check_conv<1, 10, 7, 6,
               conv2d_attrs{.out_channels = 6,
                            .kernel_h = 3,
                            .kernel_w = 3,
                            .stride_h = 3,
                            .stride_w = 2,
                            .pad_top = 0,
                            .pad_left = 2,
                            .pad_bottom = 1,
                            .pad_right = 0,
                            .groups = 3}>(52);
    check_conv<2, 5, 5, 64,
               conv2d_attrs{.out_channels = 64,
                            .kernel_h = 3,
                            .kernel_w = 3,
                            .pad_top = 1,
                            .pad_left = 1,
                            .pad_bottom = 1,
                            .pad_right = 1,
                            .groups = 8}>(53);
    check_conv<1, 5, 5, 32,
               conv2d_attrs{.out_channels = 48, .kernel_h = 1, .kernel_w = 1, .groups = 2}>(
        54, {.lut = true});
  }

  TEST_CASE("simd conv2d: depthwise 3x3, strides, dilation, padding, channel tails") {
    constexpr auto dw = [](std::size_t c, std::size_t stride, std::size_t pad) {
      return conv2d_attrs{.out_channels = c,
                          .kernel_h = 3,
                          .kernel_w = 3,
                          .stride_h = stride,
                          .stride_w = stride,
                          .pad_top = pad,
                          .pad_left = pad,
                          .pad_bottom = pad,
                          .pad_right = pad,
                          .groups = c};
    };
    check_conv<1, 7, 7, 16, dw(16, 1, 1)>(60);
    check_conv<1, 9, 8, 24, dw(24, 2, 1)>(61);
    check_conv<1, 5, 6, 3, dw(3, 1, 1)>(62);
    check_conv<1, 11, 10, 37, dw(37, 3, 0)>(63);
    check_conv<2, 6, 6, 64, dw(64, 1, 1)>(64, {.per_channel = false});
    check_conv<1, 6, 7, 40, dw(40, 2, 1)>(65, {.lut = true, .weight_zp = 5});
    check_conv<1, 4, 4, 17, dw(17, 1, 1)>(66, {.bias = false, .weight_zp = -128});
    check_conv<1, 12, 12, 20,
               conv2d_attrs{.out_channels = 20,
                            .kernel_h = 5,
                            .kernel_w = 3,
                            .stride_h = 2,
                            .stride_w = 1,
                            .dilation_h = 1,
                            .dilation_w = 2,
                            .pad_top = 2,
                            .pad_left = 1,
                            .pad_bottom = 0,
                            .pad_right = 3,
                            .groups = 20}>(67);
  }

  TEST_CASE("simd conv2d: depthwise with channel multiplier") {
    check_conv<1, 6, 6, 8,
               conv2d_attrs{.out_channels = 16,
                            .kernel_h = 3,
                            .kernel_w = 3,
                            .pad_top = 1,
                            .pad_left = 1,
                            .pad_bottom = 1,
                            .pad_right = 1,
                            .groups = 8}>(70);
    check_conv<1, 5, 7, 5,
               conv2d_attrs{.out_channels = 15,
                            .kernel_h = 3,
                            .kernel_w = 2,
                            .stride_h = 2,
                            .stride_w = 3,
                            .pad_top = 0,
                            .pad_left = 1,
                            .pad_bottom = 2,
                            .pad_right = 0,
                            .groups = 5}>(71, {.lut = true});
    check_conv<1, 1, 1, 2,
               conv2d_attrs{.out_channels = 4, .kernel_h = 1, .kernel_w = 1, .groups = 2}>(72);
  }

  TEST_CASE("simd conv2d: many random pointwise and 3x3 seeds") {
    for (std::uint64_t seed = 100; seed < 140; ++seed) {
      check_conv<1, 5, 5, 24, pw(40)>(seed, {.per_channel = seed % 2 == 0, .lut = seed % 3 == 0});
      check_conv<1, 6, 5, 12, k3(20, 2)>(seed, {.per_channel = seed % 2 == 1});
      check_conv<1, 6, 5, 12,
                 conv2d_attrs{.out_channels = 12,
                              .kernel_h = 3,
                              .kernel_w = 3,
                              .pad_top = 1,
                              .pad_left = 1,
                              .pad_bottom = 1,
                              .pad_right = 1,
                              .groups = 12}>(seed, {.per_channel = seed % 2 == 1});
    }
  }

  TEST_CASE("simd conv2d: a pack computed in a constant expression") {
    static constexpr std::array<std::int8_t, 16 * 9 * 8> w = [] {
      std::array<std::int8_t, 16 * 9 * 8> a{};
      for (std::size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<std::int8_t>(int(i * 37 % 251) - 125);
      return a;
    }();
    static constexpr std::array<std::int32_t, 16> b = [] {
      std::array<std::int32_t, 16> a{};
      for (std::size_t i = 0; i < a.size(); ++i)
        a[i] = int(i * 997 % 4001) - 2000;
      return a;
    }();
    static constexpr std::array<std::int32_t, 1> m{1518500250}, s{-11};
    using layer_t = conv2d<shape<1, 6, 6, 8>, k3(16)>;
    static constexpr layer_t conv{w, b, -3, 0, output_stage{{m, s, 1}, 4, -128, 127}};
    static constexpr auto conv_pack = simd::pack(conv);
    static_assert(conv_pack.weights[0] == static_cast<std::uint8_t>(w[0] + 128));
    constexpr simd::packed p{conv, conv_pack};
    test::rng r(80);
    const auto x = r.int8s(6 * 6 * 8);
    CHECK(test::mismatches_against_ref(p, std::array<const std::int8_t *, 1>{x.data()}) == 0);
  }
}
