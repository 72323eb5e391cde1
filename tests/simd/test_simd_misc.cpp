// simd pooling, add, mul, concat and activation against ref, bit for bit; the requantizing ones
// in both rounding modes.
#include "harness.hpp"

using namespace onnx2hpp;

namespace {

template <class Layer, std::size_t N>
std::size_t compare(const Layer &l, const std::array<const std::int8_t *, N> &in) {
  return test::mismatches_against_ref(l, l, in);
}

quantized_multiplier random_multiplier(test::rng &r, double lo_log2, double hi_log2) {
  return quantize_multiplier(
      std::pow(2.0, lo_log2 + (hi_log2 - lo_log2) * r.uniform(0, 1000) / 1000.0));
}

/// A random fp32 scale in [0.01, 3], a power of two one time in three (products land on ties).
float random_scale(test::rng &r) {
  return r.uniform(0, 2) == 0 ? std::ldexp(1.0f, r.uniform(-3, 1))
                              : 0.01f * static_cast<float>(r.uniform(1, 300));
}

template <class Shape, pool2d_attrs A>
void check_pools(std::uint64_t seed) {
  test::rng r(seed);
  const auto x = r.int8s(Shape::size);
  max_pool2d<Shape, A> mp{};
  mp.act_min = r.uniform(-128, 0);
  mp.act_max = r.uniform(0, 127);
  CHECK(compare(mp, std::array<const std::int8_t *, 1>{x.data()}) == 0);
  test::for_each_mode([&]<rounding_mode M>() {
    INFO("rounding mode " << (M == rounding_mode::onnxruntime ? "onnxruntime" : "fixed_point"));
    test::rng q(seed + 1000);
    avg_pool2d<Shape, A, false, M> ap{
        q.uniform(-128, 127), q.uniform(-20, 20), random_multiplier(q, -2, 1), -128, 127,
        random_scale(q),      random_scale(q)};
    CHECK(compare(ap, std::array<const std::int8_t *, 1>{x.data()}) == 0);
    avg_pool2d<Shape, A, true, M> api{q.uniform(-128, 127),
                                      q.uniform(-20, 20),
                                      random_multiplier(q, -2, 1),
                                      q.uniform(-128, 0),
                                      100,
                                      random_scale(q),
                                      random_scale(q)};
    CHECK(compare(api, std::array<const std::int8_t *, 1>{x.data()}) == 0);
    global_avg_pool<Shape, M> gp{
        q.uniform(-128, 127), q.uniform(-20, 20), random_multiplier(q, -2, 2), -128, 127,
        random_scale(q),      random_scale(q)};
    CHECK(compare(gp, std::array<const std::int8_t *, 1>{x.data()}) == 0);
  });
}

template <class SA, class SB>
void check_binary(std::uint64_t seed) {
  test::rng r(seed);
  const auto a = r.int8s(SA::size), b = r.int8s(SB::size);
  lut256 table{};
  for (auto &t : table)
    t = static_cast<std::int8_t>(r.uniform(-128, 127));
  for (int variant = 0; variant < 3; ++variant) {
    const float sa = random_scale(r), sb = random_scale(r), so = 2.0f * random_scale(r);
    const activation_range act = variant == 1
                                     ? activation_range{r.uniform(-128, 0), r.uniform(0, 127)}
                                     : activation_range{-128, 127};
    const add_params ap = make_add_params(sa, r.uniform(-128, 127), sb, r.uniform(-128, 127), so,
                                          r.uniform(-128, 127), act);
    const mul_params mp = make_mul_params(sa, r.uniform(-128, 127), sb, r.uniform(-128, 127),
                                          so * float(variant == 0 ? 1 : r.uniform(1, 100)),
                                          r.uniform(-128, 127), act);
    const lut256 *lut = variant == 2 ? &table : nullptr;
    test::for_each_mode([&]<rounding_mode M>() {
      INFO("rounding mode " << (M == rounding_mode::onnxruntime ? "onnxruntime" : "fixed_point"));
      add<SA, SB, M> ad{ap, lut};
      CHECK(compare(ad, std::array<const std::int8_t *, 2>{a.data(), b.data()}) == 0);
      mul<SA, SB, M> mu{mp, lut};
      CHECK(compare(mu, std::array<const std::int8_t *, 2>{a.data(), b.data()}) == 0);
    });
  }
}

} // namespace

