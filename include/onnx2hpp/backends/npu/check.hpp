// Capability checks, tiling and the cost model, as constexpr functions over descriptors.
//
// One set of functions serves three users: the compile-time plan (plan.hpp) checks the descriptor
// a layer spec yields; the simulator checks every descriptor it is handed at run time with the
// same function and rejects with the same reason code; the generator can fill a descriptor from
// its IR and ask the same question for its report.
//
// Memory model. A call moves its input rows (or elements), its weights and its per-channel tables
// (bias, multiplier, shift: 12 bytes per output channel) into on-chip memory, computes, and moves
// its output back; a fused max pool keeps the convolution rows it pools on chip. The working set
// of a call is the sum of those buffers and must not exceed `on_chip_bytes`. A layer whose
// working set is larger is split along one axis (output rows of a convolution or pooling, units
// of a fully connected layer, output elements of an element-wise op) into tiles, one call each,
// when `tiling` is set; every tile reloads the weights. A convolution whose weights are too large
// for even one row is split by output channels as well.
//
// Cycle model of one call (no overlap between transfers and compute):
//   cycles = cycles_per_call + ceil(dma_bytes / dma_bytes_per_cycle)
//          + ceil(macs / macs_per_cycle) + ceil(vector_ops / vector_ops_per_cycle)
// with dma_bytes the bytes moved in and out, macs the multiply-accumulates of convolution and
// fully connected layers (a fused pool's overlapping windows recompute their shared rows),
// vector_ops the pooling window taps and element-wise outputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/reason.hpp"
#include "onnx2hpp/layers/conv2d.hpp"
#include "onnx2hpp/layers/pooling.hpp"

