#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/conv2d.hpp"

using namespace onnx2hpp;

namespace {

// Multiplier 2^30 with shift 0 is exactly 0.5: requantize(acc) = acc / 2, ties toward +infinity
// (gemmlowp rounding; the tests below use only positive ties).
constexpr std::array<std::int32_t, 1> half_multiplier{1 << 30};
constexpr std::array<std::int32_t, 1> zero_shift{0};
constexpr channel_requant half{half_multiplier, zero_shift, 1};

// Independent formulation: materialize the zero-point-padded input (NCHW, as ONNX does), subtract
// zero points, and take dot products of flattened patches with weights laid out [oc][ic][ky][kx].
struct conv_case {
  std::size_t n, h, w, c, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, groups;
};

std::vector<std::int32_t> independent_accumulators(const conv_case &k,
                                                   const std::vector<std::int8_t> &x_nhwc,
                                                   const std::vector<std::int8_t> &w_ohwi,
                                                   const std::vector<std::int32_t> &bias, int x_zp,
                                                   int w_zp) {
  const std::size_t ph = k.h + k.pt + k.pb, pw = k.w + k.pl + k.pr;
  std::vector<int> padded(k.n * k.c * ph * pw, 0); // already minus zero point: padding is 0
  for (std::size_t n = 0; n < k.n; ++n)
    for (std::size_t c = 0; c < k.c; ++c)
      for (std::size_t y = 0; y < k.h; ++y)
        for (std::size_t x = 0; x < k.w; ++x)
          padded[((n * k.c + c) * ph + y + k.pt) * pw + x + k.pl] =
              x_nhwc[((n * k.h + y) * k.w + x) * k.c + c] - x_zp;
  const std::size_t icg = k.c / k.groups, ocg = k.oc / k.groups;
  const std::size_t oh = (ph - k.dh * (k.kh - 1) - 1) / k.sh + 1;
  const std::size_t ow = (pw - k.dw * (k.kw - 1) - 1) / k.sw + 1;
  std::vector<std::int32_t> acc(k.n * oh * ow * k.oc);
  for (std::size_t n = 0; n < k.n; ++n)
    for (std::size_t o = 0; o < k.oc; ++o)
      for (std::size_t y = 0; y < oh; ++y)
        for (std::size_t x = 0; x < ow; ++x) {
          std::int64_t sum = bias.empty() ? 0 : bias[o];
          for (std::size_t i = 0; i < icg; ++i)
            for (std::size_t ky = 0; ky < k.kh; ++ky)
              for (std::size_t kx = 0; kx < k.kw; ++kx) {
                const int xv =
                    padded[((n * k.c + (o / ocg) * icg + i) * ph + y * k.sh + ky * k.dh) * pw +
                           x * k.sw + kx * k.dw];
                const int wv = w_ohwi[((o * k.kh + ky) * k.kw + kx) * icg + i] - w_zp;
                sum += xv * wv;
              }
          acc[((n * oh + y) * ow + x) * k.oc + o] = static_cast<std::int32_t>(sum);
        }
  return acc;
}

template <std::size_t N, std::size_t H, std::size_t W, std::size_t C, conv2d_attrs A>
void check_against_independent(std::uint64_t seed, bool per_channel, bool with_bias) {
  using layer_t = conv2d<shape<N, H, W, C>, A>;
  test::rng r(seed);
  const auto x = r.int8s(N * H * W * C);
  const auto w = r.int8s(layer_t::weight_count);
  const auto bias = with_bias ? r.int32s(A.out_channels, -5000, 5000) : std::vector<std::int32_t>{};
  const int x_zp = r.uniform(-20, 20), out_zp = r.uniform(-10, 10);
  std::vector<std::int32_t> mult(A.out_channels), shift(A.out_channels);
  for (std::size_t c = 0; c < A.out_channels; ++c) {
    const auto m = quantize_multiplier(0.0005 + 0.004 * r.uniform(0, 1000) / 1000.0);
    mult[c] = m.multiplier;
    shift[c] = m.shift;
  }
  layer_t l{};
  l.weights = w.data();
  if (with_bias)
    l.bias = bias.data();
  l.input_zero_point = x_zp;
  l.output = output_stage{
      {mult.data(), shift.data(), per_channel ? A.out_channels : 1}, out_zp, -100, 110};
  std::vector<std::int8_t> out(layer_t::output_shape::size);
  kernel<backends::ref, layer_t>::run(l, {x.data()}, out.data());

  const conv_case k{N,
                    H,
                    W,
                    C,
                    A.out_channels,
                    A.kernel_h,
                    A.kernel_w,
                    A.stride_h,
                    A.stride_w,
                    A.dilation_h,
                    A.dilation_w,
                    A.pad_top,
                    A.pad_left,
                    A.pad_bottom,
                    A.pad_right,
                    A.groups};
  const auto acc = independent_accumulators(k, x, w, bias, x_zp, 0);
  REQUIRE(acc.size() == out.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const std::size_t c = per_channel ? i % A.out_channels : 0;
    const auto expected = requantize(acc[i], {mult[c], shift[c]}, out_zp, -100, 110);
    mismatches += expected != out[i];
  }
  CHECK(mismatches == 0);
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("conv2d: hand-worked 2x2 kernel on a 3x3 input, valid padding") {
    // in (zp 1):  [1 2 3; 4 5 6; 7 8 9] -> minus zp: [0 1 2; 3 4 5; 6 7 8]
    // w: [1 0; 0 -1]; bias 10. acc(y,x) = 10 + v(y,x) - v(y+1,x+1) = 10 - 4 = 6 everywhere.
    // requant x0.5 -> 3, output zp -2 -> 1.
    static constexpr std::array<std::int8_t, 9> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
    static constexpr std::array<std::int8_t, 4> w{1, 0, 0, -1};
    static constexpr std::array<std::int32_t, 1> b{10};
    using layer_t =
        conv2d<shape<1, 3, 3, 1>, conv2d_attrs{.out_channels = 1, .kernel_h = 2, .kernel_w = 2}>;
    static_assert(std::is_same_v<layer_t::output_shape, shape<1, 2, 2, 1>>);
    constexpr layer_t l{w, b, 1, 0, output_stage{half, -2}};
    std::array<std::int8_t, 4> out{};
    kernel<backends::ref, layer_t>::run(l, {x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 4>{1, 1, 1, 1});
  }

  TEST_CASE("conv2d: padding contributes the zero point, i.e. nothing") {
    // 1x1 input value 7 (zp 3 -> 4), 3x3 kernel of ones, pad 1 on every side: acc = 4 at the
    // single output; with x0.5 -> 2. Output zp 0.
    static constexpr std::array<std::int8_t, 1> x{7};
    static constexpr std::array<std::int8_t, 9> w{1, 1, 1, 1, 1, 1, 1, 1, 1};
    using layer_t = conv2d<shape<1, 1, 1, 1>, conv2d_attrs{.out_channels = 1,
                                                           .kernel_h = 3,
                                                           .kernel_w = 3,
                                                           .pad_top = 1,
                                                           .pad_left = 1,
                                                           .pad_bottom = 1,
                                                           .pad_right = 1}>;
    constexpr layer_t l{w, {}, 3, 0, output_stage{half, 0}};
    std::array<std::int8_t, 1> out{};
    kernel<backends::ref, layer_t>::run(l, {x.data()}, out.data());
    CHECK(out[0] == 2);
  }

  TEST_CASE("conv2d: depthwise with channel multiplier 2 keeps channels apart") {
    // 2 input channels, groups 2, 4 outputs: out channel oc reads input channel oc/2.
    // x = [ch0=10, ch1=-4] at one pixel, 1x1 kernel weights [1, 2, 3, -1] -> acc = [10, 20, -12,
    // 4]; x0.5 -> [5, 10, -6, 2].
    static constexpr std::array<std::int8_t, 2> x{10, -4};
    static constexpr std::array<std::int8_t, 4> w{1, 2, 3, -1};
    using layer_t =
        conv2d<shape<1, 1, 1, 2>,
               conv2d_attrs{.out_channels = 4, .kernel_h = 1, .kernel_w = 1, .groups = 2}>;
    static_assert(layer_t::depthwise);
    constexpr layer_t l{w, {}, 0, 0, output_stage{half, 0}};
    std::array<std::int8_t, 4> out{};
    kernel<backends::ref, layer_t>::run(l, {x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 4>{5, 10, -6, 2});
  }

  TEST_CASE("conv2d: fused ReLU6 clamps, fused look-up table maps") {
    // acc 300 -> x0.5 = 150 -> clamp to act range [0, 60] -> 60; lut negates: -60.
    static constexpr std::array<std::int8_t, 1> x{100};
    static constexpr std::array<std::int8_t, 1> w{3};
    static constexpr lut256 negate = [] {
      lut256 t{};
      for (int q = -128; q < 128; ++q)
        t[static_cast<std::size_t>(q + 128)] = static_cast<std::int8_t>(q == -128 ? 127 : -q);
      return t;
    }();
    using layer_t =
        conv2d<shape<1, 1, 1, 1>, conv2d_attrs{.out_channels = 1, .kernel_h = 1, .kernel_w = 1}>;
    std::array<std::int8_t, 1> out{};
    kernel<backends::ref, layer_t>::run(layer_t{w, {}, 0, 0, output_stage{half, 0, 0, 60}},
                                        {x.data()}, out.data());
    CHECK(out[0] == 60);
    kernel<backends::ref, layer_t>::run(layer_t{w, {}, 0, 0, output_stage{half, 0, 0, 60, &negate}},
                                        {x.data()}, out.data());
    CHECK(out[0] == -60);
  }

  TEST_CASE("conv2d: weight zero point is subtracted") {
    // x = 2 (zp 0), w = 5 with weight zp 3 -> (2)(2) = 4 -> x0.5 = 2.
    static constexpr std::array<std::int8_t, 1> x{2};
    static constexpr std::array<std::int8_t, 1> w{5};
    using layer_t =
        conv2d<shape<1, 1, 1, 1>, conv2d_attrs{.out_channels = 1, .kernel_h = 1, .kernel_w = 1}>;
    std::array<std::int8_t, 1> out{};
    kernel<backends::ref, layer_t>::run(layer_t{w, {}, 0, 3, output_stage{half, 0}}, {x.data()},
                                        out.data());
    CHECK(out[0] == 2);
  }

  TEST_CASE("conv2d: matches an independent padded-NCHW formulation over many geometries") {
    check_against_independent<1, 7, 9, 3,
                              conv2d_attrs{.out_channels = 5, .kernel_h = 3, .kernel_w = 3}>(
        1, true, true);
    check_against_independent<2, 8, 8, 4,
                              conv2d_attrs{.out_channels = 6,
                                           .kernel_h = 3,
                                           .kernel_w = 3,
                                           .stride_h = 2,
                                           .stride_w = 2,
                                           .pad_top = 1,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 1}>(2, true, true);
    check_against_independent<1, 9, 11, 5,
                              conv2d_attrs{.out_channels = 7, .kernel_h = 1, .kernel_w = 1}>(
        3, false, true);
    check_against_independent<1, 10, 10, 6,
                              conv2d_attrs{.out_channels = 6,
                                           .kernel_h = 3,
                                           .kernel_w = 3,
                                           .pad_top = 1,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 1,
                                           .groups = 6}>(4, true, true);
    check_against_independent<1, 10, 7, 3,
                              conv2d_attrs{.out_channels = 6,
                                           .kernel_h = 3,
                                           .kernel_w = 3,
                                           .stride_h = 3,
                                           .stride_w = 2,
                                           .pad_top = 0,
                                           .pad_left = 2,
                                           .pad_bottom = 1,
                                           .pad_right = 0,
                                           .groups = 3}>(5, true, false);
    check_against_independent<1, 12, 12, 4,
                              conv2d_attrs{.out_channels = 4,
                                           .kernel_h = 3,
                                           .kernel_w = 2,
                                           .dilation_h = 2,
                                           .dilation_w = 3,
                                           .pad_top = 2,
                                           .pad_left = 1,
                                           .pad_bottom = 0,
                                           .pad_right = 3,
                                           .groups = 2}>(6, true, true);
    check_against_independent<1, 5, 5, 2,
                              conv2d_attrs{.out_channels = 3,
                                           .kernel_h = 5,
                                           .kernel_w = 5,
                                           .pad_top = 2,
                                           .pad_left = 2,
                                           .pad_bottom = 2,
                                           .pad_right = 2}>(7, false, false);
    check_against_independent<1, 13, 6, 8,
                              conv2d_attrs{.out_channels = 16,
                                           .kernel_h = 7,
                                           .kernel_w = 1,
                                           .stride_h = 2,
                                           .pad_top = 3,
                                           .pad_bottom = 3,
                                           .groups = 8}>(8, true, true);
  }

  TEST_CASE("conv2d: run-time paths (channel chunks, depthwise, windows in the padding)") {
    // The ref kernel's run-time path splits output channels into chunks of 16 and treats whole
    // windows and windows that reach into the padding apart (ref/inner_product.hpp).
    check_against_independent<1, 6, 7, 37,
                              conv2d_attrs{.out_channels = 35,
                                           .kernel_h = 3,
                                           .kernel_w = 3,
                                           .pad_top = 1,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 1}>(11, true, true);
    check_against_independent<1, 9, 8, 40,
                              conv2d_attrs{.out_channels = 40,
                                           .kernel_h = 3,
                                           .kernel_w = 3,
                                           .stride_h = 2,
                                           .stride_w = 2,
                                           .pad_top = 0,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 0,
                                           .groups = 40}>(12, true, true);
    check_against_independent<1, 11, 10, 17,
                              conv2d_attrs{.out_channels = 17,
                                           .kernel_h = 5,
                                           .kernel_w = 5,
                                           .dilation_h = 2,
                                           .dilation_w = 2,
                                           .pad_top = 4,
                                           .pad_left = 4,
                                           .pad_bottom = 4,
                                           .pad_right = 4,
                                           .groups = 17}>(13, false, true);
    check_against_independent<1, 3, 4, 5,
                              conv2d_attrs{.out_channels = 18,
                                           .kernel_h = 2,
                                           .kernel_w = 2,
                                           .pad_top = 3,
                                           .pad_left = 3,
                                           .pad_bottom = 3,
                                           .pad_right = 3}>(14, true, true);
    check_against_independent<1, 7, 7, 32,
                              conv2d_attrs{.out_channels = 12,
                                           .kernel_h = 3,
                                           .kernel_w = 3,
                                           .dilation_w = 2,
                                           .pad_top = 1,
                                           .pad_left = 2,
                                           .pad_bottom = 1,
                                           .pad_right = 2,
                                           .groups = 4}>(15, true, true);
    check_against_independent<1, 6, 6, 20,
                              conv2d_attrs{.out_channels = 40,
                                           .kernel_h = 3,
                                           .kernel_w = 3,
                                           .pad_top = 1,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 1,
                                           .groups = 20}>(16, true, false);
    check_against_independent<2, 5, 3, 3,
                              conv2d_attrs{.out_channels = 16,
                                           .kernel_h = 3,
                                           .kernel_w = 3,
                                           .stride_h = 2,
                                           .stride_w = 2,
                                           .pad_top = 1,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 1}>(17, true, true);
  }

  TEST_CASE("conv2d: reads constants stored as string-literal bytes") {
    // The generator emits weights as string literals; the same values as a typed array must give
    // the same result. Bias 0x00000100 little-endian = 256 -> x0.5 = 128 -> clamp 127.
    static constexpr std::array<std::int8_t, 1> x{0};
    alignas(16) static constexpr char w_bytes[] = "\x01";
    alignas(16) static constexpr char b_bytes[] = "\x00\x01\x00\x00";
    using layer_t =
        conv2d<shape<1, 1, 1, 1>, conv2d_attrs{.out_channels = 1, .kernel_h = 1, .kernel_w = 1}>;
    constexpr layer_t l{{from_bytes, w_bytes}, {from_bytes, b_bytes}, 0, 0, output_stage{half, 0}};
    constexpr std::int8_t at_compile_time = [&] {
      std::array<std::int8_t, 1> o{};
      kernel<backends::ref, layer_t>::run(l, {x.data()}, o.data());
      return o[0];
    }();
    static_assert(at_compile_time == 127);
    std::array<std::int8_t, 1> out{};
    kernel<backends::ref, layer_t>::run(l, {x.data()}, out.data());
    CHECK(out[0] == 127);
  }
}
