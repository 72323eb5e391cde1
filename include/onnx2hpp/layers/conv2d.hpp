// 2-D convolution in all its forms: any kernel size, stride, dilation, asymmetric padding, groups
// (depthwise with channel multiplier when groups == input channels), pointwise — with bias,
// per-channel requantization and a fused activation (the conv+bn+act template: BatchNorm is folded
// into weights/bias by the generator; ReLU/ReLU6/Clip become act_min/act_max; LeakyReLU, HardSwish,
// Sigmoid, Tanh become the output stage's look-up table).
#pragma once

#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/constant_data.hpp"
#include "onnx2hpp/core/output_stage.hpp"
#include "onnx2hpp/core/shape.hpp"
#include "onnx2hpp/core/window.hpp"

namespace onnx2hpp {

/// Geometry of a convolution (ONNX Conv attributes, with pads split per side). The window fields
/// are window2d's (core/window.hpp), flat so that a spec reads `conv2d_attrs{.out_channels = 8,
/// .kernel_h = 3, ...}`; window() gives them as a window2d.
struct conv2d_attrs {
  std::size_t out_channels;
  std::size_t kernel_h;
  std::size_t kernel_w;
  std::size_t stride_h = 1;
  std::size_t stride_w = 1;
  std::size_t dilation_h = 1;
  std::size_t dilation_w = 1;
  std::size_t pad_top = 0;
  std::size_t pad_left = 0;
  std::size_t pad_bottom = 0;
  std::size_t pad_right = 0;
  std::size_t groups = 1;
  /// How the output stage requantizes (part of the layer's type: see basic_output_stage).
  rounding_mode rounding = rounding_mode::fixed_point;

  constexpr window2d window() const {
    return {kernel_h,   kernel_w, stride_h, stride_w,   dilation_h,
            dilation_w, pad_top,  pad_left, pad_bottom, pad_right};
  }
};

/// int8 NHWC convolution. Weights are OHWI: [out_channels][kernel_h][kernel_w][in_channels/groups].
///
/// acc[n,y,x,oc] = bias[oc] + sum over (ky, kx, ic in group of oc) of
///                 (in[n, y*sh - pt + ky*dh, x*sw - pl + kx*dw, ic] - input_zero_point)
///                 * (w[oc, ky, kx, ic] - weight_zero_point)
/// where padded positions contribute nothing (they hold the input zero point);
/// out = output.apply(acc, oc).
template <shape_type InShape, conv2d_attrs A>
struct conv2d {
  using in = nhwc<InShape>;
  static_assert(A.groups >= 1 && in::c % A.groups == 0,
                "conv2d: input channels must be a multiple of groups");
  static_assert(A.out_channels % A.groups == 0,
                "conv2d: output channels must be a multiple of groups");
  static constexpr window2d window = A.window();
  static_assert(window.valid(), "conv2d: kernel, stride and dilation must be positive");
  static_assert(window.fits(in::h, in::w),
                "conv2d: the (dilated) kernel is larger than the padded input");

  static constexpr conv2d_attrs attrs = A;
  static constexpr std::size_t out_h = window.rows().output_extent(in::h);
  static constexpr std::size_t out_w = window.cols().output_extent(in::w);
  static constexpr std::size_t in_channels_per_group = in::c / A.groups;
  static constexpr std::size_t out_channels_per_group = A.out_channels / A.groups;
  static constexpr bool depthwise = A.groups == in::c && A.groups > 1;
  static constexpr rounding_mode rounding = A.rounding;

  using input_shapes = type_list<InShape>;
  using output_shape = shape<in::n, out_h, out_w, A.out_channels>;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = std::uint64_t{in::n} * out_h * out_w * A.out_channels *
                                        A.kernel_h * A.kernel_w * in_channels_per_group;
  static constexpr std::size_t weight_count =
      A.out_channels * A.kernel_h * A.kernel_w * in_channels_per_group;

  const_data<std::int8_t, weight_count> weights; ///< OHWI
  /// [out_channels], scale input_scale*weight_scale[oc]; may be empty
  const_data<std::int32_t, A.out_channels> bias;
  std::int32_t input_zero_point = 0;
  std::int32_t weight_zero_point = 0; ///< per tensor (PTQ weights are symmetric: 0)
  basic_output_stage<A.rounding> output;
};

} // namespace onnx2hpp
