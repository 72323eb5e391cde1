// The layers of a generated onnx2hpp model, run through CMSIS-NN's s8 kernels -- the calls TFLite
// Micro makes for the same layers -- under qemu, for comparison (see README.md).
//
//   -DBENCH_MODEL_HEADER='"model.hpp"'   header generated with --namespace bench_model
//   -DBENCH_LAYERS=1                     per-layer figures (else: the network, flash and RAM)
//
// The layer list is the generated graph itself: each node's layer type selects a CMSIS-NN call
// (struct op below) and its geometry and quantization become the call's parameters. Weights, bias
// and per-channel multipliers/shifts are the model's own, copied at compile time into the layouts
// CMSIS-NN takes (OHWI conv weights as they are; depthwise weights reordered to [1, H, W, C_OUT]),
// so this firmware holds only CMSIS-NN's copy of the constants. Activations live where onnx2hpp's
// memory plan puts them (bench_graph_io.hpp); scratch buffers come from the kernels'
// *_get_buffer_size functions, and on MVE the fully connected layers' kernel sums
// (arm_vector_sum_s8) are computed before the measured runs, as TFLite Micro's Prepare does.
// Both count as RAM. A layer with no CMSIS-NN counterpart is reported and skipped.
#include "bench_graph_io.hpp"

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>

extern "C" {
#include "arm_nnfunctions.h"
}

using bench::ul;

namespace {

template <std::size_t I>
struct node_at {
  static constexpr const auto &node = boost::hana::at_c<I>(bench_model::graph.nodes);
  using node_type = std::remove_cvref_t<decltype(node)>;
  using layer_type = typename node_type::layer_type;
  static constexpr const layer_type &layer = node.layer;
};

// Scratch (the largest any layer asks for, shared) and persistent buffers (per layer), carved out
// of pools in .bench; the bytes actually used are what the RAM figure counts.
__attribute__((section(".bench"), aligned(16))) std::int8_t scratch_pool[96 * 1024];
__attribute__((section(".bench"), aligned(16))) std::int8_t persistent_pool[16 * 1024];
std::size_t scratch_bytes = 0, persistent_bytes = 0;

void need_scratch(std::int32_t bytes) {
  if (bytes < 0 || std::size_t(bytes) > sizeof(scratch_pool)) {
    std::printf("ERROR scratch of %ld bytes exceeds the pool\n", long(bytes));
    std::exit(2);
  }
  if (std::size_t(bytes) > scratch_bytes)
    scratch_bytes = std::size_t(bytes);
}
void *take_persistent(std::int32_t bytes) {
  std::size_t b = (std::size_t(bytes) + 15) / 16 * 16;
  if (persistent_bytes + b > sizeof(persistent_pool)) {
    std::printf("ERROR persistent buffers exceed the pool\n");
    std::exit(2);
  }
  void *p = persistent_pool + persistent_bytes;
  persistent_bytes += b;
  return p;
}
cmsis_nn_context scratch_ctx() {
  return {scratch_pool, std::int32_t(scratch_bytes)};
}

template <class T>
T *mut(const T *p) {
  return const_cast<T *>(p); // CMSIS-NN's quantization structs take non-const pointers
}

/// int8/int32 constants copied at compile time through const_data's constexpr operator[].
template <std::size_t N, class T, std::size_t Extent>
consteval std::array<T, N> copy_constants(const onnx2hpp::const_data<T, Extent> &d) {
  std::array<T, N> a{};
  if (!d.empty())
    for (std::size_t i = 0; i < N; ++i)
      a[i] = d[i];
  return a;
}

/// Per-channel multipliers and shifts of a fixed-point output stage (per-tensor ones repeated).
template <std::size_t N, class Stage>
consteval std::array<std::int32_t, N> multipliers(const Stage &s) {
  std::array<std::int32_t, N> a{};
  for (std::size_t c = 0; c < N; ++c)
    a[c] = s.requant[c].multiplier;
  return a;
}
template <std::size_t N, class Stage>
consteval std::array<std::int32_t, N> shifts(const Stage &s) {
  std::array<std::int32_t, N> a{};
  for (std::size_t c = 0; c < N; ++c)
    a[c] = s.requant[c].shift;
  return a;
}

template <class Shape>
consteval cmsis_nn_dims nhwc_dims() {
  static_assert(Shape::rank == 4);
  return {std::int32_t(Shape::dims[0]), std::int32_t(Shape::dims[1]), std::int32_t(Shape::dims[2]),
          std::int32_t(Shape::dims[3])};
}

void check(arm_cmsis_nn_status s, std::size_t node) {
  if (s != ARM_CMSIS_NN_SUCCESS) {
    std::printf("ERROR node %lu: CMSIS-NN returned %d\n", ul(node), int(s));
    std::exit(2);
  }
}

// op<I, Layer>: `fn` (the CMSIS-NN call, for the report), `note` (why the mapping is inexact or
// missing, else ""), prepare() (buffer sizes, kernel sums: not measured) and run() (measured).
// The primary template: no CMSIS-NN counterpart.
template <std::size_t I, class L = typename node_at<I>::layer_type>
struct op {
  static constexpr const char *fn = "-";
  static constexpr const char *note = "no CMSIS-NN mapping for this layer type";
  static void prepare() {}
  static void run(const std::int8_t *const *, std::int8_t *) {}
};

// conv2d: arm_convolve_wrapper_s8 (groups == 1), arm_depthwise_conv_wrapper_s8 (depthwise, any
// channel multiplier), arm_convolve_s8 (other grouped convolutions).
template <std::size_t I, onnx2hpp::shape_type S, onnx2hpp::conv2d_attrs A>
struct op<I, onnx2hpp::conv2d<S, A>> {
  using L = onnx2hpp::conv2d<S, A>;
  static constexpr const L &l = node_at<I>::layer;
  static constexpr bool dw = L::depthwise;
  static constexpr std::size_t oc = A.out_channels;
  static constexpr const char *fn = dw              ? "arm_depthwise_conv_wrapper_s8"
                                    : A.groups == 1 ? "arm_convolve_wrapper_s8"
                                                    : "arm_convolve_s8";
  static constexpr const char *note =
      l.weight_zero_point != 0 ? "weight zero point != 0: CMSIS-NN run with 0 (results differ)"
      : l.output.lut != nullptr
          ? "fused table activation (LeakyReLU/HardSwish/...) left out: no CMSIS-NN equivalent"
          : "";

