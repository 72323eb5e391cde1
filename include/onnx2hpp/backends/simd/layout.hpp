// The packed-weight layout shared by every int8 dot-product path of the simd backend.
//
// GEMM weights (conv2d that is not depthwise, dense) are packed per group of the layer into blocks
// of 16 output channels. With K = kernel_h·kernel_w·(in_channels/groups) (dense: K = depth) in
// OHWI order and K4 = ceil(K / 4), a block is K4 groups of 64 bytes, and group g of block b holds
//   byte[j·4 + i] = u8(w[16·b + j][4·g + i] + 128)      for j < 16, i < 4
// (128, i.e. w = 0, where the channel or k is padding). That is the operand order of vpdpbusd
// (unsigned × signed, 4 bytes per int32 lane); AVX2 reads it as 4 × (4 channels × 4 k), NEON as
// 4 × 16 bytes. One layout serves every ISA, so a generator can emit it without knowing the target.
//
// Depthwise weights for four taps per dot product (multiplier 1, channels a multiple of 32, every
// w − weight_zero_point in int8; pack.hpp's depthwise_pack_view::dw4_weights) come in chunks of
// 32 channels. With G = taps / 4 and R = taps % 4 a chunk is 32 · taps bytes: G groups of 128
// bytes, group g holding at 4 · depthwise4_slot(c) + i the int8 weight of tap 4g + i of channel c,
// then R rows of 32 bytes, row r holding the weight of tap 4G + r of channel c at byte c. The slot
// order is that of the AVX-512 VNNI kernel's byte unpacks (see depthwise4_slot).
#pragma once

#include <cstddef>

namespace onnx2hpp::simd {

/// Output channels per packed block, and bytes per (block, group of 4 k).
inline constexpr std::size_t pack_block_channels = 16;
inline constexpr std::size_t pack_block_bytes = 64;

/// Channels per chunk of the four-tap depthwise layout.
inline constexpr std::size_t depthwise4_channels = 32;
/// Position of channel c (< 32) of a four-tap depthwise chunk: byte unpacks work inside 128-bit
/// lanes, so int32 lane l of 256-bit vector q (l = 4h + j, h the 128-bit half) holds channel
/// 16h + 4q + j. Returns q · 8 + l.
constexpr std::size_t depthwise4_slot(std::size_t c) {
  return (c % 16 / 4) * 8 + (c / 16) * 4 + c % 4;
}

constexpr std::size_t ceil_div(std::size_t a, std::size_t b) {
  return (a + b - 1) / b;
}
constexpr std::size_t round_up(std::size_t a, std::size_t b) {
  return ceil_div(a, b) * b;
}

} // namespace onnx2hpp::simd
