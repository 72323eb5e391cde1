// passes::commute_data_movement

#include "passes/passes.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;
using k = ir::op_kind;

namespace {

ir::graph commuted(const model_builder &m) {
  return passes::commute_data_movement(
      passes::recognize_qdq(passes::drop_identities(passes::fold_constants(m.import()))));
}

/// x [1,2,2,2] float -> Q -> DQ (int8 s=0.1 zp=3): the quantized activation every case starts
/// from.
std::string quantized_input(model_builder &m, const dims_t &dims = {1, 2, 2, 2}) {
  auto x = m.input("x", TP::FLOAT, dims);
  return m.dequantize(m.quantize(x, 0.1f, 3, true), 0.1f, 3, true);
}

/// The op named `name`.
const ir::op &op_named(const ir::graph &g, const std::string &name) {
  for (const auto &o : g.ops)
    if (o.name == name)
      return o;
  FAIL("no op named " << name);
  return g.ops.front();
}

void check_moved(const ir::graph &g, const std::string &name, float scale = 0.1f, int zp = 3) {
  const auto &t = g.at(op_named(g, name).output());
  CHECK(t.type == ir::dtype::i8);
  REQUIRE(t.quant);
  CHECK_FALSE(t.quant->per_channel());
  CHECK(t.quant->scale_at(0) == scale);
  CHECK(t.quant->zero_point_at(0) == zp);
}

/// `a` [..., 8] -> MatMul by int8 weights [8,3] (s=0.01) -> Q -> DQ -> output "y" [1,3].
void matmul_to_output(model_builder &m, const std::string &a) {
  std::vector<int> w(24);
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<int>(i % 7) - 3;
  m.node("MatMul", {a, m.dequantize_weights("w", {8, 3}, w, {0.01f})}, "fc");
  m.output(m.dequantize(m.quantize(model_builder::out("fc"), 0.05f, 0, true), 0.05f, 0, true),
           TP::FLOAT, {1, 3});
}

} // namespace

