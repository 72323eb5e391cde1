// Latency of one generated model, ref vs simd, single-threaded: median over repetitions, GMAC/s.
// The header (ONNX2HPP_MODEL_HEADER) is expected to define `onnx2hpp_model::net`, a graph with one
// int8 input and one int8 output (the generator's contract of issue 4; adapt here if it differs).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/backends/simd/simd.hpp"
#include ONNX2HPP_MODEL_HEADER

namespace {

using net_t = std::remove_cvref_t<decltype(onnx2hpp_model::net)>;

template <class Backend>
void run_model(benchmark::State &state) {
  std::vector<std::int8_t> x(net_t::template input_shape_t<0>::size);
  std::mt19937 g(1);
  for (auto &v : x)
    v = static_cast<std::int8_t>(static_cast<int>(g() % 256) - 128);
  std::vector<std::int8_t> out(net_t::template output_shape_t<0>::size);
  alignas(64) static std::array<std::int8_t, net_t::arena_bytes + 1> arena{};
  for (auto _ : state) {
    onnx2hpp_model::net.template run<Backend>(x.data(), out.data(), arena.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["GMAC/s"] = benchmark::Counter(static_cast<double>(net_t::total_macs) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(run_model<onnx2hpp::backends::simd>)
    ->Name(ONNX2HPP_MODEL_NAME "/simd")
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(run_model<onnx2hpp::backends::ref>)
    ->Name(ONNX2HPP_MODEL_NAME "/ref")
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

} // namespace

BENCHMARK_MAIN();
