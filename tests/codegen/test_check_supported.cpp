// passes::check_supported

#include "passes/passes.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

TEST_CASE("a float op between quantized ones is named, with the rule it breaks") {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 4});
  auto xq = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
  m.node("Softmax", {xq}, "softmax");
  m.node("Relu", {model_builder::out("softmax")}, "relu");
  m.output(m.dequantize(m.quantize(model_builder::out("relu"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
           {1, 4});
  auto [kind, message] = failure_of([&] { passes::run_default_pipeline(m.import()); });
  CHECK(kind == failure::unsupported_model);
  CHECK(contains(message, "node 'softmax' (Softmax)"));
  CHECK(contains(message, "is not quantized"));
}

TEST_CASE("Sub of computed tensors is reported as not foldable") {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 4});
  auto xq = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
  m.node("Sub", {xq, xq}, "sub");
  m.output(m.dequantize(m.quantize(model_builder::out("sub"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
           {1, 4});
  auto [kind, message] = failure_of([&] { passes::run_default_pipeline(m.import()); });
  CHECK(kind == failure::unsupported_model);
  CHECK(contains(message, "node 'sub' (Sub): Sub remains after the passes"));
}

TEST_CASE("the small PyTorch-style CNN passes every check") {
  auto g = passes::run_default_pipeline(small_qdq_cnn().import());
  using k = ir::op_kind;
  auto kinds = kinds_of(g);
  CHECK(kinds == std::vector<k>{k::quantize, k::conv, k::max_pool, k::transpose, k::reshape,
                                k::dense, k::dequantize});
  for (const auto &t : g.tensors)
    if (t.quant)
      CHECK(t.type != ir::dtype::u8);
}

TEST_CASE("an onnxruntime-style QDQ model reaches one IR op per library layer") {
  auto g = passes::run_default_pipeline(op_zoo_model().import());
  using k = ir::op_kind;
  auto kinds = kinds_of(g);
  CHECK(kinds ==
        std::vector<k>{k::quantize,   k::conv,         k::pad,        k::max_pool,
                       k::requantize, k::concat,       k::activation, k::conv,
                       k::add,        k::mul,          k::activation, k::activation,
                       k::activation, k::average_pool, k::resize,     k::global_average_pool,
                       k::reshape,    k::dense,        k::softmax,    k::dequantize});
  CHECK(g.ops[1].fused_activation->kind == ir::activation_kind::leaky_relu);
  CHECK(g.ops[1].fused_activation->alpha == doctest::Approx(0.1));
  CHECK(g.ops[11].get<ir::activation>().kind == ir::activation_kind::hard_sigmoid);
  CHECK(g.ops[12].get<ir::activation>().kind == ir::activation_kind::tanh);
  CHECK(g.ops[14].get<ir::resize_attrs>().scales == std::vector<double>{1, 2, 2, 1}); // NHWC
}
