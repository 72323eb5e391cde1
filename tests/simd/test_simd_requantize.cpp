// The vector requantization against the scalar definition, lane by lane, on edge values and on
// random values over every shift; the same for the fp32 (onnxruntime-mode) requantization.
#include "harness.hpp"

#include <limits>

using namespace onnx2hpp;

namespace {

constexpr std::int32_t int_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t int_max = std::numeric_limits<std::int32_t>::max();

template <class Isa>
std::size_t check_lanes(const std::vector<std::int32_t> &acc,
                        const std::vector<quantized_multiplier> &m, std::int32_t zp,
                        std::int32_t lo, std::int32_t hi) {
  if constexpr (!simd::vector_isa<Isa>) {
    return 0;
  } else {
    using batch = typename Isa::batch;
    constexpr std::size_t L = Isa::lanes;
    std::size_t bad = 0;
    const simd::output_window win = simd::make_output_window(zp, lo, hi);
    for (std::size_t i0 = 0; i0 + L <= acc.size(); i0 += L) {
      alignas(64) std::int32_t a[L], mu[L], le[L], ri[L], h[L], o[L];
      for (std::size_t i = 0; i < L; ++i) {
        const simd::split_multiplier s = simd::split(m[i0 + i]);
        a[i] = acc[i0 + i];
        mu[i] = s.multiplier;
        le[i] = s.left;
        ri[i] = s.right;
      }
      Isa::srdhm(batch::load_aligned(a), batch::load_aligned(mu)).store_aligned(h);
      simd::vector_math<Isa>::requantize(batch::load_aligned(a), batch::load_aligned(mu),
                                         batch::load_aligned(le), batch::load_aligned(ri), win)
          .store_aligned(o);
      for (std::size_t i = 0; i < L; ++i) {
        bad += h[i] != saturating_rounding_doubling_high_mul(a[i], mu[i]);
        bad += o[i] != requantize(a[i], m[i0 + i], zp, lo, hi);
      }
    }
    return bad;
  }
}

/// The one-rounding form of ISAs that have one, on the lanes whose multiplier it accepts
/// (no left shift, multiplier != INT32_MIN).
template <class Isa>
std::size_t check_right_shift(const std::vector<std::int32_t> &acc,
                              const std::vector<quantized_multiplier> &m) {
  if constexpr (!simd::right_shift_isa<Isa>) {
    return 0;
  } else {
    using batch = typename Isa::batch;
    std::size_t bad = 0, i = 0;
    alignas(64) std::int32_t a[16], mu[16], ri[16], o[16];
    quantized_multiplier q[16];
    for (std::size_t k = 0; k < acc.size(); ++k) {
      const simd::split_multiplier s = simd::split(m[k]);
      if (s.left != 0 || s.multiplier == int_min)
        continue;
      a[i] = acc[k];
      mu[i] = s.multiplier;
      ri[i] = s.right;
      q[i] = m[k];
      if (++i < 16)
        continue;
      i = 0;
      typename Isa::right_shift_block block;
      Isa::prepare_right_shift(mu, ri, block);
      Isa::requantize_right(batch::load_aligned(a), batch::load_aligned(mu), block)
          .store_aligned(o);
      for (std::size_t j = 0; j < 16; ++j)
        bad += o[j] != multiply_by_quantized_multiplier(a[j], q[j]);
    }
    return bad;
  }
}

/// float_math::requantize_float against requantize_float, lane by lane, with per-lane scales.
/// Windows beyond ±2^24 are not vectorised (float_window::exact): the kernels use the scalar form.
template <class Isa>
std::size_t check_float_lanes(const std::vector<std::int32_t> &acc, const std::vector<float> &scale,
                              std::int32_t zp, std::int32_t lo, std::int32_t hi) {
  if constexpr (!simd::vector_isa<Isa>) {
    return 0;
  } else {
    using fm = simd::float_math<Isa>;
    using batch = typename Isa::batch;
    constexpr std::size_t L = Isa::lanes;
    const simd::float_window fw = simd::make_float_window(zp, lo, hi);
    REQUIRE(fw.exact);
    const typename fm::window win(fw);
    std::size_t bad = 0;
    for (std::size_t i0 = 0; i0 + L <= acc.size(); i0 += L) {
      alignas(64) std::int32_t a[L], o[L], p[L];
      alignas(64) float s[L];
      for (std::size_t i = 0; i < L; ++i) {
        a[i] = acc[i0 + i];
        s[i] = scale[i0 + i];
      }
      fm::requantize_float(batch::load_aligned(a), fm::fbatch::load_aligned(s), win)
          .store_aligned(o);
      // the same with the value already multiplied (requantize_fp32), per-tensor scale of lane 0
      fm::requantize_fp32(fm::to_float(batch::load_aligned(a)) * typename fm::fbatch(s[0]), win)
          .store_aligned(p);
      for (std::size_t i = 0; i < L; ++i) {
        bad += o[i] != requantize_float(a[i], s[i], zp, lo, hi);
        bad += p[i] != requantize_float(a[i], s[0], zp, lo, hi);
      }
    }
    return bad;
  }
}

} // namespace

