// run_npy: runs a generated model on float32 .npy inputs (ONNX layout) and writes one float32 .npy
// per graph output (dequantized, ONNX layout), then prints the latency. See README.md here for
// what the values are (per-channel quantization, int32 outputs of ConvInteger/MatMulInteger).
//
//   run_npy [--backend ref|simd|npu-sim[:strict|:permissive]] [--repeat N] IN.npy... --out DIR
//
// npu-sim runs the model through backends::npu on the NPU simulator (npu::simulator) with the
// strict (default) or permissive capability preset, then prints the compile-time coverage (nodes
// and MACs on the NPU, the reason of every CPU node) and the simulated cycles of one inference.
// A descriptor the simulator rejects stops the run: the node and the reason are printed, exit 1.
//
// Inputs are in graph-input order. An input may hold K samples stacked along the first axis (K
// times the model's input size); the model then runs K times and the outputs are stacked the same
// way. Output files are named after the ONNX output, characters outside [A-Za-z0-9_] replaced by
// '_'. Exit codes: 0 success, 1 bad input files or I/O error, 2 bad usage.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "npy.hpp"
#include ONNX2HPP_MODEL_HEADER

#include <onnx2hpp/backends/npu/all.hpp>

#if __has_include(<onnx2hpp/backends/simd/all.hpp>)
#include <onnx2hpp/backends/simd/all.hpp>
#define RUN_NPY_HAS_SIMD 1
#endif

namespace the_model =
    ONNX2HPP_MODEL_NAMESPACE; // not `model`: an alias may not repeat the name it aliases (clang)
using graph_t = the_model::graph_type;

