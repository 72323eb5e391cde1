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

  TEST_CASE("resize_nearest: matches ONNX half-pixel nearest in floating point") {
    check_resize<1, 3, 4, 5, 2, 3>(1);
    check_resize<2, 5, 3, 2, 3, 2>(2);
    check_resize<1, 4, 4, 3, 4, 4>(3);
    check_resize<1, 2, 7, 1, 1, 5>(4);
  }
}
