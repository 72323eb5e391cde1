// Helpers of the kernel benchmarks: a layer with random constants and its simd pack, owned on
// the heap so that megabyte-sized layers fit (the pack is made once, before timing).
#pragma once

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/backends/simd/all.hpp"

namespace onnx2hpp::bench {

inline std::vector<std::int8_t> random_int8(std::size_t n, std::uint32_t seed) {
  std::mt19937 g(seed);
  std::vector<std::int8_t> v(n);
  for (auto &x : v)
    x = static_cast<std::int8_t>(static_cast<int>(g() % 256) - 128);
  return v;
}

/// A conv2d or dense layer with random weights, per-channel multipliers that keep outputs spread
/// over the int8 range, and its simd pack.
template <class Layer>
struct random_layer {
  static constexpr std::size_t channels = [] {
    if constexpr (requires { Layer::attrs.out_channels; })
      return Layer::attrs.out_channels;
    else
      return Layer::units;
  }();
  static constexpr std::size_t depth = Layer::weight_count / channels;

  std::vector<std::int8_t> weights = random_int8(Layer::weight_count, 1);
  std::vector<std::int32_t> bias, multiplier, shift;
  Layer layer{};
  std::unique_ptr<typename simd::pack_traits<Layer>::storage> storage;
  std::unique_ptr<simd::packed<Layer>> packed;

  random_layer() {
    std::mt19937 g(2);
    for (std::size_t c = 0; c < channels; ++c) {
      bias.push_back(static_cast<std::int32_t>(g() % 20001) - 10000);
      const quantized_multiplier m = quantize_multiplier(
          60.0 / (5500.0 * std::sqrt(double(depth))) * (1.0 + (g() % 100) / 100.0));
      multiplier.push_back(m.multiplier);
      shift.push_back(m.shift);
    }
    layer.weights = weights.data();
    layer.bias = bias.data();
    layer.input_zero_point = -3;
    layer.output = output_stage{{multiplier.data(), shift.data(), channels}, 5, -128, 127};
    storage = std::make_unique<typename simd::pack_traits<Layer>::storage>(simd::pack(layer));
    packed = std::make_unique<simd::packed<Layer>>(layer, *storage);
  }
};

} // namespace onnx2hpp::bench
