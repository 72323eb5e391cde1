// Sliding-window geometry, the one home of what convolution and pooling share: kernel, stride,
// dilation and pads split per side (`window2d`, one `window_axis` per spatial axis), the output
// extent (floor or ceil mode, as ONNX defines it) and the taps of an output pixel.
//
// Tap k of output o along an axis reads input coordinate
//   i = o·stride + k·dilation − pad_before
// which is negative in the leading padding and >= the input extent in the trailing padding (or,
// in ceil mode, beyond it). Kernels keep only their arithmetic: they ask the window for the taps.
#pragma once

#include <cstddef>

namespace onnx2hpp {

/// A sliding window along one axis.
struct window_axis {
  std::size_t kernel = 1;
  std::size_t stride = 1;
  std::size_t dilation = 1;
  std::size_t pad_before = 0;
  std::size_t pad_after = 0;

  /// Input extent one window covers: dilation·(kernel − 1) + 1.
  constexpr std::size_t span() const { return dilation * (kernel - 1) + 1; }

  /// Whether the (dilated) window fits into the padded input: a precondition of output_extent.
  constexpr bool fits(std::size_t in) const { return in + pad_before + pad_after >= span(); }

  /// Output extent over an input of extent `in`, as ONNX (and PyTorch) define it. With
  /// padded = in + pad_before + pad_after:
  ///   floor mode: (padded − span) / stride + 1
  ///   ceil mode:  ceil((padded − span) / stride) + 1, minus one if the last window would start at
  ///               or beyond in + pad_before, i.e. entirely inside the trailing padding (every
  ///               window must start inside the input or the leading padding).
  /// Precondition: fits(in), stride >= 1.
  constexpr std::size_t output_extent(std::size_t in, bool ceil_mode = false) const {
    const std::size_t room = in + pad_before + pad_after - span();
    if (!ceil_mode)
      return room / stride + 1;
    std::size_t out = (room + stride - 1) / stride + 1;
    if ((out - 1) * stride >= in + pad_before)
      --out;
    return out;
  }

  /// Input coordinate of tap k of output o (negative inside the leading padding).
  constexpr std::ptrdiff_t tap(std::size_t o, std::size_t k) const {
    return static_cast<std::ptrdiff_t>(o * stride + k * dilation) -
           static_cast<std::ptrdiff_t>(pad_before);
  }

  /// Whether input coordinate i lies inside an input of extent `in`.
  static constexpr bool inside(std::ptrdiff_t i, std::size_t in) {
    return i >= 0 && i < static_cast<std::ptrdiff_t>(in);
  }

  /// The taps of output o: how many lie inside the input [0, in) and how many inside the padded
  /// extent [−pad_before, in + pad_after) (ceil mode's overhanging last window has fewer).
  struct tap_count {
    std::size_t in_input = 0;
    std::size_t in_padded = 0;
  };
  constexpr tap_count count_taps(std::size_t o, std::size_t in) const {
    tap_count t;
    for (std::size_t k = 0; k < kernel; ++k) {
      const std::ptrdiff_t i = tap(o, k);
      if (i < static_cast<std::ptrdiff_t>(in + pad_after))
        ++t.in_padded; // i >= −pad_before always holds
      if (inside(i, in))
        ++t.in_input;
    }
    return t;
  }

  /// The taps [first, last) of output o that lie inside an input of extent `in` (they are
  /// contiguous; first == last when the whole window lies in the padding).
  struct tap_range {
    std::size_t first = 0;
    std::size_t last = 0;
    constexpr bool whole(std::size_t kernel_size) const {
      return first == 0 && last == kernel_size;
    }
  };
  constexpr tap_range inside_taps(std::size_t o, std::size_t in) const {
    // Tap k reads origin + k·dilation: inside when ceil(−origin/d) <= k < ceil((in − origin)/d).
    const std::ptrdiff_t origin = tap(o, 0);
    const auto d = static_cast<std::ptrdiff_t>(dilation);
    const auto k = static_cast<std::ptrdiff_t>(kernel);
    std::ptrdiff_t first = origin < 0 ? (-origin + d - 1) / d : 0;
    std::ptrdiff_t last = static_cast<std::ptrdiff_t>(in) > origin
                              ? (static_cast<std::ptrdiff_t>(in) - origin + d - 1) / d
                              : 0;
    last = last < k ? last : k;
    first = first < last ? first : last;
    return {static_cast<std::size_t>(first), static_cast<std::size_t>(last)};
  }

