#include "import/supported_ops.hpp"

#include "diagnostics/error.hpp"

#include <array>
#include <fmt/format.h>
#include <map>
#include <vector>

namespace onnx2hpp::codegen::importer {

namespace {

using ir::op_kind;

struct supported_op {
  std::string_view domain; ///< "" (ai.onnx) or "com.microsoft"
  std::string_view op_type;
  op_kind kind;
};

constexpr std::array supported_ops{
    supported_op{"", "Abs", op_kind::activation},
    supported_op{"", "Add", op_kind::add},
    supported_op{"", "AveragePool", op_kind::average_pool},
    supported_op{"", "BatchNormalization", op_kind::batch_norm},
    supported_op{"", "Cast", op_kind::cast},
    supported_op{"", "Celu", op_kind::activation},
    supported_op{"", "Clip", op_kind::clip},
    supported_op{"", "Concat", op_kind::concat},
    supported_op{"", "Constant", op_kind::constant},
    supported_op{"", "ConstantOfShape", op_kind::constant_of_shape},
    supported_op{"", "Conv", op_kind::conv},
    supported_op{"", "ConvInteger", op_kind::conv_integer},
    supported_op{"", "DequantizeLinear", op_kind::dequantize},
    supported_op{"", "Div", op_kind::div},
    supported_op{"", "Dropout", op_kind::identity},
    supported_op{"", "Elu", op_kind::activation},
    supported_op{"", "Erf", op_kind::activation},
    supported_op{"", "Exp", op_kind::activation},
    supported_op{"", "Flatten", op_kind::flatten},
    supported_op{"", "Gather", op_kind::gather},
    supported_op{"", "Gelu", op_kind::activation},
    supported_op{"", "Gemm", op_kind::gemm},
    supported_op{"", "GlobalAveragePool", op_kind::global_average_pool},
    supported_op{"", "HardSigmoid", op_kind::activation},
    supported_op{"", "HardSwish", op_kind::activation},
    supported_op{"", "Identity", op_kind::identity},
    supported_op{"", "LeakyRelu", op_kind::activation},
    supported_op{"", "Log", op_kind::activation},
    supported_op{"", "MatMul", op_kind::matmul},
    supported_op{"", "MatMulInteger", op_kind::matmul_integer},
    supported_op{"", "MaxPool", op_kind::max_pool},
    supported_op{"", "Mish", op_kind::activation},
    supported_op{"", "Mul", op_kind::mul},
    supported_op{"", "Neg", op_kind::activation},
    supported_op{"", "Pad", op_kind::pad},
    supported_op{"", "PRelu", op_kind::prelu},
    supported_op{"", "QLinearConv", op_kind::qlinear_conv},
    supported_op{"", "QLinearMatMul", op_kind::qlinear_matmul},
    supported_op{"", "QuantizeLinear", op_kind::quantize},
    supported_op{"", "Reciprocal", op_kind::activation},
    supported_op{"", "ReduceMean", op_kind::reduce_mean},
    supported_op{"", "Relu", op_kind::activation},
    supported_op{"", "Reshape", op_kind::reshape},
    supported_op{"", "Resize", op_kind::resize},
    supported_op{"", "Selu", op_kind::activation},
    supported_op{"", "Shape", op_kind::shape},
    supported_op{"", "Sigmoid", op_kind::activation},
    supported_op{"", "Slice", op_kind::slice},
    supported_op{"", "Softmax", op_kind::softmax},
    supported_op{"", "Softplus", op_kind::activation},
    supported_op{"", "Softsign", op_kind::activation},
    supported_op{"", "Sqrt", op_kind::activation},
    supported_op{"", "Squeeze", op_kind::squeeze},
    supported_op{"", "Sub", op_kind::sub},
    supported_op{"", "Tanh", op_kind::activation},
    supported_op{"", "ThresholdedRelu", op_kind::activation},
    supported_op{"", "Transpose", op_kind::transpose},
    supported_op{"", "Unsqueeze", op_kind::unsqueeze},
    supported_op{"com.microsoft", "QGemm", op_kind::qgemm},
    supported_op{"com.microsoft", "QLinearAdd", op_kind::qlinear_add},
    supported_op{"com.microsoft", "QLinearAveragePool", op_kind::qlinear_average_pool},
    supported_op{"com.microsoft", "QLinearConcat", op_kind::qlinear_concat},
    supported_op{"com.microsoft", "QLinearGlobalAveragePool", op_kind::qlinear_global_average_pool},
    supported_op{"com.microsoft", "QLinearLeakyRelu", op_kind::qlinear_activation},
    supported_op{"com.microsoft", "QLinearMul", op_kind::qlinear_mul},
    supported_op{"com.microsoft", "QLinearSigmoid", op_kind::qlinear_activation},
};

/// Advice for unsupported ops that people meet often.
std::string_view hint_for(std::string_view op_type) {
  if (op_type == "DynamicQuantizeLinear")
    return " (dynamic quantization computes scales at run time; quantize the model statically, "
           "e.g. onnxruntime.quantization.quantize_static)";
  if (op_type == "ConvTranspose")
    return " (transposed convolution is not implemented yet)";
  if (op_type == "LSTM" || op_type == "GRU" || op_type == "RNN")
    return " (recurrent layers are not supported)";
  return "";
}

std::string_view normalised_domain(std::string_view domain) {
  return domain == "ai.onnx" ? std::string_view() : domain;
}

} // namespace

std::optional<ir::op_kind> imported_kind(std::string_view domain, std::string_view op_type) {
  domain = normalised_domain(domain);
  for (const auto &op : supported_ops)
    if (op.domain == domain && op.op_type == op_type)
      return op.kind;
  return std::nullopt;
}

std::string supported_op_list() {
  std::vector<std::string> names;
  for (const auto &op : supported_ops)
    names.push_back(op.domain.empty() ? std::string(op.op_type)
                                      : fmt::format("{}.{}", op.domain, op.op_type));
  return fmt::format("{}", fmt::join(names, ", "));
}

void reject_unsupported_ops(const onnx::ModelProto &model, const std::filesystem::path &path) {
  std::vector<std::string> lines;
  std::map<std::string, int> count_by_op;
  for (const auto &node : model.graph().node()) {
    if (imported_kind(node.domain(), node.op_type()))
      continue;
    auto op = normalised_domain(node.domain()).empty()
                  ? node.op_type()
                  : fmt::format("{}.{}", node.domain(), node.op_type());
    ++count_by_op[op];
    lines.push_back(fmt::format("  node '{}': {}{}", node.name(), op, hint_for(node.op_type())));
  }
  if (lines.empty())
    return;
  std::vector<std::string> ops;
  for (const auto &[op, count] : count_by_op)
    ops.push_back(op);
  throw error(failure::unsupported_model,
              fmt::format("'{}' uses {} operator{} that onnx2hpp does not support ({}):\n{}\n"
                          "Supported operators: {}",
                          path.string(), ops.size(), ops.size() == 1 ? "" : "s",
                          fmt::join(ops, ", "), fmt::join(lines, "\n"), supported_op_list()));
}

} // namespace onnx2hpp::codegen::importer
