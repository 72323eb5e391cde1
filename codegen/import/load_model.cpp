#include "import/load_model.hpp"

#include "diagnostics/error.hpp"
#include "import/contrib_schemas.hpp"
#include "import/dialect.hpp"
#include "import/sha256.hpp"
#include "import/supported_ops.hpp"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx2hpp/layers/pooling.hpp>

#include "diagnostics/printable.hpp"
#include "import/node_attributes.hpp"
#include "import/validate_proto.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <optional>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace onnx2hpp::codegen::importer {

namespace fs = std::filesystem;

namespace {

/// The bytes [offset, offset + length) of the regular file `path` (length < 0: to its end).
/// Only regular files are read: a FIFO would block forever, a directory or a device is no model.
/// `what` names the file in messages.
std::string read_regular_file(const fs::path &path, const std::string &what,
                              std::int64_t offset = 0, std::int64_t length = -1) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw error(failure::unreadable_model,
                fmt::format("cannot open {}: {}", what, std::strerror(errno)));
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_at_exit{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0)
    throw error(failure::unreadable_model,
                fmt::format("cannot read {}: {}", what, std::strerror(errno)));
  if (!S_ISREG(info.st_mode))
    throw error(failure::unreadable_model,
                fmt::format("cannot read {}: it is {}, not a regular file", what,
                            S_ISDIR(info.st_mode)    ? "a directory"
                            : S_ISFIFO(info.st_mode) ? "a FIFO"
                            : S_ISCHR(info.st_mode)  ? "a character device"
                            : S_ISBLK(info.st_mode)  ? "a block device"
                            : S_ISSOCK(info.st_mode) ? "a socket"
                                                     : "a special file"));
  const std::int64_t size = info.st_size;
  if (length < 0)
    length = offset <= size ? size - offset : 0;
  if (offset > size || length > size - offset)
    throw error(failure::unreadable_model,
                fmt::format("{} is read at bytes {}..+{}, but the file has only {} bytes: it is "
                            "truncated or belongs to another model",
                            what, offset, length, size));
  if (length > std::numeric_limits<int>::max())
    throw error(failure::unsupported_model,
                fmt::format("{}: {} bytes is more than the 2 GiB that one protobuf message or "
                            "tensor can hold",
                            what, length));
  std::string bytes(static_cast<std::size_t>(length), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::pread(fd, bytes.data() + done, bytes.size() - done,
                     static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      throw error(
          failure::unreadable_model,
          fmt::format("cannot read {}: {}", what, n < 0 ? std::strerror(errno) : "it ended early"));
    done += static_cast<std::size_t>(n);
  }
  return bytes;
}

std::vector<std::uint8_t> read_file(const fs::path &path) {
  auto text = read_regular_file(path, fmt::format("'{}'", path.string()));
  if (text.empty())
    throw error(failure::unreadable_model,
                fmt::format("'{}' is empty: expected an ONNX model (a serialized ModelProto)",
                            path.string()));
  return {text.begin(), text.end()};
}

/// A non-negative decimal integer (external data offset/length), or an error naming `what`.
std::int64_t parse_size(const std::string &text, const std::string &what) {
  std::int64_t value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0)
    throw error(failure::unreadable_model,
                fmt::format("{} is '{}', which is not a byte count (a non-negative decimal "
                            "integer below 2^63)",
                            what, printable(text)));
  return value;
}

