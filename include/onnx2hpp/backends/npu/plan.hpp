// The compile-time NPU plan of a graph: which nodes become driver calls, which are merged into
// the call of the node before them (conv [+ activation] [+ max pool], dense [+ activation]), which
// fall back to the CPU and why; how many calls (tiles) each takes, the MACs on the NPU and the
// cycles the throughput model predicts. Everything is a constant of
// `npu::plan<decltype(net), npu::strict>`; an app demands full coverage with
//
//   static_assert(npu::require_full_coverage<decltype(net), npu::strict>);
//
// which, when a node falls back, fails with a diagnostic naming the node and the reason:
//   node_must_run_on_npu<node_named<'d', 'w', '1'>, onnx2hpp::npu::reason::depthwise>
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/describe.hpp"
#include "onnx2hpp/backends/npu/reason.hpp"
#include "onnx2hpp/backends/npu/tiling.hpp"
#include "onnx2hpp/graph/graph.hpp"

namespace onnx2hpp::npu {

/// Where a node runs.
enum class placement : std::uint8_t {
  npu,   ///< starts a driver call (of `group_size` nodes, in `calls` calls)
  fused, ///< merged into the call of the nearest earlier `npu` node
  cpu,   ///< the fallback backend; `why` says what the NPU lacks
};

constexpr std::string_view placement_name(placement p) {
  return p == placement::npu ? "npu" : p == placement::fused ? "fused" : "cpu";
}

/// The plan's decision for one node.
struct node_decision {
  placement where = placement::cpu;
  reason why = reason::none;
  call_kind call = call_kind::none; ///< kind of the call the node belongs to
  std::size_t group_size = 0;       ///< nodes in the call (npu only)
  std::size_t calls = 0;            ///< driver calls for the group: split.calls() (npu only)
  tiling split;                     ///< how the calls divide the layer (npu only)
  std::uint64_t macs = 0;           ///< the node's own MACs
  std::uint64_t cycles = 0;         ///< modelled cycles of the group's calls (npu only)
};

namespace detail {

/// What node I would do if a call started there: the longest chain the NPU can merge, or why it
/// cannot run at all.
struct chain_choice {
  std::size_t length = 0; ///< 0: cpu
  reason why = reason::none;
  tiling tiles;
  std::uint64_t cycles = 0;
};

template <class Layer>
inline constexpr bool is_activation = false;
template <shape_type S>
inline constexpr bool is_activation<activation<S>> = true;
template <class Layer>
inline constexpr bool is_max_pool = false;
template <shape_type S, pool2d_attrs A>
inline constexpr bool is_max_pool<max_pool2d<S, A>> = true;

template <class ConstOrGraph, capabilities Caps>
struct planner {
  using Graph = std::remove_cvref_t<ConstOrGraph>;
  using node_types = typename Graph::node_types;
  static constexpr std::size_t n_nodes = Graph::n_nodes;

  template <std::size_t I>
  using node_t = type_at_t<I, node_types>;
  template <std::size_t I>
  using layer_t = typename node_t<I>::layer_type;

  /// Bytes of the tensor in `slot` and whether it lives in the arena.
  template <std::size_t Slot>
  static constexpr std::size_t slot_bytes = Graph::template slot_shape_t<Slot>::size *
      Graph::slot_element_bytes(Slot);
  static constexpr bool in_arena(std::size_t slot) { return Graph::plan.buffer[slot] != no_node; }

  /// Node J consumes node J-1's output and nothing else reads it or sees it: the tensor between
  /// them need not exist.
  template <std::size_t J>
  static constexpr bool wired_to_previous() {
    constexpr std::size_t between = node_t<J - 1>::output;
    return node_t<J>::inputs::size == 1 && node_t<J>::inputs::slots[0] == between &&
           Graph::readers(between) == 1 && Graph::output_index(between) == no_node;
  }

