// recognize_qdq: QuantizeLinear/DequantizeLinear pairs become quantized tensors.
//
// The reading: in a QDQ graph a float tensor f = DequantizeLinear(x) stands for the integer tensor
// x with x's scale and zero point, and QuantizeLinear(f) -> y says "the op producing f really
// produces y". So every DQ is replaced by its input (which gains the DQ's quantization) and every
// Q is merged into the op in front of it (whose output becomes the quantized tensor). What
// remains at the boundaries stays as explicit ops: quantize of a float graph input, dequantize
// into a float graph output, requantize between two quantized tensors.

#include "diagnostics/error.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

/// The element type QuantizeLinear produces: its zero point's, uint8 when there is none.
ir::dtype quantized_type(const ir::graph &g, const ir::op &q) {
  return q.input(2) != ir::no_tensor ? g.at(q.input(2)).type : ir::dtype::u8;
}

std::int64_t axis_of(const ir::op &o) {
  return o.get<ir::axis_attrs>().axis;
}

/// QuantizeLinear of a float constant (weights exported in float with a Q -> DQ pair): evaluated,
/// rounding half to even and saturating, as ONNX specifies.
void quantize_constant(ir::graph &g, std::size_t index) {
  const auto &q = g.ops[index];
  auto out = q.output();
  auto quant = read_quantization(g, q, q.input(1), q.input(2), axis_of(q), q.input(0));
  const auto &in = g.at(q.input(0));
  auto type = quantized_type(g, q);
  auto lo = type == ir::dtype::u8 ? 0.0 : -128.0, hi = type == ir::dtype::u8 ? 255.0 : 127.0;
  if (type == ir::dtype::i32) {
    lo = -2147483648.0;
    hi = 2147483647.0;
  }
  auto values = in.value->reals();
  std::int64_t inner = 1;
  if (quant.axis)
    for (std::size_t d = static_cast<std::size_t>(*quant.axis) + 1; d < in.shape.size(); ++d)
      inner *= in.shape[d];
  std::vector<std::int64_t> quantized(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto channel = quant.axis ? (i / static_cast<std::size_t>(inner)) % quant.scale.size() : 0;
    auto v = std::nearbyint(values[i] / quant.scale_at(channel)) + quant.zero_point_at(channel);
    quantized[i] = static_cast<std::int64_t>(std::clamp(v, lo, hi));
  }
  auto &t = g.at(out);
  t.value = ir::constant_data::of(type, quantized);
  t.type = type;
  t.shape = in.shape;
  t.order = ir::layout::plain;
  t.quant = quant;
  t.shape_known = true;
  g.remove(index);
}

void recognize_dequantize(ir::graph &g, std::size_t index) {
  auto &dq = g.ops[index];
  auto x = dq.input(0);
  auto f = dq.output();
  attach_quantization(g, dq, x, read_quantization(g, dq, dq.input(1), dq.input(2), axis_of(dq), x));
  g.replace_uses(f, x);
  if (g.is_output(f) && !g.at(x).is_constant()) {
    // The float graph output stays: a boundary `dequantize` of the quantized tensor.
    dq.inputs = {x};
    dq.attrs = std::monostate{};
    return;
  }
  if (g.is_output(f))
    throw error(failure::unsupported_model,
                fmt::format("{}: a graph output that is a dequantized constant is not supported",
                            where(g, dq)));
  g.remove(index);
}

/// The tensor a QuantizeLinear writes gets its type and quantization (before any DQ reads it, so
/// that readers are checked against the producer).
void quantize_output(ir::graph &g, const ir::op &q) {
  auto y = q.output();
  g.at(y).type = quantized_type(g, q);
  attach_quantization(g, q, y, read_quantization(g, q, q.input(1), q.input(2), axis_of(q), y));
  // onnxruntime on x86 (QDQS8ToU8Transformer) stores an int8 Q -> DQ pair as uint8 when the Q is
  // read by that DQ alone and both have one, equal zero point: its QLinearAdd then computes on
  // uint8 codes (add_params::code_offset; uint8_to_int8 sets it for uint8 tensors).
  const auto readers = g.consumers(y);
  const auto &yq = *g.at(y).quant;
  if (g.at(y).type == ir::dtype::i8 && !yq.per_channel() && readers.size() == 1 &&
      !g.is_output(y)) {
    const auto &dq = g.ops[readers[0]];
    if (dq.kind == op_kind::dequantize && dq.inputs.size() > 2 && dq.input(2) != ir::no_tensor &&
        g.at(dq.input(2)).is_constant() && g.at(dq.input(2)).value->ints() ==
                                               std::vector<std::int64_t>{yq.zero_point_at(0)})
      g.at(y).code_offset = 128;
  }
}

