// Layer specs -> NPU descriptors, in constant expressions: conv2d, dense, max/avg/global average
// pooling, add, mul, activation, and reshape (a copy).
//
// npu_layer<Layer> says which driver call a layer maps to (`kind`, call_kind::none for layers
// the NPU has no operation for) and builds its descriptor from the spec: geometry from the type,
// quantization from the values. fuse(descriptor, layer) merges a following activation or max
// pool into a convolution (or an activation into a fully connected layer). Buffer addresses and
// the tile are left for run time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/reason.hpp"
#include "onnx2hpp/layers/activation.hpp"
#include "onnx2hpp/layers/conv2d.hpp"
#include "onnx2hpp/layers/dense.hpp"
#include "onnx2hpp/layers/elementwise.hpp"
#include "onnx2hpp/layers/pooling.hpp"
#include "onnx2hpp/layers/reshape.hpp"

namespace onnx2hpp::npu {

/// Layers without an NPU operation.
template <class Layer>
struct npu_layer {
  static constexpr call_kind kind = call_kind::none;
  static constexpr reason precheck = reason::unsupported_layer;
};

/// A layer wrapped with data for another backend (simd::packed<Layer>) maps like the layer.
template <class Layer>
requires requires {
  typename Layer::unpacked_layer;
}
struct npu_layer<Layer> : npu_layer<typename Layer::unpacked_layer> {};

namespace detail {
template <shape_type S>
constexpr feature_map feature_map_of() {
  using d = nhwc<S>;
  return {d::n, d::h, d::w, d::c};
}
} // namespace detail

// --- geometry from values: what the layer specs below use, and what a tool with its own IR (the
// generator's report) calls to ask the same questions -----------------------------------------

/// A convolution of `input` to `out_channels` channels with `window` (floor mode), whole layer.
constexpr conv_descriptor conv_geometry(const feature_map &input, std::size_t out_channels,
                                        const window2d &window, std::size_t groups = 1) {
  conv_descriptor d;
  d.input = input;
  d.window = window;
  d.groups = groups;
  d.conv_output = {input.n, window.rows().output_extent(input.h),
                   window.cols().output_extent(input.w), out_channels};
  d.out = d.conv_output;
  d.rows = {0, d.out.h};
  d.channels = {0, d.out.c};
  return d;
}

/// A fully connected layer: `rows` rows of `depth` values to `units` outputs each, whole layer.
constexpr fc_descriptor fc_geometry(std::size_t rows, std::size_t depth, std::size_t units) {
  fc_descriptor d;
  d.rows = rows;
  d.depth = depth;
  d.units = units;
  d.units_tile = {0, units};
  return d;
}

/// A pooling layer over `input`, whole layer. An average over the whole unpadded input is a
/// global average (the same arithmetic: every pixel once, count H·W), which NPUs take at any
/// extent; for global_average, `window` is ignored.
constexpr pool_descriptor pool_geometry(pool_kind kind, const feature_map &input,
                                        const window2d &window = {}, bool ceil_mode = false,
                                        bool count_include_pad = false) {
  const bool whole_input = window.kernel_h == input.h && window.kernel_w == input.w &&
                           window.dilation_h == 1 && window.dilation_w == 1 &&
                           window.pad_top == 0 && window.pad_left == 0 && window.pad_bottom == 0 &&
                           window.pad_right == 0;
  pool_descriptor d;
  d.kind = kind == pool_kind::average && whole_input ? pool_kind::global_average : kind;
  d.input = input;
  d.output = input;
  if (d.kind == pool_kind::global_average) {
    d.window = {input.h, input.w};
    d.output.h = d.output.w = 1;
  } else {
    d.window = window;
    d.ceil_mode = ceil_mode;
    d.count_include_pad = count_include_pad;
    d.output.h = window.rows().output_extent(input.h, ceil_mode);
    d.output.w = window.cols().output_extent(input.w, ceil_mode);
  }
  d.rows = {0, d.output.h};
  return d;
}

// --- layer specs --------------------------------------------------------------------------------

namespace detail {
/// The NPU requantizes in fixed point only: a layer whose type says rounding_mode::onnxruntime
/// (fp32 scales, round half to even) stays on the CPU, which the plan sees at compile time.
template <class Layer>
inline constexpr bool fixed_point_layer = Layer::rounding == rounding_mode::fixed_point;
template <class Layer>
inline constexpr reason rounding_precheck =
    fixed_point_layer<Layer> ? reason::none : reason::rounding_mode;

/// The constants of an accumulating layer (conv2d, dense), by address.
template <class Descriptor, class Layer>
constexpr Descriptor with_constants(Descriptor d, const Layer &l) {
  d.weights = l.weights;
  d.bias = l.bias;
  d.input_zero_point = l.input_zero_point;
  d.weight_zero_point = l.weight_zero_point;
  d.output = l.output;
  return d;
}
} // namespace detail

template <shape_type S, conv2d_attrs A>
struct npu_layer<conv2d<S, A>> {
  using layer = conv2d<S, A>;
  using descriptor = conv_descriptor;
  static constexpr call_kind kind = call_kind::conv;
  static constexpr reason precheck = detail::rounding_precheck<layer>;

