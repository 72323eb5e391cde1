// passes::canonicalize_ops

#include "passes/passes.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

ir::graph canonical(const model_builder &m, bool quantized = false) {
  return passes::canonicalize_ops(
      passes::recognize_qdq(passes::drop_identities(passes::fold_constants(m.import(quantized)))));
}

} // namespace

TEST_SUITE("canonicalize_ops") {

  TEST_CASE("Gemm with transB = 0 becomes dense with [out][in] weights") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 3});
    // B [K=3][N=2] = [[1,2],[3,4],[5,6]] -> W [2][3] = [[1,3,5],[2,4,6]]
    m.node("Gemm", {x, m.floats("b", {3, 2}, {1, 2, 3, 4, 5, 6}), m.floats("c", {2}, {7, 8})},
           "gemm");
    m.output(model_builder::out("gemm"), TP::FLOAT, {1, 2});
    auto g = canonical(m);
    REQUIRE(g.ops.size() == 1);
    const auto &d = g.ops[0];
    CHECK(d.kind == ir::op_kind::dense);
    CHECK(g.at(d.input(1)).shape == ir::shape_t{2, 3});
    CHECK(g.at(d.input(1)).value->reals() == std::vector<double>{1, 3, 5, 2, 4, 6});
    CHECK(g.at(d.input(2)).value->reals() == std::vector<double>{7, 8});
  }

  TEST_CASE("Gemm alpha and beta scale quantized weights and bias through their scales") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto xq = m.dequantize(m.quantize(x, 0.5f, 0, true), 0.5f, 0, true);
    auto w = m.dequantize_weights("w", {2, 2}, {1, 2, 3, 4}, {0.25f});
    auto b = m.dequantize_bias("b", {10, 20}, {0.125f});
    auto &gemm = m.node("Gemm", {xq, w, b}, "gemm");
    model_builder::attr(gemm, "transB", std::int64_t{1});
    model_builder::attr(gemm, "alpha", 2.0f);
    model_builder::attr(gemm, "beta", 4.0f);
    m.output(m.dequantize(m.quantize(gemm.output(0), 1.0f, 0, true), 1.0f, 0, true), TP::FLOAT,
             {1, 2});
    auto g = canonical(m, true);
    const auto &d = *ops_of(g, ir::op_kind::dense)[0];
    CHECK(g.at(d.input(1)).value->ints() == std::vector<std::int64_t>{1, 2, 3, 4});
    CHECK(g.at(d.input(1)).quant->scale_at(0) == 0.5f);
    CHECK(g.at(d.input(2)).quant->scale_at(0) == 0.5f);
  }

  TEST_CASE("MatMul with constant weights is dense; per-column scales follow the transposition") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto xq = m.dequantize(m.quantize(x, 0.5f, 0, true), 0.5f, 0, true);
    auto w = m.int8s("w", {2, 3}, {1, 2, 3, 4, 5, 6});
    auto &dq =
        m.node("DequantizeLinear",
               {w, m.floats("ws", {3}, {0.1f, 0.2f, 0.3f}), m.int8s("wz", {3}, {0, 0, 0})}, "w_dq");
    model_builder::attr(dq, "axis", std::int64_t{1});
    m.node("MatMul", {xq, dq.output(0)}, "matmul");
    m.output(m.dequantize(m.quantize(model_builder::out("matmul"), 1.0f, 0, true), 1.0f, 0, true),
             TP::FLOAT, {1, 3});
    auto g = canonical(m, true);
    const auto &d = *ops_of(g, ir::op_kind::dense)[0];
    const auto &weights = g.at(d.input(1));
    CHECK(weights.shape == ir::shape_t{3, 2});
    CHECK(weights.value->ints() == std::vector<std::int64_t>{1, 4, 2, 5, 3, 6});
    CHECK(weights.quant->axis == 0);
    CHECK(weights.quant->scale == std::vector<float>{0.1f, 0.2f, 0.3f});
  }

  TEST_CASE("ReduceMean over H and W without keepdims is a global average pool and a reshape") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4, 3, 3});
    auto &r = m.node("ReduceMean", {x}, "mean");
    model_builder::attr(r, "axes", dims_t{2, 3});
    model_builder::attr(r, "keepdims", std::int64_t{0});
    m.output(r.output(0), TP::FLOAT, {1, 4});
    auto g = canonical(m);
    REQUIRE(g.ops.size() == 2);
    CHECK(g.ops[0].kind == ir::op_kind::global_average_pool);
    CHECK(g.at(g.ops[0].output()).shape == ir::shape_t{1, 4, 1, 1});
    CHECK(g.ops[1].kind == ir::op_kind::reshape);
    CHECK(g.at(g.ops[1].output()).shape == ir::shape_t{1, 4});
  }

  TEST_CASE("Clip, Pad and Slice read their constant operands into attributes") {
    model_builder m(13);
    auto x = m.input("x", TP::FLOAT, {1, 4, 2, 2});
    m.node("Clip", {x, m.floats("lo", {}, {0.0f}), m.floats("hi", {}, {6.0f})}, "relu6");
    m.node("Pad", {model_builder::out("relu6"), m.int64s("pads", {8}, {0, 0, 1, 1, 0, 0, 1, 1})},
           "pad");
    m.node("Slice",
           {model_builder::out("pad"), m.int64s("starts", {1}, {2}), m.int64s("ends", {1}, {4}),
            m.int64s("axes", {1}, {-3})},
           "slice");
    m.output(model_builder::out("slice"), TP::FLOAT, {1, 2, 4, 4});
    auto g = canonical(m);
    REQUIRE(g.ops.size() == 3);
    const auto &clip = g.ops[0];
    CHECK(clip.kind == ir::op_kind::activation);
    CHECK(clip.inputs.size() == 1);
    CHECK(clip.get<ir::activation>().kind == ir::activation_kind::clip);
    CHECK(clip.get<ir::activation>().max == 6.0);
    CHECK(g.ops[1].get<ir::pad_attrs>().pads == std::vector<std::int64_t>{0, 0, 1, 1, 0, 0, 1, 1});
    CHECK(g.ops[1].inputs.size() == 1);
    const auto &s = g.ops[2].get<ir::slice_attrs>();
    CHECK(s.axes == std::vector<std::int64_t>{1});
    CHECK(s.steps == std::vector<std::int64_t>{1});
  }

  TEST_CASE("Slice operands: an axis out of range, an axis twice or counts that differ are "
            "refused") {
    // Opset 100: libonnx has no schema for it, so nothing checked the operands before.
    auto refused = [](dims_t axes, dims_t ends, const char *why) {
      model_builder m(100);
      auto x = m.input("x", TP::FLOAT, {1, 4, 2, 2});
      m.node("Slice",
             {x, m.int64s("starts", {2}, {0, 0}),
              m.int64s("ends", {static_cast<std::int64_t>(ends.size())}, ends),
              m.int64s("axes", {static_cast<std::int64_t>(axes.size())}, axes)},
             "slice");
      m.output(model_builder::out("slice"), TP::FLOAT, {1, 4, 2, 2});
      const auto [kind, message] = failure_of([&] { canonical(m); });
      INFO(message);
      CHECK(kind == failure::unreadable_model);
      CHECK(contains(message, why));
    };
    refused({1, 11}, {1, 1}, "axis 11 is outside [-4, 4)");
    refused({1, -3}, {1, 1}, "axis 1 is sliced twice");
    refused({1, 2}, {1}, "have 2, 1, 2 and 0 values");
  }

  TEST_CASE("Pad with an axes operand (opset 18) pads the listed axes only") {
    model_builder m(18);
    auto x = m.input("x", TP::FLOAT, {1, 2, 3, 4});
    // axes [-1, 2]: W by (1 before, 3 after), H by (2, 0); N and C untouched.
    m.node("Pad",
           {x, m.int64s("pads", {4}, {1, 2, 3, 0}), m.floats("value", {}, {0.0f}),
            m.int64s("axes", {2}, {-1, 2})},
           "pad");
    m.output(model_builder::out("pad"), TP::FLOAT, {1, 2, 5, 8});
    auto g = canonical(m);
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].get<ir::pad_attrs>().pads == std::vector<std::int64_t>{0, 0, 2, 1, 0, 0, 0, 3});
    CHECK(g.ops[0].inputs.size() == 1);
  }

  TEST_CASE("Resize: scales on axes (opset 18), with no stored output shape") {
    model_builder m(18);
    auto x = m.input("x", TP::FLOAT, {1, 1, 2, 2});
    auto &r = m.node("Resize", {x, "", m.floats("scales", {2}, {3.0f, 2.0f})}, "resize");
    model_builder::attr(r, "axes", dims_t{3, 2});
    m.node("Relu", {model_builder::out("resize")}, "relu");
    m.output(model_builder::out("relu"), TP::FLOAT, {1, 1, 4, 6});
    auto g = canonical(m);
    const auto &o = *ops_of(g, ir::op_kind::resize)[0];
    // scale 3 on W (axis 3), 2 on H (axis 2); the output shape [1,1,2*2,2*3] is derived.
    CHECK(o.get<ir::resize_attrs>().scales == std::vector<double>{1, 1, 2, 3});
    CHECK(g.at(o.output()).shape == ir::shape_t{1, 1, 4, 6});
    CHECK(g.at(o.output()).shape_known);
    CHECK(o.inputs.size() == 1);
  }

  TEST_CASE("Resize: sizes with keep_aspect_ratio_policy, as onnxruntime computes them") {
    model_builder m(18);
    auto x = m.input("x", TP::FLOAT, {1, 1, 4, 4});
    auto &r = m.node("Resize", {x, "", "", m.int64s("sizes", {2}, {3, 2})}, "resize");
    model_builder::attr(r, "axes", dims_t{2, 3});
    model_builder::attr(r, "keep_aspect_ratio_policy", std::string("not_smaller"));
    m.output(model_builder::out("resize"), TP::FLOAT, {1, 1, 3, 3});
    auto g = canonical(m);
    const auto &o = *ops_of(g, ir::op_kind::resize)[0];
    // scales 3/4 and 2/4: not_smaller takes 0.75 for both; extents round(0.75 * 4) = 3.
    CHECK(o.get<ir::resize_attrs>().scales == std::vector<double>{1, 1, 0.75, 0.75});
    CHECK(g.at(o.output()).shape == ir::shape_t{1, 1, 3, 3});
  }

  TEST_CASE("Resize: a stored output shape that disagrees with the scales is an error") {
    model_builder m(18);
    auto x = m.input("x", TP::FLOAT, {1, 1, 2, 2});
    m.node("Resize", {x, m.floats("roi", {0}, {}), m.floats("scales", {4}, {1, 1, 2, 2})},
           "resize");
    m.output(model_builder::out("resize"), TP::FLOAT, {1, 1, 4, 5});
    auto [kind, message] = failure_of([&] { canonical(m); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "'resize'"));
    CHECK(contains(message, "[1,1,4,4]"));
  }

  TEST_CASE("MatMul followed by a float Add of a constant before Q: the Add is the dense bias") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto xq = m.dequantize(m.quantize(x, 0.5f, 0, true), 0.5f, 0, true);
    auto w = m.dequantize_weights("w", {2, 3}, {1, 2, 3, 4, 5, 6}, {0.25f});
    m.node("MatMul", {xq, w}, "mm");
    m.node("Add", {model_builder::out("mm"), m.floats("b", {3}, {0.5f, -1.0f, 2.0f})}, "bias");
    m.output(m.dequantize(m.quantize(model_builder::out("bias"), 1.0f, 0, true), 1.0f, 0, true),
             TP::FLOAT, {1, 3});
    auto g = canonical(m, true);
    CHECK(ops_of(g, ir::op_kind::add).empty());
    REQUIRE(ops_of(g, ir::op_kind::dense).size() == 1);
    const auto &d = *ops_of(g, ir::op_kind::dense)[0];
    REQUIRE(d.inputs.size() == 3);
    CHECK(g.at(d.input(2)).value->reals() == std::vector<double>{0.5, -1.0, 2.0});
    CHECK(g.at(d.output()).quant.has_value()); // the Add's quantized output
    CHECK(d.fused == std::vector<std::string>{"Add bias"});
  }
}
