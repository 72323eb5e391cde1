#include "support/model_builder.hpp"

#include "support/hostile_names.hpp"

#include "import/to_ir.hpp"

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace onnx2hpp::codegen::testing {

namespace {

void set_type(onnx::ValueInfoProto &v, int elem_type, const dims_t &dims) {
  auto *t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(elem_type);
  auto *shape = t->mutable_shape();
  for (auto d : dims) {
    auto *dim = shape->add_dim();
    if (d < 0)
      dim->set_dim_param("N");
    else
      dim->set_dim_value(d);
  }
}

template <class T, class V>
std::string raw_bytes(const std::vector<V> &values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    T v = static_cast<T>(values[i]);
    std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
  }
  return bytes;
}

} // namespace

model_builder::model_builder(std::int64_t opset, std::string producer) {
  model_.set_ir_version(7);
  model_.set_producer_name(std::move(producer));
  auto *o = model_.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  model_.mutable_graph()->set_name("test");
}

std::string model_builder::unique(const std::string &base) {
  return base + "_" + std::to_string(counter_++);
}

std::string model_builder::input(const std::string &name, int elem_type, const dims_t &dims) {
  set_type(*model_.mutable_graph()->add_input(), elem_type, dims);
  model_.mutable_graph()->mutable_input()->rbegin()->set_name(name);
  return name;
}

void model_builder::output(const std::string &name, int elem_type, const dims_t &dims) {
  auto *v = model_.mutable_graph()->add_output();
  v->set_name(name);
  set_type(*v, elem_type, dims);
}

namespace {

std::string add_initializer(onnx::ModelProto &m, const std::string &name, int type,
                            const dims_t &dims, std::string raw) {
  auto *t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (auto d : dims)
    t->add_dims(d);
  t->set_raw_data(std::move(raw));
  return name;
}

} // namespace

std::string model_builder::floats(const std::string &name, const dims_t &dims,
                                  const std::vector<float> &v) {
  return add_initializer(model_, name, onnx::TensorProto::FLOAT, dims, raw_bytes<float>(v));
}
std::string model_builder::int8s(const std::string &name, const dims_t &dims,
                                 const std::vector<int> &v) {
  return add_initializer(model_, name, onnx::TensorProto::INT8, dims, raw_bytes<std::int8_t>(v));
}
std::string model_builder::uint8s(const std::string &name, const dims_t &dims,
                                  const std::vector<int> &v) {
  return add_initializer(model_, name, onnx::TensorProto::UINT8, dims, raw_bytes<std::uint8_t>(v));
}
std::string model_builder::int32s(const std::string &name, const dims_t &dims,
                                  const std::vector<int> &v) {
  return add_initializer(model_, name, onnx::TensorProto::INT32, dims, raw_bytes<std::int32_t>(v));
}
std::string model_builder::int64s(const std::string &name, const dims_t &dims,
                                  const std::vector<std::int64_t> &v) {
  return add_initializer(model_, name, onnx::TensorProto::INT64, dims, raw_bytes<std::int64_t>(v));
}

std::string model_builder::out(const std::string &name, int i) {
  return name + "_out" + (i == 0 ? "" : std::to_string(i));
}

onnx::NodeProto &model_builder::node(const std::string &op_type,
                                     const std::vector<std::string> &inputs,
                                     const std::string &name, int outputs,
                                     const std::string &domain) {
  auto *n = model_.mutable_graph()->add_node();
  n->set_op_type(op_type);
  n->set_name(name);
  n->set_domain(domain);
  for (const auto &i : inputs)
    n->add_input(i);
  for (int i = 0; i < outputs; ++i)
    n->add_output(out(name, i));
  if (!domain.empty()) {
    bool imported = false;
    for (const auto &o : model_.opset_import())
      imported = imported || o.domain() == domain;
    if (!imported) {
      auto *o = model_.add_opset_import();
      o->set_domain(domain);
      o->set_version(1);
    }
  }
  return *n;
}

void model_builder::attr(onnx::NodeProto &n, const std::string &name, std::int64_t v) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void model_builder::attr(onnx::NodeProto &n, const std::string &name, float v) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
void model_builder::attr(onnx::NodeProto &n, const std::string &name, const std::string &v) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}
void model_builder::attr(onnx::NodeProto &n, const std::string &name, const dims_t &v) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v)
    a->add_ints(x);
}

std::string model_builder::quantize(const std::string &x, float scale, int zero_point, bool int8) {
  auto name = unique("q");
  auto s = floats(name + "_scale", {}, {scale});
  auto z = int8 ? int8s(name + "_zp", {}, {zero_point}) : uint8s(name + "_zp", {}, {zero_point});
  node("QuantizeLinear", {x, s, z}, name);
  return out(name);
}

