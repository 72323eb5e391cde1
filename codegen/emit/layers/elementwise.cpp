#include "emit/layers/layers.hpp"

#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"
#include "ir/transpose.hpp"
#include "lower/lower.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace onnx2hpp::codegen::emit {

namespace {

using ir::op_kind;

/// Fused activation of add/mul: a clamp range, or a table after a pre-activation quantization.
struct fused_output {
  float scale;
  std::int32_t zero_point;
  std::string range = "{-128, 127}";
  std::string lut{}; ///< `&<name>_lut`, or empty
};

fused_output elementwise_output(const context &c, const std::string &name, const ir::op &o,
                                std::string &declarations) {
  const auto &out = c.quant(o, o.output());
  fused_output f{out.scale_at(0), out.zero_point_at(0)};
  if (!o.fused_activation)
    return f;
  const auto &a = *o.fused_activation;
  if (ir::is_clamp(a)) {
    auto [alpha, beta] = activation_parameters(a);
    f.range = fmt::format("onnx2hpp::activation_clamp({}, {}, {}, {}, {})",
                          library_activation(a.kind), float_literal(f.scale), f.zero_point,
                          float_literal(alpha), float_literal(beta));
    return f;
  }
  auto pre = lower::pre_activation(a, out);
  declarations +=
      lut_declaration(name, a, pre.input_scale, pre.input_zero_point, f.scale, f.zero_point);
  f.scale = pre.input_scale;
  f.zero_point = pre.input_zero_point;
  f.lut = "&" + name + "_lut";
  return f;
}

/// The tensor's dimensions in ONNX's order (the IR holds 4-D activations as NHWC).
ir::shape_t onnx_dims(const ir::tensor &t) {
  return t.order == ir::layout::nhwc ? ir::permute(t.shape, ir::nhwc_to_nchw) : t.shape;
}

/// add_params::a_first: onnxruntime's broadcast loop holds input A fixed over its inner span, i.e.
/// A is 1 along the innermost dimension of the output (in ONNX's order) that is not 1; also when
/// the output is a single element (onnxruntime then takes A as the scalar).
bool a_held_by_broadcast(const ir::tensor &a, const ir::tensor &out) {
  const auto ad = onnx_dims(a), od = onnx_dims(out);
  for (std::size_t k = 0; k < od.size(); ++k) {
    if (od[od.size() - 1 - k] == 1)
      continue;
    return k >= ad.size() || ad[ad.size() - 1 - k] == 1;
  }
  return true;
}

/// make_add_params'/make_mul_params' arguments after the activation range in onnxruntime mode:
/// the code offset onnxruntime computes with (uint8 storage) and, for add, a_first (add_params),
/// only where they differ from the defaults.
std::string onnxruntime_arguments(const context &c, const ir::op &o, bool table_activation) {
  if (!c.onnxruntime_rounding())
    return "";
  const auto &a = c.g.at(o.input(0)), &b = c.g.at(o.input(1)), &y = c.g.at(o.output());
  // onnxruntime's QLinearAdd/QLinearMul take three tensors of one type; for mixed types (which it
  // runs unfused, in float), and before a table activation, the int8 form is used.
  const std::int32_t offset =
      !table_activation && a.code_offset == b.code_offset && b.code_offset == y.code_offset
          ? y.code_offset
          : 0;
  if (o.kind != op_kind::add)
    return offset == 0 ? "" : fmt::format(", {}", offset);
  const bool a_first = a_held_by_broadcast(a, y);
  if (offset == 0 && !a_first)
    return "";
  return fmt::format(", {}, {}", offset, a_first ? "true" : "false");
}

layer_code binary(context &c, const std::string &name, const ir::op &o) {
  for (auto id : o.inputs)
    if (c.g.at(id).is_constant())
      c.unsupported(o, fmt::format("a constant operand ('{}') of an element-wise op is not "
                                   "supported by the library's add/mul yet",
                                   c.g.at(id).name));
  layer_code code;
  auto f = elementwise_output(c, name, o, code.declarations);
  bool add = o.kind == op_kind::add;
  code.type = fmt::format("onnx2hpp::{}<{}, {}{}>", add ? "add" : "mul", c.shape_of(o.input(0)),
                          c.shape_of(o.input(1)), c.mode_argument());
  std::vector<std::string> fields{
      fmt::format("params = onnx2hpp::make_{}_params({}, {}, {}, {}, {}, {}, {}{})",
                  add ? "add" : "mul", float_literal(c.scale(o, o.input(0))),
                  c.zero_point(o, o.input(0)), float_literal(c.scale(o, o.input(1))),
                  c.zero_point(o, o.input(1)), float_literal(f.scale), f.zero_point, f.range,
                  onnxruntime_arguments(c, o, !f.lut.empty()))};
  if (!f.lut.empty())
    fields.push_back("lut = " + f.lut);
  code.init = designated(fields);
  return code;
}

} // namespace

layer_code elementwise_layer(context &c, std::size_t op) {
  return binary(c, c.layer_names.at(op), c.g.ops[op]);
}

} // namespace onnx2hpp::codegen::emit
