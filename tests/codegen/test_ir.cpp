// The IR's own helpers: constant data, quantization equality, transposition, graph surgery.

#include "ir/graph.hpp"
#include "ir/op_traits.hpp"
#include "ir/print.hpp"
#include "ir/transpose.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using onnx2hpp::codegen::testing::make_op;
using onnx2hpp::codegen::testing::make_tensor;

TEST_SUITE("ir") {

  TEST_CASE("constant data keeps values in their own element type") {
    auto d = ir::constant_data::of(ir::dtype::i8, std::vector<std::int64_t>{-128, 0, 127});
    CHECK(d.size() == 3);
    CHECK(d.bytes().size() == 3);
    CHECK(d.ints() == std::vector<std::int64_t>{-128, 0, 127});
    auto f = ir::constant_data::of(ir::dtype::f32, std::vector<double>{0.5, -2.25});
    CHECK(f.reals() == std::vector<double>{0.5, -2.25});
    CHECK(f.int_at(1) == -2); // truncation, as a C++ conversion
  }

  TEST_CASE("quantizations compare scales to a relative 1e-6 and zero points exactly") {
    auto a = ir::quantization::per_tensor(0.1f, 3);
    CHECK(ir::same_quantization(a, ir::quantization::per_tensor(0.1f * (1 + 1e-7f), 3)));
    CHECK_FALSE(ir::same_quantization(a, ir::quantization::per_tensor(0.1001f, 3)));
    CHECK_FALSE(ir::same_quantization(a, ir::quantization::per_tensor(0.1f, 4)));
  }

  TEST_CASE("transpose of a 2x3 matrix") {
    auto d = ir::constant_data::of(ir::dtype::i32, std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
    auto t = ir::transpose(d, {2, 3}, {1, 0});
    CHECK(t.ints() == std::vector<std::int64_t>{1, 4, 2, 5, 3, 6});
    CHECK(ir::permute({2, 3}, {1, 0}) == ir::shape_t{3, 2});
  }

  TEST_CASE("transpose NCHW -> NHWC moves channels last") {
    // N=1, C=2, H=1, W=2: c0 = [1, 2], c1 = [3, 4] -> pixels (1,3), (2,4)
    auto d = ir::constant_data::of(ir::dtype::i8, std::vector<std::int64_t>{1, 2, 3, 4});
    CHECK(ir::transpose(d, {1, 2, 1, 2}, ir::nchw_to_nhwc).ints() ==
          std::vector<std::int64_t>{1, 3, 2, 4});
    CHECK(ir::inverse(ir::nchw_to_nhwc) == ir::nhwc_to_nchw);
  }

  TEST_CASE("a transpose that moves only size-1 dimensions keeps element order") {
    CHECK(ir::keeps_element_order({1, 1, 1, 16}, ir::nhwc_to_nchw));
    CHECK(ir::keeps_element_order({1, 4, 4, 1}, ir::nhwc_to_nchw));
    CHECK_FALSE(ir::keeps_element_order({1, 4, 4, 16}, ir::nhwc_to_nchw));
    CHECK_FALSE(ir::keeps_element_order({2, 3}, {1, 0}));
  }

  namespace {

  /// in -> a -> b -> out, plus a dead op c reading `in`.
  ir::graph chain() {
    ir::graph g;
    auto in = g.add_tensor(make_tensor("in"));
    auto a = g.add_tensor(make_tensor("a"));
    auto b = g.add_tensor(make_tensor("b"));
    auto dead = g.add_tensor(make_tensor("dead"));
    g.inputs = {in};
    g.outputs = {b};
    g.ops.push_back(make_op(ir::op_kind::identity, "first", {in}, {a}));
    g.ops.push_back(make_op(ir::op_kind::reshape, "second", {a}, {b}));
    g.ops.push_back(make_op(ir::op_kind::reshape, "unused", {in}, {dead}));
    return g;
  }

  } // namespace

  TEST_CASE("sweep drops unused ops and tensors and renumbers") {
    auto g = chain();
    g.sweep();
    REQUIRE(g.ops.size() == 2);
    CHECK(g.tensors.size() == 3);
    CHECK(g.at(g.outputs[0]).name == "b");
    g.verify("test");
  }

  TEST_CASE("bypassing the op in front of a graph output keeps the output's name") {
    auto g = chain();
    REQUIRE(g.bypass(1));
    g.sweep();
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].name == "first");
    CHECK(g.at(g.ops[0].output()).name == "b");
    CHECK(g.at(g.outputs[0]).name == "b");
  }

  TEST_CASE("an op between a graph input and a graph output cannot be bypassed") {
    ir::graph g;
    auto in = g.add_tensor(make_tensor("in"));
    auto out = g.add_tensor(make_tensor("out"));
    g.inputs = {in};
    g.outputs = {out};
    g.ops.push_back(make_op(ir::op_kind::identity, "id", {in}, {out}));
    CHECK_FALSE(g.bypass(0));
    CHECK(g.ops[0].kind == ir::op_kind::identity);
  }

  TEST_CASE("verify reports a read before the write") {
    ir::graph g;
    auto a = g.add_tensor(make_tensor("a"));
    auto b = g.add_tensor(make_tensor("b"));
    g.outputs = {b};
    g.ops.push_back(make_op(ir::op_kind::reshape, "r", {a}, {b}));
    CHECK_THROWS_WITH(g.verify("a test"), doctest::Contains("reads 'a' before it is written"));
  }

  TEST_CASE("the text form names ops, kinds, shapes and quantization") {
    ir::graph g;
    auto x = make_tensor("x", ir::dtype::i8, {1, 4});
    x.quant = ir::quantization::per_tensor(0.5f, -3);
    auto y = make_tensor("y", ir::dtype::i8, {1, 4});
    y.quant = x.quant;
    auto in = g.add_tensor(x);
    auto out = g.add_tensor(y);
    g.inputs = {in};
    g.outputs = {out};
    g.ops.push_back(make_op(ir::op_kind::reshape, "r", {in}, {out}));
    auto text = ir::to_text(g);
    CHECK(text.find("r = reshape(%x)") != std::string::npos);
    CHECK(text.find("%y: i8[1,4] s=0.5 zp=-3") != std::string::npos);
  }

  TEST_CASE("op_traits: one row per kind, found by the kind, not by the enum's order") {
    for (std::size_t k = 0; k <= static_cast<std::size_t>(ir::op_kind::removed); ++k) {
      const auto kind = static_cast<ir::op_kind>(k);
      const auto &t = ir::traits(kind);
      CHECK(t.kind == kind);
      CHECK_FALSE(t.name.empty());
      CHECK(ir::name_of(kind) == t.name);
      // A kind the library implements is written by one family of the emitter; no other is.
      CHECK(t.core == (t.family != ir::layer_family::none));
      CHECK(ir::is_core(kind) == t.core);
      if (t.moves_data) // data movement copies bytes: nothing to requantize
        CHECK_FALSE(t.requantizes);
    }
    CHECK(ir::is_core(ir::op_kind::pad));
    CHECK(ir::is_core(ir::op_kind::quantize));
    CHECK_FALSE(ir::is_core(ir::op_kind::gemm));
    CHECK_FALSE(ir::is_core(ir::op_kind::removed));
    CHECK(ir::traits(ir::op_kind::max_pool).moves_data);
    CHECK(ir::traits(ir::op_kind::add).in_place == ir::in_place_rule::same_shape);
  }
}
