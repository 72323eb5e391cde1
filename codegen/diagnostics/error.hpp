#pragma once
// The one error type every stage of the generator throws. Its category decides the process exit
// code, so a script can tell "your model is not supported" from "the file is broken".

#include <stdexcept>
#include <string>

namespace onnx2hpp::codegen {

/// Why the generator gave up. The numeric value is the exit code of `onnx2hpp` (see main.cpp).
enum class failure : int {
  internal = 1,             ///< a bug in onnx2hpp: an invariant it relies on did not hold
  usage = 2,                ///< the command line is wrong
  unreadable_model = 3,     ///< missing, truncated or non-ONNX file; external data not found
  unsupported_model = 4,    ///< valid ONNX that onnx2hpp cannot convert (ops, float model, shapes)
  invalid_quantization = 5, ///< quantization parameters that contradict each other or ONNX
  output_failed = 6,        ///< the header could not be written
};

/// A message meant for the user: it names the file/node/op concerned and, where there is one,
/// the way out.
class error : public std::runtime_error {
public:
  error(failure kind, const std::string &message) : std::runtime_error(message), kind_(kind) {}
  failure kind() const noexcept { return kind_; }
  int exit_code() const noexcept { return static_cast<int>(kind_); }

private:
  failure kind_;
};

} // namespace onnx2hpp::codegen
