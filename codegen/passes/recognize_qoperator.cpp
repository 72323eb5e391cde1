// recognize_qoperator: QLinear*/…Integer ops become plain ops over quantized tensors.
//
// A QOperator node carries the quantization of each operand as extra (scale, zero point) inputs.
// Those move onto the tensors, the node keeps only its data operands and turns into the op it
// computes: QLinearConv -> conv, QLinearAdd -> add, ... ConvInteger and MatMulInteger produce raw
// int32 accumulators: their output keeps type i32 and has no quantization. Those whose result is
// Cast to float are left to recognize_integer_ops (their scales are in the Mul after the Cast).

#include "diagnostics/error.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

class recognizer {
public:
  explicit recognizer(ir::graph &g) : g_(g) {}

  void run() {
    for (std::size_t i = 0; i < g_.ops.size(); ++i)
      rewrite(g_.ops[i]);
    g_.sweep();
  }

private:
  /// Gives `data` the quantization of operands (scale, zero point); per-channel along `axis`.
  void quantize_operand(const ir::op &o, std::size_t data, std::size_t scale,
                        std::optional<std::size_t> zero_point, std::int64_t axis = 0) {
    auto zp = zero_point ? o.input(*zero_point) : ir::no_tensor;
    attach_quantization(g_, o, o.input(data),
                        read_quantization(g_, o, o.input(scale), zp, axis, o.input(data)));
  }

  /// The output tensor gets its quantization and, when the zero point says so, its type.
  void quantize_output(const ir::op &o, std::size_t scale, std::size_t zero_point) {
    auto y = o.output();
    if (o.input(zero_point) != ir::no_tensor)
      g_.at(y).type = g_.at(o.input(zero_point)).type;
    attach_quantization(g_, o, y,
                        read_quantization(g_, o, o.input(scale), o.input(zero_point), 0, y));
  }

  /// The int32 bias of QLinearConv is in the accumulator's scale: input scale * weight scale.
  void quantize_bias(const ir::op &o, ir::tensor_id bias, ir::tensor_id x, ir::tensor_id w) {
    if (bias == ir::no_tensor)
      return;
    const auto &xq = *g_.at(x).quant;
    const auto &wq = *g_.at(w).quant;
    ir::quantization q;
    for (std::size_t c = 0; c < wq.scale.size(); ++c) {
      q.scale.push_back(xq.scale_at(0) * wq.scale[c]);
      q.zero_point.push_back(0);
    }
    if (wq.per_channel())
      q.axis = 0;
    attach_quantization(g_, o, bias, q);
  }

  /// ConvInteger/MatMulInteger: only zero points are given; scales are 1 unless the tensor
  /// already has a quantization from its producer.
  void zero_point_only(const ir::op &o, std::size_t data, std::size_t zero_point,
                       std::int64_t axis) {
    auto id = o.input(data);
    auto zp = o.input(zero_point);
    std::vector<std::int64_t> zps{0};
    if (zp != ir::no_tensor)
      zps = constant_ints(g_, o, zp, "zero point");
    auto &t = g_.at(id);
    if (t.quant) {
      if (zps.size() == 1 && t.quant->zero_point.size() == 1 && t.quant->zero_point[0] == zps[0])
        return;
      throw error(failure::invalid_quantization,
                  fmt::format("{}: zero point of '{}' disagrees with the one its producer gave it",
                              where(g_, o), t.name));
    }
    ir::quantization q;
    for (auto z : zps) {
      q.scale.push_back(1.0f);
      q.zero_point.push_back(static_cast<std::int32_t>(z));
    }
    if (zps.size() > 1) {
      auto a = axis < 0 ? axis + static_cast<std::int64_t>(t.shape.size()) : axis;
      if (a < 0 || t.shape[static_cast<std::size_t>(a)] != static_cast<std::int64_t>(zps.size()))
        throw error(failure::invalid_quantization,
                    fmt::format("{}: per-channel zero point of '{}' has {} values, which does not "
                                "match its shape {}",
                                where(g_, o), t.name, zps.size(), ir::to_string(t.shape)));
      q.axis = static_cast<int>(a);
    }
    t.quant = q;
  }

