// slice against hand-derived results: ONNX Slice's normalization (negative axes and indices,
// clamping, negative steps) worked out by hand per axis as numpy's slicing gives it, and the
// simd kernel bit for bit against ref. Also the channel shuffle's transpose [P,A,B] -> [P,B,A]
// (the simd kernel against ref and a hand-worked pixel).
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/slice.hpp"
#include "onnx2hpp/backends/simd/slice.hpp"
#include "onnx2hpp/backends/simd/transpose.hpp"

using namespace onnx2hpp;

namespace {

constexpr std::int64_t big = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t small = std::numeric_limits<std::int64_t>::min();

// ONNX's node tests on x of shape (20, 10, 5), output shapes as
// onnx/backend/test/case/node/slice.py states them.
using x_t = shape<20, 10, 5>;
static_assert(std::is_same_v<slice<x_t, slice_range{0, 0, 3}, slice_range{1, 0, 10}>::output_shape,
                             shape<3, 10, 5>>);
static_assert(std::is_same_v<slice<x_t, slice_range{1, 1, 1000}>::output_shape,
                             shape<20, 9, 5>>); // end out of bounds
static_assert(std::is_same_v<slice<x_t, slice_range{1, 0, -1}>::output_shape,
                             shape<20, 9, 5>>); // negative end
static_assert(std::is_same_v<slice<x_t, slice_range{0, 0, 20}, slice_range{-2, 0, 10},
                                   slice_range{-1, 3, 4}>::output_shape,
                             shape<20, 10, 1>>); // negative axes
static_assert(std::is_same_v<slice<x_t, slice_range{0, 20, 0, -1}, slice_range{1, 10, 0, -3},
                                   slice_range{2, 4, 1, -2}>::output_shape,
                             shape<19, 3, 2>>); // negative steps, start clamped to dim - 1
static_assert(std::is_same_v<slice<x_t, slice_range{1, 0, big, 3}>::output_shape,
                             shape<20, 4, 5>>); // INT64_MAX end, step 3: 0, 3, 6, 9
static_assert(std::is_same_v<slice<x_t, slice_range{1, -1, small, -1}>::output_shape,
                             shape<20, 10, 5>>); // reversed: end INT64_MIN clamps to -1

// The run decomposition: an NHWC channel split copies one run of channels per pixel.
using split_t = slice<shape<1, 4, 4, 116>, slice_range{3, 58, 116}>;
static_assert(split_t::outer_rank == 3 && split_t::run_length == 58 && split_t::runs == 16);
static_assert(split_t::first_offset == 58);
using rows_t = slice<shape<1, 6, 4, 8>, slice_range{1, 2, 5}>;
static_assert(rows_t::outer_rank == 1 && rows_t::run_length == 3 * 4 * 8 && rows_t::runs == 1);
using whole_t = slice<shape<2, 3>, slice_range{0, -big, big}>;
static_assert(whole_t::outer_rank == 0 && whole_t::run_length == 6 && whole_t::runs == 1);

// Compile time, by hand: x = 0..11 as [3, 4]; rows 2, 0 (step -2), columns 1..2.
constexpr std::array<std::int8_t, 4> compile_time_slice = [] {
  using layer_t = slice<shape<3, 4>, slice_range{0, -1, small, -2}, slice_range{1, 1, 3}>;
  std::array<std::int8_t, 12> x{};
  for (std::size_t i = 0; i < 12; ++i)
    x[i] = std::int8_t(i);
  std::array<std::int8_t, 4> o{};
  kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, o.data());
  return o;
}();
static_assert(compile_time_slice == std::array<std::int8_t, 4>{9, 10, 1, 2});

