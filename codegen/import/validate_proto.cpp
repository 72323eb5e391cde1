#include "import/validate_proto.hpp"

#include "diagnostics/error.hpp"
#include "import/onnx_tensor.hpp"
#include "ir/tensor.hpp"

#include <fmt/format.h>
#include <onnx/defs/schema.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <string_view>

namespace onnx2hpp::codegen::importer {

namespace {

using TP = onnx::TensorProto;

/// Bytes per element in raw_data, 0 for types without a fixed size (STRING).
std::int64_t raw_element_bytes(std::int32_t type) {
  switch (type) {
  case TP::FLOAT:
  case TP::INT32:
  case TP::UINT32:
    return 4;
  case TP::DOUBLE:
  case TP::INT64:
  case TP::UINT64:
  case TP::COMPLEX64:
    return 8;
  case TP::COMPLEX128:
    return 16;
  case TP::INT16:
  case TP::UINT16:
  case TP::FLOAT16:
  case TP::BFLOAT16:
    return 2;
  case TP::STRING:
    return 0;
  default: // INT8, UINT8, BOOL, and the 1-byte float8 types of newer ONNX versions
    return 1;
  }
}

/// Entries of the typed repeated field `t` uses for its values, per element.
std::pair<std::int64_t, std::int64_t> typed_field_size(const TP &t) {
  switch (t.data_type()) {
  case TP::FLOAT:
    return {t.float_data_size(), 1};
  case TP::COMPLEX64:
    return {t.float_data_size(), 2};
  case TP::DOUBLE:
    return {t.double_data_size(), 1};
  case TP::COMPLEX128:
    return {t.double_data_size(), 2};
  case TP::INT64:
    return {t.int64_data_size(), 1};
  case TP::UINT32:
  case TP::UINT64:
    return {t.uint64_data_size(), 1};
  case TP::STRING:
    return {t.string_data_size(), 1};
  default: // INT8, UINT8, INT16, UINT16, INT32, BOOL, FLOAT16, BFLOAT16: int32_data
    return {t.int32_data_size(), 1};
  }
}

/// The values an element of `type` can hold, for the types stored in int32_data.
std::pair<std::int64_t, std::int64_t> int32_data_range(std::int32_t type) {
  switch (type) {
  case TP::INT8:
    return {-128, 127};
  case TP::UINT8:
    return {0, 255};
  case TP::INT16:
    return {-32768, 32767};
  case TP::UINT16:
  case TP::FLOAT16:
  case TP::BFLOAT16:
    return {0, 65535};
  case TP::BOOL:
    return {0, 1};
  default:
    return {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
  }
}

void check_tensor(const TP &t, const std::string &where) {
  if (t.data_type() == TP::UNDEFINED || !TP::DataType_IsValid(t.data_type()))
    throw error(failure::unreadable_model,
                fmt::format("{} has data type {}, which is not an ONNX element type", where,
                            t.data_type()));
  if (t.has_segment())
    throw error(failure::unsupported_model,
                fmt::format("{} is stored in segments, which onnx2hpp does not read", where));
  if (t.data_location() == TP::EXTERNAL)
    throw error(failure::internal, fmt::format("{}: external data was not loaded", where));
  ir::shape_t dims(t.dims().begin(), t.dims().end());
  for (auto d : dims)
    if (d < 0)
      throw error(
          failure::unreadable_model,
          fmt::format("{} has a negative dimension in its shape {}", where, ir::to_string(dims)));
  const auto element_bytes = raw_element_bytes(t.data_type());
  auto count = ir::checked_element_count(dims);
  if (!count || *count * std::max<std::int64_t>(element_bytes, 1) > ir::max_constant_bytes)
    throw error(failure::unsupported_model,
                fmt::format("{} has shape {}: more than the {} bytes onnx2hpp accepts for one "
                            "constant",
                            where, ir::to_string(dims), ir::max_constant_bytes));
  if (t.has_raw_data()) {
    const auto have = static_cast<std::int64_t>(t.raw_data().size());
    if (element_bytes == 0 || have != *count * element_bytes)
      throw error(failure::unreadable_model,
                  fmt::format("{} holds {} bytes of raw data, but its shape {} of {} needs {}: "
                              "the file is truncated or corrupt",
                              where, have, ir::to_string(dims), onnx_type_name(t.data_type()),
                              *count * element_bytes));
    return;
  }
  auto [entries, per_element] = typed_field_size(t);
  if (entries != *count * per_element)
    throw error(failure::unreadable_model,
                fmt::format("{} holds {} values, but its shape {} of {} needs {}: the file is "
                            "truncated or corrupt",
                            where, entries, ir::to_string(dims), onnx_type_name(t.data_type()),
                            *count * per_element));
  // Narrow integers live in int32_data: a value outside the type (an int8 zero point of 300)
  // would silently wrap.
  auto [lo, hi] = int32_data_range(t.data_type());
  for (auto v : t.int32_data())
    if (v < lo || v > hi)
      throw error(failure::unreadable_model,
                  fmt::format("{} holds the value {}, outside the range [{}, {}] of {}", where, v,
                              lo, hi, onnx_type_name(t.data_type())));
}

void check_value_info(const onnx::ValueInfoProto &v, const std::string &what,
                      const std::filesystem::path &path) {
  if (!v.has_type() || !v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
    return;
  for (const auto &d : v.type().tensor_type().shape().dim())
    if (d.has_dim_value() && d.dim_value() < 0)
      throw error(failure::unreadable_model,
                  fmt::format("'{}': {} '{}' has the negative dimension {}", path.string(), what,
                              v.name(), d.dim_value()));
}

bool has_window(const onnx::NodeProto &node) {
  static constexpr std::array<std::string_view, 6> ops{
      "Conv", "ConvInteger", "QLinearConv", "MaxPool", "AveragePool", "QLinearAveragePool"};
  return std::find(ops.begin(), ops.end(), node.op_type()) != ops.end();
}

/// A node's input and output counts against its operator's schema (for the model's opset): the
/// importer reads inputs by position, and for opsets libonnx does not know the checker is skipped.
void check_arity(const onnx::ModelProto &model, const onnx::NodeProto &node,
                 const std::filesystem::path &path) {
  const std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  int version = 0;
  for (const auto &opset : model.opset_import())
    if ((opset.domain() == "ai.onnx" ? "" : opset.domain()) == domain)
      version = static_cast<int>(std::min<std::int64_t>(opset.version(), 1 << 20));
  // Only where libonnx knows the opset: for a newer one its latest schema may be an older
  // version of the operator (Pad-13 for Pad-18, which has an axes input).
  // Where libonnx does not know the opset, its latest schema of the operator may be an older
  // version (Pad-13 for Pad-18, which has an axes input): only the least counts are checked,
  // which later versions keep.
  const auto &known = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto range = known.find(domain);
  const bool exact = range != known.end() && version <= range->second.second;
  const auto *schema = onnx::OpSchemaRegistry::Schema(node.op_type(), version, domain);
  if (!schema)
    return; // the checker (or reject_unsupported_ops) speaks about unknown operators
  auto count_inputs = node.input_size();
  // An empty name is an absent optional input: the required ones must be named.
  int required_named = 0;
  while (required_named < std::min(count_inputs, schema->min_input()) &&
         !node.input(required_named).empty())
    ++required_named;
  if (count_inputs < schema->min_input() || required_named < schema->min_input() ||
      node.output_size() < schema->min_output() ||
      (exact && (count_inputs > schema->max_input() || node.output_size() > schema->max_output())))
    throw error(failure::unreadable_model,
                fmt::format("'{}': node '{}' ({}) has {} inputs and {} outputs; its schema (opset "
                            "{}) wants {} to {} inputs and {} to {} outputs",
                            path.string(), node.name(), node.op_type(), count_inputs,
                            node.output_size(), schema->since_version(), schema->min_input(),
                            schema->max_input(), schema->min_output(), schema->max_output()));
}

void check_window(const onnx::NodeProto &node, const std::filesystem::path &path) {
  for (const auto &a : node.attribute()) {
    const auto &name = a.name();
    std::int64_t least = 0;
    if (name == "kernel_shape" || name == "strides" || name == "dilations")
      least = 1;
    else if (name == "pads")
      least = 0;
    else if (name == "group") {
      if (a.i() < 1)
        throw error(failure::unreadable_model,
                    fmt::format("'{}': node '{}' ({}): attribute 'group' is {}; ONNX requires a "
                                "positive group count",
                                path.string(), node.name(), node.op_type(), a.i()));
      continue;
    } else
      continue;
    // A window larger than any tensor the generator accepts is as wrong as a negative one.
    for (auto v : a.ints())
      if (v < least || v > ir::max_tensor_elements)
        throw error(failure::unreadable_model,
                    fmt::format("'{}': node '{}' ({}): attribute '{}' holds {}; each value must be "
                                "{} (and at most {})",
                                path.string(), node.name(), node.op_type(), name, v,
                                least == 1 ? "at least 1" : "0 or more", ir::max_tensor_elements));
  }
}

} // namespace

void validate_proto(const onnx::ModelProto &model, const std::filesystem::path &path) {
  const auto &g = model.graph();
  if (g.output_size() == 0)
    throw error(failure::unreadable_model,
                fmt::format("'{}': the graph declares no outputs, so there is nothing to compute",
                            path.string()));
  if (g.sparse_initializer_size() > 0)
    throw error(failure::unsupported_model,
                fmt::format("'{}': sparse initializers are not supported", path.string()));
  // One import per operator set: libonnx resolves schemas by domain.
  std::set<std::string> domains;
  for (const auto &opset : model.opset_import())
    if (!domains.insert(opset.domain() == "ai.onnx" ? "" : opset.domain()).second)
      throw error(failure::unreadable_model,
                  fmt::format("'{}' imports the operator set of domain '{}' twice", path.string(),
                              opset.domain()));
  // Static single assignment, as ONNX requires: every value has one producer (a graph input, an
  // initializer, which may double as an input's default, or one node output).
  std::set<std::string> defined;
  auto define = [&](const std::string &name, const char *what) {
    if (!name.empty() && !defined.insert(name).second)
      throw error(failure::unreadable_model,
                  fmt::format("'{}': the value '{}' is defined twice (again as {}); ONNX wants "
                              "every value to have one producer",
                              path.string(), name, what));
  };
  for (const auto &t : g.initializer())
    define(t.name(), "an initializer");
  for (const auto &v : g.input()) {
    bool is_initializer = std::any_of(g.initializer().begin(), g.initializer().end(),
                                      [&](const auto &t) { return t.name() == v.name(); });
    if (!is_initializer)
      define(v.name(), "a graph input");
  }
  for (const auto &node : g.node())
    for (const auto &out : node.output())
      define(out, "a node output");
  for (const auto &t : g.initializer())
    check_tensor(t, fmt::format("initializer '{}' in '{}'", t.name(), path.string()));
  for (const auto &node : g.node()) {
    for (const auto &a : node.attribute()) {
      auto where = [&] {
        return fmt::format("attribute '{}' of node '{}' ({}) in '{}'", a.name(), node.name(),
                           node.op_type(), path.string());
      };
      // Float attributes (alphas, betas, epsilons) become tables and literals in the header.
      bool finite = std::isfinite(a.f());
      for (float v : a.floats())
        finite = finite && std::isfinite(v);
      if (!finite)
        throw error(
            failure::unsupported_model,
            fmt::format("{} is not finite; onnx2hpp takes finite float attributes only", where()));
      if (a.has_t())
        check_tensor(a.t(), where());
      for (const auto &t : a.tensors())
        check_tensor(t, where());
      if (a.has_g() || a.graphs_size() > 0)
        throw error(failure::unsupported_model,
                    fmt::format("node '{}' ({}) in '{}' has a subgraph attribute '{}'; control "
                                "flow is not supported",
                                node.name(), node.op_type(), path.string(), a.name()));
    }
    check_arity(model, node, path);
    if (has_window(node))
      check_window(node, path);
  }
  for (const auto &v : g.input())
    check_value_info(v, "graph input", path);
  for (const auto &v : g.output())
    check_value_info(v, "graph output", path);
  for (const auto &v : g.value_info())
    check_value_info(v, "value", path);
}

} // namespace onnx2hpp::codegen::importer
