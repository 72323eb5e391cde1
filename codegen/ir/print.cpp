#include "ir/print.hpp"

#include "diagnostics/printable.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen::ir {

namespace {

std::string hw(const std::array<std::int64_t, 2> &a) {
  return fmt::format("{}x{}", a[0], a[1]);
}

std::string reference(const graph &g, tensor_id id) {
  if (id == no_tensor)
    return "none";
  const auto &t = g.at(id);
  return fmt::format("{}{}", t.is_constant() ? '@' : '%', printable(t.name));
}

struct attribute_printer {
  std::string operator()(std::monostate) const { return {}; }
  std::string operator()(const conv_attrs &a) const {
    return fmt::format("kernel={} strides={} dilations={} pads={} group={}", hw(a.kernel),
                       hw(a.strides), hw(a.dilations), fmt::join(a.pads, ","), a.group);
  }
  std::string operator()(const pool_attrs &a) const {
    return fmt::format("kernel={} strides={} dilations={} pads={}{}{}", hw(a.kernel), hw(a.strides),
                       hw(a.dilations), fmt::join(a.pads, ","), a.ceil_mode ? " ceil_mode" : "",
                       a.count_include_pad ? " count_include_pad" : "");
  }
  std::string operator()(const axis_attrs &a) const { return fmt::format("axis={}", a.axis); }
  std::string operator()(const perm_attrs &a) const {
    return fmt::format("perm=[{}]", fmt::join(a.perm, ","));
  }
  std::string operator()(const axes_attrs &a) const {
    return fmt::format("axes=[{}]{}", fmt::join(a.axes, ","), a.keepdims ? "" : " keepdims=0");
  }
  std::string operator()(const slice_attrs &a) const {
    return fmt::format("starts=[{}] ends=[{}] axes=[{}] steps=[{}]", fmt::join(a.starts, ","),
                       fmt::join(a.ends, ","), fmt::join(a.axes, ","), fmt::join(a.steps, ","));
  }
  std::string operator()(const pad_attrs &a) const {
    return fmt::format("pads=[{}] mode={} value={:g}", fmt::join(a.pads, ","), a.mode, a.value);
  }
  std::string operator()(const resize_attrs &a) const {
    return fmt::format("mode={} coordinates={} nearest={} scales=[{}]{}", a.mode,
                       a.coordinate_transformation_mode, a.nearest_mode, fmt::join(a.scales, ","),
                       a.axes.empty() ? "" : fmt::format(" axes=[{}]", fmt::join(a.axes, ",")));
  }
  std::string operator()(const cast_attrs &a) const { return fmt::format("to={}", name_of(a.to)); }
  std::string operator()(const fill_attrs &a) const {
    return fmt::format("value={:g}", a.value.size() ? a.value.real_at(0) : 0.0);
  }
  std::string operator()(const gemm_attrs &a) const {
    return fmt::format("alpha={:g} beta={:g} transA={} transB={}", a.alpha, a.beta, int(a.trans_a),
                       int(a.trans_b));
  }
  std::string operator()(const batch_norm_attrs &a) const {
    return fmt::format("epsilon={:g}", a.epsilon);
  }
  std::string operator()(const activation &a) const { return to_string(a); }
};

} // namespace

std::string describe(const graph &g, tensor_id id) {
  if (id == no_tensor)
    return "none";
  const auto &t = g.at(id);
  auto text = fmt::format("{}: {}{}", reference(g, id), name_of(t.type), to_string(t.shape));
  if (t.order != layout::plain)
    text += fmt::format(" {}", name_of(t.order));
  if (t.quant)
    text += fmt::format(" {}", to_string(*t.quant));
  if (t.is_constant() && t.value->size() <= 8)
    text += fmt::format(" = [{:.6g}]", fmt::join(t.value->reals(), ","));
  return text;
}

std::string describe_attributes(const op &o) {
  return std::visit(attribute_printer{}, o.attrs);
}

std::string to_text(const graph &g) {
  std::string out;
  auto line = [&](const std::string &s) {
    out += s;
    out += '\n';
  };
  // Names come from the model: printable() keeps each on its line.
  line(fmt::format("graph '{}' from {}", printable(g.info.graph_name),
                   printable(g.info.source_path)));
  line(fmt::format("  producer: {} {}, opset {}, dialects: {}", printable(g.info.producer_name),
                   printable(g.info.producer_version), g.info.opset,
                   printable(fmt::format("{}", fmt::join(g.info.dialects, ", ")))));
  for (auto id : g.inputs)
    line(fmt::format("  input  {}", describe(g, id)));
  for (auto id : g.outputs)
    line(fmt::format("  output {}", describe(g, id)));
  std::vector<bool> shown(g.tensors.size(), false);
  for (const auto &o : g.ops) {
    if (o.kind == op_kind::removed)
      continue;
    std::vector<std::string> args;
    for (auto id : o.inputs) {
      bool constant = id != no_tensor && g.at(id).is_constant();
      args.push_back(constant && !shown[id] ? describe(g, id) : reference(g, id));
      if (constant)
        shown[id] = true;
    }
    std::vector<std::string> results;
    for (auto id : o.outputs)
      results.push_back(describe(g, id));
    auto attributes = describe_attributes(o);
    std::string fused;
    if (o.fused_activation)
      fused += fmt::format(" activation={}", to_string(*o.fused_activation));
    if (!o.fused.empty())
      fused += fmt::format(" fused=[{}]", printable(fmt::format("{}", fmt::join(o.fused, "; "))));
    line(fmt::format("  {} = {}({}){}{}{}\n      -> {}", printable(o.name), name_of(o.kind),
                     fmt::join(args, ", "), attributes.empty() ? "" : " ", attributes, fused,
                     fmt::join(results, ", ")));
  }
  return out;
}

} // namespace onnx2hpp::codegen::ir
