// passes::fold_batch_norm. Expected values are worked by hand from
// y = gamma * (conv(x) - mean) / sqrt(var + eps) + beta.

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

/// gamma [1, -4], beta [0.5, 0], mean [1, 0], var [3, 0] with eps 1: k = [0.5, -4]
void add_batch_norm(model_builder &m, const std::string &x) {
  auto &bn = m.node("BatchNormalization",
                    {x, m.floats("gamma", {2}, {1, -4}), m.floats("beta", {2}, {0.5f, 0}),
                     m.floats("mean", {2}, {1, 0}), m.floats("var", {2}, {3, 0})},
                    "bn");
  model_builder::attr(bn, "epsilon", 1.0f);
}

} // namespace

TEST_SUITE("fold_batch_norm") {

  TEST_CASE("float weights and bias absorb the normalization") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 1, 2, 2});
    m.node("Conv", {x, m.floats("w", {2, 1, 1, 1}, {2, 3}), m.floats("b", {2}, {1, -1})}, "conv");
    add_batch_norm(m, model_builder::out("conv"));
    m.output(model_builder::out("bn"), TP::FLOAT, {1, 2, 2, 2});
    auto g = passes::fold_batch_norm(m.import(false));
    REQUIRE(g.ops.size() == 1);
    const auto &conv = g.ops[0];
    // w' = k w = [1, -12]; b' = k (b - mean) + beta = [0.5 * 0 + 0.5, -4 * -1 + 0] = [0.5, 4]
    CHECK(g.at(conv.input(1)).value->reals() == std::vector<double>{1, -12});
    CHECK(g.at(conv.input(2)).value->reals() == std::vector<double>{0.5, 4});
    CHECK(g.at(conv.output()).name == model_builder::out("bn"));
    CHECK(conv.fused == std::vector<std::string>{"BatchNormalization bn"});
  }

  TEST_CASE("integer weights keep their values; k moves into per-channel scales") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 1, 2, 2});
    auto xq = m.dequantize(m.quantize(x, 0.5f, 0, true), 0.5f, 0, true);
    auto w = m.dequantize_weights("w", {2, 1, 1, 1}, {10, -128}, {0.1f});
    auto b = m.dequantize_bias("b", {20, -20}, {0.05f});
    m.node("Conv", {xq, w, b}, "conv");
    add_batch_norm(m, model_builder::out("conv"));
    m.output(m.dequantize(m.quantize(model_builder::out("bn"), 1.0f, 0, true), 1.0f, 0, true),
             TP::FLOAT, {1, 2, 2, 2});
    auto g = passes::fold_batch_norm(passes::recognize_qdq(passes::fold_constants(m.import())));
    const auto &conv = *ops_of(g, ir::op_kind::conv)[0];
    const auto &weights = g.at(conv.input(1));
    // channel 1 has k < 0: its integers are negated (-(-128) saturates to 127), scale 0.1 * 4
    CHECK(weights.value->ints() == std::vector<std::int64_t>{10, 127});
    CHECK(weights.quant->axis == 0);
    CHECK(weights.quant->scale[0] == doctest::Approx(0.05));
    CHECK(weights.quant->scale[1] == doctest::Approx(0.4));
    // real bias b = [1, -1] -> b' = [0.5 * (1 - 1) + 0.5, -4 * (-1 - 0)] = [0.5, 4], in the
    // accumulator scale 0.5 * [0.05, 0.4] = [0.025, 0.2]: [20, 20]
    const auto &bias = g.at(conv.input(2));
    CHECK(bias.type == ir::dtype::i32);
    CHECK(bias.value->ints() == std::vector<std::int64_t>{20, 20});
    CHECK(bias.quant->scale[1] == doctest::Approx(0.2));
  }

  TEST_CASE("a BatchNormalization that follows no conv is reported") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 2, 2});
    add_batch_norm(m, x);
    m.output(model_builder::out("bn"), TP::FLOAT, {1, 2, 2, 2});
    CHECK_THROWS_WITH(passes::fold_batch_norm(m.import(false)),
                      doctest::Contains("supported only right after a Conv"));
  }
}
