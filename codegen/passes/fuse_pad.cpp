// fuse_pad: a constant zero Pad of the spatial axes joins the conv / average pool reading it.

#include "passes/passes.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

/// The [top, left, bottom, right] pads of a 4-D NCHW Pad that pads only H and W, with 0, or
/// nothing.
std::optional<std::array<std::int64_t, 4>> spatial_zero_pads(const ir::graph &g,
                                                             const ir::op &pad) {
  const auto &a = pad.get<ir::pad_attrs>();
  const auto &in = g.at(pad.input(0));
  if (a.mode != "constant" || a.value != 0.0 || in.shape.size() != 4 || a.pads.size() != 8 ||
      in.order != ir::layout::nchw)
    return std::nullopt;
  // ONNX order: begins of N, C, H, W, then ends of N, C, H, W.
  if (a.pads[0] != 0 || a.pads[1] != 0 || a.pads[4] != 0 || a.pads[5] != 0)
    return std::nullopt;
  for (auto p : a.pads)
    if (p < 0)
      return std::nullopt;
  return std::array<std::int64_t, 4>{a.pads[2], a.pads[3], a.pads[6], a.pads[7]};
}

/// The padded intermediate must not be quantized differently from the Pad's input: otherwise the
/// Pad also requantizes.
bool pure_padding(const ir::graph &g, const ir::op &pad) {
  const auto &in = g.at(pad.input(0));
  const auto &out = g.at(pad.output());
  return !out.quant ||
         (in.quant && in.type == out.type && ir::same_quantization(*in.quant, *out.quant));
}

bool fuse_into(ir::op &consumer, const std::array<std::int64_t, 4> &pads) {
  if (consumer.kind == op_kind::conv) {
    auto &a = consumer.get<ir::conv_attrs>();
    for (int i = 0; i < 4; ++i)
      a.pads[i] += pads[i];
    return true;
  }
  if (consumer.kind == op_kind::average_pool) {
    // Pad's zeros count in the average: allowed if the pool counts its own padding too, or has
    // none.
    auto &a = consumer.get<ir::pool_attrs>();
    bool unpadded = a.pads == std::array<std::int64_t, 4>{0, 0, 0, 0};
    if (!unpadded && !a.count_include_pad)
      return false;
    for (int i = 0; i < 4; ++i)
      a.pads[i] += pads[i];
    a.count_include_pad = true;
    return true;
  }
  return false;
}

} // namespace

ir::graph fuse_pad(ir::graph g) {
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const auto &pad = g.ops[i];
    if (pad.kind != op_kind::pad)
      continue;
    auto pads = spatial_zero_pads(g, pad);
    auto readers = g.consumers(pad.output());
    if (!pads || !pure_padding(g, pad) || readers.size() != 1 || g.is_output(pad.output()) ||
        g.ops[readers[0]].input(0) != pad.output())
      continue;
    auto &consumer = g.ops[readers[0]];
    if (!fuse_into(consumer, *pads))
      continue;
    consumer.inputs[0] = pad.input(0);
    consumer.fused.push_back(fmt::format("{} {}", pad.onnx_type, pad.name));
    g.remove(i);
  }
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
