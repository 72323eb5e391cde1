// passes::separate_outputs

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;

TEST_CASE("a lone QuantizeLinear gets a copy that writes the graph output") {
  ir::graph g;
  auto x = g.add_tensor(make_tensor("x", ir::dtype::f32, {6}));
  auto yt = make_tensor("y", ir::dtype::i8, {6});
  yt.quant = ir::quantization::per_tensor(2.0f, -1);
  auto y = g.add_tensor(yt);
  g.inputs = {x};
  g.outputs = {y};
  g.ops.push_back(make_op(ir::op_kind::quantize, "q", {x}, {y}));
  g = passes::separate_outputs(std::move(g));
  REQUIRE(g.ops.size() == 2);
  CHECK(g.ops[0].kind == ir::op_kind::quantize);
  CHECK(g.ops[1].kind == ir::op_kind::reshape);
  CHECK(g.ops[1].input(0) == g.ops[0].output());
  CHECK(g.outputs[0] == g.ops[1].output());
  CHECK(g.at(g.outputs[0]).name == "y"); // the graph output keeps its ONNX name
  CHECK(g.at(g.ops[0].output()).name == "y:quantized");
  CHECK(g.at(g.outputs[0]).quant->scale_at(0) == 2.0f);
  g.verify("separate_outputs");
}

TEST_CASE("a lone DequantizeLinear gets a copy in front of the boundary dequantize") {
  ir::graph g;
  auto xt = make_tensor("x", ir::dtype::i8, {1, 3, 2, 2});
  xt.quant = ir::quantization{{2.0f, 4.0f, 5.0f}, {1, 2, 3}, 3}; // per channel survives
  auto x = g.add_tensor(xt);
  auto y = g.add_tensor(make_tensor("y", ir::dtype::f32, {1, 3, 2, 2}));
  g.inputs = {x};
  g.outputs = {y};
  g.ops.push_back(make_op(ir::op_kind::dequantize, "dq", {x}, {y}));
  g = passes::separate_outputs(std::move(g));
  REQUIRE(g.ops.size() == 2);
  CHECK(g.ops[0].kind == ir::op_kind::reshape);
  CHECK(g.ops[0].input(0) == x);
  CHECK(g.ops[1].kind == ir::op_kind::dequantize);
  CHECK(g.ops[1].input(0) == g.ops[0].output());
  CHECK(g.at(g.ops[0].output()).quant->axis == 3);
  CHECK(g.at(g.outputs[0]).name == "y");
  g.verify("separate_outputs");
}

TEST_CASE("outputs written by a node once stay as they are; a repeated output gets a copy") {
  ir::graph g;
  auto xt = make_tensor("x", ir::dtype::i8, {1, 4});
  xt.quant = ir::quantization::per_tensor(1.0f, 0);
  auto x = g.add_tensor(xt);
  auto yt = xt;
  yt.name = "y";
  auto y = g.add_tensor(yt);
  g.inputs = {x};
  g.outputs = {y, y};
  auto r = make_op(ir::op_kind::reshape, "r", {x}, {y});
  g.ops.push_back(r);
  g = passes::separate_outputs(std::move(g));
  REQUIRE(g.ops.size() == 2);
  CHECK(g.outputs[0] == g.ops[0].output());
  CHECK(g.outputs[1] == g.ops[1].output());
  CHECK(g.outputs[0] != g.outputs[1]);
  CHECK(g.ops[1].input(0) == g.outputs[0]);
  g.verify("separate_outputs");
}
