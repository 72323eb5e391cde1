// Writes the models the CLI tests feed to `onnx2hpp`: one good model and one per kind of bad
// input. Usage: onnx2hpp_codegen_fixtures DIR

#include "support/model_builder.hpp"

#include <cstdio>
#include <filesystem>

using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: onnx2hpp_codegen_fixtures DIR\n");
    return 2;
  }
  std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);

  auto good = small_qdq_cnn();
  good.save(dir / "good.onnx");

  std::string bytes;
  good.proto().SerializeToString(&bytes);
  write_file(dir / "truncated.onnx", bytes.substr(0, bytes.size() / 2));
  write_file(dir / "not_onnx.onnx", "name,value\nthis is,a CSV file\n");

  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    m.node("Tanh", {x}, "tanh_1");
    m.node("Tanh", {model_builder::out("tanh_1")}, "tanh_2");
    m.node("Erf", {model_builder::out("tanh_2")}, "erf_1");
    m.output(model_builder::out("erf_1"), TP::FLOAT, {1, 4});
    m.save(dir / "unsupported.onnx");
  }
  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 1, 4, 4});
    m.node("Conv", {x, m.floats("w", {2, 1, 1, 1}, {1, 2})}, "conv");
    m.node("Relu", {model_builder::out("conv")}, "relu");
    m.output(model_builder::out("relu"), TP::FLOAT, {1, 2, 4, 4});
    m.save(dir / "float.onnx");
  }
  qdq_around("Relu", {-1, 4}, {-1, 4}).save(dir / "dynamic.onnx");
  qdq_around("Relu", {1, 4}, {1, 4}, 0.0f).save(dir / "zero_scale.onnx");
  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 3, 3});
    auto xq = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
    auto w = m.int8s("w", {4, 2, 1, 1}, std::vector<int>(8, 1));
    auto &dq = m.node("DequantizeLinear",
                      {w, m.floats("ws", {3}, {0.1f, 0.1f, 0.1f}), m.int8s("wz", {3}, {0, 0, 0})},
                      "weights_dq");
    model_builder::attr(dq, "axis", std::int64_t{0});
    m.node("Conv", {xq, dq.output(0)}, "conv");
    m.output(m.dequantize(m.quantize(model_builder::out("conv"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
             {1, 4, 3, 3});
    m.save(dir / "axis_mismatch.onnx");
  }
  external_data_model().save(dir / "external_missing.onnx");
  op_zoo_model().save(dir / "op_zoo.onnx");
  {
    // A softmax over the middle axis of a 3-D tensor: valid and quantized, but the library's
    // softmax works on the last axis only, so the failure happens at emission, after everything
    // else succeeded.
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4, 3});
    auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
    auto &softmax = m.node("Softmax", {q}, "softmax_c");
    model_builder::attr(softmax, "axis", std::int64_t{1});
    m.output(m.dequantize(m.quantize(model_builder::out("softmax_c"), 1.0f / 256, -128), 1.0f / 256,
                          -128),
             TP::FLOAT, {1, 4, 3});
    m.save(dir / "no_layer.onnx");
  }
  {
    // Hand-checkable: x = [1, 2] (scale 0.5 -> q [2, 4]); W = [[2, 0], [0, -1]] * 0.25;
    // b = [4, 0] * 0.125; y = [0.5 * 1 + 0.5, -0.25 * 2] = [1, -0.5], exact at scale 0.5.
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto q = m.dequantize(m.quantize(x, 0.5f, 0, true), 0.5f, 0, true);
    auto w = m.dequantize_weights("w", {2, 2}, {2, 0, 0, -1}, {0.25f});
    auto b = m.dequantize_bias("b", {4, 0}, {0.125f});
    auto &gemm = m.node("Gemm", {q, w, b}, "fc");
    model_builder::attr(gemm, "transB", std::int64_t{1});
    auto y = m.quantize(gemm.output(0), 0.5f, 0, true);
    auto &dq = m.node("DequantizeLinear", {y, m.floats("ys", {}, {0.5f}), m.int8s("yz", {}, {0})},
                      "dequant");
    dq.set_output(0, "y");
    m.output("y", TP::FLOAT, {1, 2});
    m.save(dir / "hand_checked.onnx");
  }
  return 0;
}
