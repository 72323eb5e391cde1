// Where a graph's tensors are during one run, by slot: a graph input in the caller's input
// buffer, a graph output in its output buffer, every other tensor in the arena at the memory
// plan's offset. graph::run and backends::npu both resolve slots here, so they read and write the
// same bytes and show the observer the same views (shape and element size).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "onnx2hpp/graph/memory_plan.hpp"
#include "onnx2hpp/graph/observer.hpp"
#include "onnx2hpp/layers/layer.hpp"

namespace onnx2hpp {

/// The buffers of one run of `Graph` (graph.hpp: its input_index, output_index and plan).
template <class Graph>
class slot_binding {
public:
  using graph_type = std::remove_cvref_t<Graph>;

  constexpr slot_binding(const std::array<const std::int8_t *, graph_type::n_inputs> &in,
                         const std::array<std::int8_t *, graph_type::n_outputs> &out,
                         std::int8_t *arena)
      : in_(in), out_(out), arena_(arena) {}

  /// The buffer a node reads `slot` from.
  constexpr const std::int8_t *read(std::size_t slot) const {
    if (const std::size_t i = graph_type::input_index(slot); i != no_node)
      return in_[i];
    return write(slot);
  }
  /// The buffer a node writes `slot` to.
  constexpr std::int8_t *write(std::size_t slot) const {
    if (const std::size_t o = graph_type::output_index(slot); o != no_node)
      return out_[o];
    return arena_ + graph_type::plan.offset[slot];
  }
  /// The buffers of node type `Node`'s inputs, in its layer's order.
  template <class Node>
  constexpr std::array<const std::int8_t *, Node::layer_type::n_inputs> inputs_of() const {
    std::array<const std::int8_t *, Node::layer_type::n_inputs> args{};
    for (std::size_t j = 0; j < args.size(); ++j)
      args[j] = read(Node::inputs::slots[j]);
    return args;
  }
  /// What the observer sees of node type `Node`'s output at `data`: its shape and element size.
  template <class Node>
  static constexpr tensor_view output_view(const std::int8_t *data) {
    using layer_t = typename Node::layer_type;
    return {data, std::span<const std::size_t>(layer_t::output_shape::dims),
            output_element_bytes_v<layer_t>};
  }

private:
  std::array<const std::int8_t *, graph_type::n_inputs> in_;
  std::array<std::int8_t *, graph_type::n_outputs> out_;
  std::int8_t *arena_;
};

} // namespace onnx2hpp
