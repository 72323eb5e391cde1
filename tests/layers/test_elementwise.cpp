#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/elementwise.hpp"

using namespace onnx2hpp;

namespace {

// numpy broadcasting, decided independently of the library: right-align, pad with 1s.
static_assert(
    std::is_same_v<broadcast_shape_t<shape<1, 1, 1, 3>, shape<1, 2, 2, 1>>, shape<1, 2, 2, 3>>);
static_assert(std::is_same_v<broadcast_shape_t<shape<3>, shape<2, 1>>, shape<2, 3>>);
static_assert(std::is_same_v<broadcast_shape_t<shape<>, shape<2, 3>>, shape<2, 3>>);
static_assert(std::is_same_v<broadcast_shape_t<shape<4, 1, 5>, shape<3, 1>>, shape<4, 3, 5>>);
static_assert(!broadcast<shape<2, 3>, shape<4, 3>>::compatible);
static_assert(!broadcast<shape<1, 2, 2, 3>, shape<2>>::compatible);
static_assert(add<shape<1, 2, 2, 3>, shape<3>>::in_place);
static_assert(!add<shape<3>, shape<1, 2, 2, 3>>::in_place);
static_assert(mul<shape<2, 3>, shape<2, 3>>::in_place);

template <class Layer, std::size_t NA, std::size_t NB>
std::vector<std::int8_t> run(const Layer &l, const std::array<std::int8_t, NA> &a,
                             const std::array<std::int8_t, NB> &b) {
  std::vector<std::int8_t> out(Layer::output_shape::size);
  kernel<backends::ref, Layer>::run(l, {a.data(), b.data()}, out.data());
  return out;
}

// Index of the element of an input of shape `in` (right-aligned to the output rank) that the
// output multi-index `o` reads: dimensions of extent 1 are pinned to 0.
std::size_t broadcast_source(const std::vector<std::size_t> &out_dims,
                             const std::vector<std::size_t> &in_dims, std::size_t flat_out) {
  std::vector<std::size_t> idx(out_dims.size());
  for (std::size_t d = out_dims.size(); d-- > 0;) {
    idx[d] = flat_out % out_dims[d];
    flat_out /= out_dims[d];
  }
  const std::size_t lead = out_dims.size() - in_dims.size();
  std::size_t flat = 0;
  for (std::size_t d = 0; d < in_dims.size(); ++d)
    flat = flat * in_dims[d] + (in_dims[d] == 1 ? 0 : idx[lead + d]);
  return flat;
}

template <class S>
std::vector<std::size_t> dims_of() {
  return {S::dims.begin(), S::dims.end()};
}

struct deviation {
  std::size_t total = 0, one_step = 0, more = 0;
};

// Compares the kernel with real arithmetic: dequantize, add or multiply in double, quantize
// (round to nearest, saturate, clamp to the activation range).
// (Op's rounding parameter is spelled out: clang 14 does not match a template with a defaulted
// parameter to a two-parameter template template parameter, P0522.)
template <template <class, class, rounding_mode = rounding_mode::fixed_point> class Op, class SA,
          class SB>
void compare_with_float(std::uint64_t seed, deviation &dev) {
  using layer_t = Op<SA, SB>;
  constexpr bool is_add = std::is_same_v<layer_t, add<SA, SB>>;
  test::rng r(seed);
  const auto a = r.int8s(SA::size);
  const auto b = r.int8s(SB::size);
  const float sa = 0.002f + 0.1f * static_cast<float>(r.uniform(1, 1000)) / 1000.f;
  const float sb = 0.002f + 0.1f * static_cast<float>(r.uniform(1, 1000)) / 1000.f;
  const float so = is_add ? 0.004f + 0.2f * static_cast<float>(r.uniform(1, 1000)) / 1000.f
                          : 0.0002f + 0.02f * static_cast<float>(r.uniform(1, 1000)) / 1000.f;
  const int za = r.uniform(-30, 30), zb = r.uniform(-30, 30), zo = r.uniform(-30, 30);
  const bool relu = r.uniform(0, 1) == 1;
  const activation_range act = relu ? activation_range{zo, 127} : activation_range{-128, 127};
  layer_t l{};
  if constexpr (is_add)
    l.params = make_add_params(sa, za, sb, zb, so, zo, act);
  else
    l.params = make_mul_params(sa, za, sb, zb, so, zo, act);
  using out_shape = typename layer_t::output_shape;
  std::vector<std::int8_t> out(out_shape::size);
  kernel<backends::ref, layer_t>::run(l, {a.data(), b.data()}, out.data());

  const auto od = dims_of<out_shape>(), ad = dims_of<SA>(), bd = dims_of<SB>();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double x = double{sa} * (a[broadcast_source(od, ad, i)] - za);
    const double y = double{sb} * (b[broadcast_source(od, bd, i)] - zb);
    double q = std::nearbyint((is_add ? x + y : x * y) / double{so}) + zo;
    q = std::fmin(std::fmax(q, act.min), act.max);
    const int diff = std::abs(static_cast<int>(q) - out[i]);
    ++dev.total;
    dev.one_step += diff == 1;
    dev.more += diff >= 2;
  }
}

