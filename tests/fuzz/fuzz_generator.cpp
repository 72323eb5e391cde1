// libFuzzer target: model bytes through the whole generator, in memory, as `onnx2hpp` runs it
// (codegen/main.cpp): parse ModelProto -> load_model_proto (checker, shape inference) -> to_ir ->
// the default passes -> lower -> the report (layer table, NPU column) -> emit_header in both
// rounding modes with simd packs.
//
// A model the generator refuses throws onnx2hpp::codegen::error: that is the expected outcome.
// Anything else escaping (std::bad_alloc, std::out_of_range, ...) is a finding: the target prints
// the exception and aborts, so libFuzzer records the input. Crashes, undefined behaviour, hangs
// and memory blow-ups are caught by the sanitizers and libFuzzer's -timeout / -rss_limit_mb.
// An accepted model's header is also checked for text a model must not be able to put there: a
// preprocessor line other than the header's own #pragma/#include, a line continuation, a control
// character (a name copied into a comment unescaped; compile_accepted.sh compiles a sample).
//
// Environment: ONNX2HPP_FUZZ_INTERNAL=1 also aborts on error(failure::internal), the generator's
// own "this is a bug" category (off by default for long triage runs; the CI runs set it).
// ONNX2HPP_FUZZ_MASK_KNOWN=1 (a triage aid) skips models that match the precondition of a bug
// already found and not yet fixed (matches_known_finding), so a run spends its time on new ones.

#include "diagnostics/error.hpp"
#include "emit/header.hpp"
#include "import/load_model.hpp"
#include "import/sha256.hpp"
#include "import/to_ir.hpp"
#include "ir/print.hpp"
#include "lower/lower.hpp"
#include "passes/passes.hpp"
#include "report/layer_table.hpp"
#include "report/npu_column.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cxxabi.h>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

