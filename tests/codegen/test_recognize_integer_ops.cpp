// passes::recognize_integer_ops

#include "lower/lower.hpp"
#include "passes/passes.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

ir::graph recognized(const model_builder &m) {
  return passes::recognize_integer_ops(
      passes::recognize_qdq(passes::recognize_qoperator(passes::fold_constants(m.import()))));
}

/// x [1,2,3,3] -> Q(0.02, 128) -> ConvInteger(x_zp, w_zp) -> Cast -> Mul(scale) -> Add(bias)
/// -> Relu -> Q(0.05, 0) -> DQ -> y, as onnxruntime's integer-op quantization writes a conv.
model_builder conv_integer_net(const dims_t &scale_dims, const std::vector<float> &scale,
                               const dims_t &bias_dims, const std::vector<float> &bias,
                               int x_zero_point = 128) {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 2, 3, 3});
  auto q = m.quantize(x, 0.02f, 128);
  m.node("ConvInteger",
         {q, m.uint8s("w", {2, 2, 1, 1}, {130, 120, 128, 255}), m.uint8s("xz", {}, {x_zero_point}),
          m.uint8s("wz", {}, {128})},
         "ci");
  auto &cast = m.node("Cast", {model_builder::out("ci")}, "cast");
  model_builder::attr(cast, "to", std::int64_t{TP::FLOAT});
  m.node("Mul", {model_builder::out("cast"), m.floats("M", scale_dims, scale)}, "mul");
  m.node("Add", {model_builder::out("mul"), m.floats("b", bias_dims, bias)}, "add");
  m.node("Relu", {model_builder::out("add")}, "relu");
  auto y = m.quantize(model_builder::out("relu"), 0.05f, 0);
  m.output(m.dequantize(y, 0.05f, 0), TP::FLOAT, {1, 2, 3, 3});
  return m;
}

} // namespace

