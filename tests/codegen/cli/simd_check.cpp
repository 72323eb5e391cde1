// The simd packs the generator emits: each generated CLI fixture runs on backends::simd (the
// packed conv/dense kernels read the emitted bytes) bit-exactly like on backends::ref, at every
// node, on random inputs.

#include "good.hpp"
#include "op_zoo.hpp"

#include <onnx2hpp/backends/simd/all.hpp>

#include <array>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

template <class Backend, class Graph>
std::vector<std::vector<std::int8_t>> run_nodes(const Graph &g,
                                                const std::vector<std::vector<std::int8_t>> &x) {
  std::array<const std::int8_t *, Graph::n_inputs> in{};
  for (std::size_t i = 0; i < in.size(); ++i)
    in[i] = x[i].data();
  std::vector<std::vector<std::int8_t>> outs(Graph::n_outputs, std::vector<std::int8_t>(1 << 16));
  std::array<std::int8_t *, Graph::n_outputs> out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = outs[i].data();
  alignas(64) static std::array<std::int8_t, Graph::arena_bytes + 1> arena;
  std::vector<std::vector<std::int8_t>> nodes;
  g.template run<Backend>(in, out, arena.data(), [&](auto, std::size_t, const auto &t) {
    nodes.emplace_back(t.data, t.data + t.size());
  });
  return nodes;
}

template <class Graph>
int check(const char *name, const Graph &g, std::size_t min_packs) {
  std::size_t packed = 0;
  [&]<class... Nodes>(onnx2hpp::type_list<Nodes...>) {
    ((packed += requires { typename Nodes::layer_type::unpacked_layer; } ? 1 : 0), ...);
  }(typename Graph::node_types{});
  int failures = 0;
  if (packed < min_packs) {
    std::printf("%s: %zu packed nodes, expected at least %zu\n", name, packed, min_packs);
    ++failures;
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<std::vector<std::int8_t>> x;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (x.emplace_back(Graph::template input_shape_t<I>::size), ...);
    }(std::make_index_sequence<Graph::n_inputs>{});
    for (auto &v : x)
      for (auto &e : v)
        e = static_cast<std::int8_t>(static_cast<int>(rng() % 256) - 128);
    const auto ref = run_nodes<onnx2hpp::backends::ref>(g, x);
    const auto simd = run_nodes<onnx2hpp::backends::simd>(g, x);
    for (std::size_t n = 0; n < ref.size(); ++n)
      if (ref[n] != simd[n]) {
        std::printf("%s: trial %d, node %zu: simd differs from ref\n", name, trial, n);
        ++failures;
      }
  }
  return failures;
}

} // namespace

int main() {
  int failures = check("good", small::graph, 2) + check("op_zoo", op_zoo::graph, 1);
  std::printf("%s (%s)\n", failures == 0 ? "emitted simd packs: simd equals ref at every node"
                                         : "FAILED",
              std::string(onnx2hpp::simd::native_isa::name).c_str());
  return failures == 0 ? 0 : 1;
}
