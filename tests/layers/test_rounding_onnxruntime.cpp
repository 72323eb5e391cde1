// rounding_mode::onnxruntime: onnxruntime's fp32 requantization (scale in fp32, value · scale in
// fp32, round half to even), in every layer that requantizes. Expected values are derived by hand
// in the comments; the fixed-point mode's result is shown next to them where the modes differ.
// The mode is part of each layer's type (conv2d_attrs::rounding, concat_attrs::rounding, the
// trailing template argument of dense, add, mul and the average pools).
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <type_traits>

#include "onnx2hpp/backends/ref/concat.hpp"
#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/backends/ref/dense.hpp"
#include "onnx2hpp/backends/ref/elementwise.hpp"
#include "onnx2hpp/backends/ref/pooling.hpp"

using namespace onnx2hpp;

namespace {

constexpr std::array<std::int32_t, 1> one_multiplier{1 << 30};
constexpr std::array<std::int32_t, 1> zero_shift{0}; // 2^30 · 2^(0 − 31) = 0.5

// dense<shape<4, 1>, 2>: acc[r, u] = x[r] · w[u] with w = {1, 2}; scales {0.5, 0.75}.
constexpr std::array<std::int8_t, 2> dense_w{1, 2};
constexpr std::array<float, 2> dense_scale{0.5f, 0.75f};
using dense_t = dense<shape<4, 1>, 2, rounding_mode::onnxruntime>;
using dense_fixed_t = dense<shape<4, 1>, 2>;
static_assert(dense_t::rounding == rounding_mode::onnxruntime &&
              dense_fixed_t::rounding == rounding_mode::fixed_point);
static_assert(decltype(dense_t::output)::mode == rounding_mode::onnxruntime);
constexpr dense_t dense_ort{.weights = dense_w,
                            .bias = {},
                            .input_zero_point = 0,
                            .weight_zero_point = 0,
                            .output = {.requant = {one_multiplier, zero_shift, 1},
                                       .zero_point = 3,
                                       .act_min = -128,
                                       .act_max = 127,
                                       .lut = nullptr,
                                       .scale = dense_scale}};

template <class Dense>
constexpr std::array<std::int8_t, 8> run_dense(const Dense &l) {
  const std::array<std::int8_t, 4> x{5, -5, 7, -7};
  std::array<std::int8_t, 8> y{};
  kernel<backends::ref, Dense>::run(l, {x.data()}, y.data());
  return y;
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("requantize_float rounds fp32(acc) * scale half to even, then zero point and clamp") {
    static_assert(requantize_float(5, 0.5f, 0, -128, 127) == 2);    // 2.5 -> 2 (fixed point: 3)
    static_assert(requantize_float(7, 0.5f, 0, -128, 127) == 4);    // 3.5 -> 4
    static_assert(requantize_float(-5, 0.5f, 0, -128, 127) == -2);  // -2.5 -> -2 (fixed point: -3)
    static_assert(requantize_float(-7, 0.5f, 0, -128, 127) == -4);  // -3.5 -> -4
    static_assert(requantize_float(-3, 0.25f, 0, -128, 127) == -1); // -0.75 -> -1
    static_assert(requantize_float(1, 0.5f, 0, -128, 127) == 0);    // 0.5 -> 0
    static_assert(requantize_float(3, 0.5f, -10, -128, 127) == -8); // 1.5 -> 2, + zp −10
    static_assert(requantize_float(1000, 0.5f, 10, -128, 127) == 127);   // 510 saturates
    static_assert(requantize_float(-1000, 0.5f, 10, -128, 127) == -128); // −490 saturates
    static_assert(requantize_float(-1000, 0.5f, -128, -128, -1) == -128);
    static_assert(requantize_float(1000, 0.5f, -128, -128, -1) == -1); // fused clamp
    // acc = 7·2^24 − 1 is not an fp32: it becomes 7·2^24 (ulp 8), so fp32(acc) · 2^−25 is exactly
    // 3.5 -> 4, where the exact product 3.49999997 would give 3.
    static_assert(requantize_float(117440511, 1.0f / 33554432.0f, 0, -128, 127) == 4);
    CHECK(requantize_float(5, 0.5f, 0, -128, 127) == 2); // also at run time
    CHECK(requantize_float(-5, 0.5f, 0, -128, 127) == -2);
  }

  TEST_CASE("output_stage in onnxruntime mode reads the per-channel fp32 scales") {
    // unit 0: x · 0.5 = 2.5, −2.5, 3.5, −3.5 -> 2, −2, 4, −4; unit 1: 2x · 0.75 = 7.5, −7.5, 10.5,
    // −10.5 -> 8, −8, 10, −10; then + zero point 3.
    constexpr auto y = run_dense(dense_ort);
    static_assert(y == std::array<std::int8_t, 8>{5, 11, 1, -5, 7, 13, -1, -7});
    CHECK(run_dense(dense_ort) == y);
    // The same layer in fixed point (multiplier 0.5 for both units): ties away from zero/upward.
    const dense_fixed_t fixed{dense_ort.weights, dense_ort.bias, 0, 0,
                              output_stage{{one_multiplier, zero_shift, 1}, 3}};
    const auto f = run_dense(fixed);
    CHECK(f[0] == 6); // 2.5 -> 3 (onnxruntime: 2)
    CHECK(f[2] == 1); // −2.5 -> −2: gemmlowp's high multiply breaks ties toward +infinity
    CHECK(f[6] == 0); // −3.5 -> −3 (onnxruntime: −4)
  }

  TEST_CASE("conv2d in onnxruntime mode") {
    // 1x1 conv, 1 input channel, 1 output channel, scale 0.5 per tensor, input zero point 1,
    // bias 1: acc = x − 1 + 1 = x.  x = {4, 5, −3, −5}: 2, 2.5, −1.5, −2.5 -> 2, 2, −2, −2.
    using conv_t = conv2d<shape<1, 2, 2, 1>, conv2d_attrs{.out_channels = 1,
                                                          .kernel_h = 1,
                                                          .kernel_w = 1,
                                                          .rounding = rounding_mode::onnxruntime}>;
    static_assert(conv_t::rounding == rounding_mode::onnxruntime);
    static constexpr std::array<std::int8_t, 1> w{1};
    static constexpr std::array<std::int32_t, 1> b{1};
    static constexpr std::array<float, 1> s{0.5f};
    static constexpr conv_t conv{w, b, 1, 0,
                                 basic_output_stage<rounding_mode::onnxruntime>{
                                     {one_multiplier, zero_shift, 1}, 0, -128, 127, nullptr, s}};
    constexpr auto y = [&] {
      const std::array<std::int8_t, 4> x{4, 5, -3, -5};
      std::array<std::int8_t, 4> out{};
      kernel<backends::ref, conv_t>::run(conv, {x.data()}, out.data());
      return out;
    }();
    static_assert(y == std::array<std::int8_t, 4>{2, 2, -2, -2});
  }

  TEST_CASE("add in onnxruntime mode: fp32 ratios, ties to even") {
    // s_a = 0.5, s_b = 0.25, s_out = 1, zero points 0, 0, 10 (exact ratios, so every order of
    // the fused multiply-adds gives the exact sum + 10):
    //   a = 5, b = 0: 12.5 -> 12;  a = 3, b = 0: 11.5 -> 12;  a = −5, b = 0: 7.5 -> 8;
    //   a = 1, b = 2: 11 -> 11;  a = 1, b = 0: 10.5 -> 10;  a = −3, b = 0: 8.5 -> 8.
    constexpr add_params p = make_add_params(0.5f, 0, 0.25f, 0, 1.0f, 10);
    using k = kernel<backends::ref, add<shape<1>, shape<1>, rounding_mode::onnxruntime>>;
    using kf = kernel<backends::ref, add<shape<1>, shape<1>>>;
    static_assert(p.a_ratio == 0.5f && p.b_ratio == 0.25f && p.fixed == 10.0f);
    static_assert(k::one(p, 5, 0) == 12);
    static_assert(k::one(p, 3, 0) == 12);
    static_assert(k::one(p, -5, 0) == 8);
    static_assert(k::one(p, 1, 2) == 11);
    static_assert(k::one(p, 1, 0) == 10);
    static_assert(k::one(p, -3, 0) == 8);
    static_assert(k::one(p, 127, 127) == 105); // 63.5 + 31.75 + 10 = 105.25 -> 105
    // fixed point rounds the first tie away from zero
    static_assert(kf::one(p, 5, 0) == 13);
    CHECK(k::one(p, -5, 0) == 8);
  }

  TEST_CASE("add in onnxruntime mode: the order of the fused multiply-adds decides near ties") {
    // s_a = 0.1, s_b = 0.05, s_out = 0.3, z_a = −3: in real numbers a = −128, b = 37 gives
    // 0 + (−125)/3 + 37/6 = −35.5, a tie. In fp32, a_ratio = 0x1.555554p−2 and b_ratio =
    // 0x1.555554p−3 lie just below 1/3 and 1/6, fixed = zc − (a_ratio·z_a + …) = 0x1.fffffep−1
    // just below 1: adding B's term first then A's lands below −35.5 (-> −36); A's first (what
    // onnxruntime does when A is the broadcast operand) lands above it (-> −35).
    constexpr add_params b_first = make_add_params(0.1f, -3, 0.05f, 0, 0.3f, 0);
    constexpr add_params a_first = make_add_params(0.1f, -3, 0.05f, 0, 0.3f, 0, {-128, 127}, 0, true);
    static_assert(b_first.a_ratio == 0x1.555554p-2f && b_first.fixed == 0x1.fffffep-1f);
    static_assert(onnxruntime_add(b_first, -128, 37) == -36);
    static_assert(onnxruntime_add(a_first, -128, 37) == -35);
    // The stored codes matter: the same add on uint8 storage (codes and zero points + 128).
    constexpr add_params stored_u8 =
        make_add_params(0.1f, -3, 0.05f, 0, 0.3f, 0, {-128, 127}, 128, false);
    static_assert(onnxruntime_add(b_first, -128, -119) == -61);
    static_assert(onnxruntime_add(stored_u8, -128, -119) == -62);
    // Sums beyond int32 give act_min, as cvtps2dq's 0x80000000 saturates to the type's minimum.
    constexpr add_params huge = make_add_params(1e30f, 0, 1.0f, 0, 1.0f, 0, {-100, 120});
    static_assert(onnxruntime_add(huge, 5, 0) == -100);
    static_assert(onnxruntime_add(huge, -5, 0) == -100);
    static_assert(onnxruntime_add(huge, 0, 7) == 7);
  }

  TEST_CASE("mul in onnxruntime mode: fp32 scale s_a·s_b/s_out, zero point added before rounding") {
    // s_a = s_b = 0.5, s_out = 1: scale 0.25; zero points 1, 0, −1; acc = (a − 1)·b; the result
    // is round_half_even(acc·0.25 + (−1)), as MLAS's QLinearMul adds the zero point in fp32:
    //   (3, 1): 0.5 − 1 = −0.5 -> 0;  (3, 3): 1.5 − 1 = 0.5 -> 0;  (−1, 5): −2.5 − 1 = −3.5 -> −4;
    //   (7, 1): 1.5 − 1 = 0.5 -> 0;  (3, 5): 2.5 − 1 = 1.5 -> 2.
    // (Rounding first and adding −1 after would give −1, 1, −3, 1, 1.)
    constexpr mul_params p = make_mul_params(0.5f, 1, 0.5f, 0, 1.0f, -1);
    using k = kernel<backends::ref, mul<shape<1>, shape<1>, rounding_mode::onnxruntime>>;
    using kf = kernel<backends::ref, mul<shape<1>, shape<1>>>;
    static_assert(p.scale == 0.25f);
    static_assert(k::one(p, 3, 1) == 0);
    static_assert(k::one(p, 3, 3) == 0);
    static_assert(k::one(p, -1, 5) == -4);
    static_assert(k::one(p, 7, 1) == 0);
    static_assert(k::one(p, 3, 5) == 2);
    // the fixed-point mode rounds 2.5 away from zero: 3 − 1 = 2; −2.5 -> −3 -> −4.
    static_assert(kf::one(p, 3, 5) == 2);
    static_assert(kf::one(p, -1, 5) == -4);
    // uint8 storage: the zero point 127 is odd as well; exact ties round the same way.
    constexpr mul_params u8 = make_mul_params(0.5f, 1, 0.5f, 0, 1.0f, -1, {-128, 127}, 128);
    static_assert(onnxruntime_mul(u8, 2) == 0 && onnxruntime_mul(u8, -10) == -4);
    CHECK(k::one(p, -1, 5) == -4);
  }

  TEST_CASE("average pools in onnxruntime mode: fp32(sum) · fp32(s_in / (s_out · count))") {
    using gap_t = global_avg_pool<shape<1, 2, 2, 1>, rounding_mode::onnxruntime>;
    constexpr gap_t gap{.input_zero_point = 0,
                        .output_zero_point = 0,
                        .multiplier = {1 << 30, 1},
                        .act_min = -128,
                        .act_max = 127,
                        .input_scale = 1.0f,
                        .output_scale = 1.0f};
    constexpr auto run = [](const auto &l, std::array<std::int8_t, 4> x) {
      std::array<std::int8_t, 1> y{};
      kernel<backends::ref, std::remove_cvref_t<decltype(l)>>::run(l, {x.data()}, y.data());
      return y[0];
    };
    static_assert(run(gap, {1, 2, 3, 4}) == 2);      // 10 / 4 = 2.5 -> 2 (fixed point: 3)
    static_assert(run(gap, {-1, -2, -3, -4}) == -2); // −2.5 -> −2 (fixed point: −3)
    static_assert(run(gap, {1, 2, 3, 8}) == 4);      // 3.5 -> 4
    const global_avg_pool<shape<1, 2, 2, 1>> fixed{0, 0, {1 << 30, 1}, -128, 127, 1.0f, 1.0f};
    CHECK(run(fixed, {1, 2, 3, 4}) == 3);
    CHECK(run(gap, {1, 2, 3, 4}) == 2);

    // 3x3 window, pads 1, count_include_pad = false, on a 2x2 input: every window holds the 4
    // inputs (count 4), so every output is the global average; s_in = 0.5, s_out = 0.25 (scale
    // 0.5 / (0.25 · 4) = 0.5): sum 5 -> 2.5 -> 2, output zero point −1 -> 1.
    using avg_t = avg_pool2d<shape<1, 2, 2, 1>,
                             pool2d_attrs{.kernel_h = 3,
                                          .kernel_w = 3,
                                          .pad_top = 1,
                                          .pad_left = 1,
                                          .pad_bottom = 1,
                                          .pad_right = 1},
                             false, rounding_mode::onnxruntime>;
    static constexpr avg_t avg{.input_zero_point = 0,
                               .output_zero_point = -1,
                               .multiplier = {1 << 30, 1},
                               .act_min = -128,
                               .act_max = 127,
                               .input_scale = 0.5f,
                               .output_scale = 0.25f};
    constexpr auto y = [&] {
      const std::array<std::int8_t, 4> x{1, 1, 1, 2};
      std::array<std::int8_t, 4> out{};
      kernel<backends::ref, avg_t>::run(avg, {x.data()}, out.data());
      return out;
    }();
    static_assert(y == std::array<std::int8_t, 4>{1, 1, 1, 1});
  }

  TEST_CASE("concat in onnxruntime mode: (fp32(x − zp) · s_in) / s_out, ties to even") {
    // s_in = 0.5, zp 1, s_out = 1, output zp 0: x = 4: 1.5 -> 2; 6: 2.5 -> 2; −4: −2.5 -> −2;
    // −2: −1.5 -> −2. Fixed point: 2, 3, −3, −2.
    using cat_t = concat<concat_attrs{0, rounding_mode::onnxruntime}, shape<4>>;
    static_assert(cat_t::rounding == rounding_mode::onnxruntime && cat_t::axis == 0);
    constexpr cat_t ort{{make_concat_input(0.5f, 1, 1.0f, 0)}, 0};
    constexpr concat<0, shape<4>> fixed{{make_concat_input(0.5f, 1, 1.0f, 0)}, 0};
    constexpr auto run = [](const auto &l) {
      const std::array<std::int8_t, 4> x{4, 6, -4, -2};
      std::array<std::int8_t, 4> y{};
      kernel<backends::ref, std::remove_cvref_t<decltype(l)>>::run(l, {x.data()}, y.data());
      return y;
    };
    static_assert(run(ort) == std::array<std::int8_t, 4>{2, 2, -2, -2});
    static_assert(run(fixed) == std::array<std::int8_t, 4>{2, 3, -3, -2});
    CHECK(run(ort) == std::array<std::int8_t, 4>{2, 2, -2, -2});
  }

} // TEST_SUITE
