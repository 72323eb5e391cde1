#include "report/layer_table.hpp"

#include "diagnostics/printable.hpp"
#include <algorithm>

#include <fmt/format.h>

namespace onnx2hpp::codegen::report {

namespace {

using ir::op_kind;

std::string describe_op(const ir::graph &g, const ir::op &o) {
  auto name = std::string(ir::name_of(o.kind));
  switch (o.kind) {
  case op_kind::conv: {
    const auto &a = o.get<ir::conv_attrs>();
    auto in_channels = g.at(o.input(0)).shape.back();
    std::string kind = a.group == 1             ? ""
                       : a.group == in_channels ? " dw"
                                                : fmt::format(" g{}", a.group);
    return fmt::format("conv {}x{}/{}{}", a.kernel[0], a.kernel[1], a.strides[0], kind);
  }
  case op_kind::max_pool:
  case op_kind::average_pool: {
    const auto &a = o.get<ir::pool_attrs>();
    return fmt::format("{} {}x{}/{}", name, a.kernel[0], a.kernel[1], a.strides[0]);
  }
  case op_kind::activation:
    return fmt::format("activation {}", ir::to_string(o.get<ir::activation>()));
  default:
    return name;
  }
}

std::string fused_ops(const ir::op &o) {
  std::vector<std::string> types;
  for (const auto &f : o.fused)
    types.push_back(f.substr(0, f.find(' ')));
  return fmt::format("{}", fmt::join(types, "+"));
}

std::uint64_t macs_of(const ir::graph &g, const ir::op &o) {
  if (o.kind == op_kind::batch_matmul) // K products per output element
    return static_cast<std::uint64_t>(g.at(o.output()).elements()) *
           static_cast<std::uint64_t>(g.at(o.input(0)).shape.back());
  if (o.kind != op_kind::conv && o.kind != op_kind::dense)
    return 0;
  const auto &w = g.at(o.input(1));
  const auto &out = g.at(o.output());
  // conv: every output element takes I/g * kH * kW products; dense: `in` products.
  auto per_output = static_cast<std::uint64_t>(w.elements() / w.shape[0]);
  return static_cast<std::uint64_t>(out.elements()) * per_output;
}

std::uint64_t params_of(const ir::graph &g, const ir::op &o) {
  if (o.kind != op_kind::conv && o.kind != op_kind::dense)
    return 0;
  std::uint64_t n = static_cast<std::uint64_t>(g.at(o.input(1)).elements());
  if (o.input(2) != ir::no_tensor)
    n += static_cast<std::uint64_t>(g.at(o.input(2)).elements());
  return n;
}

} // namespace

std::vector<layer_row> layer_table(const ir::graph &g) {
  std::vector<layer_row> rows;
  for (const auto &o : g.ops) {
    const auto &out = g.at(o.output());
    layer_row r;
    r.name = printable(o.name); // the model's text: a table row stays one line
    r.op = describe_op(g, o);
    r.fused = printable(fused_ops(o));
    r.output_shape =
        fmt::format("{}{}", ir::to_string(out.shape), out.order == ir::layout::nhwc ? " nhwc" : "");
    r.macs = macs_of(g, o);
    r.params = params_of(g, o);
    r.activation_bytes = static_cast<std::uint64_t>(out.elements()) * ir::size_of(out.type);
    rows.push_back(std::move(r));
  }
  return rows;
}

void number_as_nodes(std::vector<layer_row> &rows, const std::vector<std::size_t> &node_of_op) {
  for (std::size_t i = 0; i < rows.size() && i < node_of_op.size(); ++i)
    rows[i].number =
        node_of_op[i] == static_cast<std::size_t>(-1) ? "-" : std::to_string(node_of_op[i]);
}

std::string format_table(const std::vector<layer_row> &rows, const std::string &prefix) {
  std::size_t name_w = 4, op_w = 2, fused_w = 5, shape_w = 12;
  std::uint64_t total_macs = 0, total_params = 0;
  bool npu = false;
  for (const auto &r : rows) {
    name_w = std::max(name_w, r.name.size());
    op_w = std::max(op_w, r.op.size());
    fused_w = std::max(fused_w, r.fused.size());
    shape_w = std::max(shape_w, r.output_shape.size());
    total_macs += r.macs;
    total_params += r.params;
    npu = npu || !r.npu.empty();
  }
  // The number columns as wide as their widest entry (the totals) or their heading.
  const std::size_t macs_w = std::max<std::size_t>(4, std::to_string(total_macs).size());
  const std::size_t params_w = std::max<std::size_t>(6, std::to_string(total_params).size());
  std::string out;
  auto line = [&](std::string_view index, std::string_view name, std::string_view op,
                  std::string_view fused, std::string_view shape, std::string_view macs,
                  std::string_view params, std::string_view bytes, std::string_view npu_text) {
    auto text = fmt::format("{:>3}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>{}}  {:>{}}  {:>10}", index,
                            name, name_w, op, op_w, fused, fused_w, shape, shape_w, macs, macs_w,
                            params, params_w, bytes);
    if (npu)
      text += fmt::format("  {}", npu_text);
    text.erase(text.find_last_not_of(' ') + 1);
    out += prefix + text + "\n";
  };
  line("#", "node", "op", "fused", "output shape", "MACs", "params", "act. bytes", "NPU");
  std::uint64_t macs = 0, params = 0, peak = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto &r = rows[i];
    line(r.number.empty() ? std::to_string(i) : r.number, r.name, r.op, r.fused, r.output_shape,
         std::to_string(r.macs), std::to_string(r.params), std::to_string(r.activation_bytes),
         r.npu);
    macs += r.macs;
    params += r.params;
    peak = std::max(peak, r.activation_bytes);
  }
  line("", "total", "", "", "", std::to_string(macs), std::to_string(params),
       fmt::format("max {}", peak), "");
  return out;
}

} // namespace onnx2hpp::codegen::report
