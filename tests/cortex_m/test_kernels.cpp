// The simd backend's Cortex-M kernels against ref, bit for bit, as firmware under qemu-system-arm
// (scripts/test-cortex-m-kernels.sh builds it for Cortex-M4, M7 and M55 and runs it). Random
// data, zero points (the int8 extremes included), per-channel and per-tensor multipliers, fused
// tables and both rounding modes over a list of geometries: pointwise, 3x3 with padding 1 and
// stride 1 or 2, stems with 1–3 channels, 7x7 stems, grouped and dilated convolutions, depthwise
// (3x3, 5x5, dilated, channel counts not a multiple of 4, a channel multiplier), dense with one
// and several rows, pools (max, average in both count modes, global), add and mul with every kind
// of broadcast; on Helium targets also the 4-lane requantization value by value. Each layer runs
// under every direct ISA compiled in (arm_mve and arm_dsp on the M55, arm_dsp on the M4/M7: the
// plain layer and simd::packed<L>, which runs the plain layer's kernel there) and through
// kernel<backends::ref>; every output byte and guard bytes past the end are compared. Prints one
// line per geometry and "PASS <n> layers" or "FAIL <n> mismatching runs"; exits nonzero on failure.
// Also builds for the host (a smoke check of the program itself: there simd is another ISA).
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <type_traits>
#include <vector>

#include <onnx2hpp/backends/simd/all.hpp>
#include <onnx2hpp/onnx2hpp.hpp>

#include "../support/random.hpp"

using namespace onnx2hpp;

namespace {

using test::rng;

/// Random output-stage constants (as tests/simd/harness.hpp): scales spreading an accumulator of
/// `depth` products over int8, sometimes >= 1 or powers of two (ties), random zero point and
/// activation range, optional table; stage_for<M>() in either rounding mode.
struct random_stage {
  std::vector<std::int32_t> multiplier, shift;
  std::vector<float> scale;
  lut256 table{};
  std::int32_t zero_point = 0, lo = -128, hi = 127;
  bool lut = false;

