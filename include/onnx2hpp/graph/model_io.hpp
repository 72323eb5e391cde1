// What a generated model header says about its graph inputs and outputs, and the float <-> int8
// conversions at the graph boundary that accept the ONNX layout (NCHW for 4-D tensors) as well as
// the library's NHWC.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "onnx2hpp/core/fixed_point.hpp"

namespace onnx2hpp {

/// One graph input or output of a generated model.
struct io_tensor_info {
  std::string_view name;                    ///< the ONNX value name
  std::span<const std::int64_t> onnx_shape; ///< the ONNX shape (e.g. N, C, H, W)
  std::span<const std::size_t> shape;       ///< the int8 tensor's shape in the library (NHWC)
  bool onnx_is_nchw;                        ///< 4-D tensor whose ONNX layout is NCHW
  float scale;                              ///< quantization of the int8 tensor
  std::int32_t zero_point;

  constexpr std::size_t size() const {
    std::size_t s = 1;
    for (std::size_t d : shape)
      s *= d;
    return s;
  }
};

namespace detail {
/// Index in NCHW order of the NHWC element i, for an NHWC shape.
constexpr std::size_t nchw_index_of_nhwc(std::span<const std::size_t> nhwc, std::size_t i) {
  const std::size_t c = i % nhwc[3], w = i / nhwc[3] % nhwc[2],
                    h = i / (nhwc[3] * nhwc[2]) % nhwc[1], n = i / (nhwc[3] * nhwc[2] * nhwc[1]);
  return ((n * nhwc[3] + c) * nhwc[1] + h) * nhwc[2] + w;
}
} // namespace detail

/// Quantizes a float tensor in the ONNX layout into the int8 tensor `run` takes (ONNX
/// QuantizeLinear: round half to even, saturate).
constexpr void quantize_from_onnx(const io_tensor_info &t, const float *onnx_layout,
                                  std::int8_t *out) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t src = t.onnx_is_nchw ? detail::nchw_index_of_nhwc(t.shape, i) : i;
    out[i] = quantize_value(onnx_layout[src], t.scale, t.zero_point);
  }
}

/// Quantizes a float tensor already in the library layout (NHWC).
constexpr void quantize_from_nhwc(const io_tensor_info &t, const float *nhwc, std::int8_t *out) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i)
    out[i] = quantize_value(nhwc[i], t.scale, t.zero_point);
}

/// Dequantizes an int8 output into floats in the ONNX layout: (q - zero_point) * scale.
constexpr void dequantize_to_onnx(const io_tensor_info &t, const std::int8_t *q,
                                  float *onnx_layout) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t dst = t.onnx_is_nchw ? detail::nchw_index_of_nhwc(t.shape, i) : i;
    onnx_layout[dst] = dequantize_value(q[i], t.scale, t.zero_point);
  }
}

/// Dequantizes an int8 output into floats in the library layout (NHWC).
constexpr void dequantize_to_nhwc(const io_tensor_info &t, const std::int8_t *q, float *nhwc) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i)
    nhwc[i] = dequantize_value(q[i], t.scale, t.zero_point);
}

} // namespace onnx2hpp

namespace onnx2hpp {

/// For layer-by-layer debugging: the ONNX tensor each node's output corresponds to, with the
/// quantization of that int8 output.
struct node_tensor_info {
  std::string_view node;        ///< the node's name in the graph (observer's `name`)
  std::string_view onnx_tensor; ///< the ONNX value holding the same (quantized) tensor
  float scale;
  std::int32_t zero_point;
};

} // namespace onnx2hpp
