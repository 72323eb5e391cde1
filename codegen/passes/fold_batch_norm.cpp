// fold_batch_norm: BatchNormalization after a conv/dense becomes part of its weights and bias.
//
// BN computes y = k * (x - mean) + beta with k = gamma / sqrt(var + epsilon), per channel. With
// x = W * in + b this is y = (k W) * in + (k (b - mean) + beta). Integer weights keep their values:
// k moves into the per-channel weight scale (a negative k negates the channel's integers around
// the zero point, saturating), and the int32 bias is requantized to the new accumulator scale.

#include "diagnostics/error.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

struct bn_factors {
  std::vector<double> k;     ///< gamma / sqrt(var + epsilon)
  std::vector<double> shift; ///< beta - k * mean
};

bn_factors factors(const ir::graph &g, const ir::op &bn) {
  auto gamma = constant_reals(g, bn, bn.input(1), "scale");
  auto beta = constant_reals(g, bn, bn.input(2), "bias");
  auto mean = constant_reals(g, bn, bn.input(3), "mean");
  auto var = constant_reals(g, bn, bn.input(4), "variance");
  auto eps = bn.get<ir::batch_norm_attrs>().epsilon;
  if (beta.size() != gamma.size() || mean.size() != gamma.size() || var.size() != gamma.size())
    throw error(failure::unreadable_model,
                fmt::format("{}: scale, bias, mean and variance have {}, {}, {} and {} values; "
                            "ONNX wants one per channel each",
                            where(g, bn), gamma.size(), beta.size(), mean.size(), var.size()));
  bn_factors f;
  for (std::size_t c = 0; c < gamma.size(); ++c) {
    f.k.push_back(gamma[c] / std::sqrt(var[c] + eps));
    f.shift.push_back(beta[c] - f.k.back() * mean[c]);
    if (!std::isfinite(f.k.back()) || !std::isfinite(f.shift.back()))
      throw error(failure::unsupported_model,
                  fmt::format("{}: channel {} folds to the factor {} and shift {} (variance {} + "
                              "epsilon {}): not finite numbers",
                              where(g, bn), c, f.k.back(), f.shift.back(), var[c], eps));
  }
  return f;
}

/// Real value of bias channel c (0 without bias).
double bias_at(const ir::graph &g, ir::tensor_id bias, std::size_t c) {
  if (bias == ir::no_tensor)
    return 0.0;
  const auto &b = g.at(bias);
  auto v = b.value->real_at(c);
  return b.quant ? (v - b.quant->zero_point_at(c)) * b.quant->scale_at(c) : v;
}

/// Integer weights: new per-channel scales, channels with negative k negated around the zero
/// point. Float weights: scaled. Returns the new weight tensor.
ir::tensor folded_weights(const ir::tensor &w, const std::vector<double> &k) {
  auto out = w;
  out.name += ":bn";
  auto channels = static_cast<std::size_t>(w.shape[0]);
  auto per_channel = static_cast<std::size_t>(w.elements()) / channels;
  if (!w.quant) {
    auto v = w.value->reals();
    for (std::size_t i = 0; i < v.size(); ++i)
      v[i] *= k[i / per_channel];
    out.value = ir::constant_data::of(w.type, v);
    return out;
  }
  auto [lo, hi] = w.type == ir::dtype::u8 ? std::pair{0, 255} : std::pair{-128, 127};
  auto v = w.value->ints();
  ir::quantization q;
  q.axis = 0;
  for (std::size_t c = 0; c < channels; ++c) {
    auto zp = w.quant->zero_point_at(c);
    auto scale = w.quant->scale_at(c) * std::fabs(k[c]);
    if (k[c] == 0.0) { // a dead channel: all weights at the zero point
      scale = w.quant->scale_at(c);
      for (std::size_t i = c * per_channel; i < (c + 1) * per_channel; ++i)
        v[i] = zp;
    } else if (k[c] < 0.0)
      for (std::size_t i = c * per_channel; i < (c + 1) * per_channel; ++i)
        v[i] = std::clamp<std::int64_t>(2 * zp - v[i], lo, hi);
    q.scale.push_back(static_cast<float>(scale));
    q.zero_point.push_back(zp);
  }
  out.value = ir::constant_data::of(w.type, v);
  out.quant = q;
  return out;
}

