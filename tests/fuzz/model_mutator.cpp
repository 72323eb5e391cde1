#include "model_mutator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::fuzz {

namespace {

using TP = onnx::TensorProto;
using AP = onnx::AttributeProto;
using i64 = std::int64_t;

constexpr i64 i64_min = std::numeric_limits<i64>::min();
constexpr i64 i64_max = std::numeric_limits<i64>::max();

/// Integers that break arithmetic on dimensions, indices and attribute values.
const std::array<i64, 27> boundary_ints{0,
                                        1,
                                        -1,
                                        2,
                                        -2,
                                        3,
                                        4,
                                        7,
                                        8,
                                        127,
                                        128,
                                        -128,
                                        -129,
                                        255,
                                        256,
                                        300,
                                        65535,
                                        65536,
                                        i64{1} << 31,
                                        (i64{1} << 31) - 1,
                                        -(i64{1} << 31),
                                        i64{1} << 32,
                                        i64{1} << 40,
                                        i64{1} << 62,
                                        -(i64{1} << 62),
                                        i64_max,
                                        i64_min};

/// Floats that break scales and attribute values: zero, NaN, infinities, denormals, huge.
const std::array<float, 13> boundary_floats{0.0f,
                                            -0.0f,
                                            std::numeric_limits<float>::quiet_NaN(),
                                            std::numeric_limits<float>::infinity(),
                                            -std::numeric_limits<float>::infinity(),
                                            1e-42f,
                                            std::numeric_limits<float>::min(),
                                            -1.0f,
                                            1.0f,
                                            1e38f,
                                            std::numeric_limits<float>::max(),
                                            1e-10f,
                                            0.5f};

/// Names that are not C++ identifiers, or that would break out of a comment, a string literal
/// or a line of the generated header.
const std::vector<std::string> hostile_strings{
    "a\nb",
    "*/ int injected = 1; /*",
    "\n#include </etc/passwd>\n",
    "\"quoted\"",
    "back\\slash",
    "\\",
    "trail\\",
    "?\?/", // a trigraph in the header would be a backslash
    std::string("\xff\xfe\x80 bytes"),
    "\xc3\xbcnic\xc3\xb6"
    "de",
    "",
    " ",
    "a b",
    "0digit",
    "class",
    "namespace",
    "graph",
    "__reserved",
    "_Upper",
    "R\"(raw)\"",
    "cr\r\nlf",
    std::string("nul\0byte", 8),
    std::string(300, 'x'),
    "}; } // closed",
    "{}{0}%s%n",
    "line \\\ncontinued",
    "// comment",
    "a::b",
    "<angle>",
    "'single'"};

/// Element types of TensorProto::DataType, valid and not.
const std::array<int, 17> elem_types{
    TP::UNDEFINED, TP::FLOAT,  TP::UINT8,    TP::INT8, TP::UINT16,  TP::INT16,
    TP::INT32,     TP::INT64,  TP::STRING,   TP::BOOL, TP::FLOAT16, TP::DOUBLE,
    TP::UINT32,    TP::UINT64, TP::BFLOAT16, 17,       1000};

/// Operator types: what onnx2hpp supports, and a few it does not.
const std::vector<std::string> op_types{"Add",
                                        "AveragePool",
                                        "BatchNormalization",
                                        "Cast",
                                        "Clip",
                                        "Concat",
                                        "Constant",
                                        "ConstantOfShape",
                                        "Conv",
                                        "ConvInteger",
                                        "DequantizeLinear",
                                        "Div",
                                        "Dropout",
                                        "Flatten",
                                        "Gather",
                                        "Gemm",
                                        "GlobalAveragePool",
                                        "HardSwish",
                                        "Identity",
                                        "LeakyRelu",
                                        "MatMul",
                                        "MatMulInteger",
                                        "MaxPool",
                                        "Mul",
                                        "Pad",
                                        "QLinearConv",
                                        "QLinearMatMul",
                                        "QuantizeLinear",
                                        "ReduceMean",
                                        "Relu",
                                        "Reshape",
                                        "Resize",
                                        "Shape",
                                        "Sigmoid",
                                        "Slice",
                                        "Softmax",
                                        "Squeeze",
                                        "Sub",
                                        "Transpose",
                                        "Unsqueeze",
                                        "QGemm",
                                        "QLinearAdd",
                                        "QLinearAveragePool",
                                        "QLinearConcat",
                                        "QLinearGlobalAveragePool",
                                        "QLinearLeakyRelu",
                                        "QLinearMul",
                                        "QLinearSigmoid",
                                        "Tanh",
                                        "Loop",
                                        "If",
                                        "Split",
                                        "Expand"};

const std::vector<std::string> domains{"", "ai.onnx", "com.microsoft", "bogus.domain",
                                       "ai.onnx.ml"};

/// Attributes of the supported operators (strides, pads, ...), to add where they are absent.
const std::vector<std::string> attribute_names{"strides",
                                               "pads",
                                               "kernel_shape",
                                               "group",
                                               "axis",
                                               "axes",
                                               "perm",
                                               "ceil_mode",
                                               "dilations",
                                               "keepdims",
                                               "transA",
                                               "transB",
                                               "alpha",
                                               "beta",
                                               "count_include_pad",
                                               "auto_pad",
                                               "to",
                                               "value",
                                               "starts",
                                               "ends",
                                               "mode",
                                               "min",
                                               "max",
                                               "epsilon",
                                               "momentum",
                                               "storage_order",
                                               "allowzero",
                                               "channels_last",
                                               "coordinate_transformation_mode",
                                               "nearest_mode",
                                               "exclude_outside",
                                               "extrapolation_value",
                                               "saturate",
                                               "block_size",
                                               "output_dtype"};

const std::vector<std::string> attribute_strings{"NOTSET",
                                                 "SAME_UPPER",
                                                 "SAME_LOWER",
                                                 "VALID",
                                                 "nearest",
                                                 "linear",
                                                 "cubic",
                                                 "constant",
                                                 "reflect",
                                                 "edge",
                                                 "half_pixel",
                                                 "asymmetric",
                                                 "align_corners",
                                                 "round_prefer_floor",
                                                 "floor",
                                                 "ceil",
                                                 "pytorch_half_pixel",
                                                 "tf_crop_and_resize"};

const std::vector<std::string> external_locations{".",
                                                  "",
                                                  "./",
                                                  "..",
                                                  "../model.onnx",
                                                  "model.onnx",
                                                  "weights.bin",
                                                  "/etc/passwd",
                                                  "a/../../b",
                                                  "sub/dir/file",
                                                  std::string("nul\0name", 9),
                                                  std::string(300, 'x')};

const std::vector<std::string> external_numbers{"0",
                                                "1",
                                                "-1",
                                                "abc",
                                                "",
                                                "1e3",
                                                "99999999999999999999",
                                                "9223372036854775807",
                                                "-9223372036854775808",
                                                " 4",
                                                "4x",
                                                "0x10"};

/// Size of one element of `data_type` in raw_data, or 0 for types without a fixed size.
std::size_t element_bytes(int data_type) {
  switch (data_type) {
  case TP::UINT8:
  case TP::INT8:
  case TP::BOOL:
    return 1;
  case TP::UINT16:
  case TP::INT16:
  case TP::FLOAT16:
  case TP::BFLOAT16:
    return 2;
  case TP::FLOAT:
  case TP::INT32:
  case TP::UINT32:
    return 4;
  case TP::DOUBLE:
  case TP::INT64:
  case TP::UINT64:
    return 8;
  default:
    return 0;
  }
}

bool is_quantized_op(const std::string &op) {
  return op.find("Quantize") != std::string::npos || op.rfind("QLinear", 0) == 0 || op == "QGemm" ||
         op == "ConvInteger" || op == "MatMulInteger";
}

class mutator {
public:
  mutator(onnx::ModelProto &model, std::uint32_t seed) : model_(model), rng_(seed) {}

