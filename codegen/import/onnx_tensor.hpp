#pragma once
// Reading ONNX TensorProto values and element types into the IR's terms.

#include "ir/tensor.hpp"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

namespace onnx2hpp::codegen::importer {

/// The IR element type for a TensorProto::DataType, or nothing (string, bfloat16, complex, ...).
std::optional<ir::dtype> dtype_from_onnx(std::int32_t elem_type);
/// "FLOAT", "UINT8", ...: the ONNX spelling, for messages.
std::string onnx_type_name(std::int32_t elem_type);

/// The values of `t` (raw_data or the typed repeated fields). External data must have been loaded
/// already. `where` names the tensor in error messages ("initializer 'w' in model.onnx").
ir::constant_data constant_from_proto(const onnx::TensorProto &t, const std::string &where);

/// A full IR constant tensor: name, type, shape, values.
ir::tensor tensor_from_proto(const onnx::TensorProto &t, const std::string &where);

} // namespace onnx2hpp::codegen::importer
