// backends::npu<Driver, Fallback>: runs a graph on an accelerator through a driver, node by node as
// npu::plan<Graph, Driver::caps> decided at compile time: a driver call (one per tile) with a
// descriptor built from the layer specs for NPU nodes, merged calls for conv [+ act] [+ max pool]
// and dense [+ act], the Fallback backend's kernel for the rest.
//
//   npu::simulator<npu::strict> sim;
//   npu::run_status st = backends::npu<npu::simulator<npu::strict>>::run(net, sim, in, out, arena);
//
// The runner takes the graph and a driver instance, because merging adjacent nodes needs the
// graph and a driver has state (a device handle, a command queue); `net.run<backends::npu<D>>()`
// does not compile and says so. Without exceptions, a driver error stops the run and is returned
// with the node it happened at (outputs are then unspecified).
//
// Driver calls are queued; the runner waits before a CPU node, before calling the observer and at
// the end (also after an error, so that nothing runs once run() returned). The observer sees the
// output of every node that has one in memory: the last node of a merged call, not the tensors
// inside it.
//
// Without a table unit (`lut_activation == false`) a layer's 256-entry table is applied by the CPU
// right after its call (the NPU clamps, the CPU looks up): the same result, one pass more.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/backends/npu/describe.hpp"
#include "onnx2hpp/backends/npu/driver.hpp"
#include "onnx2hpp/backends/npu/plan.hpp"
#include "onnx2hpp/backends/npu/tiling.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/graph/observer.hpp"
#include "onnx2hpp/graph/slot_binding.hpp"

namespace onnx2hpp::npu {

/// Result of a run: the first driver error and the node it happened at.
struct run_status {
  status result;
  std::size_t node = no_node;

  constexpr bool ok() const { return result.ok(); }
};

namespace detail {
/// The table a descriptor applies last (the one the CPU takes over without a table unit).
constexpr const lut256 *&final_table(conv_descriptor &d) {
  return d.fused_activation ? d.activation.lut : d.output.lut;
}
constexpr const lut256 *&final_table(fc_descriptor &d) {
  return d.fused_activation ? d.activation.lut : d.output.lut;
}
constexpr const lut256 *&final_table(elementwise_descriptor &d) {
  return d.activation.lut;
}

template <class Descriptor, std::size_t N>
constexpr void set_buffers(Descriptor &d, const std::array<const std::int8_t *, N> &src,
                           std::int8_t *dst) {
  if constexpr (std::is_same_v<Descriptor, elementwise_descriptor>) {
    d.a = src[0];
    if constexpr (N == 2)
      d.b = src[1];
    d.dst = dst;
  } else {
    d.src = src[0];
    d.dst = dst;
  }
}
} // namespace detail

} // namespace onnx2hpp::npu

namespace onnx2hpp::backends {

/// The NPU backend. `Driver` models npu::driver; `Fallback` runs what the NPU cannot (its own
/// fallback chain ends at ref).
template <::onnx2hpp::npu::driver Driver, class Fallback = ref>
struct npu {
  using driver_type = Driver;
  using cpu_backend = Fallback;
  static constexpr ::onnx2hpp::npu::capabilities caps = Driver::caps;

  /// The compile-time plan of `Graph` on this driver.
  template <class Graph>
  using plan = ::onnx2hpp::npu::plan<Graph, caps>;

