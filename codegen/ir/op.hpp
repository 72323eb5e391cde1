#pragma once
// An operation of the IR: what it computes (kind + typed attributes) and which tensors it reads
// and writes.
//
// Import translates each ONNX node one to one, so the first IR of a model still has ONNX-level
// kinds (QuantizeLinear, Gemm, Shape, QLinearConv, ...). The passes rewrite those into the small
// set the library implements; `is_core` says which kinds may remain after them (the table in
// ir/op_traits.cpp says what else the generator knows about each kind). Whether an op is
// quantized is not part of its kind: it is read from the quantization of the tensors it touches.

#include "ir/tensor.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace onnx2hpp::codegen::ir {

/// Adding a kind: add its row to the table in ir/op_traits.cpp, at the same position.
enum class op_kind : std::uint8_t {
  // -- kinds that remain after the passes -------------------------------------------------------
  quantize,     ///< float -> int (graph input boundary); before recognize_qdq: QuantizeLinear
  dequantize,   ///< int -> float (graph output boundary); before recognize_qdq: DequantizeLinear
  requantize,   ///< int -> int with other scale/zero point
  conv,         ///< 2-D convolution, any group count; input, weights [O,I/g,kH,kW], bias
  dense,        ///< fully connected over the last axis; input, weights [out][in], bias
  batch_matmul, ///< A [batch..., M, K] x B [batch..., K, N], both computed (numpy batch broadcast)
  max_pool,
  average_pool,
  global_average_pool,
  add, ///< element-wise, numpy broadcasting
  mul, ///< element-wise, numpy broadcasting
  concat,
  reshape, ///< same elements, same order, new shape (the output tensor's)
  transpose,
  slice,
  resize, ///< nearest neighbour
  softmax,
  activation, ///< a stand-alone Relu/Clip/LeakyRelu/HardSwish/Sigmoid
  pad,        ///< constant padding that could not be fused into its consumer
  // -- ONNX-level kinds that the passes rewrite -------------------------------------------------
  constant, ///< Constant: its output tensor already carries the value
  constant_of_shape,
  shape,
  gather,
  cast,
  identity, ///< Identity, Dropout (inference)
  squeeze,
  unsqueeze,
  flatten,
  sub, ///< only in shape arithmetic
  div, ///< only in shape arithmetic
  gemm,
  matmul,
  batch_norm,
  reduce_mean,
  clip,                        ///< Clip with min/max as inputs (opset >= 11)
  prelu,                       ///< PRelu with its slope as an input (a scalar: a leaky_relu)
  qlinear_conv,                ///< QLinearConv
  qlinear_matmul,              ///< QLinearMatMul
  conv_integer,                ///< ConvInteger
  matmul_integer,              ///< MatMulInteger
  qlinear_add,                 ///< com.microsoft QLinearAdd
  qlinear_mul,                 ///< com.microsoft QLinearMul
  qlinear_global_average_pool, ///< com.microsoft QLinearGlobalAveragePool
  qlinear_average_pool,        ///< com.microsoft QLinearAveragePool
  qlinear_concat,              ///< com.microsoft QLinearConcat
  qlinear_activation,          ///< com.microsoft QLinearSigmoid / QLinearLeakyRelu
  qgemm,                       ///< com.microsoft QGemm
  removed,                     ///< tombstone left by a pass; graph::sweep erases it
};

/// The kind's name (its op_traits row).
std::string_view name_of(op_kind k);
/// True for the kinds the library implements (op_traits::core).
bool is_core(op_kind k);

/// ONNX Conv attributes for 2-D (a 1-D conv is imported as H = 1).
struct conv_attrs {
  std::array<std::int64_t, 2> kernel{1, 1};     ///< kH, kW
  std::array<std::int64_t, 2> strides{1, 1};    ///< sH, sW
  std::array<std::int64_t, 2> dilations{1, 1};  ///< dH, dW
  std::array<std::int64_t, 4> pads{0, 0, 0, 0}; ///< top, left, bottom, right
  std::int64_t group = 1;
};

struct pool_attrs {
  std::array<std::int64_t, 2> kernel{1, 1};
  std::array<std::int64_t, 2> strides{1, 1};
  std::array<std::int64_t, 2> dilations{1, 1};
  std::array<std::int64_t, 4> pads{0, 0, 0, 0}; ///< top, left, bottom, right
  bool ceil_mode = false;
  bool count_include_pad = false; ///< AveragePool only
};

/// A single axis: Concat, Softmax, Gather, Flatten, QuantizeLinear/DequantizeLinear.
struct axis_attrs {
  std::int64_t axis = 0;
};

/// Transpose: output dim i is input dim perm[i].
struct perm_attrs {
  std::vector<std::int64_t> perm;
};

/// Squeeze/Unsqueeze (when axes are attributes) and ReduceMean.
struct axes_attrs {
  std::vector<std::int64_t> axes;
  bool keepdims = true;
};

/// Slice once its operands are constants: one entry per sliced axis.
struct slice_attrs {
  std::vector<std::int64_t> starts, ends, axes, steps;
};

