#pragma once
// Reading a NodeProto's attributes by their ONNX operator-spec names, with the spec's defaults.

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::importer {

const onnx::AttributeProto *find_attribute(const onnx::NodeProto &node, const std::string &name);
std::int64_t int_attribute(const onnx::NodeProto &node, const std::string &name,
                           std::int64_t fallback);
double float_attribute(const onnx::NodeProto &node, const std::string &name, double fallback);
std::string string_attribute(const onnx::NodeProto &node, const std::string &name,
                             const std::string &fallback);
/// Empty when the attribute is absent.
std::vector<std::int64_t> ints_attribute(const onnx::NodeProto &node, const std::string &name);
std::optional<std::vector<std::int64_t>> optional_ints(const onnx::NodeProto &node,
                                                       const std::string &name);

} // namespace onnx2hpp::codegen::importer
