#pragma once
// Names an attacker (or a careless exporter) can put into a model, for the tests that check every
// place the generator writes a model's string: comments, identifiers, string literals, reports.
// Shared by the fixture writer and by the program that compiles the resulting header, which
// checks that each name comes back byte for byte.

#include <array>
#include <string_view>

namespace onnx2hpp::codegen::testing {

/// Node names, used in turn. "conv\n" and "conv_weights" collide once reduced to identifiers
/// (the first declares conv_weights); NULL and assert are macros; the rest try to end a `//`
/// comment, open a directive, splice lines, reorder text (U+202E) or drive a terminal.
inline constexpr std::array<std::string_view, 8> hostile_node_names{
    "conv\n",
    "conv_weights",
    "x\n#include \"/etc/passwd\"\n",
    "NULL",
    "assert",
    "\xe2\x80\xae rlo \xe2\x80\xac \\",
    "*/ static int y = 1; /* ?\?/",
    "\x1b[31mred\x1b[0m\r\n#error injected",
};

/// Appended to every value (tensor) name of the model.
inline constexpr std::string_view hostile_value_suffix = "\"\n#include \"/etc/hostname\"\n//\\";

/// The model's producer_name: a newline, then a static initializer that would print at start-up.
inline constexpr std::string_view hostile_producer =
    "evil\nstatic const int injected = std::puts(\"INJECTED\");\n//";

} // namespace onnx2hpp::codegen::testing
