// Binary element-wise layers with numpy broadcasting: add (ONNX Add / QLinearAdd, TFLite-style
// input rescaling) and mul (ONNX Mul / QLinearMul), each with a fused activation (act_min/act_max
// clamp for ReLU/ReLU6/Clip, optional 256-entry look-up table for the non-linear ones).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "onnx2hpp/core/activation_lut.hpp"
#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// numpy broadcasting of two shapes: both are right-aligned, missing leading dimensions count as
/// 1, and each aligned pair must be equal or contain a 1 (the result takes the other extent).
template <shape_type A, shape_type B>
struct broadcast {
  static constexpr std::size_t rank = A::rank > B::rank ? A::rank : B::rank;

  /// Extents of `S` right-aligned to `rank`, padded with leading 1s.
  template <shape_type S>
  static constexpr std::array<std::size_t, rank> aligned() {
    std::array<std::size_t, rank> d{};
    for (std::size_t i = 0; i < rank; ++i)
      d[i] = i < rank - S::rank ? 1 : S::dims[i - (rank - S::rank)];
    return d;
  }
  static constexpr std::array<std::size_t, rank> a_dims = aligned<A>();
  static constexpr std::array<std::size_t, rank> b_dims = aligned<B>();

  static constexpr bool compatible = [] {
    for (std::size_t i = 0; i < rank; ++i)
      if (a_dims[i] != b_dims[i] && a_dims[i] != 1 && b_dims[i] != 1)
        return false;
    return true;
  }();

  /// Per output dimension the larger extent (only meaningful when `compatible`).
  static constexpr std::array<std::size_t, rank> dims = [] {
    std::array<std::size_t, rank> d{};
    for (std::size_t i = 0; i < rank; ++i)
      d[i] = a_dims[i] == 1 ? b_dims[i] : a_dims[i];
    return d;
  }();

  template <std::size_t... I>
  static auto make(std::index_sequence<I...>) -> shape<dims[I]...>;
  using type = decltype(make(std::make_index_sequence<rank>{}));
};

/// The numpy-broadcast shape of A and B.
template <shape_type A, shape_type B>
using broadcast_shape_t = typename broadcast<A, B>::type;

/// Quantization of an int8 addition (TFLite scheme). Real values are s·(q − z):
///   a' = multiply_by_quantized_multiplier((a − a_zero_point) · 2^left_shift, a_multiplier)
///   b' = multiply_by_quantized_multiplier((b − b_zero_point) · 2^left_shift, b_multiplier)
///   out = clamp(multiply_by_quantized_multiplier(a' + b', output_multiplier) + output_zero_point,
///               act_min, act_max)
/// with a_multiplier ≈ s_a / (2·max(s_a, s_b)), b_multiplier ≈ s_b / (2·max(s_a, s_b)) (both
/// <= 1/2, so a' + b' cannot overflow) and output_multiplier ≈ 2·max(s_a, s_b) / (2^20 · s_out).
/// In rounding_mode::onnxruntime (add<A, B, rounding_mode::onnxruntime>), onnxruntime's
/// QLinearAdd kernel on x86-64 with AVX2 (MLAS, MlasQLinearAddS8KernelAvx2/U8, which the QDQ
/// fusion DQ → Add → Q runs), the multipliers unused. On the codes as the model stores them
/// (a + code_offset: uint8 codes for a uint8 model):
///   fixed = fp32(zc) − fma(a_ratio, fp32(za), fp32(b_ratio · fp32(zb)))   (zero points as stored)
///   acc   = fma(fp32(a), a_ratio, fma(fp32(b), b_ratio, fixed))
/// and with a_first the roles of A and B swapped in both lines (onnxruntime passes a broadcast A
/// to MLAS as its second, scalar operand),
///   out   = clamp(round_half_even(acc) − code_offset, act_min, act_max)
/// a_ratio = s_a / s_out and b_ratio = s_b / s_out in fp32 and every fma rounded once
/// (fp32_fma); the rounding and its saturation are round_stored_code's. a_first is set when
/// onnxruntime's broadcast loop holds A fixed over its inner span, i.e. when A is broadcast along
/// the innermost dimension of the output (in ONNX's order) that is not 1; the generator computes
/// it. code_offset is 128 for uint8 tensors, and for int8 ones that onnxruntime converts to uint8
/// on x86 (a QuantizeLinear read by one DequantizeLinear: QDQS8ToU8Transformer); the generator
/// decides. onnxruntime on Arm64 uses an integer rule instead (MlasCalcQLinearAddParameters), which
/// differs on ties. Build it with make_add_params, which fills the data of both modes.
struct add_params {
  std::int32_t a_zero_point = 0;
  quantized_multiplier a_multiplier{0, 0};
  std::int32_t b_zero_point = 0;
  quantized_multiplier b_multiplier{0, 0};
  std::int32_t output_zero_point = 0;
  quantized_multiplier output_multiplier{0, 0};
  std::int32_t left_shift = 20;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  float a_ratio = 0.0f;         ///< s_a / s_out (fp32), onnxruntime mode only
  float b_ratio = 0.0f;         ///< s_b / s_out (fp32), onnxruntime mode only
  float fixed = 0.0f;           ///< zc − (a_ratio·za + b_ratio·zb) as MLAS computes it
  std::int32_t code_offset = 0; ///< 128 when the model stores the three tensors as uint8
  bool a_first = false;         ///< add A's term first (A held fixed by the broadcast loop)
};

