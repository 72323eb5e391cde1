#include "import/dialect.hpp"

#include "diagnostics/error.hpp"

#include <fmt/format.h>
#include <set>

namespace onnx2hpp::codegen::importer {

namespace {

const std::set<std::string> qoperator_ops{
    "QLinearConv",        "QLinearMatMul",  "ConvInteger",      "MatMulInteger",
    "QLinearAdd",         "QLinearMul",     "QLinearConcat",    "QLinearGlobalAveragePool",
    "QLinearAveragePool", "QLinearSigmoid", "QLinearLeakyRelu", "QGemm"};

/// Who wrote a QDQ model, from ModelProto.producer_name.
std::string qdq_flavour(const onnx::ModelProto &model) {
  const auto &producer = model.producer_name();
  if (producer == "pytorch")
    return "QDQ (PyTorch export)";
  if (producer == "onnx.quantize" || producer.find("onnxruntime") != std::string::npos)
    return "QDQ (onnxruntime quantizer)";
  if (producer == "tf2onnx")
    return "QDQ (tf2onnx)";
  return "QDQ";
}

} // namespace

std::vector<std::string> recognize_dialects(const onnx::ModelProto &model) {
  bool qdq = false, qoperator = false, contrib = false;
  for (const auto &node : model.graph().node()) {
    if (node.op_type() == "QuantizeLinear" || node.op_type() == "DequantizeLinear")
      qdq = true;
    if (qoperator_ops.count(node.op_type())) {
      qoperator = true;
      contrib = contrib || node.domain() == "com.microsoft";
    }
  }
  std::vector<std::string> dialects;
  if (qdq)
    dialects.push_back(qdq_flavour(model));
  if (qoperator)
    dialects.push_back("QOperator");
  if (contrib)
    dialects.push_back("com.microsoft contrib ops");
  return dialects;
}

void reject_float_model(const onnx::ModelProto &model, const std::filesystem::path &path) {
  if (recognize_dialects(model).empty())
    throw error(
        failure::unsupported_model,
        fmt::format(
            "'{}' is a float model: it has no QuantizeLinear/DequantizeLinear nodes and no "
            "quantized operators (QLinearConv, QLinearMatMul, ...), and onnx2hpp generates int8 "
            "code only. Quantize it first, then convert the quantized model:\n"
            "  - onnxruntime: onnxruntime.quantization.quantize_static(model_input, "
            "model_output, calibration_data_reader, quant_format=QuantFormat.QDQ)\n"
            "  - PyTorch: post-training quantization (torch.ao.quantization: prepare, calibrate, "
            "convert), then torch.onnx.export of the quantized module",
            path.string()));
}

} // namespace onnx2hpp::codegen::importer
