// layer_diff: compares a generated model with onnxruntime one layer at a time.
//
//   layer_diff ORT_DIR OUT_DIR IN.npy... [--tolerance N] [--isolated]
//
// Built by scripts/debug-layers.sh for one model: -DLAYER_DIFF_HEADER="model.hpp"
// -DLAYER_DIFF_NAMESPACE=model. IN.npy are float32 inputs in the ONNX layout, in graph-input order,
// each holding K samples stacked along axis 0. ORT_DIR holds onnxruntime's int8/uint8 tensors for
// the same samples (tests/oracle/ort_run.js MODEL --quantized-tensors --split-batch).
//
// The model runs with the observer hook. Each node's int8 output is turned back into its ONNX
// tensor's layout and dtype (4-D activations are NHWC here and NCHW in ONNX; a uint8 ONNX tensor is
// the library's int8 + 128), using model::node_info to find the ONNX tensor of each node. Prints a
// table -- layer, ONNX tensor, shape, max |diff| in quantization steps, % of elements that differ,
// cosine similarity of the zero-point-centred values -- and flags the first layer whose max |diff|
// exceeds the tolerance (default 1 step: fixed-point vs onnxruntime's float requantization may
// differ by one). Writes OUT_DIR/onnx2hpp/<tensor>.npy (the library's tensors, ONNX layout and
// dtype, K samples stacked) and OUT_DIR/layers.tsv.
//
// --isolated: after each compared node, its output is overwritten with onnxruntime's tensor, so
// the next node reads exactly what onnxruntime's node read. A layer's differences are then its
// own, not inherited: end to end, small differences grow through a deep network, and the first
// layer beyond the tolerance is not necessarily the one that computes differently. (The observer's
// view is read-only; it points into the caller's arena or output buffer, which this debugging
// tool owns and may write.)
//
// Exit codes: 0 every layer within the tolerance, 3 a layer diverges, 1 I/O or input error,
// 2 bad usage.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include LAYER_DIFF_HEADER

namespace model = LAYER_DIFF_NAMESPACE;
using graph_t = model::graph_type;
namespace fs = std::filesystem;

namespace {

// --- .npy (version 1/2, C order, little endian) -------------------------------------------------
struct array_file {
  std::string dtype; // numpy type code without byte order: f4, i1, u1, ...
  std::vector<std::size_t> shape;
  std::vector<unsigned char> data;
  std::size_t count() const {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    return n;
  }
};

std::string header_value(const std::string &h, const std::string &key) {
  const auto k = h.find("'" + key + "'");
  if (k == std::string::npos) return {};
  auto v = h.find(':', k) + 1;
  while (v < h.size() && h[v] == ' ') ++v;
  if (h[v] == '\'') return h.substr(v + 1, h.find('\'', v + 1) - v - 1);
  if (h[v] == '(') return h.substr(v + 1, h.find(')', v) - v - 1);
  return h.substr(v, h.find_first_of(",}", v) - v);
}

array_file read_array(const fs::path &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path.string() + ": cannot open");
  const std::vector<unsigned char> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (b.size() < 12 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0) throw std::runtime_error(path.string() + ": not a .npy file");
  const std::size_t len = b[6] == 1 ? std::size_t(b[8] | b[9] << 8) : std::size_t(b[8] | b[9] << 8 | b[10] << 16 | std::size_t(b[11]) << 24);
  const std::size_t start = b[6] == 1 ? 10 : 12;
  if (b.size() < start + len) throw std::runtime_error(path.string() + ": truncated header");
  const std::string h(b.begin() + std::ptrdiff_t(start), b.begin() + std::ptrdiff_t(start + len));
  array_file a;
  const std::string descr = header_value(h, "descr");
  if (descr.size() < 2 || descr[0] == '>') throw std::runtime_error(path.string() + ": unsupported dtype '" + descr + "'");
  a.dtype = descr.substr(1);
  if (header_value(h, "fortran_order") == "True") throw std::runtime_error(path.string() + ": Fortran order is not supported");
  const std::string dims = header_value(h, "shape");
  for (std::size_t at = 0; at < dims.size();) {
    const std::size_t next = std::min(dims.find(',', at), dims.size());
    const std::string tok = dims.substr(at, next - at);
    if (tok.find_first_of("0123456789") != std::string::npos) a.shape.push_back(std::stoul(tok));
    at = next + 1;
  }
  const std::size_t elem = a.dtype == "f4" ? 4 : a.dtype == "i1" || a.dtype == "u1" ? 1 : 0;
  if (elem == 0) throw std::runtime_error(path.string() + ": dtype " + descr + " (expected float32, int8 or uint8)");
  if (b.size() < start + len + a.count() * elem) throw std::runtime_error(path.string() + ": truncated data");
  a.data.assign(b.begin() + std::ptrdiff_t(start + len), b.begin() + std::ptrdiff_t(start + len + a.count() * elem));
  return a;
}