  alignas(4) static constexpr std::array<std::int8_t, L::weight_count> weights = [] {
    std::array<std::int8_t, L::weight_count> w = copy_constants<L::weight_count>(l.weights);
    if constexpr (dw) { // OHWI [oc][kh][kw][1] -> [1][kh][kw][oc]
      std::array<std::int8_t, L::weight_count> r{};
      for (std::size_t o = 0; o < oc; ++o)
        for (std::size_t k = 0; k < A.kernel_h * A.kernel_w; ++k)
          r[k * oc + o] = w[o * A.kernel_h * A.kernel_w + k];
      return r;
    } else {
      return w;
    }
  }();
  static constexpr std::array<std::int32_t, oc> bias = copy_constants<oc>(l.bias);
  static constexpr std::array<std::int32_t, oc> mult = multipliers<oc>(l.output);
  static constexpr std::array<std::int32_t, oc> shift = shifts<oc>(l.output);

  static constexpr cmsis_nn_dims input_dims = nhwc_dims<S>();
  static constexpr cmsis_nn_dims output_dims = nhwc_dims<typename L::output_shape>();
  static constexpr cmsis_nn_dims filter_dims =
      dw ? cmsis_nn_dims{1, std::int32_t(A.kernel_h), std::int32_t(A.kernel_w), std::int32_t(oc)}
         : cmsis_nn_dims{std::int32_t(oc), std::int32_t(A.kernel_h), std::int32_t(A.kernel_w),
                         std::int32_t(L::in_channels_per_group)};
  static constexpr cmsis_nn_dims bias_dims{1, 1, 1, std::int32_t(oc)};
  static constexpr cmsis_nn_tile stride{std::int32_t(A.stride_w), std::int32_t(A.stride_h)};
  static constexpr cmsis_nn_tile padding{std::int32_t(A.pad_left), std::int32_t(A.pad_top)};
  static constexpr cmsis_nn_tile dilation{std::int32_t(A.dilation_w), std::int32_t(A.dilation_h)};
  static constexpr cmsis_nn_activation act{l.output.act_min, l.output.act_max};
  static constexpr cmsis_nn_conv_params conv_params{
      -l.input_zero_point, l.output.zero_point, stride, padding, dilation, act};
  static constexpr cmsis_nn_dw_conv_params dw_params{-l.input_zero_point,
                                                     l.output.zero_point,
                                                     std::int32_t(oc / S::dims[3]),
                                                     stride,
                                                     padding,
                                                     dilation,
                                                     act};

