// The typed pipeline: a boost::hana tuple of nodes over numbered tensor slots, so residual adds,
// concats and multi-output heads are ordinary graphs. Shapes are checked at compile time, the
// memory plan is a compile-time constant, and run() dispatches each node to a backend's kernel.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/core/shape.hpp"
#include "onnx2hpp/graph/memory_plan.hpp"
#include "onnx2hpp/graph/node.hpp"
#include "onnx2hpp/graph/observer.hpp"
#include "onnx2hpp/graph/slot_binding.hpp"

namespace onnx2hpp {

/// A graph input: slot number and shape.
template <std::size_t Slot, shape_type Shape>
struct tensor {
  static constexpr std::size_t slot = Slot;
  using shape_type = Shape;
};
template <class... Tensors>
struct inputs {};
template <std::size_t... Slots>
struct outputs {};

// Compile-time checks. Their template arguments carry the node's name and the shapes involved,
// which is what the compiler prints with the failed assertion.
template <class Node, std::size_t InputIndex, class ShapeOfWiredTensor, class ShapeTheLayerExpects>
struct check_input_shape {
  static constexpr bool ok = std::is_same_v<ShapeOfWiredTensor, ShapeTheLayerExpects>;
  static_assert(ok, "node input shape mismatch: the tensor wired into input InputIndex of Node has "
                    "ShapeOfWiredTensor, but its layer was built for ShapeTheLayerExpects");
};
template <class Node, std::size_t InputIndex, std::size_t Slot, bool Defined>
struct check_input_defined {
  static constexpr bool ok = Defined;
  static_assert(ok, "node reads a tensor slot that no earlier node writes and that is not a graph "
                    "input (nodes must be in topological order)");
};
template <class Node, std::size_t Slot, bool Unique>
struct check_output_unique {
  static constexpr bool ok = Unique;
  static_assert(ok, "node writes a tensor slot that a graph input or another node already owns");
};

template <class Node, std::size_t InputIndex, std::size_t Slot, bool Int8>
struct check_input_int8 {
  static constexpr bool ok = Int8;
  static_assert(ok, "node reads a tensor slot holding int32 elements (the raw output of a "
                    "conv2d_integer/dense_integer); layers read int8 tensors, so such a tensor can "
                    "only be a graph output");
};

template <class Inputs, class Outputs, class... Nodes>
class graph;

template <class... InTensors, std::size_t... OutSlots, class... Nodes>
class graph<inputs<InTensors...>, outputs<OutSlots...>, Nodes...> {
public:
  static constexpr std::size_t n_inputs = sizeof...(InTensors);
  static constexpr std::size_t n_outputs = sizeof...(OutSlots);
  static constexpr std::size_t n_nodes = sizeof...(Nodes);
  static_assert(n_inputs >= 1 && n_outputs >= 1, "a graph has at least one input and one output");

  using node_types = type_list<Nodes...>;

private:
  static constexpr std::array<std::size_t, n_inputs> input_slots{InTensors::slot...};
  static constexpr std::array<std::size_t, n_outputs> output_slots{OutSlots...};
  static constexpr std::array<std::size_t, n_nodes> node_outputs{Nodes::output...};
  static constexpr std::array<std::size_t, n_nodes> node_output_bytes{
      output_element_bytes_v<typename Nodes::layer_type>...};

  static constexpr std::size_t max_of(std::initializer_list<std::size_t> xs) {
    std::size_t m = 0;
    for (std::size_t x : xs)
      m = x > m ? x : m;
    return m;
  }

public:
  /// Slots are numbered densely from 0; a slot read but never written is diagnosed, not indexed.
  static constexpr std::size_t n_slots = [] {
    std::size_t m = max_of({InTensors::slot..., Nodes::output...});
    (
        [&] {
          for (std::size_t s : Nodes::inputs::slots)
            m = s > m ? s : m;
        }(),
        ...);
    return m + 1;
  }();

private:
  static constexpr std::size_t index_in(std::span<const std::size_t> list, std::size_t slot) {
    for (std::size_t i = 0; i < list.size(); ++i)
      if (list[i] == slot)
        return i;
    return no_node;
  }

public:
  // -- slot resolution (slot_binding.hpp binds it to buffers for a run) -------------------------
  /// Position of `slot` among the graph's inputs, or no_node.
  static constexpr std::size_t input_index(std::size_t slot) { return index_in(input_slots, slot); }
  /// Position of `slot` among the graph's outputs, or no_node.
  static constexpr std::size_t output_index(std::size_t slot) {
    return index_in(output_slots, slot);
  }
  /// The node that writes `slot`, or no_node (a graph input, or a slot nobody writes).
  static constexpr std::size_t producer(std::size_t slot) { return index_in(node_outputs, slot); }
  /// How many node inputs read `slot`.
  static constexpr std::size_t readers(std::size_t slot) {
    std::size_t n = 0;
    (
        [&] {
          for (std::size_t s : Nodes::inputs::slots)
            n += s == slot ? 1 : 0;
        }(),
        ...);
    return n;
  }

private:

  template <std::size_t Slot, bool IsInput = input_index(Slot) != no_node>
  struct slot_shape_of {
    using type = typename type_at_t<input_index(Slot), type_list<InTensors...>>::shape_type;
  };
  template <std::size_t Slot>
  struct slot_shape_of<Slot, false> {
    static_assert(producer(Slot) != no_node, "slot is neither a graph input nor a node output");
    using type = typename type_at_t<producer(Slot), node_types>::layer_type::output_shape;
  };

public:
  /// The shape of the tensor in slot `Slot`.
  template <std::size_t Slot>
  using slot_shape_t = typename slot_shape_of<Slot>::type;
  template <std::size_t I>
  using input_shape_t = typename type_at_t<I, type_list<InTensors...>>::shape_type;
  template <std::size_t I>
  using output_shape_t = slot_shape_t<output_slots[I]>;

  /// Bytes per element of the tensor in slot `Slot`: 1 (int8) except for the int32 output of a
  /// conv2d_integer/dense_integer (4); graph inputs are int8.
  static constexpr std::size_t slot_element_bytes(std::size_t slot) {
    const std::size_t p = producer(slot);
    return p == no_node ? 1 : node_output_bytes[p];
  }
  /// Bytes of the buffer of graph output I (elements times element bytes).
  template <std::size_t I>
  static constexpr std::size_t output_bytes = output_shape_t<I>::size *
      slot_element_bytes(output_slots[I]);

private:
  template <std::size_t N, class Node, std::size_t... J>
  static constexpr bool check_node(std::index_sequence<J...>) {
    constexpr auto &reads = Node::inputs::slots;
    constexpr bool defined[] = {(input_index(reads[J]) != no_node ||
                                 (producer(reads[J]) != no_node && producer(reads[J]) < N))...};
    bool ok = (check_input_defined<typename Node::name_type, J, reads[J], defined[J]>::ok && ...);
    ok = ok && (check_input_int8 < typename Node::name_type, J, reads[J],
                !defined[J] || slot_element_bytes(reads[J]) == 1 > ::ok && ...);
    ok = ok && check_output_unique < typename Node::name_type, Node::output,
    input_index(Node::output) == no_node && producer(Node::output) == N > ::ok;
    if constexpr ((defined[J] && ...))
      ok = ok && (check_input_shape<typename Node::name_type, J, slot_shape_t<reads[J]>,
                                    type_at_t<J, typename Node::layer_type::input_shapes>>::ok &&
                  ...);
    return ok;
  }
  template <std::size_t... N>
  static constexpr bool check_all(std::index_sequence<N...>) {
    return (check_node<N, type_at_t<N, node_types>>(
                std::make_index_sequence<type_at_t<N, node_types>::inputs::size>{}) &&
            ...);
  }
  static constexpr bool well_formed = check_all(std::make_index_sequence<n_nodes>{});
  static_assert(well_formed);

  template <std::size_t... S>
  static constexpr std::array<std::size_t, n_slots> slot_bytes(std::index_sequence<S...>) {
    std::array<std::size_t, n_slots> bytes{};
    ((bytes[S] = (input_index(S) != no_node || producer(S) != no_node)
                     ? slot_shape_t<S>::size * slot_element_bytes(S)
                     : 0),
     ...);
    return bytes;
  }

