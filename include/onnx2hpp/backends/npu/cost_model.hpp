// The NPU cost model, as constexpr functions over descriptors: which rows (elements, units) a
// call reads, the axis a layer is tiled on, and what one call costs in on-chip bytes, transfers
// and arithmetic (operation_check.hpp checks it against the capabilities, tiling.hpp splits a
// layer by it).
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

#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"

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

} // namespace onnx2hpp::npu
