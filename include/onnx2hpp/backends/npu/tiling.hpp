// Tiling: how a layer whose working set exceeds the on-chip memory is split into calls (rows,
// units or elements, and output channels for convolutions whose weights do not fit), the
// descriptor of each call, and the cycles of the whole layer (cost_model.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/cost_model.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/operation_check.hpp"
#include "onnx2hpp/backends/npu/reason.hpp"

namespace onnx2hpp::npu {

// --- tiling --------------------------------------------------------------------------------------

/// How a layer is split into calls: `tiles` along its tiled axis (rows, units, elements) of
/// `tile` each, times `channel_tiles` blocks of `channel_tile` output channels (convolutions
/// whose weights do not fit; 1 block otherwise); the last tile of each may be shorter. Or the
/// reason it cannot run.
struct tiling {
  reason why = reason::none;
  std::size_t tile = 0;
  std::size_t tiles = 0;
  std::size_t channel_tile = 0;
  std::size_t channel_tiles = 1;

  constexpr std::size_t calls() const { return tiles * channel_tiles; }
};

/// Output channels a convolution may be split along (0 for the other descriptors).
template <class Descriptor>
constexpr std::size_t channel_extent(const Descriptor &d) {
  if constexpr (std::is_same_v<Descriptor, conv_descriptor>)
    return d.conv_output.c;
  else
    return 0;
}

/// The descriptor of call `index` under `t`: row (unit, element) tile index % t.tiles of channel
/// block index / t.tiles.
template <class Descriptor>
constexpr Descriptor with_tile(Descriptor d, const tiling &t, std::size_t index) {
  const std::size_t extent = tiled_extent(d);
  const std::size_t begin = (index % t.tiles) * t.tile;
  tile_of(d) = {begin, t.tile < extent - begin ? t.tile : extent - begin};
  if constexpr (std::is_same_v<Descriptor, conv_descriptor>) {
    const std::size_t channels = channel_extent(d);
    const std::size_t first = (index / t.tiles) * t.channel_tile;
    d.channels = {first, t.channel_tile < channels - first ? t.channel_tile : channels - first};
  }
  return d;
}

namespace detail {
/// Whether every call of a tiling with `count` rows (units, elements) and `channels` output
/// channels per call fits on chip. Only the halo rows of convolution and pooling tiles depend on
/// the tile's position: their largest bands are found with small scalar loops, and one cost is
/// evaluated for the first tile with those bands (an upper bound over the tiles, reached by any
/// tile not clipped at the tensor's edges). Other costs depend on the tile's size only.
template <class Descriptor>
constexpr bool tiles_fit(const Descriptor &d, std::size_t count, std::size_t channels,
                         const capabilities &caps) {
  const std::size_t extent = tiled_extent(d);
  Descriptor worst = d;
  tile_of(worst) = {0, count < extent ? count : extent};
  if constexpr (std::is_same_v<Descriptor, conv_descriptor>) {
    worst.channels = {0, channels < d.conv_output.c ? channels : d.conv_output.c};
    conv_rows largest;
    for (std::size_t begin = 0; begin < extent; begin += count) {
      const tile_range rows{begin, count < extent - begin ? count : extent - begin};
      const conv_rows r =
          conv_rows_of(rows, d.fused_pool, d.pool, d.conv_output.h, d.window, d.input.h);
      if (r.conv.size() > largest.conv.size())
        largest.conv = {0, r.conv.size()};
      if (r.input.size() > largest.input.size())
        largest.input = {0, r.input.size()};
    }
    return conv_cost(worst, largest).on_chip_bytes <= caps.on_chip_bytes;
  } else if constexpr (std::is_same_v<Descriptor, pool_descriptor>) {
    row_span largest;
    for (std::size_t begin = 0; begin < extent && d.kind != pool_kind::global_average;
         begin += count) {
      const tile_range rows{begin, count < extent - begin ? count : extent - begin};
      const row_span in = source_rows(rows, d.input.h, d.window.kernel_h, d.window.stride_h,
                                      d.window.dilation_h, d.window.pad_top);
      if (in.size() > largest.size())
        largest = {0, in.size()};
    }
    if (d.kind == pool_kind::global_average)
      largest = {0, d.input.h};
    return pool_cost(worst, largest).on_chip_bytes <= caps.on_chip_bytes;
  } else {
    return cost_of(worst).on_chip_bytes <= caps.on_chip_bytes;
  }
}

/// The largest k in [1, max] with fits(k), given fits(1) and fits is monotonic; by bisection.
template <class Fits>
constexpr std::size_t largest_fitting(std::size_t max, Fits fits) {
  if (fits(max))
    return max;
  std::size_t lo = 1, hi = max; // fits(lo) holds, fits(hi) does not
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    (fits(mid) ? lo : hi) = mid;
  }
  return lo;
}
} // namespace detail

/// The tiling with the fewest calls this search finds: the whole layer in one call if it fits;
/// otherwise (with `tiling` on) the largest row/unit/element tile with all output channels; and
/// when not even one row fits a convolution without groups, the largest block of output
/// channels (a multiple of the channel alignment) with which one row fits, then the largest row
/// tile for it. exceeds_on_chip_buffer when none fits or tiling is off.
template <class Descriptor>
constexpr tiling plan_tiles(const Descriptor &d, const capabilities &caps) {
  const std::size_t extent = tiled_extent(d), channel_n = channel_extent(d);
  if (extent == 0)
    return {reason::invalid_descriptor};
  if (detail::tiles_fit(d, extent, channel_n, caps))
    return {reason::none, extent, 1, channel_n, 1};
  if (!caps.tiling)
    return {reason::exceeds_on_chip_buffer};
  std::size_t channels = channel_n;
  if (!detail::tiles_fit(d, 1, channels, caps)) {
    bool splittable = false;
    if constexpr (std::is_same_v<Descriptor, conv_descriptor>)
      splittable = d.groups == 1;
    const std::size_t unit = caps.channel_alignment > 1 ? caps.channel_alignment : 1;
    if (!splittable || channel_n < unit || !detail::tiles_fit(d, 1, unit, caps))
      return {reason::exceeds_on_chip_buffer};
    channels = unit * detail::largest_fitting(channel_n / unit, [&](std::size_t blocks) {
                 return detail::tiles_fit(d, 1, blocks * unit, caps);
               });
  }
  const std::size_t rows = detail::largest_fitting(
      extent, [&](std::size_t count) { return detail::tiles_fit(d, count, channels, caps); });
  return {reason::none, rows, (extent + rows - 1) / rows, channels,
          channel_n == 0 ? 1 : (channel_n + channels - 1) / channels};
}

/// Operation check, then tiling: reason::none and the tiling when the layer can run.
template <class Descriptor>
constexpr tiling decide(const Descriptor &d, const capabilities &caps) {
  if (const reason r = check_operation(d, caps); r != reason::none)
    return {r, 0, 0};
  return plan_tiles(d, caps);
}

/// Cycles of the whole layer under tiling `t` (sum over its calls).
template <class Descriptor>
constexpr std::uint64_t layer_cycles(const Descriptor &d, const tiling &t,
                                     const capabilities &caps) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < t.calls(); ++i)
    total += cycles_of(cost_of(with_tile(d, t, i)), caps);
  return total;
}

} // namespace onnx2hpp::npu
