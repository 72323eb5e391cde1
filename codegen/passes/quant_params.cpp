#include "passes/quant_params.hpp"

#include "diagnostics/error.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace onnx2hpp::codegen::passes {

std::string where(const ir::graph &g, const ir::op &node) {
  return fmt::format("'{}': node '{}' ({})", g.info.source_path, node.name, node.onnx_type);
}

namespace {

const ir::tensor &require_constant(const ir::graph &g, const ir::op &node, ir::tensor_id id,
                                   const std::string &role) {
  if (id == ir::no_tensor)
    throw error(failure::invalid_quantization,
                fmt::format("{}: its {} is missing", where(g, node), role));
  const auto &t = g.at(id);
  if (!t.is_constant())
    throw error(failure::unsupported_model,
                fmt::format("{}: its {} '{}' is {}; onnx2hpp needs it to be a constant (an "
                            "initializer or a Constant node){}",
                            where(g, node), role, t.name,
                            g.is_input(id) ? "a graph input" : "computed at run time",
                            g.is_input(id) ? ": freeze it into an initializer first" : ""));
  return t;
}

std::pair<std::int64_t, std::int64_t> range_of(ir::dtype t) {
  switch (t) {
  case ir::dtype::i8:
    return {-128, 127};
  case ir::dtype::u8:
    return {0, 255};
  case ir::dtype::i16:
    return {-32768, 32767};
  case ir::dtype::u16:
    return {0, 65535};
  default:
    return {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
  }
}

} // namespace

std::vector<double> constant_reals(const ir::graph &g, const ir::op &node, ir::tensor_id id,
                                   const std::string &role) {
  return require_constant(g, node, id, role).value->reals();
}

std::vector<std::int64_t> constant_ints(const ir::graph &g, const ir::op &node, ir::tensor_id id,
                                        const std::string &role) {
  return require_constant(g, node, id, role).value->ints();
}

ir::quantization read_quantization(const ir::graph &g, const ir::op &node, ir::tensor_id scale,
                                   ir::tensor_id zero_point, std::int64_t axis,
                                   ir::tensor_id target) {
  const auto &t = g.at(target);
  auto scales = constant_reals(g, node, scale, "scale");
  std::vector<std::int64_t> zero_points{0};
  if (zero_point != ir::no_tensor)
    zero_points = constant_ints(g, node, zero_point, "zero point");
  if (scales.empty())
    throw error(failure::invalid_quantization,
                fmt::format("{}: its scale '{}' is empty", where(g, node), g.at(scale).name));

  ir::quantization q;
  for (std::size_t i = 0; i < scales.size(); ++i) {
    // A bounded range of normal floats: a denormal scale (1e-42) or an extreme one makes the
    // ratios and products of scales that requantization computes in fp32 (x * w / y, a * b / c)
    // overflow to inf. In [2^-40, 2^40] (int32 bias: [2^-80, 2^40], a product of two scales)
    // every such expression stays a normal float.
    const double least = t.type == ir::dtype::i32 ? 0x1p-80 : 0x1p-40;
    if (!std::isfinite(scales[i]) || scales[i] <= 0.0)
      throw error(failure::invalid_quantization,
                  fmt::format("{}: scale '{}'{} is {}; a quantization scale must be a positive "
                              "finite number (a zero scale usually means calibration saw only "
                              "zeros for this tensor)",
                              where(g, node), g.at(scale).name,
                              scales.size() > 1 ? fmt::format("[{}]", i) : std::string(),
                              scales[i]));
    if (scales[i] < least || scales[i] > 0x1p40)
      throw error(failure::invalid_quantization,
                  fmt::format("{}: scale '{}'{} is {:g}, outside the range [{:g}, {:g}] onnx2hpp "
                              "supports (beyond it, requantization ratios overflow float32)",
                              where(g, node), g.at(scale).name,
                              scales.size() > 1 ? fmt::format("[{}]", i) : std::string(), scales[i],
                              least, 0x1p40));
    q.scale.push_back(static_cast<float>(scales[i]));
  }
  if (scales.size() > 1) {
    auto rank = static_cast<std::int64_t>(t.shape.size());
    auto a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
      throw error(failure::invalid_quantization,
                  fmt::format("{}: per-channel axis {} is outside the {}-D tensor '{}' {}",
                              where(g, node), axis, rank, t.name, ir::to_string(t.shape)));
    if (t.shape[a] != static_cast<std::int64_t>(scales.size()))
      throw error(failure::invalid_quantization,
                  fmt::format("{}: per-channel scale '{}' has {} values but axis {} of '{}' {} "
                              "has {} channels",
                              where(g, node), g.at(scale).name, scales.size(), axis, t.name,
                              ir::to_string(t.shape), t.shape[a]));
    q.axis = static_cast<int>(a);
  }
  if (zero_points.size() != scales.size() && zero_points.size() != 1)
    throw error(failure::invalid_quantization,
                fmt::format("{}: zero point '{}' has {} values but the scale has {}",
                            where(g, node), g.at(zero_point).name, zero_points.size(),
                            scales.size()));
  auto zp_type = zero_point != ir::no_tensor ? g.at(zero_point).type : t.type;
  auto [lo, hi] = range_of(zp_type);
  for (auto z : zero_points) {
    if (z < lo || z > hi)
      throw error(failure::invalid_quantization,
                  fmt::format("{}: zero point {} is outside the range of {}", where(g, node), z,
                              ir::name_of(zp_type)));
    q.zero_point.push_back(static_cast<std::int32_t>(z));
  }
  if (q.zero_point.size() == 1 && q.scale.size() > 1)
    q.zero_point.resize(q.scale.size(), q.zero_point.front());
  return q;
}

void attach_quantization(ir::graph &g, const ir::op &node, ir::tensor_id target,
                         const ir::quantization &q) {
  auto &t = g.at(target);
  if (!t.quant) {
    t.quant = q;
    return;
  }
  if (!ir::same_quantization(*t.quant, q))
    throw error(failure::invalid_quantization,
                fmt::format("{}: reads '{}' as quantized with {}, but it was quantized with {}; "
                            "every reader of a quantized tensor must use its producer's scale and "
                            "zero point",
                            where(g, node), t.name, ir::to_string(q), ir::to_string(*t.quant)));
}

} // namespace onnx2hpp::codegen::passes
