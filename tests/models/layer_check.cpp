// layer_check: a generated model, layer by layer, against onnxruntime's int8 tensors.
//
//   layer_check IN.npy ORT_DIR [--isolated] [--min-within-1 F] [--quiet] [--dump DIR]
//
// IN.npy: float32 input(s) in the ONNX layout, K samples stacked along axis 0 (single-input models).
// ORT_DIR: what `ort_run.js MODEL --quantized-tensors --split-batch --out ORT_DIR IN.npy` writes:
// one .npy per int8/uint8 tensor of the ONNX graph, K samples stacked.
//
// Each node of the generated graph names the ONNX tensor its output corresponds to
// (model::node_info); its int8 output is compared with onnxruntime's tensor (uint8 tensors are
// shifted by -128, as the generator turns uint8 into int8; 4-D tensors are NCHW in ONNX and NHWC
// here). With --isolated every node's output is replaced by onnxruntime's tensor right after the
// comparison, so the next node reads exactly what onnxruntime's node read: the differences a node
// shows are then its own, not inherited from earlier layers (DESIGN.md: a single layer may differ
// from onnxruntime by at most 1 step).
//
// Prints per node: elements, exact %, within 1 step %, max |difference| in steps. Exit 1 when a
// node has fewer than F (default 0.999) of its elements within one step, or a tensor is missing
// (nodes the generator added, whose tensor name has a ':', have no ONNX tensor and are skipped).
// --dump DIR writes each node's int8 output (ONNX layout, K samples stacked) as DIR/<tensor>.npy.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include ONNX2HPP_MODEL_HEADER

namespace model = ONNX2HPP_MODEL_NAMESPACE;
using graph_t = model::graph_type;

