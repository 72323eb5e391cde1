#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/pooling.hpp"

using namespace onnx2hpp;

namespace {

template <class Layer, std::size_t N>
auto run_layer(const Layer &l, const std::array<std::int8_t, N> &x) {
  std::array<std::int8_t, Layer::output_shape::size> out{};
  kernel<backends::ref, Layer>::run(l, {x.data()}, out.data());
  return out;
}

// 3x3 input [1 2 3; 4 5 6; 7 8 9]; a 2x2 window, stride 2, pad 1 on every side gives a 2x2
// output whose windows start at rows/cols {-1, 1}:
//   (0,0) covers input {1} (3 padding taps)     (0,1) covers {2, 3} (2 padding taps)
//   (1,0) covers {4, 7} (2 padding taps)        (1,1) covers {5, 6, 8, 9}
constexpr std::array<std::int8_t, 9> grid3{1, 2, 3, 4, 5, 6, 7, 8, 9};
constexpr pool2d_attrs k2s2p1{.kernel_h = 2,
                              .kernel_w = 2,
                              .stride_h = 2,
                              .stride_w = 2,
                              .pad_top = 1,
                              .pad_left = 1,
                              .pad_bottom = 1,
                              .pad_right = 1};

// ---- Independent formulation ---------------------------------------------------------------
// The padded input is materialized per (n, c) plane with a mask telling input from padding; the
// output positions are enumerated by walking window starts until the ONNX stopping rule fails;
// the mean is computed in double and rounded with std::round (half away from zero).

struct pool_case {
  std::size_t n, h, w, c, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  bool ceil_mode;
};

// Number of window starts along an axis: start s = i*stride (in padded coordinates) is taken
// while the window fits the padded extent (floor mode), or while its first tap lies before the
// end of the padded extent minus span plus stride (ceil mode: partial windows allowed) and the
// window starts inside the input or the leading padding.
std::size_t count_starts(std::size_t in, std::size_t before, std::size_t after, std::size_t k,
                         std::size_t stride, std::size_t dil, bool ceil_mode) {
  const std::size_t padded = in + before + after, span = dil * (k - 1) + 1;
  std::size_t count = 0;
  for (std::size_t s = 0;; s += stride) {
    const bool fits = s + span <= padded;
    const bool partial_ok = ceil_mode && s + span < padded + stride && s < in + before;
    if (!fits && !partial_ok)
      break;
    ++count;
  }
  return count;
}

struct independent_result {
  std::size_t oh, ow;
  std::vector<int> max;           // -128 if no tap in the input
  std::vector<long long> sum;     // of (x - zp) over input taps
  std::vector<long long> n_input; // taps inside the input
  std::vector<long long> n_pad;   // taps inside the padded extent
};

independent_result independent_pool(const pool_case &k, const std::vector<std::int8_t> &x, int zp) {
  independent_result r;
  r.oh = count_starts(k.h, k.pt, k.pb, k.kh, k.sh, k.dh, k.ceil_mode);
  r.ow = count_starts(k.w, k.pl, k.pr, k.kw, k.sw, k.dw, k.ceil_mode);
  const std::size_t ph = k.h + k.pt + k.pb, pw = k.w + k.pl + k.pr;
  const std::size_t outs = k.n * r.oh * r.ow * k.c;
  r.max.assign(outs, -128);
  r.sum.assign(outs, 0);
  r.n_input.assign(outs, 0);
  r.n_pad.assign(outs, 0);
  for (std::size_t n = 0; n < k.n; ++n)
    for (std::size_t c = 0; c < k.c; ++c) {
      // The padded plane [y][x]: input values, and a mask of which positions are input.
      std::vector<int> value(ph * pw, 0);
      std::vector<bool> is_input(ph * pw, false);
      for (std::size_t y = 0; y < k.h; ++y)
        for (std::size_t xx = 0; xx < k.w; ++xx) {
          value[(y + k.pt) * pw + xx + k.pl] = x[((n * k.h + y) * k.w + xx) * k.c + c];
          is_input[(y + k.pt) * pw + xx + k.pl] = true;
        }
      for (std::size_t oy = 0; oy < r.oh; ++oy)
        for (std::size_t ox = 0; ox < r.ow; ++ox) {
          const std::size_t o = ((n * r.oh + oy) * r.ow + ox) * k.c + c;
          for (std::size_t ky = 0; ky < k.kh; ++ky)
            for (std::size_t kx = 0; kx < k.kw; ++kx) {
              const std::size_t py = oy * k.sh + ky * k.dh, px = ox * k.sw + kx * k.dw;
              if (py >= ph || px >= pw)
                continue; // beyond the padding (ceil mode)
              ++r.n_pad[o];
              if (!is_input[py * pw + px])
                continue;
              ++r.n_input[o];
              const int v = value[py * pw + px];
              r.sum[o] += v - zp;
              r.max[o] = v > r.max[o] ? v : r.max[o];
            }
        }
    }
  return r;
}

int clamp_int8(long long v, int lo, int hi) {
  return static_cast<int>(v < lo ? lo : (v > hi ? hi : v));
}

template <std::size_t N, std::size_t H, std::size_t W, std::size_t C, pool2d_attrs A>
void check_against_independent(std::uint64_t seed) {
  using max_t = max_pool2d<shape<N, H, W, C>, A>;
  using avg_ex_t = avg_pool2d<shape<N, H, W, C>, A, false>;
  using avg_in_t = avg_pool2d<shape<N, H, W, C>, A, true>;
  test::rng r(seed);
  const auto x = r.int8s(N * H * W * C);
  const int in_zp = r.uniform(-30, 30), out_zp = r.uniform(-20, 20);
  const float in_scale = 0.01f + 0.05f * static_cast<float>(r.uniform(0, 1000)) / 1000.f;
  const float out_scale = 0.01f + 0.05f * static_cast<float>(r.uniform(0, 1000)) / 1000.f;
  const quantized_multiplier m =
      quantize_multiplier(static_cast<double>(in_scale) / static_cast<double>(out_scale));
  // The real number the fixed-point multiplier represents, exactly: m * 2^(shift - 31).
  const double real = std::ldexp(static_cast<double>(m.multiplier), m.shift - 31);
  const int act_min = -120, act_max = 125;

  const pool_case k{N,
                    H,
                    W,
                    C,
                    A.kernel_h,
                    A.kernel_w,
                    A.stride_h,
                    A.stride_w,
                    A.dilation_h,
                    A.dilation_w,
                    A.pad_top,
                    A.pad_left,
                    A.pad_bottom,
                    A.pad_right,
                    A.ceil_mode};
  const auto ind = independent_pool(k, x, in_zp);
  REQUIRE(ind.oh == max_t::out_h);
  REQUIRE(ind.ow == max_t::out_w);
  REQUIRE(ind.oh == avg_in_t::out_h);
  REQUIRE(ind.ow == avg_in_t::out_w);

  std::vector<std::int8_t> out(max_t::output_shape::size);
  kernel<backends::ref, max_t>::run(max_t{act_min, act_max}, {x.data()}, out.data());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < out.size(); ++i)
    mismatches += out[i] != clamp_int8(ind.max[i], act_min, act_max);
  CHECK(mismatches == 0);

