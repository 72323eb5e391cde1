#include "lower/lower.hpp"

#include "diagnostics/error.hpp"
#include "ir/transpose.hpp"
#include "passes/quant_params.hpp"

#include <onnx2hpp/core/activation_lut.hpp>
#include <onnx2hpp/core/fixed_point.hpp>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace onnx2hpp::codegen::lower {

namespace {

using ir::op_kind;

[[noreturn]] void unsupported(const ir::graph &g, const ir::op &o, const std::string &why) {
  throw error(failure::unsupported_model, fmt::format("{}: {}", passes::where(g, o), why));
}

const ir::quantization &per_tensor(const ir::graph &g, const ir::op &o, ir::tensor_id id) {
  const auto &t = g.at(id);
  if (!t.quant)
    unsupported(g, o, fmt::format("'{}' is not quantized", t.name));
  if (t.quant->per_channel())
    unsupported(g, o,
                fmt::format("'{}' is quantized per channel; activations must be quantized "
                            "per tensor",
                            t.name));
  return *t.quant;
}

/// The real range an int8 tensor with quantization (scale, zp) covers.
std::pair<double, double> real_range(double scale, std::int32_t zp) {
  return {(-128 - zp) * scale, (127 - zp) * scale};
}

} // namespace

/// Inputs beyond the range chosen here saturate the output anyway; the range always includes 0.
lut_activation pre_activation(const ir::activation &a, const ir::quantization &out) {
  auto [lo, hi] = real_range(out.scale_at(0), out.zero_point_at(0));
  double x_lo = lo, x_hi = hi;
  switch (a.kind) {
  case ir::activation_kind::leaky_relu:
    x_lo = a.alpha > 0.0 ? lo / a.alpha : lo;
    break;
  case ir::activation_kind::hard_swish:
    // x * relu6(x + 3) / 6: every x <= -3 gives 0; below 3 the inverse of x(x+3)/6 bounds x.
    x_lo = -3.0;
    x_hi = hi >= 3.0 ? hi : (-3.0 + std::sqrt(9.0 + 24.0 * std::max(hi, 0.0))) / 2.0;
    break;
  case ir::activation_kind::sigmoid: {
    auto logit = [](double p) { return std::log(p / (1.0 - p)); };
    x_lo = lo <= 0.0 ? -8.0 : std::max(-16.0, logit(std::min(lo, 0.9999)));
    x_hi = hi >= 1.0 ? 8.0 : std::min(16.0, logit(std::max(hi, 0.0001)));
    break;
  }
  default:
    break;
  }
  x_lo = std::min(x_lo, 0.0);
  x_hi = std::max(x_hi, 0.0);
  lut_activation lut;
  lut.function = a;
  lut.input_scale = static_cast<float>((x_hi - x_lo) / 255.0);
  if (!(lut.input_scale > 0.0f))
    lut.input_scale = out.scale_at(0);
  lut.input_zero_point = static_cast<std::int32_t>(
      std::clamp(std::nearbyint(-128.0 - x_lo / lut.input_scale), -128.0, 127.0));
  return lut;
}

