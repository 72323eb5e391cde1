// conv2d_integer / dense_integer (ONNX ConvInteger / MatMulInteger): int32 outputs, per-channel
// weight zero points, and graphs whose output tensor holds int32 elements. Expected values are
// worked out by hand in the comments.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>

#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/graph/model_io.hpp"

using namespace onnx2hpp;

namespace {

// ONNX's test_convinteger_with_padding, in int8 (uint8 - 128): x = [2..10] (3x3) with zero point
// 1 -> x - 1 = [[1 2 3] [4 5 6] [7 8 9]]; two 2x2 filters of ones, zero points 0 and 1 (so the
// second filter is all zeros after its zero point); pads 1.
constexpr std::array<std::int8_t, 9> conv_x{2 - 128, 3 - 128, 4 - 128, 5 - 128, 6 - 128,
                                            7 - 128, 8 - 128, 9 - 128, 10 - 128};
constexpr std::array<std::int8_t, 8> conv_w{1 - 128, 1 - 128, 1 - 128, 1 - 128,
                                            1 - 128, 1 - 128, 1 - 128, 1 - 128};
constexpr std::array<std::int32_t, 2> conv_wz{0 - 128, 1 - 128};
using conv_t = conv2d_integer<shape<1, 3, 3, 1>, conv2d_attrs{.out_channels = 2,
                                                              .kernel_h = 2,
                                                              .kernel_w = 2,
                                                              .pad_top = 1,
                                                              .pad_left = 1,
                                                              .pad_bottom = 1,
                                                              .pad_right = 1}>;
constexpr conv_t conv{.weights = conv_w,
                      .input_zero_point = 1 - 128,
                      .weight_zero_points = conv_wz,
                      .weight_zero_points_count = 2};

// Window sums of [[1 2 3] [4 5 6] [7 8 9]] padded by one zero all round, 4x4 outputs:
//   1  3  5  3 /  5 12 16  9 / 11 24 28 15 / 7 15 17 9 (the test's expected output).
constexpr std::array<std::int32_t, 16> conv_sums{1,  3,  5,  3,  5, 12, 16, 9,
                                                 11, 24, 28, 15, 7, 15, 17, 9};

// MatMulInteger: A [[1 2] [3 4]] (zero point 1 -> [[0 1] [2 3]]), B [[1 -1] [2 0]] ->
// weights [units][K] = [[1 2] [-1 0]], zero points 0 and -1 -> [[1 2] [0 1]].
// out = [[0*1 + 1*2, 0*0 + 1*1], [2*1 + 3*2, 2*0 + 3*1]] = [[2 1] [8 3]].
constexpr std::array<std::int8_t, 4> mm_x{1, 2, 3, 4};
constexpr std::array<std::int8_t, 4> mm_w{1, 2, -1, 0};
constexpr std::array<std::int32_t, 2> mm_wz{0, -1};
using mm_t = dense_integer<shape<2, 2>, 2>;
constexpr mm_t mm{.weights = mm_w,
                  .input_zero_point = 1,
                  .weight_zero_points = mm_wz,
                  .weight_zero_points_count = 2};

constexpr auto conv_net =
    make_graph<inputs<tensor<0, shape<1, 3, 3, 1>>>, outputs<1>>(node<"conv", in<0>, 1>(conv));
using conv_net_t = std::remove_cvref_t<decltype(conv_net)>;

} // namespace

