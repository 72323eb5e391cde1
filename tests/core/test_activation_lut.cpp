// Tests for onnx2hpp/core/activation_lut.hpp. Hand-checked entries carry their derivation;
// whole tables are compared with an independent <cmath>-based computation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "onnx2hpp/core/activation_lut.hpp"

using namespace onnx2hpp;

TEST_SUITE_BEGIN("core");

namespace {

constexpr std::size_t idx(int q) {
  return static_cast<std::size_t>(q + 128);
}

// Compile-time evaluation: sigmoid, in (0.1, 0), out (1/256, -128). q = 0 -> 0.5 * 256 - 128 = 0.
constexpr lut256 sigmoid_lut =
    make_activation_lut(activation_kind::sigmoid, 0.1f, 0, 1.f / 256, -128);
static_assert(sigmoid_lut[idx(0)] == 0);
static_assert(sigmoid_lut[idx(127)] == 127);
static_assert(make_activation_lut(activation_kind::tanh, 0.05f, 0, 1.f / 128, 0)[idx(20)] == 97);
static_assert(activation_clamp(activation_kind::relu6, 0.1f, 10).max == 70);
static_assert(make_activation_lut(activation_kind::leaky_relu, 0.5f, 0, 0.5f, 0, 0.1f)[idx(-15)] ==
              -2);
static_assert(make_activation_lut(activation_kind::hard_swish, 0.1f, 0, 0.1f, 0)[idx(10)] == 7);
static_assert(make_activation_lut(activation_kind::hard_sigmoid, 0.1f, 0, 1.f / 256, -128, 0.2f,
                                  0.5f)[idx(10)] == 51);
static_assert(make_activation_lut(activation_kind::clip, 0.1f, 0, 0.1f, 0, -1.f, 2.f)[idx(50)] ==
              20);
// Clip with an omitted bound (ONNX default -FLT_MAX / FLT_MAX) stays a constant expression even
// though -FLT_MAX / 0.01 is beyond the float range: it saturates.
static_assert(activation_clamp(activation_kind::clip, 0.01f, 3, -3.4028235e+38f, 3.4028235e+38f)
                  .min == -128);
static_assert(activation_clamp(activation_kind::clip, 0.01f, 3, -3.4028235e+38f, 3.4028235e+38f)
                  .max == 127);
// Clip with min > max is max everywhere (ONNX: min(max(x, min), max)): min 2, max 1, scale 0.5.
static_assert(activation_clamp(activation_kind::clip, 0.5f, 0, 2.f, 1.f).min == 2);
static_assert(activation_clamp(activation_kind::clip, 0.5f, 0, 2.f, 1.f).max == 2);
static_assert(make_activation_lut(activation_kind::clip, 0.5f, 0, 0.5f, 0, 2.f, 1.f)[idx(-4)] == 2);
static_assert(make_activation_lut(activation_kind::clip, 0.5f, 0, 0.5f, 0, 2.f, 1.f)[idx(12)] == 2);

// Independent reference: ONNX DequantizeLinear -> activation with <cmath> -> QuantizeLinear.
double reference_activation(activation_kind k, double f, double alpha, double beta) {
  switch (k) {
  case activation_kind::none:
    return f;
  case activation_kind::relu:
    return std::max(f, 0.0);
  case activation_kind::relu6:
    return std::min(std::max(f, 0.0), 6.0);
  case activation_kind::clip:
    return std::min(std::max(f, alpha), beta);
  case activation_kind::leaky_relu:
    return f >= 0.0 ? f : alpha * f;
  case activation_kind::hard_swish:
    return f * std::min(1.0, std::max(0.0, f / 6.0 + 0.5));
  case activation_kind::hard_sigmoid:
    return std::min(1.0, std::max(0.0, alpha * f + beta));
  case activation_kind::sigmoid:
    return 1.0 / (1.0 + std::exp(-f));
  case activation_kind::tanh:
    return std::tanh(f);
  }
  return f;
}

std::int8_t reference_entry(activation_kind k, int q, float in_scale, int in_zp, float out_scale,
                            int out_zp, float alpha, float beta) {
  const float f = static_cast<float>(q - in_zp) * in_scale;
  const double y = reference_activation(k, f, alpha, beta);
  const float scaled = static_cast<float>(y) / out_scale;
  const double r = std::nearbyint(static_cast<double>(scaled)) + out_zp;
  return static_cast<std::int8_t>(std::clamp(r, -128.0, 127.0));
}

struct lut_case {
  activation_kind kind;
  float in_scale;
  int in_zp;
  float out_scale;
  int out_zp;
  float alpha;
  float beta;
};

} // namespace