std::string model_builder::dequantize(const std::string &x, float scale, int zero_point,
                                      bool int8) {
  auto name = unique("dq");
  auto s = floats(name + "_scale", {}, {scale});
  auto z = int8 ? int8s(name + "_zp", {}, {zero_point}) : uint8s(name + "_zp", {}, {zero_point});
  node("DequantizeLinear", {x, s, z}, name);
  return out(name);
}

std::string model_builder::dequantize_weights(const std::string &name, const dims_t &dims,
                                              const std::vector<int> &values,
                                              const std::vector<float> &scales) {
  auto w = int8s(name, dims, values);
  bool per_channel = scales.size() > 1;
  dims_t scale_dims = per_channel ? dims_t{static_cast<std::int64_t>(scales.size())} : dims_t{};
  auto s = floats(name + "_scale", scale_dims, scales);
  auto z = int8s(name + "_zp", scale_dims, std::vector<int>(scales.size(), 0));
  auto &n = node("DequantizeLinear", {w, s, z}, unique(name + "_dq"));
  if (per_channel)
    attr(n, "axis", std::int64_t{0});
  return n.output(0);
}

std::string model_builder::dequantize_bias(const std::string &name, const std::vector<int> &values,
                                           const std::vector<float> &scales) {
  auto n = static_cast<std::int64_t>(values.size());
  auto b = int32s(name, {n}, values);
  bool per_channel = scales.size() > 1;
  dims_t scale_dims = per_channel ? dims_t{n} : dims_t{};
  auto s = floats(name + "_scale", scale_dims, scales);
  auto z = int32s(name + "_zp", scale_dims, std::vector<int>(scales.size(), 0));
  auto &node_ = node("DequantizeLinear", {b, s, z}, unique(name + "_dq"));
  if (per_channel)
    attr(node_, "axis", std::int64_t{0});
  return node_.output(0);
}

ir::graph model_builder::import(bool quantized, importer::load_options options) const {
  options.require_quantization = quantized;
  return importer::to_ir(importer::load_model_proto(model_, "test.onnx", options));
}

void model_builder::save(const std::filesystem::path &path) const {
  std::ofstream out(path, std::ios::binary);
  if (!model_.SerializeToOstream(&out))
    throw std::runtime_error("cannot write " + path.string());
}

std::vector<ir::op_kind> kinds_of(const ir::graph &g) {
  std::vector<ir::op_kind> out;
  for (const auto &o : g.ops)
    out.push_back(o.kind);
  return out;
}

std::vector<const ir::op *> ops_of(const ir::graph &g, ir::op_kind kind) {
  std::vector<const ir::op *> out;
  for (const auto &o : g.ops)
    if (o.kind == kind)
      out.push_back(&o);
  return out;
}

const ir::tensor &tensor_named(const ir::graph &g, const std::string &name) {
  for (const auto &t : g.tensors)
    if (t.name == name)
      return t;
  throw std::runtime_error("no tensor named " + name);
}

} // namespace onnx2hpp::codegen::testing