void write_array(const fs::path &path, const std::string &dtype, const std::vector<std::size_t> &shape,
                 const void *data, std::size_t bytes) {
  std::string h = "{'descr': '|" + dtype + "', 'fortran_order': False, 'shape': (";
  for (std::size_t d : shape) h += std::to_string(d) + ",";
  h += "), }";
  h.append(63 - (10 + h.size()) % 64, ' '); // 10-byte preamble + header + '\n' is a multiple of 64
  h += '\n';
  std::ofstream f(path, std::ios::binary);
  const char pre[10] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0, char(h.size() & 0xff), char(h.size() >> 8)};
  f.write(pre, 10);
  f.write(h.data(), std::streamsize(h.size()));
  f.write(static_cast<const char *>(data), std::streamsize(bytes));
  if (!f) throw std::runtime_error(path.string() + ": cannot write");
}

std::string file_name(std::string_view tensor) { // as tests/oracle/ort_run.js names its files
  std::string s(tensor);
  for (char &c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
  return s;
}

std::string shape_text(const std::vector<std::size_t> &s) {
  std::string t = "[";
  for (std::size_t i = 0; i < s.size(); ++i) t += (i ? "," : "") + std::to_string(s[i]);
  return t + "]";
}

// --- per layer ----------------------------------------------------------------------------------
enum class status { compared, generator_node, no_onnx_tensor, shape_mismatch };

struct layer {
  status st = status::compared;
  std::string note;
  bool uint8 = false;                   // the ONNX tensor is uint8
  bool nchw = false;                    // library NHWC -> ONNX NCHW
  std::vector<std::size_t> onnx_shape;  // of one sample
  std::vector<std::int8_t> ort;         // onnxruntime's values as int8 (uint8 - 128), ONNX layout, K samples
  std::vector<std::int8_t> ours;        // ours, ONNX layout, K samples
  std::size_t filled = 0;
};

/// ONNX-layout index of element i of an NHWC tensor.
std::size_t to_nchw(std::span<const std::size_t> d, std::size_t i) {
  const std::size_t c = i % d[3], w = i / d[3] % d[2], h = i / (d[3] * d[2]) % d[1], n = i / (d[3] * d[2] * d[1]);
  return ((n * d[3] + c) * d[1] + h) * d[2] + w;
}

int usage(const char *why) {
  std::fprintf(stderr, "layer_diff: %s\nusage: layer_diff ORT_DIR OUT_DIR IN.npy... [--tolerance N] [--isolated]\n", why);
  return 2;
}

alignas(64) std::array<std::int8_t, graph_t::arena_bytes == 0 ? 1 : graph_t::arena_bytes> arena;

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> pos;
  int tolerance = 1;
  bool isolated = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--tolerance" && i + 1 < argc) tolerance = std::stoi(argv[++i]);
    else if (a == "--isolated") isolated = true;
    else if (a.starts_with("--")) return usage(("unknown option " + std::string(a)).c_str());
    else pos.emplace_back(a);
  }
  constexpr std::size_t n_in = graph_t::n_inputs, n_out = graph_t::n_outputs, n_nodes = graph_t::n_nodes;
  if (pos.size() != 2 + n_in)
    return usage(("the model has " + std::to_string(n_in) + " input(s); give ORT_DIR OUT_DIR and one .npy per input").c_str());
  const fs::path ort_dir = pos[0], out_dir = pos[1];

  try {
    // Inputs: float32, K samples each.
    std::size_t samples = 0;
    std::array<std::vector<float>, n_in> x;
    for (std::size_t i = 0; i < n_in; ++i) {
      const array_file a = read_array(pos[2 + i]);
      const auto &info = model::input_info[i];
      if (a.dtype != "f4") throw std::runtime_error(pos[2 + i] + ": float32 expected, got " + a.dtype);
      if (a.count() == 0 || a.count() % info.size() != 0)
        throw std::runtime_error(pos[2 + i] + ": not a whole number of samples of input '" + std::string(info.name) + "'");
      const std::size_t k = a.count() / info.size();
      if (samples && k != samples) throw std::runtime_error("the inputs hold different numbers of samples");
      samples = k;
      x[i].resize(a.count());
      std::memcpy(x[i].data(), a.data.data(), a.data.size());
    }

    // onnxruntime's tensor for every node.
    std::vector<layer> layers(n_nodes);
    for (std::size_t k = 0; k < n_nodes; ++k) {
      const auto &ni = model::node_info[k];
      auto &L = layers[k];
      if (ni.onnx_tensor.empty() || ni.onnx_tensor.find(':') != std::string_view::npos) {
        // "<tensor>:<what>": a node the generator added (e.g. a layout change before Flatten).
        L.st = status::generator_node;
        continue;
      }
      const fs::path file = ort_dir / (file_name(ni.onnx_tensor) + ".npy");
      if (!fs::exists(file)) {
        L.st = status::no_onnx_tensor;
        L.note = "onnxruntime wrote no " + file.filename().string();
        continue;
      }
      const array_file a = read_array(file);
      if (a.dtype != "i1" && a.dtype != "u1") {
        L.st = status::no_onnx_tensor;
        L.note = "onnxruntime's tensor is " + a.dtype + ", not int8/uint8";
        continue;
      }
      if (a.shape.empty() || a.count() % samples != 0 || a.shape[0] % samples != 0) {
        L.st = status::shape_mismatch;
        L.note = "onnxruntime " + shape_text(a.shape) + " for " + std::to_string(samples) + " sample(s)";
        continue;
      }
      L.uint8 = a.dtype == "u1";
      L.onnx_shape = a.shape;
      L.onnx_shape[0] /= samples;
      L.ort.resize(a.count());
      for (std::size_t e = 0; e < a.count(); ++e) L.ort[e] = L.uint8 ? std::int8_t(int(a.data[e]) - 128) : std::int8_t(a.data[e]);
      L.ours.assign(a.count(), 0);
    }

    // Run every sample, collecting each node's output in its ONNX tensor's layout.
    std::array<std::vector<std::int8_t>, n_in> q_in;
    std::array<std::vector<std::int8_t>, n_out> q_out;
    for (std::size_t i = 0; i < n_in; ++i) q_in[i].resize(model::input_info[i].size());
    for (std::size_t o = 0; o < n_out; ++o) q_out[o].resize(model::output_info[o].size());
    for (std::size_t s = 0; s < samples; ++s) {
      std::array<const std::int8_t *, n_in> in{};
      std::array<std::int8_t *, n_out> out{};
      for (std::size_t i = 0; i < n_in; ++i) {
        const auto &info = model::input_info[i];
        onnx2hpp::quantize_from_onnx(info, x[i].data() + s * info.size(), q_in[i].data());
        in[i] = q_in[i].data();
      }
      for (std::size_t o = 0; o < n_out; ++o) out[o] = q_out[o].data();
      model::graph.run<onnx2hpp::backends::ref>(
          in, out, arena.data(), [&](std::string_view, std::size_t k, const onnx2hpp::tensor_view &t) {
            auto &L = layers[k];
            if (L.st != status::compared) return;
            const std::size_t n = t.size();
            std::size_t onnx_n = 1;
            for (std::size_t d : L.onnx_shape) onnx_n *= d;
            if (n != onnx_n) {
              L.st = status::shape_mismatch;
              L.note = "onnx2hpp " + shape_text({t.dims.begin(), t.dims.end()}) + " vs onnxruntime " + shape_text(L.onnx_shape);
              return;
            }
            if (s == 0) { // decide the layout once
              const auto &o = L.onnx_shape;
              const std::vector<std::size_t> same(t.dims.begin(), t.dims.end());
              L.nchw = t.dims.size() == 4 && o.size() == 4 && o[0] == t.dims[0] && o[1] == t.dims[3] &&
                       o[2] == t.dims[1] && o[3] == t.dims[2];
              // Otherwise the element order is the same in both (same shape, or a 4-D tensor with
              // H = W = 1 that ONNX holds flattened); a 4-D spatial tensor that is not NCHW is not.
              if (!L.nchw && same != o && t.dims.size() == 4 && t.dims[1] * t.dims[2] > 1) {
                L.st = status::shape_mismatch;
                L.note = "onnx2hpp NHWC " + shape_text(same) + " vs onnxruntime " + shape_text(o);
                return;
              }
            }
            std::int8_t *dst = L.ours.data() + s * n;
            for (std::size_t i = 0; i < n; ++i) dst[L.nchw ? to_nchw(t.dims, i) : i] = t[i];
            ++L.filled;
            if (isolated) {
              std::int8_t *writable = const_cast<std::int8_t *>(t.data);
              const std::int8_t *ref = L.ort.data() + s * n;
              for (std::size_t i = 0; i < n; ++i) writable[i] = ref[L.nchw ? to_nchw(t.dims, i) : i];
            }
          });
    }

    // Compare, write, print.
    fs::create_directories(out_dir / "onnx2hpp");
    std::FILE *tsv = std::fopen((out_dir / "layers.tsv").string().c_str(), "w");
    if (!tsv) throw std::runtime_error((out_dir / "layers.tsv").string() + ": cannot write");
    std::fprintf(tsv, "index\tlayer\tonnx_tensor\tshape\tdtype\tmax_abs_diff\tpct_differ\tcosine\tstatus\n");
    std::printf("layer by layer: onnx2hpp (ref backend) vs onnxruntime, %zu sample(s), %s; diff in int8 steps, "
                "tolerance %d\n",
                samples, isolated ? "isolated (each layer fed onnxruntime's input)" : "end to end", tolerance);
    int wl = 5, wt = 11; // column widths
    for (const auto &ni : model::node_info) {
      wl = std::max(wl, int(ni.node.size()));
      wt = std::max(wt, int(ni.onnx_tensor.size()));
    }
    std::printf("%3s  %-*s  %-*s  %-16s %7s %8s %9s\n", "#", wl, "layer", wt, "ONNX tensor", "shape", "max|d|", "%differ", "cosine");
    long first_bad = -1;
    std::size_t compared = 0;
    for (std::size_t k = 0; k < n_nodes; ++k) {
      auto &L = layers[k];
      const auto &ni = model::node_info[k];
      const std::string name(ni.node), tensor(ni.onnx_tensor);
      if (L.st == status::compared && L.filled != samples) L.st = status::shape_mismatch;
      if (L.st != status::compared) {
        const char *what = L.st == status::generator_node ? "skipped: added by the generator, no ONNX tensor"
                           : L.st == status::no_onnx_tensor ? "skipped: no int8 ONNX tensor"
                                                            : "SHAPE MISMATCH";
        std::printf("%3zu  %-*s  %-*s  %s%s%s\n", k, wl, name.c_str(), wt, tensor.c_str(), what, L.note.empty() ? "" : ": ",
                    L.note.c_str());
        std::fprintf(tsv, "%zu\t%s\t%s\t\t\t\t\t\t%s\n", k, name.c_str(), tensor.c_str(),
                     L.st == status::shape_mismatch ? "shape_mismatch" : "skipped");
        if (L.st == status::shape_mismatch && first_bad < 0) first_bad = long(k);
        continue;
      }
      ++compared;
      int max_diff = 0;
      std::size_t differ = 0;
      double dot = 0, na = 0, nb = 0;
      const double zp = ni.zero_point;
      for (std::size_t e = 0; e < L.ours.size(); ++e) {
        const int d = std::abs(int(L.ours[e]) - int(L.ort[e]));
        max_diff = std::max(max_diff, d);
        differ += d != 0;
        const double a = L.ours[e] - zp, b = L.ort[e] - zp;
        dot += a * b, na += a * a, nb += b * b;
      }
      const double cosine = na == 0 && nb == 0 ? 1.0 : na == 0 || nb == 0 ? 0.0 : dot / std::sqrt(na * nb);
      const double pct = L.ours.empty() ? 0.0 : 100.0 * double(differ) / double(L.ours.size());
      const bool bad = max_diff > tolerance;
      const char *flag = "";
      if (bad && first_bad < 0) first_bad = long(k), flag = "  <-- first divergence";
      else if (bad) flag = "  <-- diverges";
      std::printf("%3zu  %-*s  %-*s  %-16s %7d %8.2f %9.6f%s\n", k, wl, name.c_str(), wt, tensor.c_str(),
                  shape_text(L.onnx_shape).c_str(), max_diff, pct, cosine, flag);
      std::fprintf(tsv, "%zu\t%s\t%s\t%s\t%s\t%d\t%.4f\t%.6f\t%s\n", k, name.c_str(), tensor.c_str(),
                   shape_text(L.onnx_shape).c_str(), L.uint8 ? "uint8" : "int8", max_diff, pct, cosine,
                   bad ? "diverges" : "ok");
      // Our tensor, ONNX layout and dtype, K samples stacked along axis 0.
      std::vector<std::size_t> shape = L.onnx_shape;
      shape[0] *= samples;
      std::vector<std::uint8_t> bytes(L.ours.size());
      for (std::size_t e = 0; e < bytes.size(); ++e) bytes[e] = L.uint8 ? std::uint8_t(int(L.ours[e]) + 128) : std::uint8_t(L.ours[e]);
      write_array(out_dir / "onnx2hpp" / (file_name(tensor) + ".npy"), L.uint8 ? "u1" : "i1", shape, bytes.data(),
                  bytes.size());
    }
    std::fclose(tsv);
    if (compared == 0) throw std::runtime_error("no layer could be compared (is ORT_DIR from --quantized-tensors?)");
    if (first_bad >= 0) {
      std::printf("FIRST DIVERGENCE: layer %ld '%.*s' (ONNX tensor '%.*s') differs from onnxruntime by more than %d "
                  "step(s); layers before it agree\n",
                  first_bad, int(model::node_info[std::size_t(first_bad)].node.size()),
                  model::node_info[std::size_t(first_bad)].node.data(),
                  int(model::node_info[std::size_t(first_bad)].onnx_tensor.size()),
                  model::node_info[std::size_t(first_bad)].onnx_tensor.data(), tolerance);
      return 3;
    }
    std::printf("all %zu compared layers within %d step(s) of onnxruntime\n", compared, tolerance);
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "layer_diff: %s\n", e.what());
    return 1;
  }
}
