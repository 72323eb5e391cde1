#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/pad.hpp"

using namespace onnx2hpp;

namespace {

using hw_pad = pad<shape<1, 2, 2, 1>, pad_amounts<4>{.begin = {0, 1, 0, 0}, .end = {0, 0, 2, 0}}>;
static_assert(std::is_same_v<hw_pad::output_shape, shape<1, 3, 4, 1>>);
static_assert(!hw_pad::in_place);

// Compile time: [1, 2] padded by 1 before and 2 after with −7.
constexpr std::array<std::int8_t, 5> compile_time_pad = [] {
  using layer_t = pad<shape<2>, pad_amounts<1>{{1}, {2}}>;
  const std::array<std::int8_t, 2> x{1, 2};
  std::array<std::int8_t, 5> o{};
  kernel<backends::ref, layer_t>::run(layer_t{-7}, {x.data()}, o.data());
  return o;
}();
static_assert(compile_time_pad == std::array<std::int8_t, 5>{-7, 1, 2, -7, -7});

// Independent formulation: fill a buffer of the padded size with the value, then write each input
// element at its shifted position (walking the input rather than the output).
template <class InShape, pad_amounts<InShape::rank> P>
void check_pad(std::uint64_t seed) {
  using layer_t = pad<InShape, P>;
  using out_shape = typename layer_t::output_shape;
  constexpr std::size_t rank = InShape::rank;
  test::rng r(seed);
  const auto x = r.int8s(InShape::size);
  const auto value = static_cast<std::int8_t>(r.uniform(-128, 127));
  std::vector<std::int8_t> expected(out_shape::size, value);
  for (std::size_t flat = 0; flat < InShape::size; ++flat) {
    std::array<std::size_t, rank> j{};
    for (std::size_t d = rank, f = flat; d-- > 0;) {
      j[d] = f % InShape::dims[d];
      f /= InShape::dims[d];
    }
    std::size_t o = 0;
    for (std::size_t d = 0; d < rank; ++d)
      o = o * (P.begin[d] + InShape::dims[d] + P.end[d]) + P.begin[d] + j[d];
    expected[o] = x[flat];
  }
  std::vector<std::int8_t> out(out_shape::size);
  kernel<backends::ref, layer_t>::run(layer_t{value}, {x.data()}, out.data());
  CHECK(out == expected);
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("pad: every side of H and W, by hand") {
    // 2x2 image {1 2; 3 4}, pad value 9 (the zero point). Top 1, bottom 0, left 0, right 2:
    //   9 9 9 9
    //   1 2 9 9
    //   3 4 9 9
    static constexpr std::array<std::int8_t, 4> x{1, 2, 3, 4};
    std::array<std::int8_t, 12> out{};
    kernel<backends::ref, hw_pad>::run(hw_pad{9}, {x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 12>{9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9});
    // Bottom 2, left 1 (top 0, right 0):
    //   9 1 2
    //   9 3 4
    //   9 9 9
    //   9 9 9
    using other_t =
        pad<shape<1, 2, 2, 1>, pad_amounts<4>{.begin = {0, 0, 1, 0}, .end = {0, 2, 0, 0}}>;
    std::array<std::int8_t, 12> out2{};
    kernel<backends::ref, other_t>::run(other_t{9}, {x.data()}, out2.data());
    CHECK(out2 == std::array<std::int8_t, 12>{9, 1, 2, 9, 3, 4, 9, 9, 9, 9, 9, 9});
    // Channels: one before, two after, on 2 pixels of 1 channel: {0 1 0 0}, {0 2 0 0} (value 0).
    using c_t = pad<shape<1, 1, 2, 1>, pad_amounts<4>{.begin = {0, 0, 0, 1}, .end = {0, 0, 0, 2}}>;
    static constexpr std::array<std::int8_t, 2> y{1, 2};
    std::array<std::int8_t, 8> out3{};
    kernel<backends::ref, c_t>::run(c_t{}, {y.data()}, out3.data());
    CHECK(out3 == std::array<std::int8_t, 8>{0, 1, 0, 0, 0, 2, 0, 0});
    // Batch: one image after.
    using n_t = pad<shape<1, 1, 1, 2>, pad_amounts<4>{.begin = {0, 0, 0, 0}, .end = {1, 0, 0, 0}}>;
    std::array<std::int8_t, 4> out4{};
    kernel<backends::ref, n_t>::run(n_t{-3}, {y.data()}, out4.data());
    CHECK(out4 == std::array<std::int8_t, 4>{1, 2, -3, -3});
  }

  TEST_CASE("pad: matches an independent formulation") {
    check_pad<shape<1, 3, 4, 5>, pad_amounts<4>{{0, 1, 2, 0}, {0, 3, 1, 0}}>(1);
    check_pad<shape<2, 3, 4, 5>, pad_amounts<4>{{1, 0, 1, 2}, {1, 2, 0, 3}}>(2);
    check_pad<shape<3, 4>, pad_amounts<2>{{2, 2}, {2, 2}}>(3);
    check_pad<shape<2, 2, 3>, pad_amounts<3>{{0, 0, 0}, {0, 0, 0}}>(4);
    check_pad<shape<2, 1, 2, 1, 2>, pad_amounts<5>{{1, 0, 2, 1, 0}, {0, 3, 0, 1, 1}}>(5);
  }
}
