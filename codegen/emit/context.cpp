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
