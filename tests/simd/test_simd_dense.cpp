// simd dense against ref, bit for bit, in both rounding modes.
#include "harness.hpp"

using namespace onnx2hpp;

namespace {

template <rounding_mode M, class Shape, std::size_t Units>
void check_dense_mode(std::uint64_t seed, bool per_channel, bool lut, int wzp, bool bias) {
  using layer_t = dense<Shape, Units, M>;
  test::rng r(seed);
  const auto x = r.int8s(Shape::size);
  const auto w = r.int8s(layer_t::weight_count);
  const auto b = r.int32s(Units, -30000, 30000);
  test::random_output_stage os(r, Units, layer_t::depth, per_channel, lut);
  layer_t l{};
  l.weights = w.data();
  if (bias)
    l.bias = b.data();
  l.input_zero_point = r.uniform(-128, 127);
  l.weight_zero_point = wzp;
  l.output = os.stage_for<M>();
  const auto storage =
      std::make_unique<typename simd::pack_traits<layer_t>::storage>(simd::pack(l));
  const simd::packed<layer_t> p{l, *storage};
  INFO("rounding mode " << (M == rounding_mode::onnxruntime ? "onnxruntime" : "fixed_point"));
  CHECK(test::mismatches_against_ref(p, std::array<const std::int8_t *, 1>{x.data()}) == 0);
}

/// Every geometry runs in both rounding modes.
template <class Shape, std::size_t Units>
void check_dense(std::uint64_t seed, bool per_channel = true, bool lut = false, int wzp = 0,
                 bool bias = true) {
  test::for_each_mode([&]<rounding_mode M>() {
    check_dense_mode<M, Shape, Units>(seed, per_channel, lut, wzp, bias);
  });
}

} // namespace

TEST_SUITE("simd") {
  TEST_CASE("simd dense: classifier heads, odd depths and unit counts") {
    check_dense<shape<1, 64>, 10>(1);
    check_dense<shape<1, 1024>, 100>(2);
    check_dense<shape<1, 250>, 12>(3); // depth not a multiple of 4
    check_dense<shape<1, 3>, 1>(4);
    check_dense<shape<1, 1>, 33>(5);
    check_dense<shape<7, 33>, 17>(6, false);
    check_dense<shape<2, 5, 48>, 65>(7, true, true);
    check_dense<shape<9, 16>, 16>(8, true, false, 11);
    check_dense<shape<3, 130>, 64>(9, false, true, -128, false);
    check_dense<shape<1, 4, 4, 32>, 8>(10);
  }
}