TEST_SUITE("simd") {
  TEST_CASE("simd pooling: max, average (both padding counts) and global average") {
    check_pools<shape<1, 7, 7, 16>,
                pool2d_attrs{.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2}>(1);
    check_pools<shape<2, 8, 9, 67>, pool2d_attrs{.kernel_h = 3,
                                                 .kernel_w = 3,
                                                 .stride_h = 2,
                                                 .stride_w = 2,
                                                 .pad_top = 1,
                                                 .pad_left = 1,
                                                 .pad_bottom = 1,
                                                 .pad_right = 1}>(2);
    check_pools<shape<1, 10, 7, 5>, pool2d_attrs{.kernel_h = 2,
                                                 .kernel_w = 4,
                                                 .stride_h = 3,
                                                 .stride_w = 1,
                                                 .dilation_h = 2,
                                                 .pad_top = 0,
                                                 .pad_left = 2,
                                                 .pad_bottom = 3,
                                                 .pad_right = 1,
                                                 .ceil_mode = true}>(3);
    check_pools<shape<1, 4, 4, 130>,
                pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2}>(4);
    check_pools<shape<1, 13, 13, 1>, pool2d_attrs{.kernel_h = 5,
                                                  .kernel_w = 5,
                                                  .pad_top = 2,
                                                  .pad_left = 2,
                                                  .pad_bottom = 2,
                                                  .pad_right = 2}>(5);
  }

  TEST_CASE("simd add: the one-rounding path over many seeds, tails and its limits") {
    for (std::uint64_t seed = 20; seed < 40; ++seed) {
      check_binary<shape<1, 7, 9, 16>, shape<1, 7, 9, 16>>(seed);
      check_binary<shape<1, 5, 5, 33>, shape<1, 5, 5, 33>>(seed + 100);
      check_binary<shape<1, 6, 6, 24>, shape<1, 1, 1, 24>>(seed + 200);
    }
    // (q − zp) · 2^left: 255 · 2^23 fits int32 (one-rounding path), 256 · 2^23 saturates (the
    // general path); scales >= 1 (left shifts) also take the general path.
    test::rng r(41);
    const auto a = r.int8s(3 * 5 * 20), b = r.int8s(3 * 5 * 20);
    for (std::int32_t zp : {127, -128, -1})
      for (std::int32_t left : {20, 23, 24, 31})
        for (std::int32_t out_shift : {-12, -3, 1}) {
          add<shape<3, 5, 20>, shape<3, 5, 20>> ad{};
          ad.params.a_zero_point = zp;
          ad.params.b_zero_point = -zp / 2;
          ad.params.a_multiplier = quantize_multiplier(0.37);
          ad.params.b_multiplier = quantize_multiplier(0.5);
          ad.params.output_zero_point = r.uniform(-128, 127);
          ad.params.output_multiplier = {1518500250, out_shift - left + 20};
          ad.params.left_shift = left;
          CHECK(compare(ad, std::array<const std::int8_t *, 2>{a.data(), b.data()}) == 0);
        }
  }

  TEST_CASE("simd add and mul: same shapes and every kind of broadcast") {
    check_binary<shape<1, 5, 7, 16>, shape<1, 5, 7, 16>>(1);
    check_binary<shape<1, 3, 3, 37>, shape<1, 3, 3, 37>>(2);
    check_binary<shape<1, 6, 6, 24>, shape<1, 1, 1, 24>>(3); // per-channel (SE block)
    check_binary<shape<1, 1, 1, 24>, shape<1, 6, 6, 24>>(4);
    check_binary<shape<1, 4, 5, 19>, shape<1>>(5);          // scalar
    check_binary<shape<1, 4, 5, 1>, shape<1, 4, 5, 19>>(6); // broadcast along channels
    check_binary<shape<2, 1, 5, 3>, shape<1, 4, 1, 3>>(7);  // both broadcast
    check_binary<shape<3, 1>, shape<1, 70>>(8);
    check_binary<shape<1000>, shape<1000>>(9);
  }

  TEST_CASE("simd concat: channel and spatial axes, identity and rescaled inputs") {
    test::rng r(1);
    const auto a = r.int8s(1 * 4 * 5 * 16), b = r.int8s(1 * 4 * 5 * 37), c = r.int8s(1 * 4 * 5 * 3);
    const auto d = r.int8s(2 * 3 * 4 * 8), e = r.int8s(2 * 5 * 4 * 8);
    test::for_each_mode([&]<rounding_mode M>() {
      INFO("rounding mode " << (M == rounding_mode::onnxruntime ? "onnxruntime" : "fixed_point"));
      concat<concat_attrs{3, M}, shape<1, 4, 5, 16>, shape<1, 4, 5, 37>, shape<1, 4, 5, 3>> cc{
          {make_concat_input(0.05f, 3, 0.05f, 3), make_concat_input(0.11f, -20, 0.05f, 3),
           make_concat_input(0.013f, 100, 0.05f, 3)},
          3};
      CHECK(compare(cc, std::array<const std::int8_t *, 3>{a.data(), b.data(), c.data()}) == 0);
      // ratio 0.5 and 0.25: (x − zp) · ratio lands on ties
      concat<concat_attrs{1, M}, shape<2, 3, 4, 8>, shape<2, 5, 4, 8>> ch{
          {make_concat_input(0.2f, -128, 0.07f, 10), make_concat_input(0.07f, 10, 0.07f, 10)}, 10};
      CHECK(compare(ch, std::array<const std::int8_t *, 2>{d.data(), e.data()}) == 0);
      concat<concat_attrs{3, M}, shape<1, 4, 5, 16>, shape<1, 4, 5, 37>> ties{
          {make_concat_input(0.5f, 3, 1.0f, -7), make_concat_input(0.25f, -20, 1.0f, -7)}, -7};
      CHECK(compare(ties, std::array<const std::int8_t *, 2>{a.data(), b.data()}) == 0);
    });
  }

  TEST_CASE("simd activation: clamp and table, in place") {
    test::rng r(2);
    const auto x = r.int8s(3 * 7 * 33);
    static constexpr lut256 hswish =
        make_activation_lut(activation_kind::hard_swish, 0.05f, 3, 0.04f, -10);
    activation<shape<3, 7, 33>> clampy{nullptr, -20, 90};
    CHECK(compare(clampy, std::array<const std::int8_t *, 1>{x.data()}) == 0);
    activation<shape<3, 7, 33>> table{&hswish, -128, 127};
    CHECK(compare(table, std::array<const std::int8_t *, 1>{x.data()}) == 0);
    // in place: the output buffer is the input buffer
    std::vector<std::int8_t> expected(x.size()), buf = x;
    kernel<backends::ref, decltype(table)>::run(table, {x.data()}, expected.data());
    execute<backends::simd>(table, {buf.data()}, buf.data());
    CHECK(buf == expected);
  }
}