TEST_SUITE("simd") {
  TEST_CASE("simd requantize fp32: edge accumulators, ties, huge values, special scales") {
    std::vector<std::int32_t> acc;
    std::vector<float> scale;
    const std::int32_t edges[] = {int_min,
                                  int_min + 1,
                                  -(1 << 24) - 1,
                                  -(1 << 24),
                                  -16777215,
                                  -65536,
                                  -515,
                                  -513,
                                  -511,
                                  -5,
                                  -3,
                                  -1,
                                  0,
                                  1,
                                  3,
                                  5,
                                  255,
                                  257,
                                  (1 << 24) - 1,
                                  1 << 24,
                                  (1 << 24) + 1,
                                  (1 << 24) + 3,
                                  117440511,
                                  int_max - 1,
                                  int_max};
    const float inf = std::numeric_limits<float>::infinity();
    const float scales[] = {0.5f,   0.25f,          1.0f / 3.0f,
                            0.125f, 1.0f / 1024.0f, 1.0f / 33554432.0f,
                            1e-10f, 1e-40f,         0.0f,
                            -0.0f,  2.0f,           1e20f,
                            inf,    -0.5f,          std::numeric_limits<float>::quiet_NaN()};
    for (std::int32_t a : edges)
      for (float sc : scales) {
        acc.push_back(a);
        scale.push_back(sc);
      }
    for (int t = -300; t <= 300; ++t) // every half-integer tie near zero, both signs
      for (float sc : {0.5f, 0.25f, 0.75f}) {
        acc.push_back(t);
        scale.push_back(sc);
      }
    while (acc.size() % 16 != 0) {
      acc.push_back(0);
      scale.push_back(0.5f);
    }
    test::for_each_isa([&]<class Isa>() {
      CHECK(check_float_lanes<Isa>(acc, scale, 0, -128, 127) == 0);
      CHECK(check_float_lanes<Isa>(acc, scale, 100, -128, 127) == 0);
      CHECK(check_float_lanes<Isa>(acc, scale, -128, -50, 20) == 0);
      CHECK(check_float_lanes<Isa>(acc, scale, 5, 0, 0) == 0);
      CHECK(check_float_lanes<Isa>(acc, scale, (1 << 24) - 200, -128, 127) == 0);
    });
  }

  TEST_CASE("simd requantize fp32: random accumulators and scales") {
    test::rng r(11);
    std::vector<std::int32_t> acc;
    std::vector<float> scale;
    for (int i = 0; i < 64000; ++i) {
      const auto bits = static_cast<std::int32_t>(r.next());
      acc.push_back(bits >> r.uniform(0, 31));
      scale.push_back(
          static_cast<float>(std::ldexp(0.5 + r.uniform(0, 100000) / 200000.0, r.uniform(-31, 4))));
    }
    test::for_each_isa([&]<class Isa>() {
      CHECK(check_float_lanes<Isa>(acc, scale, r.uniform(-128, 127), -128, 127) == 0);
      CHECK(check_float_lanes<Isa>(acc, scale, r.uniform(-128, 127), -5, 100) == 0);
    });
  }

  TEST_CASE("simd requantize fp32: windows that are not exact floats run the scalar form") {
    CHECK(simd::make_float_window(0, -128, 127).exact);
    CHECK(simd::make_float_window((1 << 24) - 200, -128, 127).exact);
    CHECK_FALSE(simd::make_float_window(1 << 24, -128, 127).exact);
    CHECK_FALSE(simd::make_float_window(int_max, -128, 127).exact);
    CHECK_FALSE(simd::make_float_window(int_min, 0, 0).exact);
  }

  TEST_CASE("simd requantize: edge accumulators, multipliers and shifts") {
    std::vector<std::int32_t> acc;
    std::vector<quantized_multiplier> m;
    const std::int32_t edges[] = {int_min, int_min + 1, -65536,      -32769, -3, -2, -1, 0, 1, 2, 3,
                                  32768,   65535,       int_max - 1, int_max};
    const std::int32_t mults[] = {int_min, 0, 1, 1 << 30, (1 << 30) + 1, int_max};
    for (std::int32_t a : edges)
      for (std::int32_t mu : mults)
        for (std::int32_t shift = -31; shift <= 31; ++shift) {
          acc.push_back(a);
          m.push_back({mu, shift});
        }
    while (acc.size() % 16 != 0) {
      acc.push_back(0);
      m.push_back({1 << 30, 0});
    }
    test::for_each_isa([&]<class Isa>() {
      CHECK(check_lanes<Isa>(acc, m, 0, -128, 127) == 0);
      CHECK(check_lanes<Isa>(acc, m, 100, -128, 127) == 0);
      CHECK(check_lanes<Isa>(acc, m, -128, -50, 20) == 0);
      CHECK(check_lanes<Isa>(acc, m, int_max, -128, 127) == 0);
      CHECK(check_lanes<Isa>(acc, m, int_min, 0, 0) == 0);
      CHECK(check_right_shift<Isa>(acc, m) == 0);
    });
  }

  TEST_CASE("simd requantize: random accumulators over every shift") {
    test::rng r(7);
    std::vector<std::int32_t> acc;
    std::vector<quantized_multiplier> m;
    for (int i = 0; i < 64000; ++i) {
      const auto bits = static_cast<std::int32_t>(r.next());
      acc.push_back(bits >> r.uniform(0, 31));
      m.push_back(quantize_multiplier(
          std::ldexp(0.5 + r.uniform(0, 100000) / 200000.0, r.uniform(-31, 31))));
    }
    test::for_each_isa([&]<class Isa>() {
      CHECK(check_lanes<Isa>(acc, m, r.uniform(-128, 127), -128, 127) == 0);
      CHECK(check_lanes<Isa>(acc, m, r.uniform(-128, 127), -5, 100) == 0);
      CHECK(check_right_shift<Isa>(acc, m) == 0);
    });
  }
}