  for (bool include_pad : {false, true}) {
    if (include_pad)
      kernel<backends::ref, avg_in_t>::run(avg_in_t{in_zp, out_zp, m, act_min, act_max}, {x.data()},
                                           out.data());
    else
      kernel<backends::ref, avg_ex_t>::run(avg_ex_t{in_zp, out_zp, m, act_min, act_max}, {x.data()},
                                           out.data());
    mismatches = 0;
    std::size_t off_by_more_than_one = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      const long long count = include_pad ? ind.n_pad[i] : ind.n_input[i];
      const double mean = count == 0 ? 0.0 : static_cast<double>(ind.sum[i]) / count;
      const long long rounded = static_cast<long long>(std::round(mean * real));
      mismatches += out[i] != clamp_int8(rounded + out_zp, act_min, act_max);
      // ONNX's float path: dequantize, average, quantize with the unquantized scales (round half
      // to even): the fixed-point multiplier may move a value by at most one step.
      const double onnx = std::nearbyint(mean * in_scale / out_scale);
      const int onnx_q = clamp_int8(static_cast<long long>(onnx) + out_zp, act_min, act_max);
      off_by_more_than_one += std::abs(out[i] - onnx_q) > 1;
    }
    CHECK(mismatches == 0);
    CHECK(off_by_more_than_one == 0);
  }
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("pooling: output extents, floor and ceil mode, the window-start rule") {
    // floor: (5 - 2) / 2 + 1 = 2; ceil: ceil(3 / 2) + 1 = 3, last start 4 < 5 is kept.
    static_assert(pool_output_extent(5, 0, 0, 2, 2, 1, false) == 2);
    static_assert(pool_output_extent(5, 0, 0, 2, 2, 1, true) == 3);
    // in 4, pads 1/1, kernel 2, stride 3: ceil(4 / 3) + 1 = 3, but the third window would start at
    // padded position 6 >= 4 + 1 (entirely in the trailing padding): dropped -> 2 (= floor).
    static_assert(pool_output_extent(4, 1, 1, 2, 3, 1, true) == 2);
    static_assert(pool_output_extent(4, 1, 1, 2, 3, 1, false) == 2);
    // stride 3, kernel 2 on 7: floor (5 / 3) + 1 = 2; ceil 2 + 1 = 3 (start 6 < 7).
    static_assert(pool_output_extent(7, 0, 0, 2, 3, 1, false) == 2);
    static_assert(pool_output_extent(7, 0, 0, 2, 3, 1, true) == 3);
    // dilation 2, kernel 3 -> span 5 on 9 with pad 1: (11 - 5) / 2 + 1 = 4.
    static_assert(pool_output_extent(9, 1, 1, 3, 2, 2, false) == 4);
    using p = max_pool2d<shape<2, 3, 3, 4>, k2s2p1>;
    static_assert(std::is_same_v<p::output_shape, shape<2, 2, 2, 4>>);
    static_assert(p::n_inputs == 1 && !p::in_place && p::macs == 0);
    static_assert(
        std::is_same_v<avg_pool2d<shape<1, 5, 5, 1>, pool2d_attrs{.kernel_h = 2,
                                                                  .kernel_w = 2,
                                                                  .stride_h = 2,
                                                                  .stride_w = 2,
                                                                  .ceil_mode = true}>::output_shape,
                       shape<1, 3, 3, 1>>);
    static_assert(
        std::is_same_v<global_avg_pool<shape<3, 7, 5, 8>>::output_shape, shape<3, 1, 1, 8>>);
  }

  TEST_CASE("max_pool2d: padding is ignored, not zero") {
    // Negated grid3: windows (see grid3) give max{-1} = -1, max{-2,-3} = -2, max{-4,-7} = -4,
    // max{-5,-6,-8,-9} = -5. Zero padding would have produced 0 for the first three.
    static constexpr std::array<std::int8_t, 9> x{-1, -2, -3, -4, -5, -6, -7, -8, -9};
    using layer_t = max_pool2d<shape<1, 3, 3, 1>, k2s2p1>;
    CHECK(run_layer(layer_t{}, x) == std::array<std::int8_t, 4>{-1, -2, -4, -5});
    // Fused ReLU-like clamp [-3, 127]: -1, -2, -3, -3.
    CHECK(run_layer(layer_t{-3, 127}, x) == std::array<std::int8_t, 4>{-1, -2, -3, -3});
  }

  TEST_CASE("max_pool2d: stride 3 and ceil mode keep a partial last window") {
    // Row [1..7], window 1x2, stride 1x3. floor: windows {1,2}, {4,5} -> [2, 5];
    // ceil: plus the partial window starting at 6, {7} -> [2, 5, 7].
    static constexpr std::array<std::int8_t, 7> x{1, 2, 3, 4, 5, 6, 7};
    using floor_t =
        max_pool2d<shape<1, 1, 7, 1>,
                   pool2d_attrs{.kernel_h = 1, .kernel_w = 2, .stride_h = 1, .stride_w = 3}>;
    using ceil_t = max_pool2d<
        shape<1, 1, 7, 1>,
        pool2d_attrs{
            .kernel_h = 1, .kernel_w = 2, .stride_h = 1, .stride_w = 3, .ceil_mode = true}>;
    CHECK(run_layer(floor_t{}, x) == std::array<std::int8_t, 2>{2, 5});
    CHECK(run_layer(ceil_t{}, x) == std::array<std::int8_t, 3>{2, 5, 7});
  }

  TEST_CASE("avg_pool2d: window overlapping padding, count_include_pad both ways") {
    // grid3 with input zp 6 -> [-5 -4 -3; -2 -1 0; 1 2 3]; output zp 10, multiplier 1.
    // sums per window (see grid3): -5, -4-3 = -7, -2+1 = -1, -1+0+2+3 = 4.
    // exclude pad, counts 1, 2, 2, 4: -5, -3.5 -> -4, -0.5 -> -1, 1      -> +10: [5, 6, 9, 11]
    // include pad, counts 4, 4, 4, 4: -1.25 -> -1, -1.75 -> -2, -0.25 -> 0, 1 -> [9, 8, 10, 11]
    using ex_t = avg_pool2d<shape<1, 3, 3, 1>, k2s2p1, false>;
    using in_t = avg_pool2d<shape<1, 3, 3, 1>, k2s2p1, true>;
    static_assert(!ex_t::count_include_pad && in_t::count_include_pad);
    CHECK(run_layer(ex_t{6, 10}, grid3) == std::array<std::int8_t, 4>{5, 6, 9, 11});
    CHECK(run_layer(in_t{6, 10}, grid3) == std::array<std::int8_t, 4>{9, 8, 10, 11});
  }

  TEST_CASE("avg_pool2d: padding on each single side") {
    // Values [2, 4, 6] along one axis, window 2, stride 2, pad 1 on one side only, zp 0.
    //   pad left/top:     windows {pad, 2}, {4, 6}: include [1, 5], exclude [2, 5]
    //   pad right/bottom: windows {2, 4}, {6, pad}: include [3, 3], exclude [3, 6]
    static constexpr std::array<std::int8_t, 3> x{2, 4, 6};
    constexpr pool2d_attrs left{.kernel_h = 1, .kernel_w = 2, .stride_w = 2, .pad_left = 1};
    constexpr pool2d_attrs right{.kernel_h = 1, .kernel_w = 2, .stride_w = 2, .pad_right = 1};
    constexpr pool2d_attrs top{.kernel_h = 2, .kernel_w = 1, .stride_h = 2, .pad_top = 1};
    constexpr pool2d_attrs bottom{.kernel_h = 2, .kernel_w = 1, .stride_h = 2, .pad_bottom = 1};
    using row = shape<1, 1, 3, 1>;
    using col = shape<1, 3, 1, 1>;
    using a2 = std::array<std::int8_t, 2>;
    CHECK(run_layer(avg_pool2d<row, left, true>{}, x) == a2{1, 5});
    CHECK(run_layer(avg_pool2d<row, left, false>{}, x) == a2{2, 5});
    CHECK(run_layer(avg_pool2d<col, top, true>{}, x) == a2{1, 5});
    CHECK(run_layer(avg_pool2d<col, top, false>{}, x) == a2{2, 5});
    CHECK(run_layer(avg_pool2d<row, right, true>{}, x) == a2{3, 3});
    CHECK(run_layer(avg_pool2d<row, right, false>{}, x) == a2{3, 6});
    CHECK(run_layer(avg_pool2d<col, bottom, true>{}, x) == a2{3, 3});
    CHECK(run_layer(avg_pool2d<col, bottom, false>{}, x) == a2{3, 6});
    // Max pooling of the same windows ignores the padding: [2, 6] and [4, 6].
    CHECK(run_layer(max_pool2d<row, left>{}, x) == a2{2, 6});
    CHECK(run_layer(max_pool2d<col, bottom>{}, x) == a2{4, 6});
  }

  TEST_CASE("avg_pool2d: ceil mode's overhanging window counts no taps beyond the padding") {
    // Row [3, 1, 4, 1, 5], window 2, stride 2, ceil: windows {3,1}, {4,1}, {5, beyond}.
    // Both ways the last count is 1: [4/2 = 2, 5/2 = 2.5 -> 3, 5].
    static constexpr std::array<std::int8_t, 5> x{3, 1, 4, 1, 5};
    constexpr pool2d_attrs a{.kernel_h = 1, .kernel_w = 2, .stride_w = 2, .ceil_mode = true};
    using a3 = std::array<std::int8_t, 3>;
    CHECK(run_layer(avg_pool2d<shape<1, 1, 5, 1>, a, true>{}, x) == a3{2, 3, 5});
    CHECK(run_layer(avg_pool2d<shape<1, 1, 5, 1>, a, false>{}, x) == a3{2, 3, 5});
  }

  TEST_CASE("avg_pool2d: a window entirely in padding has count 0 when padding is excluded") {
    // Single pixel 9 (zp 1 -> 8), window 1, pad_left 1: windows {pad}, {9}. Output zp -3.
    // exclude: count 0 -> avg 0 -> -3, then 8 -> 5; include: 0/1 -> -3, then 5.
    // max: no tap in the input -> -128.
    static constexpr std::array<std::int8_t, 1> x{9};
    constexpr pool2d_attrs a{.kernel_h = 1, .kernel_w = 1, .pad_left = 1};
    using a2 = std::array<std::int8_t, 2>;
    CHECK(run_layer(avg_pool2d<shape<1, 1, 1, 1>, a, false>{1, -3}, x) == a2{-3, 5});
    CHECK(run_layer(avg_pool2d<shape<1, 1, 1, 1>, a, true>{1, -3}, x) == a2{-3, 5});
    CHECK(run_layer(max_pool2d<shape<1, 1, 1, 1>, a>{}, x) == a2{-128, 9});
  }

  TEST_CASE("avg_pool2d: rescaling multiplier and activation clamp") {
    // grid3 window (1,1) sums 5+6+8+9 = 28, count 4 -> 7; x0.5 ({2^30, 0}) = 3.5 -> 4.
    // Window (0,1) (exclude) = 2.5 x0.5 = 1.25 -> 1; (1,0) = 5.5 x0.5 = 2.75 -> 3; (0,0) 0.5 -> 1.
    // Clamp [0, 3]: [1, 1, 3, 3].
    using ex_t = avg_pool2d<shape<1, 3, 3, 1>, k2s2p1, false>;
    CHECK(run_layer(ex_t{0, 0, {1 << 30, 0}, 0, 3}, grid3) ==
          std::array<std::int8_t, 4>{1, 1, 3, 3});
    // A tiny multiplier (shift -31): every average rounds to 0 -> output zp.
    CHECK(run_layer(ex_t{0, 7, {1 << 30, -31}}, grid3) == std::array<std::int8_t, 4>{7, 7, 7, 7});
    // Saturation: x8 ({2^30, 4}) of 7 = 56, + zp 100 -> 156 -> 127.
    CHECK(run_layer(ex_t{0, 100, {1 << 30, 4}}, grid3)[3] == 127);
  }

  TEST_CASE("global_avg_pool: hand-worked, with rescaling") {
    // 2x2 pixels, 2 channels: ch0 [1, 2, 3, 4] sum 10, ch1 [-1, -2, -3, -5] sum -11; count 4.
    // multiplier 1: 2.5 -> 3, -2.75 -> -3; multiplier 2 ({2^30, 2}): 5, -5.5 -> -6.
    static constexpr std::array<std::int8_t, 8> x{1, -1, 2, -2, 3, -3, 4, -5};
    using layer_t = global_avg_pool<shape<1, 2, 2, 2>>;
    static_assert(std::is_same_v<layer_t::output_shape, shape<1, 1, 1, 2>>);
    CHECK(run_layer(layer_t{}, x) == std::array<std::int8_t, 2>{3, -3});
    CHECK(run_layer(layer_t{0, 0, {1 << 30, 2}}, x) == std::array<std::int8_t, 2>{5, -6});
    // input zp 2, output zp -1: sums 2, -19: 0.5 -> 1, -4.75 -> -5; -> [0, -6].
    CHECK(run_layer(layer_t{2, -1}, x) == std::array<std::int8_t, 2>{0, -6});
  }

  TEST_CASE("global_avg_pool: matches avg_pool2d with a full-size window, random data") {
    using g_t = global_avg_pool<shape<2, 5, 6, 3>>;
    using a_t = avg_pool2d<shape<2, 5, 6, 3>, pool2d_attrs{.kernel_h = 5, .kernel_w = 6}>;
    test::rng r(77);
    const auto x = r.int8s(2 * 5 * 6 * 3);
    const quantized_multiplier m = quantize_multiplier(0.73);
    std::array<std::int8_t, 6> g{}, a{};
    kernel<backends::ref, g_t>::run(g_t{-7, 4, m}, {x.data()}, g.data());
    kernel<backends::ref, a_t>::run(a_t{-7, 4, m}, {x.data()}, a.data());
    CHECK(g == a);
    // Independently: the channel mean in double, times the multiplier's real value, std::round.
    const double real = std::ldexp(static_cast<double>(m.multiplier), m.shift - 31);
    for (std::size_t n = 0; n < 2; ++n)
      for (std::size_t c = 0; c < 3; ++c) {
        long long sum = 0;
        for (std::size_t p = 0; p < 30; ++p)
          sum += x[(n * 30 + p) * 3 + c] + 7;
        CHECK(g[n * 3 + c] == clamp_int8(std::llround(sum / 30.0 * real) + 4, -128, 127));
      }
  }

  TEST_CASE("pooling: runs at compile time") {
    constexpr auto at_compile_time = [] {
      using ex_t = avg_pool2d<shape<1, 3, 3, 1>, k2s2p1, false>;
      std::array<std::int8_t, 4> o{};
      kernel<backends::ref, ex_t>::run(ex_t{6, 10}, {grid3.data()}, o.data());
      std::array<std::int8_t, 4> m{};
      kernel<backends::ref, max_pool2d<shape<1, 3, 3, 1>, k2s2p1>>::run({}, {grid3.data()},
                                                                        m.data());
      return std::array<std::int8_t, 8>{o[0], o[1], o[2], o[3], m[0], m[1], m[2], m[3]};
    }();
    static_assert(at_compile_time == std::array<std::int8_t, 8>{5, 6, 9, 11, 1, 3, 7, 9});
  }

  TEST_CASE("pooling: matches an independent padded-plane formulation over many geometries") {
    check_against_independent<1, 7, 9, 3, pool2d_attrs{.kernel_h = 3, .kernel_w = 3}>(1);
    check_against_independent<2, 8, 8, 4, k2s2p1>(2);
    check_against_independent<1, 9, 11, 2,
                              pool2d_attrs{.kernel_h = 3,
                                           .kernel_w = 3,
                                           .stride_h = 2,
                                           .stride_w = 2,
                                           .pad_top = 1,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 1,
                                           .ceil_mode = true}>(3);
    check_against_independent<1, 10, 11, 3,
                              pool2d_attrs{.kernel_h = 3,
                                           .kernel_w = 2,
                                           .stride_h = 3,
                                           .stride_w = 3,
                                           .pad_top = 2,
                                           .pad_left = 0,
                                           .pad_bottom = 0,
                                           .pad_right = 1,
                                           .ceil_mode = true}>(4);
    check_against_independent<1, 10, 11, 3,
                              pool2d_attrs{.kernel_h = 3,
                                           .kernel_w = 2,
                                           .stride_h = 3,
                                           .stride_w = 3,
                                           .pad_top = 2,
                                           .pad_right = 1}>(5);
    check_against_independent<2, 12, 12, 2,
                              pool2d_attrs{.kernel_h = 3,
                                           .kernel_w = 2,
                                           .stride_h = 2,
                                           .stride_w = 1,
                                           .dilation_h = 2,
                                           .dilation_w = 3,
                                           .pad_top = 1,
                                           .pad_left = 2,
                                           .pad_bottom = 2,
                                           .pad_right = 0,
                                           .ceil_mode = true}>(6);
    check_against_independent<1, 6, 5, 5,
                              pool2d_attrs{.kernel_h = 5,
                                           .kernel_w = 5,
                                           .pad_top = 2,
                                           .pad_left = 2,
                                           .pad_bottom = 2,
                                           .pad_right = 2}>(7);
    check_against_independent<1, 13, 6, 4,
                              pool2d_attrs{.kernel_h = 2,
                                           .kernel_w = 1,
                                           .stride_h = 3,
                                           .stride_w = 1,
                                           .pad_bottom = 1,
                                           .ceil_mode = true}>(8);
    check_against_independent<1, 4, 4, 2,
                              pool2d_attrs{.kernel_h = 2,
                                           .kernel_w = 2,
                                           .stride_h = 3,
                                           .stride_w = 3,
                                           .pad_top = 1,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 1,
                                           .ceil_mode = true}>(9);
    check_against_independent<1, 3, 3, 3,
                              pool2d_attrs{.kernel_h = 2,
                                           .kernel_w = 2,
                                           .pad_top = 1,
                                           .pad_left = 1,
                                           .pad_bottom = 1,
                                           .pad_right = 1}>(10);
  }
}
