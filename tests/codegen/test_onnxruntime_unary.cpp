// lower/onnxruntime_unary: unary ONNX ops as onnxruntime evaluates them, their 256-entry tables,
// and their way from an ONNX node (import) to a table in the header (emit).

#include "emit/header.hpp"
#include "lower/lower.hpp"
#include "lower/onnxruntime_unary.hpp"
#include "passes/passes.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

/// x (float) -> Q -> DQ -> op -> Q -> DQ -> y, int8, shape [1, 4, 8, 8].
model_builder unary_model(const std::string &op, float in_scale, int in_zp, float out_scale,
                          int out_zp, std::int64_t opset = 13) {
  model_builder m(opset);
  auto x = m.input("x", TP::FLOAT, {1, 4, 8, 8});
  auto xd = m.dequantize(m.quantize(x, in_scale, in_zp, true), in_scale, in_zp, true);
  m.node(op, {xd}, "op");
  auto y = m.dequantize(m.quantize(model_builder::out("op"), out_scale, out_zp, true), out_scale,
                        out_zp, true);
  m.output(y, TP::FLOAT, {1, 4, 8, 8});
  return m;
}

ir::activation activation_of(const ir::graph &g) {
  auto ops = ops_of(g, ir::op_kind::activation);
  REQUIRE(ops.size() == 1);
  return ops[0]->get<ir::activation>();
}

ir::quantization per_tensor(float scale, int zp) {
  return ir::quantization::per_tensor(scale, zp);
}

} // namespace

