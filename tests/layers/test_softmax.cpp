#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/softmax.hpp"

using namespace onnx2hpp;

namespace {

template <class Layer, std::size_t N>
auto run_layer(const Layer &l, const std::array<std::int8_t, N> &x) {
  std::array<std::int8_t, Layer::output_shape::size> out{};
  kernel<backends::ref, Layer>::run(l, {x.data()}, out.data());
  return out;
}

// Independent reference: ONNX DequantizeLinear (float), Softmax with std::exp in double, then
// QuantizeLinear with round half to even (std::nearbyint) and saturation.
std::vector<int> float_softmax_quantized(const std::int8_t *x, std::size_t n, float in_scale,
                                         int in_zp, float out_scale, int out_zp) {
  std::vector<double> f(n);
  double max = -1e300;
  for (std::size_t i = 0; i < n; ++i) {
    f[i] = static_cast<double>(static_cast<float>(x[i] - in_zp) * in_scale);
    max = std::max(max, f[i]);
  }
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i)
    sum += std::exp(f[i] - max);
  std::vector<int> q(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float y = static_cast<float>(std::exp(f[i] - max) / sum);
    const double v = std::nearbyint(static_cast<double>(y / out_scale)) + out_zp;
    q[i] = static_cast<int>(std::min(127.0, std::max(-128.0, v)));
  }
  return q;
}