namespace onnx2hpp::npu {

/// Bytes of bias, multiplier and shift per output channel held on chip.
inline constexpr std::size_t per_channel_table_bytes = 12;

/// A half-open range of rows [begin, end).
struct row_span {
  std::size_t begin = 0;
  std::size_t end = 0;
  constexpr std::size_t size() const { return end - begin; }
  friend constexpr bool operator==(const row_span &, const row_span &) = default;
};

/// The input rows (clipped to [0, in_extent)) that output rows [out.begin, out.begin + count) of a
/// window read: from out.begin·stride − pad to (last)·stride − pad + dilation·(kernel − 1).
constexpr row_span source_rows(tile_range out, std::size_t in_extent, std::size_t kernel,
                               std::size_t stride, std::size_t dilation, std::size_t pad_before) {
  if (out.count == 0)
    return {};
  const auto first =
      static_cast<std::ptrdiff_t>(out.begin * stride) - static_cast<std::ptrdiff_t>(pad_before);
  const auto last =
      static_cast<std::ptrdiff_t>((out.begin + out.count - 1) * stride + dilation * (kernel - 1)) -
      static_cast<std::ptrdiff_t>(pad_before);
  const auto extent = static_cast<std::ptrdiff_t>(in_extent);
  const std::ptrdiff_t lo = first < 0 ? 0 : (first > extent ? extent : first);
  const std::ptrdiff_t hi = last + 1 < lo ? lo : (last + 1 > extent ? extent : last + 1);
  return {static_cast<std::size_t>(lo), static_cast<std::size_t>(hi)};
}

/// The convolution-output rows and input rows one conv call reads.
struct conv_rows {
  row_span conv;  ///< rows of conv_output computed (== the call's rows unless a pool is fused)
  row_span input; ///< rows of the input read
};

/// The rows a conv call with output rows `rows` reads (all arguments small, for planning loops).
constexpr conv_rows conv_rows_of(tile_range rows, bool fused_pool, const window2d &pool,
                                 std::size_t conv_h, const window2d &window, std::size_t in_h) {
  conv_rows r;
  r.conv = fused_pool ? source_rows(rows, conv_h, pool.kernel_h, pool.stride_h, pool.dilation_h,
                                    pool.pad_top)
                      : row_span{rows.begin, rows.begin + rows.count};
  r.input = source_rows({r.conv.begin, r.conv.size()}, in_h, window.kernel_h, window.stride_h,
                        window.dilation_h, window.pad_top);
  return r;
}

constexpr conv_rows conv_tile_rows(const conv_descriptor &d) {
  return conv_rows_of(d.rows, d.fused_pool, d.pool, d.conv_output.h, d.window, d.input.h);
}

constexpr row_span pool_tile_rows(const pool_descriptor &d) {
  if (d.kind == pool_kind::global_average)
    return {0, d.input.h};
  return source_rows(d.rows, d.input.h, d.window.kernel_h, d.window.stride_h, d.window.dilation_h,
                     d.window.pad_top);
}

// --- the axis a layer is tiled on ----------------------------------------------------------------

constexpr std::size_t tiled_extent(const conv_descriptor &d) {
  return d.out.h;
}
constexpr std::size_t tiled_extent(const fc_descriptor &d) {
  return d.units;
}
constexpr std::size_t tiled_extent(const pool_descriptor &d) {
  return d.output.h;
}
constexpr std::size_t tiled_extent(const elementwise_descriptor &d) {
  return d.out_size();
}

constexpr tile_range &tile_of(conv_descriptor &d) {
  return d.rows;
}
constexpr tile_range &tile_of(fc_descriptor &d) {
  return d.units_tile;
}
constexpr tile_range &tile_of(pool_descriptor &d) {
  return d.rows;
}
constexpr tile_range &tile_of(elementwise_descriptor &d) {
  return d.elements;
}
constexpr const tile_range &tile_of(const conv_descriptor &d) {
  return d.rows;
}
constexpr const tile_range &tile_of(const fc_descriptor &d) {
  return d.units_tile;
}
constexpr const tile_range &tile_of(const pool_descriptor &d) {
  return d.rows;
}
constexpr const tile_range &tile_of(const elementwise_descriptor &d) {
  return d.elements;
}

// --- cost of one call: on-chip working set, transfers, arithmetic --------------------------------

/// What one call (one tile) moves and computes.
struct call_cost {
  std::size_t on_chip_bytes = 0; ///< working set
  std::uint64_t dma_bytes = 0;   ///< bytes moved between memory and on-chip
  std::uint64_t macs = 0;
  std::uint64_t vector_ops = 0;
};

/// The cost of a conv call that reads the rows `r` (conv_tile_rows(d), or an upper bound).
constexpr call_cost conv_cost(const conv_descriptor &d, const conv_rows &r) {
  const std::size_t n = d.input.n, channels = d.channels.count;
  const std::size_t in_bytes = n * r.input.size() * d.input.row_bytes();
  const std::size_t conv_bytes = d.fused_pool ? n * r.conv.size() * d.conv_output.w * channels : 0;
  const std::size_t out_bytes = n * d.rows.count * d.out.w * channels;
  const std::size_t table_bytes = per_channel_table_bytes * channels;
  call_cost c;
  c.on_chip_bytes = in_bytes + d.weight_bytes() + table_bytes + conv_bytes + out_bytes;
  c.dma_bytes = in_bytes + d.weight_bytes() + table_bytes + out_bytes;
  c.macs = std::uint64_t{n} * r.conv.size() * d.conv_output.w * channels * d.filter_bytes();
  if (d.fused_pool)
    c.vector_ops =
        std::uint64_t{n} * d.rows.count * d.out.w * channels * d.pool.kernel_h * d.pool.kernel_w;
  return c;
}

constexpr call_cost cost_of(const conv_descriptor &d) {
  return conv_cost(d, conv_tile_rows(d));
}

constexpr call_cost cost_of(const fc_descriptor &d) {
  const std::size_t units = d.units_tile.count;
  call_cost c;
  c.on_chip_bytes =
      d.rows * d.depth + units * d.depth + per_channel_table_bytes * units + d.rows * units;
  c.dma_bytes = c.on_chip_bytes;
  c.macs = std::uint64_t{d.rows} * d.depth * units;
  return c;
}

/// The cost of a pool call that reads the input rows `in` (pool_tile_rows(d), or an upper bound).
constexpr call_cost pool_cost(const pool_descriptor &d, const row_span &in) {
  const std::size_t n = d.input.n;
  call_cost c;
  c.on_chip_bytes = n * in.size() * d.input.row_bytes() + n * d.rows.count * d.output.row_bytes();
  c.dma_bytes = c.on_chip_bytes;
  c.vector_ops = d.kind == pool_kind::global_average
                     ? std::uint64_t{n} * d.input.h * d.input.w * d.input.c
                     : std::uint64_t{n} * d.rows.count * d.output.w * d.output.c *
                           d.window.kernel_h * d.window.kernel_w;
  return c;
}

constexpr call_cost cost_of(const pool_descriptor &d) {
  return pool_cost(d, pool_tile_rows(d));
}

constexpr call_cost cost_of(const elementwise_descriptor &d) {
  const std::size_t count = d.elements.count;
  const bool unary = d.op == elementwise_op::activation;
  // A broadcast operand is loaded whole, a full-size one tile by tile.
  const std::size_t a_bytes = d.a_size() == d.out_size() ? count : d.a_size();
  const std::size_t b_bytes = unary ? 0 : (d.b_size() == d.out_size() ? count : d.b_size());
  call_cost c;
  c.on_chip_bytes = a_bytes + b_bytes + count;
  c.dma_bytes = c.on_chip_bytes;
  c.vector_ops = count;
  return c;
}

namespace detail {
constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0 : (a + b - 1) / b;
}
} // namespace detail