  void run() {
    const int count = 1 + static_cast<int>(below(4));
    for (int i = 0; i < count; ++i)
      mutate_once();
  }

  void cross_over(const onnx::ModelProto &donor) {
    const auto &d = donor.graph();
    auto *g = model_.mutable_graph();
    switch (below(4)) {
    case 0:
      if (d.node_size() > 0) {
        const auto &n = d.node(static_cast<int>(below(d.node_size())));
        auto *copy = g->add_node();
        *copy = n;
        if (g->node_size() > 1 && coin())
          g->mutable_node()->SwapElements(g->node_size() - 1,
                                          static_cast<int>(below(g->node_size())));
      }
      break;
    case 1:
      if (d.initializer_size() > 0)
        *g->add_initializer() = d.initializer(static_cast<int>(below(d.initializer_size())));
      break;
    case 2:
      if (d.value_info_size() > 0)
        *g->add_value_info() = d.value_info(static_cast<int>(below(d.value_info_size())));
      else if (d.input_size() > 0)
        *g->add_input() = d.input(static_cast<int>(below(d.input_size())));
      break;
    default:
      if (d.output_size() > 0)
        *g->add_output() = d.output(static_cast<int>(below(d.output_size())));
      break;
    }
    for (const auto &opset : donor.opset_import()) {
      bool present = false;
      for (const auto &mine : model_.opset_import())
        present = present || mine.domain() == opset.domain();
      if (!present)
        *model_.add_opset_import() = opset;
    }
  }

private:
  // --- randomness ---------------------------------------------------------------------------
  std::size_t below(std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  bool coin() { return below(2) == 0; }
  bool one_in(std::size_t n) { return below(n) == 0; }
  template <class Container>
  const auto &pick(const Container &c) {
    return c[below(c.size())];
  }
  i64 boundary_int() {
    if (one_in(8))
      return static_cast<i64>(below(17)) - 8; // small values, negative ones included
    return pick(boundary_ints);
  }
  float boundary_float() { return pick(boundary_floats); }
  std::string hostile_string() { return pick(hostile_strings); }

  // --- what the model holds -----------------------------------------------------------------
  onnx::GraphProto &graph() { return *model_.mutable_graph(); }

  std::vector<onnx::ValueInfoProto *> value_infos() {
    std::vector<onnx::ValueInfoProto *> out;
    for (auto &v : *graph().mutable_input())
      out.push_back(&v);
    for (auto &v : *graph().mutable_output())
      out.push_back(&v);
    for (auto &v : *graph().mutable_value_info())
      out.push_back(&v);
    return out;
  }

  /// Every tensor of the main graph: initializers and tensor attributes (Constant values).
  std::vector<TP *> tensors() {
    std::vector<TP *> out;
    for (auto &t : *graph().mutable_initializer())
      out.push_back(&t);
    for (auto &n : *graph().mutable_node())
      for (auto &a : *n.mutable_attribute())
        if (a.has_t())
          out.push_back(a.mutable_t());
    return out;
  }

  /// Tensors by the value name they define (initializers, Constant outputs).
  std::map<std::string, TP *> tensors_by_name() {
    std::map<std::string, TP *> out;
    for (auto &t : *graph().mutable_initializer())
      out[t.name()] = &t;
    for (auto &n : *graph().mutable_node())
      if (n.op_type() == "Constant" && n.output_size() > 0)
        for (auto &a : *n.mutable_attribute())
          if (a.has_t())
            out[n.output(0)] = a.mutable_t();
    return out;
  }

  std::vector<std::string> value_names() {
    std::set<std::string> names;
    for (const auto &v : graph().input())
      names.insert(v.name());
    for (const auto &v : graph().output())
      names.insert(v.name());
    for (const auto &t : graph().initializer())
      names.insert(t.name());
    for (const auto &n : graph().node()) {
      names.insert(n.input().begin(), n.input().end());
      names.insert(n.output().begin(), n.output().end());
    }
    return {names.begin(), names.end()};
  }

  onnx::NodeProto *random_node() {
    if (graph().node_size() == 0)
      return nullptr;
    return graph().mutable_node(static_cast<int>(below(graph().node_size())));
  }

  /// Scale (float) and zero point (integer) operands of the quantizing ops: inputs past the
  /// first of QuantizeLinear, DequantizeLinear, QLinear*, QGemm, *Integer that are constants.
  void quantization_operands(std::vector<TP *> &scales, std::vector<TP *> &zero_points) {
    auto by_name = tensors_by_name();
    for (const auto &n : graph().node()) {
      if (!is_quantized_op(n.op_type()))
        continue;
      for (int i = 1; i < n.input_size(); ++i) {
        auto it = by_name.find(n.input(i));
        if (it == by_name.end())
          continue;
        TP *t = it->second;
        if (t->data_type() == TP::FLOAT)
          scales.push_back(t);
        else if (t->data_type() == TP::INT8 || t->data_type() == TP::UINT8 ||
                 t->data_type() == TP::INT32)
          zero_points.push_back(t);
      }
    }
  }

  // --- element access -------------------------------------------------------------------------
  std::size_t element_count(const TP &t) {
    if (!t.raw_data().empty()) {
      auto size = element_bytes(t.data_type());
      return size == 0 ? 0 : t.raw_data().size() / size;
    }
    return static_cast<std::size_t>(t.float_data_size() + t.int32_data_size() +
                                    t.int64_data_size() + t.double_data_size() +
                                    t.uint64_data_size());
  }

  /// Writes `value` (converted to the tensor's type) into element `index`, wherever the tensor
  /// keeps its values.
  void set_element(TP &t, std::size_t index, i64 int_value, float float_value) {
    const bool is_float = t.data_type() == TP::FLOAT || t.data_type() == TP::DOUBLE;
    if (!t.raw_data().empty()) {
      auto size = element_bytes(t.data_type());
      if (size == 0 || (index + 1) * size > t.raw_data().size())
        return;
      unsigned char bytes[8] = {};
      if (t.data_type() == TP::FLOAT) {
        std::memcpy(bytes, &float_value, 4);
      } else if (t.data_type() == TP::DOUBLE) {
        double d = float_value;
        std::memcpy(bytes, &d, 8);
      } else {
        auto u = static_cast<std::uint64_t>(int_value);
        for (std::size_t b = 0; b < 8; ++b)
          bytes[b] = static_cast<unsigned char>(u >> (8 * b));
      }
      t.mutable_raw_data()->replace(index * size, size, reinterpret_cast<char *>(bytes), size);
      return;
    }
    auto i = static_cast<int>(index);
    if (i < t.float_data_size())
      t.set_float_data(i, is_float ? float_value : static_cast<float>(int_value));
    else if (i < t.int32_data_size())
      t.set_int32_data(i, static_cast<std::int32_t>(int_value));
    else if (i < t.int64_data_size())
      t.set_int64_data(i, int_value);
    else if (i < t.double_data_size())
      t.set_double_data(i, float_value);
    else if (i < t.uint64_data_size())
      t.set_uint64_data(i, static_cast<std::uint64_t>(int_value));
  }

  /// Moves an 8- or 16-bit integer tensor's values from raw_data into int32_data (where ONNX
  /// allows them), so values outside the type's range (300, -129) can be stored.
  void to_int32_data(TP &t) {
    if (t.raw_data().empty() || element_bytes(t.data_type()) != 1)
      return;
    const bool is_signed = t.data_type() == TP::INT8;
    for (unsigned char c : t.raw_data())
      t.add_int32_data(is_signed ? static_cast<std::int8_t>(c) : c);
    t.clear_raw_data();
  }

  // --- the mutations ------------------------------------------------------------------------
  void mutate_once() {
    using step = void (mutator::*)();
    static constexpr std::array<step, 16> steps{
        &mutator::mutate_value_dims,    &mutator::mutate_tensor_dims,
        &mutator::mutate_attribute,     &mutator::mutate_elem_type,
        &mutator::mutate_raw_data,      &mutator::mutate_zero_point,
        &mutator::mutate_scale,         &mutator::mutate_node_inputs,
        &mutator::rename_value,         &mutator::mutate_graph_outputs,
        &mutator::mutate_nodes,         &mutator::mutate_opsets,
        &mutator::mutate_names,         &mutator::mutate_external_data,
        &mutator::mutate_tensor_values, &mutator::mutate_node_outputs};
    (this->*pick(steps))();
  }

  /// A dimension of a graph input/output/value info: a boundary value, symbolic, added, removed.
  void mutate_value_dims() {
    auto infos = value_infos();
    if (infos.empty())
      return;
    auto *type = pick(infos)->mutable_type()->mutable_tensor_type();
    auto *shape = type->mutable_shape();
    switch (below(6)) {
    case 0:
      shape->add_dim()->set_dim_value(boundary_int());
      break;
    case 1:
      if (shape->dim_size() > 0)
        shape->mutable_dim()->RemoveLast();
      break;
    case 2:
      type->clear_shape();
      break;
    case 3:
      if (shape->dim_size() > 0)
        shape->mutable_dim(static_cast<int>(below(shape->dim_size())))
            ->set_dim_param(coin() ? "N" : hostile_string());
      break;
    default:
      if (shape->dim_size() > 0)
        shape->mutable_dim(static_cast<int>(below(shape->dim_size())))
            ->set_dim_value(boundary_int());
      else
        shape->add_dim()->set_dim_value(boundary_int());
      break;
    }
  }

  /// The dims of an initializer or Constant tensor, leaving its data as it is.
  void mutate_tensor_dims() {
    auto ts = tensors();
    if (ts.empty())
      return;
    TP *t = pick(ts);
    switch (below(4)) {
    case 0:
      t->add_dims(boundary_int());
      break;
    case 1:
      if (t->dims_size() > 0)
        t->mutable_dims()->RemoveLast();
      break;
    case 2:
      t->clear_dims();
      break;
    default:
      if (t->dims_size() > 0)
        t->set_dims(static_cast<int>(below(t->dims_size())), boundary_int());
      else
        t->add_dims(boundary_int());
      break;
    }
  }

  void set_attribute_value(AP &a) {
    switch (a.type()) {
    case AP::INT:
      a.set_i(boundary_int());
      break;
    case AP::INTS:
      switch (below(5)) {
      case 0:
        a.add_ints(boundary_int());
        break;
      case 1:
        if (a.ints_size() > 0)
          a.mutable_ints()->RemoveLast();
        break;
      case 2:
        a.clear_ints();
        break;
      default:
        if (a.ints_size() > 0)
          a.set_ints(static_cast<int>(below(a.ints_size())), boundary_int());
        else
          a.add_ints(boundary_int());
        break;
      }
      break;
    case AP::FLOAT:
      a.set_f(boundary_float());
      break;
    case AP::FLOATS:
      if (a.floats_size() > 0 && coin())
        a.set_floats(static_cast<int>(below(a.floats_size())), boundary_float());
      else
        a.add_floats(boundary_float());
      break;
    case AP::STRING:
      a.set_s(coin() ? pick(attribute_strings) : hostile_string());
      break;
    case AP::TENSOR:
      mutate_tensor(*a.mutable_t());
      break;
    default:
      a.set_type(AP::INT);
      a.set_i(boundary_int());
      break;
    }
  }

  /// An attribute of a node to a boundary value (strides, pads, group, axis, perm, ...), one
  /// added, dropped or given another type.
  void mutate_attribute() {
    auto *n = random_node();
    if (n == nullptr)
      return;
    const auto action = below(8);
    if (n->attribute_size() == 0 || action == 0) {
      auto *a = n->add_attribute();
      a->set_name(pick(attribute_names));
      static constexpr std::array<AP::AttributeType, 5> types{AP::INT, AP::INTS, AP::FLOAT,
                                                              AP::STRING, AP::FLOATS};
      a->set_type(pick(types));
      set_attribute_value(*a);
      return;
    }
    auto *a = n->mutable_attribute(static_cast<int>(below(n->attribute_size())));
    switch (action) {
    case 1:
      n->mutable_attribute()->DeleteSubrange(static_cast<int>(below(n->attribute_size())), 1);
      break;
    case 2: { // the type field disagrees with the value that is set
      static constexpr std::array<AP::AttributeType, 6> types{
          AP::UNDEFINED, AP::INT, AP::INTS, AP::FLOAT, AP::STRING, AP::TENSOR};
      a->set_type(pick(types));
      break;
    }
    case 3:
      *n->add_attribute() = *a; // the same attribute twice
      break;
    default:
      set_attribute_value(*a);
      break;
    }
  }

  void mutate_elem_type() {
    if (coin()) {
      auto infos = value_infos();
      if (!infos.empty())
        pick(infos)->mutable_type()->mutable_tensor_type()->set_elem_type(pick(elem_types));
      return;
    }
    auto ts = tensors();
    if (!ts.empty())
      pick(ts)->set_data_type(pick(elem_types));
  }

  /// raw_data a few bytes short or long, empty, or alongside typed data.
  void mutate_raw_data() {
    auto ts = tensors();
    if (ts.empty())
      return;
    TP *t = pick(ts);
    auto *raw = t->mutable_raw_data();
    switch (below(6)) {
    case 0:
      raw->resize(raw->size() - std::min(raw->size(), 1 + below(8)));
      break;
    case 1:
      raw->append(1 + below(8), static_cast<char>(below(256)));
      break;
    case 2:
      raw->clear();
      break;
    case 3:
      *raw += *raw; // twice the data the dims say
      break;
    case 4:
      t->add_int32_data(static_cast<std::int32_t>(boundary_int())); // both raw and typed data
      break;
    default:
      if (!raw->empty())
        (*raw)[below(raw->size())] = static_cast<char>(below(256));
      break;
    }
  }

  /// A zero point outside its type (300, -129), or of another type.
  void mutate_zero_point() {
    std::vector<TP *> scales, zero_points;
    quantization_operands(scales, zero_points);
    if (zero_points.empty())
      return;
    TP *t = pick(zero_points);
    if (one_in(4)) {
      static constexpr std::array<int, 5> types{TP::INT8, TP::UINT8, TP::INT32, TP::INT16,
                                                TP::FLOAT};
      t->set_data_type(pick(types));
      return;
    }
    static constexpr std::array<i64, 9> values{300, -129, 256, -1, 127, -128, 255, 0, 1 << 20};
    to_int32_data(*t);
    auto count = element_count(*t);
    if (count == 0)
      t->add_int32_data(static_cast<std::int32_t>(pick(values)));
    else
      set_element(*t, below(count), pick(values), 0.0f);
  }

  /// A scale of 0, NaN, a denormal, an infinity, negative.
  void mutate_scale() {
    std::vector<TP *> scales, zero_points;
    quantization_operands(scales, zero_points);
    if (scales.empty())
      return;
    TP *t = pick(scales);
    auto count = element_count(*t);
    if (count == 0)
      t->add_float_data(boundary_float());
    else
      set_element(*t, below(count), 0, boundary_float());
  }

  /// An input of a node duplicated, dropped, replaced, left empty or swapped.
  void mutate_node_inputs() {
    auto *n = random_node();
    if (n == nullptr)
      return;
    auto *inputs = n->mutable_input();
    switch (below(7)) {
    case 0:
      if (n->input_size() > 0)
        n->add_input(n->input(static_cast<int>(below(n->input_size()))));
      break;
    case 1:
      if (n->input_size() > 0)
        inputs->DeleteSubrange(static_cast<int>(below(n->input_size())), 1);
      break;
    case 2:
      if (n->input_size() > 0)
        inputs->RemoveLast();
      break;
    case 3: {
      auto names = value_names();
      if (!names.empty() && n->input_size() > 0)
        n->set_input(static_cast<int>(below(n->input_size())), pick(names));
      break;
    }
    case 4:
      if (n->input_size() > 0)
        n->set_input(static_cast<int>(below(n->input_size())), "");
      else
        n->add_input("");
      break;
    case 5:
      if (n->input_size() > 1)
        inputs->SwapElements(static_cast<int>(below(n->input_size())),
                             static_cast<int>(below(n->input_size())));
      break;
    default: {
      auto names = value_names();
      if (!names.empty())
        n->add_input(pick(names));
      break;
    }
    }
  }

  void mutate_node_outputs() {
    auto *n = random_node();
    if (n == nullptr)
      return;
    switch (below(4)) {
    case 0:
      n->add_output(hostile_string());
      break;
    case 1:
      if (n->output_size() > 0)
        n->mutable_output()->RemoveLast();
      break;
    case 2: { // two producers of one value
      auto names = value_names();
      if (!names.empty() && n->output_size() > 0)
        n->set_output(static_cast<int>(below(n->output_size())), pick(names));
      break;
    }
    default:
      if (n->output_size() > 0)
        n->set_output(static_cast<int>(below(n->output_size())), "");
      break;
    }
  }

  /// Renames a value everywhere (or in one place only) to a name that is not an identifier.
  void rename_value() {
    auto names = value_names();
    if (names.empty())
      return;
    const std::string from = pick(names);
    const std::string to = one_in(4) && !names.empty() ? pick(names) : hostile_string();
    const bool everywhere = !one_in(4);
    bool done = false;
    auto rename = [&](std::string *name) {
      if (*name == from && (everywhere || !done)) {
        *name = to;
        done = true;
      }
    };
    for (auto *v : value_infos())
      rename(v->mutable_name());
    for (auto &t : *graph().mutable_initializer())
      rename(t.mutable_name());
    for (auto &n : *graph().mutable_node()) {
      for (auto &i : *n.mutable_input())
        rename(&i);
      for (auto &o : *n.mutable_output())
        rename(&o);
    }
  }

  void mutate_graph_outputs() {
    auto *outputs = graph().mutable_output();
    switch (below(5)) {
    case 0:
      if (outputs->size() > 0)
        outputs->DeleteSubrange(static_cast<int>(below(outputs->size())), 1);
      break;
    case 1:
      outputs->Clear();
      break;
    case 2:
      if (outputs->size() > 0)
        *graph().add_output() = graph().output(static_cast<int>(below(outputs->size())));
      break;
    case 3: // an initializer or a graph input as an output
      if (graph().initializer_size() > 0 && coin())
        graph().add_output()->set_name(
            graph().initializer(static_cast<int>(below(graph().initializer_size()))).name());
      else if (graph().input_size() > 0)
        *graph().add_output() = graph().input(static_cast<int>(below(graph().input_size())));
      break;
    default: { // an intermediate value as an output, untyped
      auto names = value_names();
      if (!names.empty())
        graph().add_output()->set_name(pick(names));
      break;
    }
    }
  }

  /// A node of another op type or domain, deleted, duplicated or moved out of order.
  void mutate_nodes() {
    auto *nodes = graph().mutable_node();
    if (nodes->empty())
      return;
    const int i = static_cast<int>(below(nodes->size()));
    switch (below(6)) {
    case 0:
      nodes->Mutable(i)->set_op_type(pick(op_types));
      break;
    case 1:
      nodes->Mutable(i)->set_domain(pick(domains));
      break;
    case 2:
      nodes->DeleteSubrange(i, 1);
      break;
    case 3:
      *graph().add_node() = graph().node(i);
      break;
    case 4:
      nodes->SwapElements(i, static_cast<int>(below(nodes->size())));
      break;
    default: // bypass: the node's readers read its input instead
      if (nodes->Get(i).input_size() > 0 && nodes->Get(i).output_size() > 0) {
        const std::string in = nodes->Get(i).input(0), out = nodes->Get(i).output(0);
        nodes->DeleteSubrange(i, 1);
        for (auto &n : *nodes)
          for (auto &name : *n.mutable_input())
            if (name == out)
              name = in;
        for (auto &o : *graph().mutable_output())
          if (o.name() == out)
            o.set_name(in);
      }
      break;
    }
  }

  void mutate_opsets() {
    static constexpr std::array<i64, 19> opsets{1,  6,  7,  9,  10, 11,  12, 13,      14,     15,
                                                16, 17, 18, 19, 21, 100, -1, 1 << 30, i64_max};
    static constexpr std::array<i64, 10> ir_versions{1, 3, 4, 6, 7, 8, 9, 10, 100, -1};
    switch (below(4)) {
    case 0:
      if (model_.opset_import_size() > 0)
        model_.mutable_opset_import(static_cast<int>(below(model_.opset_import_size())))
            ->set_version(pick(opsets));
      break;
    case 1:
      model_.set_ir_version(pick(ir_versions));
      break;
    case 2: {
      auto *o = model_.add_opset_import();
      o->set_domain(pick(domains));
      o->set_version(pick(opsets));
      break;
    }
    default:
      if (model_.opset_import_size() > 0)
        model_.mutable_opset_import()->DeleteSubrange(
            static_cast<int>(below(model_.opset_import_size())), 1);
      break;
    }
  }

  /// Names and texts the generator copies into the header's comments and identifiers.
  void mutate_names() {
    switch (below(6)) {
    case 0:
      if (auto *n = random_node())
        n->set_name(hostile_string());
      break;
    case 1:
      graph().set_name(hostile_string());
      break;
    case 2:
      model_.set_producer_name(hostile_string());
      break;
    case 3:
      model_.set_producer_version(hostile_string());
      break;
    case 4:
      if (auto *n = random_node())
        n->set_doc_string(hostile_string());
      break;
    default:
      model_.set_doc_string(hostile_string());
      break;
    }
  }

  /// External data pointing at the (empty) model folder itself, outside it, or at nonsense
  /// offsets.
  void mutate_external_data() {
    auto ts = tensors();
    if (ts.empty())
      return;
    TP *t = pick(ts);
    t->set_data_location(TP::EXTERNAL);
    if (coin())
      t->clear_raw_data();
    t->clear_external_data();
    auto add = [&](const std::string &key, const std::string &value) {
      auto *e = t->add_external_data();
      e->set_key(key);
      e->set_value(value);
    };
    if (!one_in(4))
      add("location", pick(external_locations));
    if (coin())
      add("offset", pick(external_numbers));
    if (coin())
      add("length", pick(external_numbers));
  }

  /// An element of a constant operand (Reshape shapes, Slice starts, Pad pads, Gather indices,
  /// Resize scales, weights) to a boundary value.
  void mutate_tensor_values() {
    auto ts = tensors();
    if (ts.empty())
      return;
    mutate_tensor(*pick(ts));
  }

  void mutate_tensor(TP &t) {
    auto count = element_count(t);
    if (count == 0) {
      if (t.data_type() == TP::FLOAT)
        t.add_float_data(boundary_float());
      else if (t.data_type() == TP::INT64)
        t.add_int64_data(boundary_int());
      else
        t.add_int32_data(static_cast<std::int32_t>(boundary_int()));
      return;
    }
    const int repeats = 1 + static_cast<int>(below(3));
    for (int r = 0; r < repeats; ++r)
      set_element(t, below(count), boundary_int(), boundary_float());
  }

  onnx::ModelProto &model_;
  std::mt19937 rng_;
};

} // namespace

void mutate_model(onnx::ModelProto &model, std::uint32_t seed) {
  if (!model.has_graph())
    model.mutable_graph();
  mutator(model, seed).run();
}

void cross_over_models(onnx::ModelProto &model, const onnx::ModelProto &donor, std::uint32_t seed) {
  if (!model.has_graph())
    model.mutable_graph();
  mutator(model, seed).cross_over(donor);
}

} // namespace onnx2hpp::codegen::fuzz
