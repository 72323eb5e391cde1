// simd add and mul against ref, bit for bit, in both rounding modes: the one-rounding path, its
// limits, and every kind of broadcast.
#include "harness.hpp"

using namespace onnx2hpp;
using test::compare;
using test::random_scale;

namespace {

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
}