namespace {

/// int8 clamp range of a fused Relu/Clip for the output quantization (library semantics).
std::pair<std::int32_t, std::int32_t> clamp_range(const ir::activation &a,
                                                  const ir::quantization &out) {
  auto kind = a.kind == ir::activation_kind::relu ? onnx2hpp::activation_kind::relu
                                                  : onnx2hpp::activation_kind::clip;
  auto range = onnx2hpp::activation_clamp(kind, out.scale_at(0), out.zero_point_at(0),
                                          static_cast<float>(a.min), static_cast<float>(a.max));
  return {range.min, range.max};
}

std::vector<std::int8_t> int8_values(const ir::tensor &t) {
  std::vector<std::int8_t> out;
  for (auto v : t.value->ints())
    out.push_back(static_cast<std::int8_t>(v));
  return out;
}

/// The int32 bias in the accumulator's scale input_scale * weight_scale[c]. An int32 bias in
/// another scale (or a float bias) is re-expressed in it, rounding half to even.
std::vector<std::int32_t> accumulator_bias(ir::graph &g, const ir::op &o, double input_scale,
                                           const ir::quantization &w, std::size_t channels) {
  if (o.input(2) == ir::no_tensor)
    return {};
  const auto &b = g.at(o.input(2));
  if (static_cast<std::size_t>(b.elements()) != channels)
    unsupported(
        g, o, fmt::format("the bias has {} values for {} output channels", b.elements(), channels));
  std::vector<std::int32_t> out;
  bool rescaled = false;
  for (std::size_t c = 0; c < channels; ++c) {
    double accumulator_scale = input_scale * w.scale_at(c);
    double real = b.value->real_at(c);
    if (b.quant)
      real = (real - b.quant->zero_point_at(c)) * b.quant->scale_at(c);
    double q =
        b.quant && b.quant->zero_point_at(c) == 0 &&
                std::fabs(b.quant->scale_at(c) - accumulator_scale) <= 1e-6 * accumulator_scale
            ? b.value->real_at(c)
            : std::nearbyint(real / accumulator_scale);
    rescaled = rescaled || q != b.value->real_at(c);
    if (q < -2147483648.0 || q > 2147483647.0)
      unsupported(g, o,
                  fmt::format("bias channel {} ({}) does not fit int32 in the accumulator "
                              "scale {}",
                              c, real, accumulator_scale));
    out.push_back(static_cast<std::int32_t>(q));
  }
  if (rescaled && b.type == ir::dtype::i32)
    g.info.warnings.push_back(fmt::format("{}: the int32 bias was not in the accumulator scale "
                                          "(input scale x weight scale); it was re-rounded to it",
                                          passes::where(g, o)));
  return out;
}

/// The weights as the kernels read them: conv OHWI ({O, kH, kW, I/group}), dense [out][in].
void set_weights(accumulating_layer &l, const ir::op &o, const ir::tensor &w) {
  auto values = int8_values(w);
  if (o.kind == op_kind::conv) {
    l.weights = to_ohwi(values, w.shape);
    l.weight_shape = {w.shape[0], w.shape[2], w.shape[3], w.shape[1]};
  } else {
    l.weights = std::move(values);
    l.weight_shape = w.shape;
  }
}

/// ConvInteger/MatMulInteger whose int32 result is not requantized: the accumulator is the
/// output. Zero points only (the scales are 1); the weight zero point may be per output channel.
/// A quantization of the output is only read by the boundary dequantize of a float graph output
/// (recognize_integer_ops: M * (acc - zero_point)).
accumulating_layer lower_integer(ir::graph &g, const ir::op &o) {
  const auto &y = g.at(o.output());
  auto readers = g.consumers(o.output());
  bool dequantized = std::all_of(readers.begin(), readers.end(), [&](std::size_t r) {
    return g.ops[r].kind == op_kind::dequantize;
  });
  if ((y.quant && !dequantized) || o.fused_activation)
    unsupported(g, o, "an int32 output with a quantization or a fused activation");
  if (o.input(2) != ir::no_tensor)
    unsupported(g, o, "a bias on an int32 accumulator output");
  const auto &xq = per_tensor(g, o, o.input(0));
  const auto &w = g.at(o.input(1));
  if (!w.is_constant() || !w.quant || w.type != ir::dtype::i8)
    unsupported(g, o,
                fmt::format("the weights '{}' must be constant int8 with a zero point", w.name));
  const auto &wq = *w.quant;
  auto channels = static_cast<std::size_t>(w.shape[0]);
  if (wq.per_channel() && (*wq.axis != 0 || wq.zero_point.size() != channels))
    unsupported(g, o, "weight zero points must be per tensor or per output channel");
  accumulating_layer l;
  l.int32_output = true;
  l.input_zero_point = xq.zero_point_at(0);
  l.weight_zero_points = wq.zero_point;
  if (std::all_of(wq.zero_point.begin(), wq.zero_point.end(),
                  [&](std::int32_t z) { return z == wq.zero_point.front(); }))
    l.weight_zero_points.resize(1);
  l.weight_zero_point = l.weight_zero_points.front();
  set_weights(l, o, w);
  return l;
}

/// The output stage of an accumulating layer: the fused activation (clamp range or table), the
/// multipliers for input_scale * weight_scale[c] / output_scale and the same scales in fp32 as
/// onnxruntime computes them (QLinearConv/QGemm/QLinearMatMul: fp32(fp32(x * w) / y)).
void requantize_output(accumulating_layer &l, const ir::op &o, double input_scale,
                       const std::vector<float> &weight_scales, const ir::quantization &yq) {
  double output_scale = yq.scale_at(0);
  if (o.fused_activation) {
    const auto &a = *o.fused_activation;
    if (ir::is_clamp(a)) {
      auto [lo, hi] = clamp_range(a, yq);
      l.act_min = lo;
      l.act_max = hi;
    } else {
      l.lut = pre_activation(a, yq);
      output_scale = l.lut->input_scale;
    }
  }
  l.requant = requantize_multipliers(input_scale, weight_scales, output_scale);
  const auto x_scale = static_cast<float>(input_scale);
  const auto y_scale = static_cast<float>(output_scale);
  for (float ws : weight_scales) // every step in fp32
    l.float_scale.push_back(onnx2hpp::fp32_div(onnx2hpp::fp32_mul(x_scale, ws), y_scale));
}

accumulating_layer lower_accumulating(ir::graph &g, const ir::op &o) {
  const auto &y = g.at(o.output());
  if (y.type == ir::dtype::i32)
    return lower_integer(g, o);
  const auto &xq = per_tensor(g, o, o.input(0));
  const auto &yq = per_tensor(g, o, o.output());
  const auto &w = g.at(o.input(1));
  if (!w.is_constant() || !w.quant || w.type != ir::dtype::i8)
    unsupported(g, o,
                fmt::format("the weights '{}' must be constant int8 with a quantization", w.name));
  const auto &wq = *w.quant;
  if (wq.per_channel() && *wq.axis != 0)
    unsupported(g, o, "weights must be quantized per output channel (axis 0)");
  if (std::any_of(wq.zero_point.begin(), wq.zero_point.end(),
                  [&](std::int32_t z) { return z != wq.zero_point.front(); }))
    unsupported(g, o,
                "per-channel weight zero points that differ are not supported (the kernels "
                "take one weight zero point; symmetric weights have 0)");
  auto channels = static_cast<std::size_t>(w.shape[0]);

  accumulating_layer l;
  l.input_zero_point = xq.zero_point_at(0);
  l.weight_zero_point = wq.zero_point.front();
  l.output_zero_point = yq.zero_point_at(0);
  set_weights(l, o, w);
  l.bias = accumulator_bias(g, o, xq.scale_at(0), wq, channels);

  std::vector<float> weight_scales(channels);
  for (std::size_t c = 0; c < channels; ++c)
    weight_scales[c] = wq.scale_at(c);
  requantize_output(l, o, xq.scale_at(0), weight_scales, yq);
  return l;
}

/// A MatMul of two computed tensors (batch_matmul): no weights or bias; `input_zero_point` is
/// A's, `weight_zero_point` B's, and the per-tensor scale a_scale * b_scale / y_scale.
accumulating_layer lower_batch_matmul(ir::graph &g, const ir::op &o) {
  const auto &aq = per_tensor(g, o, o.input(0));
  const auto &bq = per_tensor(g, o, o.input(1));
  const auto &yq = per_tensor(g, o, o.output());
  for (auto id : {o.input(0), o.input(1), o.output()})
    if (g.at(id).type != ir::dtype::i8)
      unsupported(g, o,
                  fmt::format("'{}' is {}, not int8", g.at(id).name, ir::name_of(g.at(id).type)));
  accumulating_layer l;
  l.input_zero_point = aq.zero_point_at(0);
  l.weight_zero_point = bq.zero_point_at(0);
  l.output_zero_point = yq.zero_point_at(0);
  requantize_output(l, o, aq.scale_at(0), {bq.scale_at(0)}, yq);
  return l;
}

} // namespace