  random_stage(rng &r, std::size_t channels, std::size_t depth) {
    const std::size_t count = r.uniform(0, 3) == 0 ? 1 : channels;
    for (std::size_t c = 0; c < count; ++c) {
      double s = 60.0 / (5500.0 * std::sqrt(double(depth) + 1.0)) *
                 std::pow(2.0, r.uniform(-20, 20) / 10.0);
      if (r.uniform(0, 15) == 0)
        s = 1.0 + r.uniform(0, 300) / 100.0;
      if (r.uniform(0, 3) == 0)
        s = std::ldexp(1.0, static_cast<int>(std::lround(std::log2(s))));
      const quantized_multiplier m = quantize_multiplier(s);
      multiplier.push_back(m.multiplier);
      shift.push_back(m.shift);
      scale.push_back(static_cast<float>(s));
    }
    for (auto &t : table)
      t = static_cast<std::int8_t>(r.uniform(-128, 127));
    zero_point = r.uniform(-30, 30);
    if (r.uniform(0, 2) == 0) {
      lo = r.uniform(-128, 0);
      hi = r.uniform(lo, 127);
    }
    lut = r.uniform(0, 4) == 0;
  }
  template <rounding_mode M>
  basic_output_stage<M> stage_for() const {
    return {{multiplier.data(), shift.data(), multiplier.size()},
            zero_point,
            lo,
            hi,
            lut ? &table : nullptr,
            channel_scale{scale.data(), scale.size()}};
  }
};

int failures = 0, layers_run = 0;

/// Runs `l` under simd (plain, and packed for conv2d and dense) and ref; counts mismatching runs.
template <class L>
void compare(const L &l, const std::array<const std::int8_t *, L::n_inputs> &in, const char *what,
             std::uint64_t seed) {
  constexpr std::size_t size = L::output_shape::size;
  constexpr bool packable = simd::packable<L>;
  std::vector<std::int8_t> expected(size);
  kernel<backends::ref, L>::run(l, in, expected.data());
  // Every direct ISA compiled in (arm_mve and arm_dsp on the M55), the plain and the packed layer;
  // elsewhere the native ISA on the plain layer (a packed layer would read its pack).
  auto run_isa = [&]<class I>(I) {
    constexpr bool direct = simd::direct_isa<I>;
    using B = backends::basic_simd<backends::serial_executor, I>;
    for (int packed = 0; packed < (direct && packable ? 2 : 1); ++packed) {
      std::vector<std::int8_t> got(size + 16, 0x5a);
      if constexpr (packable) {
        if (packed)
          execute<B>(simd::packed<L>{l, typename simd::packed<L>::view_type{}}, in, got.data());
        else
          execute<B>(l, in, got.data());
      } else {
        execute<B>(l, in, got.data());
      }
      std::size_t bad = 0;
      for (std::size_t i = 0; i < size; ++i)
        bad += got[i] != expected[i];
      for (std::size_t i = size; i < got.size(); ++i)
        bad += got[i] != 0x5a;
      ++layers_run;
      if (bad != 0) {
        ++failures;
        std::printf("MISMATCH %s seed %lu [%s%s]: %lu of %lu bytes\n", what,
                    static_cast<unsigned long>(seed), I::name, packed ? ", packed" : "",
                    static_cast<unsigned long>(bad), static_cast<unsigned long>(size));
      }
    }
  };
  std::apply([&](auto... isa) { ((simd::direct_isa<decltype(isa)> ? run_isa(isa) : void()), ...); },
             simd::available_isas{});
  if constexpr (!simd::direct_isa<simd::native_isa>)
    run_isa(simd::native_isa{});
}

struct zp_options {
  int input_zp = 0; ///< 1000: random
  int weight_zp = 0;
};

template <rounding_mode M, std::size_t N, std::size_t H, std::size_t W, std::size_t C,
          conv2d_attrs A0>
void conv_mode(const char *what, std::uint64_t seed, zp_options o) {
  constexpr conv2d_attrs A = [] {
    conv2d_attrs a = A0;
    a.rounding = M;
    return a;
  }();
  using layer_t = conv2d<shape<N, H, W, C>, A>;
  rng r(seed);
  const auto x = r.int8s(N * H * W * C);
  const auto w = r.int8s(layer_t::weight_count);
  const auto bias = r.int32s(A.out_channels, -20000, 20000);
  const random_stage stage(r, A.out_channels,
                           layer_t::in_channels_per_group * A.kernel_h * A.kernel_w);
  layer_t l{};
  l.weights = w.data();
  if (r.uniform(0, 4) != 0)
    l.bias = bias.data();
  l.input_zero_point = o.input_zp == 1000 ? r.uniform(-128, 127) : o.input_zp;
  l.weight_zero_point = o.weight_zp;
  l.output = stage.stage_for<M>();
  compare(l, {x.data()}, what, seed);
}

/// A geometry in both rounding modes, with random zero points and the two int8 extremes.
template <std::size_t N, std::size_t H, std::size_t W, std::size_t C, conv2d_attrs A>
void conv(const char *what, std::uint64_t seed, int weight_zp = 0) {
  using layer_t [[maybe_unused]] = conv2d<shape<N, H, W, C>, A>;
#if defined(ONNX2HPP_SIMD_HAS_ARM_DSP)
  constexpr bool dsp = kernel<backends::simd, layer_t>::covered;
  static_assert(std::is_same_v<resolve_backend_t<backends::simd, layer_t>, backends::simd>);
#else
  constexpr bool dsp = false;
#endif
  const int before = failures;
  for (std::uint64_t k = 0; k < 3; ++k) {
    const int zps[3] = {1000, -128, 127};
    conv_mode<rounding_mode::fixed_point, N, H, W, C, A>(what, seed * 10 + k, {zps[k], weight_zp});
    conv_mode<rounding_mode::onnxruntime, N, H, W, C, A>(what, seed * 10 + k, {zps[k], weight_zp});
  }
  std::printf("%s conv2d %s: %lux%lux%lux%lu -> %lu, %s\n", failures == before ? "ok  " : "FAIL",
              what, static_cast<unsigned long>(N), static_cast<unsigned long>(H),
              static_cast<unsigned long>(W), static_cast<unsigned long>(C),
              static_cast<unsigned long>(A.out_channels),
              dsp && weight_zp == 0 ? "simd kernel" : "ref path");
}

template <rounding_mode M, std::size_t Rows, std::size_t K, std::size_t Units>
void dense_mode(std::uint64_t seed, int input_zp) {
  using layer_t = dense<shape<Rows, K>, Units, M>;
  rng r(seed);
  const auto x = r.int8s(Rows * K);
  const auto w = r.int8s(layer_t::weight_count);
  const auto bias = r.int32s(Units, -20000, 20000);
  const random_stage stage(r, Units, K);
  layer_t l{};
  l.weights = w.data();
  if (r.uniform(0, 4) != 0)
    l.bias = bias.data();
  l.input_zero_point = input_zp == 1000 ? r.uniform(-128, 127) : input_zp;
  l.output = stage.stage_for<M>();
  compare(l, {x.data()}, "dense", seed);
}

template <std::size_t Rows, std::size_t K, std::size_t Units>
void dense_case(std::uint64_t seed) {
  const int before = failures;
  for (std::uint64_t k = 0; k < 3; ++k) {
    const int zps[3] = {1000, -128, 127};
    dense_mode<rounding_mode::fixed_point, Rows, K, Units>(seed * 10 + k, zps[k]);
    dense_mode<rounding_mode::onnxruntime, Rows, K, Units>(seed * 10 + k, zps[k]);
  }
  std::printf("%s dense: %lu rows x %lu -> %lu\n", failures == before ? "ok  " : "FAIL",
              static_cast<unsigned long>(Rows), static_cast<unsigned long>(K),
              static_cast<unsigned long>(Units));
}

#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE)
/// arm_mve's 4-lane requantization against requantize / requantize_float, value by value: edge
/// accumulators, constructed ties (x·m an odd multiple of 2^(30+e) for every right shift e) and
/// random pairs over every shift from −31 to 30, random zero points and activation ranges.
void check_vector_requantize() {
  using simd::isa::arm_mve;
  rng r(77);
  long checks = 0, bad = 0;
  const std::int32_t edges[] = {0,
                                1,
                                -1,
                                2,
                                -2,
                                127,
                                -128,
                                1 << 20,
                                -(1 << 20),
                                2147483647,
                                -2147483647 - 1,
                                1073741824,
                                -1073741824};
  for (int shift = -31; shift <= 30; ++shift)
    for (int trial = 0; trial < 400; ++trial) {
      std::int32_t acc[4], mult[4];
      for (int i = 0; i < 4; ++i) {
        const int kind = r.uniform(0, 3);
        mult[i] = kind == 0 ? (1 << 30) : 1073741824 + r.uniform(0, 1073741823);
        if (kind == 1)
          acc[i] = edges[r.uniform(0, sizeof edges / sizeof edges[0] - 1)];
        else if (kind == 0 && shift < 0)
          // mult 2^30: x·m / 2^31 = x/2, a tie of the right shift e when x = (2k + 1)·2^e.
          acc[i] = (2 * r.uniform(-5000, 5000) + 1) * (shift >= -20 ? 1 << -shift : 1 << 20);
        else
          acc[i] = static_cast<std::int32_t>(r.next());
      }
      const std::int32_t zp = r.uniform(-128, 127);
      const std::int32_t lo = r.uniform(0, 3) == 0 ? r.uniform(-128, 0) : -128;
      const std::int32_t hi = r.uniform(0, 3) == 0 ? r.uniform(lo, 127) : 127;
      alignas(8) std::int32_t left[4], right[4], got[4];
      for (int i = 0; i < 4; ++i) {
        left[i] = shift > 0 ? shift : 0;
        right[i] = shift < 0 ? shift : 0;
      }
      const arm_mve::fixed_lanes m{__arm_vldrwq_s32(mult), __arm_vldrwq_s32(left),
                                   __arm_vldrwq_s32(right)};
      __arm_vstrwq_s32(got, arm_mve::requantize_fixed(__arm_vldrwq_s32(acc), m, zp, lo, hi));
      for (int i = 0; i < 4; ++i, ++checks)
        bad += got[i] != requantize(acc[i], quantized_multiplier{mult[i], shift}, zp, lo, hi);
#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE_FP)
      alignas(8) float scale[4];
      for (int i = 0; i < 4; ++i)
        scale[i] = std::ldexp(static_cast<float>(mult[i]), shift - 31);
      __arm_vstrwq_s32(got, arm_mve::requantize_fp32(__arm_vldrwq_s32(acc), __arm_vldrwq_f32(scale),
                                                     zp, lo, hi));
      for (int i = 0; i < 4; ++i, ++checks)
        bad += got[i] != requantize_float(acc[i], scale[i], zp, lo, hi);
#endif
    }
  std::printf("%s vector requantization: %ld values, %ld differ\n", bad == 0 ? "ok  " : "FAIL",
              checks, bad);
  if (bad != 0)
    ++failures;
}
#endif

/// add and mul of two shapes (broadcast included), in both rounding modes, with random scales,
/// zero points (the int8 extremes included), activation ranges and tables.
template <class SA, class SB>
void binary_case(const char *what, std::uint64_t seed) {
  const int before = failures;
  rng r(seed);
  const auto a = r.int8s(SA::size), b = r.int8s(SB::size);
  lut256 table{};
  for (auto &t : table)
    t = static_cast<std::int8_t>(r.uniform(-128, 127));
  for (int variant = 0; variant < 4; ++variant) {
    const auto scale = [&] {
      return std::ldexp(1.0f + r.uniform(0, 999) / 1000.0f, r.uniform(-9, -2));
    };
    const float sa = scale(), sb = scale(), so = 2.0f * scale();
    const activation_range act = variant == 1
                                     ? activation_range{r.uniform(-128, 0), r.uniform(0, 127)}
                                     : activation_range{-128, 127};
    const std::int32_t za = variant == 3 ? -128 : r.uniform(-128, 127);
    const std::int32_t zb = variant == 3 ? 127 : r.uniform(-128, 127);
    const add_params ap = make_add_params(sa, za, sb, zb, so, r.uniform(-128, 127), act);
    const mul_params mp =
        make_mul_params(sa, za, sb, zb, so * float(variant == 0 ? 1 : r.uniform(1, 100)),
                        r.uniform(-128, 127), act);
    const lut256 *lut = variant == 2 ? &table : nullptr;
    const std::array<const std::int8_t *, 2> in{a.data(), b.data()};
    compare(add<SA, SB, rounding_mode::fixed_point>{ap, lut}, in, what, seed);
    compare(add<SA, SB, rounding_mode::onnxruntime>{ap, lut}, in, what, seed);
    compare(mul<SA, SB, rounding_mode::fixed_point>{mp, lut}, in, what, seed);
    compare(mul<SA, SB, rounding_mode::onnxruntime>{mp, lut}, in, what, seed);
  }
  std::printf("%s add, mul %s\n", failures == before ? "ok  " : "FAIL", what);
}

/// max, average (both count modes, both rounding modes) and global average pooling.
template <class S, pool2d_attrs A>
void pool_case(const char *what, std::uint64_t seed) {
  const int before = failures;
  rng r(seed);
  const auto x = r.int8s(S::size);
  for (int variant = 0; variant < 3; ++variant) {
    const std::int32_t lo = variant == 1 ? r.uniform(-128, 0) : -128;
    const std::int32_t hi = variant == 1 ? r.uniform(0, 127) : 127;
    const std::int32_t zi = variant == 2 ? -128 : r.uniform(-128, 127);
    const std::int32_t zo = r.uniform(-128, 127);
    const float si = std::ldexp(1.0f + r.uniform(0, 999) / 1000.0f, r.uniform(-8, -3));
    const float so = std::ldexp(1.0f + r.uniform(0, 999) / 1000.0f, r.uniform(-8, -3));
    const quantized_multiplier m = quantize_multiplier(double(si) / double(so));
    compare(max_pool2d<S, A>{lo, hi}, {x.data()}, what, seed);
    compare(avg_pool2d<S, A, false, rounding_mode::fixed_point>{zi, zo, m, lo, hi, si, so},
            {x.data()}, what, seed);
    compare(avg_pool2d<S, A, true, rounding_mode::onnxruntime>{zi, zo, m, lo, hi, si, so},
            {x.data()}, what, seed);
    compare(global_avg_pool<S, rounding_mode::fixed_point>{zi, zo, m, lo, hi, si, so}, {x.data()},
            what, seed);
    compare(global_avg_pool<S, rounding_mode::onnxruntime>{zi, zo, m, lo, hi, si, so}, {x.data()},
            what, seed);
  }
  std::printf("%s pools %s\n", failures == before ? "ok  " : "FAIL", what);
}

constexpr conv2d_attrs pw(std::size_t oc) {
  return {.out_channels = oc, .kernel_h = 1, .kernel_w = 1};
}
constexpr conv2d_attrs k3(std::size_t oc, std::size_t stride = 1, std::size_t pad = 1,
                          std::size_t groups = 1) {
  return {.out_channels = oc,
          .kernel_h = 3,
          .kernel_w = 3,
          .stride_h = stride,
          .stride_w = stride,
          .pad_top = pad,
          .pad_left = pad,
          .pad_bottom = pad,
          .pad_right = pad,
          .groups = groups};
}

} // namespace

