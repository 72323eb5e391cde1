#include "import/contrib_schemas.hpp"

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>
#include <onnx2hpp/layers/pooling.hpp>

#include <mutex>
#include <vector>

namespace onnx2hpp::codegen::importer {

namespace {

using onnx::InferenceContext;
using onnx::OpSchema;

constexpr const char *domain = "com.microsoft";
const std::vector<std::string> int8_types{"tensor(uint8)", "tensor(int8)"};

/// Output 0 takes input 0's element type and shape (point-wise ops).
void same_as_first_input(InferenceContext &ctx) {
  onnx::propagateElemTypeFromInputToOutput(ctx, 0, 0);
  if (onnx::hasInputShape(ctx, 0))
    onnx::propagateShapeFromInputToOutput(ctx, 0, 0);
}

/// QLinearAdd/QLinearMul: numpy broadcasting of A (input 0) and B (input 3).
void broadcast_a_and_b(InferenceContext &ctx) {
  onnx::propagateElemTypeFromInputToOutput(ctx, 0, 0);
  if (onnx::hasInputShape(ctx, 0) && onnx::hasInputShape(ctx, 3))
    onnx::bidirectionalBroadcastShapeInference(
        onnx::getInputShape(ctx, 0), onnx::getInputShape(ctx, 3), *onnx::getOutputShape(ctx, 0));
}

/// The spatial axes of X: 2.. for NCHW, 1..rank-2 for channels_last.
std::pair<int, int> spatial_axes(InferenceContext &ctx, int rank) {
  bool channels_last = onnx::getAttribute(ctx, "channels_last", 0) != 0;
  return channels_last ? std::pair{1, rank - 1} : std::pair{2, rank};
}

void global_pool_shape(InferenceContext &ctx) {
  onnx::propagateElemTypeFromInputToOutput(ctx, 0, 0);
  if (!onnx::hasInputShape(ctx, 0))
    return;
  const auto &in = onnx::getInputShape(ctx, 0);
  auto [first, last] = spatial_axes(ctx, in.dim_size());
  auto *out = onnx::getOutputShape(ctx, 0);
  for (int i = 0; i < in.dim_size(); ++i) {
    if (i >= first && i < last)
      out->add_dim()->set_dim_value(1);
    else
      *out->add_dim() = in.dim(i);
  }
}

/// AveragePool arithmetic: the library's pool_output_extent (floor, or ceil with onnxruntime's
/// rule for a last window that would start in the trailing padding), with SAME_* giving
/// ceil(in / stride) and VALID ceil((in - kernel + 1) / stride).
void average_pool_shape(InferenceContext &ctx) {
  onnx::propagateElemTypeFromInputToOutput(ctx, 0, 0);
  if (!onnx::hasInputShape(ctx, 0))
    return;
  const auto &in = onnx::getInputShape(ctx, 0);
  auto [first, last] = spatial_axes(ctx, in.dim_size());
  std::vector<std::int64_t> kernel, strides, pads;
  onnx::getRepeatedAttribute(ctx, "kernel_shape", kernel);
  onnx::getRepeatedAttribute(ctx, "strides", strides);
  onnx::getRepeatedAttribute(ctx, "pads", pads);
  auto spatial = static_cast<std::size_t>(last - first);
  if (kernel.size() != spatial)
    fail_shape_inference("QLinearAveragePool: kernel_shape must have one entry per spatial axis");
  strides.resize(spatial, 1);
  pads.resize(2 * spatial, 0);
  bool ceil_mode = onnx::getAttribute(ctx, "ceil_mode", 0) != 0;
  std::string auto_pad = onnx::getAttribute(ctx, "auto_pad", "NOTSET");
  auto *out = onnx::getOutputShape(ctx, 0);
  for (int i = 0; i < in.dim_size(); ++i) {
    auto *d = out->add_dim();
    if (i < first || i >= last) {
      *d = in.dim(i);
      continue;
    }
    if (!in.dim(i).has_dim_value())
      continue;
    auto s = static_cast<std::size_t>(i - first);
    std::int64_t size = in.dim(i).dim_value();
    std::int64_t value = 0;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER")
      value = (size + strides[s] - 1) / strides[s];
    else if (auto_pad == "VALID")
      value = (size - kernel[s] + strides[s]) / strides[s];
    else {
      if (size + pads[s] + pads[s + spatial] < kernel[s] || strides[s] < 1 || pads[s] < 0 ||
          pads[s + spatial] < 0)
        fail_shape_inference("QLinearAveragePool: the window does not fit the padded input");
      auto extent = [](std::int64_t v) { return static_cast<std::size_t>(v); };
      value = static_cast<std::int64_t>(
          onnx2hpp::pool_output_extent(extent(size), extent(pads[s]), extent(pads[s + spatial]),
                                       extent(kernel[s]), extent(strides[s]), 1, ceil_mode));
    }
    d->set_dim_value(value);
  }
}

/// QLinearConcat: Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per input.
void concat_shape(InferenceContext &ctx) {
  if (ctx.getNumInputs() < 5 || (ctx.getNumInputs() - 2) % 3 != 0)
    fail_shape_inference("QLinearConcat: inputs must be Y_scale, Y_zero_point, then triples");
  onnx::propagateElemTypeFromInputToOutput(ctx, 1, 0);
  std::int64_t axis = onnx::getAttribute(ctx, "axis", 0);
  const onnx::TensorShapeProto *first = nullptr;
  std::int64_t total = 0;
  bool total_known = true;
  for (std::size_t i = 2; i < ctx.getNumInputs(); i += 3) {
    if (!onnx::hasInputShape(ctx, i))
      return;
    const auto &s = onnx::getInputShape(ctx, i);
    if (!first)
      first = &s;
    auto rank = s.dim_size();
    auto a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
      fail_shape_inference("QLinearConcat: axis out of range");
    if (s.dim(static_cast<int>(a)).has_dim_value())
      total += s.dim(static_cast<int>(a)).dim_value();
    else
      total_known = false;
  }
  auto *out = onnx::getOutputShape(ctx, 0);
  auto a = axis < 0 ? axis + first->dim_size() : axis;
  for (int i = 0; i < first->dim_size(); ++i) {
    auto *d = out->add_dim();
    if (i != a)
      *d = first->dim(i);
    else if (total_known)
      d->set_dim_value(total);
  }
}

/// QGemm: Y[M,N] = alpha * op(A) op(B) (+ C); float output when y_scale is absent.
void gemm_shape(InferenceContext &ctx) {
  bool quantized_output = ctx.getNumInputs() > 7 && ctx.getInputType(7) != nullptr;
  if (quantized_output)
    onnx::propagateElemTypeFromInputToOutput(ctx, 0, 0);
  else
    onnx::updateOutputElemType(ctx, 0, onnx::TensorProto::FLOAT);
  if (!onnx::hasInputShape(ctx, 0) || !onnx::hasInputShape(ctx, 3))
    return;
  const auto &a = onnx::getInputShape(ctx, 0);
  const auto &b = onnx::getInputShape(ctx, 3);
  if (a.dim_size() != 2 || b.dim_size() != 2)
    fail_shape_inference("QGemm: A and B must be 2-D");
  bool trans_a = onnx::getAttribute(ctx, "transA", 0) != 0;
  bool trans_b = onnx::getAttribute(ctx, "transB", 0) != 0;
  auto *out = onnx::getOutputShape(ctx, 0);
  *out->add_dim() = a.dim(trans_a ? 1 : 0);
  *out->add_dim() = b.dim(trans_b ? 0 : 1);
}

/// Inputs X, X_scale, X_zero_point, Y_scale, Y_zero_point shared by the point-wise and pooling ops.
OpSchema &unary_quantized_io(OpSchema &s) {
  return s.Input(0, "X", "quantized input", "T")
      .Input(1, "X_scale", "input scale", "tensor(float)")
      .Input(2, "X_zero_point", "input zero point", "T", OpSchema::Optional)
      .Input(3, "Y_scale", "output scale", "tensor(float)")
      .Input(4, "Y_zero_point", "output zero point", "T", OpSchema::Optional)
      .Output(0, "Y", "quantized output", "T")
      .TypeConstraint("T", int8_types, "8-bit integer tensors");
}

OpSchema binary_quantized(const char *name) {
  OpSchema s;
  s.SetName(name)
      .SetDomain(domain)
      .SinceVersion(1)
      .Input(0, "A", "first operand", "T")
      .Input(1, "A_scale", "", "tensor(float)")
      .Input(2, "A_zero_point", "", "T", OpSchema::Optional)
      .Input(3, "B", "second operand", "T")
      .Input(4, "B_scale", "", "tensor(float)")
      .Input(5, "B_zero_point", "", "T", OpSchema::Optional)
      .Input(6, "C_scale", "", "tensor(float)")
      .Input(7, "C_zero_point", "", "T", OpSchema::Optional)
      .Output(0, "C", "result", "T")
      .TypeConstraint("T", int8_types, "8-bit integer tensors")
      .TypeAndShapeInferenceFunction(broadcast_a_and_b);
  return s;
}

OpSchema unary_quantized(const char *name, void (*inference)(InferenceContext &)) {
  OpSchema s;
  s.SetName(name).SetDomain(domain).SinceVersion(1);
  unary_quantized_io(s).TypeAndShapeInferenceFunction(inference);
  return s;
}

void register_all() {
  auto &domains = onnx::OpSchemaRegistry::DomainToVersionRange::Instance();
  if (domains.Map().count(domain) == 0)
    domains.AddDomainToVersion(domain, 1, 1);

  onnx::RegisterSchema(binary_quantized("QLinearAdd"));
  onnx::RegisterSchema(binary_quantized("QLinearMul"));
  onnx::RegisterSchema(unary_quantized("QLinearSigmoid", same_as_first_input));

  auto leaky = unary_quantized("QLinearLeakyRelu", same_as_first_input);
  leaky.Attr("alpha", "slope for x < 0", onnx::AttributeProto::FLOAT, 0.01f);
  onnx::RegisterSchema(leaky);

  auto global_pool = unary_quantized("QLinearGlobalAveragePool", global_pool_shape);
  global_pool.Attr("channels_last", "1 if X is NHWC", onnx::AttributeProto::INT,
                   static_cast<std::int64_t>(0));
  onnx::RegisterSchema(global_pool);

  auto pool = unary_quantized("QLinearAveragePool", average_pool_shape);
  pool.Attr("channels_last", "1 if X is NHWC", onnx::AttributeProto::INT,
            static_cast<std::int64_t>(0))
      .Attr("auto_pad", "as AveragePool", onnx::AttributeProto::STRING, std::string("NOTSET"))
      .Attr("ceil_mode", "as AveragePool", onnx::AttributeProto::INT, static_cast<std::int64_t>(0))
      .Attr("count_include_pad", "as AveragePool", onnx::AttributeProto::INT,
            static_cast<std::int64_t>(0))
      .Attr("kernel_shape", "as AveragePool", onnx::AttributeProto::INTS)
      .Attr("pads", "as AveragePool", onnx::AttributeProto::INTS, false)
      .Attr("strides", "as AveragePool", onnx::AttributeProto::INTS, false);
  onnx::RegisterSchema(pool);

  OpSchema concat;
  concat.SetName("QLinearConcat")
      .SetDomain(domain)
      .SinceVersion(1)
      .Input(0, "Y_scale", "output scale", "TF")
      .Input(1, "Y_zero_point", "output zero point", "T8")
      .Input(2, "inputs", "(X, X_scale, X_zero_point) per concatenated tensor", "TV",
             OpSchema::Variadic, false)
      .Output(0, "Y", "result", "T8")
      .TypeConstraint("TF", {"tensor(float)"}, "scales")
      .TypeConstraint("T8", int8_types, "8-bit integer tensors")
      .TypeConstraint("TV", {"tensor(uint8)", "tensor(int8)", "tensor(float)"}, "inputs")
      .Attr("axis", "concatenation axis", onnx::AttributeProto::INT)
      .TypeAndShapeInferenceFunction(concat_shape);
  onnx::RegisterSchema(concat);

  OpSchema gemm;
  gemm.SetName("QGemm")
      .SetDomain(domain)
      .SinceVersion(1)
      .Input(0, "A", "", "TA")
      .Input(1, "a_scale", "", "tensor(float)")
      .Input(2, "a_zero_point", "", "TA")
      .Input(3, "B", "", "TB")
      .Input(4, "b_scale", "", "tensor(float)")
      .Input(5, "b_zero_point", "", "TB")
      .Input(6, "C", "int32 bias in scale a_scale * b_scale", "TC", OpSchema::Optional)
      .Input(7, "y_scale", "", "tensor(float)", OpSchema::Optional)
      .Input(8, "y_zero_point", "", "TYZ", OpSchema::Optional)
      .Output(0, "Y", "", "TY")
      .TypeConstraint("TA", int8_types, "")
      .TypeConstraint("TB", int8_types, "")
      .TypeConstraint("TC", {"tensor(int32)"}, "")
      .TypeConstraint("TYZ", int8_types, "")
      .TypeConstraint("TY", {"tensor(float)", "tensor(uint8)", "tensor(int8)"}, "")
      .Attr("alpha", "", onnx::AttributeProto::FLOAT, 1.0f)
      .Attr("transA", "", onnx::AttributeProto::INT, static_cast<std::int64_t>(0))
      .Attr("transB", "", onnx::AttributeProto::INT, static_cast<std::int64_t>(0))
      .TypeAndShapeInferenceFunction(gemm_shape);
  onnx::RegisterSchema(gemm);
}

} // namespace

void register_contrib_schemas() {
  static std::once_flag once;
  std::call_once(once, register_all);
}

} // namespace onnx2hpp::codegen::importer