TEST_SUITE("layers") {
  TEST_CASE("int32 elements round-trip through a byte buffer, also in constant expressions") {
    static_assert([] {
      std::array<std::int8_t, 8> b{};
      store_int32(b.data(), 1, -123456789);
      store_int32(b.data(), 0, 2147483647);
      return load_int32(b.data(), 1) == -123456789 && load_int32(b.data(), 0) == 2147483647;
    }());
  }

  TEST_CASE("conv2d_integer: ConvInteger's padded window sums, per-channel weight zero points") {
    std::array<std::int8_t, 16 * 2 * 4> out{};
    kernel<backends::ref, conv_t>::run(conv, {conv_x.data()}, out.data());
    for (std::size_t i = 0; i < 16; ++i) {
      CHECK(load_int32(out.data(), 2 * i) == conv_sums[i]); // channel 0 (NHWC: channel minor)
      CHECK(load_int32(out.data(), 2 * i + 1) == 0);        // channel 1: w - 1 = 0
    }
  }

  TEST_CASE("dense_integer: MatMulInteger with per-column zero points") {
    std::array<std::int8_t, 16> out{};
    kernel<backends::ref, mm_t>::run(mm, {mm_x.data()}, out.data());
    CHECK(load_int32(out.data(), 0) == 2);
    CHECK(load_int32(out.data(), 1) == 1);
    CHECK(load_int32(out.data(), 2) == 8);
    CHECK(load_int32(out.data(), 3) == 3);
  }

  TEST_CASE("a graph with an int32 output: 4 bytes per element in the plan and the output") {
    static_assert(conv_net_t::slot_element_bytes(1) == 4);
    static_assert(conv_net_t::output_bytes<0> == 4 * 4 * 2 * 4);
    static_assert(conv_net_t::arena_bytes == 0); // the output lives in the caller's buffer
    // Runs in a constant expression, int32 output and all.
    static_assert([] {
      std::array<std::int8_t, conv_net_t::output_bytes<0>> out{};
      conv_net.run(conv_x.data(), out.data());
      return load_int32(out.data(), 2 * 5) == 12 && load_int32(out.data(), 2 * 10) == 28;
    }());
  }

  TEST_CASE("an int32 intermediate takes 4 bytes per element in the arena") {
    using copy_t = reshape<shape<2, 2>, shape<2, 2>>;
    constexpr auto net = make_graph<inputs<tensor<0, shape<2, 2>>>, outputs<1, 2>>(
        node<"mm", in<0>, 1>(mm), node<"copy", in<0>, 2>(copy_t{}));
    using net_t = std::remove_cvref_t<decltype(net)>;
    static_assert(net_t::output_bytes<0> == 16 && net_t::output_bytes<1> == 4);
    std::array<std::int8_t, 16> a{};
    std::array<std::int8_t, 4> b{};
    net.run(std::array<const std::int8_t *, 1>{mm_x.data()},
            std::array<std::int8_t *, 2>{a.data(), b.data()}, nullptr);
    CHECK(load_int32(a.data(), 2) == 8);
    CHECK(b == mm_x);
  }

  TEST_CASE("model_io: an int32 output reads as its values; per-channel quantization per element") {
    static constexpr std::array<std::int64_t, 4> onnx_shape{1, 2, 1, 2};
    static constexpr std::array<std::size_t, 4> nhwc_shape{1, 1, 2, 2};
    std::array<std::int8_t, 16> q{};
    for (std::size_t i = 0; i < 4; ++i)
      store_int32(q.data(), i, static_cast<std::int32_t>(i) * 1000 - 1500);
    constexpr io_tensor_info int32_out{.name = "y",
                                       .onnx_shape = onnx_shape,
                                       .shape = nhwc_shape,
                                       .onnx_is_nchw = true,
                                       .scale = 1.0f,
                                       .zero_point = 0,
                                       .element_bytes = 4};
    CHECK(int32_out.bytes() == 16);
    std::array<float, 4> f{};
    dequantize_to_onnx(int32_out, q.data(), f.data());
    // NHWC element (w, c): (0,0) -1500, (0,1) -500, (1,0) 500, (1,1) 1500; NCHW [c][w].
    CHECK(f == std::array<float, 4>{-1500.0f, 500.0f, -500.0f, 1500.0f});

    // Scaled into a float output (ConvInteger -> Cast -> Mul -> Add): (acc - zero_point) * scale
    // per channel, the zero point minus the bias in accumulator units; NHWC axis 3.
    static constexpr std::array<float, 2> acc_scales{0.5f, 0.25f};
    static constexpr std::array<std::int32_t, 2> acc_zps{-3, 7};
    constexpr io_tensor_info scaled{.name = "y",
                                    .onnx_shape = onnx_shape,
                                    .shape = nhwc_shape,
                                    .onnx_is_nchw = true,
                                    .scale = 0.0f,
                                    .zero_point = 0,
                                    .channel_scales = acc_scales,
                                    .channel_zero_points = acc_zps,
                                    .axis = 3,
                                    .element_bytes = 4};
    dequantize_to_onnx(scaled, q.data(), f.data());
    // c0: (-1500 + 3) * 0.5, (500 + 3) * 0.5; c1: (-500 - 7) * 0.25, (1500 - 7) * 0.25.
    CHECK(f == std::array<float, 4>{-748.5f, 251.5f, -126.75f, 373.25f});

    // Per channel along NHWC axis 3 (ONNX axis 1): channel 0 scale 2 zero point 1, channel 1
    // scale 0.5 zero point -2. ONNX NCHW input [c0: 4, -3] [c1: 1, 0.25].
    static constexpr std::array<float, 2> scales{2.0f, 0.5f};
    static constexpr std::array<std::int32_t, 2> zps{1, -2};
    constexpr io_tensor_info per_channel{.name = "x",
                                         .onnx_shape = onnx_shape,
                                         .shape = nhwc_shape,
                                         .onnx_is_nchw = true,
                                         .scale = 0.0f,
                                         .zero_point = 0,
                                         .channel_scales = scales,
                                         .channel_zero_points = zps,
                                         .axis = 3};
    const std::array<float, 4> x{4.0f, -3.0f, 1.0f, 0.25f};
    std::array<std::int8_t, 4> codes{};
    quantize_from_onnx(per_channel, x.data(), codes.data());
    // NHWC order (w0 c0, w0 c1, w1 c0, w1 c1): 4/2+1 = 3, 1/0.5-2 = 0, -3/2 = -1.5 -> -2 (half
    // to even) + 1 = -1, 0.25/0.5 = 0.5 -> 0 (half to even) - 2 = -2.
    CHECK(codes == std::array<std::int8_t, 4>{3, 0, -1, -2});
    std::array<float, 4> back{};
    dequantize_to_onnx(per_channel, codes.data(), back.data());
    CHECK(back == std::array<float, 4>{4.0f, -4.0f, 1.0f, 0.0f});
  }
} // TEST_SUITE("layers")