template <std::size_t Rows, std::size_t Len>
void check_against_float(std::uint64_t seed, float in_scale, int in_zp, float out_scale, int out_zp,
                         std::size_t &compared, std::size_t &off_by_one) {
  using layer_t = softmax<shape<Rows, Len>>;
  test::rng r(seed);
  const auto x = r.int8s(Rows * Len);
  const layer_t l{in_scale, in_zp, out_scale, out_zp};
  std::vector<std::int8_t> out(Rows * Len);
  kernel<backends::ref, layer_t>::run(l, {x.data()}, out.data());
  std::size_t worse = 0;
  for (std::size_t row = 0; row < Rows; ++row) {
    const auto ref =
        float_softmax_quantized(x.data() + row * Len, Len, in_scale, in_zp, out_scale, out_zp);
    for (std::size_t i = 0; i < Len; ++i) {
      const int diff = out[row * Len + i] - ref[i];
      ++compared;
      off_by_one += diff == 1 || diff == -1;
      worse += diff > 1 || diff < -1;
    }
  }
  CHECK(worse == 0);
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("softmax: shapes and table") {
    using s4 = softmax<shape<2, 3, 10>>;
    static_assert(std::is_same_v<s4::output_shape, shape<2, 3, 10>>);
    static_assert(s4::axis_size == 10 && s4::rows == 6 && s4::n_inputs == 1 && s4::in_place);
    static_assert(std::is_same_v<softmax<shape<7>>::output_shape, shape<7>>);
    // table[0] = 2^30 exactly; with scale ln 2 each step halves (the float ln 2 is off by
    // ~2e-8 relative, a few Q30 units); with scale 1, e^-255 ~ 1.8e-111 rounds to 0.
    static constexpr softmax_table t = make_softmax_table(0.69314718f);
    static_assert(t[0] == (1 << 30));
    static_assert(t[1] > (1 << 29) - 16 && t[1] < (1 << 29) + 16);
    static_assert(t[2] > (1 << 28) - 16 && t[2] < (1 << 28) + 16);
    static_assert(make_softmax_table(1.f)[255] == 0);
    // Every entry against std::exp, to within the rounding of the last Q30 unit.
    static constexpr softmax_table t05 = make_softmax_table(0.05f);
    for (std::size_t d = 0; d < 256; ++d) {
      const double expected =
          std::round(std::exp(-static_cast<double>(d) * static_cast<double>(0.05f)) * 1073741824.0);
      CHECK(std::abs(t05[d] - expected) <= 1.0);
    }
  }

  TEST_CASE("softmax: the exactly rounded scaled quotient") {
    // round_half_away(num / (den * 2^e)), checked against the direct formula floor((2 num + D) /
    // (2 D)) with D = den * 2^e wherever D fits, and on hand-worked ties.
    test::rng r(21);
    for (int i = 0; i < 20000; ++i) {
      const int e = r.uniform(0, 24);
      const std::int64_t den = r.uniform(1, 1 << 20);
      const std::int64_t num = std::int64_t{r.uniform(0, 1 << 30)} * r.uniform(0, 1 << 14);
      const std::int64_t big_d = den << e;
      REQUIRE(detail::rounding_divide_scaled(num, den, e) == (2 * num + big_d) / (2 * big_d));
    }
    // 3 / (3 * 2^1) = 0.5 -> 1; 5 / (3 * 2^1) = 0.83 -> 1; 2 / 6 -> 0; 9 / 6 = 1.5 -> 2.
    static_assert(detail::rounding_divide_scaled(3, 3, 1) == 1);
    static_assert(detail::rounding_divide_scaled(5, 3, 1) == 1);
    static_assert(detail::rounding_divide_scaled(2, 3, 1) == 0);
    static_assert(detail::rounding_divide_scaled(9, 3, 1) == 2);
    // 2^61 / (2^31 * 2^30) = 1 exactly; minus one: 1 - 2^-61 -> 1; half of it: 0.5 -> 1.
    constexpr std::int64_t two61 = std::int64_t{1} << 61;
    static_assert(detail::rounding_divide_scaled(two61, std::int64_t{1} << 31, 30) == 1);
    static_assert(detail::rounding_divide_scaled(two61 - 1, std::int64_t{1} << 31, 30) == 1);
    static_assert(detail::rounding_divide_scaled(two61 / 2, std::int64_t{1} << 31, 30) == 1);
    static_assert(detail::rounding_divide_scaled(two61 / 2 - 1, std::int64_t{1} << 31, 30) == 0);
    // den odd, remainder just below half: 7 / (5 * 2^1) = 0.7 -> 1; 4 / 10 -> 0; 5 / 10 -> 1.
    static_assert(detail::rounding_divide_scaled(7, 5, 1) == 1);
    static_assert(detail::rounding_divide_scaled(4, 5, 1) == 0);
    static_assert(detail::rounding_divide_scaled(5, 5, 1) == 1);
  }

  TEST_CASE("softmax: hand-worked rows") {
    // Four equal values: each 2^30 / 2^32 = 1/4; 1/output_scale = 256 = {2^30, shift 9}:
    // 2^30 * 2^30 * 2^(9 - 31) / 2^32 = 64 -> -128 + 64 = -64.
    using s4 = softmax<shape<1, 4>>;
    CHECK(run_layer(s4{0.1f, 3, 1.f / 256.f, -128}, std::array<std::int8_t, 4>{5, 5, 5, 5}) ==
          std::array<std::int8_t, 4>{-64, -64, -64, -64});
    // One element: probability 1 -> 256 - 128 = 128 saturates to 127.
    using s1 = softmax<shape<3, 1>>;
    CHECK(run_layer(s1{0.1f, 0, 1.f / 256.f, -128}, std::array<std::int8_t, 3>{-100, 0, 100}) ==
          std::array<std::int8_t, 3>{127, 127, 127});
    // Input scale ln 2 and values differing by 1: e^0 : e^-ln2 = 1 : 1/2 -> probabilities 2/3 and
    // 1/3 -> 170.67 -> 171 and 85.33 -> 85 -> [43, -43] (far from ties, robust to the table's
    // few-unit error).
    using s2 = softmax<shape<1, 2>>;
    CHECK(run_layer(s2{0.69314718f, 0, 1.f / 256.f, -128}, std::array<std::int8_t, 2>{7, 6}) ==
          std::array<std::int8_t, 2>{43, -43});
    // Input scale 1 and a difference of 255: e^-255 is 0 in Q30 -> probabilities exactly 1, 0.
    CHECK(run_layer(s2{1.f, 0, 1.f / 256.f, -128}, std::array<std::int8_t, 2>{127, -128}) ==
          std::array<std::int8_t, 2>{127, -128});
    // A tie: 8 equal values, output scale 1/4, zp 0: (1/8) * 4 = 0.5 exactly -> half away: 1
    // (ONNX's half-to-even would give 0: the documented one-step difference).
    using s8 = softmax<shape<1, 8>>;
    CHECK(run_layer(s8{0.1f, 0, 0.25f, 0}, std::array<std::int8_t, 8>{}) ==
          std::array<std::int8_t, 8>{1, 1, 1, 1, 1, 1, 1, 1});
    // Symmetric output quantization (scale 1/128, zp 0): [1/4 each] -> 32.
    CHECK(run_layer(s4{0.5f, 0, 1.f / 128.f, 0}, std::array<std::int8_t, 4>{-9, -9, -9, -9}) ==
          std::array<std::int8_t, 4>{32, 32, 32, 32});
  }

  TEST_CASE("softmax: rows are independent; in-place execution") {
    // Row 0 as the ln 2 case above, row 1 uniform: [43, -43, 0, 0].
    using s2 = softmax<shape<2, 2>>;
    const s2 l{0.69314718f, 0, 1.f / 256.f, -128};
    std::array<std::int8_t, 4> buf{7, 6, -50, -50};
    kernel<backends::ref, s2>::run(l, {buf.data()}, buf.data());
    CHECK(buf == std::array<std::int8_t, 4>{43, -43, 0, 0});
  }

  TEST_CASE("softmax: runs at compile time") {
    static constexpr std::array<std::int8_t, 4> x{10, 9, 9, 0};
    using layer_t = softmax<shape<1, 4>>;
    static constexpr layer_t l{0.69314718f, 0, 1.f / 256.f, -128};
    constexpr auto at_compile_time = [] {
      std::array<std::int8_t, 4> o{};
      kernel<backends::ref, layer_t>::run(l, {x.data()}, o.data());
      return o;
    }();
    // e: 1, 1/2, 1/2, 2^-10; sum 2.0009766: p*256 = 127.94 -> 128, 63.97 -> 64, 64, 0.125 -> 0.
    static_assert(at_compile_time == std::array<std::int8_t, 4>{0, -64, -64, -128});
  }

  TEST_CASE("softmax: matches std::exp float softmax within one step, rarely off") {
    std::size_t compared = 0, off_by_one = 0;
    check_against_float<64, 10>(1, 0.1f, 0, 1.f / 256.f, -128, compared, off_by_one);
    check_against_float<16, 100>(2, 0.05f, -7, 1.f / 256.f, -128, compared, off_by_one);
    check_against_float<4, 1000>(3, 0.02f, 12, 1.f / 256.f, -128, compared, off_by_one);
    check_against_float<32, 7>(4, 0.25f, 0, 1.f / 128.f, 0, compared, off_by_one);
    check_against_float<32, 16>(5, 0.0371f, 5, 0.0039f, -120, compared, off_by_one);
    check_against_float<8, 33>(6, 1.3f, 0, 1.f / 256.f, -128, compared, off_by_one);
    check_against_float<64, 3>(7, 0.0078125f, 0, 1.f / 256.f, -128, compared, off_by_one);
    MESSAGE("softmax: " << off_by_one << " of " << compared << " outputs off by one step");
    CHECK(off_by_one * 200 < compared); // < 0.5%
  }

  TEST_CASE("softmax_to_float: matches a std::exp softmax, also at compile time") {
    test::rng r(9);
    const auto x = r.int8s(50);
    std::vector<float> out(50);
    softmax_to_float(x.data(), x.size(), 0.07f, -3, out.data());
    double max = -1e300, sum = 0, total = 0;
    for (auto v : x)
      max = std::max(max, static_cast<double>(static_cast<float>(v + 3) * 0.07f));
    for (auto v : x)
      sum += std::exp(static_cast<double>(static_cast<float>(v + 3) * 0.07f) - max);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double expected =
          std::exp(static_cast<double>(static_cast<float>(x[i] + 3) * 0.07f) - max) / sum;
      CHECK(static_cast<double>(out[i]) == doctest::Approx(expected).epsilon(1e-6));
      total += static_cast<double>(out[i]);
    }
    CHECK(total == doctest::Approx(1.0).epsilon(1e-5));

    // [0, ln 2 step]: 2/3 and 1/3; all equal: 1/4 each (exact).
    static constexpr std::array<std::int8_t, 4> same{9, 9, 9, 9};
    constexpr auto quarters = [] {
      std::array<float, 4> o{};
      softmax_to_float(same.data(), 4, 0.3f, 1, o.data());
      return o;
    }();
    static_assert(quarters == std::array<float, 4>{0.25f, 0.25f, 0.25f, 0.25f});
    std::array<float, 2> two{};
    static constexpr std::array<std::int8_t, 2> pair{1, 0};
    softmax_to_float(pair.data(), 2, 0.69314718f, 0, two.data());
    CHECK(two[0] == doctest::Approx(2.0 / 3.0).epsilon(1e-6));
    CHECK(two[1] == doctest::Approx(1.0 / 3.0).epsilon(1e-6));
    softmax_to_float(pair.data(), 0, 1.f, 0, two.data()); // n == 0: nothing written
    CHECK(two[1] == doctest::Approx(1.0 / 3.0).epsilon(1e-6));
  }
}
