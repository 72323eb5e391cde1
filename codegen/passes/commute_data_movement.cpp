// commute_data_movement: data movement on the float side of a DequantizeLinear moves to the
// quantized side.
//
// An op that only moves elements (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Slice, MaxPool,
// nearest Resize, Pad, Concat) commutes with an affine quantization: DQ(x) -> move equals
// move(x) -> DQ, element for element, as long as every element it writes is one of its input's
// (or, for Pad, a constant that is exactly a value of the grid). Producers write it on either
// side: onnxruntime's quantizer leaves DQ -> Reshape -> MatMul, tf2onnx puts Transpose/Reshape
// between Q/DQ pairs. After recognize_qdq the DQ is gone and the op reads the quantized tensor but
// writes a float one; here that output takes its input's element type and quantization, so
// whatever reads it (a MatMul/Gemm/Conv, another move, a QuantizeLinear already merged, a float
// graph output through a boundary `dequantize`) sees the quantized value the float one stood for.
//
// A move that would not be exact stays as it is (its float output is then refused by
// check_supported, naming the node), with a warning saying why it was not moved: Concat of
// differently quantized inputs, Pad with a constant off the grid, a non-nearest Resize, a
// per-channel quantization through anything but Reshape/Transpose.

#include "ir/transpose.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

bool is_move(op_kind k) {
  switch (k) {
  case op_kind::reshape:
  case op_kind::transpose:
  case op_kind::slice:
  case op_kind::max_pool:
  case op_kind::resize:
  case op_kind::pad:
  case op_kind::concat:
    return true;
  default:
    return false;
  }
}

/// The operands an op moves: every input of Concat, the first of the others (the rest are
/// constant shapes, pads, scales).
std::vector<ir::tensor_id> data_inputs(const ir::op &o) {
  if (o.kind == op_kind::concat)
    return o.inputs;
  return {o.input(0)};
}

/// The axis of `out` that holds axis `axis` of `in` after a reshape (same extent, same number of
/// elements in front of it), if there is one.
std::optional<int> reshaped_axis(const ir::shape_t &in, const ir::shape_t &out, int axis) {
  std::int64_t before = 1;
  for (int d = 0; d < axis; ++d)
    before *= in[static_cast<std::size_t>(d)];
  std::int64_t running = 1;
  for (std::size_t d = 0; d < out.size(); ++d) {
    if (running == before && out[d] == in[static_cast<std::size_t>(axis)])
      return static_cast<int>(d);
    running *= out[d];
  }
  return std::nullopt;
}

class mover {
public:
  explicit mover(ir::graph &g) : g_(g) {}

  void run() {
    for (std::size_t i = 0; i < g_.ops.size(); ++i) {
      if (!is_move(g_.ops[i].kind) || g_.ops[i].outputs.size() != 1)
        continue;
      const auto &out = g_.at(g_.ops[i].output());
      if (!ir::is_float(out.type) || out.quant)
        continue; // already quantized (a QuantizeLinear follows) or not float at all
      auto inputs = data_inputs(g_.ops[i]);
      if (!std::all_of(inputs.begin(), inputs.end(), [&](ir::tensor_id id) {
            return id != ir::no_tensor && g_.at(id).quant &&
                   (g_.at(id).type == ir::dtype::i8 || g_.at(id).type == ir::dtype::u8);
          }))
        continue; // a float op over float tensors: not ours
      auto quant = quantization_after(g_.ops[i]);
      if (!quant) {
        g_.info.warnings.push_back(fmt::format(
            "{} stays on the float side of its DequantizeLinear: {}", where(g_, g_.ops[i]), why_));
        continue;
      }
      move(i, *quant);
    }
    g_.sweep();
  }

private:
  /// The quantization the op's output gets on the int8 side, or nullopt (why_ says why) when the
  /// move would not be exact or the library cannot do it.
  std::optional<ir::quantization> quantization_after(const ir::op &o) {
    const auto &in = g_.at(o.input(0));
    const auto &out = g_.at(o.output());
    auto q = *in.quant;
    bool constant = in.is_constant();
    if (constant && o.kind != op_kind::reshape && o.kind != op_kind::transpose)
      return refuse(fmt::format("its input '{}' is a constant, which onnx2hpp folds only through "
                                "Reshape and Transpose",
                                in.name));
    if (constant && g_.is_output(o.output()))
      return refuse(
          fmt::format("its input '{}' is a constant and its output a graph output", in.name));
    if (o.kind == op_kind::transpose &&
        (!in.shape_known || !ir::is_permutation(o.get<ir::perm_attrs>().perm, in.shape.size())))
      return refuse("its perm is not a permutation of its input's axes");
    if (q.per_channel()) {
      std::optional<int> axis;
      if (o.kind == op_kind::transpose) {
        const auto &perm = o.get<ir::perm_attrs>().perm;
        auto it = std::find(perm.begin(), perm.end(), *q.axis);
        if (it != perm.end())
          axis = static_cast<int>(it - perm.begin());
      } else if (o.kind == op_kind::reshape && in.shape_known && out.shape_known) {
        axis = reshaped_axis(in.shape, out.shape, *q.axis);
      }
      if (!axis)
        return refuse(fmt::format("its input '{}' is quantized per channel (axis {}), and "
                                  "the channels do not stay on one axis of its output",
                                  in.name, *q.axis));
      q.axis = *axis;
    }
    switch (o.kind) {
    case op_kind::concat:
      for (auto id : o.inputs) {
        const auto &t = g_.at(id);
        if (t.is_constant())
          return refuse(fmt::format("its input '{}' is a constant", t.name));
        if (t.type != in.type || !ir::same_quantization(*t.quant, *in.quant))
          return refuse(fmt::format("its inputs are quantized differently ('{}': {} {}, '{}': "
                                    "{} {}); concatenating their float values is a requantization",
                                    in.name, ir::name_of(in.type), ir::to_string(*in.quant), t.name,
                                    ir::name_of(t.type), ir::to_string(*t.quant)));
      }
      break;
    case op_kind::resize:
      if (o.get<ir::resize_attrs>().mode != "nearest")
        return refuse(fmt::format("Resize mode '{}' computes new values (only nearest moves data)",
                                  o.get<ir::resize_attrs>().mode));
      break;
    case op_kind::pad:
      return pad_quantization(o, q);
    default:
      break;
    }
    return q;
  }