/// The folded weight scales stay in the range read_quantization admits for every scale.
void check_folded_scales(const ir::graph &g, const ir::op &bn, const ir::tensor &w) {
  if (!w.quant)
    return;
  for (std::size_t c = 0; c < w.quant->scale.size(); ++c) {
    const double s = w.quant->scale[c];
    if (!(s >= 0x1p-40 && s <= 0x1p40))
      throw error(failure::invalid_quantization,
                  fmt::format("{}: folding it makes the weight scale of channel {} {:g}, outside "
                              "the range [{:g}, {:g}] onnx2hpp supports",
                              where(g, bn), c, s, 0x1p-40, 0x1p40));
  }
}

void fold(ir::graph &g, std::size_t producer_index, std::size_t bn_index) {
  const auto bn = g.ops[bn_index];
  auto f = factors(g, bn);
  auto &p = g.ops[producer_index];
  const auto &w = g.at(p.input(1));
  if (static_cast<std::size_t>(w.shape[0]) != f.k.size())
    throw error(failure::unsupported_model,
                fmt::format("{}: has {} channels but the weights of '{}' have {} output channels",
                            where(g, bn), f.k.size(), p.name, w.shape[0]));
  auto new_w = folded_weights(w, f.k);
  check_folded_scales(g, bn, new_w);
  std::vector<double> bias(f.k.size());
  for (std::size_t c = 0; c < bias.size(); ++c)
    bias[c] = f.k[c] * bias_at(g, p.input(2), c) + f.shift[c];

  ir::tensor b;
  b.name = (p.input(2) != ir::no_tensor ? g.at(p.input(2)).name : p.name + ":bias") + ":bn";
  b.shape = {static_cast<std::int64_t>(bias.size())};
  const auto &x = g.at(p.input(0));
  if (new_w.quant && x.quant) {
    // int32 bias in the accumulator's scale: input scale * weight scale, per channel.
    ir::quantization q;
    q.axis = 0;
    std::vector<std::int64_t> values;
    for (std::size_t c = 0; c < bias.size(); ++c) {
      double scale = double(x.quant->scale_at(0)) * new_w.quant->scale_at(c);
      q.scale.push_back(static_cast<float>(scale));
      q.zero_point.push_back(0);
      const double q_bias = std::nearbyint(bias[c] / scale);
      // The bias lands in an int32 accumulator term: anything beyond is no quantized model.
      if (!(std::fabs(q_bias) <= 2147483647.0))
        throw error(failure::invalid_quantization,
                    fmt::format("{}: the folded bias of channel {} is {} in the accumulator "
                                "scale {}, outside int32",
                                where(g, p), c, bias[c] / scale, scale));
      values.push_back(static_cast<std::int64_t>(q_bias));
    }
    b.type = ir::dtype::i32;
    b.value = ir::constant_data::of(ir::dtype::i32, values);
    b.quant = q;
  } else {
    b.type = ir::dtype::f32;
    b.value = ir::constant_data::of(ir::dtype::f32, bias);
  }
  auto w_id = g.add_tensor(std::move(new_w));
  auto b_id = g.add_tensor(std::move(b));
  auto &producer = g.ops[producer_index];
  producer.inputs = {producer.input(0), w_id, b_id};
  producer.fused.push_back(fmt::format("{} {}", bn.onnx_type, bn.name));
  g.merge_tensors(bn.output(), producer.output());
  g.remove(bn_index);
}

} // namespace

ir::graph fold_batch_norm(ir::graph g) {
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto &bn = g.ops[i];
    if (bn.kind != op_kind::batch_norm)
      continue;
    auto p = g.producer(bn.input(0));
    if (!p || (g.ops[*p].kind != op_kind::conv && g.ops[*p].kind != op_kind::dense) ||
        !g.only_read_by(bn.input(0), i) || g.ops[*p].fused_activation ||
        !g.at(g.ops[*p].input(1)).is_constant())
      throw error(failure::unsupported_model,
                  fmt::format("{}: a BatchNormalization is supported only right after a Conv or "
                              "Gemm/MatMul with constant weights whose output it alone reads",
                              where(g, bn)));
    fold(g, *p, i);
  }
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
