#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/activation.hpp"

using namespace onnx2hpp;

namespace {

static_assert(activation<shape<1, 2, 3, 4>>::in_place);
static_assert(std::is_same_v<activation<shape<2, 5>>::output_shape, shape<2, 5>>);

// Clamp to [0, 6] at compile time.
constexpr std::array<std::int8_t, 4> compile_time_clamp = [] {
  using layer_t = activation<shape<4>>;
  const std::array<std::int8_t, 4> x{-3, 0, 5, 9};
  std::array<std::int8_t, 4> o{};
  kernel<backends::ref, layer_t>::run(layer_t{nullptr, 0, 6}, {x.data()}, o.data());
  return o;
}();
static_assert(compile_time_clamp == std::array<std::int8_t, 4>{0, 0, 5, 6});

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("activation: clamp only (ReLU6 range), the default range is the identity") {
    // ReLU6 with scale 0.1, zp −20: range [−20, −20 + 60] = [−20, 40].
    using layer_t = activation<shape<1, 1, 2, 3>>;
    static constexpr std::array<std::int8_t, 6> x{-128, -21, -20, 0, 40, 127};
    std::array<std::int8_t, 6> out{};
    kernel<backends::ref, layer_t>::run(layer_t{nullptr, -20, 40}, {x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 6>{-20, -20, -20, 0, 40, 40});
    kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, out.data());
    CHECK(out == x);
  }

  TEST_CASE("activation: LeakyReLU table worked by hand") {
    // Scales 0.5 in and out, zp 0, alpha 0.25: q -> real q/2 -> y -> y/0.5, rounded half to even.
    //  q=−8: −4 -> −1 -> −2.   q=−6: −3 -> −0.75 -> −1.5 -> −2 (tie to even).
    //  q=−2: −1 -> −0.25 -> −0.5 -> 0 (tie to even).   q=5: 2.5 -> 2.5 -> 5.
    static constexpr lut256 leaky =
        make_activation_lut(activation_kind::leaky_relu, 0.5f, 0, 0.5f, 0, 0.25f);
    using layer_t = activation<shape<4>>;
    static constexpr std::array<std::int8_t, 4> x{-8, -6, -2, 5};
    std::array<std::int8_t, 4> out{};
    kernel<backends::ref, layer_t>::run(layer_t{&leaky}, {x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 4>{-2, -2, 0, 5});
  }

  TEST_CASE("activation: sigmoid table matches real arithmetic over every int8 input") {
    // Input scale 0.05 zp 3; output scale 1/256 zp −128 (the usual sigmoid output quantization).
    static constexpr lut256 sig =
        make_activation_lut(activation_kind::sigmoid, 0.05f, 3, 1.f / 256.f, -128);
    using layer_t = activation<shape<256>>;
    std::array<std::int8_t, 256> x{}, out{};
    for (int i = 0; i < 256; ++i)
      x[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(i - 128);
    kernel<backends::ref, layer_t>::run(layer_t{&sig}, {x.data()}, out.data());
    int worst = 0;
    for (int i = 0; i < 256; ++i) {
      const double f = 0.05 * (i - 128 - 3);
      const double q = std::fmin(127.0, std::nearbyint(256.0 / (1.0 + std::exp(-f))) - 128.0);
      worst = std::max(worst, std::abs(static_cast<int>(q) - out[static_cast<std::size_t>(i)]));
    }
    CHECK(worst == 0);
  }

  TEST_CASE("activation: clamp then table, in place") {
    // Range [−10, 10], then a table negating its input: out = −clamp(x).
    static constexpr lut256 negate = [] {
      lut256 t{};
      for (int q = -128; q < 128; ++q)
        t[static_cast<std::size_t>(q + 128)] = static_cast<std::int8_t>(q == -128 ? 127 : -q);
      return t;
    }();
    using layer_t = activation<shape<2, 3, 4>>;
    test::rng r(3);
    auto x = r.int8s(24);
    std::vector<std::int8_t> expected(24);
    for (std::size_t i = 0; i < 24; ++i)
      expected[i] = static_cast<std::int8_t>(-std::clamp<int>(x[i], -10, 10));
    kernel<backends::ref, layer_t>::run(layer_t{&negate, -10, 10}, {x.data()}, x.data());
    CHECK(x == expected);
  }
}