  static constexpr conv_descriptor describe(const layer &l) {
    static_assert(detail::fixed_point_layer<layer>, "npu: no descriptor for this rounding mode");
    return detail::with_constants(
        conv_geometry(detail::feature_map_of<S>(), A.out_channels, A.window(), A.groups), l);
  }
};

template <shape_type S, std::size_t Units, rounding_mode R>
struct npu_layer<dense<S, Units, R>> {
  using layer = dense<S, Units, R>;
  using descriptor = fc_descriptor;
  static constexpr call_kind kind = call_kind::fully_connected;
  static constexpr reason precheck = detail::rounding_precheck<layer>;

  static constexpr fc_descriptor describe(const layer &l) {
    static_assert(detail::fixed_point_layer<layer>, "npu: no descriptor for this rounding mode");
    return detail::with_constants(fc_geometry(layer::rows, layer::depth, Units), l);
  }
};

template <shape_type S, pool2d_attrs A>
struct npu_layer<max_pool2d<S, A>> {
  using layer = max_pool2d<S, A>;
  using descriptor = pool_descriptor;
  static constexpr call_kind kind = call_kind::pool;
  static constexpr reason precheck = reason::none;

  static constexpr pool_descriptor describe(const layer &l) {
    pool_descriptor d =
        pool_geometry(pool_kind::max, detail::feature_map_of<S>(), A.window(), A.ceil_mode);
    d.act_min = l.act_min;
    d.act_max = l.act_max;
    return d;
  }
};

template <shape_type S, pool2d_attrs A, bool CountIncludePad, rounding_mode R>
struct npu_layer<avg_pool2d<S, A, CountIncludePad, R>> {
  using layer = avg_pool2d<S, A, CountIncludePad, R>;
  using descriptor = pool_descriptor;
  static constexpr call_kind kind = call_kind::pool;
  static constexpr reason precheck = detail::rounding_precheck<layer>;

  static constexpr pool_descriptor describe(const layer &l) {
    static_assert(detail::fixed_point_layer<layer>, "npu: no descriptor for this rounding mode");
    pool_descriptor d = pool_geometry(pool_kind::average, detail::feature_map_of<S>(), A.window(),
                                      A.ceil_mode, CountIncludePad);
    d.input_zero_point = l.input_zero_point;
    d.output_zero_point = l.output_zero_point;
    d.multiplier = l.multiplier;
    d.act_min = l.act_min;
    d.act_max = l.act_max;
    return d;
  }
};

template <shape_type S, rounding_mode R>
struct npu_layer<global_avg_pool<S, R>> {
  using layer = global_avg_pool<S, R>;
  using descriptor = pool_descriptor;
  static constexpr call_kind kind = call_kind::pool;
  static constexpr reason precheck = detail::rounding_precheck<layer>;

  static constexpr pool_descriptor describe(const layer &l) {
    static_assert(detail::fixed_point_layer<layer>, "npu: no descriptor for this rounding mode");
    pool_descriptor d = pool_geometry(pool_kind::global_average, detail::feature_map_of<S>());
    d.input_zero_point = l.input_zero_point;
    d.output_zero_point = l.output_zero_point;
    d.multiplier = l.multiplier;
    d.act_min = l.act_min;
    d.act_max = l.act_max;
    return d;
  }
};

namespace detail {
/// Extents of `S` right-aligned to `rank` (leading 1s), as a descriptor stores them.
template <shape_type S, std::size_t Rank>
constexpr std::array<std::size_t, elementwise_descriptor::max_rank> aligned_dims() {
  std::array<std::size_t, elementwise_descriptor::max_rank> d{};
  for (std::size_t i = 0; i < Rank && i < elementwise_descriptor::max_rank; ++i)
    d[i] = i < Rank - S::rank ? 1 : S::dims[i - (Rank - S::rank)];
  return d;
}

template <shape_type A, shape_type B, elementwise_op Op>
struct binary_elementwise_layer {
  using out = broadcast_shape_t<A, B>;
  static constexpr call_kind kind = call_kind::elementwise;
  static constexpr reason precheck =
      out::rank > elementwise_descriptor::max_rank ? reason::rank : reason::none;

  static constexpr elementwise_descriptor geometry() {
    elementwise_descriptor d;
    d.op = Op;
    d.rank = out::rank;
    d.out_dims = aligned_dims<out, out::rank>();
    d.a_dims = aligned_dims<A, out::rank>();
    d.b_dims = aligned_dims<B, out::rank>();
    d.elements = {0, out::size};
    return d;
  }
};
} // namespace detail

template <shape_type A, shape_type B, rounding_mode R>
struct npu_layer<add<A, B, R>> : detail::binary_elementwise_layer<A, B, elementwise_op::add> {
  using layer = add<A, B, R>;
  using descriptor = elementwise_descriptor;
  static constexpr reason precheck = detail::fixed_point_layer<layer>
                                         ? npu_layer::binary_elementwise_layer::precheck
                                         : reason::rounding_mode;