TEST_SUITE("commute_data_movement") {

  TEST_CASE("a float Reshape between the last DQ and a MatMul reads and writes int8") {
    model_builder m;
    auto x = quantized_input(m);
    m.node("Reshape", {x, m.int64s("shape", {2}, {1, 8})}, "fc_flat");
    matmul_to_output(m, model_builder::out("fc_flat"));
    auto g = commuted(m);
    check_moved(g, "fc_flat");
    auto [kind, message] = failure_of([&] { passes::check_supported(g); });
    CHECK(contains(message, "node 'fc' (MatMul)")); // only the MatMul (not yet a dense) is left
    CHECK_FALSE(contains(message, "fc_flat"));
    CHECK(kinds_of(passes::run_default_pipeline(m.import())) ==
          std::vector<k>{k::quantize, k::transpose, k::reshape, k::dense, k::dequantize});
  }

  TEST_CASE("Flatten, Unsqueeze and Squeeze in a row before a Gemm") {
    model_builder m;
    auto x = quantized_input(m);
    m.node("Unsqueeze", {x, m.int64s("axes", {1}, {0})}, "unsqueeze");
    m.node("Squeeze", {model_builder::out("unsqueeze"), m.int64s("axes0", {1}, {0})}, "squeeze");
    auto &flatten = m.node("Flatten", {model_builder::out("squeeze")}, "flatten");
    model_builder::attr(flatten, "axis", std::int64_t{1});
    std::vector<int> w(24, 1);
    auto &gemm = m.node(
        "Gemm", {model_builder::out("flatten"), m.dequantize_weights("w", {3, 8}, w, {0.01f})},
        "gemm");
    model_builder::attr(gemm, "transB", std::int64_t{1});
    m.output(m.dequantize(m.quantize(model_builder::out("gemm"), 0.05f, 0, true), 0.05f, 0, true),
             TP::FLOAT, {1, 3});
    auto g = commuted(m);
    check_moved(g, "unsqueeze");
    check_moved(g, "squeeze");
    check_moved(g, "flatten");
    auto kinds = kinds_of(passes::run_default_pipeline(m.import()));
    CHECK(std::count(kinds.begin(), kinds.end(), k::dense) == 1);
  }

  TEST_CASE("a Transpose chain ending in a QuantizeLinear of other parameters") {
    model_builder m;
    auto x = quantized_input(m, {1, 2, 3, 4});
    auto &t1 = m.node("Transpose", {x}, "t1");
    model_builder::attr(t1, "perm", dims_t{0, 2, 3, 1});
    auto &t2 = m.node("Transpose", {model_builder::out("t1")}, "t2");
    model_builder::attr(t2, "perm", dims_t{0, 3, 1, 2});
    m.output(m.dequantize(m.quantize(model_builder::out("t2"), 0.2f, 0, true), 0.2f, 0, true),
             TP::FLOAT, {1, 2, 3, 4});
    auto g = commuted(m);
    check_moved(g, "t1");
    check_moved(g, "t2", 0.2f, 0); // the QuantizeLinear's; isolate_requantization splits it off
    auto kinds = kinds_of(passes::run_default_pipeline(m.import()));
    CHECK(std::count(kinds.begin(), kinds.end(), k::requantize) == 1);
  }

  TEST_CASE("a DQ read by two consumers: both move, the other reader still sees int8") {
    model_builder m;
    auto x = quantized_input(m);
    m.node("Reshape", {x, m.int64s("shape", {2}, {1, 8})}, "flat");
    auto &pool = m.node("MaxPool", {x}, "pool");
    model_builder::attr(pool, "kernel_shape", dims_t{2, 2});
    matmul_to_output(m, model_builder::out("flat"));
    m.output(m.dequantize(m.quantize(model_builder::out("pool"), 0.1f, 3, true), 0.1f, 3, true),
             TP::FLOAT, {1, 2, 1, 1});
    auto g = commuted(m);
    check_moved(g, "flat");
    auto pooled = passes::run_default_pipeline(m.import());
    CHECK(ops_of(pooled, k::max_pool).size() == 1);
    CHECK(ops_of(pooled, k::dense).size() == 1);
  }

  TEST_CASE("a move into a float graph output writes int8 behind a boundary dequantize") {
    model_builder m;
    auto x = quantized_input(m, {1, 2, 3, 4});
    auto &t = m.node("Transpose", {x}, "t");
    model_builder::attr(t, "perm", dims_t{0, 3, 1, 2});
    m.output(model_builder::out("t"), TP::FLOAT, {1, 4, 2, 3});
    auto g = commuted(m);
    REQUIRE(kinds_of(g) == std::vector<k>{k::quantize, k::transpose, k::dequantize});
    const auto &moved = g.at(g.ops[1].output());
    CHECK(moved.type == ir::dtype::i8);
    CHECK(moved.quant->zero_point_at(0) == 3);
    CHECK(g.ops[2].input(0) == g.ops[1].output());
    CHECK(g.is_output(g.ops[2].output()));
    CHECK(g.at(g.ops[2].output()).name == model_builder::out("t"));
    CHECK(g.at(g.ops[2].output()).type == ir::dtype::f32);
    CHECK_NOTHROW(passes::run_default_pipeline(m.import()));
  }

  TEST_CASE("a DQ of constant weights through Transpose and Reshape is folded, per-channel axis "
            "following") {
    model_builder m;
    auto x = quantized_input(m, {1, 8});
    std::vector<int> w(24);
    for (std::size_t i = 0; i < w.size(); ++i)
      w[i] = static_cast<int>(i);
    auto wq = m.dequantize_weights("w", {3, 8}, w, {0.01f, 0.02f, 0.03f}); // axis 0
    auto &t = m.node("Transpose", {wq}, "wt");
    model_builder::attr(t, "perm", dims_t{1, 0});
    m.node("Reshape", {model_builder::out("wt"), m.int64s("shape", {3}, {1, 8, 3})}, "wr");
    m.node("MatMul", {x, model_builder::out("wr")}, "fc");
    m.output(m.dequantize(m.quantize(model_builder::out("fc"), 0.05f, 0, true), 0.05f, 0, true),
             TP::FLOAT, {1, 1, 3});
    auto g = commuted(m);
    const auto &b = g.at(op_named(g, "fc").input(1));
    REQUIRE(b.is_constant());
    CHECK(b.type == ir::dtype::i8);
    CHECK(b.shape == ir::shape_t{1, 8, 3});
    REQUIRE(b.quant);
    CHECK(b.quant->axis == 2);
    CHECK(b.quant->scale == std::vector<float>{0.01f, 0.02f, 0.03f});
    auto values = b.value->ints();
    CHECK(values[0] == 0);
    CHECK(values[1] == 8);
    CHECK(values[3] == 1); // row 1 of the transposed [8,3]
    CHECK(kinds_of(g) == std::vector<k>{k::quantize, k::matmul, k::dequantize});
  }

  TEST_CASE("Slice, Pad with a value of the grid, nearest Resize and Concat of equal inputs") {
    model_builder m(13);
    auto x = quantized_input(m, {1, 2, 4, 4});
    m.node(
        "Slice",
        {x, m.int64s("starts", {1}, {1}), m.int64s("ends", {1}, {3}), m.int64s("axes", {1}, {2})},
        "slice");
    m.node("Pad",
           {model_builder::out("slice"), m.int64s("pads", {8}, {0, 0, 1, 0, 0, 0, 1, 0}),
            m.floats("value", {}, {0.2f})},
           "pad");
    auto &resize = m.node(
        "Resize", {model_builder::out("pad"), "", m.floats("scales", {4}, {1, 1, 2, 2})}, "resize");
    model_builder::attr(resize, "mode", std::string("nearest"));
    auto &concat =
        m.node("Concat", {model_builder::out("resize"), model_builder::out("resize")}, "concat");
    model_builder::attr(concat, "axis", std::int64_t{1});
    m.output(model_builder::out("concat"), TP::FLOAT, {1, 4, 8, 8});
    auto g = commuted(m);
    for (const auto *name : {"slice", "pad", "resize"})
      check_moved(g, name);
    CHECK(g.at(op_named(g, "concat:dequantize").input(0)).quant->zero_point_at(0) == 3);
    CHECK(g.info.warnings.empty());
    auto lowered = passes::run_default_pipeline(m.import());
    CHECK(ops_of(lowered, k::pad).size() == 1);
    CHECK(ops_of(lowered, k::concat).size() == 1);
  }

  TEST_CASE("a Pad whose constant is off the grid stays and is refused, naming the node") {
    model_builder m(13);
    auto x = quantized_input(m);
    m.node("Pad",
           {x, m.int64s("pads", {8}, {0, 0, 1, 0, 0, 0, 1, 0}), m.floats("value", {}, {0.05f})},
           "pad");
    m.output(m.dequantize(m.quantize(model_builder::out("pad"), 0.1f, 3, true), 0.1f, 3, true),
             TP::FLOAT, {1, 2, 4, 2});
    // Before a QuantizeLinear the rounding is the model's own: that Pad was never float-only.
    CHECK_NOTHROW(passes::run_default_pipeline(m.import()));

    model_builder f(13);
    auto y = quantized_input(f);
    f.node("Pad",
           {y, f.int64s("pads", {8}, {0, 0, 1, 0, 0, 0, 1, 0}), f.floats("value", {}, {0.05f})},
           "pad");
    f.node("Reshape", {model_builder::out("pad"), f.int64s("shape", {2}, {1, 16})}, "flat");
    f.output(model_builder::out("flat"), TP::FLOAT, {1, 16});
    auto g = commuted(f);
    CHECK_FALSE(g.at(op_named(g, "pad").output()).quant);
    REQUIRE(g.info.warnings.size() == 1);
    CHECK(contains(g.info.warnings[0], "node 'pad' (Pad)"));
    CHECK(contains(g.info.warnings[0], "is not a value of its input's grid"));
    auto [kind, message] = failure_of([&] { passes::run_default_pipeline(f.import()); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "node 'pad' (Pad)"));
    CHECK(contains(message, "is not quantized"));
    CHECK(contains(message, "warnings:")); // why it was not moved goes with the refusal
    CHECK(contains(message, "is not a value of its input's grid"));
  }

  TEST_CASE("a Concat of differently quantized inputs stays and is refused, naming the node") {
    model_builder m;
    auto x = quantized_input(m);
    auto x2 = m.dequantize(m.quantize(m.input("x2", TP::FLOAT, {1, 2, 2, 2}), 0.2f, 0, true), 0.2f,
                           0, true);
    auto &concat = m.node("Concat", {x, x2}, "concat");
    model_builder::attr(concat, "axis", std::int64_t{1});
    m.node("Reshape", {model_builder::out("concat"), m.int64s("shape", {2}, {1, 16})}, "flat");
    m.output(model_builder::out("flat"), TP::FLOAT, {1, 16});
    auto g = commuted(m);
    CHECK_FALSE(g.at(op_named(g, "concat").output()).quant);
    CHECK_FALSE(g.at(op_named(g, "flat").output()).quant); // its input is float: not a move of DQ
    REQUIRE(g.info.warnings.size() == 1);
    CHECK(contains(g.info.warnings[0], "node 'concat' (Concat)"));
    CHECK(contains(g.info.warnings[0], "quantized differently"));
    auto [kind, message] = failure_of([&] { passes::run_default_pipeline(m.import()); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "node 'concat' (Concat)"));
  }

  TEST_CASE("a linear Resize and a Slice of constant weights are not moved") {
    model_builder m(13);
    auto x = quantized_input(m, {1, 2, 4, 4});
    auto &resize = m.node("Resize", {x, "", m.floats("scales", {4}, {1, 1, 2, 2})}, "resize");
    model_builder::attr(resize, "mode", std::string("linear"));
    m.output(model_builder::out("resize"), TP::FLOAT, {1, 2, 8, 8});
    auto g = commuted(m);
    CHECK_FALSE(g.at(op_named(g, "resize").output()).quant);
    REQUIRE(g.info.warnings.size() == 1);
    CHECK(contains(g.info.warnings[0], "Resize mode 'linear'"));

    model_builder w;
    auto y = quantized_input(w, {1, 3});
    auto wq = w.dequantize_weights("w", {3, 8}, std::vector<int>(24, 1), {0.01f, 0.02f, 0.03f});
    w.node(
        "Slice",
        {wq, w.int64s("starts", {1}, {0}), w.int64s("ends", {1}, {4}), w.int64s("axes", {1}, {1})},
        "wslice");
    w.node("MatMul", {y, model_builder::out("wslice")}, "fc");
    w.output(w.dequantize(w.quantize(model_builder::out("fc"), 0.05f, 0, true), 0.05f, 0, true),
             TP::FLOAT, {1, 4});
    auto h = commuted(w);
    CHECK_FALSE(h.at(op_named(h, "wslice").output()).quant);
    REQUIRE(h.info.warnings.size() == 1);
    CHECK(contains(h.info.warnings[0], "node 'wslice' (Slice)"));
    CHECK(contains(h.info.warnings[0], "is a constant"));
  }

  TEST_CASE("a move of a quantized constant into a graph output stays and is refused") {
    model_builder m;
    auto x = quantized_input(m, {1, 8});
    auto wq = m.dequantize_weights("w", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}, {0.01f});
    m.node("Reshape", {wq, m.int64s("shape", {1}, {8})}, "wflat");
    m.output(m.dequantize(m.quantize(x, 0.1f, 3, true), 0.1f, 3, true), TP::FLOAT, {1, 8});
    m.output(model_builder::out("wflat"), TP::FLOAT, {8});
    auto g = commuted(m);
    REQUIRE(g.info.warnings.size() == 1);
    CHECK(contains(g.info.warnings[0], "node 'wflat' (Reshape)"));
    CHECK(contains(g.info.warnings[0], "graph output"));
    auto [kind, message] = failure_of([&] { passes::run_default_pipeline(m.import()); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "node 'wflat' (Reshape)"));
  }
}
