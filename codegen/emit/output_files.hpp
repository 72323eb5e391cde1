#pragma once
// What the generator writes, and the checks in front of it: the header text's own rules
// (check_header_text, the last line of defence against model text becoming code), the output
// path (check_output_path) and the atomic write of every file (write_atomically, write_files).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace onnx2hpp::codegen::emit {

/// Throws failure::internal unless every line of `text` is printable ASCII, none ends in a
/// backslash (a line continuation), and the only preprocessor lines are `#pragma once` and
/// `#include <...>`: what the generator writes itself, never what a model could smuggle in.
void check_header_text(std::string_view text);

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
