// The observer hook: called after each node with its name, index and output tensor — how a model
// is debugged layer by layer against onnxruntime. Without an observer nothing is called or stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace onnx2hpp {

/// A read-only view of one node's int8 output, NHWC (or the layer's own rank). An int32 output
/// (conv2d_integer, dense_integer) has `element_bytes` 4: read it with load_int32
/// (core/int32_elements.hpp), not operator[].
struct tensor_view {
  const std::int8_t *data;
  std::span<const std::size_t> dims;
  std::size_t element_bytes = 1;
  constexpr std::size_t size() const {
    std::size_t s = 1;
    for (std::size_t d : dims)
      s *= d;
    return s;
  }
  constexpr std::int8_t operator[](std::size_t i) const { return data[i]; }
};

/// The default: observes nothing, compiled away.
struct no_observer {
  constexpr void operator()(std::string_view, std::size_t, const tensor_view &) const {}
};

template <class F>
concept node_observer = requires(F &f, std::string_view name, std::size_t index,
                                 const tensor_view &out) {
  f(name, index, out);
};

} // namespace onnx2hpp
