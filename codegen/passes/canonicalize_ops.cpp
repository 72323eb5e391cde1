// canonicalize_ops: ONNX-level ops become the IR's, operands that must be constant become
// attributes.

#include "diagnostics/error.hpp"
#include "ir/transpose.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <algorithm>
#include <cmath>
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
      case op_kind::prelu:
        prelu(g_.ops[i]);
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

  /// Operands that contradict ONNX's definition of the op.
  [[noreturn]] void invalid(const ir::op &o, const std::string &why) const {
    throw error(failure::unreadable_model, fmt::format("{}: {}", where(g_, o), why));
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
    if (o.input(1) != ir::no_tensor && !g_.at(o.input(1)).is_constant()) {
      batch_matmul(index);
      return;
    }
    auto w = dense_weights(o, o.input(1), false, 1.0);
    auto &target = g_.ops[index];
    target.kind = op_kind::dense;
    target.inputs = {o.input(0), w};
    if (o.input(2) != ir::no_tensor) // the int32 bias recognize_integer_ops gave it
      target.inputs.push_back(o.input(2));
    target.attrs = std::monostate{};
    fold_bias_add(index);
  }

  /// MatMul (QDQ, QLinearMatMul) whose B is computed: the library's batch_matmul, A [batch..., M,
  /// K] x B [batch..., K, N] with the batch dimensions broadcast as numpy does.
  void batch_matmul(std::size_t index) {
    const auto o = g_.ops[index];
    const auto &a = g_.at(o.input(0));
    const auto &b = g_.at(o.input(1));
    const auto &y = g_.at(o.output());
    if (a.is_constant())
      unsupported(o, "a MatMul of a constant A and a computed B is not supported (constant "
                     "weights must be the second operand)");
    if (y.type == ir::dtype::i32)
      unsupported(o, "a MatMulInteger of two computed tensors (an int32 result) is not supported; "
                     "its B must be constant weights");
    if (!a.shape_known || !b.shape_known)
      unsupported(o, "a MatMul of two computed tensors needs the shapes of both operands");
    if (a.shape.size() < 2 || b.shape.size() < 2)
      unsupported(o, fmt::format("a MatMul of two computed tensors with a 1-D operand ({} x {}) "
                                 "is not supported: both operands need rank >= 2",
                                 ir::to_string(a.shape), ir::to_string(b.shape)));
    const std::size_t ra = a.shape.size(), rb = b.shape.size();
    if (a.shape[ra - 1] != b.shape[rb - 2])
      unsupported(o, fmt::format("A {} and B {} do not multiply", ir::to_string(a.shape),
                                 ir::to_string(b.shape)));
    const std::size_t rank = std::max(ra, rb) - 2;
    ir::shape_t out(rank);
    for (std::size_t d = 0; d < rank; ++d) {
      const std::int64_t ea = d + ra - 2 >= rank ? a.shape[d + ra - 2 - rank] : 1;
      const std::int64_t eb = d + rb - 2 >= rank ? b.shape[d + rb - 2 - rank] : 1;
      if (ea != eb && ea != 1 && eb != 1)
        unsupported(o, fmt::format("the batch dimensions of A {} and B {} cannot be broadcast "
                                   "together",
                                   ir::to_string(a.shape), ir::to_string(b.shape)));
      out[d] = ea == 1 ? eb : ea;
    }
    out.push_back(a.shape[ra - 2]);
    out.push_back(b.shape[rb - 1]);
    if (y.shape_known && y.shape != out)
      unsupported(o, fmt::format("its output is stored as {} but A {} x B {} gives {}",
                                 ir::to_string(y.shape), ir::to_string(a.shape),
                                 ir::to_string(b.shape), ir::to_string(out)));
    if (!y.shape_known) {
      auto &written = g_.at(o.output());
      written.shape = out;
      written.shape_known = true;
      written.order = out.size() == 4 ? ir::layout::nchw : ir::layout::plain; // as imported
    }
    for (const auto *t : {&a, &b})
      if (t->quant && t->quant->per_channel())
        unsupported(o, fmt::format("'{}' is quantized per channel; a MatMul of two computed "
                                   "tensors needs both quantized per tensor",
                                   t->name));
    auto &target = g_.ops[index];
    target.kind = op_kind::batch_matmul;
    target.inputs = {o.input(0), o.input(1)};
    target.attrs = std::monostate{};
  }

  /// MatMul -> float Add of a constant -> QuantizeLinear (tf2onnx's FullyConnected, where the
  /// quantizer left the bias in float): the constant is the dense layer's bias (re-expressed in
  /// the accumulator's scale by lowering) and the Add disappears.
  void fold_bias_add(std::size_t index) {
    auto f = g_.ops[index].output();
    const auto &t = g_.at(f);
    if (t.quant || !ir::is_float(t.type) || g_.is_output(f) || g_.ops[index].inputs.size() > 2)
      return;
    auto readers = g_.consumers(f);
    if (readers.size() != 1 || g_.ops[readers[0]].kind != op_kind::add ||
        g_.ops[readers[0]].inputs.size() != 2)
      return;
    const auto add = g_.ops[readers[0]];
    auto bias = add.input(0) == f ? add.input(1) : add.input(0);
    if (bias == f || !g_.at(bias).is_constant() || !g_.at(add.output()).quant)
      return;
    auto units = g_.at(g_.ops[index].input(1)).shape[0];
    auto b = dense_bias(add, bias, 1.0, units);
    auto &target = g_.ops[index];
    target.inputs.push_back(b);
    target.outputs = {add.output()};
    target.fused.push_back(fmt::format("Add {}", add.name));
    g_.remove(readers[0]);
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

  /// PRelu with one slope for every element: x > 0 ? x : slope * x, which is LeakyRelu with
  /// alpha = slope (both give 0 at 0). The slope's real value is what DequantizeLinear gives
  /// onnxruntime, fp32(q - zero_point) * scale, when it is quantized.
  void prelu(ir::op &o) {
    const auto &slope = constant_operand(o, 1, "slope");
    if (slope.elements() != 1)
      unsupported(o, fmt::format("PRelu with a slope of shape {} is not supported (only a "
                                 "single slope for every element)",
                                 ir::to_string(slope.shape)));
    auto a = o.get<ir::activation>();
    a.alpha = slope.value->real_at(0);
    if (slope.quant)
      a.alpha =
          static_cast<float>(a.alpha - slope.quant->zero_point_at(0)) * slope.quant->scale_at(0);
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
    if (o.input(3) != ir::no_tensor) {
      // opset 18+: `pads` holds [begins..., ends...] of the listed axes only (negative counts
      // from the back); every other axis is not padded.
      const auto rank = static_cast<std::int64_t>(g_.at(o.input(0)).shape.size());
      auto axes = constant_operand(o, 3, "axes").value->ints();
      if (a.pads.size() != 2 * axes.size())
        unsupported(o, fmt::format("its pads operand has {} values for {} axes", a.pads.size(),
                                   axes.size()));
      std::vector<std::int64_t> pads(2 * static_cast<std::size_t>(rank), 0);
      for (std::size_t k = 0; k < axes.size(); ++k) {
        auto x = axes[k] < 0 ? axes[k] + rank : axes[k];
        if (x < 0 || x >= rank)
          unsupported(
              o, fmt::format("axis {} is out of range for a tensor of rank {}", axes[k], rank));
        pads[static_cast<std::size_t>(x)] = a.pads[k];
        pads[static_cast<std::size_t>(x + rank)] = a.pads[k + axes.size()];
      }
      a.pads = pads;
    }
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
    const auto n = a.starts.size();
    if (a.ends.size() != n || (!a.axes.empty() && a.axes.size() != n) ||
        (!a.steps.empty() && a.steps.size() != n) ||
        (a.axes.empty() && static_cast<std::int64_t>(n) > rank))
      invalid(o, fmt::format("its starts, ends, axes and steps have {}, {}, {} and {} values (for "
                             "a tensor of rank {})",
                             n, a.ends.size(), a.axes.size(), a.steps.size(), rank));
    if (a.axes.empty())
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i)
        a.axes.push_back(i);
    std::vector<bool> sliced(static_cast<std::size_t>(rank), false);
    for (auto &x : a.axes) {
      if (x < -rank || x >= rank)
        invalid(o, fmt::format("axis {} is outside [{}, {}) for a tensor of rank {}", x, -rank,
                               rank, rank));
      if (x < 0)
        x += rank;
      if (sliced[static_cast<std::size_t>(x)])
        invalid(o, fmt::format("axis {} is sliced twice", x));
      sliced[static_cast<std::size_t>(x)] = true;
    }
    a.steps.resize(n, 1);
    o.inputs.resize(1);
  }

  /// Resize: one float scale per input axis and the output extents, exactly as onnxruntime
  /// derives them (upsamplebase.h): the scales operand on `axes` (1 elsewhere), extents
  /// int64(scale · float(extent)); or the sizes operand, scales float(size) / float(extent),
  /// with keep_aspect_ratio_policy not_larger/not_smaller taking the min/max scale over `axes`
  /// and extents round(scale · extent). The output's stored shape must agree; a missing one is
  /// set.
  void resize(ir::op &o) {
    auto a = o.get<ir::resize_attrs>();
    if (a.mode != "nearest")
      unsupported(o, fmt::format("Resize mode '{}' is not supported (nearest only)", a.mode));
    const auto in_shape = g_.at(o.input(0)).shape;
    const auto in_order = g_.at(o.input(0)).order;
    const auto rank = static_cast<std::int64_t>(in_shape.size());
    if (in_shape.empty() || !g_.at(o.input(0)).shape_known)
      unsupported(o, "the shape of its input is not known");
    std::vector<std::size_t> axes;
    for (auto x : a.axes) {
      if (x < -rank || x >= rank)
        unsupported(o, fmt::format("axis {} is out of range for a tensor of rank {}", x, rank));
      axes.push_back(static_cast<std::size_t>(x < 0 ? x + rank : x));
    }
    if (axes.empty())
      for (std::size_t d = 0; d < in_shape.size(); ++d)
        axes.push_back(d);
    std::vector<float> scales(in_shape.size(), 1.0f);
    std::vector<std::int64_t> out_shape = in_shape;
    auto present = [&](std::size_t i) {
      return o.input(i) != ir::no_tensor && g_.at(o.input(i)).elements() > 0;
    };
    auto operand = [&](std::size_t i, const char *role) {
      const auto &t = constant_operand(o, i, role);
      if (static_cast<std::size_t>(t.elements()) != axes.size())
        unsupported(o, fmt::format("its {} operand has {} values for {} axes", role, t.elements(),
                                   axes.size()));
      return t.value;
    };
    if (present(a.scales_input)) {
      auto v = operand(a.scales_input, "scales")->reals();
      for (std::size_t k = 0; k < axes.size(); ++k) {
        auto d = axes[k];
        scales[d] = static_cast<float>(v[k]);
        const float extent = scales[d] * static_cast<float>(in_shape[d]);
        if (!(scales[d] > 0.0f) || !(extent < static_cast<float>(ir::max_tensor_elements)))
          unsupported(o, fmt::format("scale {} is not positive, or makes axis {} of {} larger "
                                     "than onnx2hpp accepts",
                                     v[k], d, ir::to_string(in_shape)));
        out_shape[d] = static_cast<std::int64_t>(extent); // onnxruntime
      }
    } else if (a.scales_input == 2 && present(3)) {
      auto v = operand(3, "sizes")->ints();
      for (std::size_t k = 0; k < axes.size(); ++k) {
        auto d = axes[k];
        out_shape[d] = v[k];
        scales[d] = static_cast<float>(v[k]) / static_cast<float>(in_shape[d]);
      }
      if (a.keep_aspect_ratio_policy == "not_larger" ||
          a.keep_aspect_ratio_policy == "not_smaller") {
        bool smaller = a.keep_aspect_ratio_policy == "not_larger";
        float s = scales[axes[0]];
        for (auto d : axes)
          s = smaller ? std::min(s, scales[d]) : std::max(s, scales[d]);
        for (auto d : axes) {
          scales[d] = s;
          out_shape[d] = static_cast<std::int64_t>(std::round(s * static_cast<float>(in_shape[d])));
        }
      } else if (a.keep_aspect_ratio_policy != "stretch") {
        unsupported(o, fmt::format("keep_aspect_ratio_policy '{}' is not an ONNX policy",
                                   a.keep_aspect_ratio_policy));
      }
    } else {
      unsupported(o, "neither its scales nor its sizes operand is given as a constant");
    }
    for (auto e : out_shape)
      if (e <= 0)
        unsupported(o, fmt::format("the output shape {} is empty", ir::to_string(out_shape)));
    auto &out = g_.at(o.output());
    if (out.shape.size() != out_shape.size() || !out.shape_known) {
      out.shape = out_shape;
      out.shape_known = true;
      out.order = in_order;
    } else if (out.shape != out_shape)
      throw error(failure::unsupported_model,
                  fmt::format("{}: its output is stored as {} but the scales/sizes give {}",
                              where(g_, o), ir::to_string(out.shape), ir::to_string(out_shape)));
    a.scales.assign(scales.begin(), scales.end());
    a.axes.clear();
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