namespace {

constexpr std::size_t n_in = graph_t::n_inputs, n_out = graph_t::n_outputs;

alignas(64) std::array<std::int8_t, graph_t::arena_bytes == 0 ? 1 : graph_t::arena_bytes> arena;

std::string file_name_for(std::string_view onnx_name) {
  std::string s(onnx_name);
  for (char &c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      c = '_';
  return s;
}

std::string shape_text(const std::vector<std::size_t> &shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + ")";
}

int usage(const char *why) {
  std::fprintf(stderr,
               "run_npy: %s\nusage: run_npy [--backend ref|simd|npu-sim[:strict|:permissive]] "
               "[--repeat N] IN.npy... "
               "--out DIR\n"
               "  model inputs (%zu):",
               why, n_in);
  for (const auto &t : the_model::input_info)
    std::fprintf(stderr, " %.*s", int(t.name.size()), t.name.data());
  std::fprintf(stderr, "\n");
  return 2;
}

template <class Backend>
void run_once(const std::array<const std::int8_t *, n_in> &in,
              const std::array<std::int8_t *, n_out> &out) {
  the_model::graph.run<Backend>(in, out, arena.data());
}

// --- npu-sim ----------------------------------------------------------------------------------

namespace npu = onnx2hpp::npu;

template <std::size_t... I>
constexpr std::array<std::string_view, graph_t::n_nodes> node_names(std::index_sequence<I...>) {
  return {graph_t::node_name<I>...};
}
constexpr auto node_name = node_names(std::make_index_sequence<graph_t::n_nodes>{});

/// The simulator of preset Caps. Static storage: its on-chip array is Caps.on_chip_bytes (512 KiB
/// for permissive), too large for a stack.
template <npu::capabilities Caps>
npu::simulator<Caps> &simulator() {
  static npu::simulator<Caps> sim;
  return sim;
}

template <npu::capabilities Caps>
void run_npu(const std::array<const std::int8_t *, n_in> &in,
             const std::array<std::int8_t *, n_out> &out) {
  auto &sim = simulator<Caps>();
  sim.reset(); // counters of the last inference only
  const npu::run_status st = onnx2hpp::backends::npu<npu::simulator<Caps>>::run(
      the_model::graph, sim, in, out, arena.data());
  if (!st.ok()) {
    const auto name = st.node < node_name.size() ? node_name[st.node] : std::string_view("?");
    throw std::runtime_error("the NPU simulator stopped at node #" + std::to_string(st.node) +
                             " '" + std::string(name) +
                             "': " + std::string(npu::error_name(st.result.code)) + " (" +
                             std::string(npu::reason_name(st.result.detail)) + ")");
  }
}

/// Coverage of the compile-time plan, and the simulator's counters of the last inference.
template <npu::capabilities Caps>
void print_npu_summary(const char *preset) {
  using plan = npu::plan<graph_t, Caps>;
  std::printf("NPU coverage (%s preset): %zu/%zu nodes on the NPU, MACs %llu/%llu (%.1f %%), %zu "
              "driver calls\n",
              preset, plan::nodes_on_npu, plan::n_nodes,
              static_cast<unsigned long long>(plan::macs_on_npu),
              static_cast<unsigned long long>(plan::total_macs), 100.0 * plan::mac_fraction,
              plan::driver_calls);
  for (std::size_t i = 0; i < plan::n_nodes; ++i)
    if (plan::nodes[i].where == npu::placement::cpu) {
      const auto why = npu::reason_name(plan::nodes[i].why);
      std::printf("  CPU: node #%zu '%.*s' (%.*s)\n", i, int(node_name[i].size()),
                  node_name[i].data(), int(why.size()), why.data());
    }
  const auto &sim = simulator<Caps>();
  std::printf("simulated NPU cycles per inference: %llu (%zu calls, %llu MACs, %llu DMA bytes; "
              "plan: %llu cycles); "
              "CPU nodes not modelled\n",
              static_cast<unsigned long long>(sim.cycles()), sim.calls(),
              static_cast<unsigned long long>(sim.macs()),
              static_cast<unsigned long long>(sim.dma_bytes()),
              static_cast<unsigned long long>(plan::npu_cycles));
}

} // namespace

int main(int argc, char **argv) {
  std::string backend = "ref", out_dir;
  std::vector<std::string> inputs;
  long repeat = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--backend" && i + 1 < argc)
      backend = argv[++i];
    else if (a == "--out" && i + 1 < argc)
      out_dir = argv[++i];
    else if (a == "--repeat" && i + 1 < argc) {
      const std::string_view text = argv[++i];
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), repeat);
      if (ec != std::errc() || end != text.data() + text.size() || repeat < 1 ||
          repeat > 1000000000)
        return usage(("--repeat '" + std::string(text) + "': expected a count from 1 to 1000000000")
                         .c_str());
    } else if (a == "--help" || a == "-h")
      return usage("runs the generated model on .npy inputs"), 0;
    else if (a.starts_with("--"))
      return usage(("unknown option " + std::string(a)).c_str());
    else
      inputs.emplace_back(a);
  }
  if (out_dir.empty())
    return usage("--out DIR is required");
  if (inputs.size() != n_in)
    return usage(("the model has " + std::to_string(n_in) + " input(s), got " +
                  std::to_string(inputs.size()))
                     .c_str());

  void (*run)(const std::array<const std::int8_t *, n_in> &,
              const std::array<std::int8_t *, n_out> &) = nullptr;
  void (*summary)(const char *) = nullptr;
  std::string preset;
  if (backend == "ref")
    run = run_once<onnx2hpp::backends::ref>;
#ifdef RUN_NPY_HAS_SIMD
  else if (backend == "simd")
    run = run_once<onnx2hpp::backends::simd>;
