// slice: ONNX Slice with constant starts/ends/axes/steps, any axis of any rank up to 6 (a 4-D
// activation is NHWC: the channel axis is 3).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// One sliced axis, with ONNX's meaning: `axis` may be negative (counted from the end); `start`
/// and `end` may be negative (counted from the end of the axis) and out of range (clamped to
/// [0, dim] for a positive step, to [0, dim − 1] and [−1, dim − 1] for a negative one); `step`
/// is not 0. The output takes elements start, start + step, ... while before `end`.
struct slice_range {
  std::int64_t axis = 0;
  std::int64_t start = 0;
  std::int64_t end = std::numeric_limits<std::int64_t>::max();
  std::int64_t step = 1;
};

namespace detail {
template <shape_type InShape, slice_range... Ranges>
struct slice_geometry {
  static constexpr std::size_t rank = InShape::rank;
  static constexpr std::array<slice_range, sizeof...(Ranges)> ranges{Ranges...};

  /// Each axis in [−rank, rank), named at most once, with a step other than 0.
  static constexpr bool valid = [] {
    std::array<bool, 6> seen{};
    for (const slice_range &r : ranges) {
      const std::int64_t a = r.axis < 0 ? r.axis + std::int64_t(rank) : r.axis;
      if (a < 0 || a >= std::int64_t(rank) || seen[std::size_t(a)] || r.step == 0)
        return false;
      seen[std::size_t(a)] = true;
    }
    return true;
  }();

  struct axis_window {
    std::int64_t start = 0; ///< first input index (normalized, clamped)
    std::int64_t step = 1;
    std::size_t count = 0; ///< output extent
  };

  static constexpr std::int64_t clamp(std::int64_t v, std::int64_t lo, std::int64_t hi) {
    return v < lo ? lo : v > hi ? hi : v;
  }

  /// ONNX Slice's normalization of one axis of extent `dim`.
  static constexpr axis_window window(const slice_range &r, std::int64_t dim) {
    std::int64_t s = r.start < 0 ? r.start + dim : r.start;
    std::int64_t e = r.end < 0 ? r.end + dim : r.end;
    axis_window w{0, r.step, 0};
    if (r.step > 0) {
      s = clamp(s, 0, dim);
      e = clamp(e, 0, dim);
      w.count = e > s ? std::size_t((e - s + r.step - 1) / r.step) : 0;
    } else {
      s = clamp(s, 0, dim - 1);
      e = clamp(e, -1, dim - 1);
      w.count = s > e ? std::size_t((s - e - r.step - 1) / -r.step) : 0;
    }
    w.start = s;
    return w;
  }

  /// One window per axis; axes not named take all of it.
  static constexpr std::array<axis_window, rank> windows = [] {
    std::array<axis_window, rank> w{};
    for (std::size_t d = 0; d < rank; ++d)
      w[d] = {0, 1, InShape::dims[d]};
    if (valid)
      for (const slice_range &r : ranges) {
        const std::size_t a = std::size_t(r.axis < 0 ? r.axis + std::int64_t(rank) : r.axis);
        w[a] = window(r, std::int64_t(InShape::dims[a]));
      }
    return w;
  }();

  static constexpr bool empty = [] {
    for (const axis_window &w : windows)
      if (w.count == 0)
        return true;
    return false;
  }();

  template <std::size_t... I>
  static auto make(std::index_sequence<I...>) -> shape<windows[I].count...>;
  using type = decltype(make(std::make_index_sequence<rank>{}));
};
} // namespace detail

/// out[i_0, ..., i_{r−1}] = in[start_0 + i_0·step_0, ..., start_{r−1} + i_{r−1}·step_{r−1}], with
/// start/step of each axis normalized from `Ranges` as ONNX Slice does (see slice_range).
///
/// The copy is a set of contiguous runs: trailing axes taken whole, and the last axis that is
/// not whole if its step is 1, form one run of `run_length` elements; the axes in front of it
/// (the first `outer_rank`) are walked. A channel split of an NHWC tensor copies one run of
/// channels per pixel.
template <shape_type InShape, slice_range... Ranges>
struct slice {
  using geometry = detail::slice_geometry<InShape, Ranges...>;
  static_assert(InShape::rank >= 1 && InShape::rank <= 6, "slice: rank must be in [1, 6]");
  static_assert(geometry::valid, "slice: each axis must be in [-rank, rank), named at most once, "
                                 "with a step other than 0");
  static_assert(!geometry::empty, "slice: the output would be empty");

  using input_shapes = type_list<InShape>;
  using output_shape = typename geometry::type;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0;

  static constexpr std::size_t rank = InShape::rank;
  /// Per axis: first input index, step, output extent.
  static constexpr auto windows = geometry::windows;

  /// Index of the last axis that is not taken whole (rank when the slice is a plain copy).
  static constexpr std::size_t last_cut = [] {
    for (std::size_t d = rank; d-- > 0;)
      if (windows[d].start != 0 || windows[d].step != 1 || windows[d].count != InShape::dims[d])
        return d;
    return rank;
  }();
  /// Axes walked one index at a time; the rest is one contiguous run per position.
  static constexpr std::size_t outer_rank = last_cut == rank              ? 0
                                            : windows[last_cut].step == 1 ? last_cut
                                                                          : last_cut + 1;
  static constexpr std::size_t run_length = [] {
    if (last_cut == rank)
      return InShape::size;
    std::size_t n = InShape::stride(last_cut);
    return windows[last_cut].step == 1 ? n * windows[last_cut].count : n;
  }();
  /// Input offset of the first run.
  static constexpr std::size_t first_offset = [] {
    std::size_t o = 0;
    for (std::size_t d = 0; d < rank; ++d)
      o += std::size_t(windows[d].start) * InShape::stride(d);
    return o;
  }();
  /// Input offset step (signed) of each walked axis.
  static constexpr std::array<std::int64_t, rank> in_steps = [] {
    std::array<std::int64_t, rank> s{};
    for (std::size_t d = 0; d < rank; ++d)
      s[d] = windows[d].step * std::int64_t(InShape::stride(d));
    return s;
  }();
  static constexpr std::size_t runs = output_shape::size / run_length;
};

} // namespace onnx2hpp
