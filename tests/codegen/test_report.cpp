// report/: the per-layer table.

#include "passes/passes.hpp"
#include "report/layer_table.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;

TEST_CASE("the layer table counts MACs and parameters of conv and dense") {
  auto g = passes::run_default_pipeline(small_qdq_cnn().import());
  auto rows = report::layer_table(g);
  REQUIRE(rows.size() == g.ops.size());
  const auto &conv = rows[1];
  CHECK(conv.name == "conv");
  CHECK(conv.op == "conv 3x3/1");
  CHECK(conv.fused == "Relu");
  CHECK(conv.output_shape == "[1,4,4,2] nhwc");
  CHECK(conv.macs == 4 * 4 * 2 * 9);  // every output element: 1 channel x 3 x 3 products
  CHECK(conv.params == 2 * 9 + 2);    // weights + bias
  CHECK(conv.activation_bytes == 32); // int8 [1,4,4,2]
  const auto &dense = rows[5];
  CHECK(dense.op == "dense");
  CHECK(dense.macs == 3 * 8);
  CHECK(dense.params == 3 * 8 + 3);
  auto text = report::format_table(rows, "// ");
  CHECK(text.find("// ") == 0);
  CHECK(text.find("total") != std::string::npos);
  CHECK(text.find(std::to_string(4 * 4 * 2 * 9 + 3 * 8)) != std::string::npos);
}