  friend constexpr bool operator==(const window_axis &, const window_axis &) = default;
};

/// A 2-D sliding window (convolution kernel or pooling window), pads split per side. The fields
/// are those of conv2d_attrs and pool2d_attrs, in the same order.
struct window2d {
  std::size_t kernel_h = 1, kernel_w = 1;
  std::size_t stride_h = 1, stride_w = 1;
  std::size_t dilation_h = 1, dilation_w = 1;
  std::size_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;

  constexpr window_axis rows() const {
    return {kernel_h, stride_h, dilation_h, pad_top, pad_bottom};
  }
  constexpr window_axis cols() const {
    return {kernel_w, stride_w, dilation_w, pad_left, pad_right};
  }

  constexpr std::size_t taps() const { return kernel_h * kernel_w; }
  constexpr bool padded() const { return pad_top + pad_left + pad_bottom + pad_right > 0; }
  /// Kernel, stride and dilation are positive.
  constexpr bool valid() const {
    return kernel_h >= 1 && kernel_w >= 1 && stride_h >= 1 && stride_w >= 1 && dilation_h >= 1 &&
           dilation_w >= 1;
  }
  /// The window fits into the padded h × w input.
  constexpr bool fits(std::size_t h, std::size_t w) const {
    return rows().fits(h) && cols().fits(w);
  }

  /// Taps of output (oy, ox) over an h × w input inside the input, or with `padded_extent`
  /// inside the padded extent (window_axis::count_taps): the divisor of an average pool.
  constexpr std::size_t count_taps(std::size_t oy, std::size_t ox, std::size_t h, std::size_t w,
                                   bool padded_extent = false) const {
    const window_axis::tap_count r = rows().count_taps(oy, h), c = cols().count_taps(ox, w);
    return padded_extent ? r.in_padded * c.in_padded : r.in_input * c.in_input;
  }

  friend constexpr bool operator==(const window2d &, const window2d &) = default;
};

/// One tap of an output pixel: kernel position, input coordinates and whether they lie inside
/// the input (otherwise the tap is in the padding).
struct window_tap {
  std::size_t ky, kx;
  std::ptrdiff_t iy, ix;
  bool inside;
  /// Row-major tap index ky·kernel_w + kx.
  std::size_t index;
};

/// Calls f(window_tap) for every tap of output (oy, ox) over an in_h × in_w input, row by row,
/// padding taps included (`inside` false).
template <class F>
constexpr void for_each_tap(const window2d &w, std::size_t in_h, std::size_t in_w, std::size_t oy,
                            std::size_t ox, F &&f) {
  const window_axis r = w.rows(), c = w.cols();
  for (std::size_t ky = 0; ky < w.kernel_h; ++ky) {
    const std::ptrdiff_t iy = r.tap(oy, ky);
    const bool row_inside = window_axis::inside(iy, in_h);
    for (std::size_t kx = 0; kx < w.kernel_w; ++kx) {
      const std::ptrdiff_t ix = c.tap(ox, kx);
      f(window_tap{ky, kx, iy, ix, row_inside && window_axis::inside(ix, in_w),
                   ky * w.kernel_w + kx});
    }
  }
}

/// Calls f(ky, kx, iy, ix) for the taps of output (oy, ox) that lie inside the in_h × in_w input
/// (padding taps skipped; iy, ix as std::size_t), row by row.
template <class F>
constexpr void for_each_tap_inside(const window2d &w, std::size_t in_h, std::size_t in_w,
                                   std::size_t oy, std::size_t ox, F &&f) {
  const window_axis r = w.rows(), c = w.cols();
  for (std::size_t ky = 0; ky < w.kernel_h; ++ky) {
    const std::ptrdiff_t iy = r.tap(oy, ky);
    if (!window_axis::inside(iy, in_h))
      continue;
    for (std::size_t kx = 0; kx < w.kernel_w; ++kx) {
      const std::ptrdiff_t ix = c.tap(ox, kx);
      if (!window_axis::inside(ix, in_w))
        continue;
      f(ky, kx, static_cast<std::size_t>(iy), static_cast<std::size_t>(ix));
    }
  }
}

/// Output extent of a pooling window along one axis (window_axis::output_extent), with the
/// arguments spelled out; the generator checks ONNX shapes with it.
constexpr std::size_t pool_output_extent(std::size_t in, std::size_t pad_before,
                                         std::size_t pad_after, std::size_t kernel,
                                         std::size_t stride, std::size_t dilation, bool ceil_mode) {
  return window_axis{kernel, stride, dilation, pad_before, pad_after}.output_extent(in, ceil_mode);
}

} // namespace onnx2hpp