/// Quantization of an int8 multiplication:
///   acc = (a − a_zero_point)·(b − b_zero_point)                    (|acc| <= 255² < 2^16)
///   out = clamp(multiply_by_quantized_multiplier(acc · 2^left_shift, output_multiplier)
///               + output_zero_point, act_min, act_max)
/// with output_multiplier ≈ s_a·s_b / (s_out · 2^left_shift). The left shift (15 unless the
/// multiplier is tiny) gives the fixed-point product 15 fraction bits, so the result is rounded
/// once (to nearest, ties away from zero) instead of twice as in TFLite's Mul, whose
/// high-multiply rounds to an integer before the final right shift.
/// In rounding_mode::onnxruntime (mul<A, B, rounding_mode::onnxruntime>: onnxruntime's QLinearMul
/// on x86-64, MLAS's SSE2 kernel; output_multiplier unused), with the output zero point as stored
/// (code_offset: as for add_params) added in fp32 before the rounding:
///   out = clamp(round_half_even(fp32(fp32(acc) · scale) + fp32(zc + code_offset))
///               − code_offset, act_min, act_max)
/// with scale = s_a · s_b / s_out in fp32 (in that order); a sum outside (−2^31, 2^31) gives
/// act_min, as for add. Build it with make_mul_params, which fills the data of both modes.
struct mul_params {
  std::int32_t a_zero_point = 0;
  std::int32_t b_zero_point = 0;
  std::int32_t output_zero_point = 0;
  quantized_multiplier output_multiplier{0, 0};
  std::int32_t left_shift = 0;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  float scale = 0.0f;           ///< s_a · s_b / s_out (fp32), onnxruntime mode only
  std::int32_t code_offset = 0; ///< 128 when onnxruntime stores the tensors as uint8
};

/// add_params from the float scales and zero points of both inputs and of the output, and the
/// int8 range of the fused activation (e.g. activation_clamp(...); default: none). Multipliers are
/// computed in double from the float scales. For the onnxruntime mode: `code_offset` (128 when
/// the model's tensors are uint8, whose codes and zero points are the int8 ones + 128) and
/// `a_first` (see add_params).
constexpr add_params make_add_params(float a_scale, std::int32_t a_zero_point, float b_scale,
                                     std::int32_t b_zero_point, float out_scale,
                                     std::int32_t out_zero_point,
                                     activation_range act = {-128, 127},
                                     std::int32_t code_offset = 0, bool a_first = false) {
  constexpr std::int32_t left_shift = 20;
  const double sa = a_scale, sb = b_scale, so = out_scale;
  const double twice_max = 2.0 * (sa > sb ? sa : sb);
  const float a_ratio = fp32_div(a_scale, out_scale), b_ratio = fp32_div(b_scale, out_scale);
  const auto stored = [&](std::int32_t zp) { return static_cast<float>(zp + code_offset); };
  const float zero_terms =
      a_first ? fp32_fma(b_ratio, stored(b_zero_point), fp32_mul(a_ratio, stored(a_zero_point)))
              : fp32_fma(a_ratio, stored(a_zero_point), fp32_mul(b_ratio, stored(b_zero_point)));
  return {a_zero_point,
          quantize_multiplier(sa / twice_max),
          b_zero_point,
          quantize_multiplier(sb / twice_max),
          out_zero_point,
          quantize_multiplier(twice_max / (static_cast<double>(1 << left_shift) * so)),
          left_shift,
          act.min,
          act.max,
          a_ratio,
          b_ratio,
          fp32_fma(stored(out_zero_point), 1.0f, -zero_terms), // one rounding, as fp32 minus
          code_offset,
          a_first};
}

