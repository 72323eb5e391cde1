// What an NPU can execute, as one constexpr value: the limits a vendor's deployment guide lists
// (kernel sizes, strides, dilation, grouped/depthwise convolution, activations and pooling it can
// fuse, channel alignment, on-chip memory and tiling) and the three numbers of the simulator's
// throughput model. Plain integers and booleans only, so a `capabilities` is a structural type:
// it is used as a template argument (`simulator<strict>`, `plan<Graph, strict>`), and the
// generator, which sees no C++ types of the model, can use the same presets at run time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace onnx2hpp::npu {

/// A set of small extents (kernel sizes, strides) in [1, 31] as a bit mask: bit k means k.
struct extent_set {
  std::uint32_t bits = 0;

  constexpr bool contains(std::size_t extent) const {
    return extent < 32 && ((bits >> extent) & 1u) != 0;
  }
};

/// The extents listed: `extents({1, 3, 5, 7})`. Extents outside [1, 31] are ignored.
constexpr extent_set extents(std::initializer_list<std::size_t> list) {
  extent_set s;
  for (std::size_t e : list)
    if (e >= 1 && e < 32)
      s.bits |= 1u << e;
  return s;
}

/// Every extent in [1, max] (max <= 31).
constexpr extent_set extents_up_to(std::size_t max) {
  extent_set s;
  for (std::size_t e = 1; e <= max && e < 32; ++e)
    s.bits |= 1u << e;
  return s;
}

/// The capability description of an accelerator. Every check in operation_check.hpp reads only
/// this.
struct capabilities {
  // --- convolution (conv2d) ---------------------------------------------------------------------
  extent_set conv_kernel;           ///< allowed kernel_h and kernel_w
  extent_set conv_stride;           ///< allowed stride_h and stride_w
  bool conv_dilation = false;       ///< dilation > 1
  bool conv_grouped = false;        ///< 1 < groups < input channels
  bool conv_depthwise = false;      ///< groups == input channels > 1
  std::size_t conv_max_padding = 0; ///< largest pad on any side
  // --- fully connected (dense) ------------------------------------------------------------------
  bool fully_connected = false;
  // --- pooling, standalone or fused into a convolution -----------------------------------------
  bool max_pool = false;            ///< standalone max_pool2d
  bool avg_pool = false;            ///< standalone avg_pool2d
  bool global_avg_pool = false;     ///< standalone global_avg_pool
  extent_set pool_kernel;           ///< allowed window extents (max and average)
  extent_set pool_stride;           ///< allowed window strides
  std::size_t pool_max_padding = 0; ///< largest pad on any side
  bool pool_ceil_mode = false;      ///< ceil_mode windows (the last may overhang the padding)
  // --- fusion: one driver call for conv [+ activation] [+ max pool] ----------------------------
  bool fuse_activation = false; ///< a standalone activation after conv/dense joins its call
  bool fuse_max_pool = false;   ///< a max pool after conv [+ activation] joins its call
  bool lut_activation = false;  ///< output stages apply 256-entry tables (else clamp only)
  // --- element-wise
  // -------------------------------------------------------------------------------
  bool add = false;
  bool mul = false;
  bool activation = false; ///< standalone activation (clamp, table)
  bool broadcast = false;  ///< element-wise operands of different shapes
  // --- tensors and memory
  // -------------------------------------------------------------------------
  std::size_t channel_alignment = 1; ///< channels (conv per group, dense K and units, pooling and
                                     ///< element-wise innermost extent) are multiples of this
  std::size_t max_batch = 1;         ///< largest N of a call
  std::size_t on_chip_bytes = 0;     ///< activations tile + weights + per-channel tables per call
  bool tiling = false;               ///< a layer larger than on_chip_bytes is split into calls
  // --- throughput model (simulator, plan estimates) -------------------------------------------
  std::uint32_t macs_per_cycle = 1;       ///< multiply-accumulates per cycle (conv, dense)
  std::uint32_t vector_ops_per_cycle = 1; ///< pooling taps / element-wise outputs per cycle
  std::uint32_t dma_bytes_per_cycle = 1;  ///< bytes moved between memory and on-chip per cycle
  std::uint32_t cycles_per_call = 0;      ///< fixed cost of one submitted descriptor
};

/// A typical embedded NPU: kernels 1/3/5/7, strides 1/2, no dilation, no grouped or depthwise
/// convolution, conv + activation + max-pool fused in one call, channels in multiples of 8,
/// 64 KiB on-chip with row tiling. 256 MACs/cycle, 16 DMA bytes/cycle, 200 cycles per call.
inline constexpr capabilities strict{
    .conv_kernel = extents({1, 3, 5, 7}),
    .conv_stride = extents({1, 2}),
    .conv_dilation = false,
    .conv_grouped = false,
    .conv_depthwise = false,
    .conv_max_padding = 3,
    .fully_connected = true,
    .max_pool = true,
    .avg_pool = true,
    .global_avg_pool = true,
    .pool_kernel = extents({2, 3}),
    .pool_stride = extents({1, 2}),
    .pool_max_padding = 1,
    .pool_ceil_mode = false,
    .fuse_activation = true,
    .fuse_max_pool = true,
    .lut_activation = true,
    .add = true,
    .mul = false,
    .activation = true,
    .broadcast = false,
    .channel_alignment = 8,
    .max_batch = 1,
    .on_chip_bytes = 64 * 1024,
    .tiling = true,
    .macs_per_cycle = 256,
    .vector_ops_per_cycle = 32,
    .dma_bytes_per_cycle = 16,
    .cycles_per_call = 200,
};

/// A generous accelerator: any kernel up to 15 and stride up to 4, dilation, grouped and
/// depthwise convolution, every pooling and element-wise layer with broadcasting, no channel
/// alignment, 512 KiB on-chip with tiling. 512 MACs/cycle, 32 DMA bytes/cycle, 100 cycles/call.
inline constexpr capabilities permissive{
    .conv_kernel = extents_up_to(15),
    .conv_stride = extents_up_to(4),
    .conv_dilation = true,
    .conv_grouped = true,
    .conv_depthwise = true,
    .conv_max_padding = 15,
    .fully_connected = true,
    .max_pool = true,
    .avg_pool = true,
    .global_avg_pool = true,
    .pool_kernel = extents_up_to(15),
    .pool_stride = extents_up_to(15),
    .pool_max_padding = 15,
    .pool_ceil_mode = true,
    .fuse_activation = true,
    .fuse_max_pool = true,
    .lut_activation = true,
    .add = true,
    .mul = true,
    .activation = true,
    .broadcast = true,
    .channel_alignment = 1,
    .max_batch = 16,
    .on_chip_bytes = 512 * 1024,
    .tiling = true,
    .macs_per_cycle = 512,
    .vector_ops_per_cycle = 64,
    .dma_bytes_per_cycle = 32,
    .cycles_per_call = 100,
};

/// The preset called `name` ("strict", "permissive"), for tools choosing one on a command line.
constexpr std::optional<capabilities> preset(std::string_view name) {
  if (name == "strict")
    return strict;
  if (name == "permissive")
    return permissive;
  return std::nullopt;
}

/// Names accepted by preset(), in a fixed order.
inline constexpr std::string_view preset_names[] = {"strict", "permissive"};

} // namespace onnx2hpp::npu