  /// A merged call reads its first node's input while writing its last node's output; the memory
  /// plan may have put both in the same arena bytes (the input is dead once the first node ran),
  /// which a tiled call would overwrite before reading.
  template <std::size_t First, std::size_t Last>
  static constexpr bool disjoint_buffers() {
    constexpr std::size_t src = node_t<First>::inputs::slots[0];
    constexpr std::size_t dst = node_t<Last>::output;
    if (!in_arena(src) || !in_arena(dst))
      return true;
    constexpr std::size_t a = Graph::plan.offset[src], b = Graph::plan.offset[dst];
    return a + slot_bytes<src> <= b || b + slot_bytes<dst> <= a;
  }

  /// The descriptor of the call made of nodes [I, I + Length), geometry only.
  template <std::size_t I, std::size_t Length>
  static constexpr auto chain_descriptor() {
    auto d = npu_layer<layer_t<I>>::describe(layer_t<I>{});
    if constexpr (Length >= 2)
      fuse(d, layer_t<I + 1>{});
    if constexpr (Length >= 3)
      fuse(d, layer_t<I + 2>{});
    return d;
  }

  /// Whether [I, I + Length) has a mergeable shape: conv|dense, activation; conv, max pool;
  /// conv, activation, max pool. Merging needs a table unit: without one the planner runs tables
  /// on the CPU after each call (backend.hpp), which a merged call would reorder.
  template <std::size_t I, std::size_t Length>
  static constexpr bool chain_pattern() {
    if constexpr (I + Length > n_nodes || Length < 2 || !Caps.lut_activation)
      return false;
    else {
      using head = typename npu_layer<layer_t<I>>::descriptor;
      constexpr bool conv = npu_layer<layer_t<I>>::kind == call_kind::conv;
      bool ok = true;
      if constexpr (Length == 2)
        ok = (is_activation<layer_t<I + 1>> && fusable_into<head, layer_t<I + 1>>) ||
             (conv && is_max_pool<layer_t<I + 1>> && fusable_into<head, layer_t<I + 1>>);
      else
        ok = conv && is_activation<layer_t<I + 1>> && is_max_pool<layer_t<I + 2>> &&
             fusable_into<head, layer_t<I + 2>>;
      if (!ok)
        return false;
      bool wired = wired_to_previous<I + 1>();
      if constexpr (Length == 3)
        wired = wired && wired_to_previous<I + 2>();
      return wired && disjoint_buffers<I, I + Length - 1>();
    }
  }

  template <std::size_t I, std::size_t Length>
  static constexpr chain_choice try_chain() {
    const auto d = chain_descriptor<I, Length>();
    const tiling t = decide(d, Caps);
    if (t.why != reason::none)
      return {0, t.why, t, 0};
    return {Length, reason::none, t, layer_cycles(d, t, Caps)};
  }

  template <std::size_t I>
  static constexpr chain_choice choice() {
    if constexpr (npu_layer<layer_t<I>>::kind == call_kind::none ||
                  npu_layer<layer_t<I>>::precheck != reason::none)
      return {0, npu_layer<layer_t<I>>::precheck, {}, 0};
    else {
      if constexpr (chain_pattern<I, 3>())
        if (const chain_choice c = try_chain<I, 3>(); c.length != 0)
          return c;
      if constexpr (chain_pattern<I, 2>())
        if (const chain_choice c = try_chain<I, 2>(); c.length != 0)
          return c;
      return try_chain<I, 1>();
    }
  }

