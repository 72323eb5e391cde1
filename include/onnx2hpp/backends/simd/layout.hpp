// The packed-weight layout shared by every int8 dot-product path of the simd backend.
//
// GEMM weights (conv2d that is not depthwise, dense) are packed per group of the layer into blocks
// of 16 output channels. With K = kernel_h·kernel_w·(in_channels/groups) (dense: K = depth) in
// OHWI order and K4 = ceil(K / 4), a block is K4 groups of 64 bytes, and group g of block b holds
//   byte[j·4 + i] = u8(w[16·b + j][4·g + i] + 128)      for j < 16, i < 4
// (128, i.e. w = 0, where the channel or k is padding). That is the operand order of vpdpbusd
// (unsigned × signed, 4 bytes per int32 lane); AVX2 reads it as 4 × (4 channels × 4 k), NEON as
// 4 × 16 bytes. One layout serves every ISA, so a generator can emit it without knowing the target.
#pragma once

#include <cstddef>

namespace onnx2hpp::simd {

/// Output channels per packed block, and bytes per (block, group of 4 k).
inline constexpr std::size_t pack_block_channels = 16;
inline constexpr std::size_t pack_block_bytes = 64;

constexpr std::size_t ceil_div(std::size_t a, std::size_t b) {
  return (a + b - 1) / b;
}
constexpr std::size_t round_up(std::size_t a, std::size_t b) {
  return ceil_div(a, b) * b;
}

} // namespace onnx2hpp::simd
