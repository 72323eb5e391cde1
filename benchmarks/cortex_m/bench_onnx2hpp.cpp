// Instruction counts of a generated onnx2hpp model on a Cortex-M under qemu (see README.md).
//
//   -DBENCH_MODEL_HEADER='"model.hpp"'   header generated with --namespace bench_model
//   -DBENCH_BACKEND_SIMD=1               backends::simd (default: backends::ref)
//   -DBENCH_LAYERS=1                     per-layer figures (else: the network, flash and RAM)
//
// Network build: warm-up run (stack measured), then two measured runs of graph.run (their equality
// checks determinism). Prints NET, STACK, RAM, OUT lines. Layer build: a run with an observer
// that checksums each node's output (CHECK lines, compared with CMSIS-NN's), a measured plain run
// of graph.run (PLAIN), then each node on its own, between two SysTick readings (NODE lines):
// run_node<I> does for node I exactly what graph::run does (inputs and output from the memory
// plan, execute<backend>() on the layer), as the CMSIS-NN firmware times each of its calls.
// Timing the nodes inside graph.run through the observer hook was tried first: the observed
// run() is a different instantiation, and g++ compiled its kernels differently (up to 1.4x the
// instructions of the plain run on fc_autoencoder_ad), so its per-node figures did not describe
// the plain run. The report prints the sum of the nodes next to the plain run. The layer build
// holds a second copy of the kernels, so flash is taken from the network build only.
#include "bench_graph_io.hpp"

#include <cstdio>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>

#if BENCH_BACKEND_SIMD
#include <onnx2hpp/backends/simd/all.hpp>
using backend = onnx2hpp::backends::simd;
#define BENCH_SIDE "simd"
#else
using backend = onnx2hpp::backends::ref;
#define BENCH_SIDE "ref"
#endif

using bench::ul;

namespace {

__attribute__((noinline)) void run_network() {
  bench_model::graph.run<backend>(bench::inputs(), bench::outputs(), bench::arena);
}

#if BENCH_LAYERS
// Harness-only records: in .bench, outside the RAM figures.
__attribute__((section(".bench"))) std::uint64_t node_ticks[bench::graph_t::n_nodes];

/// Node I alone, as graph::run runs it: its inputs and output where the memory plan puts them,
/// then execute<backend>() on its layer.
template <std::size_t I>
__attribute__((noinline)) void run_node() {
  const auto &nd = boost::hana::at_c<I>(bench_model::graph.nodes);
  using N = std::remove_cvref_t<decltype(nd)>;
  std::array<const std::int8_t *, N::inputs::size> in{};
  for (std::size_t j = 0; j < in.size(); ++j)
    in[j] = bench::slot_ptr(N::inputs::slots[j]);
  onnx2hpp::execute<backend>(nd.layer, in, bench::slot_ptr(N::output));
}

template <std::size_t... I>
void run_timed(std::index_sequence<I...>) {
  (
      [] {
        const std::uint64_t t0 = bench_ticks();
        run_node<I>();
        node_ticks[I] = bench_ticks() - t0;
      }(),
      ...);
}
#endif

} // namespace

int main() {
  std::printf("BENCH side=%s nodes=%lu macs=%lu\n", BENCH_SIDE, ul(bench::graph_t::n_nodes),
              ul(bench::graph_t::total_macs));
  bench_init();
  bench::fill_inputs();
#if !BENCH_LAYERS
  bench_paint_stack();
  run_network(); // warm-up
  const std::size_t stack = bench_stack_used();
  const std::uint64_t t0 = bench_ticks();
  run_network();
  const std::uint64_t t1 = bench_ticks();
  run_network();
  const std::uint64_t t2 = bench_ticks();
  std::printf("NET ticks=%lu ticks_again=%lu\n", ul(t1 - t0), ul(t2 - t1));
  std::printf("STACK %lu\n", ul(stack));
  std::printf("RAM arena=%lu io=%lu scratch=0 persistent=0\n", ul(bench::graph_t::arena_bytes),
              ul(bench::io_bytes));
  std::printf("OUT %08lx\n", ul(bench::outputs_checksum()));
#else
  run_network(); // warm-up
  bench_model::graph.run<backend>(
      bench::inputs(), bench::outputs(), bench::arena,
      [](std::string_view name, std::size_t i, const onnx2hpp::tensor_view &t) {
        std::printf("CHECK %lu %08lx %.*s\n", ul(i),
                    ul(bench_fnv(t.data, t.size() * t.element_bytes)), int(name.size()),
                    name.data());
      });
  const std::uint64_t t0 = bench_ticks();
  run_network();
  const std::uint64_t t1 = bench_ticks();
  run_timed(std::make_index_sequence<bench::graph_t::n_nodes>{});
  std::printf("PLAIN ticks=%lu\n", ul(t1 - t0));
  for (std::size_t i = 0; i < bench::graph_t::n_nodes; ++i)
    std::printf("NODE %lu ticks=%lu\n", ul(i), ul(node_ticks[i]));
#endif
  std::printf("END\n");
  return 0;
}