  static void prepare() {
    if constexpr (dw)
      need_scratch(arm_depthwise_conv_wrapper_s8_get_buffer_size(&dw_params, &input_dims,
                                                                 &filter_dims, &output_dims));
    else if constexpr (A.groups == 1)
      need_scratch(arm_convolve_wrapper_s8_get_buffer_size(&conv_params, &input_dims, &filter_dims,
                                                           &output_dims));
    else
      need_scratch(arm_convolve_s8_get_buffer_size(&input_dims, &filter_dims));
  }
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    const cmsis_nn_context ctx = scratch_ctx();
    const cmsis_nn_per_channel_quant_params q{mut(mult.data()), mut(shift.data())};
    if constexpr (dw)
      check(arm_depthwise_conv_wrapper_s8(&ctx, &dw_params, &q, &input_dims, in[0], &filter_dims,
                                          weights.data(), &bias_dims, bias.data(), &output_dims,
                                          out),
            I);
    else if constexpr (A.groups == 1)
      check(arm_convolve_wrapper_s8(&ctx, &conv_params, &q, &input_dims, in[0], &filter_dims,
                                    weights.data(), &bias_dims, bias.data(), &output_dims, out),
            I);
    else
      check(arm_convolve_s8(&ctx, &conv_params, &q, &input_dims, in[0], &filter_dims,
                            weights.data(), &bias_dims, bias.data(), nullptr, &output_dims, out),
            I);
  }
};

// dense: arm_fully_connected_per_channel_s8, or arm_fully_connected_s8 when the layer has one
// multiplier (TFLite Micro's choice).
template <std::size_t I, onnx2hpp::shape_type S, std::size_t Units, onnx2hpp::rounding_mode R>
struct op<I, onnx2hpp::dense<S, Units, R>> {
  using L = onnx2hpp::dense<S, Units, R>;
  static constexpr const L &l = node_at<I>::layer;
  static constexpr bool per_channel = l.output.requant.count > 1;
  static constexpr const char *fn =
      per_channel ? "arm_fully_connected_per_channel_s8" : "arm_fully_connected_s8";
  static constexpr const char *note =
      l.output.lut != nullptr ? "fused table activation left out: no CMSIS-NN equivalent" : "";

  alignas(4) static constexpr std::array<std::int8_t, L::weight_count> weights =
      copy_constants<L::weight_count>(l.weights);
  static constexpr std::array<std::int32_t, Units> bias = copy_constants<Units>(l.bias);
  static constexpr std::array<std::int32_t, Units> mult = multipliers<Units>(l.output);
  static constexpr std::array<std::int32_t, Units> shift = shifts<Units>(l.output);

  static constexpr cmsis_nn_dims input_dims{std::int32_t(L::rows), 1, 1, std::int32_t(L::depth)};
  static constexpr cmsis_nn_dims filter_dims{std::int32_t(L::depth), 1, 1, std::int32_t(Units)};
  static constexpr cmsis_nn_dims bias_dims{1, 1, 1, std::int32_t(Units)};
  static constexpr cmsis_nn_dims output_dims{std::int32_t(L::rows), 1, 1, std::int32_t(Units)};
  static constexpr cmsis_nn_fc_params fc_params{-l.input_zero_point,
                                                -l.weight_zero_point,
                                                l.output.zero_point,
                                                {l.output.act_min, l.output.act_max}};
  static inline cmsis_nn_context ctx{nullptr, 0};

