#pragma once
// Text taken from a model, made safe to print: in a `//` comment of the generated header, in a
// table of `--report`, in an error message on a terminal.
//
// A model is untrusted input. A newline in a node name would end the comment it is written into
// (and start a line of code, or a `#include`), a trailing backslash would splice the next line
// into the comment, bidirectional-override characters can make code read differently from how it
// compiles, and terminal escape sequences rewrite what a user sees. So only printable ASCII
// passes; everything else becomes a visible escape.

#include <string>
#include <string_view>

namespace onnx2hpp::codegen {

/// `text` with every byte outside printable ASCII (0x20..0x7e), and every backslash, written as
/// `\xHH`. The result holds no control character, no newline and no byte >= 0x80, and does not
/// end in a backslash.
std::string printable(std::string_view text);

/// As `printable`, but keeps newlines (and tabs): for multi-line messages built by the generator
/// itself, whose model-derived parts may still hold anything.
std::string printable_lines(std::string_view text);

} // namespace onnx2hpp::codegen
