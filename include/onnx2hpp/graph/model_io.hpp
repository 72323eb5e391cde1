// What a generated model header says about its graph inputs and outputs, and the float <-> int8
// conversions at the graph boundary that accept the ONNX layout (NCHW for 4-D tensors) as well as
// the library's NHWC.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/int32_elements.hpp"

namespace onnx2hpp {

/// One graph input or output of a generated model.
///
/// Quantization: per tensor (`scale`, `zero_point`), or per channel along `axis` of `shape` (the
/// library layout) when `channel_scales` is not empty: channel c has `channel_scales[c]` and
/// `channel_zero_points[c]`, and `scale`/`zero_point` are then not the tensor's (NaN and 0). An
/// int32 tensor (`element_bytes` 4: the accumulators of ConvInteger/MatMulInteger, stored as in
/// core/int32_elements.hpp) holds its values themselves (scale 1, zero point 0), or, where the
/// model scales them into a float output (ConvInteger -> Cast -> Mul [-> Add]), real = (q -
/// zero_point) * scale with the zero point minus the bias in accumulator units.
struct io_tensor_info {
  std::string_view name;                    ///< the ONNX value name
  std::span<const std::int64_t> onnx_shape; ///< the ONNX shape (e.g. N, C, H, W)
  std::span<const std::size_t> shape;       ///< the integer tensor's shape in the library (NHWC)
  bool onnx_is_nchw;                        ///< 4-D tensor whose ONNX layout is NCHW
  float scale;                              ///< quantization of the tensor (per tensor)
  std::int32_t zero_point;
  std::span<const float> channel_scales{};             ///< per channel along `axis`, or empty
  std::span<const std::int32_t> channel_zero_points{}; ///< per channel along `axis`, or empty
  std::size_t axis = 0;          ///< the axis of `shape` the channels run along
  std::size_t element_bytes = 1; ///< 1: int8 elements; 4: int32 elements

  constexpr std::size_t size() const {
    std::size_t s = 1;
    for (std::size_t d : shape)
      s *= d;
    return s;
  }
  /// Bytes of the buffer `run` reads or writes for this tensor.
  constexpr std::size_t bytes() const { return size() * element_bytes; }
  constexpr bool per_channel() const { return !channel_scales.empty(); }
  /// The channel of element i (in the library layout): its index along `axis`.
  constexpr std::size_t channel_of(std::size_t i) const {
    std::size_t inner = 1;
    for (std::size_t d = axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
    return i / inner % shape[axis];
  }
  /// Scale and zero point of element i (in the library layout).
  constexpr float scale_of(std::size_t i) const {
    return per_channel() ? channel_scales[channel_of(i)] : scale;
  }
  constexpr std::int32_t zero_point_of(std::size_t i) const {
    return per_channel() ? channel_zero_points[channel_of(i)] : zero_point;
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
/// QuantizeLinear: round half to even, saturate; per channel when `t` is). `t` must be an int8
/// tensor (`element_bytes` 1).
constexpr void quantize_from_onnx(const io_tensor_info &t, const float *onnx_layout,
                                  std::int8_t *out) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t src = t.onnx_is_nchw ? detail::nchw_index_of_nhwc(t.shape, i) : i;
    out[i] = quantize_value(onnx_layout[src], t.scale_of(i), t.zero_point_of(i));
  }
}

/// Quantizes a float tensor already in the library layout (NHWC).
constexpr void quantize_from_nhwc(const io_tensor_info &t, const float *nhwc, std::int8_t *out) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i)
    out[i] = quantize_value(nhwc[i], t.scale_of(i), t.zero_point_of(i));
}

namespace detail {
/// Element i of an output buffer as a real value: (q - zero_point) * scale, for int32 with the
/// difference in 64 bits (a float holds it exactly up to 2^24 in magnitude; scale 1 and zero
/// point 0 give the value itself).
constexpr float real_value_of(const io_tensor_info &t, const std::int8_t *q, std::size_t i) {
  if (t.element_bytes == 4)
    return static_cast<float>(std::int64_t{load_int32(q, i)} - t.zero_point_of(i)) * t.scale_of(i);
  return dequantize_value(q[i], t.scale_of(i), t.zero_point_of(i));
}
} // namespace detail

/// Dequantizes an output (`t.bytes()` bytes at `q`) into floats in the ONNX layout:
/// (q - zero_point) * scale, per channel when `t` is (int32 outputs too).
constexpr void dequantize_to_onnx(const io_tensor_info &t, const std::int8_t *q,
                                  float *onnx_layout) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t dst = t.onnx_is_nchw ? detail::nchw_index_of_nhwc(t.shape, i) : i;
    onnx_layout[dst] = detail::real_value_of(t, q, i);
  }
}

/// Dequantizes an output into floats in the library layout (NHWC).
constexpr void dequantize_to_nhwc(const io_tensor_info &t, const std::int8_t *q, float *nhwc) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i)
    nhwc[i] = detail::real_value_of(t, q, i);
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
