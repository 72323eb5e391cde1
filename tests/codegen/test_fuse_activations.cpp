// passes::fuse_activations

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

ir::graph fused(const model_builder &m) {
  return passes::fuse_activations(passes::canonicalize_ops(
      passes::recognize_qdq(passes::drop_identities(passes::fold_constants(m.import())))));
}

/// DQ(x) -> Conv -> <activation> -> Q -> DQ -> output
model_builder conv_then(const std::string &activation, bool quantize_between) {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 1, 2, 2});
  auto xq = m.dequantize(m.quantize(x, 0.5f, 0, true), 0.5f, 0, true);
  m.node("Conv", {xq, m.dequantize_weights("w", {1, 1, 1, 1}, {3}, {0.1f})}, "conv");
  auto mid = model_builder::out("conv");
  if (quantize_between)
    mid = m.dequantize(m.quantize(mid, 0.25f, 0, true), 0.25f, 0, true);
  m.node(activation, {mid}, "act");
  m.output(m.dequantize(m.quantize(model_builder::out("act"), 0.25f, 0, true), 0.25f, 0, true),
           TP::FLOAT, {1, 1, 2, 2});
  return m;
}

} // namespace

TEST_SUITE("fuse_activations") {

  TEST_CASE("a Relu on the float result of a conv joins the conv") {
    auto g = fused(conv_then("Relu", false));
    REQUIRE(ops_of(g, ir::op_kind::activation).empty());
    const auto &conv = *ops_of(g, ir::op_kind::conv)[0];
    REQUIRE(conv.fused_activation);
    CHECK(conv.fused_activation->kind == ir::activation_kind::relu);
    CHECK(conv.fused == std::vector<std::string>{"Relu act"});
    CHECK(g.at(conv.output()).quant->scale_at(0) == 0.25f);
  }

  TEST_CASE("a Sigmoid on the float result of a conv joins it too") {
    auto g = fused(conv_then("Sigmoid", false));
    CHECK(ops_of(g, ir::op_kind::activation).empty());
    CHECK(ops_of(g, ir::op_kind::conv)[0]->fused_activation->kind == ir::activation_kind::sigmoid);
  }

  TEST_CASE("a Relu between equal quantizations commutes with them and joins") {
    auto g = fused(conv_then("Relu", true));
    CHECK(ops_of(g, ir::op_kind::activation).empty());
  }

  TEST_CASE("a Sigmoid of an already quantized tensor stays on its own (a table lookup)") {
    auto g = fused(conv_then("Sigmoid", true));
    REQUIRE(ops_of(g, ir::op_kind::activation).size() == 1);
    CHECK_FALSE(ops_of(g, ir::op_kind::conv)[0]->fused_activation);
  }

  TEST_CASE("a producer whose result is read twice keeps it") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto xq = m.dequantize(m.quantize(x, 0.5f, 0, true), 0.5f, 0, true);
    m.node("Add", {xq, xq}, "add");
    m.node("Relu", {model_builder::out("add")}, "relu");
    m.node("Add", {model_builder::out("relu"), model_builder::out("add")}, "add2");
    m.output(m.dequantize(m.quantize(model_builder::out("add2"), 0.5f, 0, true), 0.5f, 0, true),
             TP::FLOAT, {1, 2});
    auto g = passes::fuse_activations(
        passes::canonicalize_ops(passes::recognize_qdq(passes::fold_constants(m.import()))));
    CHECK(ops_of(g, ir::op_kind::activation).size() == 1);
  }
}