namespace {

struct npy_array {
  std::string dtype; // "f4", "i1", "u1"
  std::vector<std::size_t> shape;
  std::vector<char> bytes;
  std::size_t count() const {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    return n;
  }
};

npy_array read_npy(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::vector<char> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not .npy");
  const bool v1 = b[6] == 1;
  const std::size_t hl = v1 ? (std::uint8_t(b[8]) | std::uint8_t(b[9]) << 8)
                            : (std::uint8_t(b[8]) | std::uint8_t(b[9]) << 8 | std::uint8_t(b[10]) << 16 |
                               std::size_t(std::uint8_t(b[11])) << 24);
  const std::size_t off = v1 ? 10 : 12;
  const std::string h(b.data() + off, hl);
  npy_array a;
  const auto d = h.find("'descr'");
  const auto q1 = h.find('\'', h.find(':', d)), q2 = h.find('\'', q1 + 1);
  a.dtype = h.substr(q1 + 2, q2 - q1 - 2); // skip the byte-order character
  if (h.find("'fortran_order': True") != std::string::npos) throw std::runtime_error(path + ": Fortran order");
  const auto p1 = h.find('(', h.find("'shape'")), p2 = h.find(')', p1);
  std::string dims = h.substr(p1 + 1, p2 - p1 - 1);
  for (std::size_t at = 0; at < dims.size();) {
    const auto comma = dims.find(',', at);
    const std::string tok = dims.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (tok.find_first_of("0123456789") != std::string::npos) a.shape.push_back(std::stoul(tok));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  const std::size_t elem = a.dtype == "f4" ? 4 : 1;
  if (a.dtype != "f4" && a.dtype != "i1" && a.dtype != "u1") throw std::runtime_error(path + ": dtype " + a.dtype);
  if (b.size() < off + hl + a.count() * elem) throw std::runtime_error(path + ": truncated");
  a.bytes.assign(b.begin() + std::ptrdiff_t(off + hl), b.begin() + std::ptrdiff_t(off + hl + a.count() * elem));
  return a;
}

std::string safe_name(std::string_view s) {
  std::string r(s);
  for (char &c : r)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
  return r;
}

struct node_stats {
  std::size_t n = 0, exact = 0, within1 = 0;
  int max_diff = 0;
  bool missing = false;
  std::vector<std::size_t> dims;
};

alignas(64) std::array<std::int8_t, graph_t::arena_bytes == 0 ? 1 : graph_t::arena_bytes> arena;

} // namespace

int main(int argc, char **argv) {
  std::string in_path, ort_dir, dump_dir;
  bool isolated = false, quiet = false;
  double min_within1 = 0.999;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--isolated") isolated = true;
    else if (a == "--quiet") quiet = true;
    else if (a == "--min-within-1" && i + 1 < argc) min_within1 = std::stod(argv[++i]);
    else if (a == "--dump" && i + 1 < argc) dump_dir = argv[++i];
    else if (in_path.empty()) in_path = a;
    else if (ort_dir.empty()) ort_dir = a;
    else {
      std::fprintf(stderr, "usage: layer_check IN.npy ORT_DIR [--isolated] [--min-within-1 F] [--quiet]\n");
      return 2;
    }
  }
  if (ort_dir.empty() || graph_t::n_inputs != 1) {
    std::fprintf(stderr, "usage: layer_check IN.npy ORT_DIR [--isolated] [--min-within-1 F] [--quiet] "
                         "(single-input models)\n");
    return 2;
  }
  try {
    const auto &info = model::input_info[0];
    const npy_array in = read_npy(in_path);
    if (in.dtype != "f4" || in.count() % info.size() != 0) throw std::runtime_error(in_path + ": not float32 samples of the input");
    const std::size_t samples = in.count() / info.size();
    const float *x = reinterpret_cast<const float *>(in.bytes.data());

    // onnxruntime's tensors, one per node (K samples each), converted to int8 in the node's layout.
    std::vector<std::vector<std::int8_t>> ort(graph_t::n_nodes);
    std::vector<node_stats> stats(graph_t::n_nodes);
    std::vector<std::vector<std::int8_t>> ours(graph_t::n_nodes); // for --dump, ONNX layout
    for (std::size_t k = 0; k < graph_t::n_nodes; ++k) {
      const auto &ni = model::node_info[k];
      const std::string file = ort_dir + "/" + safe_name(ni.onnx_tensor) + ".npy";
      std::ifstream probe(file);
      if (ni.onnx_tensor.empty() || !probe) {
        stats[k].missing = true;
        continue;
      }
      const npy_array t = read_npy(file);
      if (t.dtype == "f4") throw std::runtime_error(file + ": float tensor");
      ort[k].resize(t.count());
      for (std::size_t e = 0; e < t.count(); ++e)
        ort[k][e] = t.dtype == "u1" ? std::int8_t(int(std::uint8_t(t.bytes[e])) - 128) : std::int8_t(t.bytes[e]);
      stats[k].dims.assign(t.shape.begin(), t.shape.end());
    }

    std::vector<std::int8_t> qin(info.size());
    std::array<std::vector<std::int8_t>, graph_t::n_outputs> outs;
    for (std::size_t o = 0; o < graph_t::n_outputs; ++o) outs[o].resize(model::output_info[o].size());
    for (std::size_t s = 0; s < samples; ++s) {
      onnx2hpp::quantize_from_onnx(info, x + s * info.size(), qin.data());
      std::array<std::int8_t *, graph_t::n_outputs> out{};
      for (std::size_t o = 0; o < graph_t::n_outputs; ++o) out[o] = outs[o].data();
      model::graph.run<onnx2hpp::backends::ref>(
          std::array<const std::int8_t *, 1>{qin.data()}, out, arena.data(),
          [&](std::string_view, std::size_t k, const onnx2hpp::tensor_view &t) {
            auto &st = stats[k];
            if (st.missing) return;
            const std::size_t n = t.size();
            if (ort[k].size() != n * samples) {
              st.missing = true;
              return;
            }
            const std::int8_t *ref = ort[k].data() + s * n;
            // ONNX 4-D tensors are NCHW; the library's are NHWC.
            const bool nchw = t.dims.size() == 4;
            std::vector<std::int8_t> ref_nhwc(n);
            for (std::size_t i = 0; i < n; ++i) {
              if (!nchw) {
                ref_nhwc[i] = ref[i];
                continue;
              }
              const std::size_t C = t.dims[3], W = t.dims[2], H = t.dims[1];
              const std::size_t c = i % C, w = i / C % W, h = i / (C * W) % H, b = i / (C * W * H);
              ref_nhwc[i] = ref[((b * C + c) * H + h) * W + w];
            }
            if (!dump_dir.empty()) {
              auto &o = ours[k];
              if (o.empty()) o.resize(n * samples);
              for (std::size_t i = 0; i < n; ++i) { // back to the ONNX layout
                std::size_t j = i;
                if (nchw) {
                  const std::size_t C = t.dims[3], W = t.dims[2], H = t.dims[1];
                  const std::size_t c = i % C, w = i / C % W, h = i / (C * W) % H, b = i / (C * W * H);
                  j = ((b * C + c) * H + h) * W + w;
                }
                o[s * n + j] = t[i];
              }
            }
            for (std::size_t i = 0; i < n; ++i) {
              const int d = std::abs(int(t[i]) - int(ref_nhwc[i]));
              st.exact += d == 0;
              st.within1 += d <= 1;
              st.max_diff = std::max(st.max_diff, d);
            }
            st.n += n;
            // Debugging only: the observer's view is read-only, but it points into the caller's
            // arena (or output buffer), which is writable: feed the next node onnxruntime's tensor.
            if (isolated) std::memcpy(const_cast<std::int8_t *>(t.data), ref_nhwc.data(), n);
          });
    }

    if (!dump_dir.empty())
      for (std::size_t k = 0; k < graph_t::n_nodes; ++k) {
        if (ours[k].empty()) continue;
        const std::string path = dump_dir + "/" + safe_name(model::node_info[k].onnx_tensor) + ".npy";
        std::string header = "{'descr': '|i1', 'fortran_order': False, 'shape': (";
        for (std::size_t d : stats[k].dims) header += std::to_string(d) + ", ";
        header += "), }";
        header.append(63 - (10 + header.size()) % 64, ' ');
        header += '\n';
        std::ofstream f(path, std::ios::binary);
        const char pre[] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0, char(header.size() & 0xff), char(header.size() >> 8)};
        f.write(pre, 10);
        f << header;
        f.write(reinterpret_cast<const char *>(ours[k].data()), std::streamsize(ours[k].size()));
        if (!f) throw std::runtime_error(path + ": cannot write");
      }