  static void prepare() {
    const std::int32_t bytes = arm_fully_connected_s8_get_buffer_size(&filter_dims);
    if (bytes > 0) { // MVE: kernel sums with the bias and the input offset folded in
      ctx = {take_persistent(bytes), bytes};
      arm_vector_sum_s8(static_cast<std::int32_t *>(ctx.buf), filter_dims.n, filter_dims.c,
                        weights.data(), fc_params.input_offset, fc_params.filter_offset,
                        bias.data());
    }
  }
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    if constexpr (per_channel) {
      const cmsis_nn_per_channel_quant_params q{mut(mult.data()), mut(shift.data())};
      check(arm_fully_connected_per_channel_s8(&ctx, &fc_params, &q, &input_dims, in[0],
                                               &filter_dims, weights.data(), &bias_dims,
                                               bias.data(), &output_dims, out),
            I);
    } else {
      const cmsis_nn_per_tensor_quant_params q{mult[0], shift[0]};
      check(arm_fully_connected_s8(&ctx, &fc_params, &q, &input_dims, in[0], &filter_dims,
                                   weights.data(), &bias_dims, bias.data(), &output_dims, out),
            I);
    }
  }
};

template <class L>
consteval const char *pool_note() {
  if (L::attrs.dilation_h != 1 || L::attrs.dilation_w != 1)
    return "dilated pooling: CMSIS-NN has none, run undilated";
  return "";
}

// max_pool2d: arm_max_pool_s8.
template <std::size_t I, onnx2hpp::shape_type S, onnx2hpp::pool2d_attrs A>
struct op<I, onnx2hpp::max_pool2d<S, A>> {
  using L = onnx2hpp::max_pool2d<S, A>;
  static constexpr const L &l = node_at<I>::layer;
  static constexpr const char *fn = "arm_max_pool_s8";
  static constexpr const char *note = pool_note<L>();
  static constexpr cmsis_nn_dims input_dims = nhwc_dims<S>();
  static constexpr cmsis_nn_dims output_dims = nhwc_dims<typename L::output_shape>();
  static constexpr cmsis_nn_dims filter_dims{1, std::int32_t(A.kernel_h), std::int32_t(A.kernel_w),
                                             1};
  static constexpr cmsis_nn_pool_params params{{std::int32_t(A.stride_w), std::int32_t(A.stride_h)},
                                               {std::int32_t(A.pad_left), std::int32_t(A.pad_top)},
                                               {l.act_min, l.act_max}};
  static void prepare() {}
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    const cmsis_nn_context ctx{nullptr, 0};
    check(arm_max_pool_s8(&ctx, &params, &input_dims, in[0], &filter_dims, &output_dims, out), I);
  }
};

// avg_pool2d: arm_avgpool_s8, which averages the int8 values themselves (TFLite's AVERAGE_POOL_2D
// requires the same quantization in and out) and counts in-input taps only.
template <std::size_t I, onnx2hpp::shape_type S, onnx2hpp::pool2d_attrs A, bool P,
          onnx2hpp::rounding_mode R>