std::vector<std::int8_t> to_ohwi(const std::vector<std::int8_t> &oihw, const ir::shape_t &shape) {
  auto data = ir::constant_data::of(ir::dtype::i8, oihw);
  auto packed = ir::transpose(data, shape, {0, 2, 3, 1});
  std::vector<std::int8_t> out;
  for (auto v : packed.ints())
    out.push_back(static_cast<std::int8_t>(v));
  return out;
}

requantization requantize_multipliers(double input_scale, const std::vector<float> &weight_scales,
                                      double output_scale) {
  requantization r;
  for (auto ws : weight_scales) {
    auto m = onnx2hpp::quantize_multiplier(input_scale * ws / output_scale);
    r.multiplier.push_back(m.multiplier);
    r.shift.push_back(m.shift);
  }
  return r;
}

lowered_model lower(ir::graph g) {
  lowered_model out;
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (g.ops[i].kind == op_kind::conv || g.ops[i].kind == op_kind::dense)
      out.layers[i] = lower_accumulating(g, g.ops[i]);
    else if (g.ops[i].kind == op_kind::batch_matmul)
      out.layers[i] = lower_batch_matmul(g, g.ops[i]);
  out.graph = std::move(g);
  out.emitted = emitted_graph_of(out.graph);
  return out;
}

} // namespace onnx2hpp::codegen::lower
