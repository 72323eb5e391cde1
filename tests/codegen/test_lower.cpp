// lower/: multipliers, weight packing, bias and zero points.

#include "lower/lower.hpp"
#include "passes/passes.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;

TEST_SUITE("lower") {

  TEST_CASE("multipliers follow TFLite QuantizeMultiplier: real = m * 2^(shift - 31)") {
    // 0.5 = 2^30 * 2^-31; 1.0 = 2^30 * 2^(1-31); 0.75 = round(0.75 * 2^31) * 2^-31
    auto r = lower::requantize_multipliers(0.5, {1.0f, 2.0f, 1.5f}, 1.0);
    CHECK(r.multiplier == std::vector<std::int32_t>{1 << 30, 1 << 30, 1610612736});
    CHECK(r.shift == std::vector<std::int32_t>{0, 1, 0});
    // below 2^-32 the scale is not representable: {0, 0}
    auto tiny = lower::requantize_multipliers(1.0, {1.0f}, std::ldexp(1.0, 33));
    CHECK(tiny.multiplier[0] == 0);
    CHECK(tiny.shift[0] == 0);
  }

  TEST_CASE("conv weights are packed OHWI") {
    // O=1, I=2, H=1, W=2: OIHW [i0w0, i0w1, i1w0, i1w1] = [1, 2, 3, 4] -> OHWI [w0i0, w0i1, w1i0,
    // w1i1]
    CHECK(lower::to_ohwi({1, 2, 3, 4}, {1, 2, 1, 2}) == std::vector<std::int8_t>{1, 3, 2, 4});
  }

  TEST_CASE("the small CNN lowers with explicit zero points and per-channel multipliers") {
    auto model = lower::lower(passes::run_default_pipeline(small_qdq_cnn().import()));
    REQUIRE(model.layers.size() == 2);
    const auto &g = model.graph;
    const auto &[conv_index, conv] = *model.layers.begin();
    CHECK(g.ops[conv_index].kind == ir::op_kind::conv);
    CHECK(conv.weight_shape == ir::shape_t{2, 3, 3, 1});
    CHECK(conv.bias == std::vector<std::int32_t>{100, -200});
    CHECK(conv.input_zero_point == -128); // uint8 zero point 0
    CHECK(conv.output_zero_point == -128);
    CHECK(conv.weight_zero_point == 0);
    CHECK(conv.act_min == -128); // the fused Relu clamps at the zero point
    CHECK(conv.act_max == 127);
    const double expected[2] = {(1.0 / 127) * 0.01 / 0.05, (1.0 / 127) * 0.02 / 0.05};
    for (int c = 0; c < 2; ++c) {
      double real = conv.requant.multiplier[c] * std::ldexp(1.0, conv.requant.shift[c] - 31);
      CHECK(real == doctest::Approx(expected[c]).epsilon(1e-7));
    }
    const auto &dense = model.layers.rbegin()->second;
    CHECK(dense.weight_shape == ir::shape_t{3, 8});
    CHECK(dense.output_zero_point == 0); // uint8 128
    CHECK(dense.bias == std::vector<std::int32_t>{5, 6, 7});
  }

  namespace {

  /// in (s=0.5) -> conv 1x1 (w s=0.25) -> out (s=1), bias with scale `bias_scale`.
  ir::graph conv_graph(float bias_scale, std::vector<std::int32_t> weight_zero_points) {
    ir::graph g;
    auto in = make_tensor("in", ir::dtype::i8, {1, 1, 1, 2});
    in.quant = ir::quantization::per_tensor(0.5f, 0);
    auto w = make_tensor("w", ir::dtype::i8, {2, 2, 1, 1});
    w.value = ir::constant_data::of(ir::dtype::i8, std::vector<std::int64_t>{1, 2, 3, 4});
    w.quant = ir::quantization{{0.25f, 0.25f}, weight_zero_points, 0};
    auto b = make_tensor("b", ir::dtype::i32, {2});
    b.value = ir::constant_data::of(ir::dtype::i32, std::vector<std::int64_t>{10, -10});
    b.quant = ir::quantization::per_tensor(bias_scale, 0);
    auto out = make_tensor("out", ir::dtype::i8, {1, 1, 1, 2});
    out.quant = ir::quantization::per_tensor(1.0f, 0);
    auto ii = g.add_tensor(in), wi = g.add_tensor(w), bi = g.add_tensor(b), oi = g.add_tensor(out);
    g.inputs = {ii};
    g.outputs = {oi};
    auto conv = make_op(ir::op_kind::conv, "conv", {ii, wi, bi}, {oi});
    conv.attrs = ir::conv_attrs{};
    g.ops.push_back(conv);
    return g;
  }

  } // namespace

  TEST_CASE("an int32 bias in another scale is re-expressed in the accumulator scale") {
    // accumulator scale 0.5 * 0.25 = 0.125; bias scale 0.25 -> values double
    auto model = lower::lower(conv_graph(0.25f, {0, 0}));
    CHECK(model.layers.at(0).bias == std::vector<std::int32_t>{20, -20});
    CHECK(model.graph.info.warnings.size() == 1);
  }

  TEST_CASE("weight zero points that differ per channel are refused") {
    auto [kind, message] = failure_of([] { lower::lower(conv_graph(0.125f, {0, 1})); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "weight zero points"));
  }
}
