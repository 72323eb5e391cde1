// A node of the typed pipeline: a layer plus the tensor slots it reads and the slot it writes.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "onnx2hpp/core/fixed_string.hpp"
#include "onnx2hpp/layers/layer.hpp"

namespace onnx2hpp {

/// The tensor slots a node reads, in the order of its layer's inputs.
template <std::size_t... Slots>
struct in {
  static constexpr std::size_t size = sizeof...(Slots);
  static constexpr std::array<std::size_t, size> slots{Slots...};
};

template <fixed_string Name, class Inputs, std::size_t Output, class Layer>
struct graph_node {
  static_assert(layer_spec<Layer>, "node: the layer does not model layer_spec (layers/layer.hpp)");
  static_assert(Inputs::size == Layer::n_inputs,
                "node: the number of input slots differs from the number of layer inputs");
  using layer_type = Layer;
  using inputs = Inputs;
  using name_type = name_as_type_t<Name>;
  static constexpr std::size_t output = Output;
  static constexpr std::string_view name = Name.view();

  Layer layer;
};

/// `node<"conv0", in<0>, 1>(layer)`: run `layer` on slot 0, write slot 1.
template <fixed_string Name, class Inputs, std::size_t Output, class Layer>
constexpr graph_node<Name, Inputs, Output, Layer> node(const Layer &layer) {
  return {layer};
}

} // namespace onnx2hpp