/// out must equal x[i0][i1][i2] over the hand-written index lists.
template <class Layer>
void check_3d(const std::vector<std::size_t> &i0, const std::vector<std::size_t> &i1,
              const std::vector<std::size_t> &i2, std::uint64_t seed) {
  using in_t = typename type_at<0, typename Layer::input_shapes>::type;
  using out_t = typename Layer::output_shape;
  REQUIRE(out_t::dims == std::array<std::size_t, 3>{i0.size(), i1.size(), i2.size()});
  test::rng r(seed);
  const auto x = r.int8s(in_t::size);
  std::vector<std::int8_t> out(out_t::size), fast(out_t::size);
  kernel<backends::ref, Layer>::run(Layer{}, {x.data()}, out.data());
  std::size_t k = 0, mismatches = 0;
  for (std::size_t a : i0)
    for (std::size_t b : i1)
      for (std::size_t c : i2)
        mismatches += out[k++] != x[(a * in_t::dims[1] + b) * in_t::dims[2] + c];
  CHECK(mismatches == 0);
  execute<backends::simd>(Layer{}, {x.data()}, fast.data());
  CHECK(fast == out);
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("slice: ONNX node-test geometries against hand-written index lists") {
    std::vector<std::size_t> all20, all10, all5;
    for (std::size_t i = 0; i < 20; ++i)
      all20.push_back(i);
    for (std::size_t i = 0; i < 10; ++i)
      all10.push_back(i);
    for (std::size_t i = 0; i < 5; ++i)
      all5.push_back(i);
    std::vector<std::size_t> down19;
    for (std::size_t i = 19; i >= 1; --i)
      down19.push_back(i);
    check_3d<slice<x_t, slice_range{0, 0, 3}, slice_range{1, 0, 10}>>({0, 1, 2}, all10, all5, 1);
    check_3d<slice<x_t, slice_range{1, 1, 1000}>>(all20, {1, 2, 3, 4, 5, 6, 7, 8, 9}, all5, 2);
    check_3d<
        slice<x_t, slice_range{0, 20, 0, -1}, slice_range{1, 10, 0, -3}, slice_range{2, 4, 1, -2}>>(
        down19, {9, 6, 3}, {4, 2}, 3);
    check_3d<slice<x_t, slice_range{-1, -2, -5, -1}>>(all20, all10, {3, 2, 1}, 4);
    check_3d<slice<x_t, slice_range{2, 1, 4, 2}, slice_range{0, 5, 7}>>({5, 6}, all10, {1, 3}, 5);
    check_3d<slice<x_t, slice_range{1, -3, big}>>(all20, {7, 8, 9}, all5, 6);
  }

  TEST_CASE("slice: NHWC channel split, the two halves concatenate back to the input") {
    using in_t = shape<1, 3, 5, 24>;
    using lo_t = slice<in_t, slice_range{3, 0, 12}>;
    using hi_t = slice<in_t, slice_range{-1, 12, big}>;
    static_assert(std::is_same_v<lo_t::output_shape, shape<1, 3, 5, 12>>);
    test::rng r(9);
    const auto x = r.int8s(in_t::size);
    std::vector<std::int8_t> lo(in_t::size / 2), hi(in_t::size / 2), lo_simd(lo.size());
    kernel<backends::ref, lo_t>::run(lo_t{}, {x.data()}, lo.data());
    kernel<backends::ref, hi_t>::run(hi_t{}, {x.data()}, hi.data());
    std::size_t mismatches = 0;
    for (std::size_t p = 0; p < 15; ++p)
      for (std::size_t c = 0; c < 24; ++c)
        mismatches += x[p * 24 + c] != (c < 12 ? lo[p * 12 + c] : hi[p * 12 + c - 12]);
    CHECK(mismatches == 0);
    execute<backends::simd>(lo_t{}, {x.data()}, lo_simd.data());
    CHECK(lo_simd == lo);
  }

  TEST_CASE("channel shuffle transpose [P, A, B] -> [P, B, A]: by hand, and simd equals ref") {
    // One pixel, g = 2 groups of 3 channels: channels 0 1 2 | 3 4 5 -> 0 3 1 4 2 5.
    using one_t = transpose<shape<1, 2, 3>, 0, 2, 1>;
    const std::array<std::int8_t, 6> px{0, 1, 2, 3, 4, 5};
    std::array<std::int8_t, 6> o{};
    execute<backends::simd>(one_t{}, {px.data()}, o.data());
    CHECK(o == std::array<std::int8_t, 6>{0, 3, 1, 4, 2, 5});
    using big_t = transpose<shape<49, 2, 96>, 0, 2, 1>;
    using odd_t = transpose<shape<5, 3, 7>, 0, 2, 1>;
    test::rng r(11);
    const auto x = r.int8s(big_t::output_shape::size);
    std::vector<std::int8_t> a(x.size()), b(x.size());
    kernel<backends::ref, big_t>::run(big_t{}, {x.data()}, a.data());
    execute<backends::simd>(big_t{}, {x.data()}, b.data());
    CHECK(a == b);
    std::vector<std::int8_t> c(105), d(105);
    kernel<backends::ref, odd_t>::run(odd_t{}, {x.data()}, c.data());
    execute<backends::simd>(odd_t{}, {x.data()}, d.data());
    CHECK(c == d);
  }
}
