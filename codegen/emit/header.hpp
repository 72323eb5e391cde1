#pragma once
// Emission: the lowered model as one readable header for the onnx2hpp library, in the form
// codegen/emit/CONTRACT.md describes (constants, layer specs, the graph, I/O metadata).

#include "lower/lower.hpp"

#include <onnx2hpp/core/fixed_point.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

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

/// Throws failure::internal unless every line of `text` is printable ASCII, none ends in a
/// backslash (a line continuation), and the only preprocessor lines are `#pragma once` and
/// `#include <...>`: what the generator writes itself, never what a model could smuggle in.
void check_header_text(std::string_view text);

/// The default namespace for a model file: its stem as a C identifier (as onnx2hpp_add_model).
std::string default_namespace(const std::filesystem::path &model);

/// Throws failure::usage if writing `output` would destroy something that is not a header: one
/// of `inputs` (the model, its external data: the same file by any name or link), or an existing
/// file that is not a regular file (a device such as /dev/null, a FIFO, a directory), which the
/// atomic rename would replace.
void check_output_path(const std::filesystem::path &output,
                       const std::vector<std::filesystem::path> &inputs);

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so `path`
/// is either the complete new file or untouched. Throws failure::output_failed.
void write_atomically(const std::filesystem::path &path, const std::string &text);

} // namespace onnx2hpp::codegen::emit
