#pragma once
// Which ONNX operators onnx2hpp reads, and what it says about the others.

#include "ir/op.hpp"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace onnx2hpp::codegen::importer {

/// The IR kind an ONNX node (domain, op type) is imported as; nothing if it is not supported.
/// The default domain may be spelled "" or "ai.onnx".
std::optional<ir::op_kind> imported_kind(std::string_view domain, std::string_view op_type);

/// "Add, AveragePool, ..., com.microsoft.QGemm": every supported op, for messages.
std::string supported_op_list();

/// Throws failure::unsupported_model listing every node whose op is not supported (name and op,
/// each once), with a hint where one helps.
void reject_unsupported_ops(const onnx::ModelProto &model, const std::filesystem::path &path);

} // namespace onnx2hpp::codegen::importer
