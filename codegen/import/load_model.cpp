#include "import/load_model.hpp"

#include "diagnostics/error.hpp"
#include "import/contrib_schemas.hpp"
#include "import/dialect.hpp"
#include "import/sha256.hpp"
#include "import/supported_ops.hpp"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <iterator>

namespace onnx2hpp::codegen::importer {

namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> read_file(const fs::path &path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw error(
        failure::unreadable_model,
        fmt::format("cannot read '{}': it is a directory, not an .onnx file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw error(failure::unreadable_model,
                fmt::format("cannot open '{}': {}", path.string(), std::strerror(errno)));
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad())
    throw error(failure::unreadable_model,
                fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
  if (bytes.empty())
    throw error(failure::unreadable_model,
                fmt::format("'{}' is empty: expected an ONNX model (a serialized ModelProto)",
                            path.string()));
  return bytes;
}

onnx::ModelProto parse(const std::vector<std::uint8_t> &bytes, const fs::path &path) {
  onnx::ModelProto model;
  bool parsed = model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  // A ModelProto begins with ir_version (field 1, varint: byte 0x08); most other files do not.
  bool looks_like_onnx = bytes.front() == 0x08;
  if (!parsed && looks_like_onnx)
    throw error(failure::unreadable_model,
                fmt::format("'{}' is not a complete ONNX model: protobuf parsing stopped inside "
                            "it ({} bytes). The file is probably truncated or corrupt; copy or "
                            "export it again",
                            path.string(), bytes.size()));
  if (!parsed || !model.has_graph() || model.ir_version() <= 0 || model.opset_import_size() == 0)
    throw error(failure::unreadable_model,
                fmt::format("'{}' is not an ONNX model: {}. onnx2hpp reads binary .onnx files "
                            "(a serialized onnx.ModelProto)",
                            path.string(),
                            !parsed                   ? "it does not parse as a protobuf message"
                            : !model.has_graph()      ? "it has no graph"
                            : model.ir_version() <= 0 ? "it has no ir_version"
                                                      : "it imports no operator set"));
  return model;
}

/// Every TensorProto of the main graph that can hold weights: initializers and Constant values.
std::vector<onnx::TensorProto *> weight_tensors(onnx::ModelProto &model) {
  std::vector<onnx::TensorProto *> out;
  auto *g = model.mutable_graph();
  for (auto &t : *g->mutable_initializer())
    out.push_back(&t);
  for (auto &node : *g->mutable_node())
    for (auto &attr : *node.mutable_attribute())
      if (attr.has_t())
        out.push_back(attr.mutable_t());
  return out;
}

/// Replaces external-data references (location/offset/length, relative to the model's folder)
/// by the bytes they point to.
void load_external_data(onnx::ModelProto &model, const fs::path &path) {
  auto folder = path.parent_path();
  for (auto *t : weight_tensors(model)) {
    if (t->data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    std::string location;
    std::int64_t offset = 0, length = -1;
    for (const auto &entry : t->external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = std::stoll(entry.value());
      else if (entry.key() == "length")
        length = std::stoll(entry.value());
    }
    auto what = fmt::format("'{}': tensor '{}'", path.string(), t->name());
    fs::path relative(location);
    if (location.empty() || relative.is_absolute() ||
        std::find(relative.begin(), relative.end(), "..") != relative.end())
      throw error(failure::unreadable_model,
                  fmt::format("{} stores its data externally at '{}', which is not a path inside "
                              "the model's folder",
                              what, location));
    auto file = folder / relative;
    std::ifstream in(file, std::ios::binary);
    if (!in)
      throw error(failure::unreadable_model,
                  fmt::format("{} stores its data in the external file '{}' (looked for '{}'), "
                              "which cannot be opened: {}. Keep the data files that were saved "
                              "with the model next to it",
                              what, location, file.string(), std::strerror(errno)));
    in.seekg(0, std::ios::end);
    std::int64_t file_size = in.tellg();
    if (length < 0)
      length = file_size - offset;
    if (offset < 0 || offset + length > file_size)
      throw error(failure::unreadable_model,
                  fmt::format("{} reads bytes {}..{} of '{}', which has only {} bytes: the data "
                              "file is truncated or belongs to another model",
                              what, offset, offset + length, file.string(), file_size));
    std::string bytes(static_cast<std::size_t>(length), '\0');
    in.seekg(offset);
    in.read(bytes.data(), length);
    t->set_raw_data(std::move(bytes));
    t->clear_external_data();
    t->set_data_location(onnx::TensorProto::DEFAULT);
  }
}

/// True when libonnx knows every imported opset and the IR version, so its checker and shape
/// inference apply. Newer models (such as the ONNX conformance data) are read without them.
bool onnx_library_knows(const onnx::ModelProto &model, std::vector<std::string> &warnings) {
  const auto &known = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  for (const auto &opset : model.opset_import()) {
    auto domain = opset.domain() == "ai.onnx" ? std::string() : opset.domain();
    auto it = known.find(domain);
    if (it != known.end() && opset.version() > it->second.second) {
      warnings.push_back(fmt::format(
          "the model imports opset {} of domain '{}', newer than this libonnx knows ({}); ONNX's "
          "checker and shape inference are skipped and the shapes stored in the file are used",
          opset.version(), domain.empty() ? "ai.onnx" : domain, it->second.second));
      return false;
    }
  }
  if (model.ir_version() > onnx::IR_VERSION) {
    warnings.push_back(fmt::format("the model has IR version {}, newer than this libonnx knows "
                                   "({}); ONNX's checker and shape inference are skipped",
                                   model.ir_version(), static_cast<int>(onnx::IR_VERSION)));
    return false;
  }
  return true;
}

bool is_initializer(const onnx::GraphProto &g, const std::string &name) {
  for (const auto &t : g.initializer())
    if (t.name() == name)
      return true;
  return false;
}

std::string dims_text(const onnx::TensorShapeProto &shape) {
  std::vector<std::string> dims;
  for (const auto &d : shape.dim())
    dims.push_back(d.has_dim_value()   ? std::to_string(d.dim_value())
                   : d.has_dim_param() ? d.dim_param()
                                       : "?");
  return fmt::format("[{}]", fmt::join(dims, ","));
}

/// Applies --input-shape and insists that every graph input is static afterwards.
void apply_input_shapes(onnx::ModelProto &model, const load_options &options,
                        const fs::path &path) {
  auto *g = model.mutable_graph();
  std::vector<std::string> names;
  for (const auto &in : g->input())
    if (!is_initializer(*g, in.name()))
      names.push_back(in.name());
  for (const auto &[name, dims] : options.input_shapes)
    if (std::find(names.begin(), names.end(), name) == names.end())
      throw error(failure::usage,
                  fmt::format("--input-shape names '{}', but the inputs of '{}' are: {}", name,
                              path.string(), fmt::join(names, ", ")));

  std::vector<std::string> dynamic;
  for (auto &in : *g->mutable_input()) {
    if (is_initializer(*g, in.name()))
      continue;
    auto *tensor_type = in.mutable_type()->mutable_tensor_type();
    auto given = options.input_shapes.find(in.name());
    if (given != options.input_shapes.end()) {
      if (tensor_type->has_shape() &&
          tensor_type->shape().dim_size() != static_cast<int>(given->second.size()))
        throw error(failure::usage,
                    fmt::format("--input-shape {}={} has rank {}, but input '{}' has rank {} ({})",
                                in.name(), fmt::join(given->second, ","), given->second.size(),
                                in.name(), tensor_type->shape().dim_size(),
                                dims_text(tensor_type->shape())));
      auto *shape = tensor_type->mutable_shape();
      shape->clear_dim();
      for (auto d : given->second)
        shape->add_dim()->set_dim_value(d);
      continue;
    }
    bool is_static = tensor_type->has_shape();
    std::vector<std::string> example;
    if (is_static)
      for (const auto &d : tensor_type->shape().dim()) {
        is_static = is_static && d.has_dim_value() && d.dim_value() > 0;
        example.push_back(d.has_dim_value() && d.dim_value() > 0 ? std::to_string(d.dim_value())
                                                                 : "1");
      }
    if (!is_static)
      dynamic.push_back(
          tensor_type->has_shape()
              ? fmt::format("  input '{}' has shape {}: give it one, e.g. --input-shape {}={}",
                            in.name(), dims_text(tensor_type->shape()), in.name(),
                            fmt::join(example, ","))
              : fmt::format("  input '{}' has no shape at all: give it one with --input-shape "
                            "{}=d0,d1,...",
                            in.name(), in.name()));
  }
  if (!dynamic.empty())
    throw error(failure::unsupported_model,
                fmt::format("'{}' has dynamic input dimensions; onnx2hpp generates code for one "
                            "static shape:\n{}",
                            path.string(), fmt::join(dynamic, "\n")));
}

} // namespace

loaded_model load_model_proto(onnx::ModelProto proto, const fs::path &path,
                              const load_options &options) {
  register_contrib_schemas();
  loaded_model out;
  out.path = path;
  out.proto = std::move(proto);
  auto &model = out.proto;

  reject_unsupported_ops(model, path);
  if (options.require_quantization)
    reject_float_model(model, path); // before anything slower runs
  load_external_data(model, path);

  bool known = onnx_library_knows(model, out.warnings);
  if (known) {
    try {
      onnx::checker::check_model(model);
    } catch (const std::exception &e) {
      throw error(failure::unreadable_model,
                  fmt::format("'{}' is not a valid ONNX model; ONNX's checker says: {}",
                              path.string(), e.what()));
    }
  }
  apply_input_shapes(model, options, path);
  try {
    onnx::ShapeInferenceOptions inference(/*check_type=*/false, /*error_mode=*/0,
                                          /*enable_data_propagation=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception &e) {
    if (known)
      throw error(failure::unsupported_model,
                  fmt::format("ONNX shape inference failed on '{}': {}", path.string(), e.what()));
    out.warnings.push_back(fmt::format("ONNX shape inference failed: {}", e.what()));
  }
  return out;
}

loaded_model load_model(const fs::path &path, const load_options &options) {
  auto bytes = read_file(path);
  auto proto = parse(bytes, path);
  auto out = load_model_proto(std::move(proto), path, options);
  out.sha256 = sha256_hex(bytes);
  return out;
}

} // namespace onnx2hpp::codegen::importer