    bool ok = true;
    if (!quiet)
      std::printf("%s, %zu sample(s)\n%-4s %-36s %10s %9s %10s %5s\n", isolated ? "isolated (each node fed onnxruntime's input)" : "end to end",
                  samples, "#", "node", "elements", "exact %", "<=1 step %", "max");
    for (std::size_t k = 0; k < graph_t::n_nodes; ++k) {
      const auto &st = stats[k];
      const std::string node(model::node_info[k].node);
      if (st.missing || st.n == 0) {
        // A node the generator added (e.g. a layout change before Flatten) names its tensor
        // "<onnx tensor>:<what>": there is nothing in the ONNX graph to compare it with.
        const bool synthetic = model::node_info[k].onnx_tensor.find(':') != std::string_view::npos;
        std::printf("%-4zu %-36s  %s '%.*s'\n", k, node.c_str(),
                    synthetic ? "skipped, added by the generator:" : "MISSING onnxruntime tensor",
                    int(model::node_info[k].onnx_tensor.size()), model::node_info[k].onnx_tensor.data());
        ok = ok && synthetic;
        continue;
      }
      const double w1 = double(st.within1) / double(st.n);
      const bool bad = w1 < min_within1;
      ok = ok && !bad;
      if (!quiet || bad)
        std::printf("%-4zu %-36s %10zu %9.3f %10.3f %5d%s\n", k, node.c_str(), st.n, 100.0 * double(st.exact) / double(st.n),
                    100.0 * w1, st.max_diff, bad ? "  <-- FAILS" : "");
    }
    return ok ? 0 : 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "layer_check: %s\n", e.what());
    return 1;
  }
}
