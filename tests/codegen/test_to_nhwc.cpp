// passes::to_nhwc

#include "ir/transpose.hpp"
#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

ir::graph nhwc(const model_builder &m) {
  return passes::to_nhwc(passes::canonicalize_ops(passes::fold_constants(m.import(false))));
}

} // namespace

TEST_SUITE("to_nhwc") {

  TEST_CASE("4-D activations are NHWC; a Flatten of one still sees ONNX element order") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 3, 2, 2});
    m.node("Relu", {x}, "relu");
    m.node("Flatten", {model_builder::out("relu")}, "flatten");
    m.output(model_builder::out("flatten"), TP::FLOAT, {1, 12});
    auto g = nhwc(m);
    using k = ir::op_kind;
    REQUIRE(kinds_of(g) == std::vector<k>{k::activation, k::transpose, k::reshape});
    CHECK(g.at(g.inputs[0]).shape == ir::shape_t{1, 2, 2, 3});
    CHECK(g.at(g.inputs[0]).order == ir::layout::nhwc);
    const auto &t = g.ops[1];
    CHECK(t.get<ir::perm_attrs>().perm == ir::nhwc_to_nchw);
    CHECK(g.at(t.output()).shape == ir::shape_t{1, 3, 2, 2});
    CHECK(g.at(t.output()).order == ir::layout::plain);
    CHECK(g.at(g.ops[2].output()).shape == ir::shape_t{1, 12});
  }

  TEST_CASE("flattening a [N,C,1,1] tensor needs no transpose") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 8, 3, 3});
    m.node("GlobalAveragePool", {x}, "gap");
    m.node("Flatten", {model_builder::out("gap")}, "flatten");
    m.output(model_builder::out("flatten"), TP::FLOAT, {1, 8});
    using k = ir::op_kind;
    CHECK(kinds_of(nhwc(m)) == std::vector<k>{k::global_average_pool, k::reshape});
  }

  TEST_CASE("a reshape to 4-D is written in NCHW order, then transposed") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 12});
    m.node("Reshape", {x, m.int64s("shape", {4}, {1, 3, 2, 2})}, "reshape");
    m.node("Relu", {model_builder::out("reshape")}, "relu");
    m.output(model_builder::out("relu"), TP::FLOAT, {1, 3, 2, 2});
    auto g = nhwc(m);
    using k = ir::op_kind;
    REQUIRE(kinds_of(g) == std::vector<k>{k::reshape, k::transpose, k::activation});
    CHECK(g.ops[1].get<ir::perm_attrs>().perm == ir::nchw_to_nhwc);
    CHECK(g.at(g.ops[0].output()).shape == ir::shape_t{1, 3, 2, 2});
    CHECK(g.at(g.outputs[0]).shape == ir::shape_t{1, 2, 2, 3});
  }

  TEST_CASE("axes follow the layout: Concat on channels, Transpose of H and W") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 3, 4});
    auto &concat = m.node("Concat", {x, x}, "concat");
    model_builder::attr(concat, "axis", std::int64_t{1});
    auto &t = m.node("Transpose", {concat.output(0)}, "swap_hw");
    model_builder::attr(t, "perm", dims_t{0, 1, 3, 2});
    m.output(t.output(0), TP::FLOAT, {1, 4, 4, 3});
    auto g = nhwc(m);
    REQUIRE(g.ops.size() == 2);
    CHECK(g.ops[0].get<ir::axis_attrs>().axis == 3);
    CHECK(g.ops[1].get<ir::perm_attrs>().perm == std::vector<std::int64_t>{0, 2, 1, 3});
    CHECK(g.at(g.outputs[0]).shape == ir::shape_t{1, 4, 3, 4});
  }

  TEST_CASE("a per-channel constant operand [1,C,1,1] of Add becomes [1,1,1,C]") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 1, 2});
    m.node("Add", {x, m.floats("bias", {1, 2, 1, 1}, {10, 20})}, "add");
    m.output(model_builder::out("add"), TP::FLOAT, {1, 2, 1, 2});
    auto g = nhwc(m);
    REQUIRE(g.ops.size() == 1);
    const auto &bias = g.at(g.ops[0].input(1));
    CHECK(bias.shape == ir::shape_t{1, 1, 1, 2});
    CHECK(bias.value->reals() == std::vector<double>{10, 20});
  }

  TEST_CASE("a channel shuffle becomes a transpose of each pixel's [g, C/g] channels") {
    // ShuffleNet: Reshape [1,6,2,3] -> [1,2,3,2,3], Transpose (0,2,1,3,4), Reshape -> [1,6,2,3].
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 6, 2, 3});
    m.node("Reshape", {x, m.int64s("split", {5}, {1, 2, 3, 2, 3})}, "split");
    auto &t = m.node("Transpose", {model_builder::out("split")}, "swap");
    model_builder::attr(t, "perm", dims_t{0, 2, 1, 3, 4});
    m.node("Reshape", {t.output(0), m.int64s("merge", {4}, {1, 6, 2, 3})}, "merge");
    m.output(model_builder::out("merge"), TP::FLOAT, {1, 6, 2, 3});
    auto g = nhwc(m);
    using k = ir::op_kind;
    REQUIRE(kinds_of(g) == std::vector<k>{k::reshape, k::transpose, k::reshape});
    CHECK(g.at(g.ops[0].output()).shape == ir::shape_t{6, 2, 3}); // pixels, g, C/g
    CHECK(g.at(g.ops[1].output()).shape == ir::shape_t{6, 3, 2});
    CHECK(g.ops[1].get<ir::perm_attrs>().perm == std::vector<std::int64_t>{0, 2, 1});
    CHECK(g.at(g.ops[0].output()).name.ends_with(":nhwc")); // not ONNX's 5-D tensor any more
    CHECK(g.at(g.ops[1].output()).name.ends_with(":nhwc"));
    CHECK(g.at(g.outputs[0]).shape == ir::shape_t{1, 2, 3, 6});
    CHECK(g.at(g.outputs[0]).order == ir::layout::nhwc);
    // Element check by hand: NHWC pixel channels c = i·3 + j (i < g = 2, j < 3) go to j·2 + i,
    // as ONNX's out channel j·2 + i = in channel i·3 + j.
    auto perm = g.ops[1].get<ir::perm_attrs>().perm;
    auto mid = g.at(g.ops[0].output()).shape;
    CHECK(ir::permute(mid, perm) == ir::shape_t{6, 3, 2});
  }

  TEST_CASE("a Reshape to 5-D that is not a channel shuffle is still wrapped") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 6, 2, 3});
    m.node("Reshape", {x, m.int64s("split", {5}, {1, 2, 3, 2, 3})}, "split");
    auto &t = m.node("Transpose", {model_builder::out("split")}, "swap");
    model_builder::attr(t, "perm", dims_t{0, 1, 2, 4, 3}); // swaps W and H: not a shuffle
    m.node("Reshape", {t.output(0), m.int64s("merge", {4}, {1, 6, 3, 2})}, "merge");
    m.output(model_builder::out("merge"), TP::FLOAT, {1, 6, 3, 2});
    auto g = nhwc(m);
    using k = ir::op_kind;
    CHECK(kinds_of(g) ==
          std::vector<k>{k::transpose, k::reshape, k::transpose, k::reshape, k::transpose});
  }

  TEST_CASE("Slice axes follow the layout: channels (1 or -3) become axis 3") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 8, 2, 3});
    m.node("Slice",
           {x, m.int64s("starts", {2}, {4, 0}), m.int64s("ends", {2}, {8, -1}),
            m.int64s("axes", {2}, {-3, 3})},
           "slice");
    m.output(model_builder::out("slice"), TP::FLOAT, {1, 4, 2, 2});
    auto g = nhwc(m);
    REQUIRE(g.ops.size() == 1);
    const auto &a = g.ops[0].get<ir::slice_attrs>();
    CHECK(a.axes == std::vector<std::int64_t>{3, 2});
    CHECK(a.starts == std::vector<std::int64_t>{4, 0});
    CHECK(a.ends == std::vector<std::int64_t>{8, -1});
    CHECK(a.steps == std::vector<std::int64_t>{1, 1});
    CHECK(g.at(g.outputs[0]).shape == ir::shape_t{1, 2, 2, 4});
  }

  TEST_CASE("running the pass twice changes nothing more") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 3, 2, 2});
    m.node("Flatten", {x}, "flatten");
    m.output(model_builder::out("flatten"), TP::FLOAT, {1, 12});
    auto once = nhwc(m);
    auto twice = passes::to_nhwc(once);
    CHECK(ir::to_string(twice.at(twice.inputs[0]).shape) ==
          ir::to_string(once.at(once.inputs[0]).shape));
    CHECK(twice.ops.size() == once.ops.size());
  }
}
