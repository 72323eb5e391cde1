// import/: reading files, ONNX checker and shape inference, dialects, the op-by-op translation and
// every bad-input diagnosis.

#include "diagnostics/error.hpp"
#include "import/load_model.hpp"
#include "import/to_ir.hpp"
#include "support/expect_error.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

TEST_SUITE("import") {

  TEST_CASE("a PyTorch QDQ model imports one op per node with value-info shapes") {
    auto g = small_qdq_cnn().import();
    CHECK(g.info.producer_name == "pytorch");
    CHECK(g.info.dialects == std::vector<std::string>{"QDQ (PyTorch export)"});
    CHECK(g.info.opset == 13);
    REQUIRE(g.inputs.size() == 1);
    CHECK(g.at(g.inputs[0]).shape == ir::shape_t{1, 1, 4, 4});
    CHECK(g.at(g.inputs[0]).order == ir::layout::nchw);
    REQUIRE(g.outputs.size() == 1);
    CHECK(g.at(g.outputs[0]).name == "output");
    CHECK(g.at(g.outputs[0]).shape == ir::shape_t{1, 3});
    CHECK(ops_of(g, ir::op_kind::conv).size() == 1);
    const auto &conv = *ops_of(g, ir::op_kind::conv)[0];
    CHECK(conv.get<ir::conv_attrs>().pads == std::array<std::int64_t, 4>{1, 1, 1, 1});
    CHECK(g.at(conv.output()).shape == ir::shape_t{1, 2, 4, 4}); // from ONNX shape inference
  }

  TEST_CASE("a ceil-mode pool drops a last window that would start in the trailing padding, as "
            "onnxruntime does") {
    // 10x10, kernel 3, stride 4, pads 1: ceil((10 + 2 - 3) / 4) + 1 = 4 windows start at -1, 3,
    // 7 and 11; the last starts beyond 10 + 1 - 1 (in the trailing padding), so onnxruntime
    // computes 3x3. libonnx 1.12's shape inference says 4x4; the output shape is not declared.
    for (const char *op : {"MaxPool", "AveragePool"}) {
      model_builder m;
      auto x = m.input("x", TP::FLOAT, {1, 2, 10, 10});
      auto q = m.dequantize(m.quantize(x, 0.1f, 0, true), 0.1f, 0, true);
      auto &pool = m.node(op, {q}, "pool");
      model_builder::attr(pool, "kernel_shape", dims_t{3, 3});
      model_builder::attr(pool, "strides", dims_t{4, 4});
      model_builder::attr(pool, "pads", dims_t{1, 1, 1, 1});
      model_builder::attr(pool, "ceil_mode", std::int64_t{1});
      m.output(m.dequantize(m.quantize(pool.output(0), 0.1f, 0, true), 0.1f, 0, true), TP::FLOAT,
               {1, 2, 10, 10});
      auto *shape = m.proto()
                        .mutable_graph()
                        ->mutable_output(0)
                        ->mutable_type()
                        ->mutable_tensor_type()
                        ->mutable_shape();
      for (auto &d : *shape->mutable_dim())
        d.clear_dim_value(); // rank only
      auto g = m.import();
      CHECK(tensor_named(g, "pool_out").shape == ir::shape_t{1, 2, 3, 3});
      CHECK(g.at(g.outputs[0]).shape == ir::shape_t{1, 2, 3, 3});
    }
  }

  TEST_CASE("the producer name tells QDQ flavours apart") {
    model_builder ort(13, "onnx.quantize");
    auto x = ort.input("x", TP::FLOAT, {1, 4});
    ort.output(ort.dequantize(ort.quantize(x, 0.1f, 128), 0.1f, 128), TP::FLOAT, {1, 4});
    CHECK(ort.import().info.dialects == std::vector<std::string>{"QDQ (onnxruntime quantizer)"});
  }

  TEST_CASE("a float model is rejected with directions to quantize it") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    m.node("Relu", {x}, "relu");
    m.output(model_builder::out("relu"), TP::FLOAT, {1, 4});
    auto [kind, message] = failure_of([&] { m.import(); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "is a float model"));
    CHECK(contains(message, "quantize_static"));
    CHECK(contains(message, "PyTorch"));
  }

  TEST_CASE("every unsupported node is listed once, with its name and op") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    m.node("Sin", {x}, "sin_a");
    m.node("Sin", {model_builder::out("sin_a")}, "sin_b");
    m.node("Cos", {model_builder::out("sin_b")}, "cos");
    m.output(model_builder::out("cos"), TP::FLOAT, {1, 4});
    auto [kind, message] = failure_of([&] { m.import(); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "2 operators that onnx2hpp does not support (Cos, Sin)"));
    CHECK(contains(message, "node 'sin_a': Sin"));
    CHECK(contains(message, "node 'sin_b': Sin"));
    CHECK(contains(message, "node 'cos': Cos"));
    CHECK(contains(message, "Supported operators:"));
    CHECK(message.find("sin_a") == message.rfind("sin_a"));
  }

  TEST_CASE("dynamic input dimensions need --input-shape") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {-1, 4});
    m.output(m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0), TP::FLOAT, {-1, 4});
    auto [kind, message] = failure_of([&] { m.import(); });
    CHECK(kind == failure::unsupported_model);
    CHECK(contains(message, "input 'x' has shape [N,4]"));
    CHECK(contains(message, "--input-shape x=1,4"));

    importer::load_options options;
    options.input_shapes["x"] = {2, 4};
    auto g = m.import(true, options);
    CHECK(g.at(g.inputs[0]).shape == ir::shape_t{2, 4});
    CHECK(g.at(g.outputs[0]).shape == ir::shape_t{2, 4}); // shape inference saw the static shape
  }

  TEST_CASE("--input-shape for an unknown input or with the wrong rank is a usage error") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    m.output(m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0), TP::FLOAT, {1, 4});
    importer::load_options unknown;
    unknown.input_shapes["y"] = {1, 4};
    auto [kind, message] = failure_of([&] { m.import(true, unknown); });
    CHECK(kind == failure::usage);
    CHECK(contains(message, "the inputs of 'test.onnx' are: x"));
    importer::load_options rank;
    rank.input_shapes["x"] = {1, 4, 1};
    CHECK(failure_of([&] { m.import(true, rank); }).first == failure::usage);
  }

  TEST_CASE("missing, empty, truncated and non-ONNX files") {
    temp_dir dir;
    auto missing = failure_of([&] { importer::load_model(dir / "nope.onnx"); });
    CHECK(missing.first == failure::unreadable_model);
    CHECK(contains(missing.second, "cannot open"));
    CHECK(contains(missing.second, "nope.onnx"));

    write_file(dir / "empty.onnx", "");
    CHECK(
        contains(failure_of([&] { importer::load_model(dir / "empty.onnx"); }).second, "is empty"));

    std::string bytes;
    small_qdq_cnn().proto().SerializeToString(&bytes);
    write_file(dir / "half.onnx", bytes.substr(0, bytes.size() / 2));
    auto truncated = failure_of([&] { importer::load_model(dir / "half.onnx"); });
    CHECK(truncated.first == failure::unreadable_model);
    CHECK(contains(truncated.second, "truncated"));

    write_file(dir / "text.onnx", "this is a text file, not a model\n");
    auto text = failure_of([&] { importer::load_model(dir / "text.onnx"); });
    CHECK(text.first == failure::unreadable_model);
    CHECK(contains(text.second, "is not an ONNX model"));
  }

  TEST_CASE("a model saved to disk and read back has the file's sha256") {
    temp_dir dir;
    small_qdq_cnn().save(dir / "m.onnx");
    auto loaded = importer::load_model(dir / "m.onnx");
    CHECK(loaded.sha256.size() == 64);
    CHECK(importer::to_ir(loaded).info.sha256 == loaded.sha256);
  }

  TEST_CASE("external data is read from the model's folder") {
    temp_dir dir;
    auto m = external_data_model();
    m.save(dir / "m.onnx");
    float values[2] = {1.5f, -2.0f};
    write_file(dir / "weights.bin", std::string(reinterpret_cast<const char *>(values), 8));
    auto g = importer::import_model(dir / "m.onnx");
    CHECK(tensor_named(g, "w").value->reals() == std::vector<double>{1.5, -2.0});
  }

  TEST_CASE("missing external data names the tensor and the file it looked for") {
    temp_dir dir;
    external_data_model().save(dir / "m.onnx");
    auto [kind, message] = failure_of([&] { importer::load_model(dir / "m.onnx"); });
    CHECK(kind == failure::unreadable_model);
    CHECK(contains(message, "tensor 'w'"));
    CHECK(contains(message, "weights.bin"));
  }

  TEST_CASE("Constant nodes carry their value on the output tensor") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto &c = m.node("Constant", {}, "c");
    auto *a = c.add_attribute();
    a->set_name("value_floats");
    a->set_type(onnx::AttributeProto::FLOATS);
    a->add_floats(0.25f);
    a->add_floats(4.0f);
    m.node("Mul", {x, c.output(0)}, "mul");
    m.output(model_builder::out("mul"), TP::FLOAT, {1, 2});
    auto g = m.import(false);
    const auto &value = tensor_named(g, c.output(0));
    REQUIRE(value.is_constant());
    CHECK(value.shape == ir::shape_t{2});
    CHECK(value.value->reals() == std::vector<double>{0.25, 4.0});
  }

  TEST_CASE("com.microsoft QLinear ops get shapes from onnx2hpp's schemas") {
    model_builder m(13, "onnx.quantize");
    auto x = m.input("x", TP::FLOAT, {1, 3, 4, 4});
    auto q = m.quantize(x, 0.1f, 128);
    auto s = m.floats("s", {}, {0.1f});
    auto z = m.uint8s("z", {}, {128});
    m.node("QLinearAdd", {q, s, z, q, s, z, s, z}, "add", 1, "com.microsoft");
    m.node("QLinearGlobalAveragePool", {model_builder::out("add"), s, z, s, z}, "gap", 1,
           "com.microsoft");
    m.output(m.dequantize(model_builder::out("gap"), 0.1f, 128), TP::FLOAT, {1, 3, 1, 1});
    auto g = m.import();
    CHECK(g.info.dialects == std::vector<std::string>{"QDQ (onnxruntime quantizer)", "QOperator",
                                                      "com.microsoft contrib ops"});
    CHECK(tensor_named(g, model_builder::out("add")).shape == ir::shape_t{1, 3, 4, 4});
    CHECK(tensor_named(g, model_builder::out("gap")).shape == ir::shape_t{1, 3, 1, 1});
    CHECK(tensor_named(g, model_builder::out("gap")).type == ir::dtype::u8);
  }

  TEST_CASE("Conv with auto_pad SAME_UPPER gets explicit pads") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 1, 5, 5});
    auto w = m.floats("w", {1, 1, 2, 2}, {1, 1, 1, 1});
    auto &conv = m.node("Conv", {x, w}, "conv");
    model_builder::attr(conv, "auto_pad", std::string("SAME_UPPER"));
    model_builder::attr(conv, "strides", dims_t{2, 2});
    m.output(conv.output(0), TP::FLOAT, {1, 1, 3, 3});
    auto g = m.import(false);
    // out = ceil(5/2) = 3; total pad = (3-1)*2 + 2 - 5 = 1: SAME_UPPER puts the extra one at the
    // end
    CHECK(ops_of(g, ir::op_kind::conv)[0]->get<ir::conv_attrs>().pads ==
          std::array<std::int64_t, 4>{0, 0, 1, 1});
  }
}
