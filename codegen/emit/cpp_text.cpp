#include "emit/cpp_text.hpp"

#include "diagnostics/error.hpp"
#include "diagnostics/printable.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <utility>

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

/// Lower-case names that the C and C++ standard libraries, POSIX or GNU mode define as macros.
constexpr std::array<std::string_view, 16> lower_case_macros{
    "assert", "errno",  "offsetof", "setjmp", "va_arg", "va_start", "va_end", "va_copy",
    "stdin",  "stdout", "stderr",   "linux",  "unix",   "i386",     "major",  "minor"};

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
  // Names a macro may have: an object-like macro of that name (NULL, EOF, INT8_MAX, linux in GNU
  // mode, ...) would replace the identifier, so names without a lower-case letter and the
  // standard lower-case macros get a '_' suffix too.
  if (std::none_of(out.begin(), out.end(),
                   [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }) ||
      std::find(lower_case_macros.begin(), lower_case_macros.end(), out) != lower_case_macros.end())
    return out + "_";
  return out;
}

std::string float_literal(float v) {
  if (!std::isfinite(v)) // "inff" or "nanf" would not compile; the passes reject such scales
    throw error(failure::internal, fmt::format("float literal of the non-finite value {}", v));
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
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\')
      out += fmt::format("\\{}", c);
    else if (b < 0x20 || b >= 0x7f || c == '?') // octal: exactly three digits, never more
      out += fmt::format("\\{:03o}", b);
    else
      out += c;
  }
  return out + "\"";
}

bool is_keyword(std::string_view word) {
  return std::find(keywords.begin(), keywords.end(), word) != keywords.end() && word != "main" &&
         word != "import" && word != "module" && word != "final" && word != "override";
}

std::optional<std::string> namespace_problem(std::string_view name) {
  if (name.empty())
    return "it is empty";
  std::size_t start = 0;
  while (true) {
    auto end = name.find("::", start);
    auto part =
        name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (part.empty())
      return "it has an empty component";
    if (std::isdigit(static_cast<unsigned char>(part.front())) != 0 ||
        !std::all_of(part.begin(), part.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
        }))
      return fmt::format("'{}' is not a C++ identifier (letters, digits and '_', not starting "
                         "with a digit)",
                         printable(part));
    if (is_keyword(part))
      return fmt::format("'{}' is a C++ keyword", part);
    if (part.find("__") != std::string_view::npos ||
        (part.size() > 1 && part[0] == '_' && std::isupper(static_cast<unsigned char>(part[1]))))
      return fmt::format("'{}' is reserved for the implementation ('__' or '_' and a capital)",
                         part);
    if (start == 0 && part == "std")
      return "namespace std belongs to the standard library";
    if (end == std::string_view::npos)
      return std::nullopt;
    start = end + 2;
  }
}

namespace {

/// Where to break `line` so that its first part fits `width`: after a ", ", after a "(" that
/// opens arguments or after the "{" that opens a designated initializer, outside literals; the last
/// such place at the outermost bracket depth if that keeps at least half the width on the line,
/// else the last one. Returns where the first part ends and where the rest starts (npos, npos:
/// nowhere).
std::pair<std::size_t, std::size_t> break_position(std::string_view line, std::size_t width) {
  constexpr auto none = std::string_view::npos;
  std::pair<std::size_t, std::size_t> last{none, none}, outer{none, none};
  int depth = 0, outer_depth = 0;
  char quote = 0;
  auto candidate = [&](std::size_t end, std::size_t resume) {
    last = {end, resume};
    if (outer.first == none || depth <= outer_depth) {
      outer = last;
      outer_depth = depth;
    }
  };
  for (std::size_t i = 0; i + 1 < line.size() && i + 1 <= width; ++i) {
    const char ch = line[i];
    if (quote != 0) {
      if (ch == '\\')
        ++i;
      else if (ch == quote)
        quote = 0;
    } else if (ch == '"' || ch == '\'') {
      quote = ch;
    } else if (ch == '(' || ch == '{' || ch == '[' || ch == '<') {
      if ((ch == '{' && line[i + 1] == '.') || (ch == '(' && line[i + 1] != ')'))
        candidate(i + 1, i + 1);
      ++depth;
    } else if (ch == ')' || ch == '}' || ch == ']' || ch == '>') {
      --depth;
    } else if (ch == ',' && line[i + 1] == ' ') {
      candidate(i + 1, i + 2);
    }
  }
  return outer.first != none && outer.first >= width / 2 ? outer : last;
}

} // namespace

std::string wrap_code(std::string_view code, std::size_t width) {
  std::string out;
  std::size_t start = 0;
  while (start < code.size()) {
    auto end = code.find('\n', start);
    auto line =
        code.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const auto first = line.find_first_not_of(' ');
    const bool comment = first != std::string_view::npos && line.substr(first, 2) == "//";
    const std::string indent(std::min(first, line.size()) + 4, ' ');
    std::string_view rest = line;
    std::string prefix; // the continuation's indent, after the first piece
    while (!comment && prefix.size() + rest.size() > width) {
      auto [end, resume] = break_position(rest, width - prefix.size());
      if (end == std::string_view::npos || end <= indent.size())
        break;
      out += prefix;
      out += rest.substr(0, end);
      out += '\n';
      rest = rest.substr(resume);
      prefix = indent;
    }
    out += prefix;
    out += rest;
    if (end == std::string_view::npos)
      break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string designated(const std::vector<std::string> &fields) {
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i)
    out += (i == 0 ? "." : ", .") + fields[i];
  return out + "}";
}

} // namespace onnx2hpp::codegen::emit
