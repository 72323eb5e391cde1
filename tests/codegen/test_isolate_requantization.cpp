// passes::isolate_requantization

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;

TEST_CASE("a max pool that also rescales becomes a max pool and a requantize") {
  ir::graph g;
  auto in = make_tensor("in", ir::dtype::i8, {1, 2, 2, 1});
  in.quant = ir::quantization::per_tensor(0.1f, 0);
  auto out = make_tensor("out", ir::dtype::i8, {1, 1, 1, 1});
  out.quant = ir::quantization::per_tensor(0.2f, 3);
  auto i = g.add_tensor(in), o = g.add_tensor(out);
  g.inputs = {i};
  g.outputs = {o};
  auto pool = make_op(ir::op_kind::max_pool, "pool", {i}, {o});
  pool.attrs = ir::pool_attrs{};
  g.ops.push_back(pool);
  g = passes::isolate_requantization(std::move(g));
  REQUIRE(g.ops.size() == 2);
  CHECK(g.ops[0].kind == ir::op_kind::max_pool);
  CHECK(g.at(g.ops[0].output()).quant->scale_at(0) == 0.1f);
  CHECK(g.ops[1].kind == ir::op_kind::requantize);
  CHECK(g.at(g.ops[1].output()).name == "out");
}