int main() {
  std::printf("simd backend ISA: %s\n", simd::native_isa::name);
#if defined(ONNX2HPP_SIMD_HAS_ARM_MVE)
  check_vector_requantize();
#endif
  // Pointwise.
  conv<1, 5, 7, 16, pw(16)>("pointwise", 1);
  conv<1, 4, 5, 8, pw(17)>("pointwise", 2);
  conv<1, 3, 3, 4, pw(1)>("pointwise", 3);
  conv<1, 6, 6, 64, pw(64)>("pointwise", 4);
  conv<2, 3, 5, 20, pw(24)>("pointwise", 5);
  conv<1, 3, 5, 5, pw(9)>("pointwise", 6);
  conv<1, 4, 4, 3, pw(7)>("pointwise", 7);
  conv<1, 2, 3, 12, pw(6)>("pointwise", 8, 5); // weight zero point: ref path
  // 3x3, padding 1, stride 1 and 2.
  conv<1, 7, 9, 8, k3(16)>("3x3/1", 10);
  conv<1, 5, 4, 6, k3(7)>("3x3/1", 11);
  conv<1, 6, 6, 32, k3(33)>("3x3/1", 12);
  conv<1, 9, 7, 16, k3(24, 2)>("3x3/2", 13);
  conv<1, 10, 11, 12, k3(5, 2)>("3x3/2", 14);
  conv<2, 5, 5, 4, k3(5, 1, 0)>("3x3/1 pad 0", 15);
  conv<1, 4, 5, 120, k3(6)>("3x3/1, 1080-byte windows", 16); // wider than the gather buffer
  // Stems: 1–3 channels.
  conv<1, 8, 8, 3, k3(32, 2)>("stem", 20);
  conv<1, 9, 9, 2, k3(5, 1)>("stem", 21);
  conv<1, 10, 10, 1, k3(8, 2)>("stem", 22);
  conv<1, 12, 11, 1,
       conv2d_attrs{.out_channels = 6,
                    .kernel_h = 5,
                    .kernel_w = 5,
                    .pad_top = 2,
                    .pad_left = 2,
                    .pad_bottom = 2,
                    .pad_right = 2}>("stem 5x5", 23);
  conv<1, 19, 17, 3,
       conv2d_attrs{.out_channels = 9,
                    .kernel_h = 7,
                    .kernel_w = 7,
                    .stride_h = 2,
                    .stride_w = 2,
                    .pad_top = 3,
                    .pad_left = 3,
                    .pad_bottom = 2,
                    .pad_right = 1}>("stem 7x7/2", 24);
  conv<1, 9, 12, 5,
       conv2d_attrs{.out_channels = 7,
                    .kernel_h = 2,
                    .kernel_w = 5,
                    .stride_h = 1,
                    .stride_w = 3,
                    .pad_top = 0,
                    .pad_left = 4,
                    .pad_bottom = 1,
                    .pad_right = 2}>("2x5 asymmetric", 25);
  // Grouped (not depthwise) and dilated.
  conv<1, 6, 6, 16, k3(12, 1, 1, 2)>("grouped 2", 30);
  conv<1, 5, 7, 16, k3(8, 2, 1, 4)>("grouped 4", 31);
  conv<1, 5, 5, 12, k3(6, 1, 1, 6)>("grouped, 2 channels each", 32);
  conv<1, 12, 12, 4,
       conv2d_attrs{.out_channels = 8,
                    .kernel_h = 3,
                    .kernel_w = 2,
                    .dilation_h = 2,
                    .dilation_w = 3,
                    .pad_top = 2,
                    .pad_left = 1,
                    .pad_bottom = 0,
                    .pad_right = 3}>("dilated", 33);
  // Depthwise.
  conv<1, 7, 6, 16, k3(16, 1, 1, 16)>("depthwise 3x3/1", 50);
  conv<1, 9, 8, 20, k3(20, 2, 1, 20)>("depthwise 3x3/2", 51);
  conv<1, 6, 7, 64, k3(64, 1, 1, 64)>("depthwise 3x3/1", 52);
  conv<1, 5, 5, 3, k3(3, 1, 1, 3)>("depthwise, 3 channels", 53);
  conv<1, 6, 6, 8, k3(16, 1, 1, 8)>("depthwise, multiplier 2", 54);
  conv<1, 9, 9, 12,
       conv2d_attrs{.out_channels = 12,
                    .kernel_h = 5,
                    .kernel_w = 5,
                    .stride_h = 2,
                    .stride_w = 1,
                    .pad_top = 2,
                    .pad_left = 1,
                    .pad_bottom = 2,
                    .pad_right = 3,
                    .groups = 12}>("depthwise 5x5", 55);
  conv<1, 10, 8, 8,
       conv2d_attrs{.out_channels = 8,
                    .kernel_h = 3,
                    .kernel_w = 3,
                    .dilation_h = 2,
                    .dilation_w = 2,
                    .pad_top = 2,
                    .pad_left = 2,
                    .pad_bottom = 2,
                    .pad_right = 2,
                    .groups = 8}>("depthwise dilated", 56);
  // Dense.
  dense_case<1, 16, 10>(40);
  dense_case<1, 250, 7>(41);
  dense_case<3, 13, 5>(42);
  dense_case<4, 64, 33>(43);
  dense_case<1, 3, 4>(44);
  dense_case<2, 640, 3>(45);
  // Pools.
  pool_case<shape<1, 8, 8, 16>,
            pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2}>("2x2/2", 70);
  pool_case<shape<1, 7, 9, 21>, pool2d_attrs{.kernel_h = 3,
                                             .kernel_w = 3,
                                             .stride_h = 2,
                                             .stride_w = 2,
                                             .pad_top = 1,
                                             .pad_left = 1,
                                             .pad_bottom = 1,
                                             .pad_right = 1}>("3x3/2 padded, 21 channels", 71);
  pool_case<shape<2, 25, 5, 12>,
            pool2d_attrs{.kernel_h = 25, .kernel_w = 5, .stride_h = 25, .stride_w = 5}>(
      "25x5 (whole input)", 72);
  pool_case<shape<1, 13, 12, 5>, pool2d_attrs{.kernel_h = 13, .kernel_w = 12}>(
      "13x12, 156 taps (int32 sums)", 73);
  // Element-wise.
  binary_case<shape<1, 8, 8, 16>, shape<1, 8, 8, 16>>("residual 8x8x16", 60);
  binary_case<shape<1, 3, 5, 37>, shape<1, 3, 5, 37>>("37 channels", 61);
  binary_case<shape<1, 6, 6, 24>, shape<1, 1, 1, 24>>("per-channel (SE)", 62);
  binary_case<shape<1, 1, 1, 24>, shape<1, 6, 6, 24>>("per-channel, first", 63);
  binary_case<shape<1, 4, 5, 19>, shape<1>>("scalar", 64);
  binary_case<shape<1, 4, 5, 1>, shape<1, 4, 5, 19>>("along channels", 65);
  binary_case<shape<2, 1, 5, 3>, shape<1, 4, 1, 3>>("both broadcast", 66);

  if (failures != 0) {
    std::printf("FAIL %d mismatching runs of %d\n", failures, layers_run);
    return 1;
  }
  std::printf("PASS %d layers\n", layers_run);
  return 0;
}
