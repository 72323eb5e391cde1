// recognize_integer_ops: ConvInteger/MatMulInteger -> Cast(float) -> Mul(scale) [-> Add(bias)]
// becomes the conv/dense it stands for.
//
// onnxruntime's integer-op quantization writes a layer as
//   x (uint8/int8) -> ConvInteger(x_zp, w_zp) -> int32 acc -> Cast(float) -> Mul(M = x_s * w_s)
//   [-> Add(float bias b)] [-> Relu/Clip/...] -> QuantizeLinear(y_s, y_zp)
// and computes it in float, op by op: q = round(fp32(fp32(fp32(acc) * M) + b) / y_s) + y_zp.
// Here x keeps the quantization its producer gave it (through data-movement ops such as Flatten),
// the weights get the scale M / x_s and the integers round(b / M) become the bias in the
// accumulator scale M; the conv/dense writes the tensor the chain ends in, so the activation and
// the QuantizeLinear join it as in any QDQ model. The library then computes
//   round(fp32(acc + round(b / M)) * fp32(fp32(x_s * w_s) / y_s)) + y_zp.
// Not bit-exact: b moves to the accumulator grid (by at most M / 2, i.e. M / (2 y_s) output
// steps) and the scale is applied as one product instead of a product and a division, so an
// output that onnxruntime puts within about that distance of a rounding tie can be one step away.
//
// A chain that ends in a float graph output (no QuantizeLinear) keeps the int32 accumulator as the
// layer's output, dequantized at the boundary as M * (acc - zero_point) with zero_point =
// -round(b / M): fp32(acc + round(b / M)) * M against onnxruntime's fp32(fp32(acc) * M) + b, at
// most M / 2 (plus fp32 rounding) apart.

#include "diagnostics/error.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <optional>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

[[noreturn]] void unsupported(const ir::graph &g, const ir::op &o, const std::string &why) {
  throw error(failure::unsupported_model, fmt::format("{}: {}", where(g, o), why));
}

/// The op reading `id`, when exactly one does and `id` is not a graph output.
std::optional<std::size_t> sole_reader(const ir::graph &g, ir::tensor_id id) {
  if (g.is_output(id))
    return std::nullopt;
  auto readers = g.consumers(id);
  if (readers.size() != 1)
    return std::nullopt;
  return readers[0];
}

/// The float constant operand of the binary op `o` other than `data`, or no_tensor.
ir::tensor_id constant_operand(const ir::graph &g, const ir::op &o, ir::tensor_id data) {
  if (o.inputs.size() != 2)
    return ir::no_tensor;
  auto other = o.input(0) == data ? o.input(1) : o.input(0);
  if (other == data || !g.at(other).is_constant() || !ir::is_float(g.at(other).type))
    return ir::no_tensor;
  return other;
}

/// The values of constant `c`, broadcast (numpy rules) against a result of rank `rank` whose
/// channels run along `axis`: one per channel, or nothing when `c` varies along another axis.
std::optional<std::vector<double>> per_channel(const ir::tensor &c, std::size_t rank,
                                               std::size_t axis, std::size_t channels) {
  auto v = c.value->reals();
  if (v.size() == 1)
    return std::vector<double>(channels, v[0]);
  if (c.shape.size() > rank || v.size() != channels)
    return std::nullopt;
  auto offset = rank - c.shape.size();
  for (std::size_t d = 0; d < c.shape.size(); ++d)
    if (d + offset != axis && c.shape[d] != 1)
      return std::nullopt;
  return v;
}

bool moves_values(op_kind k) {
  return k == op_kind::reshape || k == op_kind::transpose || k == op_kind::slice ||
         k == op_kind::max_pool;
}

/// The quantization of the integer tensor `x`: its own, or that of the tensor a chain of
/// data-movement ops copied it from (those ops keep integer values; the tensors on the way get it
/// too); scale 1 and `zero_point` when nothing gave it one (an integer graph input).
ir::quantization input_quantization(ir::graph &g, ir::tensor_id x, std::int32_t zero_point) {
  std::vector<ir::tensor_id> path{x};
  auto id = x;
  while (!g.at(id).quant) {
    auto p = g.producer(id);
    if (!p || !moves_values(g.ops[*p].kind))
      break;
    id = g.ops[*p].input(0);
    path.push_back(id);
  }
  auto q = g.at(id).quant ? *g.at(id).quant : ir::quantization::per_tensor(1.0f, zero_point);
  for (auto t : path)
    if (!g.at(t).quant)
      g.at(t).quant = q;
  return q;
}

