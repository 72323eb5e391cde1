#pragma once
// What libonnx trusts, checked before it runs.
//
// ONNX's checker and shape inference assume well-formed input: libonnx copies an initializer's
// raw_data into a buffer sized from its dims (a heap overflow when they disagree), and its
// Conv/Pool shape inference divides by strides and dilations (SIGFPE on 0). A model is untrusted
// input, so everything they read unchecked is validated here first, with a message that names the
// tensor or node, the attribute and the value.

#include <onnx/onnx_pb.h>

#include <filesystem>

namespace onnx2hpp::codegen::importer {

/// Throws `error` unless: the graph has outputs; every tensor value (initializers, tensor
/// attributes) has an ONNX element type, non-negative dims within the generator's bound
/// (ir::max_constant_bytes) and exactly the data its dims need; every value_info has
/// non-negative dims; and the window attributes of Conv/ConvInteger/QLinearConv/MaxPool/
/// AveragePool/QLinearAveragePool are in range (kernel_shape, strides, dilations >= 1, pads >= 0,
/// group >= 1). External data must have been loaded.
void validate_proto(const onnx::ModelProto &model, const std::filesystem::path &path);

} // namespace onnx2hpp::codegen::importer
