// Boundary helpers for applications (not graph nodes): float <-> int8 conversion with ONNX
// QuantizeLinear / DequantizeLinear semantics, and NCHW <-> NHWC layout conversion, so an app can
// feed a network ONNX-layout float input and read its output back the same way.
#pragma once

#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// out[i] = quantize_value(in[i], scale, zero_point): saturate(round_half_even(in[i] / scale) +
/// zero_point), as ONNX QuantizeLinear. Precondition: scale > 0.
constexpr void quantize(const float *in, std::size_t n, float scale, std::int32_t zero_point,
                        std::int8_t *out) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = quantize_value(in[i], scale, zero_point);
}

/// out[i] = dequantize_value(in[i], scale, zero_point) = (in[i] − zero_point) · scale, as ONNX
/// DequantizeLinear.
constexpr void dequantize(const std::int8_t *in, std::size_t n, float scale,
                          std::int32_t zero_point, float *out) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = dequantize_value(in[i], scale, zero_point);
}

/// Copies a tensor stored NCHW (ONNX layout) into NHWC order. `NhwcShape` is the NHWC shape
/// shape<N, H, W, C> (the network's tensor shape); T is any element type (float, int8, ...).
/// The buffers must not overlap.
template <shape_type NhwcShape, class T>
constexpr void nchw_to_nhwc(const T *nchw, T *nhwc_out) {
  using s = nhwc<NhwcShape>;
  for (std::size_t n = 0; n < s::n; ++n)
    for (std::size_t c = 0; c < s::c; ++c)
      for (std::size_t y = 0; y < s::h; ++y)
        for (std::size_t x = 0; x < s::w; ++x)
          nhwc_out[s::offset(n, y, x, c)] = nchw[((n * s::c + c) * s::h + y) * s::w + x];
}

/// Copies a tensor stored NHWC into NCHW (ONNX layout) order. `NhwcShape` is the NHWC shape
/// shape<N, H, W, C>. The buffers must not overlap.
template <shape_type NhwcShape, class T>
constexpr void nhwc_to_nchw(const T *nhwc_in, T *nchw) {
  using s = nhwc<NhwcShape>;
  for (std::size_t n = 0; n < s::n; ++n)
    for (std::size_t c = 0; c < s::c; ++c)
      for (std::size_t y = 0; y < s::h; ++y)
        for (std::size_t x = 0; x < s::w; ++x)
          nchw[((n * s::c + c) * s::h + y) * s::w + x] = nhwc_in[s::offset(n, y, x, c)];
}

} // namespace onnx2hpp