/// Q(Transpose(x)) with x a float graph input read by nothing else (tf2onnx: an NHWC input
/// transposed to NCHW before QuantizeLinear): a layout change commutes with a per-tensor
/// quantization, so x is quantized at the boundary and the transpose moves the int8 codes.
bool quantize_before_layout_change(ir::graph &g, std::size_t q_index, std::size_t producer) {
  const auto &p = g.ops[producer];
  const auto &q = g.ops[q_index];
  if (p.kind != op_kind::transpose || p.inputs.size() != 1 || !g.is_input(p.input(0)) ||
      !ir::is_float(g.at(p.input(0)).type) || !g.only_read_by(p.input(0), producer) ||
      !g.only_read_by(q.input(0), q_index))
    return false;
  const auto &out = g.at(q.output());
  if (!out.quant || out.quant->per_channel())
    return false;
  ir::tensor codes = g.at(p.input(0));
  codes.name += ":quantized";
  codes.type = out.type;
  codes.quant = out.quant;
  auto codes_id = g.add_tensor(std::move(codes));
  ir::op boundary = g.ops[q_index];
  boundary.inputs = {g.ops[producer].input(0)};
  boundary.outputs = {codes_id};
  g.ops[producer].inputs = {codes_id};
  g.ops[producer].outputs = {g.ops[q_index].output()};
  g.remove(q_index);
  g.insert(producer, std::move(boundary));
  return true;
}

void recognize_quantize(ir::graph &g, std::size_t index) {
  auto &q = g.ops[index];
  auto f = q.input(0);
  const auto &out = g.at(q.output());
  q.inputs = {f};
  q.attrs = std::monostate{};

  const auto &in = g.at(f);
  if (g.is_input(f) && ir::is_float(in.type))
    return; // boundary: float graph input -> quantized
  if (in.quant && ir::is_integer(in.type)) {
    // Q(DQ(x)): a requantization, or nothing at all when both sides agree.
    q.kind = op_kind::requantize;
    if (in.type == out.type && ir::same_quantization(*in.quant, *out.quant))
      g.bypass(index);
    return;
  }
  auto producer = g.producer(f);
  if (producer && !g.is_output(f) && quantize_before_layout_change(g, index, *producer))
    return;
  if (!producer || g.is_output(f))
    throw error(
        failure::unsupported_model,
        fmt::format("{}: quantizes '{}', which is {}; onnx2hpp expects QuantizeLinear "
                    "to follow an op or a float graph input",
                    where(g, q), in.name,
                    g.is_output(f) ? "also a float graph output" : "not computed by an op"));
  // The producer writes the quantized tensor; any other reader of the float value reads the
  // quantized one instead (the value it stood for).
  g.merge_tensors(q.output(), f);
  g.remove(index);
}

} // namespace

ir::graph recognize_qdq(ir::graph g) {
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (g.ops[i].kind == op_kind::quantize && g.ops[i].inputs.size() > 1 &&
        g.at(g.ops[i].input(0)).is_constant())
      quantize_constant(g, i);
  for (const auto &o : g.ops)
    if (o.kind == op_kind::quantize && o.inputs.size() > 1)
      quantize_output(g, o);
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (g.ops[i].kind == op_kind::dequantize && g.ops[i].inputs.size() > 1)
      recognize_dequantize(g, i);
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (g.ops[i].kind == op_kind::quantize && g.ops[i].inputs.size() > 1)
      recognize_quantize(g, i);
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
