// Test support for the NPU backend: random layers with realistic requantization, and a harness
// that runs a graph with `ref` and with backends::npu on the simulator.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/npu/all.hpp"
#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/layers/all.hpp"

namespace onnx2hpp::test {

/// Owns the constants of randomly made layers (the layers only point at them).
struct constants {
  std::deque<std::vector<std::int8_t>> int8s;
  std::deque<std::vector<std::int32_t>> int32s;
  std::deque<lut256> tables;

  const std::int8_t *keep(std::vector<std::int8_t> v) {
    return int8s.emplace_back(std::move(v)).data();
  }
  const std::int32_t *keep(std::vector<std::int32_t> v) {
    return int32s.emplace_back(std::move(v)).data();
  }
  const lut256 *keep(const lut256 &t) { return &tables.emplace_back(t); }
};

/// Per-channel multipliers for an accumulator over `depth` products of int8 values: the output
/// spreads over most of the int8 range.
inline channel_requant random_requant(rng &r, constants &k, std::size_t channels, std::size_t depth,
                                      bool per_channel = true) {
  const std::size_t count = per_channel ? channels : 1;
  std::vector<std::int32_t> m(count), s(count);
  for (std::size_t c = 0; c < count; ++c) {
    const double scale =
        (0.004 + 0.006 * r.uniform(0, 1000) / 1000.0) / std::sqrt(static_cast<double>(depth));
    const quantized_multiplier q = quantize_multiplier(scale);
    m[c] = q.multiplier;
    s[c] = q.shift;
  }
  return {k.keep(std::move(m)), k.keep(std::move(s)), count};
}

/// A conv2d or dense layer with random weights, bias, zero points and requantization, and the
/// given fused activation (clamp range and optional table).
template <class Layer>
Layer random_accumulating(rng &r, constants &k, activation_range act = {-128, 127},
                          const lut256 *lut = nullptr) {
  Layer l{};
  std::size_t channels = 0, depth = 0;
  if constexpr (requires { Layer::attrs.out_channels; }) {
    channels = Layer::attrs.out_channels;
    depth = Layer::weight_count / channels;
  } else {
    channels = Layer::units;
    depth = Layer::depth;
  }
  l.weights = k.keep(r.int8s(Layer::weight_count, -127, 127));
  l.bias = k.keep(r.int32s(channels, -3000, 3000));
  l.input_zero_point = r.uniform(-20, 20);
  l.output = output_stage{random_requant(r, k, channels, depth), r.uniform(-10, 10), act.min,
                          act.max, lut};
  return l;
}

/// A table that is not monotonic (so applying it in the wrong order shows).
inline lut256 scrambled_table(std::uint32_t salt) {
  lut256 t{};
  for (std::size_t i = 0; i < t.size(); ++i)
    t[i] = static_cast<std::int8_t>(static_cast<int>((i * 37 + salt * 11) % 256) - 128);
  return t;
}

inline add_params random_add_params(rng &r, activation_range act = {-128, 127}) {
  const float sa = 0.02f + 0.001f * static_cast<float>(r.uniform(0, 20));
  const float sb = 0.02f + 0.001f * static_cast<float>(r.uniform(0, 20));
  return make_add_params(sa, r.uniform(-10, 10), sb, r.uniform(-10, 10), 0.04f, r.uniform(-5, 5),
                         act);
}

inline mul_params random_mul_params(rng &r) {
  return make_mul_params(0.05f, r.uniform(-10, 10), 0.03f, r.uniform(-10, 10), 0.1f,
                         r.uniform(-5, 5));
}

/// Outputs of one graph run with `ref` and with the NPU backend on a simulator.
struct both_runs {
  std::vector<std::vector<std::int8_t>> ref, npu;
  npu::run_status status;
  std::size_t calls = 0, rejected = 0;
  std::uint64_t cycles = 0, macs = 0;
};

template <class Graph, std::size_t... I>
std::vector<std::vector<std::int8_t>> output_buffers(std::index_sequence<I...>) {
  return {std::vector<std::int8_t>(Graph::template output_shape_t<I>::size)...};
}

template <class Graph, std::size_t... I>
std::vector<std::vector<std::int8_t>> random_inputs(rng &r, std::index_sequence<I...>) {
  return {r.int8s(Graph::template input_shape_t<I>::size)...};
}

/// Runs `net` on random inputs with ref and on simulator<Caps> (Fallback for CPU nodes).
template <npu::capabilities Caps, class Fallback = backends::ref, class Graph>
both_runs run_both(const Graph &net, std::uint64_t seed, bool deferred = false) {
  rng r(seed);
  const auto ins = random_inputs<Graph>(r, std::make_index_sequence<Graph::n_inputs>{});
  std::array<const std::int8_t *, Graph::n_inputs> in{};
  for (std::size_t i = 0; i < in.size(); ++i)
    in[i] = ins[i].data();
  both_runs res;
  res.ref = output_buffers<Graph>(std::make_index_sequence<Graph::n_outputs>{});
  res.npu = res.ref;
  for (auto &o : res.npu)
    for (auto &v : o)
      v = 55; // not what a run leaves, so an unwritten element shows
  std::array<std::int8_t *, Graph::n_outputs> out_ref{}, out_npu{};
  for (std::size_t i = 0; i < Graph::n_outputs; ++i) {
    out_ref[i] = res.ref[i].data();
    out_npu[i] = res.npu[i].data();
  }
  std::vector<std::int8_t> arena(Graph::arena_bytes + 1, 0);
  net.run(in, out_ref, arena.data());

  using sim_t = npu::simulator<Caps>;
  static sim_t sim; // holds the on-chip array: static storage
  sim.reset();
  sim.deferred = deferred;
  std::fill(arena.begin(), arena.end(), std::int8_t{77});
  res.status = backends::npu<sim_t, Fallback>::run(net, sim, in, out_npu, arena.data());
  res.calls = sim.calls();
  res.rejected = sim.rejected_calls();
  res.cycles = sim.cycles();
  res.macs = sim.macs();
  return res;
}

} // namespace onnx2hpp::test
