#pragma once
// Checking onnx2hpp's errors in tests: category and message.

#include "diagnostics/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>

namespace onnx2hpp::codegen::testing {

/// The failure category and message of `f()`, which must throw onnx2hpp's error.
template <class F>
std::pair<failure, std::string> failure_of(F &&f) {
  try {
    f();
  } catch (const error &e) {
    return {e.kind(), e.what()};
  }
  FAIL("no error was thrown");
  return {failure::internal, ""};
}

inline bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

/// Generated code with the line wrapping undone: every newline and the indent after it become one
/// space (none after a "{"), so a test can look for a declaration wherever the generator broke
/// its lines.
inline std::string unwrapped(const std::string &text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    while (i + 1 < text.size() && text[i + 1] == ' ')
      ++i;
    if (!out.empty() && out.back() != '{') // a break after "{" adds no space
      out += ' ';
  }
  return out;
}

} // namespace onnx2hpp::codegen::testing
