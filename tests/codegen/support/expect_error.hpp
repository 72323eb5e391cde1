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

} // namespace onnx2hpp::codegen::testing