  /// Pad: constant mode, and the constant exactly a value of the input's grid (a code c with
  /// fp32((c - zero_point) * scale) == value, as DequantizeLinear computes it).
  std::optional<ir::quantization> pad_quantization(const ir::op &o, const ir::quantization &q) {
    const auto &a = o.get<ir::pad_attrs>();
    if (a.mode != "constant")
      return refuse(fmt::format("Pad mode '{}' (onnx2hpp pads with a constant)", a.mode));
    double value = a.value;
    if (o.input(2) != ir::no_tensor) {
      const auto &v = g_.at(o.input(2));
      if (!v.is_constant() || v.value->size() != 1)
        return refuse("its constant_value is not a one-element constant");
      value = v.value->real_at(0);
      if (v.quant)
        value = (value - v.quant->zero_point_at(0)) * v.quant->scale_at(0);
    }
    const auto &in = g_.at(o.input(0));
    double lo = in.type == ir::dtype::u8 ? 0 : -128, hi = in.type == ir::dtype::u8 ? 255 : 127;
    auto code = std::nearbyint(value / q.scale_at(0)) + q.zero_point_at(0);
    bool exact =
        std::isfinite(code) && code >= lo && code <= hi &&
        static_cast<float>(code - q.zero_point_at(0)) * q.scale_at(0) == static_cast<float>(value);
    if (!exact)
      return refuse(fmt::format("its constant {} is not a value of its input's grid ({})", value,
                                ir::to_string(q)));
    return q;
  }

  std::nullopt_t refuse(std::string why) {
    why_ = std::move(why);
    return std::nullopt;
  }

  /// The op writes its output in the input's element type and `quant`; a constant input is
  /// evaluated; a float graph output is kept behind a boundary `dequantize`.
  void move(std::size_t i, const ir::quantization &quant) {
    auto &o = g_.ops[i];
    const auto &in = g_.at(o.input(0));
    auto out_id = o.output();
    if (in.is_constant()) {
      auto &out = g_.at(out_id);
      if (o.kind == op_kind::transpose) {
        const auto &perm = o.get<ir::perm_attrs>().perm;
        out.shape = ir::permute(in.shape, perm);
        out.value = ir::transpose(*in.value, in.shape, perm);
      } else {
        out.value = *in.value; // reshape: same elements; the output's static shape stays
      }
      out.type = in.type;
      out.quant = quant;
      out.order = ir::layout::plain;
      out.shape_known = true;
      g_.remove(i);
      return;
    }
    auto type = in.type;
    if (g_.is_output(out_id)) {
      ir::tensor moved = g_.at(out_id);
      moved.name += ":quantized";
      moved.type = type;
      moved.quant = quant;
      auto moved_id = g_.add_tensor(std::move(moved));
      g_.replace_uses(out_id, moved_id);
      g_.ops[i].outputs = {moved_id};
      ir::op dequantize;
      dequantize.kind = op_kind::dequantize;
      dequantize.name = g_.ops[i].name + ":dequantize";
      dequantize.onnx_type = "DequantizeLinear";
      dequantize.inputs = {moved_id};
      dequantize.outputs = {out_id};
      g_.insert(i + 1, std::move(dequantize));
      return;
    }
    auto &out = g_.at(out_id);
    out.type = type;
    out.quant = quant;
  }

  ir::graph &g_;
  std::string why_;
};

} // namespace

ir::graph commute_data_movement(ir::graph g) {
  mover(g).run();
  return g;
}

} // namespace onnx2hpp::codegen::passes
