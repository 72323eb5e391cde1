#pragma once
// What the generator writes, and the checks in front of it: the header text's own rules
// (check_header_text, the last line of defence against model text becoming code), the output
// path (check_output_path) and the atomic write of every file (write_atomically, write_files).

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onnx2hpp::codegen::emit {

/// Throws failure::internal unless every line of `text` is printable ASCII, none ends in a
/// backslash (a line continuation), and the only preprocessor lines are `#pragma once`,
/// `#include <...>` and `#include "<name>.hpp"` of a file next to the header (a name of
/// [A-Za-z0-9_.-] only): what the generator writes itself, never what a model could smuggle in.
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

/// Writes every (path, text) as write_atomically does, all or none: each text goes to a temporary
/// file first; only when all are complete are they renamed into place, in order, and if one
/// rename fails the files already moved are put back as they were. Nothing is left behind.
void write_files(const std::vector<std::pair<std::filesystem::path, std::string>> &files);

/// The constants header next to `header` (`--split-data`, the default): `<stem>_data.hpp`, the
/// stem's characters outside [A-Za-z0-9_.-] replaced by '_' (it is named in an #include).
std::filesystem::path data_header_path(const std::filesystem::path &header);

} // namespace onnx2hpp::codegen::emit
