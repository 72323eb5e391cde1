// simd kernels of conv2d. A packed conv2d runs as
//  * GEMM (groups of any size, not depthwise): implicit im2col when in_channels/groups is a
//    multiple of 4 (each tap row is read where it lies in the input; padding taps read a row of
//    input zero points), otherwise a per-tile im2col panel (first layers with 1–3 channels);
//  * depthwise (groups == in_channels, any channel multiplier): vectorised over channels, one
//    multiply-accumulate per tap in int32 lanes, then the same vector requantization.
// An unpacked conv2d is not specialised here and runs on ref, except under isa::arm_dsp and
// isa::arm_mve (arm_dsp.hpp, arm_mve.hpp), which run the unpacked layer and for which these
// packed kernels are disabled.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/gemm.hpp"
#include "onnx2hpp/backends/simd/pack.hpp"
#include "onnx2hpp/layers/conv2d.hpp"

namespace onnx2hpp {

namespace simd::detail {

/// Splits `pixels` output pixels into at most `parts` chunks of whole row tiles.
constexpr std::size_t chunk_pixels(std::size_t pixels, std::size_t parts, std::size_t tile) {
  const std::size_t per = ceil_div(pixels, parts);
  return round_up(per == 0 ? 1 : per, tile);
}

} // namespace simd::detail

template <class E, class I, shape_type S, conv2d_attrs A>
requires(
    !conv2d<S, A>::depthwise &&
    !simd::direct_isa<I>) struct kernel<backends::basic_simd<E, I>, simd::packed<conv2d<S, A>>> {
  using layer = conv2d<S, A>;
  using in = typename layer::in;
  using geo = simd::gemm_pack_geometry<layer>;
  static constexpr std::size_t icg = geo::icg;
  /// Taps read in place when every tap row is a whole number of 4-byte groups.
  static constexpr bool implicit = icg % 4 == 0;
  static constexpr window2d window = layer::window;
  static constexpr bool padded = window.padded();
  static constexpr std::size_t tap_bytes = implicit ? icg : geo::k4 * 4;
  /// im2col panel rows copied one kernel row at a time (ungrouped, no horizontal dilation).
  static constexpr bool whole_rows = !implicit && A.groups == 1 && A.dilation_w == 1;
  using plan = simd::gemm_plan<I, geo::blocks, geo::ocg, implicit ? geo::taps : 1, tap_bytes>;
  static constexpr std::size_t pixels = layer::out_h * layer::out_w;
  static constexpr std::size_t chunk =
      simd::detail::chunk_pixels(pixels, simd::executor_concurrency<E>(), plan::rows);
  static constexpr std::size_t chunks = simd::ceil_div(pixels, chunk);

  static void run(const simd::packed<layer> &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    const std::uint8_t *weights = l.pack.weights.data();
    const std::int32_t *offsets = l.pack.channel_offset.data();
    E::parallel_for(in::n * A.groups * chunks, [&](std::size_t task) {
      const std::size_t n = task / (A.groups * chunks);
      const std::size_t g = task / chunks % A.groups;
      const std::size_t m_begin = task % chunks * chunk;
      const std::size_t m_end = std::min(pixels, m_begin + chunk);
      const std::int8_t *x_group = x + in::offset(n, 0, 0, g * icg);
      const auto zp = static_cast<std::int8_t>(l.input_zero_point);
      // A padding tap's row: the input zero point (contributes nothing after the correction).
      std::array<std::int8_t, implicit && padded ? icg : 1> zp_row;
      zp_row.fill(zp);
      // im2col panel: one row per tile slot.
      std::array<std::int8_t, implicit ? 1 : plan::rows * tap_bytes> panel;

      auto rows = [&](std::size_t m, std::size_t r, const std::int8_t **taps) {
        const std::size_t oy = m / layer::out_w, ox = m % layer::out_w;
        std::int8_t *row = nullptr;
        if constexpr (!implicit)
          row = panel.data() + r * tap_bytes;
        // One tap: its input row in place, or copied into the panel (padding: zero points).
        auto tap = [&](std::size_t t, const std::int8_t *src) {
          if constexpr (implicit) {
            taps[t] = src != nullptr ? src : zp_row.data();
          } else {
            if (src != nullptr)
              std::memcpy(row + t * icg, src, icg);
            else
              std::memset(row + t * icg, zp, icg);
          }
        };
        auto at = [&](std::ptrdiff_t iy, std::ptrdiff_t ix) {
          return x_group +
                 in::offset(0, static_cast<std::size_t>(iy), static_cast<std::size_t>(ix), 0);
        };
        constexpr window_axis rows_axis = window.rows(), cols_axis = window.cols();
        for (std::size_t ky = 0; ky < A.kernel_h; ++ky) {
          const std::ptrdiff_t iy = rows_axis.tap(oy, ky);
          const bool row_inside = window_axis::inside(iy, in::h);
          if constexpr (whole_rows) { // the kernel row's taps lie next to each other in the input
            const std::ptrdiff_t ix0 = cols_axis.tap(ox, 0);
            if (row_inside && ix0 >= 0 &&
                ix0 + static_cast<std::ptrdiff_t>(A.kernel_w) <=
                    static_cast<std::ptrdiff_t>(in::w)) {
              std::memcpy(row + ky * A.kernel_w * icg, at(iy, ix0), A.kernel_w * icg);
              continue;
            }
          }
          for (std::size_t kx = 0; kx < A.kernel_w; ++kx) {
            const std::ptrdiff_t ix = cols_axis.tap(ox, kx);
            tap(ky * A.kernel_w + kx,
                row_inside && window_axis::inside(ix, in::w) ? at(iy, ix) : nullptr);
          }
        }
        if constexpr (!implicit) {
          std::memset(row + geo::k, 0, tap_bytes - geo::k); // k padding reads zero
          taps[0] = row;
        }
      };
      auto out_row = [&](std::size_t m) {
        return out + (n * pixels + m) * A.out_channels + g * geo::ocg;
      };
      simd::gemm_group<I, plan>(l.output, g * geo::ocg, l.weight_zero_point,
                                weights + g * geo::group_bytes, offsets + g * geo::group_channels,
                                m_begin, m_end, rows, out_row);
    });
  }
};

} // namespace onnx2hpp
