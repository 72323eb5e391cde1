#pragma once
// Lowering: the numbers the kernels read, computed from the IR's float quantization.
//
// For every conv and dense: weights packed as the library reads them (conv OHWI, dense
// [out][in]), the int32 bias in the accumulator scale (input scale * weight scale of the channel),
// the zero points kept explicit (nothing is folded into the bias yet), and one fixed-point
// multiplier + shift per output channel for input_scale * weight_scale[c] / output_scale, by
// TFLite's QuantizeMultiplier (the library's onnx2hpp::quantize_multiplier, so generator and
// kernels share one definition), and the same scales in fp32 as onnxruntime computes them (for
// the generator's `--rounding onnxruntime`). Fused Relu/Clip become the int8 clamp range.

#include "ir/graph.hpp"
#include "lower/emitted_graph.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace onnx2hpp::codegen::lower {

/// real ≈ multiplier * 2^(shift - 31), one entry per output channel (or one for the tensor).
struct requantization {
  std::vector<std::int32_t> multiplier;
  std::vector<std::int32_t> shift;
};

/// A fused activation that is not a clamp (LeakyRelu, HardSwish, Sigmoid) runs as a 256-entry
/// table after requantization to this pre-activation quantization.
struct lut_activation {
  ir::activation function;
  float input_scale = 1.0f;
  std::int32_t input_zero_point = 0;
};

/// Everything a conv, dense or batch_matmul kernel needs besides its geometry. batch_matmul (two
/// computed operands) has no weights or bias: `input_zero_point` is A's, `weight_zero_point` B's,
/// and the requantization is per tensor (a_scale * b_scale / y_scale).
struct accumulating_layer {
  std::vector<std::int8_t> weights; ///< conv: OHWI; dense: [out][in]
  ir::shape_t weight_shape;         ///< conv: {O, kH, kW, I/group}; dense: {out, in}
  std::vector<std::int32_t> bias;   ///< [out], in scale input_scale * weight_scale[c]; or empty
  std::int32_t input_zero_point = 0;
  std::int32_t weight_zero_point = 0;
  std::int32_t output_zero_point = 0;
  requantization requant; ///< to the output (or to the LUT's input when `lut` is set)
  /// The same scales as onnxruntime computes them for `--rounding onnxruntime`: per channel
  /// fp32(fp32(input_scale * weight_scale[c]) / output_scale), all operands fp32.
  std::vector<float> float_scale;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  std::optional<lut_activation> lut;
  /// ConvInteger/MatMulInteger: the output is the int32 accumulator itself (no bias, no
  /// requantization; `requant`, `float_scale` empty), and the weight zero point may differ per
  /// output channel: `weight_zero_points` (one per channel, or one for all).
  bool int32_output = false;
  std::vector<std::int32_t> weight_zero_points;
};

struct lowered_model {
  ir::graph graph;
  std::map<std::size_t, accumulating_layer> layers; ///< by op index: conv, dense, batch_matmul
  emitted_graph emitted; ///< the graph the header declares (emitted_graph.hpp), from `graph`
};

/// Lowers a graph that passed check_supported. Throws failure::unsupported_model for what the
/// kernels cannot express (per-channel weight zero points of a requantizing layer, ...).
lowered_model lower(ir::graph g);

/// The pre-activation quantization for a fused LeakyRelu/HardSwish/Sigmoid in front of an output
/// quantized with `out`: it covers every input the activation maps into the output's range.
lut_activation pre_activation(const ir::activation &a, const ir::quantization &out);

/// OIHW -> OHWI.
std::vector<std::int8_t> to_ohwi(const std::vector<std::int8_t> &oihw, const ir::shape_t &shape);

/// The multipliers for real_scale[c] = input_scale * weight_scale[c] / output_scale.
requantization requantize_multipliers(double input_scale, const std::vector<float> &weight_scales,
                                      double output_scale);

} // namespace onnx2hpp::codegen::lower