/// Per tensor when every channel has the same scale and zero point, else per channel along
/// `axis`.
ir::quantization make_quantization(const std::vector<float> &scales,
                                   const std::vector<std::int32_t> &zero_points, int axis) {
  bool uniform =
      std::all_of(scales.begin(), scales.end(), [&](float s) { return s == scales.front(); }) &&
      std::all_of(zero_points.begin(), zero_points.end(),
                  [&](std::int32_t z) { return z == zero_points.front(); });
  if (uniform)
    return ir::quantization::per_tensor(scales.front(), zero_points.front());
  return {scales, zero_points, axis};
}

void rewrite(ir::graph &g, std::size_t index) {
  const ir::op o = g.ops[index];
  const bool conv = o.kind == op_kind::conv_integer;
  const auto &w = g.at(o.input(1));
  if (!w.is_constant() || w.shape.size() != (conv ? 4u : 2u))
    unsupported(g, o,
                fmt::format("its weights '{}' must be a constant of rank {} to fold the float "
                            "scale after it into a {}",
                            w.name, conv ? 4 : 2, conv ? "conv" : "dense layer"));
  const auto channels = static_cast<std::size_t>(conv ? w.shape[0] : w.shape[1]);
  const auto rank = g.at(o.output()).shape.size();
  const auto axis = conv ? std::size_t{1} : rank - 1;
  const auto &cast = g.ops[*sole_reader(g, o.output())];
  const char *pattern = "onnx2hpp folds its int32 result only through Cast(float) -> Mul by a "
                        "constant scale (per tensor or per output channel) [-> Add of a constant "
                        "bias], as onnxruntime's integer-op quantization writes it";

  // Cast -> Mul(M)
  auto mul_index = sole_reader(g, cast.output());
  ir::tensor_id scale = ir::no_tensor;
  if (mul_index && g.ops[*mul_index].kind == op_kind::mul)
    scale = constant_operand(g, g.ops[*mul_index], cast.output());
  if (scale == ir::no_tensor)
    unsupported(g, o,
                fmt::format("{}; Cast '{}' is not read by such a Mul alone", pattern, cast.name));
  const auto mul = g.ops[*mul_index];
  auto m = per_channel(g.at(scale), rank, axis, channels);
  if (!m)
    unsupported(g, o,
                fmt::format("{}; the scale '{}' of Mul '{}' has shape {}", pattern,
                            g.at(scale).name, mul.name, ir::to_string(g.at(scale).shape)));
  for (auto s : *m)
    if (!std::isfinite(s) || s <= 0.0)
      unsupported(g, o,
                  fmt::format("the scale '{}' of Mul '{}' has the value {}; only positive "
                              "finite scales are supported",
                              g.at(scale).name, mul.name, s));

  // [-> Add(b)]
  std::optional<std::size_t> add_index;
  std::optional<std::vector<double>> b;
  if (auto r = sole_reader(g, mul.output()); r && g.ops[*r].kind == op_kind::add) {
    auto bias = constant_operand(g, g.ops[*r], mul.output());
    if (bias != ir::no_tensor && (b = per_channel(g.at(bias), rank, axis, channels)))
      add_index = r;
  }
  const auto last = add_index ? g.ops[*add_index].output() : mul.output();

  // x keeps its producer's quantization; its zero point must be the one the op subtracts.
  std::int32_t x_zp = 0;
  if (o.input(2) != ir::no_tensor) {
    auto zps = constant_ints(g, o, o.input(2), "input zero point");
    if (zps.size() != 1)
      unsupported(g, o, "a per-row input zero point is not supported");
    x_zp = static_cast<std::int32_t>(zps[0]);
  }
  auto xq = input_quantization(g, o.input(0), x_zp);
  if (xq.per_channel() || xq.zero_point_at(0) != x_zp)
    throw error(failure::invalid_quantization,
                fmt::format("{}: input zero point {} of '{}' disagrees with the quantization "
                            "its producer gave it ({})",
                            where(g, o), x_zp, g.at(o.input(0)).name, ir::to_string(xq)));
  const double x_scale = xq.scale_at(0);

  // Weights: scale M / x_scale, the op's zero points (per tensor or per output channel).
  std::vector<std::int64_t> w_zps{0};
  if (o.input(3) != ir::no_tensor)
    w_zps = constant_ints(g, o, o.input(3), "weight zero point");
  if (w_zps.size() != 1 && w_zps.size() != channels)
    throw error(failure::invalid_quantization,
                fmt::format("{}: the weight zero point has {} values for {} output channels",
                            where(g, o), w_zps.size(), channels));
  std::vector<float> w_scales, accumulator_scales;
  std::vector<std::int32_t> w_zero_points, zeros(channels, 0);
  for (std::size_t c = 0; c < channels; ++c) {
    w_scales.push_back(static_cast<float>((*m)[c] / x_scale));
    accumulator_scales.push_back(static_cast<float>((*m)[c]));
    w_zero_points.push_back(static_cast<std::int32_t>(w_zps[w_zps.size() == 1 ? 0 : c]));
  }
  attach_quantization(g, o, o.input(1), make_quantization(w_scales, w_zero_points, conv ? 0 : 1));

  // The bias in the accumulator's scale M: round(b / M), half to even.
  std::vector<std::int64_t> bias(channels, 0);
  if (b)
    for (std::size_t c = 0; c < channels; ++c) {
      auto v = std::nearbyint((*b)[c] / (*m)[c]);
      if (!(v > -2147483648.0 && v <= 2147483647.0))
        unsupported(g, o,
                    fmt::format("bias channel {} ({}) does not fit int32 in the accumulator "
                                "scale {}",
                                c, (*b)[c], (*m)[c]));
      bias[c] = static_cast<std::int64_t>(v);
    }

  ir::op layer = o;
  layer.kind = conv ? op_kind::conv : op_kind::matmul;
  layer.inputs = {o.input(0), o.input(1)};
  layer.fused.push_back(fmt::format("{} {}", cast.onnx_type, cast.name));
  layer.fused.push_back(fmt::format("{} {}", mul.onnx_type, mul.name));
  if (add_index)
    layer.fused.push_back(
        fmt::format("{} {}", g.ops[*add_index].onnx_type, g.ops[*add_index].name));
  const auto cast_index = *sole_reader(g, o.output());
  const auto last_index = add_index ? *add_index : *mul_index;

  const auto &end = g.at(last);
  if (g.is_output(last) && !end.quant && ir::is_float(end.type)) {
    // A float graph output: the int32 accumulators, dequantized as M * (acc + round(b / M)).
    std::vector<std::int32_t> zero_points;
    for (auto v : bias)
      zero_points.push_back(static_cast<std::int32_t>(-v));
    g.at(o.output()).quant =
        make_quantization(accumulator_scales, zero_points, static_cast<int>(axis));
    ir::op boundary = g.ops[last_index];
    boundary.kind = op_kind::dequantize;
    boundary.inputs = {o.output()};
    boundary.outputs = {last};
    boundary.attrs = std::monostate{};
    g.ops[index] = std::move(layer);
    g.remove(cast_index);
    g.remove(*mul_index);
    g.ops[last_index] = std::move(boundary);
    return;
  }
  if (b) {
    ir::tensor t;
    t.name = g.ops[*add_index].name + ":bias";
    t.type = ir::dtype::i32;
    t.shape = {static_cast<std::int64_t>(channels)};
    t.value = ir::constant_data::of(ir::dtype::i32, bias);
    t.quant = make_quantization(accumulator_scales, zeros, 0);
    layer.inputs.push_back(g.add_tensor(std::move(t)));
  }
  layer.outputs = {last};
  g.ops[index] = std::move(layer);
  g.remove(cast_index);
  g.remove(*mul_index);
  if (add_index)
    g.remove(*add_index);
}

} // namespace

bool integer_op_to_float(const ir::graph &g, const ir::op &o) {
  if (o.kind != op_kind::conv_integer && o.kind != op_kind::matmul_integer)
    return false;
  auto r = sole_reader(g, o.output());
  return r && g.ops[*r].kind == op_kind::cast && ir::is_float(g.ops[*r].get<ir::cast_attrs>().to);
}

ir::graph recognize_integer_ops(ir::graph g) {
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (integer_op_to_float(g, g.ops[i]))
      rewrite(g, i);
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
