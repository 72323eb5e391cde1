#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/concat.hpp"

using namespace onnx2hpp;

namespace {

static_assert(std::is_same_v<concat<3, shape<1, 2, 2, 1>, shape<1, 2, 2, 5>>::output_shape,
                             shape<1, 2, 2, 6>>);
static_assert(
    std::is_same_v<concat<1, shape<1, 2, 3, 4>, shape<1, 5, 3, 4>, shape<1, 1, 3, 4>>::output_shape,
                   shape<1, 8, 3, 4>>);
static_assert(concat<0, shape<2>, shape<3>>::n_inputs == 2 && !concat<0, shape<2>>::in_place);

// Compile time: channels [1,1,1,1] ++ [1,1,1,2].
constexpr std::array<std::int8_t, 3> compile_time_concat = [] {
  using layer_t = concat<3, shape<1, 1, 1, 1>, shape<1, 1, 1, 2>>;
  const std::array<std::int8_t, 1> a{7};
  const std::array<std::int8_t, 2> b{8, 9};
  std::array<std::int8_t, 3> o{};
  kernel<backends::ref, layer_t>::run(layer_t{}, {a.data(), b.data()}, o.data());
  return o;
}();
static_assert(compile_time_concat == std::array<std::int8_t, 3>{7, 8, 9});

template <class Layer, std::size_t NA, std::size_t NB>
std::vector<std::int8_t> run2(const Layer &l, const std::array<std::int8_t, NA> &a,
                              const std::array<std::int8_t, NB> &b) {
  std::vector<std::int8_t> out(Layer::output_shape::size);
  kernel<backends::ref, Layer>::run(l, {a.data(), b.data()}, out.data());
  return out;
}

template <class S>
std::vector<std::size_t> dims_of() {
  return {S::dims.begin(), S::dims.end()};
}

// Independent formulation: for every output multi-index, find the input whose range along the
// axis holds it, and read that input at the index shifted by the extents of the inputs before it;
// requantize through real numbers (round half away from zero, saturate).
void check_against_independent(std::size_t axis, const std::vector<std::vector<std::size_t>> &dims,
                               const std::vector<std::vector<std::int8_t>> &data,
                               const std::vector<float> &scales, const std::vector<int> &zps,
                               float out_scale, int out_zp, const std::vector<std::int8_t> &out) {
  std::vector<std::size_t> od = dims[0];
  od[axis] = 0;
  for (const auto &d : dims)
    od[axis] += d[axis];
  std::size_t total = 1;
  for (std::size_t e : od)
    total *= e;
  REQUIRE(out.size() == total);
  std::size_t mismatches = 0;
  for (std::size_t flat = 0; flat < total; ++flat) {
    std::vector<std::size_t> idx(od.size());
    for (std::size_t d = od.size(), f = flat; d-- > 0;) {
      idx[d] = f % od[d];
      f /= od[d];
    }
    std::size_t i = 0;
    while (idx[axis] >= dims[i][axis])
      idx[axis] -= dims[i++][axis];
    std::size_t src = 0;
    for (std::size_t d = 0; d < od.size(); ++d)
      src = src * dims[i][d] + idx[d];
    const double real = double{scales[i]} * (data[i][src] - zps[i]);
    const double q = std::fmin(127.0, std::fmax(-128.0, std::round(real / out_scale) + out_zp));
    mismatches += static_cast<int>(q) != out[flat];
  }
  CHECK(mismatches == 0);
}

template <std::size_t Axis, class S0, class S1, class S2>
void random_case(std::uint64_t seed, bool rescale) {
  using layer_t = concat<Axis, S0, S1, S2>;
  test::rng r(seed);
  const std::vector<std::vector<std::int8_t>> data{r.int8s(S0::size), r.int8s(S1::size),
                                                   r.int8s(S2::size)};
  const float out_scale = 0.05f;
  const int out_zp = 4;
  std::vector<float> scales(3, out_scale);
  std::vector<int> zps(3, out_zp);
  if (rescale)
    for (std::size_t i = 0; i < 3; ++i) {
      scales[i] = 0.01f + 0.08f * static_cast<float>(r.uniform(1, 1000)) / 1000.f;
      zps[i] = r.uniform(-40, 40);
    }
  layer_t l{};
  for (std::size_t i = 0; i < 3; ++i)
    l.inputs[i] = make_concat_input(scales[i], zps[i], out_scale, out_zp);
  l.output_zero_point = out_zp;
  CHECK(l.inputs[0].identity == !rescale);
  std::vector<std::int8_t> out(layer_t::output_shape::size);
  kernel<backends::ref, layer_t>::run(l, {data[0].data(), data[1].data(), data[2].data()},
                                      out.data());
  check_against_independent(Axis, {dims_of<S0>(), dims_of<S1>(), dims_of<S2>()}, data, scales, zps,
                            out_scale, out_zp, out);
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("concat: along H, W and C of NHWC, by hand") {
    static constexpr std::array<std::int8_t, 2> a{1, 2};
    static constexpr std::array<std::int8_t, 4> b{3, 4, 5, 6};
    // H: [1,1,2,1] ++ [1,2,2,1] -> rows {1,2}, {3,4}, {5,6}.
    CHECK(run2(concat<1, shape<1, 1, 2, 1>, shape<1, 2, 2, 1>>{}, a, b) ==
          std::vector<std::int8_t>{1, 2, 3, 4, 5, 6});
    // W: [1,2,1,1] ++ [1,2,2,1] -> row 0: {1, 3, 4}, row 1: {2, 5, 6}.
    CHECK(run2(concat<2, shape<1, 2, 1, 1>, shape<1, 2, 2, 1>>{}, a, b) ==
          std::vector<std::int8_t>{1, 3, 4, 2, 5, 6});
    // C: [1,1,2,1] ++ [1,1,2,2] -> pixel 0: {1, 3, 4}, pixel 1: {2, 5, 6}.
    CHECK(run2(concat<3, shape<1, 1, 2, 1>, shape<1, 1, 2, 2>>{}, a, b) ==
          std::vector<std::int8_t>{1, 3, 4, 2, 5, 6});
    // N (axis 0) and a rank-2 tensor for completeness.
    CHECK(run2(concat<0, shape<1, 2>, shape<2, 2>>{}, a, b) ==
          std::vector<std::int8_t>{1, 2, 3, 4, 5, 6});
  }

  TEST_CASE("concat: requantization by hand") {
    // Output scale 0.5, zp −1.
    // Input 0: scale 0.5, zp 2: ratio 1 but zp differs (not identity): out = (x − 2) − 1.
    //   x = 5 -> 2; x = −128 -> −131 saturates to −128.
    // Input 1: scale 0.25, zp 0: ratio 0.5 = {2^30, 0} -> with left shift 16: {2^30, −16};
    //   out = rdbpot(srdhm(x·2^16, 2^30), 16) = rdbpot(x·2^15, 16) = x/2 rounded half away,
    //   then − 1: x = 3 -> 1.5 -> 2 -> 1; x = −3 -> −2 -> −3; x = 127 -> 63.5 -> 64 -> 63;
    //   x = 10 -> 5 -> 4.
    constexpr concat_input in0 = make_concat_input(0.5f, 2, 0.5f, -1);
    constexpr concat_input in1 = make_concat_input(0.25f, 0, 0.5f, -1);
    static_assert(!in0.identity && !in1.identity);
    static_assert(in1.multiplier.multiplier == (1 << 30) && in1.multiplier.shift == -16 &&
                  in1.left_shift == 16);
    static_assert(make_concat_input(0.5f, 2, 0.5f, 2).identity);
    using layer_t = concat<3, shape<1, 1, 2, 1>, shape<1, 1, 2, 2>>;
    static constexpr std::array<std::int8_t, 2> a{5, -128};
    static constexpr std::array<std::int8_t, 4> b{3, -3, 127, 10};
    CHECK(run2(layer_t{{in0, in1}, -1}, a, b) == std::vector<std::int8_t>{2, 1, -3, -128, 63, 4});
  }

  TEST_CASE("concat: matches an independent formulation along every axis") {
    for (int rescale = 0; rescale < 2; ++rescale) {
      const bool rs = rescale == 1;
      random_case<1, shape<1, 3, 4, 5>, shape<1, 1, 4, 5>, shape<1, 6, 4, 5>>(10, rs);
      random_case<2, shape<2, 3, 4, 5>, shape<2, 3, 2, 5>, shape<2, 3, 7, 5>>(11, rs);
      random_case<3, shape<1, 3, 4, 5>, shape<1, 3, 4, 1>, shape<1, 3, 4, 16>>(12, rs);
      random_case<0, shape<1, 3, 4, 5>, shape<2, 3, 4, 5>, shape<1, 3, 4, 5>>(13, rs);
      random_case<1, shape<3, 2>, shape<3, 5>, shape<3, 1>>(14, rs);
    }
  }
}
