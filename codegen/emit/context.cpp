#include "emit/context.hpp"

#include "diagnostics/error.hpp"
#include "emit/cpp_text.hpp"
#include "ir/transpose.hpp"

namespace onnx2hpp::codegen::emit {

context::context(const lower::lowered_model &model_, const header_options &options_)
    : model(model_), g(model_.graph), graph(model_.emitted), options(options_) {}

void context::unsupported(const ir::op &o, const std::string &why) const {
  throw error(failure::unsupported_model,
              fmt::format("node '{}' ({}): {}", o.name, o.onnx_type, why));
}

const ir::quantization &context::quant(const ir::op &o, ir::tensor_id id) const {
  const auto &t = g.at(id);
  if (!t.quant || t.quant->per_channel() || t.type != ir::dtype::i8)
    unsupported(o, fmt::format("'{}' is not an int8 tensor quantized per tensor", t.name));
  return *t.quant;
}

std::string context::shape_of(ir::tensor_id id) const {
  return shape_type(g.at(id).shape);
}

ir::shape_t context::onnx_shape(ir::tensor_id id) const {
  const auto &t = g.at(id);
  return t.order == ir::layout::nhwc ? ir::permute(t.shape, ir::nhwc_to_nchw) : t.shape;
}

std::string shape_type(const ir::shape_t &s) {
  return fmt::format("onnx2hpp::shape<{}>", fmt::join(s, ", "));
}

std::string int8_constant(const std::string &name, const std::vector<std::int8_t> &v,
                          const std::string &what) {
  std::vector<std::uint8_t> bytes(v.begin(), v.end());
  return fmt::format("/// {}\nalignas(16) inline constexpr char {}[] =\n    {};\n", what, name,
                     byte_string_literal(bytes));
}

std::string int32_constant(const std::string &name, const std::vector<std::int32_t> &v) {
  return fmt::format("inline constexpr std::array<std::int32_t, {}> {}{{\n    {}}};\n", v.size(),
                     name, wrapped_list(v, "    "));
}

std::vector<std::string> window_fields(const std::array<std::int64_t, 2> &kernel,
                                       const std::array<std::int64_t, 2> &strides,
                                       const std::array<std::int64_t, 2> &dilations,
                                       const std::array<std::int64_t, 4> &pads) {
  std::vector<std::string> fields{fmt::format("kernel_h = {}", kernel[0]),
                                  fmt::format("kernel_w = {}", kernel[1])};
  auto field = [&](const char *name, std::int64_t value, std::int64_t default_value) {
    if (value != default_value)
      fields.push_back(fmt::format("{} = {}", name, value));
  };
  field("stride_h", strides[0], 1);
  field("stride_w", strides[1], 1);
  field("dilation_h", dilations[0], 1);
  field("dilation_w", dilations[1], 1);
  field("pad_top", pads[0], 0);
  field("pad_left", pads[1], 0);
  field("pad_bottom", pads[2], 0);
  field("pad_right", pads[3], 0);
  return fields;
}

std::string lut_declaration(const std::string &name, const std::optional<ir::activation> &a,
                            float in_scale, std::int32_t in_zero_point, float out_scale,
                            std::int32_t out_zero_point) {
  auto [alpha, beta] = a ? activation_parameters(*a) : std::pair{0.0f, 0.0f};
  return fmt::format("inline constexpr onnx2hpp::lut256 {}_lut = onnx2hpp::make_activation_lut("
                     "{}, {}, {}, {}, {}, {}, {});\n",
                     name, a ? library_activation(a->kind) : "onnx2hpp::activation_kind::none",
                     float_literal(in_scale), in_zero_point, float_literal(out_scale),
                     out_zero_point, float_literal(alpha), float_literal(beta));
}

std::string library_activation(ir::activation_kind k) {
  return fmt::format("onnx2hpp::activation_kind::{}", ir::name_of(k));
}

std::pair<float, float> activation_parameters(const ir::activation &a) {
  if (a.kind == ir::activation_kind::clip)
    return {static_cast<float>(a.min), static_cast<float>(a.max)};
  if (a.kind == ir::activation_kind::leaky_relu)
    return {static_cast<float>(a.alpha), 0.0f};
  return {0.01f, 0.0f};
}

} // namespace onnx2hpp::codegen::emit
