// How the Cortex-M kernels (arm_dsp.hpp, arm_mve.hpp) read a conv2d window: window_segments, its
// runs contiguous in the input and in the OHWI weights; and gather_window, one window copied to a
// contiguous buffer (the im2col row of one output pixel), in the
// order of the layer's OHWI weights, its taps in the padding filled with the input zero point.
// The Cortex-M kernels (arm_dsp.hpp, arm_mve.hpp) read a window that reaches into the padding
// this way with the same dot as a window inside the input: a padding tap contributes
// (zx − zx)·w = 0 where the products are taken as (x − zx)·w (isa::arm_dsp), and zx·w, cancelled
// by the whole window's bias − zx·Σw, where they are taken as x·w (isa::arm_mve).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "onnx2hpp/layers/conv2d.hpp"

namespace onnx2hpp::simd {

/// A conv2d window as segments contiguous in the input and in the weights: a whole kernel row
/// (kernel_w · in_channels_per_group bytes) with one group and no horizontal dilation, else one
/// tap's channels; seg_x: each segment's input offset from the window's first tap.
template <class Layer>
struct window_segments {
  using in = typename Layer::in;
  static constexpr conv2d_attrs A = Layer::attrs;
  static constexpr std::size_t icg = Layer::in_channels_per_group;
  static constexpr std::size_t taps = A.kernel_h * A.kernel_w;
  static constexpr std::size_t per_oc = taps * icg; ///< bytes of a window (and of a filter)
  static constexpr bool row_segments = A.groups == 1 && A.dilation_w == 1;
  static constexpr std::size_t seg_len = row_segments ? A.kernel_w * icg : icg;
  static constexpr std::size_t segs = row_segments ? A.kernel_h : taps;
  static constexpr std::array<std::size_t, segs> seg_x = [] {
    std::array<std::size_t, segs> o{};
    for (std::size_t s = 0; s < segs; ++s) {
      const std::size_t ky = row_segments ? s : s / A.kernel_w;
      const std::size_t kx = row_segments ? 0 : s % A.kernel_w;
      o[s] = (ky * A.dilation_h * in::w + kx * A.dilation_w) * in::c;
    }
    return o;
  }();
};

/// Writes the window of output pixel (oy, ox) of image n, group g, to buf
/// (kernel_h · kernel_w · in_channels_per_group bytes).
template <class Layer>
void gather_window(const std::int8_t *x, std::size_t n, std::size_t g, std::size_t oy,
                   std::size_t ox, std::int8_t zx, std::int8_t *buf) {
  using in = typename Layer::in;
  constexpr conv2d_attrs A = Layer::attrs;
  constexpr std::size_t icg = Layer::in_channels_per_group;
  constexpr std::size_t row_bytes = A.kernel_w * icg;
  // A kernel row inside the input is one contiguous run.
  constexpr bool contiguous_rows = window_segments<Layer>::row_segments;
  const auto ry = Layer::window.rows().inside_taps(oy, in::h);
  const auto rx = Layer::window.cols().inside_taps(ox, in::w);
  const bool x_whole = rx.whole(A.kernel_w);
  for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
    std::int8_t *row = buf + ky * row_bytes;
    if (ky < ry.first || ky >= ry.last) {
      std::memset(row, zx, row_bytes);
      continue;
    }
    const std::size_t iy = oy * A.stride_h + ky * A.dilation_h - A.pad_top;
    if (contiguous_rows && x_whole) {
      std::memcpy(row, x + in::offset(n, iy, ox * A.stride_w - A.pad_left, 0), row_bytes);
      continue;
    }
    for (std::size_t kx = 0; kx < A.kernel_w; ++kx) {
      if (kx < rx.first || kx >= rx.last)
        std::memset(row + kx * icg, zx, icg);
      else
        std::memcpy(
            row + kx * icg,
            x + in::offset(n, iy, ox * A.stride_w + kx * A.dilation_w - A.pad_left, g * icg), icg);
    }
  }
}

} // namespace onnx2hpp::simd