struct op<I, onnx2hpp::avg_pool2d<S, A, P, R>> {
  using L = onnx2hpp::avg_pool2d<S, A, P, R>;
  static constexpr const L &l = node_at<I>::layer;
  static constexpr const char *fn = "arm_avgpool_s8";
  static constexpr bool same_quant = l.input_zero_point == l.output_zero_point &&
                                     l.multiplier.multiplier == (1 << 30) &&
                                     l.multiplier.shift == 1;
  static constexpr const char *
      note = !same_quant
                 ? "input and output quantization differ: CMSIS-NN cannot rescale (results differ)"
             : P && (A.pad_top + A.pad_left + A.pad_bottom + A.pad_right) > 0
                 ? "count_include_pad: CMSIS-NN counts in-input taps only (results differ)"
                 : pool_note<L>();
  static constexpr cmsis_nn_dims input_dims = nhwc_dims<S>();
  static constexpr cmsis_nn_dims output_dims = nhwc_dims<typename L::output_shape>();
  static constexpr cmsis_nn_dims filter_dims{1, std::int32_t(A.kernel_h), std::int32_t(A.kernel_w),
                                             1};
  static constexpr cmsis_nn_pool_params params{{std::int32_t(A.stride_w), std::int32_t(A.stride_h)},
                                               {std::int32_t(A.pad_left), std::int32_t(A.pad_top)},
                                               {l.act_min, l.act_max}};
  static void prepare() {
    need_scratch(arm_avgpool_s8_get_buffer_size(output_dims.w, input_dims.c));
  }
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    const cmsis_nn_context ctx = scratch_ctx();
    check(arm_avgpool_s8(&ctx, &params, &input_dims, in[0], &filter_dims, &output_dims, out), I);
  }
};

// global_avg_pool: arm_avgpool_s8 with the whole plane as the window.
template <std::size_t I, onnx2hpp::shape_type S, onnx2hpp::rounding_mode R>
struct op<I, onnx2hpp::global_avg_pool<S, R>> {
  using L = onnx2hpp::global_avg_pool<S, R>;
  static constexpr const L &l = node_at<I>::layer;
  static constexpr const char *fn = "arm_avgpool_s8";
  static constexpr bool same_quant = l.input_zero_point == l.output_zero_point &&
                                     l.multiplier.multiplier == (1 << 30) &&
                                     l.multiplier.shift == 1;
  static constexpr const char *note =
      same_quant ? ""
                 : "input and output quantization differ: CMSIS-NN cannot rescale (results differ)";
  static constexpr cmsis_nn_dims input_dims = nhwc_dims<S>();
  static constexpr cmsis_nn_dims output_dims = nhwc_dims<typename L::output_shape>();
  static constexpr cmsis_nn_dims filter_dims{1, input_dims.h, input_dims.w, 1};
  static constexpr cmsis_nn_pool_params params{{1, 1}, {0, 0}, {l.act_min, l.act_max}};
  static void prepare() {
    need_scratch(arm_avgpool_s8_get_buffer_size(output_dims.w, input_dims.c));
  }
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    const cmsis_nn_context ctx = scratch_ctx();
    check(arm_avgpool_s8(&ctx, &params, &input_dims, in[0], &filter_dims, &output_dims, out), I);
  }
};

// add (same shapes): arm_elementwise_add_s8, TFLite's arithmetic (the same as onnx2hpp's
// fixed-point add).
template <std::size_t I, onnx2hpp::shape_type A, onnx2hpp::shape_type B, onnx2hpp::rounding_mode R>
struct op<I, onnx2hpp::add<A, B, R>> {
  using L = onnx2hpp::add<A, B, R>;
  static constexpr const L &l = node_at<I>::layer;
  static constexpr bool same = std::is_same_v<A, B>;
  static constexpr const char *fn = same ? "arm_elementwise_add_s8" : "-";
  static constexpr const char *note =
      !same ? "broadcasting add: CMSIS-NN has none (TFLite Micro runs its reference kernel)"
      : l.lut != nullptr ? "fused table activation left out"
                         : "";
  static void prepare() {}
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    if constexpr (same) {
      constexpr auto &p = l.params;
      check(arm_elementwise_add_s8(in[0], in[1], -p.a_zero_point, p.a_multiplier.multiplier,
                                   p.a_multiplier.shift, -p.b_zero_point, p.b_multiplier.multiplier,
                                   p.b_multiplier.shift, p.left_shift, out, p.output_zero_point,
                                   p.output_multiplier.multiplier, p.output_multiplier.shift,
                                   p.act_min, p.act_max, std::int32_t(A::size)),
            I);
    }
  }
};

