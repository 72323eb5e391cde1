// passes::split_batched_matmul

#include "diagnostics/error.hpp"
#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;

namespace {

/// y[2,2,3] = a[2,2,4] x b[2,4,3] (b constant, quantized per output column).
ir::graph batched(ir::shape_t a_shape = {2, 2, 4}) {
  ir::graph g;
  auto at = make_tensor("a", ir::dtype::i8, a_shape);
  at.quant = ir::quantization::per_tensor(0.5f, 1);
  auto bt = make_tensor("b", ir::dtype::i8, {2, 4, 3});
  std::vector<std::int64_t> values(24);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<std::int64_t>(i); // b[g][k][n] = 12g + 3k + n
  bt.value = ir::constant_data::of(ir::dtype::i8, values);
  bt.quant = ir::quantization{{0.1f, 0.2f, 0.3f}, {0, 0, 0}, 2};
  auto yt = make_tensor("y", ir::dtype::i8, {2, 2, 3});
  yt.quant = ir::quantization::per_tensor(0.25f, -3);
  auto a = g.add_tensor(at), b = g.add_tensor(bt), y = g.add_tensor(yt);
  g.inputs = {a};
  g.outputs = {y};
  g.ops.push_back(make_op(ir::op_kind::matmul, "mm", {a, b}, {y}));
  return g;
}

} // namespace

TEST_CASE("a MatMul with 3-D constant weights becomes a grouped 1x1 conv between data moves") {
  auto g = passes::split_batched_matmul(batched());
  g.verify("split_batched_matmul");
  std::vector<ir::op_kind> kinds;
  for (const auto &o : g.ops)
    kinds.push_back(o.kind);
  using k = ir::op_kind;
  // [2,2,4] -> [1,2,2,4] -> transpose [1,2,2,4] (m, batch) -> [2,8,1,1] -> conv -> [2,6,1,1]
  // -> [1,2,2,3] -> transpose [1,2,2,3] (batch, m) -> [2,2,3]
  REQUIRE(kinds == std::vector<k>{k::reshape, k::transpose, k::reshape, k::conv, k::reshape,
                                  k::transpose, k::reshape});
  const auto &conv = g.ops[3];
  CHECK(conv.name == "mm");
  CHECK(conv.get<ir::conv_attrs>().group == 2);
  CHECK(g.at(conv.input(0)).shape == ir::shape_t{2, 8, 1, 1});
  CHECK(g.at(conv.output()).shape == ir::shape_t{2, 6, 1, 1});
  CHECK(g.at(conv.output()).quant->scale_at(0) == 0.25f);
  const auto &w = g.at(conv.input(1));
  CHECK(w.shape == ir::shape_t{6, 4, 1, 1});
  // output channel g*3 + n, input k: b[g][k][n] = 12g + 3k + n
  CHECK(w.value->int_at(0 * 4 + 0) == 0);
  CHECK(w.value->int_at(1 * 4 + 2) == 7);  // g 0, n 1, k 2
  CHECK(w.value->int_at(5 * 4 + 3) == 23); // g 1, n 2, k 3
  REQUIRE(w.quant->per_channel());
  CHECK(*w.quant->axis == 0);
  CHECK(w.quant->scale == std::vector<float>{0.1f, 0.2f, 0.3f, 0.1f, 0.2f, 0.3f});
  CHECK(g.ops[1].get<ir::perm_attrs>().perm == std::vector<std::int64_t>{0, 2, 1, 3});
  CHECK(g.ops.back().output() == g.outputs[0]);
}

TEST_CASE("a broadcast A (fewer dimensions than the batched weights) is refused clearly") {
  try {
    passes::split_batched_matmul(batched({2, 4}));
    FAIL("expected an error");
  } catch (const error &e) {
    CHECK(e.kind() == failure::unsupported_model);
    CHECK(std::string(e.what()).find("broadcast") != std::string::npos);
  }
}
