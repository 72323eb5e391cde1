#pragma once
// Emission: the lowered model as one readable header for the onnx2hpp library, in the form
// codegen/emit/CONTRACT.md describes (constants, layer specs, the graph, I/O metadata).
//
// The parts: header.cpp writes the document (comment block, includes, names, the graph) and
// calls layers/*.cpp for each node's layer (one file per ir::layer_family), simd_pack.cpp for
// the backends::simd weight packs and io_metadata.cpp for input_info/output_info/node_info;
// context.hpp is what they share; output_files.cpp checks and writes the files.

#include "emit/output_files.hpp"
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
  /// The file name of the data header (weights, biases, requantization tables, simd packs),
  /// which the header includes from its own folder (data_header_path); empty: one header.
  std::string data_header{};
};

/// The generated text: the header and, when header_options::data_header names one, the data
/// header it includes (else empty).
struct generated_files {
  std::string header;
  std::string data;
};

/// The header (and data header). Throws failure::unsupported_model for ops the library has no
/// layer for, listing each node; every text has passed check_header_text.
generated_files emit_files(const lower::lowered_model &model, const header_options &options);

/// One header holding everything (emit_files without a data header).
std::string emit_header(const lower::lowered_model &model, const header_options &options);

/// The default namespace for a model file: its stem as a C identifier (as onnx2hpp_add_model).
std::string default_namespace(const std::filesystem::path &model);

} // namespace onnx2hpp::codegen::emit
