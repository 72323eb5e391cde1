#pragma once
// Emission: the lowered model as one readable header for the onnx2hpp library, in the form
// codegen/emit/CONTRACT.md describes (constants, layer specs, the graph, I/O metadata).

#include "lower/lower.hpp"

#include <onnx2hpp/core/fixed_point.hpp>

#include <filesystem>
#include <string>

namespace onnx2hpp::codegen::emit {

struct header_options {
  std::string name_space;        ///< C++ namespace of everything emitted
  std::string generator_version; ///< printed in the comment block
  /// Emit each conv/dense's backends::simd pack and put `simd::packed` layers in the graph.
  bool simd_packs = true;
  /// How every requantizing layer rounds (`--rounding`): the library's fixed-point default, or
  /// onnxruntime's fp32 scales with ties to even (emits `.mode` and the fp32 scales).
  onnx2hpp::rounding_mode rounding = onnx2hpp::rounding_mode::fixed_point;
};

/// The header text. Throws failure::unsupported_model for ops the library has no layer for,
/// listing each node.
std::string emit_header(const lower::lowered_model &model, const header_options &options);

/// The default namespace for a model file: its stem as a C identifier (as onnx2hpp_add_model).
std::string default_namespace(const std::filesystem::path &model);

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so `path`
/// is either the complete new file or untouched. Throws failure::output_failed.
void write_atomically(const std::filesystem::path &path, const std::string &text);

} // namespace onnx2hpp::codegen::emit