/// One output of add in rounding_mode::onnxruntime (see add_params), from int8 codes.
constexpr std::int8_t onnxruntime_add(const add_params &p, std::int8_t a, std::int8_t b) {
  const float fa = static_cast<float>(a + p.code_offset);
  const float fb = static_cast<float>(b + p.code_offset);
  const float acc = p.a_first ? fp32_fma(fb, p.b_ratio, fp32_fma(fa, p.a_ratio, p.fixed))
                              : fp32_fma(fa, p.a_ratio, fp32_fma(fb, p.b_ratio, p.fixed));
  return round_stored_code(acc, p.code_offset, p.act_min, p.act_max);
}

/// mul_params from the float scales and zero points of both inputs and of the output, and the int8
/// range of the fused activation (default: none). The multiplier is computed in double; the left
/// shift is 15, reduced so that the multiplier's right shift stays <= 31. `code_offset`: the
/// onnxruntime mode's (see mul_params).
constexpr mul_params make_mul_params(float a_scale, std::int32_t a_zero_point, float b_scale,
                                     std::int32_t b_zero_point, float out_scale,
                                     std::int32_t out_zero_point,
                                     activation_range act = {-128, 127},
                                     std::int32_t code_offset = 0) {
  const double sa = a_scale, sb = b_scale, so = out_scale;
  quantized_multiplier m = quantize_multiplier(sa * sb / so);
  const std::int32_t left_shift = m.shift + 31 < 15 ? m.shift + 31 : 15; // shift >= −31
  m.shift -= left_shift;
  return {
      a_zero_point, b_zero_point, out_zero_point, m,
      left_shift,   act.min,      act.max,        fp32_div(fp32_mul(a_scale, b_scale), out_scale),
      code_offset};
}

/// The onnxruntime-mode output of mul for the product acc = (a − za)·(b − zb) (see mul_params).
constexpr std::int8_t onnxruntime_mul(const mul_params &p, std::int32_t acc) {
  const float product = fp32_mul(static_cast<float>(acc), p.scale);
  const float sum =
      fp32_fma(product, 1.0f, static_cast<float>(p.output_zero_point + p.code_offset));
  return round_stored_code(sum, p.code_offset, p.act_min, p.act_max);
}

namespace detail {
/// Shape logic shared by the binary element-wise layers.
template <shape_type ShapeA, shape_type ShapeB>
struct binary_elementwise_shapes {
  static_assert(broadcast<ShapeA, ShapeB>::compatible,
                "element-wise layer: the input shapes cannot be broadcast together (numpy rules: "
                "right-aligned, every pair of extents must be equal or one of them 1)");
  using output_shape = broadcast_shape_t<ShapeA, ShapeB>;
};
} // namespace detail

/// out = A + B (numpy broadcasting), quantized as described at add_params; then, if `lut` is set,
/// out = (*lut)[out + 128] (the table maps the pre-activation quantization to the output's).
/// `Rounding` selects the arithmetic of add_params (part of the type, as for conv2d and dense).
template <shape_type ShapeA, shape_type ShapeB, rounding_mode Rounding = rounding_mode::fixed_point>
struct add {
  static constexpr rounding_mode rounding = Rounding;
  using input_shapes = type_list<ShapeA, ShapeB>;
  using output_shape = typename detail::binary_elementwise_shapes<ShapeA, ShapeB>::output_shape;
  static constexpr std::size_t n_inputs = 2;
  /// Output element i depends on element i of input 0 only when input 0 is not broadcast.
  static constexpr bool in_place = std::is_same_v<ShapeA, output_shape>;
  static constexpr std::uint64_t macs = output_shape::size; // one rescale per output element

  add_params params;
  const lut256 *lut = nullptr;
};

/// out = A · B (numpy broadcasting), quantized as described at mul_params; then, if `lut` is set,
/// out = (*lut)[out + 128]. `Rounding` selects the arithmetic of mul_params.
template <shape_type ShapeA, shape_type ShapeB, rounding_mode Rounding = rounding_mode::fixed_point>
struct mul {
  static constexpr rounding_mode rounding = Rounding;
  using input_shapes = type_list<ShapeA, ShapeB>;
  using output_shape = typename detail::binary_elementwise_shapes<ShapeA, ShapeB>::output_shape;
  static constexpr std::size_t n_inputs = 2;
  /// Output element i depends on element i of input 0 only when input 0 is not broadcast.
  static constexpr bool in_place = std::is_same_v<ShapeA, output_shape>;
  static constexpr std::uint64_t macs = output_shape::size; // one multiply per output element

  mul_params params;
  const lut256 *lut = nullptr;
};

} // namespace onnx2hpp