/// Cycles of one call under the model at the top of this file.
constexpr std::uint64_t cycles_of(const call_cost &c, const capabilities &caps) {
  return caps.cycles_per_call + detail::ceil_div(c.dma_bytes, caps.dma_bytes_per_cycle) +
         detail::ceil_div(c.macs, caps.macs_per_cycle) +
         detail::ceil_div(c.vector_ops, caps.vector_ops_per_cycle);
}

// --- capability checks ---------------------------------------------------------------------------

namespace detail {

constexpr bool aligned(std::size_t channels, std::size_t alignment) {
  return alignment <= 1 || channels % alignment == 0;
}

constexpr std::size_t largest_pad(const window2d &w) {
  std::size_t m = w.pad_top;
  for (std::size_t p : {w.pad_left, w.pad_bottom, w.pad_right})
    m = p > m ? p : m;
  return m;
}

constexpr bool tile_inside(tile_range t, std::size_t extent) {
  return t.count >= 1 && t.begin <= extent && t.count <= extent - t.begin;
}

/// Checks a max pool window (standalone, or fused into a convolution) against the pool limits.
constexpr reason check_pool_window(const window2d &w, bool ceil_mode, const capabilities &caps) {
  if (!caps.pool_kernel.contains(w.kernel_h) || !caps.pool_kernel.contains(w.kernel_w))
    return reason::kernel_size;
  if (!caps.pool_stride.contains(w.stride_h) || !caps.pool_stride.contains(w.stride_w))
    return reason::stride;
  if (w.dilation_h != 1 || w.dilation_w != 1)
    return reason::dilation;
  if (largest_pad(w) > caps.pool_max_padding)
    return reason::padding;
  if (ceil_mode && !caps.pool_ceil_mode)
    return reason::ceil_mode;
  return reason::none;
}

/// Whether a window over `in` with floor-mode extents yields `out` (descriptor consistency).
constexpr bool window_yields(const window2d &w, const feature_map &in, const feature_map &out) {
  if (!w.valid() || !w.fits(in.h, in.w))
    return false;
  return out.n == in.n && out.h == w.rows().output_extent(in.h) &&
         out.w == w.cols().output_extent(in.w);
}

constexpr bool has_table(const output_stage &o, bool fused, const clamp_table &a) {
  return o.lut != nullptr || (fused && a.lut != nullptr);
}

} // namespace detail

/// Whether the NPU can perform the operation a descriptor asks for, tile and memory aside.
constexpr reason check_operation(const conv_descriptor &d, const capabilities &caps) {
  const std::size_t groups = d.groups;
  if (groups == 0 || d.input.c % groups != 0 || d.conv_output.c % groups != 0 ||
      !detail::window_yields(d.window, d.input, d.conv_output) || d.out.c != d.conv_output.c ||
      d.out.n != d.conv_output.n)
    return reason::invalid_descriptor;
  if (d.fused_pool) {
    feature_map pooled = d.conv_output;
    pooled.h = d.out.h;
    pooled.w = d.out.w;
    if (!detail::window_yields(d.pool, d.conv_output, pooled))
      return reason::invalid_descriptor;
  } else if (!(d.out == d.conv_output)) {
    return reason::invalid_descriptor;
  }
  if (d.input.n > caps.max_batch)
    return reason::batch;
  const window2d &w = d.window;
  if (!caps.conv_kernel.contains(w.kernel_h) || !caps.conv_kernel.contains(w.kernel_w))
    return reason::kernel_size;
  if (!caps.conv_stride.contains(w.stride_h) || !caps.conv_stride.contains(w.stride_w))
    return reason::stride;
  if ((w.dilation_h != 1 || w.dilation_w != 1) && !caps.conv_dilation)
    return reason::dilation;
  const bool depthwise = groups > 1 && groups == d.input.c;
  if (depthwise && !caps.conv_depthwise)
    return reason::depthwise;
  if (groups > 1 && !depthwise && !caps.conv_grouped)
    return reason::grouped;
  if (detail::largest_pad(w) > caps.conv_max_padding)
    return reason::padding;
  const bool channels_aligned =
      depthwise ? detail::aligned(d.input.c, caps.channel_alignment) &&
                      detail::aligned(d.conv_output.c, caps.channel_alignment)
                : detail::aligned(d.in_channels_per_group(), caps.channel_alignment) &&
                      detail::aligned(d.conv_output.c / groups, caps.channel_alignment);
  if (!channels_aligned)
    return reason::channel_alignment;
  if (!caps.lut_activation && detail::has_table(d.output, d.fused_activation, d.activation))
    return reason::lut_activation;
  if ((d.fused_activation && !caps.fuse_activation) || (d.fused_pool && !caps.fuse_max_pool))
    return reason::disabled_operation;
  if (d.fused_pool)
    return detail::check_pool_window(d.pool, false, caps);
  return reason::none;
}

