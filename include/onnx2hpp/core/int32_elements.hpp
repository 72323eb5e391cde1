// int32 tensor elements in the graph's byte buffers.
//
// Graph buffers (inputs, outputs, the arena) are arrays of std::int8_t and the memory plan counts
// bytes. A layer with int32 outputs (conv2d_integer, dense_integer: ONNX ConvInteger and
// MatMulInteger, whose result is the raw accumulator) stores element i in bytes [4i, 4i + 4) as
// the int32's object representation (native byte order), so a host may also memcpy the buffer
// into an int32 array. Both helpers work in constant expressions.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace onnx2hpp {

/// Writes `value` as int32 element `i` of the byte buffer `bytes`.
constexpr void store_int32(std::int8_t *bytes, std::size_t i, std::int32_t value) {
  const auto b = std::bit_cast<std::array<std::int8_t, 4>>(value);
  for (std::size_t k = 0; k < 4; ++k)
    bytes[4 * i + k] = b[k];
}

/// Reads int32 element `i` of the byte buffer `bytes`.
constexpr std::int32_t load_int32(const std::int8_t *bytes, std::size_t i) {
  std::array<std::int8_t, 4> b{};
  for (std::size_t k = 0; k < 4; ++k)
    b[k] = bytes[4 * i + k];
  return std::bit_cast<std::int32_t>(b);
}

} // namespace onnx2hpp
