#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/resize.hpp"

using namespace onnx2hpp;

namespace {

static_assert(
    std::is_same_v<resize_nearest<shape<2, 3, 4, 5>, 2, 3>::output_shape, shape<2, 6, 12, 5>>);
static_assert(!resize_nearest<shape<1, 1, 1, 1>, 2, 2>::in_place);

// Compile time: one pixel of two channels, x2 x1.
constexpr std::array<std::int8_t, 4> compile_time_resize = [] {
  using layer_t = resize_nearest<shape<1, 1, 1, 2>, 2, 1>;
  const std::array<std::int8_t, 2> x{5, -5};
  std::array<std::int8_t, 4> o{};
  kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, o.data());
  return o;
}();
static_assert(compile_time_resize == std::array<std::int8_t, 4>{5, -5, 5, -5});

// Source tables of resize_nearest_indexed, derived by hand from the ONNX Resize definition
// (x_original per coordinate_transformation_mode, then nearest_mode, clamped to [0, in − 1]).
using u32 = std::uint32_t;
template <std::size_t N>
using table = std::array<u32, N>;
// half_pixel, ceil, 4 -> 8 (scale 2): x' = (x + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, ... 3.25.
static_assert(nearest_source_indices<8>(4, 2.f, resize_coordinate::half_pixel,
                                        resize_rounding::ceil) == table<8>{0, 1, 1, 2, 2, 3, 3, 3});
// half_pixel, floor, 4 -> 8: floor(−0.25) = −1 -> 0, then 0, 0, 1, 1, 2, 2, 3.
static_assert(nearest_source_indices<8>(4, 2.f, resize_coordinate::half_pixel,
                                        resize_rounding::floor) ==
              table<8>{0, 0, 0, 1, 1, 2, 2, 3});
// half_pixel, round_prefer_floor, 4 -> 2 (scale 0.6, 4 * 0.6 = 2): x' = 0.333, 2.0 -> 0, 2.
static_assert(nearest_source_indices<2>(4, 0.6f, resize_coordinate::half_pixel,
                                        resize_rounding::round_prefer_floor) == table<2>{0, 2});
// align_corners, floor, 4 -> 8: x' = 3x/7 = 0, 0.43, 0.86, 1.29, 1.71, 2.14, 2.57, 3.
static_assert(nearest_source_indices<8>(4, 2.f, resize_coordinate::align_corners,
                                        resize_rounding::floor) ==
              table<8>{0, 0, 0, 1, 1, 2, 2, 3});
// asymmetric, round_prefer_ceil, 4 -> 8: x' = x/2, ties up: 0, 1, 1, 2, 2, 3, 3, 4 -> 3.
static_assert(nearest_source_indices<8>(4, 2.f, resize_coordinate::asymmetric,
                                        resize_rounding::round_prefer_ceil) ==
              table<8>{0, 1, 1, 2, 2, 3, 3, 3});
// asymmetric, round_prefer_floor, 4 -> 8: ties down: 0, 0, 1, 1, 2, 2, 3, 3.
static_assert(nearest_source_indices<8>(4, 2.f, resize_coordinate::asymmetric,
                                        resize_rounding::round_prefer_floor) ==
              table<8>{0, 0, 1, 1, 2, 2, 3, 3});
// tf_half_pixel_for_nn, round_prefer_floor, 4 -> 8: x' = (x + 0.5)/2 = 0.25, 0.75, 1.25, ...
static_assert(nearest_source_indices<8>(4, 2.f, resize_coordinate::tf_half_pixel_for_nn,
                                        resize_rounding::round_prefer_floor) ==
              table<8>{0, 1, 1, 2, 2, 3, 3, 3});
// pytorch_half_pixel to a single element: x' = 0.
static_assert(nearest_source_indices<1>(5, 0.2f, resize_coordinate::pytorch_half_pixel,
                                        resize_rounding::ceil) == table<1>{0});
// Resize-10 (simple): downsampling 5 -> 2 by 0.4, asymmetric: x' = 0, 2.5 -> ceil: 0, 3.
static_assert(nearest_source_indices<2>(5, 0.4f, resize_coordinate::asymmetric,
                                        resize_rounding::simple) == table<2>{0, 3});
// A scale of 1 copies the axis whatever the modes (onnxruntime).
static_assert(nearest_source_indices<3>(3, 1.f, resize_coordinate::tf_half_pixel_for_nn,
                                        resize_rounding::ceil) == table<3>{0, 1, 2});