#endif
  else if (backend == "simd")
    return usage("backend 'simd' is not available in this build (available: ref, npu-sim)");
  else if (backend == "npu-sim" || backend == "npu-sim:strict") {
    run = run_npu<npu::strict>;
    summary = print_npu_summary<npu::strict>;
    preset = "strict";
  } else if (backend == "npu-sim:permissive") {
    run = run_npu<npu::permissive>;
    summary = print_npu_summary<npu::permissive>;
    preset = "permissive";
  } else
    return usage(("unknown backend '" + backend +
                  "' (ref, simd, npu-sim, npu-sim:strict, npu-sim:permissive)")
                     .c_str());

  try {
    // Read and quantize the inputs, sample by sample.
    std::size_t samples = 0;
    std::array<std::vector<std::int8_t>, n_in> q_in;
    for (std::size_t i = 0; i < n_in; ++i) {
      const auto a = npy::read_float32(inputs[i]);
      const auto &info = the_model::input_info[i];
      // The model's ONNX shape, with any number of samples stacked on axis 0.
      const std::vector<std::size_t> want(info.onnx_shape.begin(), info.onnx_shape.end());
      const bool stacked = !want.empty() && a.shape.size() == want.size() && want[0] > 0 &&
                           a.shape[0] > 0 && a.shape[0] % want[0] == 0 &&
                           std::equal(want.begin() + 1, want.end(), a.shape.begin() + 1);
      if (info.size() == 0 || !(stacked || (want.empty() && a.shape.empty())))
        throw std::runtime_error(inputs[i] + ": shape " + shape_text(a.shape) +
                                 " is not the shape " + shape_text(want) + " of input '" +
                                 std::string(info.name) + "' (samples may be stacked on axis 0)");
      const std::size_t k = a.data.size() / info.size();
      if (samples != 0 && k != samples)
        throw std::runtime_error("inputs hold different numbers of samples");
      samples = k;
      q_in[i].resize(a.data.size());
      for (std::size_t s = 0; s < k; ++s)
        onnx2hpp::quantize_from_onnx(info, a.data.data() + s * info.size(),
                                     q_in[i].data() + s * info.size());
    }
    std::array<std::vector<std::int8_t>, n_out> q_out;
    for (std::size_t o = 0; o < n_out; ++o)
      q_out[o].resize(samples * the_model::output_info[o].bytes());

    // Run every sample; repeat the whole set to time at least `repeat` (default 50) inferences.
    const long passes =
        std::max<long>(1, ((repeat > 0 ? repeat : 50) + long(samples) - 1) / long(samples));
    std::vector<double> us;
    for (long p = 0; p < passes; ++p)
      for (std::size_t s = 0; s < samples; ++s) {
        std::array<const std::int8_t *, n_in> in{};
        std::array<std::int8_t *, n_out> out{};
        for (std::size_t i = 0; i < n_in; ++i)
          in[i] = q_in[i].data() + s * the_model::input_info[i].size();
        for (std::size_t o = 0; o < n_out; ++o)
          out[o] = q_out[o].data() + s * the_model::output_info[o].bytes();
        const auto t0 = std::chrono::steady_clock::now();
        run(in, out);
        const auto t1 = std::chrono::steady_clock::now();
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      }

    std::filesystem::create_directories(out_dir);
    for (std::size_t o = 0; o < n_out; ++o) {
      const auto &info = the_model::output_info[o];
      std::vector<float> f(samples * info.size());
      for (std::size_t s = 0; s < samples; ++s)
        onnx2hpp::dequantize_to_onnx(info, q_out[o].data() + s * info.bytes(),
                                     f.data() + s * info.size());
      std::vector<std::size_t> shape(info.onnx_shape.begin(), info.onnx_shape.end());
      if (!shape.empty())
        shape[0] *= samples;
      const std::string path =
          (std::filesystem::path(out_dir) / (file_name_for(info.name) + ".npy")).string();
      npy::write_float32(path, shape, f.data());
      std::printf("wrote %s\n", path.c_str());
    }
    if (summary != nullptr)
      summary(preset.c_str());
    std::sort(us.begin(), us.end());
    std::printf(
        "latency (%s backend): median %.2f us, min %.2f us over %zu inferences; arena %zu bytes\n",
        backend.c_str(), us[us.size() / 2], us.front(), us.size(), graph_t::arena_bytes);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "run_npy: %s\n", e.what());
    return 1;
  }
  return 0;
}