  void keep_inputs(ir::op &o, std::vector<std::size_t> which, op_kind kind) {
    std::vector<ir::tensor_id> kept;
    for (auto i : which)
      kept.push_back(o.input(i));
    o.inputs = std::move(kept);
    o.kind = kind;
  }

  void rewrite(ir::op &o) {
    switch (o.kind) {
    case op_kind::qlinear_conv:
      // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B
      quantize_operand(o, 0, 1, 2);
      quantize_operand(o, 3, 4, 5, 0);
      quantize_output(o, 6, 7);
      quantize_bias(o, o.input(8), o.input(0), o.input(3));
      keep_inputs(o, {0, 3, 8}, op_kind::conv);
      break;
    case op_kind::qlinear_matmul:
      // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point
      quantize_operand(o, 0, 1, 2);
      quantize_operand(o, 3, 4, 5, -1); // per output column
      quantize_output(o, 6, 7);
      keep_inputs(o, {0, 3}, op_kind::matmul);
      break;
    case op_kind::conv_integer:
      // x, w, x_zero_point, w_zero_point -> int32
      if (integer_op_to_float(g_, o))
        break; // the scales are in the float Mul after it: recognize_integer_ops
      zero_point_only(o, 0, 2, 1);
      zero_point_only(o, 1, 3, 0);
      keep_inputs(o, {0, 1}, op_kind::conv);
      break;
    case op_kind::matmul_integer:
      // A, B, a_zero_point, b_zero_point -> int32
      if (integer_op_to_float(g_, o))
        break; // the scales are in the float Mul after it: recognize_integer_ops
      zero_point_only(o, 0, 2, -1);
      zero_point_only(o, 1, 3, -1);
      keep_inputs(o, {0, 1}, op_kind::matmul);
      break;
    case op_kind::qlinear_add:
    case op_kind::qlinear_mul:
      // A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, C_zero_point
      quantize_operand(o, 0, 1, 2);
      quantize_operand(o, 3, 4, 5);
      quantize_output(o, 6, 7);
      keep_inputs(o, {0, 3}, o.kind == op_kind::qlinear_add ? op_kind::add : op_kind::mul);
      break;
    case op_kind::qlinear_global_average_pool:
    case op_kind::qlinear_average_pool:
    case op_kind::qlinear_activation:
      // X, x_scale, x_zero_point, y_scale, y_zero_point
      quantize_operand(o, 0, 1, 2);
      quantize_output(o, 3, 4);
      keep_inputs(o, {0},
                  o.kind == op_kind::qlinear_global_average_pool ? op_kind::global_average_pool
                  : o.kind == op_kind::qlinear_average_pool      ? op_kind::average_pool
                                                                 : op_kind::activation);
      break;
    case op_kind::qlinear_concat: {
      // Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per input
      quantize_output(o, 0, 1);
      std::vector<std::size_t> data;
      for (std::size_t i = 2; i + 2 < o.inputs.size(); i += 3) {
        quantize_operand(o, i, i + 1, i + 2);
        data.push_back(i);
      }
      keep_inputs(o, data, op_kind::concat);
      break;
    }
    case op_kind::qgemm: {
      // A, a_scale, a_zero_point, B, b_scale, b_zero_point, C, y_scale, y_zero_point
      if (o.input(7) == ir::no_tensor)
        throw error(failure::unsupported_model,
                    fmt::format("{}: QGemm without y_scale produces float; only quantized outputs "
                                "are supported",
                                where(g_, o)));
      bool trans_b = o.get<ir::gemm_attrs>().trans_b;
      quantize_operand(o, 0, 1, 2);
      quantize_operand(o, 3, 4, 5, trans_b ? 0 : 1);
      quantize_output(o, 7, 8);
      quantize_bias(o, o.input(6), o.input(0), o.input(3));
      keep_inputs(o, {0, 3, 6}, op_kind::gemm);
      break;
    }
    default:
      break;
    }
  }

  ir::graph &g_;
};

} // namespace

ir::graph recognize_qoperator(ir::graph g) {
  recognizer(g).run();
  return g;
}

} // namespace onnx2hpp::codegen::passes
