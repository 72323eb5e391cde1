// simd max, average and global average pooling against ref, bit for bit, in both rounding modes.
#include "harness.hpp"

using namespace onnx2hpp;
using test::compare;
using test::random_scale;

namespace {

quantized_multiplier random_multiplier(test::rng &r, double lo_log2, double hi_log2) {
  return quantize_multiplier(
      std::pow(2.0, lo_log2 + (hi_log2 - lo_log2) * r.uniform(0, 1000) / 1000.0));
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
}
