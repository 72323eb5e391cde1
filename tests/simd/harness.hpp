// Shared helpers of the simd tests: random layer constants and a bit-exact comparison of every
// compiled-in ISA of the simd backend against the ref kernel.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/backends/simd/all.hpp"

namespace onnx2hpp::test {

/// Runs f.template operator()<Isa>() for every ISA compiled into this binary.
template <class F>
void for_each_isa(F &&f) {
  std::apply([&](auto... isa) { (f.template operator()<decltype(isa)>(), ...); },
             simd::available_isas{});
}

/// Output-stage constants drawn at random: per-channel or per-tensor multipliers whose scale
/// spreads an accumulator of `depth` random int8 products over the int8 range (sometimes >= 1,
/// exercising the saturating left shift), a random zero point and activation range, and
/// optionally a random look-up table. The same scales as fp32 (`scale`, some of them powers of two,
/// whose products land on ties often) give the onnxruntime-mode stage: stage_for<Mode>().
struct random_output_stage {
  std::vector<std::int32_t> multiplier, shift;
  std::vector<float> scale;
  lut256 table{};
  output_stage stage;

  random_output_stage(rng &r, std::size_t channels, std::size_t depth, bool per_channel,
                      bool with_lut, double typical_product = 5500.0) {
    const std::size_t count = per_channel ? channels : 1;
    for (std::size_t c = 0; c < count; ++c) {
      double scale = 60.0 / (typical_product * std::sqrt(double(depth) + 1.0)) *
                     std::pow(2.0, r.uniform(-20, 20) / 10.0);
      if (r.uniform(0, 15) == 0)
        scale = 1.0 + r.uniform(0, 300) / 100.0; // scale >= 1: left shift, mostly saturating
      if (r.uniform(0, 3) == 0)
        scale = std::ldexp(1.0, static_cast<int>(std::lround(std::log2(scale)))); // ties
      const quantized_multiplier m = quantize_multiplier(scale);
      multiplier.push_back(m.multiplier);
      shift.push_back(m.shift);
      this->scale.push_back(static_cast<float>(scale));
    }
    for (auto &t : table)
      t = static_cast<std::int8_t>(r.uniform(-128, 127));
    std::int32_t lo = -128, hi = 127;
    if (r.uniform(0, 2) == 0) {
      lo = r.uniform(-128, 0);
      hi = r.uniform(lo, 127);
    }
    stage = output_stage{{multiplier.data(), shift.data(), count},
                         r.uniform(-30, 30),
                         lo,
                         hi,
                         with_lut ? &table : nullptr};
  }

  /// The stage in rounding mode Mode (fixed point: `stage`; onnxruntime: the fp32 scales).
  template <rounding_mode Mode>
  basic_output_stage<Mode> stage_for() const {
    return {stage.requant, stage.zero_point, stage.act_min,
            stage.act_max, stage.lut,        channel_scale{scale.data(), scale.size()}};
  }
};

/// Both rounding modes, for tests parameterized by mode: for_each_mode([&]<rounding_mode M>{...}).
template <class F>
void for_each_mode(F &&f) {
  f.template operator()<rounding_mode::fixed_point>();
  f.template operator()<rounding_mode::onnxruntime>();
}

/// Runs `simd_layer` under every ISA's simd backend and `ref_layer` under ref, on the same inputs.
/// Returns the number of mismatching output bytes (summed over ISAs); guard bytes past the end of
/// the output must stay untouched.
template <class RefLayer, class SimdLayer, std::size_t N>
std::size_t mismatches_against_ref(const RefLayer &ref_layer, const SimdLayer &simd_layer,
                                   const std::array<const std::int8_t *, N> &inputs) {
  constexpr std::size_t size = RefLayer::output_shape::size;
  std::vector<std::int8_t> expected(size);
  kernel<backends::ref, RefLayer>::run(ref_layer, inputs, expected.data());
  std::size_t bad = 0;
  for_each_isa([&]<class Isa>() {
    std::vector<std::int8_t> got(size + 64, 0x5a);
    execute<backends::basic_simd<backends::serial_executor, Isa>>(simd_layer, inputs, got.data());
    std::size_t here = 0;
    for (std::size_t i = 0; i < size; ++i)
      here += got[i] != expected[i];
    for (std::size_t i = size; i < got.size(); ++i)
      here += got[i] != 0x5a;
    if (here != 0)
      MESSAGE("ISA " << std::string(Isa::name) << ": " << here << " of " << size
                     << " outputs differ");
    bad += here;
  });
  return bad;
}

/// A packed layer under simd against its plain layer under ref.
template <class PackedLayer, std::size_t N>
std::size_t mismatches_against_ref(const PackedLayer &packed_layer,
                                   const std::array<const std::int8_t *, N> &inputs) {
  return mismatches_against_ref(packed_layer.layer(), packed_layer, inputs);
}

/// Mismatches of the simd kernel of `l` against ref's (the same unpacked layer on both).
template <class Layer, std::size_t N>
std::size_t compare(const Layer &l, const std::array<const std::int8_t *, N> &in) {
  return mismatches_against_ref(l, l, in);
}

/// A random fp32 scale in [0.01, 3], a power of two one time in three (products land on ties).
inline float random_scale(rng &r) {
  return r.uniform(0, 2) == 0 ? std::ldexp(1.0f, r.uniform(-3, 1))
                              : 0.01f * static_cast<float>(r.uniform(1, 300));
}

} // namespace onnx2hpp::test