/// Pad: ONNX order (all begins, then all ends), constant value in the input's real domain.
struct pad_attrs {
  std::vector<std::int64_t> pads;
  std::string mode = "constant";
  double value = 0.0;
};

/// Resize attributes. `scales` is filled by the passes with one scale per axis of the input
/// (float values, as onnxruntime uses them: the scales operand on `axes`, or float(size) /
/// float(input extent) for the sizes operand, 1 on the other axes). Resize-10 has no mode
/// attributes (asymmetric + nearest_mode "simple") and its scales are input 1.
struct resize_attrs {
  std::string mode = "nearest";
  std::string coordinate_transformation_mode = "half_pixel";
  std::string nearest_mode = "round_prefer_floor";
  std::string keep_aspect_ratio_policy = "stretch";
  std::vector<std::int64_t> axes; ///< opset 18+: the axes the scales/sizes operand refers to
  std::size_t scales_input = 2;   ///< index of the scales operand (1 in Resize-10)
  std::vector<double> scales;
};

struct cast_attrs {
  dtype to = dtype::f32;
};

/// ConstantOfShape's fill value (a one-element tensor).
struct fill_attrs {
  constant_data value;
};

struct gemm_attrs {
  double alpha = 1.0;
  double beta = 1.0;
  bool trans_a = false;
  bool trans_b = false;
};

struct batch_norm_attrs {
  double epsilon = 1e-5;
};

/// A point-wise (unary) function of one real value. relu, clip, leaky_relu, hard_swish and
/// sigmoid may also fuse into the layer producing their input (a clamp or the library's table);
/// every kind runs as a stand-alone 256-entry table computed by the generator
/// (lower/onnxruntime_unary.hpp), as onnxruntime evaluates the ONNX operator.
enum class activation_kind : std::uint8_t {
  relu,
  clip,
  leaky_relu,
  hard_swish,
  sigmoid,
  hard_sigmoid,
  tanh,
  elu,
  selu,
  celu,
  softplus,
  softsign,
  erf,
  exp,
  log,
  sqrt,
  reciprocal,
  abs,
  neg,
  thresholded_relu,
  mish,
  gelu,
};
std::string_view name_of(activation_kind k);

/// A point-wise activation, in the real domain: relu(x) = max(x, 0); clip(x) = min(max(x, min),
/// max); leaky_relu(x) = x >= 0 ? x : alpha * x; hard_swish(x) = x * relu6(x + 3) / 6;
/// sigmoid(x) = 1 / (1 + exp(-x)); the others as their ONNX operator, with its float attributes
/// (defaults as the ONNX spec): alpha of LeakyRelu, HardSigmoid, Elu, Selu, Celu and
/// ThresholdedRelu, beta of HardSigmoid, gamma of Selu, Gelu's `approximate` ("tanh": tanh_gelu).
struct activation {
  activation_kind kind = activation_kind::relu;
  double alpha = 0.01;    ///< leaky_relu, hard_sigmoid, elu, selu, celu, thresholded_relu
  double beta = 0.0;      ///< hard_sigmoid
  double gamma = 0.0;     ///< selu
  bool tanh_gelu = false; ///< gelu with approximate="tanh"
  double min = 0.0;       ///< clip
  double max = 0.0;       ///< clip
};
std::string to_string(const activation &a);
/// The kinds that may fuse into the op producing their input (`fuse_activations`): a clamp
/// (Relu, Clip) or a table the library builds (LeakyRelu, HardSwish, Sigmoid).
inline bool is_fusable(const activation &a) {
  return a.kind == activation_kind::relu || a.kind == activation_kind::clip ||
         a.kind == activation_kind::leaky_relu || a.kind == activation_kind::hard_swish ||
         a.kind == activation_kind::sigmoid;
}
/// Relu and Clip: a clamp of the quantized output (no table).
inline bool is_clamp(const activation &a) {
  return a.kind == activation_kind::relu || a.kind == activation_kind::clip;
}

using attributes = std::variant<std::monostate, conv_attrs, pool_attrs, axis_attrs, perm_attrs,
                                axes_attrs, slice_attrs, pad_attrs, resize_attrs, cast_attrs,
                                fill_attrs, gemm_attrs, batch_norm_attrs, activation>;

using tensor_id = std::uint32_t;
inline constexpr tensor_id no_tensor = ~tensor_id{0}; ///< an absent optional input

struct op {
  op_kind kind = op_kind::removed;
  std::string name;      ///< the ONNX node name (or a generated one for ops a pass inserts)
  std::string onnx_type; ///< the ONNX op type it was imported from, e.g. "QLinearConv"
  std::vector<tensor_id> inputs;
  std::vector<tensor_id> outputs;
  attributes attrs;
  std::optional<activation> fused_activation; ///< applied to the result before quantization
  std::vector<std::string> fused; ///< "<OnnxType> <node name>" of every node merged into this op

  tensor_id input(std::size_t i) const { return i < inputs.size() ? inputs[i] : no_tensor; }
  tensor_id output(std::size_t i = 0) const { return outputs.at(i); }

  template <class A>
  A &get() {
    return std::get<A>(attrs);
  }
  template <class A>
  const A &get() const {
    return std::get<A>(attrs);
  }
};

} // namespace onnx2hpp::codegen::ir
