#include "emit/layers/layers.hpp"

#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"
#include "emit/simd_pack.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace onnx2hpp::codegen::emit {

namespace {

using ir::op_kind;

/// onnx2hpp::output_stage for a conv/dense, declaring its tables.
std::string output_stage(const context &c, const std::string &name, const ir::op &o,
                         const lower::accumulating_layer &l, std::string &declarations) {
  auto multiplier = l.requant.multiplier, shift = l.requant.shift;
  bool uniform =
      std::all_of(multiplier.begin(), multiplier.end(),
                  [&](std::int32_t m) { return m == multiplier.front(); }) &&
      std::all_of(shift.begin(), shift.end(), [&](std::int32_t s) { return s == shift.front(); });
  if (uniform) {
    multiplier.resize(1);
    shift.resize(1);
  }
  declarations += int32_constant(name + "_multiplier", multiplier);
  declarations += int32_constant(name + "_shift", shift);
  std::string lut = "nullptr";
  auto zp = l.output_zero_point;
  if (l.lut) {
    const auto &out = c.quant(o, o.output());
    auto [alpha, beta] = activation_parameters(l.lut->function);
    declarations += fmt::format(
        "/// {} on the pre-activation quantization (scale {}, zero point {})\n"
        "inline constexpr onnx2hpp::lut256 {}_lut = onnx2hpp::make_activation_lut(\n"
        "    {}, {}, {}, {}, {}, {}, {});\n",
        ir::to_string(l.lut->function), l.lut->input_scale, l.lut->input_zero_point, name,
        library_activation(l.lut->function.kind), float_literal(l.lut->input_scale),
        l.lut->input_zero_point, float_literal(out.scale_at(0)), out.zero_point_at(0),
        float_literal(alpha), float_literal(beta));
    lut = "&" + name + "_lut";
    zp = l.lut->input_zero_point;
  }
  std::string rounding;
  if (c.onnxruntime_rounding()) { // fp32 scales, read instead of the multipliers
    auto scales = l.float_scale;
    if (std::all_of(scales.begin(), scales.end(), [&](float s) { return s == scales.front(); }))
      scales.resize(1);
    std::vector<std::string> literals;
    for (float s : scales)
      literals.push_back(float_literal(s));
    declarations += fmt::format("inline constexpr std::array<float, {}> {}_scale{{\n    {}}};\n",
                                scales.size(), name, wrapped_list(literals, "    "));
    rounding = fmt::format(",\n                .scale = {}_scale", name);
  }
  return fmt::format("{{.requant = {{.multiplier = {0}_multiplier, .shift = {0}_shift, .count = "
                     "{1}}},\n                .zero_point = {2},\n                .act_min = {3},\n"
                     "                .act_max = {4},\n                .lut = {5}{6}}}",
                     name, multiplier.size(), zp, l.act_min, l.act_max, lut, rounding);
}

std::string accumulating_constants(const std::string &name, const ir::op &o,
                                   const lower::accumulating_layer &l) {
  std::string out = int8_constant(name + "_weights", l.weights,
                                  fmt::format("{} weights, int8 {} {}", printable(o.name),
                                              o.kind == op_kind::conv ? "OHWI" : "[out][in]",
                                              ir::to_string(l.weight_shape)));
  if (!l.bias.empty())
    out += int32_constant(name + "_bias", l.bias);
  return out;
}

std::string accumulating_init(const std::string &name, const lower::accumulating_layer &l,
                              const std::string &stage) {
  return fmt::format("{{.weights = {{onnx2hpp::from_bytes, {}_weights}},\n    .bias = {},\n"
                     "    .input_zero_point = {},\n    .weight_zero_point = {},\n"
                     "    .output = {}}}",
                     name, l.bias.empty() ? "{}" : name + "_bias", l.input_zero_point,
                     l.weight_zero_point, stage);
}

/// ConvInteger/MatMulInteger: int32 accumulators out, weight zero points per channel.
std::string integer_constants(const std::string &name, const ir::op &o,
                              const lower::accumulating_layer &l) {
  return accumulating_constants(name, o, l) +
         int32_constant(name + "_weight_zero_points", l.weight_zero_points);
}
std::string integer_init(const std::string &name, const lower::accumulating_layer &l) {
  return fmt::format("{{.weights = {{onnx2hpp::from_bytes, {0}_weights}},\n    "
                     ".input_zero_point = {1},\n    .weight_zero_points = "
                     "{0}_weight_zero_points,\n    .weight_zero_points_count = {2}}}",
                     name, l.input_zero_point, l.weight_zero_points.size());
}

layer_code conv_integer(const context &c, const std::string &name, const ir::op &o,
                        const lower::accumulating_layer &l, const ir::conv_attrs &a) {
  layer_code code;
  code.declarations = integer_constants(name, o, l);
  code.type = fmt::format(
      "onnx2hpp::conv2d_integer<{}, onnx2hpp::conv2d_attrs{{.out_channels = {}, .kernel_h = "
      "{}, .kernel_w = {},\n    .stride_h = {}, .stride_w = {}, .dilation_h = {}, .dilation_w "
      "= {}, .pad_top = {}, .pad_left = {},\n    .pad_bottom = {}, .pad_right = {}, .groups = "
      "{}}}>",
      c.shape_of(o.input(0)), l.weight_shape[0], a.kernel[0], a.kernel[1], a.strides[0],
      a.strides[1], a.dilations[0], a.dilations[1], a.pads[0], a.pads[1], a.pads[2], a.pads[3],
      a.group);
  code.init = integer_init(name, l);
  return code;
}

layer_code conv(context &c, const std::string &name, const ir::op &o) {
  const auto &l = c.model.layers.at(c.index_of(o));
  const auto &a = o.get<ir::conv_attrs>();
  if (l.int32_output)
    return conv_integer(c, name, o, l, a);
  layer_code code;
  code.declarations = accumulating_constants(name, o, l);
  auto stage = output_stage(c, name, o, l, code.declarations);
  code.type = fmt::format(
      "onnx2hpp::conv2d<{}, onnx2hpp::conv2d_attrs{{.out_channels = {}, .kernel_h = {}, "
      ".kernel_w = {},\n    .stride_h = {}, .stride_w = {}, .dilation_h = {}, .dilation_w = {}, "
      ".pad_top = {}, .pad_left = {},\n    .pad_bottom = {}, .pad_right = {}, .groups = {}{}}}>",
      c.shape_of(o.input(0)), l.weight_shape[0], a.kernel[0], a.kernel[1], a.strides[0],
      a.strides[1], a.dilations[0], a.dilations[1], a.pads[0], a.pads[1], a.pads[2], a.pads[3],
      a.group,
      c.onnxruntime_rounding() ? ",\n    .rounding = onnx2hpp::rounding_mode::onnxruntime" : "");
  code.init = accumulating_init(name, l, stage);
  auto dim = [&](std::size_t i) { return static_cast<std::size_t>(l.weight_shape[i]); };
  const auto in_channels = static_cast<std::size_t>(c.g.at(o.input(0)).shape.back()); // NHWC
  const auto groups = static_cast<std::size_t>(a.group);
  if (groups == in_channels && groups > 1) // conv2d<S, A>::depthwise
    code.after = depthwise_pack(
        c, name, l, {.channels = groups, .multiplier = dim(0) / groups, .taps = dim(1) * dim(2)});
  else
    code.after = gemm_pack(
        c, name, l,
        {.groups = groups, .ocg = dim(0) / groups, .icg = dim(3), .taps = dim(1) * dim(2)});
  return code;
}

layer_code dense(context &c, const std::string &name, const ir::op &o) {
  const auto &l = c.model.layers.at(c.index_of(o));
  if (l.int32_output) {
    layer_code code;
    code.declarations = integer_constants(name, o, l);
    code.type =
        fmt::format("onnx2hpp::dense_integer<{}, {}>", c.shape_of(o.input(0)), l.weight_shape[0]);
    code.init = integer_init(name, l);
    return code;
  }
  layer_code code;
  code.declarations = accumulating_constants(name, o, l);
  auto stage = output_stage(c, name, o, l, code.declarations);
  code.type = fmt::format("onnx2hpp::dense<{}, {}{}>", c.shape_of(o.input(0)), l.weight_shape[0],
                          c.mode_argument());
  code.init = accumulating_init(name, l, stage);
  code.after = gemm_pack(c, name, l,
                         {.groups = 1,
                          .ocg = static_cast<std::size_t>(l.weight_shape[0]),
                          .icg = static_cast<std::size_t>(l.weight_shape[1]),
                          .taps = 1});
  return code;
}

/// A MatMul of two computed tensors: onnx2hpp::batch_matmul, a per-tensor output stage.
layer_code batch_matmul(const context &c, const std::string &name, const ir::op &o) {
  const auto &l = c.model.layers.at(c.index_of(o));
  layer_code code;
  auto stage = output_stage(c, name, o, l, code.declarations);
  code.type = fmt::format("onnx2hpp::batch_matmul<{}, {}{}>", c.shape_of(o.input(0)),
                          c.shape_of(o.input(1)), c.mode_argument());
  code.init = fmt::format("{{.a_zero_point = {},\n    .b_zero_point = {},\n    .output = {}}}",
                          l.input_zero_point, l.weight_zero_point, stage);
  return code;
}

} // namespace

layer_code accumulating_layer(context &c, std::size_t op) {
  const auto &o = c.g.ops[op];
  const auto &name = c.layer_names.at(op);
  switch (o.kind) {
  case op_kind::conv:
    return conv(c, name, o);
  case op_kind::dense:
    return dense(c, name, o);
  case op_kind::batch_matmul:
    return batch_matmul(c, name, o);
  default:
    c.unsupported(o, "not an accumulating layer");
  }
}

} // namespace onnx2hpp::codegen::emit