// Compile time: the indexed layer on a 1x2x3x1 image, rows {1, 1, 0}, cols {2, 0}.
constexpr std::array<std::int8_t, 6> compile_time_indexed = [] {
  using layer_t = resize_nearest_indexed<shape<1, 2, 3, 1>, 3, 2>;
  static_assert(std::is_same_v<layer_t::output_shape, shape<1, 3, 2, 1>>);
  const layer_t layer{{1, 1, 0}, {2, 0}};
  const std::array<std::int8_t, 6> x{1, 2, 3, 4, 5, 6};
  std::array<std::int8_t, 6> o{};
  kernel<backends::ref, layer_t>::run(layer, {x.data()}, o.data());
  return o;
}();
static_assert(compile_time_indexed == std::array<std::int8_t, 6>{6, 4, 6, 4, 3, 1});

// Independent formulation: ONNX Resize nearest with coordinate_transformation_mode half_pixel and
// nearest_mode round_prefer_floor, evaluated in floating point: src = (dst + 0.5)/scale − 0.5,
// rounded (ties down), clamped to [0, in − 1].
std::size_t half_pixel_source(std::size_t dst, std::size_t factor, std::size_t in_extent) {
  const double s = (static_cast<double>(dst) + 0.5) / static_cast<double>(factor) - 0.5;
  double r = std::floor(s);
  if (s - r > 0.5)
    r += 1.0;
  if (r < 0)
    r = 0;
  if (r > static_cast<double>(in_extent - 1))
    r = static_cast<double>(in_extent - 1);
  return static_cast<std::size_t>(r);
}

template <std::size_t N, std::size_t H, std::size_t W, std::size_t C, std::size_t FH,
          std::size_t FW>
void check_resize(std::uint64_t seed) {
  using layer_t = resize_nearest<shape<N, H, W, C>, FH, FW>;
  test::rng r(seed);
  const auto x = r.int8s(N * H * W * C);
  std::vector<std::int8_t> out(layer_t::output_shape::size);
  kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, out.data());
  std::size_t mismatches = 0, i = 0;
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t y = 0; y < H * FH; ++y)
      for (std::size_t xo = 0; xo < W * FW; ++xo)
        for (std::size_t c = 0; c < C; ++c, ++i) {
          const std::size_t sy = half_pixel_source(y, FH, H), sx = half_pixel_source(xo, FW, W);
          mismatches += out[i] != x[((n * H + sy) * W + sx) * C + c];
        }
  CHECK(mismatches == 0);
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("resize_nearest: x2 on H, x3 on W, by hand") {
    // 2x2 image of 2 channels, pixel (y,x) = {10(2y+x)+1, −(10(2y+x)+1)}:
    //   {1,-1} {11,-11}
    //   {21,-21} {31,-31}
    // x2 vertically, x3 horizontally: every row of pixels repeated, each pixel 3 times across.
    static constexpr std::array<std::int8_t, 8> x{1, -1, 11, -11, 21, -21, 31, -31};
    using layer_t = resize_nearest<shape<1, 2, 2, 2>, 2, 3>;
    static_assert(std::is_same_v<layer_t::output_shape, shape<1, 4, 6, 2>>);
    std::array<std::int8_t, 48> out{};
    kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, out.data());
    const std::array<std::int8_t, 12> top{1, -1, 1, -1, 1, -1, 11, -11, 11, -11, 11, -11};
    const std::array<std::int8_t, 12> bottom{21, -21, 21, -21, 21, -21, 31, -31, 31, -31, 31, -31};
    for (std::size_t row = 0; row < 4; ++row)
      for (std::size_t k = 0; k < 12; ++k)
        CHECK(out[row * 12 + k] == (row < 2 ? top : bottom)[k]);
  }

  TEST_CASE("resize_nearest_indexed: the integer-factor tables are the plain repeat") {
    // half_pixel + round_prefer_floor with a whole factor is resize_nearest's y / F.
    const auto rows = nearest_source_indices<12>(4, 3.f, resize_coordinate::half_pixel,
                                                 resize_rounding::round_prefer_floor);
    for (std::size_t y = 0; y < 12; ++y)
      CHECK(rows[y] == y / 3);
    // Channels and batch are carried: 2 images of 2x2x2 downsampled to 1x1 (source (1, 1)).
    using layer_t = resize_nearest_indexed<shape<2, 2, 2, 2>, 1, 1>;
    const layer_t layer{{1}, {1}};
    const std::array<std::int8_t, 16> x{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    std::array<std::int8_t, 4> out{};
    kernel<backends::ref, layer_t>::run(layer, {x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 4>{6, 7, 14, 15});
  }

  TEST_CASE("resize_nearest: matches ONNX half-pixel nearest in floating point") {
    check_resize<1, 3, 4, 5, 2, 3>(1);
    check_resize<2, 5, 3, 2, 3, 2>(2);
    check_resize<1, 4, 4, 3, 4, 4>(3);
    check_resize<1, 2, 7, 1, 1, 5>(4);
  }
}
