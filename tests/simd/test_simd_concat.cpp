// simd concat against ref, bit for bit, in both rounding modes.
#include "harness.hpp"

using namespace onnx2hpp;
using test::compare;
using test::random_scale;

TEST_SUITE("simd") {
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
}
