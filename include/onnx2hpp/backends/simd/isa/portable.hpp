// The portable int8 dot-product tile: plain loops over the packed layout that any compiler can
// auto-vectorise. Used when no ISA-specific file matches the target (and by the tests on every
// machine, as a second implementation of the same interface).
#pragma once

#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/simd/layout.hpp"

namespace onnx2hpp::simd::isa {

struct portable {
  static constexpr const char *name = "portable";

  /// dot_tile returns Σ w·x exactly (the +128 of the packed bytes is removed here).
  static constexpr std::int32_t x_sum_bias = 0;
  static constexpr std::size_t max_blocks = 2;
  static constexpr std::size_t rows_for(std::size_t) { return 4; }

  template <std::size_t R, std::size_t C>
  static void dot_tile(const std::int8_t *const *rows, std::size_t taps, std::size_t k4_per_tap,
                       const std::uint8_t *w, std::size_t block_stride, std::int32_t *acc) {
    constexpr std::size_t n = C * pack_block_channels;
    std::int32_t a[R][n] = {};
    for (std::size_t t = 0; t < taps; ++t) {
      const std::uint8_t *wt = w + t * k4_per_tap * pack_block_bytes;
      for (std::size_t k = 0; k < k4_per_tap; ++k)
        for (std::size_t r = 0; r < R; ++r) {
          const std::int8_t *x = rows[r * taps + t] + 4 * k;
          for (std::size_t c = 0; c < C; ++c) {
            const std::uint8_t *wb = wt + c * block_stride + k * pack_block_bytes;
            for (std::size_t j = 0; j < pack_block_channels; ++j) {
              std::int32_t s = 0;
              for (std::size_t i = 0; i < 4; ++i)
                s += (std::int32_t{wb[j * 4 + i]} - 128) * x[i];
              a[r][c * pack_block_channels + j] += s;
            }
          }
        }
    }
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t j = 0; j < n; ++j)
        acc[r * n + j] = a[r][j];
  }

  static std::int32_t row_sum(const std::int8_t *x, std::size_t n) {
    std::int32_t s = 0;
    for (std::size_t i = 0; i < n; ++i)
      s += x[i];
    return s;
  }
};

} // namespace onnx2hpp::simd::isa