TEST_SUITE("recognize_integer_ops") {

  TEST_CASE("ConvInteger -> Cast -> Mul -> Add -> Relu -> QuantizeLinear is a requantizing conv") {
    auto net =
        conv_integer_net({1, 2, 1, 1}, {0.0001f, 0.0004f}, {1, 2, 1, 1}, {0.00123f, -0.0025f});
    auto g = recognized(net);
    REQUIRE(ops_of(g, ir::op_kind::conv).size() == 1);
    CHECK(ops_of(g, ir::op_kind::cast).empty());
    CHECK(ops_of(g, ir::op_kind::mul).empty());
    CHECK(ops_of(g, ir::op_kind::add).empty());
    const auto &c = *ops_of(g, ir::op_kind::conv)[0];
    CHECK(c.fused == std::vector<std::string>{"Cast cast", "Mul mul", "Add add"});
    // The input keeps the QuantizeLinear's real scale (not 1) and zero point.
    const auto &xq = *g.at(c.input(0)).quant;
    CHECK(xq.scale_at(0) == 0.02f);
    CHECK(xq.zero_point_at(0) == 128);
    // Weights: scale M / x_scale per output channel, the op's zero point.
    const auto &wq = *g.at(c.input(1)).quant;
    CHECK(wq.axis == 0);
    CHECK(wq.scale == std::vector<float>{static_cast<float>(double{0.0001f} / double{0.02f}),
                                         static_cast<float>(double{0.0004f} / double{0.02f})});
    CHECK(wq.zero_point_at(0) == 128);
    // Bias: round(b / M) in the accumulator scale M.
    REQUIRE(c.inputs.size() == 3);
    const auto &b = g.at(c.input(2));
    CHECK(b.type == ir::dtype::i32);
    CHECK(b.value->ints() == std::vector<std::int64_t>{12, -6}); // 12.3, -6.25
    CHECK(b.quant->scale == std::vector<float>{0.0001f, 0.0004f});
    // It writes the float sum; Relu and the QuantizeLinear follow and join it in the pipeline.
    CHECK(g.at(c.output()).name == "add_out");

    auto lowered = lower::lower(passes::run_default_pipeline(net.import()));
    REQUIRE(lowered.layers.size() == 1);
    const auto &[index, layer] = *lowered.layers.begin();
    const auto &op = lowered.graph.ops[index];
    CHECK(op.fused_activation->kind == ir::activation_kind::relu);
    CHECK(layer.bias == std::vector<std::int32_t>{12, -6});
    CHECK(layer.input_zero_point == 0);  // 128 - 128
    CHECK(layer.weight_zero_point == 0); // 128 - 128
    CHECK(layer.output_zero_point == -128);
    const float ws0 = static_cast<float>(double{0.0001f} / double{0.02f});
    CHECK(layer.float_scale.front() == (0.02f * ws0) / 0.05f);
  }

  TEST_CASE("MatMulInteger into a float graph output keeps int32 accumulators, dequantized") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 2, 2});
    auto q = m.quantize(x, 0.1f, 128);
    m.node("Flatten", {q}, "flatten");
    std::vector<int> w(24);
    for (int i = 0; i < 24; ++i)
      w[static_cast<std::size_t>(i)] = i - 12;
    m.node("MatMulInteger",
           {model_builder::out("flatten"), m.int8s("w", {8, 3}, w), m.uint8s("az", {}, {128}),
            m.int8s("bz", {}, {0})},
           "mmi");
    auto &cast = m.node("Cast", {model_builder::out("mmi")}, "cast");
    model_builder::attr(cast, "to", std::int64_t{TP::FLOAT});
    m.node("Mul", {m.floats("M", {}, {0.004f}), model_builder::out("cast")}, "mul");
    m.node("Add", {model_builder::out("mul"), m.floats("b", {3}, {0.011f, -0.02f, 0.0f})}, "add");
    m.output(model_builder::out("add"), TP::FLOAT, {1, 3});

    auto g = passes::run_default_pipeline(m.import());
    REQUIRE(ops_of(g, ir::op_kind::dense).size() == 1);
    const auto &d = *ops_of(g, ir::op_kind::dense)[0];
    CHECK(d.inputs.size() == 2);
    // Flatten moved the QuantizeLinear's integers: its output has their scale, not 1.
    CHECK(g.at(d.input(0)).quant->scale_at(0) == 0.1f);
    const auto &acc = g.at(d.output());
    CHECK(acc.type == ir::dtype::i32);
    REQUIRE(acc.quant);
    CHECK(acc.quant->axis == 1);
    CHECK(acc.quant->scale_at(2) == 0.004f);
    // real = M * (acc - zero_point), zero point = -round(b / M): 2.75 -> 3, -5, 0.
    CHECK(acc.quant->zero_point == std::vector<std::int32_t>{-3, 5, 0});
    REQUIRE(ops_of(g, ir::op_kind::dequantize).size() == 1);
    CHECK(ops_of(g, ir::op_kind::dequantize)[0]->input(0) == d.output());
    CHECK(g.at(ops_of(g, ir::op_kind::dequantize)[0]->output()).name == "add_out");
    auto lowered = lower::lower(g);
    CHECK(lowered.layers.begin()->second.int32_output);
  }

  TEST_CASE("what does not fit the pattern is refused with the reason") {
    {
      // A scale that varies over the spatial axes is not a per-channel scale.
      auto net = conv_integer_net({1, 1, 3, 3}, std::vector<float>(9, 0.001f), {}, {0.0f});
      auto [kind, message] = failure_of([&] { recognized(net); });
      CHECK(kind == failure::unsupported_model);
      CHECK(contains(message, "node 'ci' (ConvInteger)"));
      CHECK(contains(message, "Cast(float) -> Mul by a constant scale"));
      CHECK(contains(message, "has shape [1,1,3,3]"));
    }
    {
      // The op's input zero point must be the one the QuantizeLinear wrote with.
      auto net = conv_integer_net({}, {0.001f}, {}, {0.0f}, 100);
      auto [kind, message] = failure_of([&] { recognized(net); });
      CHECK(kind == failure::invalid_quantization);
      CHECK(contains(message, "input zero point 100"));
    }
  }
}
