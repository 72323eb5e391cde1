// passes::recognize_qoperator

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

ir::graph recognized(const model_builder &m) {
  return passes::recognize_qdq(passes::recognize_qoperator(passes::fold_constants(m.import())));
}

} // namespace

TEST_SUITE("recognize_qoperator") {

  TEST_CASE("QLinearConv becomes a conv over tensors carrying its scales and zero points") {
    model_builder m(13, "onnx.quantize");
    auto x = m.input("x", TP::FLOAT, {1, 1, 3, 3});
    auto q = m.quantize(x, 0.5f, 10);
    auto &conv = m.node("QLinearConv",
                        {q, m.floats("xs", {}, {0.5f}), m.uint8s("xz", {}, {10}),
                         m.int8s("w", {2, 1, 1, 1}, {3, -4}), m.floats("ws", {2}, {0.25f, 0.125f}),
                         m.int8s("wz", {2}, {0, 0}), m.floats("ys", {}, {2.0f}),
                         m.uint8s("yz", {}, {7}), m.int32s("b", {2}, {11, -12})},
                        "qconv");
    m.output(m.dequantize(conv.output(0), 2.0f, 7), TP::FLOAT, {1, 2, 3, 3});
    auto g = recognized(m);
    REQUIRE(ops_of(g, ir::op_kind::conv).size() == 1);
    const auto &c = *ops_of(g, ir::op_kind::conv)[0];
    REQUIRE(c.inputs.size() == 3);
    CHECK(g.at(c.input(0)).quant->zero_point_at(0) == 10);
    CHECK(g.at(c.input(1)).quant->axis == 0);
    CHECK(g.at(c.input(1)).quant->scale == std::vector<float>{0.25f, 0.125f});
    // bias scale = input scale * weight scale per channel
    CHECK(g.at(c.input(2)).quant->scale == std::vector<float>{0.125f, 0.0625f});
    CHECK(g.at(c.output()).type == ir::dtype::u8);
    CHECK(g.at(c.output()).quant->scale_at(0) == 2.0f);
    CHECK(g.at(c.output()).quant->zero_point_at(0) == 7);
  }

  TEST_CASE(
      "com.microsoft QLinearAdd, QLinearGlobalAveragePool, QLinearSigmoid and QLinearConcat") {
    model_builder m(13, "onnx.quantize");
    auto x = m.input("x", TP::FLOAT, {1, 2, 2, 2});
    auto q = m.quantize(x, 0.1f, 128);
    auto s = m.floats("s", {}, {0.1f});
    auto z = m.uint8s("z", {}, {128});
    auto s2 = m.floats("s2", {}, {0.2f});
    auto z2 = m.uint8s("z2", {}, {100});
    m.node("QLinearAdd", {q, s, z, q, s, z, s2, z2}, "add", 1, "com.microsoft");
    m.node("QLinearSigmoid",
           {model_builder::out("add"), s2, z2, m.floats("s3", {}, {1.0f / 256}),
            m.uint8s("z3", {}, {0})},
           "sigmoid", 1, "com.microsoft");
    auto &concat = m.node(
        "QLinearConcat",
        {s2, z2, model_builder::out("add"), s2, z2, model_builder::out("sigmoid"), "s3", "z3"},
        "concat", 1, "com.microsoft");
    model_builder::attr(concat, "axis", std::int64_t{1});
    m.node("QLinearGlobalAveragePool", {concat.output(0), s2, z2, s, z}, "gap", 1, "com.microsoft");
    m.output(m.dequantize(model_builder::out("gap"), 0.1f, 128), TP::FLOAT, {1, 4, 1, 1});
    auto g = recognized(m);
    using k = ir::op_kind;
    auto kinds = kinds_of(g);
    CHECK(kinds == std::vector<k>{k::quantize, k::add, k::activation, k::concat,
                                  k::global_average_pool, k::dequantize});
    const auto &sigmoid = g.ops[2];
    CHECK(sigmoid.get<ir::activation>().kind == ir::activation_kind::sigmoid);
    CHECK(g.at(sigmoid.output()).quant->scale_at(0) == 1.0f / 256);
    const auto &cat = g.ops[3];
    CHECK(cat.inputs.size() == 2);
    CHECK(g.at(cat.output()).shape == ir::shape_t{1, 4, 2, 2});
    CHECK(g.at(cat.output()).quant->zero_point_at(0) == 100);
  }

  TEST_CASE("ConvInteger keeps an int32 accumulator output and the zero points") {
    model_builder m(13, "test");
    auto x = m.input("x", TP::UINT8, {1, 1, 2, 2});
    m.node("ConvInteger",
           {x, m.uint8s("w", {1, 1, 1, 1}, {3}), m.uint8s("xz", {}, {1}), m.uint8s("wz", {}, {2})},
           "ci");
    m.output(model_builder::out("ci"), TP::INT32, {1, 1, 2, 2});
    auto g = recognized(m);
    REQUIRE(g.ops.size() == 1);
    const auto &c = g.ops[0];
    CHECK(c.kind == ir::op_kind::conv);
    CHECK(g.at(c.input(0)).quant->zero_point_at(0) == 1);
    CHECK(g.at(c.input(1)).quant->zero_point_at(0) == 2);
    CHECK(g.at(c.output()).type == ir::dtype::i32);
    CHECK_FALSE(g.at(c.output()).quant);
  }

  TEST_CASE("QGemm becomes a gemm with an int32 bias in the accumulator scale") {
    model_builder m(13, "onnx.quantize");
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto q = m.quantize(x, 0.5f, 128);
    auto &gemm = m.node("QGemm",
                        {q, m.floats("as", {}, {0.5f}), m.uint8s("az", {}, {128}),
                         m.int8s("b", {3, 2}, {1, 2, 3, 4, 5, 6}), m.floats("bs", {}, {0.25f}),
                         m.int8s("bz", {}, {0}), m.int32s("c", {3}, {1, 2, 3}),
                         m.floats("ys", {}, {1.0f}), m.uint8s("yz", {}, {128})},
                        "qgemm", 1, "com.microsoft");
    model_builder::attr(gemm, "transB", std::int64_t{1});
    m.output(m.dequantize(gemm.output(0), 1.0f, 128), TP::FLOAT, {1, 3});
    auto g = recognized(m);
    const auto &op = *ops_of(g, ir::op_kind::gemm)[0];
    CHECK(op.inputs.size() == 3);
    CHECK(g.at(op.input(2)).quant->scale_at(0) == 0.125f);
    CHECK(g.at(op.output()).shape == ir::shape_t{1, 3});
  }
}