  template <std::size_t... I>
  static constexpr std::array<node_decision, n_nodes> decisions(std::index_sequence<I...>) {
    const std::array<chain_choice, n_nodes> choices{choice<I>()...};
    const std::array<std::uint64_t, n_nodes> macs{layer_t<I>::macs...};
    const std::array<call_kind, n_nodes> kinds{npu_layer<layer_t<I>>::kind...};
    std::array<node_decision, n_nodes> out{};
    for (std::size_t i = 0; i < n_nodes;) {
      const chain_choice &c = choices[i];
      if (c.length == 0) {
        out[i] = {placement::cpu, c.why, call_kind::none, 0, 0, {}, macs[i], 0};
        ++i;
        continue;
      }
      out[i] = {placement::npu,  reason::none, kinds[i], c.length,
                c.tiles.calls(), c.tiles,      macs[i],  c.cycles};
      for (std::size_t k = 1; k < c.length; ++k)
        out[i + k] = {placement::fused, reason::none, kinds[i], 0, 0, {}, macs[i + k], 0};
      i += c.length;
    }
    return out;
  }
};

} // namespace detail

/// The NPU plan of graph type `Graph` on an accelerator with capabilities `Caps`.
template <class Graph, capabilities Caps>
struct plan {
  using graph_type = std::remove_cvref_t<Graph>;
  static constexpr capabilities caps = Caps;
  static constexpr std::size_t n_nodes = Graph::n_nodes;

  /// Per node: placement, reason, call kind, group, tiling, MACs, cycles.
  static constexpr std::array<node_decision, n_nodes> nodes =
      detail::planner<graph_type, Caps>::decisions(std::make_index_sequence<n_nodes>{});

  template <std::size_t I>
  static constexpr reason reason_of = nodes[I].why;
  template <std::size_t I>
  static constexpr std::string_view node_name = graph_type::template node_name<I>;

  /// Nodes that run on the NPU (starting a call or merged into one).
  static constexpr std::size_t nodes_on_npu = [] {
    std::size_t n = 0;
    for (const node_decision &d : nodes)
      n += d.where != placement::cpu ? 1 : 0;
    return n;
  }();
  static constexpr std::size_t nodes_on_cpu = n_nodes - nodes_on_npu;
  /// Driver calls of one inference (tiles included).
  static constexpr std::size_t driver_calls = [] {
    std::size_t n = 0;
    for (const node_decision &d : nodes)
      n += d.calls;
    return n;
  }();
  static constexpr std::uint64_t total_macs = graph_type::total_macs;
  static constexpr std::uint64_t macs_on_npu = [] {
    std::uint64_t m = 0;
    for (const node_decision &d : nodes)
      m += d.where != placement::cpu ? d.macs : 0;
    return m;
  }();
  /// macs_on_npu / total_macs (1 for a graph without MACs).
  static constexpr double mac_fraction =
      total_macs == 0 ? 1.0 : static_cast<double>(macs_on_npu) / static_cast<double>(total_macs);
  /// Modelled NPU cycles of one inference (the CPU part is not modelled).
  static constexpr std::uint64_t npu_cycles = [] {
    std::uint64_t c = 0;
    for (const node_decision &d : nodes)
      c += d.cycles;
    return c;
  }();
  static constexpr bool full_coverage = nodes_on_npu == n_nodes;
};

/// Fails to compile, naming the node and the reason, when `Why` is not reason::none.
template <class Node, reason Why>
struct node_must_run_on_npu {
  static constexpr bool ok = Why == reason::none;
  static_assert(ok, "NPU coverage required: node Node falls back to the CPU for reason Why "
                    "(npu::reason; see npu::plan<Graph, Caps>::nodes for the whole plan)");
};

namespace detail {
template <class Graph, capabilities Caps, std::size_t... I>
constexpr bool every_node_on_npu(std::index_sequence<I...>) {
  using node_types = typename std::remove_cvref_t<Graph>::node_types;
  return (node_must_run_on_npu<typename type_at_t<I, node_types>::name_type,
                               plan<Graph, Caps>::nodes[I].why>::ok &&
          ...);
}
} // namespace detail

/// True when every node of `Graph` runs on the NPU; otherwise a compile error per CPU node.
template <class Graph, capabilities Caps>
inline constexpr bool require_full_coverage = detail::every_node_on_npu<Graph, Caps>(
    std::make_index_sequence<std::remove_cvref_t<Graph>::n_nodes>{});

} // namespace onnx2hpp::npu
