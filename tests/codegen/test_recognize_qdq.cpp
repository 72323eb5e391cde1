// passes::recognize_qdq

#include "passes/passes.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

ir::graph recognized(const model_builder &m) {
  return passes::recognize_qdq(passes::drop_identities(passes::fold_constants(m.import())));
}

} // namespace

TEST_SUITE("recognize_qdq") {

  TEST_CASE("a PyTorch QDQ CNN becomes quantized ops between one quantize and one dequantize") {
    auto g = recognized(small_qdq_cnn());
    auto kinds = kinds_of(g);
    using k = ir::op_kind;
    CHECK(kinds == std::vector<k>{k::quantize, k::conv, k::activation, k::max_pool, k::reshape,
                                  k::gemm, k::dequantize});

    const auto &quantize = g.ops[0];
    CHECK(quantize.inputs.size() == 1);
    CHECK(g.is_input(quantize.input(0)));
    const auto &x = g.at(quantize.output());
    CHECK(x.type == ir::dtype::u8);
    CHECK(x.quant->scale_at(0) == doctest::Approx(1.0 / 127));

    const auto &conv = g.ops[1];
    CHECK(conv.input(0) == quantize.output());
    const auto &w = g.at(conv.input(1));
    REQUIRE(w.is_constant());
    CHECK(w.type == ir::dtype::i8);
    CHECK(w.quant->axis == 0);
    CHECK(w.quant->scale == std::vector<float>{0.01f, 0.02f});
    const auto &b = g.at(conv.input(2));
    CHECK(b.type == ir::dtype::i32);
    CHECK(b.value->ints() == std::vector<std::int64_t>{100, -200});
    CHECK_FALSE(g.at(conv.output()).quant); // float between conv and relu until fuse_activations

    const auto &relu = g.ops[2];
    CHECK(g.at(relu.output()).quant->scale_at(0) == doctest::Approx(0.05));
    CHECK(g.at(g.ops[3].input(0)).name == g.at(relu.output()).name);

    const auto &dequantize = g.ops.back();
    CHECK(g.is_output(dequantize.output()));
    CHECK(g.at(dequantize.input(0)).quant->zero_point_at(0) == 128);
  }

  TEST_CASE("Q of a quantized tensor is a requantize, or nothing when the parameters agree") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    auto a = m.quantize(x, 0.1f, 128);
    auto same = m.quantize(m.dequantize(a, 0.1f, 128), 0.1f, 128);
    auto other = m.quantize(m.dequantize(same, 0.1f, 128), 0.2f, 100);
    m.output(m.dequantize(other, 0.2f, 100), TP::FLOAT, {1, 4});
    auto g = recognized(m);
    REQUIRE(g.ops.size() == 3);
    CHECK(g.ops[1].kind == ir::op_kind::requantize);
    CHECK(g.at(g.ops[1].input(0)).quant->scale_at(0) == doctest::Approx(0.1));
    CHECK(g.at(g.ops[1].output()).quant->scale_at(0) == doctest::Approx(0.2));
  }

  TEST_CASE("int8 Q -> DQ pairs onnxruntime stores as uint8 on x86 get code_offset 128") {
    // QDQS8ToU8: a QuantizeLinear read by one DequantizeLinear with the same zero point.
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    auto xq = m.quantize(x, 0.1f, -3, true);
    auto a = m.dequantize(xq, 0.1f, -3, true);
    m.node("Relu", {a}, "relu");
    auto shared = m.quantize(model_builder::out("relu"), 0.1f, 5, true);
    m.node("Add", {m.dequantize(shared, 0.1f, 5, true), m.dequantize(shared, 0.1f, 5, true)},
           "add");
    m.output(m.dequantize(m.quantize(model_builder::out("add"), 0.2f, 1, true), 0.2f, 1, true),
             TP::FLOAT, {1, 4});
    auto g = recognized(m);
    const auto &relu = *ops_of(g, ir::op_kind::activation)[0];
    const auto &add = *ops_of(g, ir::op_kind::add)[0];
    CHECK(g.at(relu.input(0)).code_offset == 128); // the input's Q -> one DQ
    CHECK(g.at(add.input(0)).code_offset == 0);    // one Q read by two DQs: stays int8
    CHECK(g.at(add.output()).code_offset == 128);
  }

  TEST_CASE("Q of float constant weights is evaluated, rounding half to even") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    auto w = m.floats("w", {4}, {0.5f, 1.5f, 2.5f, -0.5f});
    auto wq = m.dequantize(m.quantize(w, 1.0f, 0, true), 1.0f, 0, true);
    auto xq = m.dequantize(m.quantize(x, 0.1f, 0, true), 0.1f, 0, true);
    m.node("Mul", {xq, wq}, "mul");
    m.output(m.dequantize(m.quantize(model_builder::out("mul"), 0.1f, 0, true), 0.1f, 0, true),
             TP::FLOAT, {1, 4});
    auto g = recognized(m);
    const auto &mul = *ops_of(g, ir::op_kind::mul)[0];
    const auto &weights = g.at(mul.input(1));
    REQUIRE(weights.is_constant());
    CHECK(weights.type == ir::dtype::i8);
    CHECK(weights.value->ints() == std::vector<std::int64_t>{0, 2, 2, 0});
  }

  TEST_CASE("a zero scale names the node and says why") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    m.output(m.dequantize(m.quantize(x, 0.0f, 0), 0.1f, 0), TP::FLOAT, {1, 4});
    auto [kind, message] = failure_of([&] { recognized(m); });
    CHECK(kind == failure::invalid_quantization);
    CHECK(contains(message, "(QuantizeLinear)"));
    CHECK(contains(message, "is 0"));
    CHECK(contains(message, "positive finite"));
  }

  TEST_CASE("a per-channel scale whose length differs from the axis is rejected") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 3, 3});
    auto xq = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
    auto w = m.int8s("w", {4, 2, 1, 1}, std::vector<int>(8, 1));
    auto &dq =
        m.node("DequantizeLinear",
               {w, m.floats("ws", {3}, {0.1f, 0.1f, 0.1f}), m.int8s("wz", {3}, {0, 0, 0})}, "w_dq");
    model_builder::attr(dq, "axis", std::int64_t{0});
    m.node("Conv", {xq, dq.output(0)}, "conv");
    m.output(m.dequantize(m.quantize(model_builder::out("conv"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
             {1, 4, 3, 3});
    auto [kind, message] = failure_of([&] { passes::recognize_qdq(m.import(true)); });
    CHECK(kind == failure::invalid_quantization);
    CHECK(contains(message, "node 'w_dq'"));
    CHECK(contains(message, "has 3 values but axis 0"));
    CHECK(contains(message, "has 4 channels"));
  }

  TEST_CASE("readers that disagree with the producer's quantization are rejected") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    m.output(m.dequantize(m.quantize(x, 0.1f, 0), 0.3f, 0), TP::FLOAT, {1, 4});
    auto [kind, message] = failure_of([&] { recognized(m); });
    CHECK(kind == failure::invalid_quantization);
    CHECK(contains(message, "but it was quantized with s=0.1"));
  }

  TEST_CASE(
      "Q of a float Transpose of a graph input quantizes the input; the transpose moves codes") {
    // tf2onnx: NHWC float input -> Transpose to NCHW -> Q -> DQ -> Relu -> Q -> DQ.
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4, 4, 3});
    auto &t = m.node("Transpose", {x}, "t");
    model_builder::attr(t, "perm", dims_t{0, 3, 1, 2});
    auto xq = m.dequantize(m.quantize(t.output(0), 0.5f, 0, true), 0.5f, 0, true);
    m.node("Relu", {xq}, "relu");
    m.output(m.dequantize(m.quantize(model_builder::out("relu"), 0.5f, 0, true), 0.5f, 0, true),
             TP::FLOAT, {1, 3, 4, 4});
    auto g = recognized(m);
    auto kinds = kinds_of(g);
    REQUIRE(kinds.size() >= 2);
    CHECK(kinds[0] == ir::op_kind::quantize);
    CHECK(kinds[1] == ir::op_kind::transpose);
    const auto &q = g.ops[0];
    CHECK(g.is_input(q.input(0)));
    CHECK(g.at(q.output()).shape == ir::shape_t{1, 4, 4, 3});
    CHECK(g.at(q.output()).type == ir::dtype::i8);
    CHECK(g.at(q.output()).quant->scale_at(0) == 0.5f);
    const auto &tr = g.ops[1];
    CHECK(tr.input(0) == q.output());
    CHECK(g.at(tr.output()).quant.has_value());
    CHECK(g.at(tr.output()).shape == ir::shape_t{1, 3, 4, 4});
  }
}
