// fuse_activations: a point-wise activation joins the op that produces its input.

#include "passes/passes.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

bool accepts_activation(op_kind k) {
  return k == op_kind::conv || k == op_kind::dense || k == op_kind::batch_matmul ||
         k == op_kind::add || k == op_kind::mul;
}

/// Clamping commutes with (monotone) quantization, so Relu/Clip may join a producer whose output
/// is already quantized with the activation's output parameters. The others change values and
/// must see the unrounded result.

bool can_fuse(const ir::graph &g, const ir::op &act, std::size_t act_index,
              const ir::op &producer) {
  auto mid = act.input(0);
  if (!accepts_activation(producer.kind) || producer.fused_activation ||
      !g.only_read_by(mid, act_index))
    return false;
  const auto &between = g.at(mid);
  const auto &out = g.at(act.output());
  if (!between.quant) // a float intermediate: the activation was applied before quantization;
    return ir::is_fusable(act.get<ir::activation>()); // the library builds these tables
  return ir::is_clamp(act.get<ir::activation>()) && out.quant && between.type == out.type &&
         ir::same_quantization(*between.quant, *out.quant);
}

} // namespace

ir::graph fuse_activations(ir::graph g) {
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto &act = g.ops[i];
    if (act.kind != op_kind::activation)
      continue;
    auto p = g.producer(act.input(0));
    if (!p || !can_fuse(g, act, i, g.ops[*p]))
      continue;
    auto &producer = g.ops[*p];
    producer.fused_activation = act.get<ir::activation>();
    producer.fused.push_back(fmt::format("{} {}", act.onnx_type, act.name));
    g.merge_tensors(act.output(), act.input(0));
    g.remove(i);
  }
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
