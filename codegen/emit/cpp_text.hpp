#pragma once
// Spelling values as C++ source: identifiers, float literals, string literals of raw bytes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace onnx2hpp::codegen::emit {

/// A C++ identifier from any text: characters outside [A-Za-z0-9_] become '_', runs of '_' are
/// collapsed (so no "__") and leading/trailing '_' dropped, a leading digit or an empty result
/// gets a "t_" prefix, and keywords, names without a lower-case letter and the standard
/// lower-case macro names (which a macro may replace) get a '_' suffix.
std::string identifier(std::string_view text);

/// A float literal that reads back as exactly `v` ("0.0078701712f", "2.0f", "1e-05f").
std::string float_literal(float v);

/// The contents of a narrow string literal (without quotes) holding `bytes`: printable ASCII as
/// itself, everything else (and '"', '\\', '?') as \xHH; a printable hex digit right after a \x
/// escape is escaped too, so no escape swallows the next character. Broken into `"..."` pieces of
/// about `line_width` characters joined by a newline and `indent`.
std::string byte_string_literal(std::span<const std::uint8_t> bytes, std::size_t line_width = 94,
                                std::string_view indent = "    ");

/// `text` as a quoted C++ string literal: printable ASCII as itself but for \" \\ and '?'
/// (trigraphs), every other byte (control characters, newlines, bytes >= 0x80) as a three-digit
/// octal escape.
std::string string_literal(std::string_view text);

/// The project's line length (.clang-format ColumnLimit), at which the generated code wraps.
inline constexpr std::size_t column_limit = 100;

/// `code` with every line longer than `width` broken after a ", ", a "(" or a "{." (outside string
/// and character literals), the continuation indented four more spaces than the line. Comment lines
/// and lines without such a break stay as they are.
std::string wrap_code(std::string_view code, std::size_t width = column_limit);

/// `{.a = 1, .b = 2}`: a designated initializer from "name = value" fields (`{}` without any).
std::string designated(const std::vector<std::string> &fields);

/// True for the C++ keywords (`int`, `namespace`, ...).
bool is_keyword(std::string_view word);

/// Why `name` cannot be the namespace of a generated header (`--namespace`), or nothing when it
/// can: one or more identifiers joined by "::", none a keyword or reserved, not `std`.
std::optional<std::string> namespace_problem(std::string_view name);

} // namespace onnx2hpp::codegen::emit
