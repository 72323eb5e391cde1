// MatMul of two computed tensors (QDQ MatMul, QLinearMatMul with a computed B): recognized by
// canonicalize_ops as batch_matmul, laid out by to_nhwc, lowered and emitted as
// onnx2hpp::batch_matmul; what is not supported is refused with the reason.

#include "emit/header.hpp"
#include "lower/lower.hpp"
#include "passes/passes.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <onnx2hpp/core/fixed_point.hpp>

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

/// QDQ: a, b float inputs -> Q/DQ -> MatMul -> Q/DQ -> output.
model_builder qdq_matmul(const dims_t &a_shape, const dims_t &b_shape, const dims_t &y_shape) {
  model_builder m;
  auto a =
      m.dequantize(m.quantize(m.input("a", TP::FLOAT, a_shape), 0.05f, 0, true), 0.05f, 0, true);
  auto b = m.dequantize(m.quantize(m.input("b", TP::FLOAT, b_shape), 0.03f, -20, true), 0.03f, -20,
                        true);
  m.node("MatMul", {a, b}, "mm");
  m.output(m.dequantize(m.quantize(model_builder::out("mm"), 0.5f, 7, true), 0.5f, 7, true),
           TP::FLOAT, y_shape);
  return m;
}

ir::graph canonical(const model_builder &m) {
  return passes::canonicalize_ops(
      passes::recognize_qdq(passes::drop_identities(passes::fold_constants(m.import()))));
}

} // namespace

