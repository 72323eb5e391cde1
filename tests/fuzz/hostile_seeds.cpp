// Writes hand-made hostile models for the fuzzer's seed corpus: small valid QDQ models with one
// field set to what a broken or malicious exporter would write (the classes the generator must
// reject cleanly: short raw_data, zero strides, bad groups, permutations and axes out of range,
// huge dimensions and shapes, out-of-range zero points, NaN scales, hostile names, external data
// outside the model's folder). Each model is written twice: NAME.onnx as edited, and
// NAME.unchecked.onnx with the shapes inferred before the edit stored in the file and the opset
// raised past what libonnx knows, so ONNX's checker and shape inference are skipped and the
// generator sees the contradiction itself.
//
// Usage: onnx2hpp_fuzz_hostile_seeds DIR

#include "support/model_builder.hpp"

#include <onnx/shape_inference/implementation.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;
using AP = onnx::AttributeProto;
using i64 = std::int64_t;

namespace {

constexpr i64 two_31 = i64{1} << 31;
constexpr i64 two_62 = i64{1} << 62;
const float nan = std::numeric_limits<float>::quiet_NaN();
const float inf = std::numeric_limits<float>::infinity();

onnx::NodeProto &node_named(onnx::ModelProto &m, const std::string &name) {
  for (auto &n : *m.mutable_graph()->mutable_node())
    if (n.name() == name)
      return n;
  throw std::runtime_error("no node " + name);
}

TP &initializer_named(onnx::ModelProto &m, const std::string &name) {
  for (auto &t : *m.mutable_graph()->mutable_initializer())
    if (t.name() == name)
      return t;
  throw std::runtime_error("no initializer " + name);
}

AP &attribute(onnx::NodeProto &n, const std::string &name, AP::AttributeType type) {
  for (auto &a : *n.mutable_attribute())
    if (a.name() == name)
      return a;
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(type);
  return *a;
}

void set_ints(onnx::ModelProto &m, const std::string &node, const std::string &name,
              const std::vector<i64> &values) {
  auto &a = attribute(node_named(m, node), name, AP::INTS);
  a.clear_ints();
  for (auto v : values)
    a.add_ints(v);
}

void set_int(onnx::ModelProto &m, const std::string &node, const std::string &name, i64 value) {
  attribute(node_named(m, node), name, AP::INT).set_i(value);
}

void set_float(onnx::ModelProto &m, const std::string &node, const std::string &name, float value) {
  attribute(node_named(m, node), name, AP::FLOAT).set_f(value);
}

/// Replaces the values of an int64 initializer (raw_data, little-endian).
void set_int64s(onnx::ModelProto &m, const std::string &name, const std::vector<i64> &values) {
  auto &t = initializer_named(m, name);
  std::string raw(values.size() * 8, '\0');
  std::memcpy(raw.data(), values.data(), raw.size());
  t.set_raw_data(raw);
  t.clear_dims();
  t.add_dims(static_cast<i64>(values.size()));
}

/// Replaces element 0 of a float initializer.
void set_first_float(onnx::ModelProto &m, const std::string &name, float value) {
  auto &t = initializer_named(m, name);
  if (t.raw_data().size() >= 4)
    std::memcpy(t.mutable_raw_data()->data(), &value, 4);
  else if (t.float_data_size() > 0)
    t.set_float_data(0, value);
}

/// A zero point holding `value`, in int32_data as ONNX stores 8-bit integers outside raw_data.
void set_zero_point(onnx::ModelProto &m, const std::string &name, int value) {
  auto &t = initializer_named(m, name);
  t.clear_raw_data();
  t.clear_int32_data();
  t.add_int32_data(value);
}

void rename_everywhere(onnx::ModelProto &m, const std::string &from, const std::string &to) {
  auto *g = m.mutable_graph();
  auto rename = [&](std::string *s) {
    if (*s == from)
      *s = to;
  };
  for (auto &v : *g->mutable_input())
    rename(v.mutable_name());
  for (auto &v : *g->mutable_output())
    rename(v.mutable_name());
  for (auto &v : *g->mutable_value_info())
    rename(v.mutable_name());
  for (auto &t : *g->mutable_initializer())
    rename(t.mutable_name());
  for (auto &n : *g->mutable_node()) {
    for (auto &s : *n.mutable_input())
      rename(&s);
    for (auto &s : *n.mutable_output())
      rename(&s);
  }
}

void external(onnx::ModelProto &m, const std::string &tensor, const std::string &location,
              const std::string &offset, const std::string &length) {
  auto &t = initializer_named(m, tensor);
  t.clear_raw_data();
  t.set_data_location(TP::EXTERNAL);
  auto add = [&](const char *key, const std::string &value) {
    if (value.empty())
      return;
    auto *e = t.add_external_data();
    e->set_key(key);
    e->set_value(value);
  };
  add("location", location);
  add("offset", offset);
  add("length", length);
}

// --- base models ------------------------------------------------------------------------------

onnx::ModelProto cnn() {
  return small_qdq_cnn().proto();
}
onnx::ModelProto zoo() {
  return op_zoo_model().proto();
}

/// x [1,2,3,4] -> QDQ -> Transpose(perm 0,3,2,1) -> QDQ -> y [1,4,3,2].
onnx::ModelProto transpose() {
  auto m = qdq_around("Transpose", {1, 2, 3, 4}, {1, 4, 3, 2});
  model_builder::attr(node_named(m.proto(), "op"), "perm", dims_t{0, 3, 2, 1});
  return m.proto();
}

/// x [1,2,4,4] -> QDQ -> Reshape(shape initializer "shape" = [1, 32]) -> QDQ -> y [1,32].
onnx::ModelProto reshape() {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 2, 4, 4});
  auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
  m.node("Reshape", {q, m.int64s("shape", {2}, {1, 32})}, "reshape");
  m.output(m.dequantize(m.quantize(model_builder::out("reshape"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
           {1, 32});
  return m.proto();
}

/// The shape subgraph fold_constants evaluates: Reshape(x, Concat(Unsqueeze(Gather(Shape(x),
/// index "idx" = 0)), [-1])).
onnx::ModelProto gather_shape() {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 2, 4, 4});
  auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
  auto &shape = m.node("Shape", {q}, "shape");
  auto &gather = m.node("Gather", {shape.output(0), m.int64s("idx", {}, {0})}, "gather");
  auto &unsq = m.node("Unsqueeze", {gather.output(0), m.int64s("axes", {1}, {0})}, "unsqueeze");
  auto &cat = m.node("Concat", {unsq.output(0), m.int64s("rest", {1}, {-1})}, "concat");
  model_builder::attr(cat, "axis", i64{0});
  m.node("Reshape", {q, cat.output(0)}, "reshape");
  m.output(m.dequantize(m.quantize(model_builder::out("reshape"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
           {1, 32});
  return m.proto();
}

/// x [1,4] -> QDQ -> Add(ConstantOfShape(shape initializer "cos_shape" = [1, 4])) -> QDQ.
onnx::ModelProto constant_of_shape() {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 4});
  auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
  auto &cos = m.node("ConstantOfShape", {m.int64s("cos_shape", {2}, {1, 4})}, "cos");
  auto *value = attribute(cos, "value", AP::TENSOR).mutable_t();
  value->set_data_type(TP::FLOAT);
  value->add_dims(1);
  value->add_float_data(0.5f);
  m.node("Add", {q, cos.output(0)}, "add");
  m.output(m.dequantize(m.quantize(model_builder::out("add"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
           {1, 4});
  return m.proto();
}

/// x [1,2,4,4] -> QDQ -> Slice(starts, ends, axes, steps initializers) -> QDQ -> y [1,2,2,4].
onnx::ModelProto slice() {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 2, 4, 4});
  auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
  m.node("Slice",
         {q, m.int64s("starts", {1}, {0}), m.int64s("ends", {1}, {2}), m.int64s("axes", {1}, {2}),
          m.int64s("steps", {1}, {1})},
         "slice");
  m.output(m.dequantize(m.quantize(model_builder::out("slice"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
           {1, 2, 2, 4});
  return m.proto();
}

/// x [1,2,2,2] -> QDQ -> Squeeze(axes initializer "axes" = [0]) -> QDQ -> y [2,2,2].
onnx::ModelProto squeeze() {
  model_builder m;
  auto x = m.input("x", TP::FLOAT, {1, 2, 2, 2});
  auto q = m.dequantize(m.quantize(x, 0.1f, 0), 0.1f, 0);
  m.node("Squeeze", {q, m.int64s("axes", {1}, {0})}, "squeeze");
  m.output(m.dequantize(m.quantize(model_builder::out("squeeze"), 0.1f, 0), 0.1f, 0), TP::FLOAT,
           {2, 2, 2});
  return m.proto();
}

onnx::ModelProto with_input_dims(onnx::ModelProto m, const std::vector<i64> &dims) {
  auto *shape =
      m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  shape->clear_dim();
  for (auto d : dims)
    shape->add_dim()->set_dim_value(d);
  return m;
}

struct hostile_seed {
  std::string name;
  std::function<onnx::ModelProto()> base;
  std::function<void(onnx::ModelProto &)> edit;
};

std::vector<hostile_seed> seeds() {
  using M = onnx::ModelProto;
  return {
      // raw_data whose length is not a multiple of the element size, or not what dims say.
      {"raw_data_short_bias", cnn,
       [](M &m) { initializer_named(m, "conv_b").mutable_raw_data()->pop_back(); }},
      {"raw_data_long_weights", cnn,
       [](M &m) { initializer_named(m, "conv_w").mutable_raw_data()->append(3, '\x7f'); }},
      {"raw_data_empty_scale", cnn,
       [](M &m) { initializer_named(m, "conv_w_scale").clear_raw_data(); }},
      {"dims_huge_weights", cnn, [](M &m) { initializer_named(m, "fc_w").set_dims(1, two_31); }},
      {"dims_negative_weights", cnn, [](M &m) { initializer_named(m, "conv_w").set_dims(0, -2); }},
      // Conv and pool geometry.
      {"conv_strides_0", cnn,
       [](M &m) {
         set_ints(m, "conv", "strides", {0, 0});
       }},
      {"conv_strides_huge", cnn,
       [](M &m) {
         set_ints(m, "conv", "strides", {two_31, two_62});
       }},
      {"conv_pads_negative", cnn,
       [](M &m) {
         set_ints(m, "conv", "pads", {-5, -5, -5, -5});
       }},
      {"conv_pads_huge", cnn,
       [](M &m) {
         set_ints(m, "conv", "pads", {two_62, 0, two_62, 0});
       }},
      {"conv_dilations_0", cnn,
       [](M &m) {
         set_ints(m, "conv", "dilations", {0, 0});
       }},
      {"conv_dilations_huge", cnn,
       [](M &m) {
         set_ints(m, "conv", "dilations", {two_31, 1});
       }},
      {"conv_kernel_shape_0", cnn,
       [](M &m) {
         set_ints(m, "conv", "kernel_shape", {0, 0});
       }},
      {"conv_group_0", cnn, [](M &m) { set_int(m, "conv", "group", 0); }},
      {"conv_group_negative", cnn, [](M &m) { set_int(m, "conv", "group", -1); }},
      {"conv_group_huge", cnn, [](M &m) { set_int(m, "conv", "group", i64{1} << 40); }},
      {"conv_group_2", cnn, [](M &m) { set_int(m, "conv", "group", 2); }},
      {"maxpool_kernel_0", cnn,
       [](M &m) {
         set_ints(m, "pool", "kernel_shape", {0, 0});
       }},
      {"maxpool_strides_0", cnn,
       [](M &m) {
         set_ints(m, "pool", "strides", {0, 0});
       }},
      {"maxpool_kernel_huge", cnn,
       [](M &m) {
         set_ints(m, "pool", "kernel_shape", {two_31, two_31});
       }},
      {"maxpool_ceil_pads", cnn,
       [](M &m) {
         set_int(m, "pool", "ceil_mode", 1);
         set_ints(m, "pool", "pads", {1, 1, 7, 7});
       }},
      {"avgpool_pads_larger_than_kernel", zoo,
       [](M &m) {
         set_ints(m, "avgpool", "pads", {5, 5, 5, 5});
       }},
      // Axes and permutations.
      {"transpose_perm_out_of_range", transpose,
       [](M &m) {
         set_ints(m, "op", "perm", {0, 3, 2, 7});
       }},
      {"transpose_perm_negative", transpose,
       [](M &m) {
         set_ints(m, "op", "perm", {0, -1, 2, 1});
       }},
      {"transpose_perm_repeated", transpose,
       [](M &m) {
         set_ints(m, "op", "perm", {0, 0, 0, 0});
       }},
      {"transpose_perm_short", transpose,
       [](M &m) {
         set_ints(m, "op", "perm", {1, 0});
       }},
      {"concat_axis_out_of_range", zoo, [](M &m) { set_int(m, "concat", "axis", 7); }},
      {"concat_axis_negative", zoo, [](M &m) { set_int(m, "concat", "axis", -9); }},
      {"flatten_axis_out_of_range", cnn, [](M &m) { set_int(m, "flatten", "axis", 9); }},
      {"softmax_axis_out_of_range", zoo, [](M &m) { set_int(m, "softmax", "axis", i64{1} << 40); }},
      {"squeeze_axis_out_of_range", squeeze, [](M &m) { set_int64s(m, "axes", {5}); }},
      {"gather_index_out_of_range", gather_shape, [](M &m) { set_int64s(m, "idx", {9}); }},
      {"gather_index_huge", gather_shape, [](M &m) { set_int64s(m, "idx", {two_62}); }},
      // Shapes.
      {"reshape_huge", reshape,
       [](M &m) {
         set_int64s(m, "shape", {two_31, two_31});
       }},
      {"reshape_negative", reshape,
       [](M &m) {
         set_int64s(m, "shape", {-2, -16});
       }},
      {"reshape_two_minus_one", reshape,
       [](M &m) {
         set_int64s(m, "shape", {-1, -1});
       }},
      {"reshape_zero", reshape,
       [](M &m) {
         set_int64s(m, "shape", {0, 0});
       }},
      {"constant_of_shape_huge", constant_of_shape,
       [](M &m) {
         set_int64s(m, "cos_shape", {1 << 20, 1 << 20});
       }},
      {"constant_of_shape_negative", constant_of_shape,
       [](M &m) {
         set_int64s(m, "cos_shape", {-1, 4});
       }},
      {"slice_step_0", slice, [](M &m) { set_int64s(m, "steps", {0}); }},
      {"slice_step_huge", slice, [](M &m) { set_int64s(m, "steps", {i64{-1} << 63}); }},
      {"slice_axis_out_of_range", slice, [](M &m) { set_int64s(m, "axes", {11}); }},
      {"pad_huge", zoo,
       [](M &m) {
         set_int64s(m, "pads", {0, 0, two_31, two_31, 0, 0, 1, 1});
       }},
      {"pad_negative", zoo,
       [](M &m) {
         set_int64s(m, "pads", {0, 0, -9, -9, 0, 0, -9, -9});
       }},
      {"resize_scale_0", zoo, [](M &m) { set_first_float(m, "scales", 0.0f); }},
      {"resize_scale_nan", zoo,
       [](M &m) {
         auto &t = initializer_named(m, "scales");
         float s[4] = {1, 1, nan, 1e9f};
         t.set_raw_data(std::string(reinterpret_cast<char *>(s), sizeof s));
       }},
      {"input_dims_huge",
       [] {
         return with_input_dims(cnn(), {1, 1, two_31, two_31});
       },
       [](M &) {}},
      {"input_dims_2_62",
       [] {
         return with_input_dims(cnn(), {two_62, 1, 4, 4});
       },
       [](M &) {}},
      {"input_dims_zero",
       [] {
         return with_input_dims(cnn(), {1, 1, 0, 4});
       },
       [](M &) {}},
      // Quantization parameters.
      {"zero_point_300", cnn, [](M &m) { set_zero_point(m, "q_0_zp", 300); }},
      {"zero_point_minus_129_int8", cnn,
       [](M &m) {
         initializer_named(m, "conv_w_zp").set_data_type(TP::INT8);
         initializer_named(m, "conv_w_zp").clear_dims();
         set_zero_point(m, "conv_w_zp", -129);
       }},
      {"zero_point_int32_type", cnn,
       [](M &m) { initializer_named(m, "q_0_zp").set_data_type(TP::INT32); }},
      {"scale_nan", cnn, [](M &m) { set_first_float(m, "q_0_scale", nan); }},
      {"scale_inf", cnn, [](M &m) { set_first_float(m, "conv_w_scale", inf); }},
      {"scale_denormal", cnn, [](M &m) { set_first_float(m, "conv_w_scale", 1e-42f); }},
      {"scale_negative", cnn, [](M &m) { set_first_float(m, "fc_w_scale", -1.0f); }},
      {"per_channel_axis_out_of_range", cnn,
       [](M &m) {
         for (auto &n : *m.mutable_graph()->mutable_node())
           if (n.op_type() == "DequantizeLinear" && n.input(0) == "conv_w")
             attribute(n, "axis", AP::INT).set_i(7);
       }},
      {"leaky_alpha_nan", zoo, [](M &m) { set_float(m, "leaky", "alpha", nan); }},
      {"gemm_alpha_inf", cnn, [](M &m) { set_float(m, "fc", "alpha", inf); }},
      {"gemm_trans_a", cnn, [](M &m) { set_int(m, "fc", "transA", 1); }},
      // Names that are not C++ identifiers.
      {"name_comment_breakout", cnn,
       [](M &m) { node_named(m, "conv").set_name("*/ int injected = 1; /*\n#include <x>"); }},
      {"name_input_quotes", cnn, [](M &m) { rename_everywhere(m, "input", "in\"put\\\n"); }},
      {"name_output_non_ascii", cnn,
       [](M &m) { rename_everywhere(m, "output", std::string("\xff\xfe out\r\n")); }},
      {"name_graph_and_producer", cnn,
       [](M &m) {
         m.mutable_graph()->set_name("g\n#error injected");
         m.set_producer_name("p */ #error injected /*");
         m.set_producer_version("\\");
       }},
      {"name_empty_node", cnn, [](M &m) { node_named(m, "conv").set_name(""); }},
      {"name_duplicate_nodes", cnn, [](M &m) { node_named(m, "relu").set_name("conv"); }},
      // Graph structure.
      {"no_outputs", cnn, [](M &m) { m.mutable_graph()->clear_output(); }},
      {"output_is_input", cnn, [](M &m) { *m.mutable_graph()->add_output() = m.graph().input(0); }},
      {"output_is_initializer", cnn,
       [](M &m) { m.mutable_graph()->add_output()->set_name("conv_w"); }},
      {"node_input_dropped", cnn,
       [](M &m) { node_named(m, "conv").mutable_input()->RemoveLast(); }},
      {"node_input_duplicated", cnn, [](M &m) { node_named(m, "conv").add_input("conv_b"); }},
      {"node_input_dangling", cnn, [](M &m) { node_named(m, "fc").set_input(0, "nowhere"); }},
      {"nodes_out_of_order", cnn,
       [](M &m) { m.mutable_graph()->mutable_node()->SwapElements(0, m.graph().node_size() - 1); }},
      // External data outside or at the model's folder.
      {"external_location_dot", cnn, [](M &m) { external(m, "conv_w", ".", "", ""); }},
      {"external_offset_not_a_number", cnn,
       [](M &m) { external(m, "conv_w", "weights.bin", "abc", ""); }},
      {"external_length_huge", cnn,
       [](M &m) { external(m, "conv_w", "model.onnx", "0", "99999999999999999999"); }},
      {"external_parent", cnn, [](M &m) { external(m, "conv_w", "../model.onnx", "", ""); }},
  };
}

void save(const onnx::ModelProto &m, const std::filesystem::path &path) {
  std::string bytes;
  m.SerializeToString(&bytes);
  write_file(path, bytes);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: onnx2hpp_fuzz_hostile_seeds DIR\n");
    return 2;
  }
  std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);
  int written = 0;
  for (const auto &seed : seeds()) {
    auto checked = seed.base();
    seed.edit(checked);
    save(checked, dir / (seed.name + ".onnx"));

    // Shapes inferred while the model is still valid, then the edit, then an opset libonnx
    // does not know: the checker and shape inference are skipped.
    auto unchecked = seed.base();
    try {
      onnx::shape_inference::InferShapes(unchecked);
    } catch (const std::exception &) {
      // the base model is hostile already (huge input dims): stored without inferred shapes
    }
    seed.edit(unchecked);
    for (auto &opset : *unchecked.mutable_opset_import())
      if (opset.domain().empty() || opset.domain() == "ai.onnx")
        opset.set_version(100);
    save(unchecked, dir / (seed.name + ".unchecked.onnx"));
    written += 2;
  }
  std::printf("onnx2hpp_fuzz_hostile_seeds: %d models in %s\n", written, dir.string().c_str());
  return 0;
}
