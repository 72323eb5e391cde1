// Small graphs shared by the NPU tests, with random constants.
#pragma once

#include <cstdint>

#include "npu_test_support.hpp"

namespace onnx2hpp::test {

/// A k x k convolution, stride 1, padded to keep the extent ("same").
constexpr conv2d_attrs same_conv(std::size_t out_channels, std::size_t k = 3,
                                 std::size_t groups = 1) {
  const std::size_t p = k / 2;
  return {.out_channels = out_channels,
          .kernel_h = k,
          .kernel_w = k,
          .pad_top = p,
          .pad_left = p,
          .pad_bottom = p,
          .pad_right = p,
          .groups = groups};
}

// --- "block": conv+relu+maxpool, depthwise, pointwise, residual add, global pool, classifier ----
//
// conv0 (3x3, 8->16) -> relu0 -> pool0 (2x2/2) -> dw1 (depthwise 3x3) -> pw1 (1x1) -> add1 (+
// pool0)
// -> gap -> fc (16 -> 10)
using block_in = shape<1, 8, 8, 8>;
using block_conv0 = conv2d<block_in, same_conv(16)>;
using block_relu0 = activation<shape<1, 8, 8, 16>>;
using block_pool0 =
    max_pool2d<shape<1, 8, 8, 16>,
               pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2}>;
using block_dw1 = conv2d<shape<1, 4, 4, 16>, same_conv(16, 3, 16)>;
using block_pw1 =
    conv2d<shape<1, 4, 4, 16>, conv2d_attrs{.out_channels = 16, .kernel_h = 1, .kernel_w = 1}>;
using block_add1 = add<shape<1, 4, 4, 16>, shape<1, 4, 4, 16>>;
using block_gap = global_avg_pool<shape<1, 4, 4, 16>>;
using block_fc = dense<shape<1, 1, 1, 16>, 10>;

inline auto make_block(rng &r, constants &k) {
  block_relu0 relu{};
  relu.act_min = -20; // a clamp the conv's own range does not already apply
  block_gap gap{};
  gap.input_zero_point = 3;
  gap.output_zero_point = -2;
  gap.multiplier = quantize_multiplier(0.8);
  return make_graph<inputs<tensor<0, block_in>>, outputs<8>>(
      node<"conv0", in<0>, 1>(random_accumulating<block_conv0>(r, k)),
      node<"relu0", in<1>, 2>(relu), node<"pool0", in<2>, 3>(block_pool0{}),
      node<"dw1", in<3>, 4>(random_accumulating<block_dw1>(r, k, {-128, 100})),
      node<"pw1", in<4>, 5>(random_accumulating<block_pw1>(r, k)),
      node<"add1", in<5, 3>, 6>(block_add1{random_add_params(r, {-128, 120})}),
      node<"gap", in<6>, 7>(gap), node<"fc", in<7>, 8>(random_accumulating<block_fc>(r, k)));
}
using block_graph = decltype(make_block(std::declval<rng &>(), std::declval<constants &>()));

// --- "dilated": a dilated convolution between two plain ones -------------------------------------
using dilated_in = shape<1, 10, 10, 8>;
using dilated_conv0 =
    conv2d<dilated_in, conv2d_attrs{.out_channels = 8, .kernel_h = 1, .kernel_w = 1}>;
using dilated_conv1 = conv2d<dilated_in, conv2d_attrs{.out_channels = 8,
                                                      .kernel_h = 3,
                                                      .kernel_w = 3,
                                                      .dilation_h = 2,
                                                      .dilation_w = 2,
                                                      .pad_top = 2,
                                                      .pad_left = 2,
                                                      .pad_bottom = 2,
                                                      .pad_right = 2}>;
using dilated_conv2 = conv2d<dilated_in, conv2d_attrs{.out_channels = 16,
                                                      .kernel_h = 3,
                                                      .kernel_w = 3,
                                                      .stride_h = 2,
                                                      .stride_w = 2,
                                                      .pad_top = 1,
                                                      .pad_left = 1,
                                                      .pad_bottom = 1,
                                                      .pad_right = 1}>;

inline auto make_dilated(rng &r, constants &k) {
  return make_graph<inputs<tensor<0, dilated_in>>, outputs<3>>(
      node<"conv0", in<0>, 1>(random_accumulating<dilated_conv0>(r, k)),
      node<"dilated", in<1>, 2>(random_accumulating<dilated_conv1>(r, k, {-50, 127})),
      node<"conv2", in<2>, 3>(random_accumulating<dilated_conv2>(r, k)));
}
using dilated_graph = decltype(make_dilated(std::declval<rng &>(), std::declval<constants &>()));

// --- "tiled": a layer of 16x16x8 that needs several calls on a 2 KiB on-chip memory --------------
using tiled_in = shape<1, 16, 16, 8>;
using tiled_conv = conv2d<tiled_in, same_conv(8)>;
using tiled_pool =
    max_pool2d<shape<1, 16, 16, 8>,
               pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2}>;

/// conv -> output (4 tiles of 4 rows on small_strict).
inline auto make_tiled_conv(rng &r, constants &k) {
  return make_graph<inputs<tensor<0, tiled_in>>, outputs<1>>(
      node<"conv", in<0>, 1>(random_accumulating<tiled_conv>(r, k)));
}
/// conv + maxpool merged (8 tiles of 1 pooled row on small_strict).
inline auto make_tiled_conv_pool(rng &r, constants &k) {
  return make_graph<inputs<tensor<0, tiled_in>>, outputs<2>>(
      node<"conv", in<0>, 1>(random_accumulating<tiled_conv>(r, k, {-128, 127})),
      node<"pool", in<1>, 2>(tiled_pool{}));
}

/// strict with 2 KiB of on-chip memory.
inline constexpr npu::capabilities small_strict = [] {
  npu::capabilities c = npu::strict;
  c.on_chip_bytes = 2048;
  return c;
}();

/// permissive with 1 KiB of on-chip memory: almost every layer is tiled.
inline constexpr npu::capabilities small_permissive = [] {
  npu::capabilities c = npu::permissive;
  c.on_chip_bytes = 1024;
  return c;
}();

/// permissive without a table unit: tables are applied by the CPU after each call.
inline constexpr npu::capabilities permissive_no_lut = [] {
  npu::capabilities c = npu::permissive;
  c.lut_activation = false;
  return c;
}();

} // namespace onnx2hpp::test