  static constexpr elementwise_descriptor describe(const layer &l) {
    static_assert(detail::fixed_point_layer<layer>, "npu: no descriptor for this rounding mode");
    elementwise_descriptor d = npu_layer::geometry();
    d.add = l.params;
    d.activation.lut = l.lut;
    return d;
  }
};

template <shape_type A, shape_type B, rounding_mode R>
struct npu_layer<mul<A, B, R>> : detail::binary_elementwise_layer<A, B, elementwise_op::mul> {
  using layer = mul<A, B, R>;
  using descriptor = elementwise_descriptor;
  static constexpr reason precheck = detail::fixed_point_layer<layer>
                                         ? npu_layer::binary_elementwise_layer::precheck
                                         : reason::rounding_mode;

  static constexpr elementwise_descriptor describe(const layer &l) {
    static_assert(detail::fixed_point_layer<layer>, "npu: no descriptor for this rounding mode");
    elementwise_descriptor d = npu_layer::geometry();
    d.mul = l.params;
    d.activation.lut = l.lut;
    return d;
  }
};

template <shape_type S>
struct npu_layer<activation<S>> {
  using layer = activation<S>;
  using descriptor = elementwise_descriptor;
  static constexpr call_kind kind = call_kind::elementwise;
  static constexpr reason precheck =
      S::rank > elementwise_descriptor::max_rank ? reason::rank : reason::none;

  static constexpr elementwise_descriptor describe(const layer &l) {
    elementwise_descriptor d;
    d.op = elementwise_op::activation;
    d.rank = S::rank;
    d.out_dims = detail::aligned_dims<S, S::rank>();
    d.a_dims = d.out_dims;
    d.activation = {l.act_min, l.act_max, l.lut};
    d.elements = {0, S::size};
    return d;
  }
};

/// reshape: a copy of the bytes, i.e. an activation with the full int8 range and no table.
template <shape_type In, shape_type Out>
struct npu_layer<reshape<In, Out>> {
  using layer = reshape<In, Out>;
  using descriptor = elementwise_descriptor;
  static constexpr call_kind kind = call_kind::elementwise;
  static constexpr reason precheck =
      Out::rank > elementwise_descriptor::max_rank ? reason::rank : reason::none;

  static constexpr elementwise_descriptor describe(const layer &) {
    elementwise_descriptor d;
    d.op = elementwise_op::activation;
    d.rank = Out::rank;
    d.out_dims = detail::aligned_dims<Out, Out::rank>();
    d.a_dims = d.out_dims;
    d.elements = {0, Out::size};
    return d;
  }
};

/// The descriptor of `layer` (an NPU layer).
template <class Layer>
constexpr auto describe(const Layer &layer) {
  return npu_layer<Layer>::describe(layer);
}

// --- fusion: a following layer merged into the call ----------------------------------------------
//
// The value-level forms (for tools that describe layers from their own IR, like the generator's
// report) and the layer-level forms the backend uses.

/// Adds an activation stage (clamp, then the optional table) after a call's output stage.
template <class Descriptor>
requires(
    std::is_same_v<Descriptor, conv_descriptor> ||
    std::is_same_v<Descriptor, fc_descriptor>) constexpr void fuse_activation(Descriptor &d,
                                                                              const clamp_table
                                                                                  &activation) {
  d.fused_activation = true;
  d.activation = activation;
}

/// Adds a floor-mode max pool `window` over the convolution's output, clamped to
/// [act_min, act_max]; the call then writes the pooled tensor.
constexpr void fuse_max_pool(conv_descriptor &d, const window2d &window, std::int32_t act_min,
                             std::int32_t act_max) {
  d.fused_pool = true;
  d.pool = window;
  d.pool_act_min = act_min;
  d.pool_act_max = act_max;
  d.out = d.conv_output;
  d.out.h = window.rows().output_extent(d.conv_output.h);
  d.out.w = window.cols().output_extent(d.conv_output.w);
  d.rows = {0, d.out.h};
}

/// conv2d or dense + activation.
template <class Descriptor, shape_type S>
requires requires(Descriptor &d, const clamp_table &a) {
  fuse_activation(d, a);
}
constexpr void fuse(Descriptor &d, const activation<S> &a) {
  fuse_activation(d, {a.act_min, a.act_max, a.lut});
}

/// conv2d [+ activation] + max_pool2d (floor mode only).
template <shape_type S, pool2d_attrs A>
requires(!A.ceil_mode) constexpr void fuse(conv_descriptor &d, const max_pool2d<S, A> &p) {
  fuse_max_pool(d, A.window(), p.act_min, p.act_max);
}

/// Whether a layer of type `Next` can be merged into a call described by `Descriptor`.
template <class Descriptor, class Next>
concept fusable_into = requires(Descriptor &d, const Next &next) {
  fuse(d, next);
};

} // namespace onnx2hpp::npu
