// passes::fuse_pad

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

ir::graph after_fuse_pad(const model_builder &m) {
  return passes::fuse_pad(passes::canonicalize_ops(passes::fold_constants(m.import(false))));
}

/// Pad (ONNX order: begins N,C,H,W then ends) then `consumer` on a [1,1,4,4] input.
model_builder padded(const dims_t &pads, float value, const std::string &consumer) {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 1, 4, 4});
  m.node("Pad", {x, m.int64s("pads", {8}, pads), m.floats("value", {}, {value})}, "pad");
  if (consumer == "Conv") {
    m.node("Conv",
           {model_builder::out("pad"), m.floats("w", {1, 1, 3, 3}, std::vector<float>(9, 1))},
           "next");
  } else {
    auto &pool = m.node(consumer, {model_builder::out("pad")}, "next");
    model_builder::attr(pool, "kernel_shape", dims_t{3, 3});
  }
  auto h = 4 + pads[2] + pads[6] - 2, w = 4 + pads[3] + pads[7] - 2;
  m.output(model_builder::out("next"), TP::FLOAT, {1, 1, h, w});
  return m;
}

} // namespace

TEST_SUITE("fuse_pad") {

  TEST_CASE("a zero Pad of H and W becomes the conv's pads") {
    auto g = after_fuse_pad(padded({0, 0, 1, 2, 0, 0, 3, 4}, 0.0f, "Conv"));
    REQUIRE(g.ops.size() == 1);
    const auto &conv = g.ops[0];
    CHECK(conv.get<ir::conv_attrs>().pads == std::array<std::int64_t, 4>{1, 2, 3, 4});
    CHECK(g.is_input(conv.input(0)));
    CHECK(conv.fused == std::vector<std::string>{"Pad pad"});
  }

  TEST_CASE("a Pad before an unpadded average pool makes it count the padding") {
    auto g = after_fuse_pad(padded({0, 0, 1, 1, 0, 0, 1, 1}, 0.0f, "AveragePool"));
    REQUIRE(g.ops.size() == 1);
    const auto &pool = g.ops[0].get<ir::pool_attrs>();
    CHECK(pool.pads == std::array<std::int64_t, 4>{1, 1, 1, 1});
    CHECK(pool.count_include_pad);
  }

  TEST_CASE("a Pad with another value, or before a max pool, stays") {
    CHECK(after_fuse_pad(padded({0, 0, 1, 1, 0, 0, 1, 1}, 1.0f, "Conv")).ops.size() == 2);
    CHECK(after_fuse_pad(padded({0, 0, 1, 1, 0, 0, 1, 1}, 0.0f, "MaxPool")).ops.size() == 2);
  }
}
