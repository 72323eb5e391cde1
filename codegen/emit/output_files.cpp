#include "emit/output_files.hpp"

#include "diagnostics/error.hpp"
#include "diagnostics/printable.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace onnx2hpp::codegen::emit {

namespace {

/// The name of a file next to the header: [A-Za-z0-9_.-] only (no folder, no quote, no escape),
/// ending in ".hpp", not starting with '.'.
bool is_data_file_name(std::string_view name) {
  return name.size() > 4 && name.ends_with(".hpp") && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), [](char ch) {
           return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' ||
                  ch == '-';
         });
}

/// Writes `text` to `temp` (a new file next to `path`); on failure removes it and throws
/// failure::output_failed naming `path` and the system's reason.
void write_file(const std::filesystem::path &temp, const std::filesystem::path &path,
                const std::string &text) {
  auto fail = [&](const std::string &what) {
    const int cause = errno; // before remove() can overwrite it
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw error(failure::output_failed, fmt::format("cannot write '{}': {}: {}", path.string(),
                                                    what, std::strerror(cause)));
  };
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  if (!out)
    fail("cannot create a file in its folder");
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out)
    fail("writing failed");
}

} // namespace

std::filesystem::path data_header_path(const std::filesystem::path &header) {
  std::string stem = header.stem().string();
  for (auto &ch : stem)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-'))
      ch = '_';
  if (stem.empty() || stem.front() == '.')
    stem = "model" + stem;
  return header.parent_path() / (stem + "_data.hpp");
}

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
        !(line == "#pragma once" ||
          (line.starts_with("#include <") && line.ends_with(">") &&
           line.find_first_of("\"'") == std::string_view::npos) ||
          (line.starts_with("#include \"") && line.ends_with("\"") &&
           is_data_file_name(line.substr(10, line.size() - 11)))))
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
  write_files({{path, text}});
}

void write_files(const std::vector<std::pair<std::filesystem::path, std::string>> &files) {
  namespace fs = std::filesystem;
  struct staged {
    fs::path path, temp, old;
    bool replaced = false, kept_old = false;
  };
  std::vector<staged> done;
  auto undo = [&] { // back to the files as they were
    std::error_code ec;
    for (auto it = done.rbegin(); it != done.rend(); ++it) {
      if (it->kept_old)
        fs::rename(it->old, it->path, ec);
      else if (it->replaced)
        fs::remove(it->path, ec);
      fs::remove(it->temp, ec);
    }
  };
  for (const auto &[path, text] : files) {
    auto folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    auto name = path.filename().string();
    done.push_back({path, folder / fmt::format(".{}.tmp.{}", name, ::getpid()),
                    folder / fmt::format(".{}.old.{}", name, ::getpid())});
    try {
      write_file(done.back().temp, path, text);
    } catch (...) {
      undo();
      throw;
    }
  }
  // Every file is complete: move each over its old version (an atomic rename), keeping a link to
  // the old one until the last file is in place, so a failure puts every file back.
  for (auto &f : done) {
    std::error_code ec;
    if (fs::exists(f.path, ec)) {
      fs::create_hard_link(f.path, f.old, ec);
      if (ec)
        fs::copy_file(f.path, f.old, ec);
      f.kept_old = !ec;
    }
    if (!ec)
      fs::rename(f.temp, f.path, ec);
    if (ec) {
      const auto why = ec.message();
      undo();
      throw error(
          failure::output_failed,
          fmt::format("cannot write '{}': replacing the file failed: {}", f.path.string(), why));
    }
    f.replaced = true;
  }
  std::error_code ec;
  for (const auto &f : done)
    if (f.kept_old)
      fs::remove(f.old, ec);
}

} // namespace onnx2hpp::codegen::emit
