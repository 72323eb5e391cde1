// canonicalize_ops: ONNX-level ops become the IR's, operands that must be constant become
// attributes.

#include "diagnostics/error.hpp"
#include "ir/transpose.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

class canonicalizer {
public:
  explicit canonicalizer(ir::graph &g) : g_(g) {}

  void run() {
    for (std::size_t i = 0; i < g_.ops.size(); ++i) {
      switch (g_.ops[i].kind) {
      case op_kind::gemm:
        gemm(i);
        break;
      case op_kind::matmul:
        matmul(i);
        break;
      case op_kind::reduce_mean:
        reduce_mean(i);
        break;
      case op_kind::clip:
        clip(g_.ops[i]);
        break;
      case op_kind::pad:
        pad(g_.ops[i]);
        break;
      case op_kind::slice:
        slice(g_.ops[i]);
        break;
      case op_kind::resize:
        resize(g_.ops[i]);
        break;
      default:
        break;
      }
    }
    g_.sweep();
  }

private:
  [[noreturn]] void unsupported(const ir::op &o, const std::string &why) const {
    throw error(failure::unsupported_model, fmt::format("{}: {}", where(g_, o), why));
  }

  const ir::tensor &constant_operand(const ir::op &o, std::size_t i, const std::string &role) {
    if (o.input(i) == ir::no_tensor || !g_.at(o.input(i)).is_constant())
      unsupported(
          o, fmt::format("its {} must be a constant (an initializer or a Constant node)", role));
    return g_.at(o.input(i));
  }

  /// Multiplies the real values of constant `t` by Gemm's `factor` (alpha or beta): through the
  /// scales when `t` is quantized (its integers stay), else the values themselves.
  void scale_constant(const ir::op &o, ir::tensor &t, double factor, const char *name) const {
    if (factor == 1.0)
      return;
    if (factor <= 0.0)
      unsupported(o, fmt::format("{} <= 0 is not supported", name));
    if (t.quant) {
      for (auto &s : t.quant->scale)
        s = static_cast<float>(s * factor);
      return;
    }
    auto v = t.value->reals();
    for (auto &x : v)
      x *= factor;
    t.value = ir::constant_data::of(t.type, v);
  }

  /// Weights [out][in] from B [K][N] (MatMul, Gemm transB=0) or [N][K] (Gemm transB=1), as a new
  /// constant tensor; a per-channel quantization along N follows the transposition.
  ir::tensor_id dense_weights(const ir::op &o, ir::tensor_id b, bool b_is_out_by_in, double alpha) {
    auto w = g_.at(b);
    if (w.shape.size() != 2)
      unsupported(o,
                  fmt::format("the weight operand must be 2-D; it is {}", ir::to_string(w.shape)));
    if (!b_is_out_by_in) {
      w.name += ":transposed";
      w.value = ir::transpose(*w.value, w.shape, {1, 0});
      w.shape = {w.shape[1], w.shape[0]};
      if (w.quant && w.quant->axis)
        w.quant->axis = 1 - *w.quant->axis;
    }
    if (w.quant && w.quant->per_channel() && *w.quant->axis != 0)
      unsupported(o, "weights quantized per input channel are not supported (per output channel "
                     "only)");
    scale_constant(o, w, alpha, "alpha");
    return g_.add_tensor(std::move(w));
  }

  /// Bias of Gemm: C scaled by beta, broadcast to [N].
  ir::tensor_id dense_bias(const ir::op &o, ir::tensor_id c, double beta, std::int64_t n) {
    auto bias = g_.at(c);
    if (ir::element_count(bias.shape) != n && ir::element_count(bias.shape) != 1)
      unsupported(o, fmt::format("a bias of shape {} is not supported (needs [{}])",
                                 ir::to_string(bias.shape), n));
    if (ir::element_count(bias.shape) == 1 && n != 1) {
      auto v = bias.value->reals();
      bias.value = ir::is_float(bias.type)
                       ? ir::constant_data::of(bias.type, std::vector<double>(n, v[0]))
                       : ir::constant_data::of(bias.type,
                                               std::vector<std::int64_t>(n, bias.value->int_at(0)));
    }
    bias.shape = {n};
    scale_constant(o, bias, beta, "beta");
    return g_.add_tensor(std::move(bias));
  }

  void gemm(std::size_t index) {
    auto o = g_.ops[index];
    const auto &a = o.get<ir::gemm_attrs>();
    if (a.trans_a)
      unsupported(o, "transA=1 is not supported");
    constant_operand(o, 1, "weight operand B");
    auto w = dense_weights(o, o.input(1), a.trans_b, a.alpha);
    std::vector<ir::tensor_id> inputs{o.input(0), w};
    if (o.input(2) != ir::no_tensor) {
      constant_operand(o, 2, "bias operand C");
      inputs.push_back(dense_bias(o, o.input(2), a.beta, g_.at(w).shape[0]));
    }
    auto &target = g_.ops[index];
    target.kind = op_kind::dense;
    target.inputs = inputs;
    target.attrs = std::monostate{};
  }

