#include "import/node_attributes.hpp"

namespace onnx2hpp::codegen::importer {

const onnx::AttributeProto *find_attribute(const onnx::NodeProto &node, const std::string &name) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

std::int64_t int_attribute(const onnx::NodeProto &node, const std::string &name,
                           std::int64_t fallback) {
  const auto *a = find_attribute(node, name);
  return a ? a->i() : fallback;
}

double float_attribute(const onnx::NodeProto &node, const std::string &name, double fallback) {
  const auto *a = find_attribute(node, name);
  return a ? a->f() : fallback;
}

std::string string_attribute(const onnx::NodeProto &node, const std::string &name,
                             const std::string &fallback) {
  const auto *a = find_attribute(node, name);
  return a ? a->s() : fallback;
}

std::vector<std::int64_t> ints_attribute(const onnx::NodeProto &node, const std::string &name) {
  return optional_ints(node, name).value_or(std::vector<std::int64_t>{});
}

std::optional<std::vector<std::int64_t>> optional_ints(const onnx::NodeProto &node,
                                                       const std::string &name) {
  const auto *a = find_attribute(node, name);
  if (!a)
    return std::nullopt;
  return std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
}

} // namespace onnx2hpp::codegen::importer
