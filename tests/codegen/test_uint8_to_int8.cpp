// passes::uint8_to_int8

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;

TEST_CASE("uint8 tensors become int8 with values and zero points shifted by 128") {
  ir::graph g;
  auto a = make_tensor("a", ir::dtype::u8, {3});
  a.quant = ir::quantization::per_tensor(0.5f, 128);
  auto b = make_tensor("b", ir::dtype::u8, {3});
  b.quant = ir::quantization::per_tensor(0.5f, 3);
  b.value = ir::constant_data::of(ir::dtype::u8, std::vector<std::int64_t>{0, 128, 255});
  auto c = make_tensor("c", ir::dtype::i8, {3});
  c.quant = ir::quantization::per_tensor(0.5f, 5);
  auto ia = g.add_tensor(a), ib = g.add_tensor(b), ic = g.add_tensor(c);
  g = passes::uint8_to_int8(std::move(g));
  CHECK(g.at(ia).type == ir::dtype::i8);
  CHECK(g.at(ia).quant->zero_point_at(0) == 0);
  CHECK(g.at(ib).quant->zero_point_at(0) == -125);
  CHECK(g.at(ib).value->ints() == std::vector<std::int64_t>{-128, 0, 127});
  CHECK(g.at(ib).quant->scale_at(0) == 0.5f);   // real values unchanged
  CHECK(g.at(ic).quant->zero_point_at(0) == 5); // int8 untouched
}
