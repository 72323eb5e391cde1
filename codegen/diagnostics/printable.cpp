#include "diagnostics/printable.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen {

namespace {

std::string escape(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 0x20 && b < 0x7f && c != '\\') || (keep_lines && (c == '\n' || c == '\t')))
      out += c;
    else
      out += fmt::format("\\x{:02x}", b);
  }
  return out;
}

} // namespace

std::string printable(std::string_view text) {
  return escape(text, false);
}

std::string printable_lines(std::string_view text) {
  return escape(text, true);
}

} // namespace onnx2hpp::codegen