  static constexpr liveness_problem<n_slots, n_nodes> liveness() {
    liveness_problem<n_slots, n_nodes> p;
    p.bytes = slot_bytes(std::make_index_sequence<n_slots>{});
    for (std::size_t s = 0; s < n_slots; ++s) {
      p.producer[s] = producer(s);
      p.last_use[s] = p.producer[s];
      p.in_arena[s] = p.producer[s] != no_node && output_index(s) == no_node;
    }
    std::size_t n = 0;
    (
        [&] {
          for (std::size_t s : Nodes::inputs::slots)
            if (p.last_use[s] == no_node || p.last_use[s] < n)
              p.last_use[s] = n;
          p.output[n] = Nodes::output;
          p.in_place_input[n] = Nodes::layer_type::in_place ? Nodes::inputs::slots[0] : no_node;
          ++n;
        }(),
        ...);
    return p;
  }

public:
  /// The memory plan: offsets of every intermediate tensor in the arena.
  static constexpr memory_plan<n_slots> plan = plan_memory(liveness());
  /// Bytes of scratch memory run() needs; an app can static_assert it against its RAM budget.
  static constexpr std::size_t arena_bytes = plan.arena_bytes;
  /// The largest number of bytes live at any one node: no plan can do with less.
  static constexpr std::size_t arena_lower_bound = plan.lower_bound;
  static constexpr std::uint64_t total_macs = (std::uint64_t{0} + ... + Nodes::layer_type::macs);

  template <std::size_t I>
  static constexpr std::string_view node_name = type_at_t<I, node_types>::name;

  boost::hana::tuple<Nodes...> nodes;

  constexpr explicit graph(const Nodes &...ns) : nodes(ns...) {}

  /// Runs the network. `in[i]` holds graph input i, `out[i]` receives output i (int8, in the
  /// layout of their shapes; an int32 output is output_bytes<i> bytes, see int32_elements.hpp);
  /// `arena` must hold arena_bytes bytes (16-byte aligned for SIMD backends). The observer, if any,
  /// is called after each node.
  template <class Backend = backends::ref, node_observer Observer = no_observer>
  constexpr void run(const std::array<const std::int8_t *, n_inputs> &in,
                     const std::array<std::int8_t *, n_outputs> &out, std::int8_t *arena,
                     Observer &&observer = {}) const {
    const slot_binding<graph> slots(in, out, arena);
    namespace hana = boost::hana;
    hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<n_nodes>), [&](auto index) {
      const auto &nd = hana::at(nodes, index);
      using node_t = std::remove_cvref_t<decltype(nd)>;
      std::int8_t *dst = slots.write(node_t::output);
      execute<Backend>(nd.layer, slots.template inputs_of<node_t>(), dst);
      if constexpr (!std::is_same_v<std::remove_cvref_t<Observer>, no_observer>)
        observer(node_t::name, decltype(index)::value, slots.template output_view<node_t>(dst));
    });
  }

  /// Single input, single output, caller-owned arena.
  template <class Backend = backends::ref, node_observer Observer = no_observer>
  requires(n_inputs == 1 && n_outputs == 1) constexpr void run(const std::int8_t *in,
                                                               std::int8_t *out, std::int8_t *arena,
                                                               Observer &&observer = {}) const {
    run<Backend>(std::array<const std::int8_t *, 1>{in}, std::array<std::int8_t *, 1>{out}, arena,
                 observer);
  }

  /// Single input, single output, arena on the stack (arena_bytes of it): convenient on hosts and
  /// in constant expressions; on a small target pass a static arena instead.
  template <class Backend = backends::ref, node_observer Observer = no_observer>
  requires(n_inputs == 1 && n_outputs == 1) constexpr void run(const std::int8_t *in,
                                                               std::int8_t *out,
                                                               Observer &&observer = {}) const {
    std::array<std::int8_t, arena_bytes == 0 ? 1 : arena_bytes> arena{};
    run<Backend>(in, out, arena.data(), observer);
  }
};

/// `make_graph<inputs<tensor<0, shape<...>>>, outputs<5>>(node<...>(...), ...)`.
template <class Inputs, class Outputs, class... Nodes>
constexpr graph<Inputs, Outputs, Nodes...> make_graph(const Nodes &...nodes) {
  return graph<Inputs, Outputs, Nodes...>(nodes...);
}

} // namespace onnx2hpp
