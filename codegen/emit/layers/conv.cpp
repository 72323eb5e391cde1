// The accumulating layers: conv2d, dense, batch_matmul (and conv2d_integer / dense_integer for
// ConvInteger/MatMulInteger): their weights and bias, the output stage and the simd pack.

#include "emit/layers/layers.hpp"

#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"
#include "emit/simd_pack.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace onnx2hpp::codegen::emit {

namespace {

using ir::op_kind;

template <class T>
bool uniform(const std::vector<T> &v) {
  return std::all_of(v.begin(), v.end(), [&](const T &x) { return x == v.front(); });
}

/// The basic_output_stage of a conv/dense/batch_matmul, its tables appended to `code.data`. Only
/// what the rounding mode reads is written (fixed point: multipliers and shifts; onnxruntime: the
/// fp32 scales), and only the fields that differ from their defaults.
std::string output_stage(const context &c, const std::string &name, const ir::op &o,
                         const lower::accumulating_layer &l, layer_code &code) {
  std::vector<std::string> fields;
  if (c.onnxruntime_rounding()) {
    auto scales = l.float_scale;
    if (uniform(scales))
      scales.resize(1);
    std::vector<std::string> literals;
    for (float s : scales)
      literals.push_back(float_literal(s));
    code.data += fmt::format("inline constexpr std::array<float, {}> {}_scale{{\n    {}}};\n",
                             scales.size(), name, wrapped_list(literals, "    "));
  } else {
    auto multiplier = l.requant.multiplier, shift = l.requant.shift;
    if (uniform(multiplier) && uniform(shift)) {
      multiplier.resize(1);
      shift.resize(1);
    }
    code.data += int32_constant(name + "_multiplier", multiplier);
    code.data += int32_constant(name + "_shift", shift);
    fields.push_back(
        fmt::format("requant = {{.multiplier = {0}_multiplier, .shift = {0}_shift{1}}}", name,
                    multiplier.size() == 1 ? "" : fmt::format(", .count = {}", multiplier.size())));
  }
  auto zp = l.output_zero_point;
  if (l.lut) {
    const auto &out = c.quant(o, o.output());
    code.declarations +=
        fmt::format("/// {} on the pre-activation quantization (scale {}, zero point {})\n",
                    ir::to_string(l.lut->function), l.lut->input_scale, l.lut->input_zero_point) +
        lut_declaration(name, l.lut->function, l.lut->input_scale, l.lut->input_zero_point,
                        out.scale_at(0), out.zero_point_at(0));
    zp = l.lut->input_zero_point;
  }
  if (zp != 0)
    fields.push_back(fmt::format("zero_point = {}", zp));
  if (l.act_min != -128)
    fields.push_back(fmt::format("act_min = {}", l.act_min));
  if (l.act_max != 127)
    fields.push_back(fmt::format("act_max = {}", l.act_max));
  if (l.lut)
    fields.push_back(fmt::format("lut = &{}_lut", name));
  if (c.onnxruntime_rounding())
    fields.push_back(fmt::format("scale = {}_scale", name));
  return designated(fields);
}

/// The weights (and bias) of a conv/dense, into `code.data`.
void accumulating_constants(const std::string &name, const ir::op &o,
                            const lower::accumulating_layer &l, layer_code &code) {
  code.data += int8_constant(name + "_weights", l.weights,
                             fmt::format("{} weights, int8 {} {}", printable(o.name),
                                         o.kind == op_kind::conv ? "OHWI" : "[out][in]",
                                         ir::to_string(l.weight_shape)));
  if (!l.bias.empty())
    code.data += int32_constant(name + "_bias", l.bias);
}

std::string accumulating_init(const std::string &name, const lower::accumulating_layer &l,
                              const std::string &stage) {
  std::vector<std::string> fields{
      fmt::format("weights = {{onnx2hpp::from_bytes, {}_weights}}", name)};
  // Written even when empty: the member has no default initializer (-Wmissing-field-initializers).
  fields.push_back(l.bias.empty() ? "bias = {}" : fmt::format("bias = {}_bias", name));
  if (l.input_zero_point != 0)
    fields.push_back(fmt::format("input_zero_point = {}", l.input_zero_point));
  if (l.weight_zero_point != 0)
    fields.push_back(fmt::format("weight_zero_point = {}", l.weight_zero_point));
  fields.push_back("output = " + stage);
  return designated(fields);
}

/// ConvInteger/MatMulInteger: int32 accumulators out, weight zero points per channel.
void integer_constants(const std::string &name, const ir::op &o, const lower::accumulating_layer &l,
                       layer_code &code) {
  accumulating_constants(name, o, l, code);
  code.data += int32_constant(name + "_weight_zero_points", l.weight_zero_points);
}

std::string integer_init(const std::string &name, const lower::accumulating_layer &l) {
  std::vector<std::string> fields{
      fmt::format("weights = {{onnx2hpp::from_bytes, {}_weights}}", name)};
  if (l.input_zero_point != 0)
    fields.push_back(fmt::format("input_zero_point = {}", l.input_zero_point));
  fields.push_back(fmt::format("weight_zero_points = {}_weight_zero_points", name));
  if (l.weight_zero_points.size() != 1)
    fields.push_back(fmt::format("weight_zero_points_count = {}", l.weight_zero_points.size()));
  return designated(fields);
}

/// onnx2hpp::conv2d_attrs, without the fields that keep their defaults (stride and dilation 1,
/// no padding, one group, fixed-point rounding).
std::string conv_attrs(const context &c, const lower::accumulating_layer &l,
                       const ir::conv_attrs &a, bool with_rounding) {
  std::vector<std::string> fields{fmt::format("out_channels = {}", l.weight_shape[0])};
  for (auto &f : window_fields(a.kernel, a.strides, a.dilations, a.pads))
    fields.push_back(std::move(f));
  if (a.group != 1)
    fields.push_back(fmt::format("groups = {}", a.group));
  if (with_rounding && c.onnxruntime_rounding())
    fields.push_back("rounding = onnx2hpp::rounding_mode::onnxruntime");
  return "onnx2hpp::conv2d_attrs" + designated(fields);
}

layer_code conv(context &c, const std::string &name, const ir::op &o) {
  const auto &l = c.model.layers.at(c.index_of(o));
  const auto &a = o.get<ir::conv_attrs>();
  layer_code code;
  if (l.int32_output) {
    integer_constants(name, o, l, code);
    code.type = fmt::format("onnx2hpp::conv2d_integer<{}, {}>", c.shape_of(o.input(0)),
                            conv_attrs(c, l, a, false));
    code.init = integer_init(name, l);
    return code;
  }
  accumulating_constants(name, o, l, code);
  auto stage = output_stage(c, name, o, l, code);
  code.type =
      fmt::format("onnx2hpp::conv2d<{}, {}>", c.shape_of(o.input(0)), conv_attrs(c, l, a, true));
  code.init = accumulating_init(name, l, stage);
  auto dim = [&](std::size_t i) { return static_cast<std::size_t>(l.weight_shape[i]); };
  const auto in_channels = static_cast<std::size_t>(c.g.at(o.input(0)).shape.back()); // NHWC
  const auto groups = static_cast<std::size_t>(a.group);
  if (groups == in_channels && groups > 1) // conv2d<S, A>::depthwise
    code.pack = depthwise_pack(
        c, code.data, name, l,
        {.channels = groups, .multiplier = dim(0) / groups, .taps = dim(1) * dim(2)});
  else
    code.pack = gemm_pack(
        c, code.data, name, l,
        {.groups = groups, .ocg = dim(0) / groups, .icg = dim(3), .taps = dim(1) * dim(2)});
  return code;
}

layer_code dense(context &c, const std::string &name, const ir::op &o) {
  const auto &l = c.model.layers.at(c.index_of(o));
  layer_code code;
  if (l.int32_output) {
    integer_constants(name, o, l, code);
    code.type =
        fmt::format("onnx2hpp::dense_integer<{}, {}>", c.shape_of(o.input(0)), l.weight_shape[0]);
    code.init = integer_init(name, l);
    return code;
  }
  accumulating_constants(name, o, l, code);
  auto stage = output_stage(c, name, o, l, code);
  code.type = fmt::format("onnx2hpp::dense<{}, {}{}>", c.shape_of(o.input(0)), l.weight_shape[0],
                          c.mode_argument());
  code.init = accumulating_init(name, l, stage);
  code.pack = gemm_pack(c, code.data, name, l,
                        {.groups = 1,
                         .ocg = static_cast<std::size_t>(l.weight_shape[0]),
                         .icg = static_cast<std::size_t>(l.weight_shape[1]),
                         .taps = 1});
  return code;
}

/// A MatMul of two computed tensors: onnx2hpp::batch_matmul, a per-tensor output stage.
layer_code batch_matmul(context &c, const std::string &name, const ir::op &o) {
  const auto &l = c.model.layers.at(c.index_of(o));
  layer_code code;
  auto stage = output_stage(c, name, o, l, code);
  code.type = fmt::format("onnx2hpp::batch_matmul<{}, {}{}>", c.shape_of(o.input(0)),
                          c.shape_of(o.input(1)), c.mode_argument());
  std::vector<std::string> fields;
  if (l.input_zero_point != 0)
    fields.push_back(fmt::format("a_zero_point = {}", l.input_zero_point));
  if (l.weight_zero_point != 0)
    fields.push_back(fmt::format("b_zero_point = {}", l.weight_zero_point));
  fields.push_back("output = " + stage);
  code.init = designated(fields);
  return code;
}

/// The emitter of each kind of the family: a new kind is one row.
constexpr std::array<std::pair<op_kind, layer_emitter>, 3> emitters{{
    {op_kind::conv, conv},
    {op_kind::dense, dense},
    {op_kind::batch_matmul, batch_matmul},
}};

} // namespace

layer_code accumulating_layer(context &c, std::size_t op) {
  return emit_with(c, op, emitters);
}

} // namespace onnx2hpp::codegen::emit
