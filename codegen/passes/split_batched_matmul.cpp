// split_batched_matmul: a MatMul with batched constant weights becomes a grouped 1x1 conv.
//
// ONNX MatMul (and QLinearMatMul) multiplies matrix by matrix over the leading "batch"
// dimensions: Y[..., b, m, n] = sum over k of A[..., b, m, k] * B[b, k, n]. With B constant of rank
// >= 3 (batches b flattened to Bt of them) this is a conv with Bt groups: every row (.., m) of A is
// a pixel whose channels are the Bt batches' K values, each group multiplying its own K values
// by its own weights [N][K]. So
//
//   A [L, Bt, M, K] --transpose--> [L, M, Bt, K] --reshape--> [L*M, Bt*K, 1, 1] (NCHW)
//     --conv (1x1, groups Bt, weights [Bt*N, K, 1, 1])--> [L*M, Bt*N, 1, 1]
//     --reshape--> [L, M, Bt, N] --transpose--> Y [L, Bt, M, N]
//
// with transposes left out when M or Bt is 1. The conv computes the same int32 sums and
// requantizes each output column with its own scale, so the result is exactly the MatMul's.
// The 4-D tensors have H = W = 1, so NCHW and NHWC hold the same bytes (to_nhwc adds nothing).

#include "diagnostics/error.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include "ir/transpose.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

class splitter {
public:
  explicit splitter(ir::graph &g) : g_(g) {}

  void run() {
    for (std::size_t i = 0; i < g_.ops.size(); ++i) {
      const auto &o = g_.ops[i];
      if (o.kind != op_kind::matmul || o.input(1) == ir::no_tensor ||
          !g_.at(o.input(1)).is_constant() || g_.at(o.input(1)).shape.size() < 3)
        continue;
      i = split(i);
    }
    g_.sweep();
  }

private:
  [[noreturn]] void unsupported(const ir::op &o, const std::string &why) const {
    throw error(failure::unsupported_model, fmt::format("{}: {}", where(g_, o), why));
  }

  /// A new activation tensor like `like` (type, quantization) with `shape`.
  ir::tensor_id intermediate(const ir::tensor &like, const std::string &name, ir::shape_t shape,
                             ir::layout order = ir::layout::plain) {
    ir::tensor t;
    t.name = name;
    t.type = like.type;
    t.shape = std::move(shape);
    t.order = order;
    t.quant = like.quant;
    return g_.add_tensor(std::move(t));
  }

  ir::op make(op_kind kind, const std::string &name, const ir::op &from, ir::tensor_id in,
              ir::tensor_id out) {
    ir::op o;
    o.kind = kind;
    o.name = name;
    o.onnx_type = from.onnx_type;
    o.inputs = {in};
    o.outputs = {out};
    return o;
  }

