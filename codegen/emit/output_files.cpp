#include "emit/output_files.hpp"

#include "diagnostics/error.hpp"
#include "diagnostics/printable.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace onnx2hpp::codegen::emit {

void check_header_text(std::string_view text) {
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    ++line_number;
    auto fail = [&](const std::string &why) {
      throw error(failure::internal,
                  fmt::format("the generated header breaks its own rules at line {} ({}): {}",
                              line_number, why, printable(line.substr(0, 120))));
    };
    for (char c : line)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        fail("a byte outside printable ASCII");
    if (!line.empty() && line.back() == '\\')
      fail("a line continuation");
    auto first = line.find_first_not_of(' ');
    if (first != std::string_view::npos && line[first] == '#' &&
        !(line == "#pragma once" || (line.starts_with("#include <") && line.ends_with(">") &&
                                     line.find_first_of("\"'") == std::string_view::npos)))
      fail("a preprocessor directive the generator does not write");
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
}

void check_output_path(const std::filesystem::path &output,
                       const std::vector<std::filesystem::path> &inputs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(output, ec); // follows a symbolic link to what it names
  if (ec || !fs::exists(status))
    return; // a new file
  for (const auto &input : inputs)
    if (fs::equivalent(output, input, ec) && !ec)
      throw error(failure::usage,
                  fmt::format("-o '{}' is the file '{}' that the model is read from; writing the "
                              "header there would destroy it. Choose another output file",
                              printable(output.string()), printable(input.string())));
  if (!fs::is_regular_file(status))
    throw error(failure::usage,
                fmt::format("-o '{}' exists and is {}, not a regular file; onnx2hpp writes the "
                            "header by replacing the file, so it refuses. Choose a file name",
                            printable(output.string()),
                            fs::is_directory(status)        ? "a directory"
                            : fs::is_character_file(status) ? "a character device"
                            : fs::is_block_file(status)     ? "a block device"
                            : fs::is_fifo(status)           ? "a FIFO"
                                                            : "a special file"));
}

void write_atomically(const std::filesystem::path &path, const std::string &text) {
  auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  auto temp = folder / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid());
  auto fail = [&](const std::string &what) {
    const int cause = errno; // before remove() can overwrite it
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw error(failure::output_failed, fmt::format("cannot write '{}': {}: {}", path.string(),
                                                    what, std::strerror(cause)));
  };
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out)
      fail("cannot create a file in its folder");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out)
      fail("writing failed");
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    errno = ec.value();
    fail("renaming the temporary file failed");
  }
}

} // namespace onnx2hpp::codegen::emit
