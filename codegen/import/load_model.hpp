#pragma once
// Reading an .onnx file into a checked, shape-inferred ModelProto.

#include "ir/tensor.hpp"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::importer {

struct load_options {
  /// `--input-shape NAME=d0,d1,...`: static shapes for graph inputs (replacing dynamic dims).
  std::map<std::string, ir::shape_t> input_shapes;
  /// Reject float models (the CLI always does). Tests of single passes on float graphs turn it off.
  bool require_quantization = true;
};

struct loaded_model {
  onnx::ModelProto proto;
  std::filesystem::path path;
  std::string sha256;
  std::vector<std::string> warnings;
  /// External data files read (canonical paths): the output must never replace one of them.
  std::vector<std::filesystem::path> data_files;
};

/// Reads `path`, loads external data next to it, runs ONNX's checker, applies the input shapes
/// and runs ONNX shape inference (with data propagation, so shape subgraphs get values).
/// Throws `error` with failure::unreadable_model for missing/truncated/non-ONNX files and
/// missing external data, failure::unsupported_model for unsupported ops, float models and
/// dynamic input dimensions, failure::usage for a bad --input-shape.
loaded_model load_model(const std::filesystem::path &path, const load_options &options = {});

/// The same steps for a model already in memory (tests); `path` is only used in messages and to
/// resolve external data.
loaded_model load_model_proto(onnx::ModelProto proto, const std::filesystem::path &path,
                              const load_options &options = {});

} // namespace onnx2hpp::codegen::importer