// mul (same shapes): arm_elementwise_mul_s8 (TFLite's Mul: one multiplier, no pre-shift).
template <std::size_t I, onnx2hpp::shape_type A, onnx2hpp::shape_type B, onnx2hpp::rounding_mode R>
struct op<I, onnx2hpp::mul<A, B, R>> {
  using L = onnx2hpp::mul<A, B, R>;
  static constexpr const L &l = node_at<I>::layer;
  static constexpr bool same = std::is_same_v<A, B>;
  static constexpr const char *fn = same ? "arm_elementwise_mul_s8" : "-";
  static constexpr const char *note = !same ? "broadcasting mul: CMSIS-NN has none"
                                            : "TFLite rounds Mul twice (results may differ)";
  static void prepare() {}
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    if constexpr (same) {
      constexpr auto &p = l.params;
      check(arm_elementwise_mul_s8(in[0], in[1], -p.a_zero_point, -p.b_zero_point, out,
                                   p.output_zero_point, p.output_multiplier.multiplier,
                                   p.output_multiplier.shift + p.left_shift, p.act_min, p.act_max,
                                   std::int32_t(A::size)),
            I);
    }
  }
};

// reshape: arm_reshape_s8 (a copy), skipped when the plan aliases output and input, as TFLite
// Micro skips the copy of an in-place reshape.
template <std::size_t I, onnx2hpp::shape_type S, onnx2hpp::shape_type O>
struct op<I, onnx2hpp::reshape<S, O>> {
  static constexpr const char *fn = "arm_reshape_s8";
  static constexpr const char *note = "";
  static void prepare() {}
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    if (in[0] != out)
      arm_reshape_s8(in[0], out, std::int32_t(S::size));
  }
};

// transpose (rank <= 4): arm_transpose_s8.
template <std::size_t I, onnx2hpp::shape_type S, std::size_t... Perm>
struct op<I, onnx2hpp::transpose<S, Perm...>> {
  using L = onnx2hpp::transpose<S, Perm...>;
  static constexpr bool ok = S::rank <= 4;
  static constexpr const char *fn = ok ? "arm_transpose_s8" : "-";
  static constexpr const char *note = ok ? "" : "rank > 4: CMSIS-NN transposes up to 4 dimensions";
  template <class Shape>
  static consteval cmsis_nn_dims dims() { // right-aligned to NHWC, leading 1s
    std::int32_t d[4] = {1, 1, 1, 1};
    for (std::size_t i = 0; i < Shape::rank && i < 4; ++i)
      d[4 - Shape::rank + i] = std::int32_t(Shape::dims[i]);
    return {d[0], d[1], d[2], d[3]};
  }
  static constexpr cmsis_nn_dims input_dims = dims<S>();
  static constexpr cmsis_nn_dims output_dims = dims<typename L::output_shape>();
  static constexpr std::array<std::uint32_t, sizeof...(Perm)> perm{std::uint32_t(Perm)...};
  static void prepare() {}
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    if constexpr (ok) {
      const cmsis_nn_transpose_params p{std::int32_t(S::rank), perm.data()};
      check(arm_transpose_s8(in[0], out, &input_dims, &output_dims, &p), I);
    }
  }
};

// pad (rank 4): arm_pad_s8.
template <std::size_t I, onnx2hpp::shape_type S, onnx2hpp::pad_amounts<S::rank> P>
struct op<I, onnx2hpp::pad<S, P>> {
  using L = onnx2hpp::pad<S, P>;
  static constexpr const L &l = node_at<I>::layer;
  static constexpr bool ok = S::rank == 4;
  static constexpr const char *fn = ok ? "arm_pad_s8" : "-";
  static constexpr const char *note = ok ? "" : "pad of rank != 4";
  static void prepare() {}
  static void run(const std::int8_t *const *in, std::int8_t *out) {
    if constexpr (ok) {
      constexpr cmsis_nn_dims input_dims = nhwc_dims<S>();
      constexpr cmsis_nn_dims pre{std::int32_t(P.begin[0]), std::int32_t(P.begin[1]),
                                  std::int32_t(P.begin[2]), std::int32_t(P.begin[3])};
      constexpr cmsis_nn_dims post{std::int32_t(P.end[0]), std::int32_t(P.end[1]),
                                   std::int32_t(P.end[2]), std::int32_t(P.end[3])};
      check(arm_pad_s8(in[0], out, l.value, &input_dims, &pre, &post), I);
    }
  }
};

