#include "emit/cpp_text.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace onnx2hpp::codegen::emit {

namespace {

constexpr std::array<std::string_view, 97> keywords{
    "alignas",       "alignof",     "and",
    "and_eq",        "asm",         "auto",
    "bitand",        "bitor",       "bool",
    "break",         "case",        "catch",
    "char",          "char8_t",     "char16_t",
    "char32_t",      "class",       "compl",
    "concept",       "const",       "consteval",
    "constexpr",     "constinit",   "const_cast",
    "continue",      "co_await",    "co_return",
    "co_yield",      "decltype",    "default",
    "delete",        "do",          "double",
    "dynamic_cast",  "else",        "enum",
    "explicit",      "export",      "extern",
    "false",         "float",       "for",
    "friend",        "goto",        "if",
    "inline",        "int",         "long",
    "mutable",       "namespace",   "new",
    "noexcept",      "not",         "not_eq",
    "nullptr",       "operator",    "or",
    "or_eq",         "private",     "protected",
    "public",        "register",    "reinterpret_cast",
    "requires",      "return",      "short",
    "signed",        "sizeof",      "static",
    "static_assert", "static_cast", "struct",
    "switch",        "template",    "this",
    "thread_local",  "throw",       "true",
    "try",           "typedef",     "typeid",
    "typename",      "union",       "unsigned",
    "using",         "virtual",     "void",
    "volatile",      "wchar_t",     "while",
    "xor",           "xor_eq",      "import",
    "module",        "final",       "override",
    "main"};

bool is_hex_digit(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

} // namespace

std::string identifier(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool word = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    char next = word ? c : '_';
    if (next == '_' && !out.empty() && out.back() == '_')
      continue;
    out += next;
  }
  while (!out.empty() && out.front() == '_')
    out.erase(out.begin());
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front())) != 0)
    out = "t_" + out;
  for (auto k : keywords)
    if (out == k)
      return out + "_";
  return out;
}

std::string float_literal(float v) {
  // Shortest text that reads back as the same float.
  std::array<char, 64> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  std::string text(buffer.data(), end);
  if (text.find_first_of(".en") == std::string::npos) // "2" -> "2.0"; keep "1e-05", "nan"
    text += ".0";
  return text + "f";
}

std::string byte_string_literal(std::span<const std::uint8_t> bytes, std::size_t line_width,
                                std::string_view indent) {
  std::string out = "\"";
  std::size_t line = 1;
  bool after_hex_escape = false;
  for (auto b : bytes) {
    auto c = static_cast<char>(b);
    std::string piece;
    // '?' too: "??/" and friends are trigraphs that compilers warn about.
    bool printable = b >= 0x20 && b < 0x7f && c != '"' && c != '\\' && c != '?';
    if (printable && !(after_hex_escape && is_hex_digit(c))) {
      piece = std::string(1, c);
      after_hex_escape = false;
    } else {
      piece = fmt::format("\\x{:02x}", b);
      after_hex_escape = true;
    }
    if (line + piece.size() > line_width) {
      out += "\"\n";
      out += indent;
      out += "\"";
      line = 1;
    }
    out += piece;
    line += piece.size();
  }
  out += "\"";
  return out;
}

std::string string_literal(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += fmt::format("\\{}", c);
    else if (static_cast<unsigned char>(c) < 0x20) // octal: exactly three digits, never more
      out += fmt::format("\\{:03o}", static_cast<unsigned char>(c));
    else
      out += c;
  }
  return out + "\"";
}

} // namespace onnx2hpp::codegen::emit
