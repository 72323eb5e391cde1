// Pooling: ONNX MaxPool, AveragePool and GlobalAveragePool on int8 NHWC activations.
//
// Window geometry follows ONNX: kernel, stride, dilation, pads split per side, and ceil_mode for
// the output extent. Average pooling rescales from the input to the output quantization with one
// fixed-point multiplier and rounds the mean exactly once (see avg_pool2d).
#pragma once

#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/shape.hpp"
#include "onnx2hpp/core/window.hpp"

namespace onnx2hpp {

/// Geometry of a 2-D pooling window (ONNX MaxPool / AveragePool attributes, pads split per side):
/// window2d's fields (core/window.hpp), flat for designated initializers, and ceil_mode.
struct pool2d_attrs {
  std::size_t kernel_h;
  std::size_t kernel_w;
  std::size_t stride_h = 1;
  std::size_t stride_w = 1;
  std::size_t dilation_h = 1;
  std::size_t dilation_w = 1;
  std::size_t pad_top = 0;
  std::size_t pad_left = 0;
  std::size_t pad_bottom = 0;
  std::size_t pad_right = 0;
  bool ceil_mode = false;

  constexpr window2d window() const {
    return {kernel_h,   kernel_w, stride_h, stride_w,   dilation_h,
            dilation_w, pad_top,  pad_left, pad_bottom, pad_right};
  }
};

// pool_output_extent (the extent of ONNX pooling, ceil mode included) is in core/window.hpp.

namespace detail {

/// Shared geometry of max_pool2d and avg_pool2d.
template <shape_type InShape, pool2d_attrs A>
struct pool2d_geometry {
  using in = nhwc<InShape>;
  static constexpr window2d window = A.window();
  static_assert(window.valid(), "pool2d: kernel, stride and dilation must be positive");
  static_assert(window.fits(in::h, in::w),
                "pool2d: the (dilated) window is larger than the padded input");
  static_assert(A.kernel_h * A.kernel_w < (std::size_t{1} << 24),
                "pool2d: window too large for the int64 average arithmetic");

  static constexpr pool2d_attrs attrs = A;
  static constexpr std::size_t out_h = window.rows().output_extent(in::h, A.ceil_mode);
  static constexpr std::size_t out_w = window.cols().output_extent(in::w, A.ceil_mode);

  using output_shape = shape<in::n, out_h, out_w, in::c>;
};

} // namespace detail

/// int8 NHWC max pooling. The window of output (n, y, x, c) covers the taps
///   (y·stride_h − pad_top + ky·dilation_h, x·stride_w − pad_left + kx·dilation_w)
/// for ky < kernel_h, kx < kernel_w; taps outside the input (padding, or beyond the padding in
/// ceil mode) are ignored, as ONNX pads MaxPool with −inf. Input and output share the
/// quantization (max commutes with a monotonic requantization), so:
///   out = clamp(max over in-input taps of in[n, iy, ix, c], act_min, act_max)
/// where a window with no tap inside the input takes −128 before the clamp. act_min/act_max fold
/// a following ReLU/Clip (defaults: no clamp).
template <shape_type InShape, pool2d_attrs A>
struct max_pool2d {
  using geometry = detail::pool2d_geometry<InShape, A>;
  using in = typename geometry::in;
  static constexpr pool2d_attrs attrs = A;
  static constexpr window2d window = geometry::window;
  static constexpr std::size_t out_h = geometry::out_h;
  static constexpr std::size_t out_w = geometry::out_w;

  using input_shapes = type_list<InShape>;
  using output_shape = typename geometry::output_shape;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0; ///< comparisons/additions only, no multiplies

  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
};

/// int8 NHWC average pooling (ONNX AveragePool) with requantization from the input to the output
/// quantization. With the window taps of max_pool2d, for every output (n, y, x, c):
///   sum   = Σ over in-input taps of (in[n, iy, ix, c] − input_zero_point)          (int64)
///   count = CountIncludePad ? number of taps inside the padded extent
///                               [−pad_top, H + pad_bottom) × [−pad_left, W + pad_right)
///                           : number of taps inside the input [0, H) × [0, W)
///   avg   = rounding_divide(sum · multiplier.multiplier, count · 2^(31 − multiplier.shift))
///         = round_half_away(sum / count · input_scale / output_scale)
///   out   = saturate_int8(clamp(output_zero_point + avg, act_min, act_max))
/// Taps beyond the padding (ceil mode's overhanging last window) are counted in neither case;
/// padding taps contribute 0 to the sum (they hold the real value 0). When count is 0 (a window
/// entirely in padding with CountIncludePad = false) avg is 0. The quotient is exact: when
/// 31 − shift >= 40 the divisor exceeds 2·|numerator| and avg is 0 without forming it.
/// `multiplier` = quantize_multiplier(input_scale / output_scale) (shift in [−31, 30]); the
/// default {2^30, 1} is exactly 1. Zero points are int8 values. With Rounding ==
/// rounding_mode::onnxruntime (part of the type) `multiplier` is not read: avg =
/// round_half_even(fp32(sum) · fp32(input_scale / (output_scale · count))) instead
/// (detail::requantize_average_fp32).
template <shape_type InShape, pool2d_attrs A, bool CountIncludePad = false,
          rounding_mode Rounding = rounding_mode::fixed_point>
struct avg_pool2d {
  using geometry = detail::pool2d_geometry<InShape, A>;
  using in = typename geometry::in;
  static constexpr pool2d_attrs attrs = A;
  static constexpr window2d window = geometry::window;
  static constexpr std::size_t out_h = geometry::out_h;
  static constexpr std::size_t out_w = geometry::out_w;

