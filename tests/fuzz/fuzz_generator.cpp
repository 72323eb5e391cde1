// libFuzzer target: model bytes through the whole generator, in memory, as `onnx2hpp` runs it
// (codegen/main.cpp): parse ModelProto -> load_model_proto (checker, shape inference) -> to_ir ->
// the default passes -> lower -> the report (layer table, NPU column) -> emit_header in both
// rounding modes with simd packs.
//
// A model the generator refuses throws onnx2hpp::codegen::error: that is the expected outcome.
// Anything else escaping (std::bad_alloc, std::out_of_range, ...) is a finding: the target prints
// the exception and aborts, so libFuzzer records the input. Crashes, undefined behaviour, hangs
// and memory blow-ups are caught by the sanitizers and libFuzzer's -timeout / -rss_limit_mb.
//
// Environment: ONNX2HPP_FUZZ_INTERNAL=1 also aborts on error(failure::internal), the generator's
// own "this is a bug" category (off by default: those are reported through the exit code).

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

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cxxabi.h>
#include <exception>
#include <filesystem>
#include <span>
#include <string>
#include <typeinfo>

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

bool abort_on_internal_errors() {
  static const bool on = [] {
    const char *v = std::getenv("ONNX2HPP_FUZZ_INTERNAL");
    return v != nullptr && std::string(v) == "1";
  }();
  return on;
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

/// The checks of load_model's parse(): what the CLI rejects before load_model_proto.
bool looks_like_a_model(const onnx::ModelProto &m) {
  return m.has_graph() && m.ir_version() > 0 && m.opset_import_size() > 0;
}

void run_generator(std::span<const std::uint8_t> bytes) {
  onnx::ModelProto proto;
  if (bytes.empty() || !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      !looks_like_a_model(proto))
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
    (void)emit::emit_header(model, header);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  try {
    run_generator({data, size});
  } catch (const error &e) {
    if (e.kind() == failure::internal && abort_on_internal_errors())
      finding(std::string("error(failure::internal): ") + e.what());
  } catch (const std::exception &e) {
    finding("uncaught " + type_name(typeid(e)) + ": " + e.what());
  } catch (...) {
    finding("uncaught exception of unknown type");
  }
  return 0;
}
