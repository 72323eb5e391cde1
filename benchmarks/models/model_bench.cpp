// Latency of one generated model, ref vs simd, single-threaded: median over repetitions, GMAC/s.
// ONNX2HPP_MODEL_HEADER is a header the generator wrote with `--namespace onnx2hpp_model` (the
// contract of codegen/emit/CONTRACT.md: `graph`, `graph_type`); when the generator could not
// convert the model, generate_model.cmake wrote a header defining ONNX2HPP_MODEL_SKIPPED (why).
//
//   onnx2hpp_bench_model_<name> [google benchmark flags]
//   onnx2hpp_bench_model_<name> --nodes [iterations]   per-node time of the simd backend (median
//                                                        over iterations, via the observer hook)
#include ONNX2HPP_MODEL_HEADER

#ifdef ONNX2HPP_MODEL_SKIPPED
#include <cstdio>
int main() {
  std::printf("%s: skipped: the generator cannot convert this model:\n%s\n", ONNX2HPP_MODEL_NAME,
              ONNX2HPP_MODEL_SKIPPED);
  return 0;
}
#else

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/backends/simd/all.hpp"

namespace {

using net_t = onnx2hpp_model::graph_type;

/// Random int8 inputs and output buffers for every graph input/output, and the arena.
struct buffers {
  std::vector<std::vector<std::int8_t>> inputs, outputs;
  std::array<const std::int8_t *, net_t::n_inputs> in{};
  std::array<std::int8_t *, net_t::n_outputs> out{};
  std::vector<std::int8_t> arena_storage = std::vector<std::int8_t>(net_t::arena_bytes + 64);
  std::int8_t *arena = nullptr;

  buffers() {
    std::mt19937 g(1);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (inputs.emplace_back(net_t::template input_shape_t<I>::size), ...);
    }(std::make_index_sequence<net_t::n_inputs>{});
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (outputs.emplace_back(net_t::template output_shape_t<I>::size), ...);
    }(std::make_index_sequence<net_t::n_outputs>{});
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      for (auto &v : inputs[i])
        v = static_cast<std::int8_t>(static_cast<int>(g() % 256) - 128);
      in[i] = inputs[i].data();
    }
    for (std::size_t i = 0; i < outputs.size(); ++i)
      out[i] = outputs[i].data();
    auto address = reinterpret_cast<std::uintptr_t>(arena_storage.data());
    arena = arena_storage.data() + (64 - address % 64) % 64;
  }
};

template <class Backend>
void run_model(benchmark::State &state) {
  buffers b;
  for (auto _ : state) {
    onnx2hpp_model::graph.template run<Backend>(b.in, b.out, b.arena);
    benchmark::DoNotOptimize(b.out[0]);
    benchmark::ClobberMemory();
  }
  state.counters["GMAC/s"] = benchmark::Counter(static_cast<double>(net_t::total_macs) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MMAC"] = static_cast<double>(net_t::total_macs) * 1e-6;
}

// Repetitions come from the command line (--benchmark_repetitions=5
// --benchmark_report_aggregates_only=true for medians), so that compare_ort.js controls them.
BENCHMARK(run_model<onnx2hpp::backends::simd>)
    ->Name(ONNX2HPP_MODEL_NAME "/simd")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(run_model<onnx2hpp::backends::ref>)
    ->Name(ONNX2HPP_MODEL_NAME "/ref")
    ->Unit(benchmark::kMicrosecond);

/// Per node: MACs and whether the layer carries a simd pack.
template <class List>
struct node_facts_of;
template <class... Nodes>
struct node_facts_of<onnx2hpp::type_list<Nodes...>> {
  static constexpr std::array<std::uint64_t, sizeof...(Nodes)> macs{Nodes::layer_type::macs...};
  static constexpr std::array<bool, sizeof...(Nodes)> packed{
      requires { typename Nodes::layer_type::unpacked_layer; }...};
};
using node_facts = node_facts_of<typename net_t::node_types>;

/// The simd backend's time per node: the observer runs after each node, so the time between two
/// calls is the node's (plus the observer's negligible cost).
int profile_nodes(int iterations) {
  buffers b;
  using clock = std::chrono::steady_clock;
  std::vector<std::vector<double>> times(net_t::n_nodes);
  std::vector<std::string> names(net_t::n_nodes);
  for (int it = 0; it < iterations + 3; ++it) { // 3 warm-up runs
    auto last = clock::now();
    onnx2hpp_model::graph.run<onnx2hpp::backends::simd>(
        b.in, b.out, b.arena, [&](std::string_view name, std::size_t i, const auto &) {
          const auto now = clock::now();
          if (it >= 3)
            times[i].push_back(std::chrono::duration<double, std::micro>(now - last).count());
          names[i] = std::string(name);
          last = clock::now();
        });
  }
  double total = 0;
  std::vector<double> median(net_t::n_nodes);
  for (std::size_t i = 0; i < net_t::n_nodes; ++i) {
    std::sort(times[i].begin(), times[i].end());
    median[i] = times[i][times[i].size() / 2];
    total += median[i];
  }
  std::printf("%-4s %-48s %10s %6s %10s %8s %s\n", "node", "name", "us", "%", "MMAC", "GMAC/s",
              "packed");
  for (std::size_t i = 0; i < net_t::n_nodes; ++i) {
    const double mmac = static_cast<double>(node_facts::macs[i]) * 1e-6;
    std::printf("%-4zu %-48s %10.2f %5.1f%% %10.3f %8.1f %s\n", i, names[i].c_str(), median[i],
                100.0 * median[i] / total, mmac, median[i] > 0 ? 1e3 * mmac / median[i] : 0.0,
                node_facts::packed[i] ? "yes" : "");
  }
  std::printf("total %.1f us (sum of node medians), %.3f GMAC/s\n", total,
              static_cast<double>(net_t::total_macs) * 1e-3 / total);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--nodes") == 0)
    return profile_nodes(argc >= 3 ? std::max(1, std::atoi(argv[2])) : 50);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

#endif