namespace onnx2hpp::codegen::testing {

temp_dir::temp_dir() {
  static int counter = 0;
  path_ = std::filesystem::temp_directory_path() /
          ("onnx2hpp-codegen-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(path_);
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::filesystem::path &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

model_builder hostile_names_model() {
  auto m = small_qdq_cnn();
  auto &model = m.proto();
  auto rename = [](std::string &name) {
    if (!name.empty())
      name += hostile_value_suffix;
  };
  auto *g = model.mutable_graph();
  for (auto &v : *g->mutable_input())
    rename(*v.mutable_name());
  for (auto &v : *g->mutable_output())
    rename(*v.mutable_name());
  for (auto &v : *g->mutable_value_info())
    rename(*v.mutable_name());
  for (auto &t : *g->mutable_initializer())
    rename(*t.mutable_name());
  for (int i = 0; i < g->node_size(); ++i) {
    auto &node = *g->mutable_node(i);
    for (auto &name : *node.mutable_input())
      rename(name);
    for (auto &name : *node.mutable_output())
      rename(name);
    // The layers get the colliding names (conv and conv_weights, which conv's weights would
    // declare), the macros and the directive; the other nodes the rest in turn.
    const auto &type = node.op_type();
    const std::size_t pick = type == "Conv"      ? 0
                             : type == "MaxPool" ? 1
                             : type == "Flatten" ? 2
                             : type == "Gemm"    ? 3
                                                 : 4 + static_cast<std::size_t>(i) % 4;
    node.set_name(std::string(hostile_node_names[pick]));
    node.set_doc_string("doc\n#error injected");
  }
  g->set_name("graph\n#error injected");
  g->set_doc_string("doc\n#error injected");
  model.set_producer_name(std::string(hostile_producer));
  model.set_producer_version("1.0\\");
  model.set_doc_string("doc\n#error injected");
  return m;
}

model_builder small_qdq_cnn() {
  model_builder m(13, "pytorch");
  using TP = onnx::TensorProto;
  auto x = m.input("input", TP::FLOAT, {1, 1, 4, 4});
  auto q = m.quantize(x, 1.0f / 127, 0);
  auto &cast = m.node("Cast", {q}, "cast_in");
  model_builder::attr(cast, "to", std::int64_t{TP::UINT8});
  auto a = m.dequantize(cast.output(0), 1.0f / 127, 0);
  // 2 output channels, 1 input channel, 3x3; per-channel scales.
  std::vector<int> w(18);
  for (int i = 0; i < 18; ++i)
    w[static_cast<std::size_t>(i)] = (i % 2 ? 1 : -1) * (i * 7 % 127);
  auto wd = m.dequantize_weights("conv_w", {2, 1, 3, 3}, w, {0.01f, 0.02f});
  auto bd = m.dequantize_bias("conv_b", {100, -200}, {0.01f / 127, 0.02f / 127});
  auto &conv = m.node("Conv", {a, wd, bd}, "conv");
  model_builder::attr(conv, "kernel_shape", dims_t{3, 3});
  model_builder::attr(conv, "pads", dims_t{1, 1, 1, 1});
  m.node("Relu", {conv.output(0)}, "relu");
  auto c = m.dequantize(m.quantize(model_builder::out("relu"), 0.05f, 0), 0.05f, 0);
  auto &pool = m.node("MaxPool", {c}, "pool");
  model_builder::attr(pool, "kernel_shape", dims_t{2, 2});
  model_builder::attr(pool, "strides", dims_t{2, 2});
  auto p = m.dequantize(m.quantize(pool.output(0), 0.05f, 0), 0.05f, 0);
  auto &flatten = m.node("Flatten", {p}, "flatten");
  model_builder::attr(flatten, "axis", std::int64_t{1});
  auto f = m.dequantize(m.quantize(flatten.output(0), 0.05f, 0), 0.05f, 0);
  std::vector<int> fw(3 * 8);
  for (int i = 0; i < 24; ++i)
    fw[static_cast<std::size_t>(i)] = (i * 13 % 50) - 25;
  auto fwd = m.dequantize_weights("fc_w", {3, 8}, fw, {0.01f, 0.01f, 0.02f});
  auto fbd = m.dequantize_bias("fc_b", {5, 6, 7}, {0.0005f, 0.0005f, 0.001f});
  auto &gemm = m.node("Gemm", {f, fwd, fbd}, "fc");
  model_builder::attr(gemm, "transB", std::int64_t{1});
  auto y = m.quantize(gemm.output(0), 0.1f, 128);
  auto &dq =
      m.node("DequantizeLinear",
             {y, m.floats("out_scale", {}, {0.1f}), m.uint8s("out_zp", {}, {128})}, "dequant");
  dq.set_output(0, "output");
  m.output("output", TP::FLOAT, {1, 3});
  return m;
}

model_builder external_data_model() {
  using TP = onnx::TensorProto;
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 2});
  auto *w = m.proto().mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(TP::FLOAT);
  w->add_dims(2);
  w->set_data_location(TP::EXTERNAL);
  auto *location = w->add_external_data();
  location->set_key("location");
  location->set_value("weights.bin");
  auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
  m.node("Mul", {q, "w"}, "mul");
  m.output(m.dequantize(m.quantize(model_builder::out("mul"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
           {1, 2});
  return m;
}

model_builder op_zoo_model() {
  using TP = onnx::TensorProto;
  model_builder m(13, "onnx.quantize");
  // Q then DQ with the same uint8 parameters: the activation quantization ORT writes.
  auto qdq = [&](const std::string &t, float scale, int zp) {
    return m.dequantize(m.quantize(t, scale, zp), scale, zp);
  };
  auto weights = [&](const std::string &name, const dims_t &dims, std::vector<float> scales) {
    std::vector<int> v(static_cast<std::size_t>(ir::element_count(dims)));
    for (std::size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<int>((i * 37) % 51) - 25;
    return m.dequantize_weights(name, dims, v, scales);
  };
  auto x = m.input("x", TP::FLOAT, {1, 2, 4, 4});
  auto a = qdq(x, 0.05f, 128);

  auto &c1 = m.node("Conv", {a, weights("w1", {4, 2, 3, 3}, {0.02f, 0.03f, 0.02f, 0.01f})}, "c1");
  model_builder::attr(c1, "pads", dims_t{1, 1, 1, 1});
  auto &leaky = m.node("LeakyRelu", {c1.output(0)}, "leaky");
  model_builder::attr(leaky, "alpha", 0.1f);
  auto c1q = qdq(leaky.output(0), 0.05f, 100);

  auto &pad = m.node("Pad", {c1q, m.int64s("pads", {8}, {0, 0, 1, 1, 0, 0, 1, 1})}, "pad");
  auto padded = qdq(pad.output(0), 0.05f, 100);
  auto &pool = m.node("MaxPool", {padded}, "maxpool");
  model_builder::attr(pool, "kernel_shape", dims_t{3, 3});
  auto pooled = m.dequantize(m.quantize(qdq(pool.output(0), 0.05f, 100), 0.07f, 110), 0.07f, 110);

  auto &cat = m.node("Concat", {c1q, pooled}, "concat");
  model_builder::attr(cat, "axis", std::int64_t{1});
  auto catq = qdq(cat.output(0), 0.06f, 120);
  auto relu = qdq(m.node("Relu", {catq}, "relu").output(0), 0.06f, 120);

  auto pw = qdq(m.node("Conv", {relu, weights("w2", {8, 8, 1, 1}, {0.01f})}, "pointwise").output(0),
                0.04f, 128);
  auto sum = qdq(m.node("Add", {relu, pw}, "add").output(0), 0.08f, 128);
  auto product = qdq(m.node("Mul", {sum, sum}, "mul").output(0), 0.1f, 10);
  auto sigmoid = qdq(m.node("Sigmoid", {product}, "sigmoid").output(0), 1.0f / 256, 0);
  auto &hard_sigmoid = m.node("HardSigmoid", {sigmoid}, "hardsigmoid");
  model_builder::attr(hard_sigmoid, "alpha", 1.0f / 6.0f);
  auto gate = qdq(hard_sigmoid.output(0), 1.0f / 256, 0);
  auto tanh = qdq(m.node("Tanh", {gate}, "tanh").output(0), 1.0f / 256, 0);

  auto &avg = m.node("AveragePool", {tanh}, "avgpool");
  model_builder::attr(avg, "kernel_shape", dims_t{2, 2});
  model_builder::attr(avg, "strides", dims_t{2, 2});
  auto avgq = qdq(avg.output(0), 1.0f / 256, 0);
  auto &resize =
      m.node("Resize", {avgq, m.floats("roi", {0}, {}), m.floats("scales", {4}, {1, 1, 2, 2})},
             "upsample");
  model_builder::attr(resize, "mode", std::string("nearest"));
  model_builder::attr(resize, "coordinate_transformation_mode", std::string("asymmetric"));
  model_builder::attr(resize, "nearest_mode", std::string("floor"));
  auto up = qdq(resize.output(0), 1.0f / 256, 0);
  auto gap = qdq(m.node("GlobalAveragePool", {up}, "gap").output(0), 1.0f / 256, 0);
  auto flat = qdq(m.node("Flatten", {gap}, "flatten").output(0), 1.0f / 256, 0);
  auto &fc = m.node("Gemm", {flat, weights("w3", {5, 8}, {0.05f})}, "fc");
  model_builder::attr(fc, "transB", std::int64_t{1});
  auto logits = qdq(fc.output(0), 0.01f, 128);
  auto probabilities = m.quantize(m.node("Softmax", {logits}, "softmax").output(0), 1.0f / 256, 0);
  auto &out = m.node(
      "DequantizeLinear",
      {probabilities, m.floats("y_scale", {}, {1.0f / 256}), m.uint8s("y_zp", {}, {0})}, "y_dq");
  out.set_output(0, "y");
  m.output("y", TP::FLOAT, {1, 5});
  return m;
}

model_builder qdq_around(const std::string &op, const dims_t &in, const dims_t &out, float scale) {
  using TP = onnx::TensorProto;
  model_builder m;
  auto x = m.input("x", TP::FLOAT, in);
  auto q = m.dequantize(m.quantize(x, scale, 0), scale, 0);
  m.node(op, {q}, "op");
  m.output(m.dequantize(m.quantize(model_builder::out("op"), 0.1f, 0), 0.1f, 0), TP::FLOAT, out);
  return m;
}

} // namespace onnx2hpp::codegen::testing

namespace onnx2hpp::codegen::testing {

ir::tensor make_tensor(const std::string &name, ir::dtype type, ir::shape_t shape) {
  ir::tensor t;
  t.name = name;
  t.type = type;
  t.shape = std::move(shape);
  return t;
}

ir::op make_op(ir::op_kind kind, const std::string &name, std::vector<ir::tensor_id> inputs,
               std::vector<ir::tensor_id> outputs) {
  ir::op o;
  o.kind = kind;
  o.name = name;
  o.onnx_type = std::string(ir::name_of(kind));
  o.inputs = std::move(inputs);
  o.outputs = std::move(outputs);
  return o;
}

} // namespace onnx2hpp::codegen::testing