/// Runs node I through its op: input and output pointers from the memory plan.
template <std::size_t I>
__attribute__((noinline)) void run_node() {
  using N = typename node_at<I>::node_type;
  std::array<const std::int8_t *, N::inputs::size> in{};
  for (std::size_t j = 0; j < in.size(); ++j)
    in[j] = bench::slot_ptr(N::inputs::slots[j]);
  op<I>::run(in.data(), bench::slot_ptr(N::output));
}

template <std::size_t... I>
void prepare_all(std::index_sequence<I...>) {
  (op<I>::prepare(), ...);
}

template <std::size_t... I>
__attribute__((noinline)) void run_all(std::index_sequence<I...>) {
  (run_node<I>(), ...);
}
using all_nodes = std::make_index_sequence<bench::graph_t::n_nodes>;

__attribute__((noinline)) void run_network() {
  run_all(all_nodes{});
}

#if BENCH_LAYERS
template <std::size_t... I>
void describe(std::index_sequence<I...>) {
  (std::printf("MAP %lu %s %s\n", ul(I), op<I>::fn, op<I>::note), ...);
}

__attribute__((section(".bench"))) std::uint64_t node_ticks[bench::graph_t::n_nodes];

template <std::size_t... I>
void run_timed(std::index_sequence<I...>) {
  (
      [] {
        const std::uint64_t t0 = bench_ticks();
        run_node<I>();
        node_ticks[I] = bench_ticks() - t0;
      }(),
      ...);
}

template <std::size_t... I>
void run_checked(std::index_sequence<I...>) {
  (
      [] {
        run_node<I>();
        using N = typename node_at<I>::node_type;
        std::printf("CHECK %lu %08lx\n", ul(I),
                    ul(bench_fnv(bench::slot_ptr(N::output), N::layer_type::output_shape::size)));
      }(),
      ...);
}
#endif

} // namespace

int main() {
  std::printf("BENCH side=cmsis-nn nodes=%lu macs=%lu\n", ul(bench::graph_t::n_nodes),
              ul(bench::graph_t::total_macs));
  bench_init();
  bench::fill_inputs();
  prepare_all(all_nodes{});
#if !BENCH_LAYERS
  bench_paint_stack();
  run_network(); // warm-up
  const std::size_t stack = bench_stack_used();
  const std::uint64_t t0 = bench_ticks();
  run_network();
  const std::uint64_t t1 = bench_ticks();
  run_network();
  const std::uint64_t t2 = bench_ticks();
  std::printf("NET ticks=%lu ticks_again=%lu\n", ul(t1 - t0), ul(t2 - t1));
  std::printf("STACK %lu\n", ul(stack));
  std::printf("RAM arena=%lu io=%lu scratch=%lu persistent=%lu\n", ul(bench::graph_t::arena_bytes),
              ul(bench::io_bytes), ul(scratch_bytes), ul(persistent_bytes));
  std::printf("OUT %08lx\n", ul(bench::outputs_checksum()));
#else
  describe(all_nodes{});
  run_network(); // warm-up
  run_checked(all_nodes{});
  const std::uint64_t t0 = bench_ticks();
  run_network();
  const std::uint64_t t1 = bench_ticks();
  run_timed(all_nodes{});
  std::printf("PLAIN ticks=%lu\n", ul(t1 - t0));
  for (std::size_t i = 0; i < bench::graph_t::n_nodes; ++i)
    std::printf("NODE %lu ticks=%lu\n", ul(i), ul(node_ticks[i]));
#endif
  std::printf("END\n");
  return 0;
}