/// True if `inner` (a canonical path) lies inside the canonical folder `folder`.
bool is_inside(const fs::path &inner, const fs::path &folder) {
  auto f = folder.begin(), i = inner.begin();
  for (; f != folder.end(); ++f, ++i)
    if (i == inner.end() || *f != *i)
      return false;
  return i != inner.end();
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
/// by the bytes they point to. As onnxruntime does, a location must resolve, symbolic links
/// followed, to a regular file inside the model's folder. Returns the files read.
std::vector<fs::path> load_external_data(onnx::ModelProto &model, const fs::path &path) {
  std::vector<fs::path> files;
  auto folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  auto real_folder = fs::canonical(folder, ec);
  for (auto *t : weight_tensors(model)) {
    if (t->data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    auto what = fmt::format("'{}': tensor '{}'", path.string(), t->name());
    std::string location;
    std::int64_t offset = 0, length = -1;
    for (const auto &entry : t->external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = parse_size(entry.value(), what + ": its external data offset");
      else if (entry.key() == "length")
        length = parse_size(entry.value(), what + ": its external data length");
    }
    fs::path relative(location);
    if (location.empty() || relative.is_absolute() ||
        std::find(relative.begin(), relative.end(), "..") != relative.end())
      throw error(failure::unreadable_model,
                  fmt::format("{} stores its data externally at '{}', which is not a path inside "
                              "the model's folder",
                              what, printable(location)));
    auto file = folder / relative;
    auto real_file = fs::canonical(file, ec);
    if (ec)
      throw error(failure::unreadable_model,
                  fmt::format("{} stores its data in the external file '{}' (looked for '{}'), "
                              "which cannot be opened: {}. Keep the data files that were saved "
                              "with the model next to it",
                              what, printable(location), file.string(), ec.message()));
    if (real_folder.empty() || !is_inside(real_file, real_folder))
      throw error(failure::unreadable_model,
                  fmt::format("{} stores its data at '{}', which resolves (symbolic links "
                              "followed) to '{}': not a file inside the model's folder '{}'",
                              what, printable(location), real_file.string(), real_folder.string()));
    auto bytes = read_regular_file(
        real_file,
        fmt::format("the external data '{}' of tensor '{}'", printable(location), t->name()),
        offset, length);
    t->set_raw_data(std::move(bytes));
    t->clear_external_data();
    t->set_data_location(onnx::TensorProto::DEFAULT);
    if (std::find(files.begin(), files.end(), real_file) == files.end())
      files.push_back(real_file);
  }
  return files;
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

/// The output extent of a ceil-mode pool along spatial axis `i` when libonnx's shape inference
/// disagrees with onnxruntime's (and the library's) rule, else nothing. libonnx 1.12 computes
/// ceil((in + pads - span) / stride) + 1; onnxruntime drops a last window that would start in the
/// trailing padding (onnx2hpp::pool_output_extent).
std::optional<std::int64_t> corrected_extent(const onnx::NodeProto &node, std::int64_t in,
                                             std::size_t i) {
  auto attr = [&](const char *name, std::vector<std::int64_t> fallback) {
    const auto *a = find_attribute(node, name);
    return a ? std::vector<std::int64_t>(a->ints().begin(), a->ints().end()) : fallback;
  };
  auto kernel = attr("kernel_shape", {});
  auto strides = attr("strides", {1, 1});
  auto dilations = attr("dilations", {1, 1});
  auto pads = attr("pads", {0, 0, 0, 0});
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return std::nullopt; // not a 2-D window: to_ir says so
  const std::int64_t span = (kernel[i] - 1) * dilations[i] + 1;
  const std::int64_t room = in + pads[i] + pads[i + 2] - span;
  if (room < 0)
    return std::nullopt; // to_ir refuses the window
  const std::int64_t onnx_1_12 = (room + strides[i] - 1) / strides[i] + 1;
  auto extent = [](std::int64_t v) { return static_cast<std::size_t>(v); };
  const auto ort = static_cast<std::int64_t>(onnx2hpp::pool_output_extent(
      extent(in), extent(pads[i]), extent(pads[i + 2]), extent(kernel[i]), extent(strides[i]),
      extent(dilations[i]), true));
  if (ort == onnx_1_12)
    return std::nullopt;
  return ort;
}

/// ONNX shape inference, typed and strict when libonnx knows the model's opsets: a node whose
/// inputs contradict its schema (a DequantizeLinear whose data and zero point differ in type, ...)
/// stops here, named, instead of computing nonsense.
///
/// Ceil-mode MaxPool/AveragePool are the exception to trusting libonnx: where its extent differs
/// from onnxruntime's, inference runs on a twin of the model in which such a pool is written in
/// floor mode with the trailing pad that gives onnxruntime's extent, and the shapes found there
/// are the model's. The model itself keeps its attributes (the library computes the extent the
/// same way).
void infer_shapes(onnx::ModelProto &model, bool strict, std::vector<std::string> &warnings) {
  onnx::ShapeInferenceOptions loose(/*check_type=*/false, /*error_mode=*/0,
                                    /*enable_data_propagation=*/true);
  onnx::ShapeInferenceOptions options(/*check_type=*/strict, /*error_mode=*/strict ? 1 : 0,
                                      /*enable_data_propagation=*/true);
  const bool has_ceil_pool =
      std::any_of(model.graph().node().begin(), model.graph().node().end(), [](const auto &n) {
        const auto *ceil = find_attribute(n, "ceil_mode");
        return (n.op_type() == "MaxPool" || n.op_type() == "AveragePool") && n.domain().empty() &&
               ceil && ceil->i() != 0;
      });
  if (!has_ceil_pool) {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
    return;
  }
  // Shapes declared in the file were computed by the exporter's rule; as onnxruntime does, the
  // twin's inference decides (with a warning where they differ).
  auto twin = model;
  twin.mutable_graph()->clear_value_info();
  for (auto &out : *twin.mutable_graph()->mutable_output())
    if (out.type().tensor_type().has_shape())
      for (auto &d : *out.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim())
        d.clear_dim_value();
  bool rewritten = false;
  for (int pass = 0; pass < model.graph().node_size(); ++pass) {
    auto probe = twin;
    onnx::shape_inference::InferShapes(probe, onnx::OpSchemaRegistry::Instance(), loose);
    std::map<std::string, const onnx::TensorShapeProto *> shapes;
    for (const auto *list : {&probe.graph().input(), &probe.graph().value_info()})
      for (const auto &v : *list)
        if (v.type().tensor_type().has_shape())
          shapes[v.name()] = &v.type().tensor_type().shape();
    bool changed = false;
    for (auto &node : *twin.mutable_graph()->mutable_node()) {
      if ((node.op_type() != "MaxPool" && node.op_type() != "AveragePool") ||
          !node.domain().empty() || node.input_size() < 1)
        continue;
      const auto *ceil = find_attribute(node, "ceil_mode");
      auto in = shapes.find(node.input(0));
      if (!ceil || ceil->i() == 0 || in == shapes.end() || in->second->dim_size() != 4)
        continue;
      std::array<std::optional<std::int64_t>, 2> fix;
      for (std::size_t i = 0; i < 2; ++i)
        if (in->second->dim(2 + static_cast<int>(i)).has_dim_value())
          fix[i] = corrected_extent(node, in->second->dim(2 + static_cast<int>(i)).dim_value(), i);
      if (!fix[0] && !fix[1])
        continue;
      // Floor mode with trailing pads that end the last window where onnxruntime does.
      std::vector<std::int64_t> pads{0, 0, 0, 0}, strides{1, 1}, kernel, dilations{1, 1};
      for (const auto &a : node.attribute()) {
        std::vector<std::int64_t> v(a.ints().begin(), a.ints().end());
        if (a.name() == "pads" && v.size() == 4)
          pads = v;
        else if (a.name() == "strides" && v.size() == 2)
          strides = v;
        else if (a.name() == "kernel_shape")
          kernel = v;
        else if (a.name() == "dilations" && v.size() == 2)
          dilations = v;
      }
      for (std::size_t i = 0; i < 2; ++i) {
        const auto extent = fix[i].value_or(0);
        if (!fix[i])
          continue;
        const std::int64_t span = (kernel[i] - 1) * dilations[i] + 1;
        const std::int64_t in_extent = in->second->dim(2 + static_cast<int>(i)).dim_value();
        pads[i + 2] =
            std::max<std::int64_t>(0, (extent - 1) * strides[i] + span - in_extent - pads[i]);
      }
      auto *attributes = node.mutable_attribute();
      for (auto &a : *attributes) {
        if (a.name() == "ceil_mode")
          a.set_i(0);
        if (a.name() == "pads") {
          a.clear_ints();
          for (auto p : pads)
            a.add_ints(p);
        }
      }
      if (!find_attribute(node, "pads")) {
        auto *a = node.add_attribute();
        a->set_name("pads");
        a->set_type(onnx::AttributeProto::INTS);
        for (auto p : pads)
          a->add_ints(p);
      }
      changed = rewritten = true;
      break; // shapes after this pool change: infer again
    }
    if (!changed)
      break;
  }
  if (!rewritten) {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
    return;
  }
  onnx::shape_inference::InferShapes(twin, onnx::OpSchemaRegistry::Instance(), options);
  *model.mutable_graph()->mutable_value_info() = twin.graph().value_info();
  for (int i = 0; i < model.graph().output_size(); ++i) {
    const auto &declared = model.graph().output(i).type().tensor_type().shape();
    const auto &inferred = twin.graph().output(i).type().tensor_type().shape();
    if (declared.dim_size() > 0 && dims_text(declared) != dims_text(inferred))
      warnings.push_back(fmt::format("graph output '{}' is declared {}, but onnxruntime computes "
                                     "{} (a ceil-mode pool's last window); onnx2hpp follows "
                                     "onnxruntime",
                                     model.graph().output(i).name(), dims_text(declared),
                                     dims_text(inferred)));
    *model.mutable_graph()->mutable_output(i)->mutable_type() = twin.graph().output(i).type();
  }
}

/// ONNX's checker, then shape inference (the parts of libonnx that read the whole model).
void check_and_infer(onnx::ModelProto &model, bool known, const fs::path &path,
                     std::vector<std::string> &warnings) {
  if (known) {
    try {
      onnx::checker::check_model(model);
    } catch (const std::exception &e) {
      throw error(failure::unreadable_model,
                  fmt::format("'{}' is not a valid ONNX model; ONNX's checker says: {}",
                              path.string(), e.what()));
    }
  }
  try {
    infer_shapes(model, known, warnings);
  } catch (const std::exception &e) {
    if (known)
      throw error(failure::unreadable_model,
                  fmt::format("'{}' is not a valid ONNX model; ONNX's shape inference says: {}",
                              path.string(), e.what()));
    warnings.push_back(fmt::format("ONNX shape inference failed: {}", e.what()));
  }
}

/// Runs `work` on `model` in a forked child process and takes the model and warnings back from
/// it. libonnx's checker and shape inference trust their input beyond what validate_proto can
/// establish beforehand (a Conv fed a 2-D tensor makes 1.12's shape inference read past the
/// input's dimensions): a crash, a hang or a runaway there ends the child, and the parent reports
/// an invalid model instead of dying with it. An `error` thrown in the child is rethrown here.
template <class Work>
void in_child_process(const fs::path &path, onnx::ModelProto &model,
                      std::vector<std::string> &warnings, Work work) {
  int fds[2];
  if (::pipe(fds) != 0)
    throw error(failure::internal, fmt::format("pipe: {}", std::strerror(errno)));
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0)
    throw error(failure::internal, fmt::format("fork: {}", std::strerror(errno)));
  if (child == 0) {
    ::close(fds[0]);
    // The child dies of whatever libonnx does wrong: the default action for every fatal signal,
    // not a handler inherited from the parent (a sanitizer's or a fuzzer's, which would report
    // the parent's process as the one that crashed).
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGALRM})
      std::signal(sig, SIG_DFL);
    ::alarm(600); // a hang ends here
    std::string reply;
    auto put_u32 = [&](std::uint32_t v) { reply.append(reinterpret_cast<const char *>(&v), 4); };
    try {
      std::vector<std::string> w;
      work(model, w);
      reply = std::string(1, '\0');
      put_u32(static_cast<std::uint32_t>(w.size()));
      for (const auto &text : w) {
        put_u32(static_cast<std::uint32_t>(text.size()));
        reply += text;
      }
      std::string bytes;
      model.SerializeToString(&bytes);
      reply += bytes;
    } catch (const error &e) {
      reply = std::string(1, '\1');
      put_u32(static_cast<std::uint32_t>(e.exit_code()));
      reply += e.what();
    } catch (const std::exception &e) {
      reply = std::string(1, '\1');
      put_u32(static_cast<std::uint32_t>(failure::unreadable_model));
      reply += fmt::format("'{}': ONNX's checker or shape inference failed: {}", path.string(),
                           e.what());
    }
    for (std::size_t done = 0; done < reply.size();) {
      auto n = ::write(fds[1], reply.data() + done, reply.size() - done);
      if (n <= 0 && errno != EINTR)
        ::_exit(3);
      done += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    ::_exit(0); // no destructors, no atexit: the parent owns everything
  }
  ::close(fds[1]);
  std::string reply;
  char buffer[1 << 16];
  for (;;) {
    auto n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || reply.empty())
    throw error(failure::unreadable_model,
                fmt::format("'{}' is not a valid ONNX model: ONNX's checker or shape inference "
                            "{} on it (libonnx trusts its input; onnx2hpp runs it in a separate "
                            "process). Check the model with onnx.checker and "
                            "onnx.shape_inference",
                            path.string(),
                            WIFSIGNALED(status)
                                ? fmt::format("crashed (signal {})", WTERMSIG(status))
                                : std::string("failed")));
  std::size_t at = 1;
  auto get_u32 = [&] {
    std::uint32_t v = 0;
    if (at + 4 > reply.size())
      throw error(failure::internal, "short reply from the shape-inference process");
    std::memcpy(&v, reply.data() + at, 4);
    at += 4;
    return v;
  };
  if (reply[0] == 1) {
    auto kind = static_cast<failure>(get_u32());
    throw error(kind, reply.substr(at));
  }
  auto count = get_u32();
  for (std::uint32_t k = 0; k < count; ++k) {
    auto length = get_u32();
    if (at + length > reply.size())
      throw error(failure::internal, "short reply from the shape-inference process");
    warnings.push_back(reply.substr(at, length));
    at += length;
  }
  onnx::ModelProto inferred;
  if (!inferred.ParseFromArray(reply.data() + at, static_cast<int>(reply.size() - at)))
    throw error(failure::internal, "the shape-inference process returned no model");
  model = std::move(inferred);
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
  out.data_files = load_external_data(model, path);
  validate_proto(model, path);              // before libonnx reads anything unchecked
  apply_input_shapes(model, options, path); // before the checker, which wants input shapes

  bool known = onnx_library_knows(model, out.warnings);
  in_child_process(path, model, out.warnings,
                   [&](onnx::ModelProto &m, std::vector<std::string> &w) {
                     check_and_infer(m, known, path, w);
                   });
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