  using input_shapes = type_list<InShape>;
  using output_shape = typename geometry::output_shape;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0; ///< comparisons/additions only, no multiplies
  static constexpr bool count_include_pad = CountIncludePad;
  static constexpr rounding_mode rounding = Rounding;

  std::int32_t input_zero_point = 0;
  std::int32_t output_zero_point = 0;
  quantized_multiplier multiplier{1 << 30, 1}; ///< input_scale / output_scale
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  float input_scale = 1.0f;  ///< read in rounding_mode::onnxruntime only
  float output_scale = 1.0f; ///< read in rounding_mode::onnxruntime only
};

/// int8 NHWC global average pooling (ONNX GlobalAveragePool): output shape<N, 1, 1, C>, the
/// arithmetic of avg_pool2d with sum over all H·W pixels of a channel and count = H·W.
template <shape_type InShape, rounding_mode Rounding = rounding_mode::fixed_point>
struct global_avg_pool {
  static constexpr rounding_mode rounding = Rounding;
  using in = nhwc<InShape>;
  static_assert(in::h * in::w >= 1, "global_avg_pool: empty spatial extent");
  static_assert(in::h * in::w < (std::size_t{1} << 24),
                "global_avg_pool: too many pixels for the int64 average arithmetic");

  using input_shapes = type_list<InShape>;
  using output_shape = shape<in::n, 1, 1, in::c>;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0;

  std::int32_t input_zero_point = 0;
  std::int32_t output_zero_point = 0;
  quantized_multiplier multiplier{1 << 30, 1}; ///< input_scale / output_scale
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  float input_scale = 1.0f;  ///< read in rounding_mode::onnxruntime only
  float output_scale = 1.0f; ///< read in rounding_mode::onnxruntime only
};

namespace detail {

/// The requantized average of avg_pool2d / global_avg_pool (documented there):
/// saturate_int8(clamp(output_zero_point + rounding_divide(sum·m, count·2^(31 − shift)), act)).
/// Preconditions: |sum| <= 255·count, count < 2^24, shift in [−31, 31].
constexpr std::int8_t requantize_average(std::int64_t sum, std::int64_t count,
                                         quantized_multiplier m, std::int32_t output_zero_point,
                                         std::int32_t act_min, std::int32_t act_max) {
  std::int64_t avg = 0;
  const int exponent = 31 - m.shift;
  // |sum·m| < 255·count·2^31 < count·2^40 / 2: for exponent >= 40 the quotient is below 1/2.
  if (count > 0 && exponent < 40)
    avg = rounding_divide(sum * m.multiplier, count * (std::int64_t{1} << exponent));
  std::int64_t v = avg + output_zero_point;
  v = v < act_min ? act_min : (v > act_max ? act_max : v);
  return saturate_cast<std::int8_t>(v);
}

/// The average in rounding_mode::onnxruntime (onnxruntime's QLinearAveragePool /
/// QLinearGlobalAveragePool arithmetic):
///   saturate_int8(clamp(round_half_even(fp32(sum) · (input_scale / (output_scale · count)))
///                       + output_zero_point, act_min, act_max))
/// every operation rounded to fp32, the scale in that order. count == 0 gives the zero point.
constexpr std::int8_t requantize_average_fp32(std::int64_t sum, std::int64_t count,
                                              float input_scale, float output_scale,
                                              std::int32_t output_zero_point, std::int32_t act_min,
                                              std::int32_t act_max) {
  if (count <= 0)
    return requantize_fp32(0.0f, output_zero_point, act_min, act_max);
  const float scale = fp32_div(input_scale, fp32_mul(output_scale, static_cast<float>(count)));
  return requantize_fp32(fp32_mul(static_cast<float>(sum), scale), output_zero_point, act_min,
                         act_max);
}

/// The divisor of avg_pool2d's average at output (oy, ox) (documented there): the taps inside the
/// padded extent with CountIncludePad, else those inside the input.
template <class AvgPool>
constexpr std::int64_t average_count(std::size_t oy, std::size_t ox) {
  return static_cast<std::int64_t>(AvgPool::window.count_taps(
      oy, ox, AvgPool::in::h, AvgPool::in::w, AvgPool::count_include_pad));
}

/// requantize_average or requantize_average_fp32, as the layer's rounding says.
template <class Layer>
constexpr std::int8_t average_output(const Layer &l, std::int64_t sum, std::int64_t count) {
  return Layer::rounding == rounding_mode::onnxruntime
             ? requantize_average_fp32(sum, count, l.input_scale, l.output_scale,
                                       l.output_zero_point, l.act_min, l.act_max)
             : requantize_average(sum, count, l.multiplier, l.output_zero_point, l.act_min,
                                  l.act_max);
}

} // namespace detail

} // namespace onnx2hpp
