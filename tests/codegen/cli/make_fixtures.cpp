// Writes the models the CLI tests feed to `onnx2hpp`: one good model and one per kind of bad
// input. Usage: onnx2hpp_codegen_fixtures DIR

#include "support/model_builder.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <sys/stat.h>

using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

namespace {

/// Leaves the graph outputs' dimensions to shape inference (as many exporters do): each output
/// keeps only its rank.
model_builder undeclared_outputs(model_builder m, int rank) {
  for (auto &out : *m.proto().mutable_graph()->mutable_output()) {
    auto *shape = out.mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int i = 0; i < rank; ++i)
      shape->add_dim();
  }
  return m;
}

/// x [1, C, H, W] -> Q/DQ -> Conv (weights [O, C/group, k, k], per tensor) -> Q/DQ, with `tweak`
/// applied to the Conv node: the frame of the bad-attribute cases.
model_builder conv_model(const std::function<void(onnx::NodeProto &)> &tweak,
                         dims_t in = {1, 4, 6, 6}, dims_t w = {4, 4, 3, 3},
                         float out_scale = 0.2f) {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, in);
  auto q = m.dequantize(m.quantize(x, 0.1f, 0, true), 0.1f, 0, true);
  std::vector<int> values(static_cast<std::size_t>(w[0] * w[1] * w[2] * w[3]), 1);
  auto wd = m.dequantize_weights("w", w, values, {0.01f});
  auto &conv = m.node("Conv", {q, wd}, "conv");
  model_builder::attr(conv, "kernel_shape", dims_t{w[2], w[3]});
  tweak(conv);
  auto y = m.dequantize(m.quantize(conv.output(0), out_scale, 0, true), out_scale, 0, true);
  m.output(y, TP::FLOAT, {});
  return undeclared_outputs(std::move(m), 4);
}

/// x -> Q/DQ -> one node of `op` (attributes by `tweak`, extra constant inputs `extra`) -> Q/DQ.
model_builder one_op(const std::string &op, dims_t in,
                     const std::function<void(model_builder &, onnx::NodeProto &)> &tweak,
                     std::vector<std::string> extra = {}) {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, in);
  auto q = m.dequantize(m.quantize(x, 0.1f, 0, true), 0.1f, 0, true);
  std::vector<std::string> inputs{q};
  inputs.insert(inputs.end(), extra.begin(), extra.end());
  auto &node = m.node(op, inputs, "op");
  tweak(m, node);
  m.output(m.dequantize(m.quantize(node.output(0), 0.1f, 0, true), 0.1f, 0, true), TP::FLOAT, {});
  return undeclared_outputs(std::move(m), static_cast<int>(in.size()));
}

/// The external-data model with `location`, `offset` and `length` as given ("" = absent).
model_builder external(const std::string &location, const std::string &offset = "",
                       const std::string &length = "") {
  auto m = external_data_model();
  auto *w = m.proto().mutable_graph()->mutable_initializer(0);
  w->clear_external_data();
  auto entry = [&](const char *key, const std::string &value) {
    if (value.empty())
      return;
    auto *e = w->add_external_data();
    e->set_key(key);
    e->set_value(value);
  };
  entry("location", location);
  entry("offset", offset);
  entry("length", length);
  return m;
}