namespace {

using namespace onnx2hpp::codegen;
namespace fs = std::filesystem;

/// "model.onnx" in a fresh, empty folder made once per process: load_model_proto resolves
/// external data next to it and finds nothing there. Removed at exit.
struct empty_model_folder {
  fs::path folder;
  fs::path model;
  empty_model_folder() {
    std::string pattern = (fs::temp_directory_path() / "onnx2hpp-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("onnx2hpp_fuzz: mkdtemp");
      std::abort();
    }
    folder = pattern;
    model = folder / "model.onnx";
  }
  ~empty_model_folder() {
    std::error_code ec;
    fs::remove_all(folder, ec);
  }
};

const fs::path &model_path() {
  static empty_model_folder folder;
  return folder.model;
}

std::string type_name(const std::type_info &t) {
  int status = 0;
  char *name = abi::__cxa_demangle(t.name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name != nullptr ? name : t.name();
  std::free(name);
  return out;
}

[[noreturn]] void finding(const std::string &what) {
  std::fprintf(stderr, "onnx2hpp_fuzz: FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

/// Lines a model's names must not be able to create in the generated header: a directive other
/// than `#pragma once` and `#include <path>`, a backslash line continuation (it extends a `//`
/// comment over the next line), a control character other than tab (a lone CR ends a line for
/// g++, so `// name\r#include ...` would be a directive). `data_include`: the one quoted include
/// allowed, of the data header the generator names itself (or none).
void check_header_text(const std::string &text, const std::string &data_include = "") {
  std::size_t line_start = 0, line_number = 1;
  while (line_start < text.size()) {
    auto end = text.find('\n', line_start);
    if (end == std::string::npos)
      end = text.size();
    const std::string_view line(text.data() + line_start, end - line_start);
    auto where = [&](const char *what) {
      finding("generated header, line " + std::to_string(line_number) + ": " + what + ": " +
              std::string(line.substr(0, 160)));
    };
    for (unsigned char c : line)
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        where("control character");
    if (!line.empty() && line.back() == '\\')
      where("line continuation");
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] == '#') {
      const auto directive = line.substr(first);
      const bool own_include =
          directive.starts_with("#include <") && directive.ends_with(">") &&
          directive.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_/.", 10) ==
              directive.size() - 1;
      const bool data_header =
          !data_include.empty() && directive == "#include \"" + data_include + "\"";
      if (directive != "#pragma once" && !own_include && !data_header)
        where("preprocessor directive");
    }
    line_start = end + 1;
    ++line_number;
  }
}

bool flag(const char *name) {
  const char *v = std::getenv(name);
  return v != nullptr && std::string(v) == "1";
}

bool unsafe_name(const std::string &name) {
  return std::any_of(name.begin(), name.end(),
                     [](unsigned char c) { return c < 0x20 || c == 0x7f || c == '\\'; });
}

/// The preconditions of the findings of the first fuzzing runs, as loose as needed to skip them:
/// external data, window attributes <= 0 or huge, groups <= 0, axes outside [-4, 4), perms that
/// are not permutations, huge or negative dims, raw_data not a whole number of elements, huge
/// constant shape operands, names with control characters or backslashes, initializers as graph
/// outputs, duplicate graph inputs, nodes missing required inputs.
bool matches_known_finding(const onnx::ModelProto &m) {
  constexpr std::int64_t big = std::int64_t{1} << 20;
  const auto &g = m.graph();
  auto bad_tensor = [&](const onnx::TensorProto &t) {
    if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
      return true;
    std::int64_t count = 1;
    for (auto d : t.dims()) {
      if (d < 0 || d > big)
        return true;
      count *= d;
      if (count > big)
        return true;
    }
    static const std::map<int, std::size_t> sizes{{1, 4},  {2, 1},  {3, 1}, {4, 2},  {5, 2},
                                                  {6, 4},  {7, 8},  {9, 1}, {10, 2}, {11, 8},
                                                  {12, 4}, {13, 8}, {16, 2}};
    auto size = sizes.find(t.data_type());
    if (size != sizes.end() && t.raw_data().size() % size->second != 0)
      return true;
    if (t.data_type() == onnx::TensorProto::INT64 && t.raw_data().size() % 8 == 0)
      for (std::size_t i = 0, product = 1; i < t.raw_data().size(); i += 8) {
        std::int64_t v = 0;
        std::memcpy(&v, t.raw_data().data() + i, 8);
        if (v < -4 || v > big)
          return true; // shape, axes, indices, pads, starts/ends operands
        product *= static_cast<std::size_t>(std::max<std::int64_t>(v, 1));
        if (product > static_cast<std::size_t>(big))
          return true; // ConstantOfShape
      }
    for (auto v : t.int64_data())
      if (v < -4 || v > big)
        return true;
    return unsafe_name(t.name());
  };
  for (const auto &t : g.initializer())
    if (bad_tensor(t))
      return true;
  for (const auto *list : {&g.input(), &g.output(), &g.value_info()})
    for (const auto &v : *list) {
      if (unsafe_name(v.name()))
        return true;
      for (const auto &d : v.type().tensor_type().shape().dim())
        if (d.has_dim_value() && (d.dim_value() < 0 || d.dim_value() > big))
          return true;
    }
  if (unsafe_name(g.name()) || unsafe_name(m.producer_name()) || unsafe_name(m.producer_version()))
    return true;
  // Axes and indices operands (Slice input 3, Squeeze/Unsqueeze/ReduceMean/Gather input 1)
  // outside [-4, 4).
  std::map<std::string, const onnx::TensorProto *> initializers;
  for (const auto &t : g.initializer())
    initializers[t.name()] = &t;
  auto bad_axes = [&](const onnx::NodeProto &n, int index) {
    if (n.input_size() <= index || !initializers.count(n.input(index)))
      return false;
    const auto &t = *initializers[n.input(index)];
    std::vector<std::int64_t> v(t.int64_data().begin(), t.int64_data().end());
    for (std::size_t i = 0; i + 8 <= t.raw_data().size(); i += 8) {
      v.push_back(0);
      std::memcpy(&v.back(), t.raw_data().data() + i, 8);
    }
    return std::any_of(v.begin(), v.end(), [](auto a) { return a < -4 || a > 3; });
  };
  for (const auto &out : g.output())
    if (initializers.count(out.name()))
      return true; // an initializer as a graph output (the report's NPU planner)
  std::set<std::string> inputs;
  for (const auto &in : g.input())
    if (!inputs.insert(in.name()).second)
      return true; // the same graph input twice (libonnx's Conv/pool shape inference)
  // Fewer inputs than the op needs, or an empty first input (to_ir, fold_constants).
  static const std::map<std::string, int> required_inputs{{"Add", 2},
                                                          {"BatchNormalization", 5},
                                                          {"Concat", 1},
                                                          {"Conv", 2},
                                                          {"ConvInteger", 2},
                                                          {"DequantizeLinear", 2},
                                                          {"Div", 2},
                                                          {"Gather", 2},
                                                          {"Gemm", 2},
                                                          {"MatMul", 2},
                                                          {"MatMulInteger", 2},
                                                          {"Mul", 2},
                                                          {"QGemm", 6},
                                                          {"QLinearAdd", 7},
                                                          {"QLinearConv", 8},
                                                          {"QLinearMatMul", 8},
                                                          {"QLinearMul", 7},
                                                          {"QuantizeLinear", 2},
                                                          {"Reshape", 2},
                                                          {"Slice", 3},
                                                          {"Sub", 2},
                                                          {"QLinearAveragePool", 4},
                                                          {"QLinearGlobalAveragePool", 4},
                                                          {"QLinearLeakyRelu", 4},
                                                          {"QLinearSigmoid", 4},
                                                          {"QLinearConcat", 5}};
  for (const auto &n : g.node()) {
    if (n.op_type() == "Constant")
      continue;
    auto it = required_inputs.find(n.op_type());
    const int needed = it == required_inputs.end() ? 1 : it->second;
    if (n.input_size() < needed || n.input(0).empty())
      return true;
    for (int i = 0; i < std::min(needed, n.input_size()); ++i)
      if (n.input(i).empty())
        return true;
  }
  for (const auto &n : g.node()) {
    if ((n.op_type() == "Slice" && bad_axes(n, 3)) ||
        ((n.op_type() == "Squeeze" || n.op_type() == "Unsqueeze" || n.op_type() == "ReduceMean" ||
          n.op_type() == "Gather") &&
         bad_axes(n, 1)))
      return true;
    if (unsafe_name(n.name()))
      return true;
    for (const auto *names : {&n.input(), &n.output()})
      for (const auto &name : *names)
        if (unsafe_name(name))
          return true;
    for (const auto &a : n.attribute()) {
      if (a.has_t() && bad_tensor(a.t()))
        return true;
      const auto &name = a.name();
      auto outside = [&](std::int64_t v, std::int64_t lo, std::int64_t hi) {
        return v < lo || v > hi;
      };
      if (name == "strides" || name == "dilations" || name == "kernel_shape")
        for (auto v : a.ints())
          if (outside(v, 1, big))
            return true;
      if (name == "pads")
        for (auto v : a.ints())
          if (outside(v, 0, big))
            return true;
      if (name == "group" && outside(a.i(), 1, big))
        return true;
      if (name == "axis" && outside(a.i(), -4, 3))
        return true;
      if (name == "axes")
        for (auto v : a.ints())
          if (outside(v, -4, 3))
            return true;
      if (name == "perm") {
        std::vector<std::int64_t> perm(a.ints().begin(), a.ints().end());
        if (perm.size() < 4)
          return true; // shorter than the rank of a 4-D input
        std::sort(perm.begin(), perm.end());
        for (std::size_t i = 0; i < perm.size(); ++i)
          if (perm[i] != static_cast<std::int64_t>(i))
            return true;
      }
    }
  }
  return false;
}

/// The checks of load_model's parse(): what the CLI rejects before load_model_proto.
bool looks_like_a_model(const onnx::ModelProto &m) {
  return m.has_graph() && m.ir_version() > 0 && m.opset_import_size() > 0;
}

void run_generator(std::span<const std::uint8_t> bytes) {
  onnx::ModelProto proto;
  if (bytes.empty() || !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      !looks_like_a_model(proto))
    return;
  static const bool mask_known = flag("ONNX2HPP_FUZZ_MASK_KNOWN");
  if (mask_known && matches_known_finding(proto))
    return;

  auto loaded = importer::load_model_proto(std::move(proto), model_path());
  loaded.sha256 = importer::sha256_hex(bytes);
  auto model = lower::lower(passes::run_default_pipeline(importer::to_ir(loaded)));
  const auto &graph = model.graph;

  (void)ir::to_text(graph);
  for (const auto *preset : {"strict", "permissive"}) {
    const auto caps = onnx2hpp::npu::preset(preset);
    if (!caps)
      finding(std::string("unknown NPU preset ") + preset);
    for (auto rounding :
         {onnx2hpp::rounding_mode::onnxruntime, onnx2hpp::rounding_mode::fixed_point}) {
      auto rows = report::layer_table(graph);
      const auto npu = report::plan_npu(model, *caps, preset, rounding);
      report::add_npu_column(rows, npu);
      (void)report::format_table(rows);
      (void)report::format_npu_summary(npu);
    }
  }
  for (auto rounding :
       {onnx2hpp::rounding_mode::onnxruntime, onnx2hpp::rounding_mode::fixed_point}) {
    emit::header_options header;
    header.name_space = "fuzzed_model";
    header.generator_version = "fuzz";
    header.simd_packs = true;
    header.rounding = rounding;
    check_header_text(emit::emit_header(model, header));
    header.data_header = "fuzzed_model_data.hpp"; // the default split: header and constants
    const auto files = emit::emit_files(model, header);
    check_header_text(files.header, header.data_header);
    check_header_text(files.data);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  try {
    run_generator({data, size});
  } catch (const error &e) {
    if (e.kind() == failure::internal && flag("ONNX2HPP_FUZZ_INTERNAL"))
      finding(std::string("error(failure::internal): ") + e.what());
  } catch (const std::exception &e) {
    finding("uncaught " + type_name(typeid(e)) + ": " + e.what());
  } catch (...) {
    finding("uncaught exception of unknown type");
  }
  return 0;
}