TEST_SUITE("batch_matmul") {

  TEST_CASE("QDQ MatMul of two activations becomes batch_matmul over the quantized tensors") {
    auto g = canonical(qdq_matmul({2, 4, 8}, {8, 6}, {2, 4, 6}));
    auto mm = ops_of(g, ir::op_kind::batch_matmul);
    REQUIRE(mm.size() == 1);
    const auto &o = *mm[0];
    CHECK(o.inputs.size() == 2);
    CHECK(g.at(o.input(0)).quant->scale_at(0) == 0.05f);
    CHECK(g.at(o.input(1)).quant->zero_point_at(0) == -20);
    CHECK(g.at(o.output()).quant->zero_point_at(0) == 7);
    CHECK(ops_of(g, ir::op_kind::dense).empty());
  }

  TEST_CASE("rank-3 operands need no layout change; 4-D ones are matmul'd in ONNX order") {
    using k = ir::op_kind;
    auto flat = passes::run_default_pipeline(qdq_matmul({2, 4, 8}, {8, 6}, {2, 4, 6}).import());
    CHECK(kinds_of(flat) ==
          std::vector<k>{k::quantize, k::quantize, k::batch_matmul, k::dequantize});
    // 4-D tensors are NHWC in the library: the matmul reads and writes NCHW (ONNX) order through
    // transposes, as every layout-dependent op does.
    auto g =
        passes::run_default_pipeline(qdq_matmul({1, 2, 4, 8}, {1, 2, 8, 6}, {1, 2, 4, 6}).import());
    const auto &o = *ops_of(g, k::batch_matmul).at(0);
    CHECK(g.at(o.input(0)).shape == ir::shape_t{1, 2, 4, 8});
    CHECK(g.at(o.input(1)).shape == ir::shape_t{1, 2, 8, 6});
    CHECK(g.at(o.output()).shape == ir::shape_t{1, 2, 4, 6});
    CHECK(g.at(o.output()).order == ir::layout::plain);
    CHECK(ops_of(g, k::transpose).size() == 3);
  }

  TEST_CASE("QLinearMatMul with a computed B (uint8) lowers to onnxruntime's fp32 scale") {
    model_builder m(13, "onnx.quantize");
    auto a = m.quantize(m.input("a", TP::FLOAT, {3, 4}), 0.1f, 128);
    auto b = m.quantize(m.input("b", TP::FLOAT, {4, 5}), 0.07f, 100);
    m.node("QLinearMatMul",
           {a, m.floats("as", {}, {0.1f}), m.uint8s("az", {}, {128}), b,
            m.floats("bs", {}, {0.07f}), m.uint8s("bz", {}, {100}), m.floats("ys", {}, {0.3f}),
            m.uint8s("yz", {}, {120})},
           "qmm");
    m.output(m.dequantize(model_builder::out("qmm"), 0.3f, 120), TP::FLOAT, {3, 5});
    auto model = lower::lower(passes::run_default_pipeline(m.import()));
    const auto &g = model.graph;
    auto mm = ops_of(g, ir::op_kind::batch_matmul);
    REQUIRE(mm.size() == 1);
    std::size_t index = static_cast<std::size_t>(mm[0] - g.ops.data());
    const auto &l = model.layers.at(index);
    // uint8 -> int8: every zero point moves by -128.
    CHECK(l.input_zero_point == 0);
    CHECK(l.weight_zero_point == -28);
    CHECK(l.output_zero_point == -8);
    CHECK(l.weights.empty());
    CHECK(l.bias.empty());
    REQUIRE(l.float_scale.size() == 1);
    CHECK(l.float_scale[0] == (0.1f * 0.07f) / 0.3f); // fp32 throughout, as onnxruntime
    const auto expected = onnx2hpp::quantize_multiplier(double(0.1f) * 0.07f / 0.3f);
    CHECK(l.requant.multiplier == std::vector<std::int32_t>{expected.multiplier});
    CHECK(l.requant.shift == std::vector<std::int32_t>{expected.shift});

    emit::header_options options{"qmm", "0"};
    options.rounding = onnx2hpp::rounding_mode::onnxruntime;
    auto text = unwrapped(emit::emit_header(model, options));
    INFO(text);
    CHECK(contains(text, "onnx2hpp::batch_matmul<onnx2hpp::shape<3, 4>, onnx2hpp::shape<4, 5>, "
                         "onnx2hpp::rounding_mode::onnxruntime>"));
    CHECK(contains(text, "qmm{.b_zero_point = -28, .output = {")); // a_zero_point 0: the default
    CHECK_FALSE(contains(text, "qmm_multiplier")); // onnxruntime mode reads the fp32 scale only
    CHECK(contains(text, "onnx2hpp::in<0, 1>, 2>(qmm)"));
    CHECK(contains(text, ".scale = qmm_scale"));
    auto fixed = unwrapped(emit::emit_header(model, {"qmm", "0"}));
    CHECK(contains(fixed, "onnx2hpp::batch_matmul<onnx2hpp::shape<3, 4>, onnx2hpp::shape<4, 5>>"));
    CHECK(contains(fixed, ".requant = {.multiplier = qmm_multiplier, .shift = qmm_shift}"));
    CHECK_FALSE(contains(fixed, "qmm_scale")); // fixed-point mode reads multipliers only
  }

  TEST_CASE("a fused Relu becomes the clamp range") {
    model_builder m;
    auto a =
        m.dequantize(m.quantize(m.input("a", TP::FLOAT, {2, 3}), 0.1f, 0, true), 0.1f, 0, true);
    auto b =
        m.dequantize(m.quantize(m.input("b", TP::FLOAT, {3, 2}), 0.1f, 0, true), 0.1f, 0, true);
    m.node("MatMul", {a, b}, "mm");
    m.node("Relu", {model_builder::out("mm")}, "relu");
    m.output(m.dequantize(m.quantize(model_builder::out("relu"), 0.2f, -10, true), 0.2f, -10, true),
             TP::FLOAT, {2, 2});
    auto model = lower::lower(passes::run_default_pipeline(m.import()));
    REQUIRE(model.layers.size() == 1);
    const auto &l = model.layers.begin()->second;
    CHECK(model.graph.ops[model.layers.begin()->first].kind == ir::op_kind::batch_matmul);
    CHECK(l.act_min == -10);
    CHECK(l.act_max == 127);
  }

  TEST_CASE("what is not supported is refused with the reason") {
    {
      auto [kind, message] = failure_of([] { canonical(qdq_matmul({8}, {8, 6}, {6})); });
      CHECK(kind == onnx2hpp::codegen::failure::unsupported_model);
      CHECK(contains(message, "node 'mm' (MatMul)"));
      CHECK(contains(message, "1-D operand"));
    }
    {
      model_builder m;
      auto a = m.input("a", TP::UINT8, {2, 3});
      auto b = m.input("b", TP::UINT8, {3, 2});
      m.node("MatMulInteger", {a, b}, "mmi");
      m.output(model_builder::out("mmi"), TP::INT32, {2, 2});
      auto [kind, message] = failure_of([&] { passes::run_default_pipeline(m.import()); });
      CHECK(kind == onnx2hpp::codegen::failure::unsupported_model);
      CHECK(contains(message, "MatMulInteger of two computed tensors"));
    }
    {
      model_builder m;
      auto w = m.dequantize_weights("w", {2, 3}, {1, 2, 3, 4, 5, 6}, {0.25f});
      auto b =
          m.dequantize(m.quantize(m.input("b", TP::FLOAT, {3, 2}), 0.1f, 0, true), 0.1f, 0, true);
      m.node("MatMul", {w, b}, "mm");
      m.output(m.dequantize(m.quantize(model_builder::out("mm"), 0.5f, 0, true), 0.5f, 0, true),
               TP::FLOAT, {2, 2});
      auto [kind, message] = failure_of([&] { canonical(m); });
      CHECK(kind == onnx2hpp::codegen::failure::unsupported_model);
      CHECK(contains(message, "constant A and a computed B"));
    }
  }
}
