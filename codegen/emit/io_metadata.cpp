#include "emit/io_metadata.hpp"

#include "diagnostics/error.hpp"
#include "emit/cpp_text.hpp"

namespace onnx2hpp::codegen::emit {

namespace {

std::string io_entry(const context &c, const std::string &prefix, std::size_t i, ir::tensor_id onnx,
                     ir::tensor_id q, std::string &arrays) {
  const auto &t = c.g.at(q);
  auto onnx_dims = c.onnx_shape(onnx);
  arrays += fmt::format("inline constexpr std::array<std::int64_t, {}> {}{}_onnx_shape{{{}}};\n",
                        onnx_dims.size(), prefix, i, fmt::join(onnx_dims, ", "));
  arrays += fmt::format("inline constexpr std::array<std::size_t, {}> {}{}_shape{{{}}};\n",
                        t.shape.size(), prefix, i, fmt::join(t.shape, ", "));
  std::string scale = float_literal(t.quant ? t.quant->scale_at(0) : 1.0f);
  std::int32_t zp = t.quant ? t.quant->zero_point_at(0) : 0;
  std::string extra;
  if (t.quant && t.quant->per_channel()) { // the tensor's per-tensor fields say "not me"
    const auto &q = *t.quant;
    const auto channels = static_cast<std::size_t>(t.shape.at(static_cast<std::size_t>(*q.axis)));
    std::vector<std::string> scales;
    std::vector<std::int32_t> zero_points;
    for (std::size_t ch = 0; ch < channels; ++ch) {
      scales.push_back(float_literal(q.scale_at(ch)));
      zero_points.push_back(q.zero_point_at(ch));
    }
    arrays += fmt::format("inline constexpr std::array<float, {}> {}{}_scales{{{}}};\n", channels,
                          prefix, i, fmt::join(scales, ", "));
    arrays += fmt::format("inline constexpr std::array<std::int32_t, {}> {}{}_zero_points{{{}}};\n",
                          channels, prefix, i, fmt::join(zero_points, ", "));
    scale = "std::numeric_limits<float>::quiet_NaN()";
    zp = 0;
    extra = fmt::format(",\n     .channel_scales = {0}{1}_scales, .channel_zero_points = "
                        "{0}{1}_zero_points, .axis = {2}",
                        prefix, i, *q.axis);
  }
  if (t.type == ir::dtype::i32)
    extra += ",\n     .element_bytes = 4";
  else if (t.type != ir::dtype::i8)
    throw error(failure::unsupported_model,
                fmt::format("graph {} '{}' is {}: the library's graph inputs and outputs are "
                            "int8 (or the int32 of ConvInteger/MatMulInteger)",
                            prefix, c.g.at(onnx).name, ir::name_of(t.type)));
  return fmt::format("{{.name = {}, .onnx_shape = {}{}_onnx_shape, .shape = {}{}_shape,\n"
                     "     .onnx_is_nchw = {}, .scale = {}, .zero_point = {}{}}}",
                     string_literal(c.g.at(onnx).name), prefix, i, prefix, i,
                     c.g.at(onnx).order == ir::layout::nhwc, scale, zp, extra);
}

} // namespace

std::string io_metadata(const context &c) {
  std::string arrays;
  std::vector<std::string> in_entries, out_entries, node_entries;
  const auto &ins = c.graph.inputs, &outs = c.graph.outputs;
  for (std::size_t i = 0; i < ins.size(); ++i)
    in_entries.push_back(io_entry(c, "input", i, ins[i].onnx, ins[i].tensor, arrays));
  for (std::size_t i = 0; i < outs.size(); ++i)
    out_entries.push_back(io_entry(c, "output", i, outs[i].onnx, outs[i].tensor, arrays));
  for (auto i : c.graph.node_ops) {
    const auto &o = c.g.ops[i];
    const auto &t = c.g.at(o.output());
    const bool per_channel = t.quant && t.quant->per_channel(); // no single scale: NaN
    node_entries.push_back(
        fmt::format("{{{}, {}, {}, {}}}", string_literal(o.name), string_literal(t.name),
                    per_channel ? "std::numeric_limits<float>::quiet_NaN()"
                                : float_literal(t.quant ? t.quant->scale_at(0) : 1.0f),
                    t.quant && !per_channel ? t.quant->zero_point_at(0) : 0));
  }
  return fmt::format(
      "// Graph inputs and outputs in ONNX order. Convert with onnx2hpp::quantize_from_onnx /\n"
      "// dequantize_to_onnx (ONNX layout, NCHW for 4-D) or the _nhwc variants.\n{}"
      "inline constexpr std::array<onnx2hpp::io_tensor_info, {}> input_info{{{{\n    {}}}}};\n"
      "inline constexpr std::array<onnx2hpp::io_tensor_info, {}> output_info{{{{\n    {}}}}};\n\n"
      "/// Per node: the ONNX tensor its int8 output holds, and that tensor's quantization.\n"
      "inline constexpr std::array<onnx2hpp::node_tensor_info, graph_type::n_nodes> "
      "node_info{{{{\n    {}}}}};\n\n",
      arrays, in_entries.size(), fmt::join(in_entries, ",\n    "), out_entries.size(),
      fmt::join(out_entries, ",\n    "), fmt::join(node_entries, ",\n    "));
}

} // namespace onnx2hpp::codegen::emit
