#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/dense.hpp"

using namespace onnx2hpp;

namespace {

// Multiplier 2^30 with shift 0 is exactly 0.5 and shift -1 makes it 0.25. The fixed-point
// multiply rounds to nearest with ties toward +infinity (srdhm), then the power-of-two divide
// rounds ties away from zero: x0.5 maps -3 -> -1 and 6 -> 3; x0.25 maps -3 -> -1 and 6 -> 2.
constexpr std::array<std::int32_t, 1> half_multiplier{1 << 30};
constexpr std::array<std::int32_t, 1> zero_shift{0};
constexpr channel_requant half{half_multiplier, zero_shift, 1};
constexpr std::array<std::int32_t, 2> half_quarter_multiplier{1 << 30, 1 << 30};
constexpr std::array<std::int32_t, 2> half_quarter_shift{0, -1};
constexpr channel_requant half_quarter{half_quarter_multiplier, half_quarter_shift, 2};

// x = [[1 2 3], [4 5 6]] with input zp 1 -> [[0 1 2], [3 4 5]];
// w = [[1 0 -1], [2 1 0]]; bias [10, -4].
// acc = [[10 + 0 - 2, -4 + 0 + 1], [10 + 3 - 5, -4 + 6 + 4]] = [[8, -3], [8, 6]].
constexpr std::array<std::int8_t, 6> small_x{1, 2, 3, 4, 5, 6};
constexpr std::array<std::int8_t, 6> small_w{1, 0, -1, 2, 1, 0};
constexpr std::array<std::int32_t, 2> small_b{10, -4};

// Independent formulation: ONNX MatMul's view, B = w^T stored [K][units], loops in k-outer
// order accumulating whole output rows in int64, then the core requantization per element.
std::vector<std::int64_t> independent_accumulators(std::size_t rows, std::size_t depth,
                                                   std::size_t units,
                                                   const std::vector<std::int8_t> &x,
                                                   const std::vector<std::int8_t> &w_units_k,
                                                   const std::vector<std::int32_t> &bias, int x_zp,
                                                   int w_zp) {
  std::vector<int> b(depth * units); // [K][units], zero point already removed
  for (std::size_t u = 0; u < units; ++u)
    for (std::size_t k = 0; k < depth; ++k)
      b[k * units + u] = w_units_k[u * depth + k] - w_zp;
  std::vector<std::int64_t> acc(rows * units);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t u = 0; u < units; ++u)
      acc[r * units + u] = bias.empty() ? 0 : bias[u];
    for (std::size_t k = 0; k < depth; ++k) {
      const int a = x[r * depth + k] - x_zp;
      for (std::size_t u = 0; u < units; ++u)
        acc[r * units + u] += a * b[k * units + u];
    }
  }
  return acc;
}

