// passes::fold_constants

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

TEST_SUITE("fold_constants") {

  TEST_CASE("Shape -> Gather -> Unsqueeze -> Concat -> Reshape becomes a static reshape") {
    // PyTorch's x.view(x.size(0), -1) on a [1,2,3,4] tensor: [1, 24].
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 3, 4});
    m.node("Shape", {x}, "shape");
    auto &gather =
        m.node("Gather", {model_builder::out("shape"), m.int64s("zero", {}, {0})}, "gather");
    model_builder::attr(gather, "axis", std::int64_t{0});
    m.node("Unsqueeze", {gather.output(0), m.int64s("axes", {1}, {0})}, "unsqueeze");
    auto &concat = m.node(
        "Concat", {model_builder::out("unsqueeze"), m.int64s("minus_one", {1}, {-1})}, "concat");
    model_builder::attr(concat, "axis", std::int64_t{0});
    m.node("Reshape", {x, concat.output(0)}, "reshape");
    m.output(model_builder::out("reshape"), TP::FLOAT, {1, 24});

    auto g = passes::fold_constants(m.import(false));
    REQUIRE(g.ops.size() == 1);
    const auto &reshape = g.ops[0];
    CHECK(reshape.kind == ir::op_kind::reshape);
    CHECK(reshape.inputs.size() == 1);
    CHECK(g.at(reshape.output()).shape == ir::shape_t{1, 24});
  }

  TEST_CASE("ConstantOfShape and Cast fold to the zero point PyTorch writes for int32 bias") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 3});
    auto &cos = m.node("ConstantOfShape", {m.int64s("n", {1}, {3})}, "zeros");
    auto *value = cos.add_attribute();
    value->set_name("value");
    value->set_type(onnx::AttributeProto::TENSOR);
    value->mutable_t()->set_data_type(TP::INT32);
    value->mutable_t()->add_dims(1);
    value->mutable_t()->add_int32_data(0);
    auto &cast = m.node("Cast", {cos.output(0)}, "cast");
    model_builder::attr(cast, "to", std::int64_t{TP::FLOAT});
    m.node("Add", {x, cast.output(0)}, "add");
    m.output(model_builder::out("add"), TP::FLOAT, {1, 3});

    auto g = passes::fold_constants(m.import(false));
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].kind == ir::op_kind::add);
    const auto &zeros = g.at(g.ops[0].input(1));
    REQUIRE(zeros.is_constant());
    CHECK(zeros.type == ir::dtype::f32);
    CHECK(zeros.shape == ir::shape_t{3});
    CHECK(zeros.value->reals() == std::vector<double>{0, 0, 0});
  }

  TEST_CASE("Constant nodes disappear, their values stay") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto &c = m.node("Constant", {}, "c");
    auto *a = c.add_attribute();
    a->set_name("value_float");
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(2.0f);
    m.node("Mul", {x, c.output(0)}, "mul");
    m.output(model_builder::out("mul"), TP::FLOAT, {1, 2});
    auto g = passes::fold_constants(m.import(false));
    REQUIRE(g.ops.size() == 1);
    CHECK(g.at(g.ops[0].input(1)).value->reals() == std::vector<double>{2.0});
  }

  TEST_CASE("integer arithmetic, Slice and Transpose of constants") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {2, 3});
    // [[1,2,3],[4,5,6]] -> Transpose -> [[1,4],[2,5],[3,6]] -> Slice rows 1..3 -> [[2,5],[3,6]]
    auto &t = m.node("Transpose", {m.int64s("k", {2, 3}, {1, 2, 3, 4, 5, 6})}, "t");
    model_builder::attr(t, "perm", dims_t{1, 0});
    m.node("Slice", {t.output(0), m.int64s("starts", {1}, {1}), m.int64s("ends", {1}, {3})},
           "slice");
    // (a * 10) / 4 with broadcasting of a scalar: [[5,12],[7,15]] (integer division truncates)
    m.node("Mul", {model_builder::out("slice"), m.int64s("ten", {}, {10})}, "mul");
    m.node("Div", {model_builder::out("mul"), m.int64s("four", {}, {4})}, "div");
    auto &cast = m.node("Cast", {model_builder::out("div")}, "cast");
    model_builder::attr(cast, "to", std::int64_t{TP::FLOAT});
    m.node("Reshape", {model_builder::out("cast"), m.int64s("shape", {2}, {2, 2})}, "reshape");
    auto &concat =
        m.node("Concat", {model_builder::out("reshape"), model_builder::out("reshape")}, "concat");
    model_builder::attr(concat, "axis", std::int64_t{1});
    m.node("Add", {x, m.floats("pad", {2, 3}, {0, 0, 0, 0, 0, 0})}, "add");
    m.node("Mul", {model_builder::out("add"), m.floats("one", {}, {1})}, "scale");
    m.output(model_builder::out("scale"), TP::FLOAT, {2, 3});
    m.output(model_builder::out("concat"), TP::FLOAT, {2, 4});

    auto g = passes::fold_constants(m.import(false));
    const auto &folded = tensor_named(g, model_builder::out("concat"));
    REQUIRE(folded.is_constant());
    CHECK(folded.shape == ir::shape_t{2, 4});
    CHECK(folded.value->reals() == std::vector<double>{5, 12, 5, 12, 7, 15, 7, 15});
  }

  TEST_CASE("an op reading a computed tensor is left alone") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    m.node("Add", {x, x}, "add");
    m.output(model_builder::out("add"), TP::FLOAT, {1, 2});
    auto g = passes::fold_constants(m.import(false));
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].kind == ir::op_kind::add);
  }
}