  /// Rewrites op `index`; returns the index of the last op it inserted.
  std::size_t split(std::size_t index) {
    const ir::op o = g_.ops[index];
    const auto a = g_.at(o.input(0));
    const auto b = g_.at(o.input(1));
    const auto y = g_.at(o.output());
    const std::size_t rb = b.shape.size(), ra = a.shape.size();
    if (ra < rb)
      unsupported(o, fmt::format("A {} has fewer dimensions than the batched weights B {}: a "
                                 "broadcast A is not supported",
                                 ir::to_string(a.shape), ir::to_string(b.shape)));
    std::int64_t batches = 1;
    for (std::size_t d = 0; d + 2 < rb; ++d) {
      if (a.shape[ra - rb + d] != b.shape[d])
        unsupported(o, fmt::format("the batch dimensions of A {} and of the weights B {} differ: "
                                   "broadcasting over them is not supported",
                                   ir::to_string(a.shape), ir::to_string(b.shape)));
      batches *= b.shape[d];
    }
    std::int64_t lead = 1;
    for (std::size_t d = 0; d + rb < ra; ++d)
      lead *= a.shape[d];
    const std::int64_t m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
    if (b.shape[rb - 2] != k)
      unsupported(o, fmt::format("A {} and B {} do not multiply", ir::to_string(a.shape),
                                 ir::to_string(b.shape)));
    if (!b.quant)
      unsupported(o, fmt::format("the weights '{}' are not quantized", b.name));
    if (b.quant->per_channel() && *b.quant->axis != static_cast<int>(rb) - 1)
      unsupported(o, "batched weights quantized per row or per batch are not supported (per "
                     "output column only)");

    // Weights [Bt][K][N] -> OIHW [Bt*N][K][1][1]; per-column quantization repeats per batch.
    auto w = b;
    w.name = b.name + ":grouped";
    w.value = ir::transpose(*b.value, {batches, k, n}, {0, 2, 1});
    w.shape = {batches * n, k, 1, 1};
    w.order = ir::layout::plain;
    if (b.quant->per_channel()) {
      ir::quantization q;
      for (std::int64_t g = 0; g < batches; ++g)
        for (std::int64_t c = 0; c < n; ++c) {
          q.scale.push_back(b.quant->scale_at(static_cast<std::size_t>(c)));
          q.zero_point.push_back(b.quant->zero_point_at(static_cast<std::size_t>(c)));
        }
      q.axis = 0;
      w.quant = q;
    }
    auto w_id = g_.add_tensor(std::move(w));

    std::vector<ir::op> ops;
    const auto base = o.name.empty() ? y.name : o.name;
    auto x = o.input(0);
    if (m > 1 && batches > 1) { // [L, Bt, M, K] -> [L, M, Bt, K]
      auto t = intermediate(a, a.name + ":batches_inner", {lead, m, batches, k});
      auto op = make(op_kind::transpose, base + ":batches_to_channels", o, x, t);
      op.attrs = ir::perm_attrs{{0, 2, 1, 3}};
      ops.push_back(std::move(op));
      x = t;
    }
    auto pixels =
        intermediate(a, a.name + ":pixels", {lead * m, batches * k, 1, 1}, ir::layout::nchw);
    ops.push_back(make(op_kind::reshape, base + ":to_pixels", o, x, pixels));
    auto conv_out =
        intermediate(y, y.name + ":pixels", {lead * m, batches * n, 1, 1}, ir::layout::nchw);
    auto conv = make(op_kind::conv, o.name, o, pixels, conv_out);
    conv.inputs.push_back(w_id);
    ir::conv_attrs ca;
    ca.group = batches;
    conv.attrs = ca;
    conv.fused = o.fused;
    conv.fused_activation = o.fused_activation;
    ops.push_back(std::move(conv));
    if (m > 1 && batches > 1) {
      auto rows = intermediate(y, y.name + ":batches_inner", {lead, m, batches, n});
      ops.push_back(make(op_kind::reshape, base + ":from_pixels", o, conv_out, rows));
      auto back = make(op_kind::transpose, base + ":channels_to_batches", o, rows, o.output());
      back.attrs = ir::perm_attrs{{0, 2, 1, 3}};
      ops.push_back(std::move(back));
    } else
      ops.push_back(make(op_kind::reshape, base + ":from_pixels", o, conv_out, o.output()));

    // The transpose above is 4-D: view A as [L, Bt, M, K] through a reshape when its rank differs.
    if (m > 1 && batches > 1 && a.shape.size() != 4) {
      auto view = intermediate(a, a.name + ":4d", {lead, batches, m, k});
      auto r = make(op_kind::reshape, base + ":view", o, o.input(0), view);
      ops.front().inputs = {view};
      ops.insert(ops.begin(), std::move(r));
    }
    if (m > 1 && batches > 1 && y.shape.size() != 4) {
      auto &last = ops.back(); // transpose -> [L, Bt, M, N], then reshape to Y's shape
      auto view = intermediate(y, y.name + ":4d", {lead, batches, m, n});
      last.outputs = {view};
      ops.push_back(make(op_kind::reshape, base + ":unview", o, view, o.output()));
    }
    g_.remove(index);
    const auto count = ops.size();
    for (std::size_t j = 0; j < count; ++j)
      g_.insert(index + 1 + j, std::move(ops[j]));
    return index + count;
  }

  ir::graph &g_;
};

} // namespace

ir::graph split_batched_matmul(ir::graph g) {
  splitter(g).run();
  return g;
}

} // namespace onnx2hpp::codegen::passes