  void matmul(std::size_t index) {
    auto o = g_.ops[index];
    if (o.input(1) == ir::no_tensor || !g_.at(o.input(1)).is_constant())
      unsupported(o, "a MatMul of two computed tensors is not supported; the second operand must "
                     "be constant weights");
    auto w = dense_weights(o, o.input(1), false, 1.0);
    auto &target = g_.ops[index];
    target.kind = op_kind::dense;
    target.inputs = {o.input(0), w};
    target.attrs = std::monostate{};
  }

  /// ReduceMean over the spatial axes of a 4-D tensor is a global average pool.
  void reduce_mean(std::size_t index) {
    auto &o = g_.ops[index];
    const auto &in = g_.at(o.input(0));
    auto axes = o.get<ir::axes_attrs>().axes;
    for (auto &x : axes)
      if (x < 0)
        x += static_cast<std::int64_t>(in.shape.size());
    std::sort(axes.begin(), axes.end());
    if (in.shape.size() != 4 || axes != std::vector<std::int64_t>{2, 3})
      unsupported(o, "ReduceMean is supported over the spatial axes (2, 3) of a 4-D tensor only");
    bool keepdims = o.get<ir::axes_attrs>().keepdims;
    o.kind = op_kind::global_average_pool;
    o.attrs = std::monostate{};
    if (keepdims)
      return;
    // [N,C] result: pool to [N,C,1,1], then reshape.
    auto flat = o.output();
    ir::tensor pooled = g_.at(flat);
    pooled.name += ":pooled";
    pooled.shape = {in.shape[0], in.shape[1], 1, 1};
    pooled.order = ir::layout::nchw;
    auto pooled_id = g_.add_tensor(std::move(pooled));
    g_.ops[index].outputs = {pooled_id};
    ir::op reshape;
    reshape.kind = op_kind::reshape;
    reshape.name = g_.ops[index].name + ":squeeze";
    reshape.onnx_type = "ReduceMean";
    reshape.inputs = {pooled_id};
    reshape.outputs = {flat};
    g_.insert(index + 1, std::move(reshape));
  }

  void clip(ir::op &o) {
    auto a = o.get<ir::activation>();
    if (o.input(1) != ir::no_tensor)
      a.min = constant_operand(o, 1, "min").value->real_at(0);
    if (o.input(2) != ir::no_tensor)
      a.max = constant_operand(o, 2, "max").value->real_at(0);
    o.kind = op_kind::activation;
    o.attrs = a;
    o.inputs.resize(1);
  }

  void pad(ir::op &o) {
    auto a = o.get<ir::pad_attrs>();
    if (o.input(1) != ir::no_tensor)
      a.pads = constant_operand(o, 1, "pads").value->ints();
    if (o.input(2) != ir::no_tensor) {
      const auto &v = constant_operand(o, 2, "constant_value");
      a.value = v.value->real_at(0);
      if (v.quant) // a quantized pad value, as some exporters write it
        a.value = (a.value - v.quant->zero_point_at(0)) * v.quant->scale_at(0);
    }
    if (o.input(3) != ir::no_tensor)
      unsupported(o, "Pad with an axes operand is not supported");
    if (a.mode != "constant")
      unsupported(o, fmt::format("Pad mode '{}' is not supported (constant only)", a.mode));
    o.attrs = a;
    o.inputs.resize(1);
  }

  void slice(ir::op &o) {
    if (!std::holds_alternative<ir::slice_attrs>(o.attrs)) {
      ir::slice_attrs a;
      a.starts = constant_operand(o, 1, "starts").value->ints();
      a.ends = constant_operand(o, 2, "ends").value->ints();
      if (o.input(3) != ir::no_tensor)
        a.axes = constant_operand(o, 3, "axes").value->ints();
      if (o.input(4) != ir::no_tensor)
        a.steps = constant_operand(o, 4, "steps").value->ints();
      o.attrs = a;
    }
    auto &a = o.get<ir::slice_attrs>();
    auto rank = static_cast<std::int64_t>(g_.at(o.input(0)).shape.size());
    if (a.axes.empty())
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(a.starts.size()); ++i)
        a.axes.push_back(i);
    for (auto &x : a.axes)
      if (x < 0)
        x += rank;
    a.steps.resize(a.starts.size(), 1);
    o.inputs.resize(1);
  }

  void resize(ir::op &o) {
    auto a = o.get<ir::resize_attrs>();
    if (a.mode != "nearest")
      unsupported(o, fmt::format("Resize mode '{}' is not supported (nearest only)", a.mode));
    const auto &in = g_.at(o.input(0));
    const auto &out = g_.at(o.output());
    a.scales.clear();
    for (std::size_t d = 0; d < in.shape.size(); ++d)
      a.scales.push_back(static_cast<double>(out.shape[d]) / static_cast<double>(in.shape[d]));
    if (o.input(2) != ir::no_tensor && g_.at(o.input(2)).is_constant() &&
        g_.at(o.input(2)).elements() > 0)
      a.scales = g_.at(o.input(2)).value->reals();
    o.attrs = a;
    o.inputs.resize(1);
  }

  ir::graph &g_;
};

} // namespace

ir::graph canonicalize_ops(ir::graph g) {
  canonicalizer(g).run();
  return g;
}

} // namespace onnx2hpp::codegen::passes
