// simd activation (clamp, table, in place) against ref, bit for bit.
#include "harness.hpp"

using namespace onnx2hpp;
using test::compare;
using test::random_scale;

TEST_SUITE("simd") {
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