constexpr reason check_operation(const fc_descriptor &d, const capabilities &caps) {
  if (d.rows == 0 || d.depth == 0 || d.units == 0)
    return reason::invalid_descriptor;
  if (!caps.fully_connected)
    return reason::disabled_operation;
  if (!detail::aligned(d.depth, caps.channel_alignment) ||
      !detail::aligned(d.units, caps.channel_alignment))
    return reason::channel_alignment;
  if (!caps.lut_activation && detail::has_table(d.output, d.fused_activation, d.activation))
    return reason::lut_activation;
  if (d.fused_activation && !caps.fuse_activation)
    return reason::disabled_operation;
  return reason::none;
}

constexpr reason check_operation(const pool_descriptor &d, const capabilities &caps) {
  if (d.input.n != d.output.n || d.input.c != d.output.c)
    return reason::invalid_descriptor;
  if (d.kind == pool_kind::global_average) {
    if (d.output.h != 1 || d.output.w != 1)
      return reason::invalid_descriptor;
  } else if (!d.window.valid() ||
             d.output.h != d.window.rows().output_extent(d.input.h, d.ceil_mode) ||
             d.output.w != d.window.cols().output_extent(d.input.w, d.ceil_mode)) {
    return reason::invalid_descriptor;
  }
  const bool enabled = d.kind == pool_kind::max       ? caps.max_pool
                       : d.kind == pool_kind::average ? caps.avg_pool
                                                      : caps.global_avg_pool;
  if (!enabled)
    return reason::disabled_operation;
  if (d.input.n > caps.max_batch)
    return reason::batch;
  if (d.kind != pool_kind::global_average) {
    if (const reason r = detail::check_pool_window(d.window, d.ceil_mode, caps); r != reason::none)
      return r;
  }
  if (!detail::aligned(d.input.c, caps.channel_alignment))
    return reason::channel_alignment;
  return reason::none;
}

constexpr reason check_operation(const elementwise_descriptor &d, const capabilities &caps) {
  if (d.rank == 0 || d.rank > elementwise_descriptor::max_rank)
    return reason::invalid_descriptor;
  for (std::size_t i = 0; i < d.rank; ++i) {
    const bool a_ok = d.a_dims[i] == d.out_dims[i] || d.a_dims[i] == 1;
    const bool b_ok =
        d.op == elementwise_op::activation || d.b_dims[i] == d.out_dims[i] || d.b_dims[i] == 1;
    if (!a_ok || !b_ok)
      return reason::invalid_descriptor;
  }
  const bool enabled = d.op == elementwise_op::add   ? caps.add
                       : d.op == elementwise_op::mul ? caps.mul
                                                     : caps.activation;
  if (!enabled)
    return reason::disabled_operation;
  if (d.broadcasts() && !caps.broadcast)
    return reason::broadcast;
  if (!detail::aligned(d.out_dims[d.rank - 1], caps.channel_alignment))
    return reason::channel_alignment;
  if (!caps.lut_activation && d.activation.lut != nullptr)
    return reason::lut_activation;
  return reason::none;
}

/// Whether the descriptor's tile lies inside the layer and its working set fits on chip. A
/// convolution's weights are split by output channel only without groups.
template <class Descriptor>
constexpr reason check_tile(const Descriptor &d, const capabilities &caps) {
  if (!detail::tile_inside(tile_of(d), tiled_extent(d)))
    return reason::invalid_descriptor;
  if constexpr (std::is_same_v<Descriptor, conv_descriptor>)
    if (!detail::tile_inside(d.channels, d.conv_output.c) ||
        (d.groups != 1 && d.channels.count != d.conv_output.c))
      return reason::invalid_descriptor;
  if (cost_of(d).on_chip_bytes > caps.on_chip_bytes)
    return reason::exceeds_on_chip_buffer;
  return reason::none;
}

/// Everything a driver must verify before executing a descriptor.
template <class Descriptor>
constexpr reason check(const Descriptor &d, const capabilities &caps) {
  if (const reason r = check_operation(d, caps); r != reason::none)
    return r;
  return check_tile(d, caps);
}

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