  /// Runs `net`: `in[i]` holds graph input i, `out[i]` receives output i, `arena` holds
  /// Graph::arena_bytes bytes.
  template <class Graph, node_observer Observer = no_observer>
  [[nodiscard]] static ::onnx2hpp::npu::run_status
  run(const Graph &net, Driver &driver, const std::array<const std::int8_t *, Graph::n_inputs> &in,
      const std::array<std::int8_t *, Graph::n_outputs> &out, std::int8_t *arena,
      Observer &&observer = {}) {
    namespace hana = boost::hana;
    namespace n = ::onnx2hpp::npu;
    using the_plan = plan<Graph>;
    constexpr bool observed = !std::is_same_v<std::remove_cvref_t<Observer>, no_observer>;
    const slot_binding<Graph> slots(in, out, arena);

    n::run_status result;
    bool pending = false; // calls submitted since the last wait
    // Drains the driver's queue (also after an error: nothing may run once run() returned) and
    // keeps the first error.
    auto wait = [&](std::size_t node) {
      if (!pending)
        return;
      pending = false;
      if (const n::status s = driver.wait(); !s.ok() && result.ok())
        result = {s, node};
    };

    hana::for_each(
        hana::make_range(hana::size_c<0>, hana::size_c<Graph::n_nodes>), [&](auto index) {
          constexpr std::size_t i = decltype(index)::value;
          constexpr n::node_decision decision = the_plan::nodes[i];
          using first_node = type_at_t<i, typename Graph::node_types>;
          if (!result.ok())
            return;
          // Runs node `at` on the CPU (the Fallback backend).
          auto on_cpu = [&](auto at) {
            constexpr std::size_t c = decltype(at)::value;
            using cpu_node = type_at_t<c, typename Graph::node_types>;
            std::int8_t *dst = slots.write(cpu_node::output);
            execute<Fallback>(hana::at(net.nodes, at).layer, slots.template inputs_of<cpu_node>(),
                              dst);
            if constexpr (observed)
              observer(cpu_node::name, c, slots.template output_view<cpu_node>(dst));
          };
          if constexpr (decision.where == n::placement::cpu) {
            wait(i);
            if (!result.ok())
              return;
            on_cpu(index);
          } else if constexpr (decision.where == n::placement::npu) {
            constexpr std::size_t last = i + decision.group_size - 1;
            using last_node = type_at_t<last, typename Graph::node_types>;
            auto d = n::describe(hana::at(net.nodes, index).layer);
            if constexpr (decision.group_size >= 2)
              n::fuse(d, hana::at(net.nodes, hana::size_c<i + 1>).layer);
            if constexpr (decision.group_size >= 3)
              n::fuse(d, hana::at(net.nodes, hana::size_c<i + 2>).layer);
            d.node = i;
            std::int8_t *dst = slots.write(last_node::output);
            n::detail::set_buffers(d, slots.template inputs_of<first_node>(), dst);

            // Without a table unit the CPU applies the call's table after the call.
            const lut256 *cpu_table = nullptr;
            if constexpr (!caps.lut_activation && !std::is_same_v<decltype(d), n::pool_descriptor>)
              std::swap(cpu_table, n::detail::final_table(d));

            for (std::size_t k = 0; k < decision.calls && result.ok(); ++k) {
              if (const n::status s = driver.submit(n::with_tile(d, decision.split, k)); !s.ok())
                result = {s, i};
              pending = true;
            }
            using out_shape = typename last_node::layer_type::output_shape;
            if (cpu_table != nullptr || observed)
              wait(last);
            if (!result.ok())
              return;
            if (cpu_table != nullptr)
              for (std::size_t e = 0; e < out_shape::size; ++e)
                dst[e] = (*cpu_table)[static_cast<std::size_t>(dst[e] + 128)];
            if constexpr (observed)
              observer(last_node::name, last, slots.template output_view<last_node>(dst));
          }
        });
    wait(Graph::n_nodes - 1);
    return result;
  }

  /// Single input, single output.
  template <class Graph, node_observer Observer = no_observer>
  requires(Graph::n_inputs == 1 && Graph::n_outputs == 1)
      [[nodiscard]] static ::onnx2hpp::npu::run_status
      run(const Graph &net, Driver &driver, const std::int8_t *in, std::int8_t *out,
          std::int8_t *arena, Observer &&observer = {}) {
    return run(net, driver, std::array<const std::int8_t *, 1>{in},
               std::array<std::int8_t *, 1>{out}, arena, observer);
  }
};

} // namespace onnx2hpp::backends

namespace onnx2hpp {

namespace detail {
template <class>
inline constexpr bool npu_needs_graph_runner = false;
}

/// `net.run<backends::npu<D>>(...)` would silently run every node on the CPU fallback (a kernel
/// call has no driver instance and no view of its neighbours): make it a compile error instead.
template <::onnx2hpp::npu::driver Driver, class Fallback, class Layer>
struct kernel<backends::npu<Driver, Fallback>, Layer> {
  static void run(const Layer &, const std::array<const std::int8_t *, Layer::n_inputs> &,
                  std::int8_t *) {
    static_assert(detail::npu_needs_graph_runner<Layer>,
                  "backends::npu runs whole graphs with a driver instance: call "
                  "backends::npu<Driver>::run(net, driver, in, out, arena), not "
                  "net.run<backends::npu<Driver>>(...)");
  }
};

} // namespace onnx2hpp