template <shape_type InShape, std::size_t Units>
void check_against_independent(std::uint64_t seed, bool per_channel, bool with_bias, int w_zp) {
  using layer_t = dense<InShape, Units>;
  test::rng r(seed);
  const auto x = r.int8s(InShape::size);
  const auto w = r.int8s(layer_t::weight_count);
  const auto bias = with_bias ? r.int32s(Units, -5000, 5000) : std::vector<std::int32_t>{};
  const int x_zp = r.uniform(-20, 20), out_zp = r.uniform(-10, 10);
  std::vector<std::int32_t> mult(Units), shift(Units);
  for (std::size_t c = 0; c < Units; ++c) {
    const auto m = quantize_multiplier(0.0002 + 0.003 * r.uniform(0, 1000) / 1000.0);
    mult[c] = m.multiplier;
    shift[c] = m.shift;
  }
  layer_t l{};
  l.weights = w.data();
  if (with_bias)
    l.bias = bias.data();
  l.input_zero_point = x_zp;
  l.weight_zero_point = w_zp;
  l.output = output_stage{{mult.data(), shift.data(), per_channel ? Units : 1}, out_zp, -110, 120};
  std::vector<std::int8_t> out(layer_t::output_shape::size);
  kernel<backends::ref, layer_t>::run(l, {x.data()}, out.data());

  const auto acc =
      independent_accumulators(layer_t::rows, layer_t::depth, Units, x, w, bias, x_zp, w_zp);
  REQUIRE(acc.size() == out.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const std::size_t c = per_channel ? i % Units : 0;
    REQUIRE(acc[i] >= INT32_MIN);
    REQUIRE(acc[i] <= INT32_MAX);
    const auto expected =
        requantize(static_cast<std::int32_t>(acc[i]), {mult[c], shift[c]}, out_zp, -110, 120);
    mismatches += expected != out[i];
  }
  CHECK(mismatches == 0);
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("dense: shapes, counts and batched output shape") {
    using d2 = dense<shape<4, 16>, 10>;
    static_assert(std::is_same_v<d2::output_shape, shape<4, 10>>);
    static_assert(d2::rows == 4 && d2::depth == 16 && d2::macs == 4 * 16 * 10);
    static_assert(d2::weight_count == 160 && d2::n_inputs == 1 && !d2::in_place);
    using d3 = dense<shape<2, 5, 7>, 3>;
    static_assert(std::is_same_v<d3::output_shape, shape<2, 5, 3>>);
    static_assert(d3::rows == 10 && d3::depth == 7 && d3::macs == 10 * 7 * 3);
    using d4 = dense<shape<1, 2, 3, 8>, 1>;
    static_assert(std::is_same_v<d4::output_shape, shape<1, 2, 3, 1>>);
    static_assert(std::is_same_v<d4::input_shapes, type_list<shape<1, 2, 3, 8>>>);
  }

  TEST_CASE("dense: hand-worked 2x3 by 3->2, per-tensor requantization") {
    // acc [[8, -3], [8, 6]] (see small_x above); x0.5 -> [[4, -1], [4, 3]]; output zp 1.
    using layer_t = dense<shape<2, 3>, 2>;
    constexpr layer_t l{small_w, small_b, 1, 0, output_stage{half, 1}};
    std::array<std::int8_t, 4> out{};
    kernel<backends::ref, layer_t>::run(l, {small_x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 4>{5, 0, 5, 4});
  }

  TEST_CASE("dense: hand-worked per-channel requantization") {
    // Same accumulators; unit 0 x0.5, unit 1 x0.25: [[4, -1], [4, 2]]; output zp 1.
    using layer_t = dense<shape<2, 3>, 2>;
    constexpr layer_t l{small_w, small_b, 1, 0, output_stage{half_quarter, 1}};
    std::array<std::int8_t, 4> out{};
    kernel<backends::ref, layer_t>::run(l, {small_x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 4>{5, 0, 5, 3});
  }

  TEST_CASE("dense: rank-3 batched input treats every leading index as a row") {
    // shape<2, 1, 3>: the two rows of small_x as two batches of one row; no bias, input zp 0,
    // weight zp 1 -> w - 1 = [[0 -1 -2], [1 0 -1]].
    // batch 0: x [1 2 3] -> [0 - 2 - 6, 1 + 0 - 3] = [-8, -2];
    // batch 1: x [4 5 6] -> [0 - 5 - 12, 4 + 0 - 6] = [-17, -2].
    // x0.5 (ties toward +inf in srdhm): [-4, -1, -8, -1]; output zp 0, act range [-5, 127].
    using layer_t = dense<shape<2, 1, 3>, 2>;
    static_assert(std::is_same_v<layer_t::output_shape, shape<2, 1, 2>>);
    constexpr layer_t l{small_w, {}, 0, 1, output_stage{half, 0, -5, 127}};
    std::array<std::int8_t, 4> out{};
    kernel<backends::ref, layer_t>::run(l, {small_x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 4>{-4, -1, -5, -1});
  }

  TEST_CASE("dense: runs at compile time") {
    using layer_t = dense<shape<2, 3>, 2>;
    constexpr layer_t l{small_w, small_b, 1, 0, output_stage{half_quarter, 1}};
    constexpr auto at_compile_time = [&] {
      std::array<std::int8_t, 4> o{};
      kernel<backends::ref, layer_t>::run(l, {small_x.data()}, o.data());
      return o;
    }();
    static_assert(at_compile_time == std::array<std::int8_t, 4>{5, 0, 5, 3});
  }

  TEST_CASE("dense: reads weights and bias stored as string-literal bytes") {
    // w = [2, -1] (0xff), bias 0x00000064 = 100; x = [10, 20], zp 0:
    // acc = 100 + 20 - 20 = 100 -> x0.5 = 50.
    static constexpr std::array<std::int8_t, 2> x{10, 20};
    alignas(16) static constexpr char w_bytes[] = "\x02\xff";
    alignas(16) static constexpr char b_bytes[] = "\x64\x00\x00\x00";
    using layer_t = dense<shape<1, 2>, 1>;
    constexpr layer_t l{{from_bytes, w_bytes}, {from_bytes, b_bytes}, 0, 0, output_stage{half, 0}};
    std::array<std::int8_t, 1> out{};
    kernel<backends::ref, layer_t>::run(l, {x.data()}, out.data());
    CHECK(out[0] == 50);
  }

  TEST_CASE("dense: matches an independent MatMul formulation") {
    check_against_independent<shape<1, 64>, 10>(11, true, true, 0);
    check_against_independent<shape<4, 33>, 7>(12, false, true, 0);
    check_against_independent<shape<3, 5, 17>, 9>(13, true, true, 0);     // batched rank 3
    check_against_independent<shape<2, 4, 9>, 6>(14, false, false, 0);    // batched, per tensor
    check_against_independent<shape<2, 3, 2, 12>, 5>(15, true, false, 3); // rank 4, weight zp
    check_against_independent<shape<8, 1>, 4>(16, true, true, -2);        // K = 1
  }
}
