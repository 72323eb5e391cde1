#pragma once
// Schemas (inputs, types, shape inference) for the onnxruntime `com.microsoft` quantized operators
// that onnx2hpp reads. libonnx does not know them; registering them lets ONNX's own checker and
// shape inference cover QOperator models end to end instead of stopping at the first
// QLinearAdd.

namespace onnx2hpp::codegen::importer {

/// Registers the schemas once per process; later calls do nothing.
void register_contrib_schemas();

} // namespace onnx2hpp::codegen::importer