TEST_CASE("sigmoid LUT: hand-checked entries") {
  const auto &t = sigmoid_lut;
  CHECK(t[idx(0)] == 0); // sigmoid(0) = 0.5 -> 128 - 128
  // q = 10: f = 1.0, sigmoid(1) = 0.7310586 -> * 256 = 187.15 -> 187 - 128 = 59
  CHECK(t[idx(10)] == 59);
  // q = -10: sigmoid(-1) = 0.2689414 -> 68.85 -> 69 - 128 = -59
  CHECK(t[idx(-10)] == -59);
  // q = 127: sigmoid(12.7) = 0.999997 -> 255.9992 -> 256 - 128 = 128 -> saturates to 127
  CHECK(t[idx(127)] == 127);
  // q = -128: sigmoid(-12.8) = 2.76e-6 -> 0.0007 -> 0 - 128
  CHECK(t[idx(-128)] == -128);
  CHECK(std::is_sorted(t.begin(), t.end()));
}

TEST_CASE("tanh / leaky_relu / hard_swish / hard_sigmoid / relu / relu6 / clip / none LUTs") {
  // tanh, in (0.05, 0), out (1/128, 0): q = 20 -> f = 1, tanh(1) = 0.761594 -> 97.48 -> 97
  const lut256 th = make_activation_lut(activation_kind::tanh, 0.05f, 0, 1.f / 128, 0);
  CHECK(th[idx(0)] == 0);
  CHECK(th[idx(20)] == 97);
  CHECK(th[idx(-20)] == -97);
  CHECK(th[idx(127)] == 127);   // tanh(6.35) * 128 = 127.9987 -> 128 -> 127
  CHECK(th[idx(-128)] == -128); // -127.999 -> -128

  // leaky_relu alpha 0.1, in (0.5, 0), out (0.5, 0)
  const lut256 lk = make_activation_lut(activation_kind::leaky_relu, 0.5f, 0, 0.5f, 0, 0.1f);
  CHECK(lk[idx(-10)] == -1);   // f = -5 -> -0.5 -> -1
  CHECK(lk[idx(-5)] == 0);     // f = -2.5 -> -0.25 -> -0.5 -> 0 (half to even)
  CHECK(lk[idx(-15)] == -2);   // f = -7.5 -> -0.75 -> -1.5 -> -2 (half to even)
  CHECK(lk[idx(-128)] == -13); // f = -64 -> -6.4 -> -12.8 -> -13
  CHECK(lk[idx(100)] == 100);

  // hard_swish, in (0.1, 0), out (0.1, 0)
  const lut256 hs = make_activation_lut(activation_kind::hard_swish, 0.1f, 0, 0.1f, 0);
  CHECK(hs[idx(30)] == 30);   // f = 3 -> 3 * 1 = 3 -> 30
  CHECK(hs[idx(-30)] == 0);   // f = -3 -> -3 * 0 = 0
  CHECK(hs[idx(10)] == 7);    // f = 1 -> 1 * (1/6 + 1/2) = 0.667 -> 6.67 -> 7
  CHECK(hs[idx(-10)] == -3);  // f = -1 -> -1 * (1/3) = -0.333 -> -3.33 -> -3
  CHECK(hs[idx(127)] == 127); // f = 12.7 -> 127

  // hard_sigmoid alpha 0.2 beta 0.5, in (0.1, 0), out (1/256, -128)
  const lut256 hg =
      make_activation_lut(activation_kind::hard_sigmoid, 0.1f, 0, 1.f / 256, -128, 0.2f, 0.5f);
  CHECK(hg[idx(0)] == 0);      // 0.5 -> 128 - 128
  CHECK(hg[idx(10)] == 51);    // f = 1 -> 0.7 -> 179.2 -> 179 - 128
  CHECK(hg[idx(50)] == 127);   // f = 5 -> 1 -> 256 - 128 -> saturates
  CHECK(hg[idx(-50)] == -128); // f = -5 -> 0

  // relu, in (0.5, 0), out (0.25, -10): q = -3 -> 0 -> -10; q = 4 -> f = 2 -> 8 - 10 = -2
  const lut256 rl = make_activation_lut(activation_kind::relu, 0.5f, 0, 0.25f, -10);
  CHECK(rl[idx(-3)] == -10);
  CHECK(rl[idx(4)] == -2);

  // relu6, in (0.1, 0), out (0.1, 0): q = 100 -> f = 10 -> 6 -> 60
  const lut256 r6 = make_activation_lut(activation_kind::relu6, 0.1f, 0, 0.1f, 0);
  CHECK(r6[idx(100)] == 60);
  CHECK(r6[idx(-100)] == 0);
  CHECK(r6[idx(25)] == 25);

  // clip [-1, 2], in (0.1, 0), out (0.1, 0)
  const lut256 cl = make_activation_lut(activation_kind::clip, 0.1f, 0, 0.1f, 0, -1.f, 2.f);
  CHECK(cl[idx(-50)] == -10);
  CHECK(cl[idx(50)] == 20);
  CHECK(cl[idx(5)] == 5);

  // none (requantize), in (0.5, 2), out (0.25, -1): q = 3 -> f = 0.5 -> 2 - 1 = 1
  const lut256 nn = make_activation_lut(activation_kind::none, 0.5f, 2, 0.25f, -1);
  CHECK(nn[idx(3)] == 1);
  CHECK(nn[idx(127)] == 127); // (125 * 0.5) / 0.25 - 1 = 249 -> 127
  CHECK(nn[idx(-128)] == -128);
}

