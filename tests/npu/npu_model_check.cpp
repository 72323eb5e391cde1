// A generated model on the NPU simulator under the strict and permissive presets: prints the
// compile-time plan (nodes and MACs on the NPU, driver calls, modelled cycles, the reason of
// every CPU node) and the simulator's counters, and fails unless every output is bit-exact with
// ref on deterministic random inputs. Built once per shared model (tests/npu/CMakeLists.txt).
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/npu/all.hpp"
#include ONNX2HPP_MODEL_HEADER

namespace {

using namespace onnx2hpp;
using graph_t = model::graph_type;

template <std::size_t... I>
std::vector<std::vector<std::int8_t>> make_inputs(test::rng &r, std::index_sequence<I...>) {
  return {r.int8s(graph_t::input_shape_t<I>::size)...};
}
template <std::size_t... I>
std::vector<std::vector<std::int8_t>> make_outputs(std::index_sequence<I...>) {
  return {std::vector<std::int8_t>(graph_t::output_shape_t<I>::size)...};
}

template <npu::capabilities Caps>
bool check(const char *preset, std::uint64_t seed) {
  using plan = npu::plan<graph_t, Caps>;
  std::printf("%-10s nodes on NPU %zu/%zu, MACs on NPU %llu/%llu (%.1f %%), driver calls %zu, "
              "modelled cycles %llu\n",
              preset, plan::nodes_on_npu, plan::n_nodes,
              static_cast<unsigned long long>(plan::macs_on_npu),
              static_cast<unsigned long long>(plan::total_macs), 100.0 * plan::mac_fraction,
              plan::driver_calls, static_cast<unsigned long long>(plan::npu_cycles));
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          if constexpr (plan::nodes[I].where == npu::placement::cpu)
            std::printf("           cpu: %.*s (%.*s)\n",
                        static_cast<int>(plan::template node_name<I>.size()),
                        plan::template node_name<I>.data(),
                        static_cast<int>(npu::reason_name(plan::nodes[I].why).size()),
                        npu::reason_name(plan::nodes[I].why).data());
        }(),
        ...);
  }
  (std::make_index_sequence<plan::n_nodes>{});

  test::rng r(seed);
  const auto ins = make_inputs(r, std::make_index_sequence<graph_t::n_inputs>{});
  auto expected = make_outputs(std::make_index_sequence<graph_t::n_outputs>{});
  auto got = expected;
  std::array<const std::int8_t *, graph_t::n_inputs> in{};
  std::array<std::int8_t *, graph_t::n_outputs> out_ref{}, out_npu{};
  for (std::size_t i = 0; i < in.size(); ++i)
    in[i] = ins[i].data();
  for (std::size_t i = 0; i < out_ref.size(); ++i) {
    out_ref[i] = expected[i].data();
    out_npu[i] = got[i].data();
  }
  std::vector<std::int8_t> arena(graph_t::arena_bytes + 1);
  model::graph.run(in, out_ref, arena.data());

  auto sim = std::make_unique<npu::simulator<Caps>>(); // the on-chip array: not on the stack
  const npu::run_status st =
      backends::npu<npu::simulator<Caps>>::run(model::graph, *sim, in, out_npu, arena.data());
  const bool exact = st.ok() && got == expected;
  std::printf(
      "           simulator: %s, %zu calls, %llu cycles, %llu MACs, %llu DMA bytes; "
      "outputs %s ref\n",
      st.ok() ? "ok" : npu::error_name(st.result.code).data(), sim->calls(),
      static_cast<unsigned long long>(sim->cycles()), static_cast<unsigned long long>(sim->macs()),
      static_cast<unsigned long long>(sim->dma_bytes()), exact ? "bit-exact with" : "DIFFER from");
  return exact && sim->calls() == plan::driver_calls && sim->cycles() == plan::npu_cycles;
}

} // namespace

int main() {
  bool ok = true;
  for (std::uint64_t seed : {1, 2}) {
    ok = check<npu::strict>("strict", seed) && ok;
    ok = check<npu::permissive>("permissive", seed) && ok;
  }
  return ok ? 0 : 1;
}
