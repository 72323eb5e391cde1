// Capability checks, as constexpr functions over descriptors: whether the NPU can perform what a
// descriptor asks for (check_operation) and whether its tile fits on chip (check_tile, by the
// cost model); `check` is both, what a driver verifies before executing a descriptor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/cost_model.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/reason.hpp"
#include "onnx2hpp/core/window.hpp"

namespace onnx2hpp::npu {

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

} // namespace onnx2hpp::npu