TEST_CASE("every LUT entry matches an independent <cmath> computation") {
  const lut_case cases[] = {
      {activation_kind::sigmoid, 0.1f, 0, 1.f / 256, -128, 0.01f, 0.f},
      {activation_kind::sigmoid, 0.0625f, -17, 0.00390625f, -128, 0.01f, 0.f},
      {activation_kind::sigmoid, 0.3f, 40, 0.0041f, -120, 0.01f, 0.f},
      {activation_kind::tanh, 0.05f, 0, 1.f / 128, 0, 0.01f, 0.f},
      {activation_kind::tanh, 0.0213f, 11, 0.0079f, 3, 0.01f, 0.f},
      {activation_kind::leaky_relu, 0.5f, 0, 0.5f, 0, 0.1f, 0.f},
      {activation_kind::leaky_relu, 0.047f, -5, 0.031f, 9, 0.2f, 0.f},
      {activation_kind::hard_swish, 0.1f, 0, 0.1f, 0, 0.f, 0.f},
      {activation_kind::hard_swish, 0.071f, 13, 0.043f, -60, 0.f, 0.f},
      {activation_kind::hard_sigmoid, 0.1f, 0, 1.f / 256, -128, 0.2f, 0.5f},
      {activation_kind::hard_sigmoid, 0.09f, -3, 0.0045f, -100, 1.f / 6, 0.5f},
      {activation_kind::relu, 0.5f, 0, 0.25f, -10, 0.f, 0.f},
      {activation_kind::relu6, 0.1f, 0, 0.1f, 0, 0.f, 0.f},
      {activation_kind::relu6, 0.033f, 20, 0.024f, -128, 0.f, 0.f},
      {activation_kind::clip, 0.1f, 0, 0.1f, 0, -1.f, 2.f},
      {activation_kind::clip, 0.02f, 5, 0.015f, 1, -0.7f, 1.3f},
      {activation_kind::none, 0.5f, 2, 0.25f, -1, 0.f, 0.f},
      {activation_kind::none, 0.013f, -7, 0.029f, 4, 0.f, 0.f},
  };
  int mismatches = 0;
  for (const lut_case &c : cases) {
    const lut256 t =
        make_activation_lut(c.kind, c.in_scale, c.in_zp, c.out_scale, c.out_zp, c.alpha, c.beta);
    for (int q = -128; q <= 127; ++q) {
      const std::int8_t want =
          reference_entry(c.kind, q, c.in_scale, c.in_zp, c.out_scale, c.out_zp, c.alpha, c.beta);
      if (t[idx(q)] != want) {
        ++mismatches;
        MESSAGE("kind " << static_cast<int>(c.kind) << " q " << q << ": got " << int{t[idx(q)]}
                        << " want " << int{want});
      }
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("activation_clamp") {
  const auto check = [](activation_range r, int lo, int hi) {
    CHECK(r.min == lo);
    CHECK(r.max == hi);
  };
  check(activation_clamp(activation_kind::none, 0.1f, 5), -128, 127);
  check(activation_clamp(activation_kind::sigmoid, 0.1f, 5), -128, 127);
  // relu: [zp, 127], zp saturated to int8
  check(activation_clamp(activation_kind::relu, 0.1f, -5), -5, 127);
  check(activation_clamp(activation_kind::relu, 0.1f, -200), -128, 127);
  check(activation_clamp(activation_kind::relu, 0.1f, 200), 127, 127);
  // relu6: 6 / 0.1 = 60 -> [10, 70]; 6 / 0.05 = 120 -> -128 + 120 = -8; 6 / 0.01 = 600 -> 127
  check(activation_clamp(activation_kind::relu6, 0.1f, 10), 10, 70);
  check(activation_clamp(activation_kind::relu6, 0.05f, -128), -128, -8);
  check(activation_clamp(activation_kind::relu6, 0.01f, 0), 0, 127);
  // clip [-1, 1] with scale 1/64: [-64, 64]; clip [-10, 10] with scale 0.01 saturates
  check(activation_clamp(activation_kind::clip, 1.f / 64, 0, -1.f, 1.f), -64, 64);
  check(activation_clamp(activation_kind::clip, 0.01f, 0, -10.f, 10.f), -128, 127);
  // clip [0, 0.5] with scale 0.25, zp 3: [3, 5]
  check(activation_clamp(activation_kind::clip, 0.25f, 3, 0.f, 0.5f), 3, 5);
}

TEST_SUITE_END();
