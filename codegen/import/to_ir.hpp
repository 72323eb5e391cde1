#pragma once
// ModelProto -> IR, one ONNX node to one IR op. No rewriting happens here: the passes do that.

#include "import/load_model.hpp"
#include "ir/graph.hpp"

namespace onnx2hpp::codegen::importer {

/// Translates a checked, shape-inferred model. Initializers and Constant values become constant
/// tensors; every 4-D non-constant tensor is marked NCHW. Attributes are read with the defaults of
/// the operator spec for the model's opset.
ir::graph to_ir(const loaded_model &model);

/// load_model + to_ir.
ir::graph import_model(const std::filesystem::path &path, const load_options &options = {});

} // namespace onnx2hpp::codegen::importer
