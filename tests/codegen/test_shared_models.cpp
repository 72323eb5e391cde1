// The shared model zoo (../shared/models, PyTorch QDQ exports): every model imports, passes,
// lowers, and its MACs and parameter count equal the ones its JSON sidecar states (counted
// independently, from the int8 graph, the float graph and torch module hooks). Runs only where
// the folder exists (ONNX2HPP_SHARED_MODELS_DIR), as its own CTest entry.

#include "emit/header.hpp"
#include "import/to_ir.hpp"
#include "passes/passes.hpp"
#include "report/layer_table.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace onnx2hpp::codegen;

#ifdef ONNX2HPP_SHARED_MODELS_DIR

namespace {

void check_model(const std::string &name) {
  std::filesystem::path dir(ONNX2HPP_SHARED_MODELS_DIR);
  std::ifstream sidecar(dir / (name + ".json"));
  auto expected = nlohmann::json::parse(sidecar);
  auto model =
      lower::lower(passes::run_default_pipeline(importer::import_model(dir / (name + ".onnx"))));
  std::uint64_t macs = 0, params = 0;
  for (const auto &row : report::layer_table(model.graph)) {
    macs += row.macs;
    params += row.params;
  }
  CHECK(macs == expected["macs"].get<std::uint64_t>());
  CHECK(params == expected["params"].get<std::uint64_t>());
  CHECK(model.graph.at(model.graph.inputs[0]).name == expected["input"]["name"].get<std::string>());
  CHECK_FALSE(emit::emit_header(model, {"m", "test"}).empty());
}

} // namespace

TEST_SUITE("shared_models") {
  TEST_CASE("digits_cnn") {
    check_model("digits_cnn");
  }
  TEST_CASE("dscnn_kws") {
    check_model("dscnn_kws");
  }
  TEST_CASE("fc_autoencoder_ad") {
    check_model("fc_autoencoder_ad");
  }
  TEST_CASE("mobilenet_v2") {
    check_model("mobilenet_v2");
  }
  TEST_CASE("mobilenetv1_025_vww") {
    check_model("mobilenetv1_025_vww");
  }
  TEST_CASE("resnet18") {
    check_model("resnet18");
  }
  TEST_CASE("resnet8_cifar") {
    check_model("resnet8_cifar");
  }
  TEST_CASE("resnet8_cifar_pertensor") {
    check_model("resnet8_cifar_pertensor");
  }
  TEST_CASE("shufflenet_v2_x0_5") {
    check_model("shufflenet_v2_x0_5");
  }
}

#endif
