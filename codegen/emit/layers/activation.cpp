#include "emit/layers/layers.hpp"

#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"
#include "lower/onnxruntime_unary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace onnx2hpp::codegen::emit {

namespace {

using ir::op_kind;

layer_code softmax(context &c, const std::string &, const ir::op &o) {
  auto axis = o.get<ir::axis_attrs>().axis;
  auto rank = static_cast<std::int64_t>(c.g.at(o.input(0)).shape.size());
  if (axis != rank - 1 && axis != -1)
    c.unsupported(o, "Softmax is supported along the last axis only");
  auto s = float_literal(c.scale(o, o.input(0)));
  return spec(fmt::format("onnx2hpp::softmax<{}>", c.shape_of(o.input(0))),
              fmt::format("{{.input_scale = {}, .input_zero_point = {}, .output_scale = {}, "
                          ".output_zero_point = {}, .table = onnx2hpp::make_softmax_table({})}}",
                          s, c.zero_point(o, o.input(0)), float_literal(c.scale(o, o.output())),
                          c.zero_point(o, o.output()), s));
}

/// A stand-alone activation (or a requantize, an identity activation): a clamp when input and
/// output share their quantization, a table otherwise.
layer_code activation(context &c, const std::string &name, const ir::op &o) {
  const auto &in = c.quant(o, o.input(0));
  const auto &out = c.quant(o, o.output());
  std::optional<ir::activation> a;
  if (o.kind == op_kind::activation)
    a = o.get<ir::activation>();
  layer_code code;
  code.type = fmt::format("onnx2hpp::activation<{}>", c.shape_of(o.input(0)));
  if (a && ir::is_clamp(*a) && ir::same_quantization(in, out)) {
    auto [alpha, beta] = activation_parameters(*a);
    code.declarations = fmt::format(
        "inline constexpr onnx2hpp::activation_range {}_range = onnx2hpp::activation_clamp(\n"
        "    {}, {}, {}, {}, {});\n",
        name, library_activation(a->kind), float_literal(out.scale_at(0)), out.zero_point_at(0),
        float_literal(alpha), float_literal(beta));
    code.init = fmt::format("{{.act_min = {0}_range.min, .act_max = {0}_range.max}}", name);
    return code;
  }
  code.init = fmt::format("{{.lut = &{}_lut}}", name);
  if (!a) { // a requantization: the library's identity table
    code.declarations = lut_declaration(name, a, in.scale_at(0), in.zero_point_at(0),
                                        out.scale_at(0), out.zero_point_at(0));
    return code;
  }
  // Any other unary op: the table of QuantizeLinear(op(DequantizeLinear(q))) over the 256 codes,
  // computed here as onnxruntime evaluates the op (lower/onnxruntime_unary.hpp).
  auto table = lower::unary_table(*a, in, out);
  std::string values;
  for (std::size_t i = 0; i < table.size(); ++i)
    values += fmt::format("{}{}", i == 0 ? "" : (i % 16 == 0 ? ",\n    " : ", "), table[i]);
  code.data = fmt::format("/// {}: input scale {} zero point {}, output scale {} zero point {}; "
                          "entry q + 128 for input code q, as onnxruntime computes it\n"
                          "inline constexpr std::array<std::int8_t, 256> {}_lut{{{{\n    {}}}}};\n",
                          ir::to_string(*a), float_literal(in.scale_at(0)), in.zero_point_at(0),
                          float_literal(out.scale_at(0)), out.zero_point_at(0), name, values);
  return code;
}

} // namespace

layer_code activation_layer(context &c, std::size_t op) {
  return activation(c, c.layer_names.at(op), c.g.ops[op]);
}

layer_code softmax_layer(context &c, std::size_t op) {
  return softmax(c, c.layer_names.at(op), c.g.ops[op]);
}

} // namespace onnx2hpp::codegen::emit
