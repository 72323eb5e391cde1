#pragma once
// Recognising how a model was quantized: the dialects a file is written in decide nothing about
// the IR (every dialect lands in the same one) but they are reported, and a model in none of them
// is a float model that onnx2hpp cannot convert.

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::importer {

/// The quantization dialects `model` uses, e.g. {"QDQ (PyTorch export)"} or
/// {"QOperator", "com.microsoft contrib ops"}; empty for a float model.
std::vector<std::string> recognize_dialects(const onnx::ModelProto &model);

/// Throws failure::unsupported_model for a float model, saying how to quantize it.
void reject_float_model(const onnx::ModelProto &model, const std::filesystem::path &path);

} // namespace onnx2hpp::codegen::importer