TEST_SUITE("onnxruntime_unary") {

  TEST_CASE("each unary ONNX op imports as an activation with its attributes or their defaults") {
    struct row {
      const char *op;
      ir::activation_kind kind;
    };
    for (auto [op, kind] :
         {row{"HardSigmoid", ir::activation_kind::hard_sigmoid},
          row{"Tanh", ir::activation_kind::tanh}, row{"Elu", ir::activation_kind::elu},
          row{"Selu", ir::activation_kind::selu}, row{"Celu", ir::activation_kind::celu},
          row{"Softplus", ir::activation_kind::softplus},
          row{"Softsign", ir::activation_kind::softsign}, row{"Erf", ir::activation_kind::erf},
          row{"Exp", ir::activation_kind::exp}, row{"Log", ir::activation_kind::log},
          row{"Sqrt", ir::activation_kind::sqrt},
          row{"Reciprocal", ir::activation_kind::reciprocal}, row{"Abs", ir::activation_kind::abs},
          row{"Neg", ir::activation_kind::neg},
          row{"ThresholdedRelu", ir::activation_kind::thresholded_relu}}) {
      INFO(op);
      CHECK(activation_of(unary_model(op, 0.05f, 0, 0.02f, 0).import()).kind == kind);
    }
    auto hs = activation_of(unary_model("HardSigmoid", 0.05f, 0, 0.02f, 0).import());
    CHECK(hs.alpha == doctest::Approx(0.2));
    CHECK(hs.beta == doctest::Approx(0.5));
    auto selu = activation_of(unary_model("Selu", 0.05f, 0, 0.02f, 0).import());
    CHECK(static_cast<float>(selu.alpha) == 1.67326319217681884765625f);
    CHECK(static_cast<float>(selu.gamma) == 1.05070102214813232421875f);
    CHECK(activation_of(unary_model("Elu", 0.05f, 0, 0.02f, 0).import()).alpha == 1.0);

    auto torch = unary_model("HardSigmoid", 0.05f, 0, 0.02f, 0);
    model_builder::attr(*torch.proto().mutable_graph()->mutable_node(2), "alpha", 1.0f / 6.0f);
    auto a = activation_of(torch.import());
    CHECK(static_cast<float>(a.alpha) == 1.0f / 6.0f);
    CHECK(ir::to_string(a) == "hard_sigmoid(0.166667,0.5)");
  }

  TEST_CASE("PRelu with one slope is a LeakyRelu; a slope per channel is refused") {
    auto prelu = [](const std::vector<std::int64_t> &dims, const std::vector<float> &slope) {
      model_builder m;
      auto x = m.input("x", TP::FLOAT, {1, 4, 8, 8});
      auto xd = m.dequantize(m.quantize(x, 0.04f, 30, true), 0.04f, 30, true);
      m.node("PRelu", {xd, m.floats("slope", dims, slope)}, "op");
      auto y =
          m.dequantize(m.quantize(model_builder::out("op"), 0.02f, -50, true), 0.02f, -50, true);
      m.output(y, TP::FLOAT, {1, 4, 8, 8});
      return m;
    };
    auto g = passes::run_default_pipeline(prelu({1}, {0.25f}).import());
    auto a = activation_of(g);
    CHECK(a.kind == ir::activation_kind::leaky_relu);
    CHECK(a.alpha == 0.25);
    CHECK(ops_of(g, ir::op_kind::activation)[0]->inputs.size() == 1);
    auto [kind, message] = failure_of([&] {
      passes::run_default_pipeline(prelu({4, 1, 1}, {0.1f, 0.2f, 0.3f, 0.4f}).import());
    });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "'op' (PRelu)"));
    CHECK(contains(message, "slope of shape [4,1,1] is not supported"));
  }

  TEST_CASE("Celu with alpha 0 is refused with the node, op and attribute") {
    auto m = unary_model("Celu", 0.05f, 0, 0.02f, 0);
    model_builder::attr(*m.proto().mutable_graph()->mutable_node(2), "alpha", 0.0f);
    auto [kind, message] = failure_of([&] { m.import(); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "node 'op' (Celu)"));
    CHECK(contains(message, "alpha = 0"));
  }

  TEST_CASE("QuantizeLinear as MLAS: half to even, saturating, NaN to the lowest code") {
    CHECK(lower::onnxruntime_quantize(0.5f, 1.0f, 0) == 0);
    CHECK(lower::onnxruntime_quantize(1.5f, 1.0f, 0) == 2);
    CHECK(lower::onnxruntime_quantize(-2.5f, 1.0f, 3) == 1);
    CHECK(lower::onnxruntime_quantize(1000.0f, 0.5f, -10) == 127);
    CHECK(lower::onnxruntime_quantize(std::numeric_limits<float>::infinity(), 0.5f, 0) == 127);
    CHECK(lower::onnxruntime_quantize(-std::numeric_limits<float>::infinity(), 0.5f, 0) == -128);
    CHECK(lower::onnxruntime_quantize(std::nanf(""), 0.5f, 17) == -128);
  }

  TEST_CASE("HardSigmoid: alpha * x + beta in fp32, clamped to [0, 1]") {
    ir::activation a{.kind = ir::activation_kind::hard_sigmoid, .alpha = 0.2, .beta = 0.5};
    CHECK(lower::onnxruntime_unary(a, 0.0f) == 0.5f);
    CHECK(lower::onnxruntime_unary(a, 10.0f) == 1.0f);
    CHECK(lower::onnxruntime_unary(a, -2.5f) == 0.0f);
    CHECK(lower::onnxruntime_unary(a, 1.0f) == 0.2f * 1.0f + 0.5f);
    // Input scale 0.04, zero point 0; output fp32(1/255) = 0.0039215689, -128: code 0 is 0.5,
    // 0.5 / 0.0039215689 = 127.49999 -> 127 - 128 = -1. Codes from 63 (2.52) up saturate to 1.
    auto t = lower::unary_table(a, per_tensor(0.04f, 0), per_tensor(1.0f / 255.0f, -128));
    CHECK(t[128] == -1);
    CHECK(t[128 + 63] == 127);
    CHECK(t[0] == -128);
  }

  TEST_CASE("Tanh and Sigmoid are MLAS' polynomials, not the exact functions") {
    ir::activation tanh{.kind = ir::activation_kind::tanh};
    ir::activation sigmoid{.kind = ir::activation_kind::sigmoid};
    CHECK(lower::onnxruntime_unary(tanh, 0.0f) == 0.0f);
    CHECK(lower::onnxruntime_unary(tanh, -1.5f) == -lower::onnxruntime_unary(tanh, 1.5f));
    CHECK(lower::onnxruntime_unary(tanh, 50.0f) == lower::onnxruntime_unary(tanh, 9.0f));
    CHECK(lower::onnxruntime_unary(sigmoid, 0.0f) == 0.5f);
    CHECK(lower::onnxruntime_unary(sigmoid, 40.0f) == lower::onnxruntime_unary(sigmoid, 18.0f));
    // Near-ties found by search where the correctly rounded function quantizes one step away
    // from onnxruntime 1.30 (x86-64, FMA3); the expected codes are onnxruntime's.
    auto t = lower::unary_table(tanh, per_tensor(0.06914202f, -34), per_tensor(0.007843119f, -1));
    CHECK(t[65 + 128] == 126); // exact tanh: 127
    auto s = lower::unary_table(sigmoid, per_tensor(0.018999913707375526f, 23),
                                per_tensor(0.0040060980245471f, -128));
    CHECK(s[-56 + 128] == -82); // exact logistic: -83
    s = lower::unary_table(sigmoid, per_tensor(0.01492943987250328f, 3),
                           per_tensor(0.004005453549325466f, -128));
    CHECK(s[-111 + 128] == -89); // exact logistic: -90
  }

  TEST_CASE("Log, Sqrt, Reciprocal: infinities saturate, NaN is the lowest code") {
    auto in = per_tensor(0.5f, 0), out = per_tensor(0.1f, 0);
    auto log = lower::unary_table({.kind = ir::activation_kind::log}, in, out);
    CHECK(log[128] == -128);     // log 0 = -inf
    CHECK(log[128 - 1] == -128); // NaN
    CHECK(log[128 + 2] == 0);    // log 1
    auto sqrt = lower::unary_table({.kind = ir::activation_kind::sqrt}, in, out);
    CHECK(sqrt[128 - 1] == -128);
    CHECK(sqrt[128 + 8] == 20); // sqrt 4 = 2
    auto rec = lower::unary_table({.kind = ir::activation_kind::reciprocal}, in, out);
    CHECK(rec[128] == 127);   // 1 / 0 = inf
    CHECK(rec[128 + 4] == 5); // 1 / 2
  }

  TEST_CASE("a stand-alone unary op becomes an activation layer with the generator's table") {
    auto model = lower::lower(passes::run_default_pipeline(
        unary_model("HardSigmoid", 0.04f, 0, 1.0f / 255, -128).import()));
    auto text = emit::emit_header(model, {"m", "1"});
    CHECK(contains(text, "onnx2hpp::activation<onnx2hpp::shape<1, 8, 8, 4>>"));
    CHECK(contains(text, "hard_sigmoid(0.2,0.5): input scale 0.04f zero point 0"));
    // Entries q + 128: code -128 is -5.12, whose HardSigmoid is 0: the lowest code.
    auto table = text.substr(text.find("_lut{{"));
    CHECK(table.rfind("_lut{{\n    -128, -128,", 0) == 0);
    CHECK(contains(text, "{.lut = &"));
    CHECK_FALSE(contains(text, "make_activation_lut"));
  }
}