/// Writes the hostile-input models of the CLI cases (issue: hostile models) into `dir`.
void hostile_fixtures(const std::filesystem::path &dir) {
  namespace fs = std::filesystem;
  // -- external data ---------------------------------------------------------------------------
  auto ext = dir / "ext";
  fs::create_directories(ext / "data");
  fs::create_directories(dir / "outside");
  write_file(dir / "outside" / "secret.bin", std::string(8, 'S'));
  write_file(ext / "weights.bin", std::string(8, '\0'));
  std::error_code ec;
  fs::remove(ext / "link.bin", ec);
  fs::create_symlink("../outside/secret.bin", ext / "link.bin");
  fs::remove(ext / "linked_dir", ec);
  fs::create_directory_symlink("../outside", ext / "linked_dir");
  fs::remove(ext / "fifo.bin", ec);
  ::mkfifo((ext / "fifo.bin").c_str(), 0600);
  external("link.bin").save(ext / "symlink_file.onnx");
  external("linked_dir/secret.bin").save(ext / "symlink_folder.onnx");
  external("fifo.bin").save(ext / "fifo.onnx");
  external("data").save(ext / "directory.onnx");
  external("weights.bin", "abc").save(ext / "offset_text.onnx");
  external("weights.bin", "99999999999999999999").save(ext / "offset_huge.onnx");
  external("weights.bin", "4611686018427387904", "4611686018427387904")
      .save(ext / "offset_overflow.onnx");
  external("weights.bin", "0", "-5").save(ext / "length_negative.onnx");
  {
    // small_qdq_cnn() with its first int8 initializer in an external file: converts, and -o may
    // not name that file.
    auto m = small_qdq_cnn();
    for (auto &t : *m.proto().mutable_graph()->mutable_initializer())
      if (t.data_type() == TP::INT8 && t.dims_size() > 0) {
        write_file(ext / "cnn_weights.bin", t.raw_data());
        t.clear_raw_data();
        t.set_data_location(TP::EXTERNAL);
        auto *e = t.add_external_data();
        e->set_key("location");
        e->set_value("cnn_weights.bin");
        break;
      }
    m.save(ext / "cnn.onnx");
  }

  // -- tensors libonnx would read unchecked ------------------------------------------------------
  {
    auto m = small_qdq_cnn();
    auto *w = m.proto().mutable_graph()->mutable_initializer(0);
    w->mutable_raw_data()->pop_back(); // no longer a multiple of the element size
    m.save(dir / "raw_data_length.onnx");
  }
  {
    auto m = small_qdq_cnn();
    m.proto().mutable_graph()->clear_output();
    m.save(dir / "no_outputs.onnx");
  }
  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    auto *big = m.proto().mutable_graph()->add_initializer();
    big->set_name("big");
    big->set_data_type(TP::INT8);
    big->add_dims(std::int64_t{1} << 40);
    big->add_dims(std::int64_t{1} << 40);
    auto q = m.dequantize(m.quantize(x, 0.1f, 0, true), 0.1f, 0, true);
    m.node("Add", {q, "big"}, "add");
    m.output(m.dequantize(m.quantize(model_builder::out("add"), 0.1f, 0, true), 0.1f, 0, true),
             TP::FLOAT, {});
    undeclared_outputs(std::move(m), 2).save(dir / "huge_initializer.onnx");
  }
  // -- window attributes -------------------------------------------------------------------------
  conv_model([](auto &n) {
    model_builder::attr(n, "strides", dims_t{0, 0});
  }).save(dir / "conv_strides_zero.onnx");
  conv_model([](auto &n) {
    model_builder::attr(n, "group", std::int64_t{0});
  }).save(dir / "conv_group_zero.onnx");
  conv_model([](auto &n) {
    model_builder::attr(n, "group", std::int64_t{-3});
  }).save(dir / "conv_group_negative.onnx");
  conv_model([](auto &n) {
    model_builder::attr(n, "group", std::int64_t{1} << 40);
  }).save(dir / "conv_group_huge.onnx");
  conv_model([](auto &n) { model_builder::attr(n, "group", std::int64_t{3}); }, {1, 6, 6, 6},
             {4, 2, 3, 3})
      .save(dir / "conv_group_not_dividing.onnx");
  one_op("MaxPool", {1, 4, 6, 6}, [](auto &, auto &n) {
    model_builder::attr(n, "kernel_shape", dims_t{0, 0});
  }).save(dir / "maxpool_kernel_zero.onnx");
  // -- axes and permutations ---------------------------------------------------------------------
  one_op("Transpose", {1, 4, 6, 6}, [](auto &, auto &n) {
    model_builder::attr(n, "perm", dims_t{0, 1, 2, std::int64_t{1} << 32});
  }).save(dir / "transpose_perm_huge.onnx");
  one_op("Concat", {1, 4, 6, 6}, [](auto &, auto &n) {
    model_builder::attr(n, "axis", std::int64_t{294});
  }).save(dir / "concat_axis_out_of_range.onnx");
  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4, 6, 6});
    auto q = m.dequantize(m.quantize(x, 0.1f, 0, true), 0.1f, 0, true);
    m.node("Reshape", {q, m.int64s("shape", {2}, {1, 100})}, "reshape");
    m.output(m.dequantize(m.quantize(model_builder::out("reshape"), 0.1f, 0, true), 0.1f, 0, true),
             TP::FLOAT, {1, 100});
    m.save(dir / "reshape_count.onnx");
  }
  // -- data movement on the float side of a DequantizeLinear
  // ---------------------------------------
  {
    // onnxruntime's quantizer: DQ -> Flatten -> MatMul with no Q/DQ around the Flatten (converts).
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 2, 2});
    auto q = m.dequantize(m.quantize(x, 0.1f, 3, true), 0.1f, 3, true);
    auto &flatten = m.node("Flatten", {q}, "fc_flat");
    model_builder::attr(flatten, "axis", std::int64_t{1});
    m.node("MatMul",
           {model_builder::out("fc_flat"),
            m.dequantize_weights("w", {8, 3}, std::vector<int>(24, 5), {0.01f})},
           "fc");
    m.output(m.dequantize(m.quantize(model_builder::out("fc"), 0.05f, 0, true), 0.05f, 0, true),
             TP::FLOAT, {1, 3});
    m.save(dir / "float_flatten_matmul.onnx");
  }
  {
    // A float Pad whose constant is no value of the input's grid: not moved, refused by name.
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 2, 2});
    auto q = m.dequantize(m.quantize(x, 0.1f, 3, true), 0.1f, 3, true);
    m.node("Pad",
           {q, m.int64s("pads", {8}, {0, 0, 1, 0, 0, 0, 1, 0}), m.floats("value", {}, {0.05f})},
           "pad");
    m.node("Reshape", {model_builder::out("pad"), m.int64s("shape", {2}, {1, 16})}, "flat");
    m.output(model_builder::out("flat"), TP::FLOAT, {1, 16});
    m.save(dir / "float_pad_off_grid.onnx");
  }
  // -- sizes -------------------------------------------------------------------------------------
  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 1});
    auto &fill =
        m.node("ConstantOfShape",
               {m.int64s("shape", {1}, {std::numeric_limits<std::int64_t>::max()})}, "fill");
    auto q = m.dequantize(m.quantize(x, 0.1f, 0, true), 0.1f, 0, true);
    m.node("Add", {q, fill.output(0)}, "add");
    m.output(m.dequantize(m.quantize(model_builder::out("add"), 0.1f, 0, true), 0.1f, 0, true),
             TP::FLOAT, {});
    undeclared_outputs(std::move(m), 2).save(dir / "constant_of_shape_huge.onnx");
  }
  undeclared_outputs(qdq_around("Relu", {std::int64_t{1} << 31, std::int64_t{1} << 31}, {}), 2)
      .save(dir / "input_dims_huge.onnx");
  // -- quantization values -----------------------------------------------------------------------
  {
    auto m = qdq_around("Relu", {1, 4}, {1, 4});
    // The first zero point initializer (uint8) gets 300 in int32_data, where narrow types live.
    for (auto &t : *m.proto().mutable_graph()->mutable_initializer())
      if (t.data_type() == TP::UINT8) {
        t.clear_raw_data();
        t.add_int32_data(300);
        break;
      }
    m.save(dir / "zero_point_out_of_range.onnx");
  }
  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    auto q = m.quantize(x, 0.1f, 0, true); // int8
    auto &dq = m.node("DequantizeLinear", {q, m.floats("s", {}, {0.1f}), m.uint8s("z", {}, {0})},
                      "dq_mixed");
    m.node("Relu", {dq.output(0)}, "relu");
    m.output(m.dequantize(m.quantize(model_builder::out("relu"), 0.1f, 0, true), 0.1f, 0, true),
             TP::FLOAT, {1, 4});
    m.save(dir / "dequantize_type_mismatch.onnx");
  }
  conv_model([](auto &) {}, {1, 4, 6, 6}, {4, 4, 3, 3}).save(dir / "conv_ok.onnx");
  {
    // A 2-D tensor into a Conv without kernel_shape: libonnx 1.12's shape inference reads past
    // the input's dimensions and crashes; it runs in a child process.
    auto m = conv_model([](auto &n) { n.clear_attribute(); }, {1, 4}, {4, 4, 3, 3});
    m.save(dir / "conv_rank2_input.onnx");
  }
  {
    auto m = small_qdq_cnn();
    auto *g = m.proto().mutable_graph();
    *g->add_input() = g->input(0); // the same name twice
    g->mutable_input(1)->mutable_type()->mutable_tensor_type()->mutable_shape()->clear_dim();
    m.save(dir / "duplicate_value.onnx");
  }
  {
    auto m = small_qdq_cnn();
    for (auto &n : *m.proto().mutable_graph()->mutable_node())
      if (n.op_type() == "MaxPool")
        n.clear_input();
    m.save(dir / "missing_input.onnx");
  }
  {
    // An opset libonnx does not know: shape inference is skipped and the stored shapes are used;
    // a stored Flatten shape with another element count must not reach the header.
    auto m = small_qdq_cnn();
    m.proto().mutable_opset_import(0)->set_version(100);
    auto *v = m.proto().mutable_graph()->add_value_info();
    v->set_name(model_builder::out("flatten"));
    v->mutable_type()->mutable_tensor_type()->set_elem_type(TP::FLOAT);
    v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(3);
    v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(8);
    m.save(dir / "stored_shape_wrong.onnx");
  }
  {
    // A node without outputs, in an opset libonnx does not know (no schema check).
    auto m = small_qdq_cnn();
    m.proto().mutable_opset_import(0)->set_version(100);
    for (auto &n : *m.proto().mutable_graph()->mutable_node())
      if (n.op_type() == "MaxPool")
        n.clear_output();
    m.save(dir / "node_without_output.onnx");
  }
  {
    auto m = qdq_around("Relu", {1, 4}, {1, 4});
    auto *g = m.proto().mutable_graph();
    auto *out = g->add_output();
    out->set_name(g->initializer(0).name());
    out->mutable_type()->mutable_tensor_type()->set_elem_type(g->initializer(0).data_type());
    out->mutable_type()->mutable_tensor_type()->mutable_shape();
    m.save(dir / "output_is_initializer.onnx");
  }
  {
    auto m = qdq_around("Relu", {1, 4}, {1, 4});
    m.proto()
        .mutable_graph()
        ->mutable_input(0)
        ->mutable_type()
        ->mutable_tensor_type()
        ->clear_shape();
    m.save(dir / "input_no_shape.onnx");
  }
  conv_model([](auto &) {}, {1, 4, 6, 6}, {4, 4, 3, 3}, 1e-42f)
      .save(dir / "output_scale_denormal.onnx");
  {
    // A float attribute that is not finite (it would become a table and a literal).
    auto m = qdq_around("LeakyRelu", {1, 4}, {1, 4});
    for (auto &n : *m.proto().mutable_graph()->mutable_node())
      if (n.op_type() == "LeakyRelu") {
        auto *a = n.add_attribute();
        a->set_name("alpha");
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(std::numeric_limits<float>::quiet_NaN());
      }
    m.save(dir / "attribute_not_finite.onnx");
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: onnx2hpp_codegen_fixtures DIR\n");
    return 2;
  }
  std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);

  auto good = small_qdq_cnn();
  good.save(dir / "good.onnx");
  hostile_names_model().save(dir / "hostile_names.onnx");
  hostile_fixtures(dir);

  std::string bytes;
  good.proto().SerializeToString(&bytes);
  write_file(dir / "truncated.onnx", bytes.substr(0, bytes.size() / 2));
  write_file(dir / "not_onnx.onnx", "name,value\nthis is,a CSV file\n");

  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4});
    m.node("Sin", {x}, "sin_1");
    m.node("Sin", {model_builder::out("sin_1")}, "sin_2");
    m.node("Cos", {model_builder::out("sin_2")}, "cos_1");
    m.output(model_builder::out("cos_1"), TP::FLOAT, {1, 4});
    m.save(dir / "unsupported.onnx");
  }
  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 1, 4, 4});
    m.node("Conv", {x, m.floats("w", {2, 1, 1, 1}, {1, 2})}, "conv");
    m.node("Relu", {model_builder::out("conv")}, "relu");
    m.output(model_builder::out("relu"), TP::FLOAT, {1, 2, 4, 4});
    m.save(dir / "float.onnx");
  }
  qdq_around("Relu", {-1, 4}, {-1, 4}).save(dir / "dynamic.onnx");
  qdq_around("Relu", {1, 4}, {1, 4}, 0.0f).save(dir / "zero_scale.onnx");
  {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2, 3, 3});
    auto xq = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
    auto w = m.int8s("w", {4, 2, 1, 1}, std::vector<int>(8, 1));
    auto &dq = m.node("DequantizeLinear",
                      {w, m.floats("ws", {3}, {0.1f, 0.1f, 0.1f}), m.int8s("wz", {3}, {0, 0, 0})},
                      "weights_dq");
    model_builder::attr(dq, "axis", std::int64_t{0});
    m.node("Conv", {xq, dq.output(0)}, "conv");
    m.output(m.dequantize(m.quantize(model_builder::out("conv"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
             {1, 4, 3, 3});
    m.save(dir / "axis_mismatch.onnx");
  }
  external_data_model().save(dir / "external_missing.onnx");
  op_zoo_model().save(dir / "op_zoo.onnx");
  {
    // A softmax over the middle axis of a 3-D tensor: valid and quantized, but the library's
    // softmax works on the last axis only, so the failure happens at emission, after everything
    // else succeeded.
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 4, 3});
    auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
    auto &softmax = m.node("Softmax", {q}, "softmax_c");
    model_builder::attr(softmax, "axis", std::int64_t{1});
    m.output(m.dequantize(m.quantize(model_builder::out("softmax_c"), 1.0f / 256, -128), 1.0f / 256,
                          -128),
             TP::FLOAT, {1, 4, 3});
    m.save(dir / "no_layer.onnx");
  }
  {
    // Hand-checkable: x = [1, 2] (scale 0.5 -> q [2, 4]); W = [[2, 0], [0, -1]] * 0.25;
    // b = [4, 0] * 0.125; y = [0.5 * 1 + 0.5, -0.25 * 2] = [1, -0.5], exact at scale 0.5.
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto q = m.dequantize(m.quantize(x, 0.5f, 0, true), 0.5f, 0, true);
    auto w = m.dequantize_weights("w", {2, 2}, {2, 0, 0, -1}, {0.25f});
    auto b = m.dequantize_bias("b", {4, 0}, {0.125f});
    auto &gemm = m.node("Gemm", {q, w, b}, "fc");
    model_builder::attr(gemm, "transB", std::int64_t{1});
    auto y = m.quantize(gemm.output(0), 0.5f, 0, true);
    auto &dq = m.node("DequantizeLinear", {y, m.floats("ys", {}, {0.5f}), m.int8s("yz", {}, {0})},
                      "dequant");
    dq.set_output(0, "y");
    m.output("y", TP::FLOAT, {1, 2});
    m.save(dir / "hand_checked.onnx");
  }
  return 0;
}
