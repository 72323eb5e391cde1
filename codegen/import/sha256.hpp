#pragma once
// SHA-256 (FIPS 180-4) of the model file, so a generated header names exactly which bytes it came
// from.

#include <cstdint>
#include <span>
#include <string>

namespace onnx2hpp::codegen::importer {

/// Lower-case hex digest of `data`.
std::string sha256_hex(std::span<const std::uint8_t> data);

} // namespace onnx2hpp::codegen::importer
