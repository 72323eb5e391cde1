// simd conv2d against ref, bit for bit, over many random geometries and quantizations, in both
// rounding modes.
#include <algorithm>

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

constexpr conv2d_attrs with_rounding(conv2d_attrs a, rounding_mode m) {
  a.rounding = m;
  return a;
}

/// The convolution in rounding mode M (the same random constants in both modes).
template <rounding_mode M, std::size_t N, std::size_t H, std::size_t W, std::size_t C,
          conv2d_attrs A>
void check_conv_mode(std::uint64_t seed, conv_options o) {
  using layer_t = conv2d<shape<N, H, W, C>, with_rounding(A, M)>;
  static_assert(layer_t::rounding == M);
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
  l.output = os.stage_for<M>();
  const auto storage =
      std::make_unique<typename simd::pack_traits<layer_t>::storage>(simd::pack(l));
  const simd::packed<layer_t> p{l, *storage};
  INFO("rounding mode " << (M == rounding_mode::onnxruntime ? "onnxruntime" : "fixed_point"));
  CHECK(test::mismatches_against_ref(p, std::array<const std::int8_t *, 1>{x.data()}) == 0);
}

/// Every geometry runs in both rounding modes.
template <std::size_t N, std::size_t H, std::size_t W, std::size_t C, conv2d_attrs A>
void check_conv(std::uint64_t seed, conv_options o = {}) {
  test::for_each_mode([&]<rounding_mode M>() { check_conv_mode<M, N, H, W, C, A>(seed, o); });
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
    // im2col panels copied a kernel row at a time: ResNet stem 7x7/2, padding on every side
    check_conv<2, 19, 17, 3,
               conv2d_attrs{.out_channels = 20,
                            .kernel_h = 7,
                            .kernel_w = 7,
                            .stride_h = 2,
                            .stride_w = 2,
                            .pad_top = 3,
                            .pad_left = 3,
                            .pad_bottom = 2,
                            .pad_right = 1}>(38);
    check_conv<1, 9, 12, 5,
               conv2d_attrs{.out_channels = 17,
                            .kernel_h = 2,
                            .kernel_w = 5,
                            .stride_h = 1,
                            .stride_w = 3,
                            .pad_top = 0,
                            .pad_left = 4,
                            .pad_bottom = 1,
                            .pad_right = 2}>(39);
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

  // Channels a multiple of 32 and multiplier 1: the layers whose pack has a four-tap part, which
  // the four-taps-per-dot-product path takes (AVX-512 VNNI) when every w − weight_zero_point fits
  // int8; otherwise (other channel counts, weight zero points) the tap-pair path.
  TEST_CASE("simd conv2d: depthwise four-tap path, odd sizes, channel tails, every padding") {
    constexpr auto dw = [](std::size_t c, std::size_t kh, std::size_t kw, std::size_t sh,
                           std::size_t sw, std::size_t dh, std::size_t dw_, std::size_t pt,
                           std::size_t pl, std::size_t pb, std::size_t pr) {
      return conv2d_attrs{.out_channels = c,
                          .kernel_h = kh,
                          .kernel_w = kw,
                          .stride_h = sh,
                          .stride_w = sw,
                          .dilation_h = dh,
                          .dilation_w = dw_,
                          .pad_top = pt,
                          .pad_left = pl,
                          .pad_bottom = pb,
                          .pad_right = pr,
                          .groups = c};
    };
    check_conv<1, 9, 11, 32, dw(32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)>(80);
    check_conv<2, 9, 9, 64, dw(64, 3, 3, 1, 1, 2, 2, 2, 1, 0, 3)>(75, {.lut = true});
    check_conv<1, 12, 13, 64, dw(64, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)>(76, {.bias = false});
    check_conv<1, 26, 26, 32, dw(32, 3, 3, 3, 3, 1, 1, 0, 2, 1, 0)>(77);
    check_conv<1, 12, 14, 32, dw(32, 5, 3, 1, 2, 1, 2, 2, 1, 0, 3)>(78, {.per_channel = false});
    check_conv<1, 9, 10, 32, dw(32, 1, 2, 1, 1, 1, 1, 0, 1, 0, 0)>(74);
    check_conv<1, 12, 12, 64, dw(64, 1, 4, 1, 1, 1, 1, 0, 1, 0, 2)>(73);
    check_conv<1, 12, 12, 32, dw(32, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1)>(72);
    check_conv<1, 10, 9, 37, dw(37, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)>(81);
    check_conv<1, 17, 19, 48, dw(48, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)>(82, {.lut = true});
    check_conv<1, 26, 26, 3, dw(3, 3, 3, 3, 3, 1, 1, 0, 2, 1, 0)>(83);
    check_conv<2, 9, 9, 70, dw(70, 3, 3, 1, 1, 2, 2, 2, 1, 0, 3)>(84, {.per_channel = false});
    check_conv<1, 12, 13, 33, dw(33, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2)>(85, {.bias = false});
    check_conv<1, 12, 12, 16, dw(16, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1)>(86);
    check_conv<1, 12, 14, 24, dw(24, 5, 3, 1, 2, 1, 2, 2, 1, 0, 3)>(87, {.lut = true});
    check_conv<1, 9, 10, 20, dw(20, 1, 2, 1, 1, 1, 1, 0, 1, 0, 0)>(79);
    check_conv<1, 12, 12, 40, dw(40, 1, 4, 1, 1, 1, 1, 0, 1, 0, 2)>(88);
    check_conv<1, 16, 16, 144, dw(144, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)>(89);
    check_conv<1, 16, 16, 96, dw(96, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1)>(90);
    // few output pixels
    check_conv<1, 7, 7, 64, dw(64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)>(104);
    check_conv<1, 3, 3, 32, dw(32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)>(105, {.lut = true});
    check_conv<1, 4, 4, 96, dw(96, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1)>(106, {.per_channel = false});
    // weights that do not fit int8 after the zero point: the tap-pair path
    check_conv<1, 10, 10, 40, dw(40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)>(91, {.weight_zp = 5});
    check_conv<1, 10, 10, 17, dw(17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)>(92, {.weight_zp = -128});
    // more random seeds
    for (std::uint64_t seed = 93; seed < 103; ++seed)
      check_conv<1, 8, 8, 96, dw(96, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)>(seed,
                                                                    {.per_channel = seed % 2 == 0});
  }

  TEST_CASE("simd conv2d: depthwise four-tap path at the int8 extremes") {
    using layer_t = conv2d<shape<1, 8, 9, 64>, conv2d_attrs{.out_channels = 64,
                                                            .kernel_h = 3,
                                                            .kernel_w = 3,
                                                            .pad_top = 1,
                                                            .pad_left = 1,
                                                            .pad_bottom = 1,
                                                            .pad_right = 1,
                                                            .groups = 64}>;
    for (int v : {-128, 127}) {
      test::rng r(110);
      std::vector<std::int8_t> x(8 * 9 * 64, static_cast<std::int8_t>(v));
      std::vector<std::int8_t> w(layer_t::weight_count, -128);
      test::random_output_stage os(r, 64, 9, true, false);
      layer_t l{};
      l.weights = w.data();
      l.input_zero_point = v == 127 ? -128 : 127;
      l.output = os.stage;
      const auto storage =
          std::make_unique<typename simd::pack_traits<layer_t>::storage>(simd::pack(l));
      const simd::packed<layer_t> p{l, *storage};
      CHECK(test::mismatches_against_ref(p, std::array<const std::int8_t *, 1>{x.data()}) == 0);
    }
  }

  TEST_CASE("simd conv2d: depthwise four-tap pack layout, and a pack without its four-tap part") {
    using layer_t = conv2d<shape<1, 9, 10, 64>, conv2d_attrs{.out_channels = 64,
                                                             .kernel_h = 3,
                                                             .kernel_w = 3,
                                                             .pad_top = 1,
                                                             .pad_left = 1,
                                                             .pad_bottom = 1,
                                                             .pad_right = 1,
                                                             .groups = 64}>;
    constexpr simd::depthwise_dims dims = simd::depthwise_pack_geometry<layer_t>::dims;
    static_assert(dims.four_tap() && dims.four_tap_bytes() == 64 * 9 &&
                  dims.four_tap_terms() == 64);
    static_assert(!simd::depthwise_dims{.channels = 48, .taps = 9}.four_tap());
    static_assert(!simd::depthwise_dims{.channels = 64, .multiplier = 2, .taps = 9}.four_tap());
    test::rng r(120);
    const auto x = r.int8s(9 * 10 * 64);
    const auto w = r.int8s(layer_t::weight_count);
    const auto bias = r.int32s(64, -20000, 20000);
    for (const int wzp : {0, 3, -128}) {
      test::random_output_stage os(r, 64, 9, true, false);
      layer_t l{};
      l.weights = w.data();
      l.bias = bias.data();
      l.input_zero_point = r.uniform(-128, 127);
      l.weight_zero_point = wzp;
      l.output = os.stage;
      const auto storage =
          std::make_unique<typename simd::pack_traits<layer_t>::storage>(simd::pack(l));
      bool fits = true;
      for (const std::int8_t v : w)
        fits = fits && v - wzp >= -128 && v - wzp <= 127;
      INFO("weight zero point " << wzp);
      CHECK(storage->dw4 == fits);
      if (fits) { // the layout of layout.hpp, and the offsets
        for (std::size_t c = 0; c < 64; ++c) {
          const std::uint8_t *chunk = storage->dw4_weights.data() + c / 32 * 32 * 9;
          std::int32_t sum = 0;
          for (std::size_t t = 0; t < 9; ++t) {
            const auto expect = static_cast<std::uint8_t>(w[c * 9 + t] - wzp);
            const std::uint8_t got =
                t < 8 ? chunk[t / 4 * 128 + simd::depthwise4_slot(c % 32) * 4 + t % 4]
                      : chunk[2 * 128 + c % 32];
            CHECK(got == expect);
            sum += w[c * 9 + t] - wzp;
          }
          CHECK(storage->dw4_offset[c] == storage->channel_offset[c] - 128 * sum);
        }
      }
      const simd::packed<layer_t> p{l, *storage};
      CHECK(test::mismatches_against_ref(p, std::array<const std::int8_t *, 1>{x.data()}) == 0);
      // What a generated header without the four-tap part gives: the tap-pair path.
      const simd::packed<layer_t> pairs_only{
          l, simd::depthwise_pack_view{storage->weights, storage->channel_offset}};
      CHECK(test::mismatches_against_ref(pairs_only,
                                         std::array<const std::int8_t *, 1>{x.data()}) == 0);
    }
    // The slot order is a permutation of the 32 channels.
    std::array<bool, 32> seen{};
    for (std::size_t c = 0; c < 32; ++c)
      seen[simd::depthwise4_slot(c)] = true;
    CHECK(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
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