// The kernel runs at compile time.
constexpr std::array<std::int8_t, 4> compile_time_add = [] {
  using layer_t = add<shape<1, 1, 2, 2>, shape<2>>;
  // Equal scales: out = (a - za) + (b - zb) + zo exactly (see the broadcasting test).
  const layer_t l{make_add_params(0.1f, 0, 0.1f, 0, 0.1f, 0)};
  const std::array<std::int8_t, 4> a{1, 2, 3, 4};
  const std::array<std::int8_t, 2> b{10, -10};
  std::array<std::int8_t, 4> o{};
  kernel<backends::ref, layer_t>::run(l, {a.data(), b.data()}, o.data());
  return o;
}();
static_assert(compile_time_add == std::array<std::int8_t, 4>{11, -8, 13, -6});

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("add: make_add_params for scales 0.5 and 0.25 into 0.5") {
    // twice_max = 1: input multipliers 0.5 = 2^30·2^(0−31) and 0.25 = 2^30·2^(−1−31);
    // output 1 / (2^20 · 0.5) = 2^−19 = 2^30·2^(−18−31).
    constexpr add_params p = make_add_params(0.5f, 1, 0.25f, -1, 0.5f, 5);
    static_assert(p.a_multiplier.multiplier == (1 << 30) && p.a_multiplier.shift == 0);
    static_assert(p.b_multiplier.multiplier == (1 << 30) && p.b_multiplier.shift == -1);
    static_assert(p.output_multiplier.multiplier == (1 << 30) && p.output_multiplier.shift == -18);
    static_assert(p.left_shift == 20 && p.act_min == -128 && p.act_max == 127);
    static_assert(p.a_zero_point == 1 && p.b_zero_point == -1 && p.output_zero_point == 5);
    CHECK(p.output_zero_point == 5);
  }

  TEST_CASE("add: different scales by hand, with rounding ties") {
    // s_a 0.5 (zp 1), s_b 0.25 (zp −1), s_out 0.5 (zp 5).
    //  a=3,b=0:  real 0.5·2 + 0.25·1 = 1.25 -> /0.5 = 2.5. Fixed point: a' = 2·2^20/2 = 2^20,
    //            b' = 1·2^20/4 = 2^18, (2^20 + 2^18)/2 = 655360, /2^18 = 2.5 -> tie, rounded away
    //            from zero -> 3 (+5) = 8. (Round-half-even float would give 2: 1 step.)
    //  a=−1,b=−2: real −1 − 0.25 = −1.25 -> −2.5 -> −3 (+5) = 2.
    //  a=0,b=3:  real −0.5 + 1 = 0.5 -> 1 (+5) = 6.
    //  a=127,b=127: real 63 + 32 = 95 -> 190 + 5 saturates at 127.
    using layer_t = add<shape<4>, shape<4>>;
    static constexpr std::array<std::int8_t, 4> a{3, -1, 0, 127};
    static constexpr std::array<std::int8_t, 4> b{0, -2, 3, 127};
    constexpr layer_t l{make_add_params(0.5f, 1, 0.25f, -1, 0.5f, 5)};
    CHECK(run(l, a, b) == std::vector<std::int8_t>{8, 2, 6, 127});
    // Swapping the inputs (and their quantization) gives the same sums.
    constexpr layer_t swapped{make_add_params(0.25f, -1, 0.5f, 1, 0.5f, 5)};
    CHECK(run(swapped, b, a) == std::vector<std::int8_t>{8, 2, 6, 127});
  }

  TEST_CASE("add: broadcasting [1,1,1,C] with [1,H,W,1], both orders") {
    // Equal scales s: multipliers 1/2, 1/2 and 2s/(2^20 s) = 2^−19, so
    // out = ((a−za)·2^19 + (b−zb)·2^19)·2^−19 + zo exactly. za 1, zb −2, zo 3:
    // out[h,w,c] = (A[c] − 1) + (B[h,w] + 2) + 3 = A[c] + B[h,w] + 4.
    static constexpr std::array<std::int8_t, 3> a{1, 2, 3};
    static constexpr std::array<std::int8_t, 4> b{10, 20, 30, 40};
    const std::vector<std::int8_t> expected{15, 16, 17, 25, 26, 27, 35, 36, 37, 45, 46, 47};
    using ab_t = add<shape<1, 1, 1, 3>, shape<1, 2, 2, 1>>;
    static_assert(std::is_same_v<ab_t::output_shape, shape<1, 2, 2, 3>>);
    static_assert(!ab_t::in_place);
    CHECK(run(ab_t{make_add_params(0.05f, 1, 0.05f, -2, 0.05f, 3)}, a, b) == expected);
    using ba_t = add<shape<1, 2, 2, 1>, shape<1, 1, 1, 3>>;
    CHECK(run(ba_t{make_add_params(0.05f, -2, 0.05f, 1, 0.05f, 3)}, b, a) == expected);
    // Different ranks: [3] + [2,1] -> [2,3].
    static constexpr std::array<std::int8_t, 2> col{-100, 100};
    using rank_t = add<shape<3>, shape<2, 1>>;
    CHECK(run(rank_t{make_add_params(1.f, 0, 1.f, 0, 1.f, 0)}, a, col) ==
          std::vector<std::int8_t>{-99, -98, -97, 101, 102, 103});
  }

  TEST_CASE("add: in place over input 0 gives the out-of-place result") {
    using layer_t = add<shape<1, 3, 4, 5>, shape<1, 1, 4, 1>>;
    static_assert(layer_t::in_place);
    test::rng r(11);
    auto a = r.int8s(60);
    const auto b = r.int8s(4);
    const layer_t l{make_add_params(0.03f, 4, 0.07f, -9, 0.08f, 2)};
    std::vector<std::int8_t> separate(60);
    kernel<backends::ref, layer_t>::run(l, {a.data(), b.data()}, separate.data());
    kernel<backends::ref, layer_t>::run(l, {a.data(), b.data()}, a.data());
    CHECK(a == separate);
  }

  TEST_CASE("add and mul: fused clamp and look-up table") {
    // Unit scales: out = a + b. ReLU range [0, 127] (zp 0) clamps −5 to 0; the table adds 1.
    static constexpr lut256 plus_one = [] {
      lut256 t{};
      for (int q = -128; q < 128; ++q)
        t[static_cast<std::size_t>(q + 128)] = static_cast<std::int8_t>(q == 127 ? 127 : q + 1);
      return t;
    }();
    static constexpr std::array<std::int8_t, 2> a{-10, 10};
    static constexpr std::array<std::int8_t, 2> b{5, 5};
    using add_t = add<shape<2>, shape<2>>;
    const add_params relu = make_add_params(1.f, 0, 1.f, 0, 1.f, 0, activation_range{0, 127});
    CHECK(run(add_t{relu}, a, b) == std::vector<std::int8_t>{0, 15});
    CHECK(run(add_t{relu, &plus_one}, a, b) == std::vector<std::int8_t>{1, 16});
    // mul: −50 and 50, ReLU6-like range [0, 30].
    using mul_t = mul<shape<2>, shape<2>>;
    const mul_params clip = make_mul_params(1.f, 0, 1.f, 0, 1.f, 0, activation_range{0, 30});
    CHECK(run(mul_t{clip}, a, b) == std::vector<std::int8_t>{0, 30});
    CHECK(run(mul_t{clip, &plus_one}, a, b) == std::vector<std::int8_t>{1, 31});
  }

  TEST_CASE("mul: hand-worked, with ties and broadcasting") {
    // s_a = s_b = 0.5, s_out = 0.5: real multiplier 0.5 = {2^30, 0}, stored with a left shift of
    // 15 as {2^30, −15}: out = rdbpot(srdhm(acc·2^15, 2^30), 15) = rdbpot(acc·2^14, 15), i.e.
    // acc/2 rounded half away from zero, with acc = (a − za)(b − zb). za 2, zb −1, zo −4.
    // A is [1,2,2,1], B is [1,1,1,2]:
    //  (a−za) = {3, −3, 4, 0}, (b−zb) = {1, 5}
    //  acc = {3, 15, −3, −15, 4, 20, 0, 0} -> /2 = {1.5, 7.5, −1.5, −7.5, 2, 10, 0, 0}
    //  -> {2, 8, −2, −8, 2, 10, 0, 0} -> −4: {−2, 4, −6, −12, −2, 6, −4, −4}.
    constexpr mul_params p = make_mul_params(0.5f, 2, 0.5f, -1, 0.5f, -4);
    static_assert(p.output_multiplier.multiplier == (1 << 30) && p.output_multiplier.shift == -15 &&
                  p.left_shift == 15);
    static constexpr std::array<std::int8_t, 4> a{5, -1, 6, 2};
    static constexpr std::array<std::int8_t, 2> b{0, 4};
    using layer_t = mul<shape<1, 2, 2, 1>, shape<1, 1, 1, 2>>;
    static_assert(std::is_same_v<layer_t::output_shape, shape<1, 2, 2, 2>>);
    CHECK(run(layer_t{p}, a, b) == std::vector<std::int8_t>{-2, 4, -6, -12, -2, 6, -4, -4});
    // s_out = 0.25: multiplier 1 = {2^30, 1} -> {2^30, −14}: out = acc exactly.
    constexpr mul_params exact = make_mul_params(0.5f, 2, 0.5f, -1, 0.25f, 0);
    static_assert(exact.output_multiplier.multiplier == (1 << 30) &&
                  exact.output_multiplier.shift == -14 && exact.left_shift == 15);
    CHECK(run(layer_t{exact}, a, b) == std::vector<std::int8_t>{3, 15, -3, -15, 4, 20, 0, 0});
  }

  TEST_CASE("add and mul: within one step of real arithmetic") {
    deviation add_dev, mul_dev;
    for (std::uint64_t seed = 0; seed < 40; ++seed) {
      compare_with_float<add, shape<1, 4, 5, 6>, shape<1, 4, 5, 6>>(100 + seed, add_dev);
      compare_with_float<add, shape<1, 4, 5, 6>, shape<1, 1, 1, 6>>(200 + seed, add_dev);
      compare_with_float<add, shape<1, 1, 5, 1>, shape<2, 4, 1, 3>>(300 + seed, add_dev);
      compare_with_float<mul, shape<1, 4, 5, 6>, shape<1, 4, 5, 6>>(400 + seed, mul_dev);
      compare_with_float<mul, shape<1, 4, 5, 6>, shape<1, 4, 1, 1>>(500 + seed, mul_dev);
      compare_with_float<mul, shape<6>, shape<2, 5, 1>>(600 + seed, mul_dev);
    }
    MESSAGE("add: ", add_dev.one_step, " of ", add_dev.total, " one step off");
    MESSAGE("mul: ", mul_dev.one_step, " of ", mul_dev.total, " one step off");
    CHECK(add_dev.more == 0);
    CHECK(mul_dev.more == 0);
    CHECK(add_dev.one_step * 100 < add_dev.total);
    CHECK(mul_dev.one_step * 100 < mul_dev.total);
  }
}
