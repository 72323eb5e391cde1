#include "emit/header.hpp"

#include "diagnostics/error.hpp"
#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"
#include "ir/transpose.hpp"
#include "passes/quant_params.hpp"
#include "report/layer_table.hpp"

#include <onnx2hpp/backends/simd/pack.hpp>
#include <onnx2hpp/core/fixed_point.hpp>
#include <onnx2hpp/layers/resize.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <unistd.h>

namespace onnx2hpp::codegen::emit {

namespace {

using ir::op_kind;

std::string shape_type(const ir::shape_t &s) {
  return fmt::format("onnx2hpp::shape<{}>", fmt::join(s, ", "));
}

/// Comma-separated values, wrapped before `width` columns with `indent`.
template <class T>
std::string wrapped_list(const std::vector<T> &values, std::string_view indent,
                         std::size_t width = 100) {
  std::string out, line;
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto item = fmt::format("{}{}", values[i], i + 1 < values.size() ? "," : "");
    if (!line.empty() && line.size() + item.size() + 1 > width) {
      out += line + "\n" + std::string(indent);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + item;
  }
  return out + line;
}

std::string library_activation(ir::activation_kind k) {
  switch (k) {
  case ir::activation_kind::relu:
    return "onnx2hpp::activation_kind::relu";
  case ir::activation_kind::clip:
    return "onnx2hpp::activation_kind::clip";
  case ir::activation_kind::leaky_relu:
    return "onnx2hpp::activation_kind::leaky_relu";
  case ir::activation_kind::hard_swish:
    return "onnx2hpp::activation_kind::hard_swish";
  case ir::activation_kind::sigmoid:
    return "onnx2hpp::activation_kind::sigmoid";
  }
  return "onnx2hpp::activation_kind::none";
}

/// alpha/beta of onnx2hpp::make_activation_lut / activation_clamp for an IR activation.
std::pair<float, float> activation_parameters(const ir::activation &a) {
  if (a.kind == ir::activation_kind::clip)
    return {static_cast<float>(a.min), static_cast<float>(a.max)};
  if (a.kind == ir::activation_kind::leaky_relu)
    return {static_cast<float>(a.alpha), 0.0f};
  return {0.01f, 0.0f};
}

bool is_clamp(const ir::activation &a) {
  return a.kind == ir::activation_kind::relu || a.kind == ir::activation_kind::clip;
}

/// The C++ of one layer: declarations it needs, its type, and its initializer; for conv/dense,
/// what follows the layer (its simd pack and the `packed` wrapper the graph node holds).
struct layer_code {
  std::string declarations;
  std::string type;
  std::string init;
  std::string after{};
};

/// Bytes of int8/int16/int32 values, little-endian (how onnx2hpp::const_data reads them).
template <class T>
std::vector<std::uint8_t> little_endian_bytes(const std::vector<T> &values) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(values.size() * sizeof(T));
  for (T v : values) {
    auto u = static_cast<std::make_unsigned_t<T>>(v);
    for (std::size_t b = 0; b < sizeof(T); ++b)
      bytes.push_back(static_cast<std::uint8_t>(u >> (8 * b)));
  }
  return bytes;
}

class header_writer {
public:
  header_writer(const lower::lowered_model &model, const header_options &options)
      : model_(model), g_(model.graph), options_(options) {}

  std::string write() {
    find_boundary();
    check_activation_bytes();
    name_layers();
    std::vector<std::string> problems;
    std::string layers;
    for (auto i : nodes_) {
      try {
        layers += layer(i);
      } catch (const error &e) {
        if (e.kind() != failure::unsupported_model)
          throw;
        problems.push_back(fmt::format("  {}", e.what()));
      }
    }
    if (!problems.empty())
      throw error(failure::unsupported_model,
                  fmt::format("'{}': the onnx2hpp library has no layer for:\n{}",
                              g_.info.source_path, fmt::join(problems, "\n")));
    return comment_block() + "#pragma once\n\n#include <onnx2hpp/onnx2hpp.hpp>\n" +
           (options_.simd_packs ? "#include <onnx2hpp/backends/simd/pack.hpp>\n\n" : "\n") +
           "#include <array>\n#include <cstddef>\n#include <cstdint>\n#include <type_traits>\n\n" +
           fmt::format("namespace {} {{\n\n", options_.name_space) + layers + graph_definition() +
           io_metadata() + fmt::format("}} // namespace {}\n", options_.name_space);
  }

private:
  [[noreturn]] void unsupported(const ir::op &o, const std::string &why) const {
    throw error(failure::unsupported_model,
                fmt::format("node '{}' ({}): {}", o.name, o.onnx_type, why));
  }

  const ir::quantization &quant(const ir::op &o, ir::tensor_id id) const {
    const auto &t = g_.at(id);
    if (!t.quant || t.quant->per_channel() || t.type != ir::dtype::i8)
      unsupported(o, fmt::format("'{}' is not an int8 tensor quantized per tensor", t.name));
    return *t.quant;
  }
  float scale(const ir::op &o, ir::tensor_id id) const { return quant(o, id).scale_at(0); }
  std::int32_t zero_point(const ir::op &o, ir::tensor_id id) const {
    return quant(o, id).zero_point_at(0);
  }
  std::string shape_of(ir::tensor_id id) const { return shape_type(g_.at(id).shape); }

  /// The graph's inputs, outputs, nodes and slots, as lowering computed them (emitted_graph).
  void find_boundary() {
    const auto &e = model_.emitted;
    for (const auto &io : e.inputs)
      inputs_.push_back({io.onnx, io.tensor});
    for (const auto &io : e.outputs)
      outputs_.push_back({io.onnx, io.tensor});
    nodes_ = e.node_ops;
    slot_ = e.slot;
  }

  /// The arena holds at most every activation at once: bounded so that every size and offset the
  /// header computes fits a 32-bit size_t (ir::max_tensor_elements).
  void check_activation_bytes() const {
    std::int64_t total = 0;
    for (const auto &[onnx, q] : inputs_)
      total += g_.at(q).elements() * static_cast<std::int64_t>(ir::size_of(g_.at(q).type));
    for (auto i : nodes_) {
      const auto &t = g_.at(g_.ops[i].output());
      total += t.elements() * static_cast<std::int64_t>(ir::size_of(t.type));
      if (total > ir::max_tensor_elements)
        throw error(failure::unsupported_model,
                    fmt::format("'{}': the activations add up to more than {} bytes (at node "
                                "'{}'), the most a generated header may plan",
                                g_.info.source_path, ir::max_tensor_elements, g_.ops[i].name));
    }
  }

  /// Every name the header declares for a layer `<name>`: `<name>` and these suffixes.
  static constexpr std::array<std::string_view, 16> derived_suffixes{"_t",
                                                                     "_weights",
                                                                     "_bias",
                                                                     "_multiplier",
                                                                     "_shift",
                                                                     "_scale",
                                                                     "_lut",
                                                                     "_range",
                                                                     "_packed",
                                                                     "_pack_weights",
                                                                     "_pack_offsets",
                                                                     "_pack_dw4_weights",
                                                                     "_pack_dw4_offsets",
                                                                     "_weight_zero_points",
                                                                     "_pack_view",
                                                                     "_params"};

  /// One identifier per layer, unique together with every name derived from it and with the
  /// header's own names (two nodes "x" and "x_weights" must not both declare `x_weights`).
  void name_layers() {
    std::set<std::string> taken{"graph", "graph_type", "input_info", "output_info", "node_info"};
    for (std::size_t i = 0; i < std::max(inputs_.size(), outputs_.size()); ++i)
      for (auto prefix : {"input", "output"})
        for (auto suffix : {"_onnx_shape", "_shape", "_scales", "_zero_points"})
          taken.insert(fmt::format("{}{}{}", prefix, i, suffix));
    auto is_free = [&](const std::string &name) {
      if (taken.count(name))
        return false;
      for (auto suffix : derived_suffixes)
        if (taken.count(name + std::string(suffix)))
          return false;
      return true;
    };
    for (auto i : nodes_) {
      auto base = identifier(g_.ops[i].name);
      auto name = base;
      for (int n = 2; !is_free(name); ++n)
        name = fmt::format("{}_{}", base, n);
      taken.insert(name);
      for (auto suffix : derived_suffixes)
        taken.insert(name + std::string(suffix));
      layer_names_[i] = name;
    }
  }

  std::string comment_block() const {
    const auto &info = g_.info;
    // Every string here comes from the model (or its path): printable() keeps it on its line.
    std::string text = fmt::format(
        "// Generated by onnx2hpp {} from {}. Do not edit: regenerate from the model.\n//\n"
        "// source:   {}\n// sha256:   {}\n// producer: {}, ONNX IR version {}, opset {}\n"
        "// dialects: {}\n",
        printable(options_.generator_version),
        printable(std::filesystem::path(info.source_path).filename().string()),
        printable(info.source_path), info.sha256.empty() ? "(not computed)" : info.sha256,
        printable(info.producer_version.empty() ? info.producer_name
                                                : info.producer_name + " " + info.producer_version),
        info.ir_version, info.opset, printable(fmt::format("{}", fmt::join(info.dialects, ", "))));
    for (const auto &[onnx, q] : inputs_)
      text += fmt::format("// input:    {} {} -> int8 {} {}\n", printable(g_.at(onnx).name),
                          ir::to_string(onnx_shape(onnx)), ir::to_string(g_.at(q).shape),
                          g_.at(q).quant ? ir::to_string(*g_.at(q).quant) : "");
    for (const auto &[onnx, q] : outputs_)
      text += fmt::format("// output:   {} {} <- int8 {} {}\n", printable(g_.at(onnx).name),
                          ir::to_string(onnx_shape(onnx)), ir::to_string(g_.at(q).shape),
                          g_.at(q).quant ? ir::to_string(*g_.at(q).quant) : "");
    text +=
        onnxruntime_rounding()
            ? "// rounding: onnxruntime (--rounding onnxruntime): conv/dense/matmul/add/mul/"
              "average pools/concat\n//           requantize as onnxruntime does, fp32 scales and "
              "round half to even (the mode\n//           is part of each layer's type, "
              "*_scale); the NPU leaves those layers to the CPU\n"
            : "// rounding: fixed-point (gemmlowp/TFLite integer multipliers; --rounding "
              "onnxruntime matches onnxruntime)\n";
    for (const auto &w : info.warnings)
      text += fmt::format("// warning:  {}\n", printable(w));
    if (options_.simd_packs)
      text +=
          "//\n// simd packs: each conv/dense also carries its weights packed for backends::simd\n"
          "// (<name>_pack_weights/_pack_offsets in the layout of "
          "onnx2hpp/backends/simd/pack.hpp,\n"
          "// computed by the generator with that header's code); graph nodes hold <name>_packed,\n"
          "// which every other backend (ref, npu) runs as the plain layer. --no-simd-packs "
          "leaves\n"
          "// them out (about half the constants, for targets without backends::simd).\n";
    text += "//\n// Layers (MACs of conv/dense/matmul; parameters = weights + bias; activation "
            "bytes of the output):\n";
    text += report::format_table(report::layer_table(g_), "// ");
    return text + "\n";
  }

  /// The ONNX shape of a graph input/output tensor (NCHW again for 4-D activations).
  ir::shape_t onnx_shape(ir::tensor_id id) const {
    const auto &t = g_.at(id);
    return t.order == ir::layout::nhwc ? ir::permute(t.shape, ir::nhwc_to_nchw) : t.shape;
  }

  // -- constants --------------------------------------------------------------------------------

  static std::string int8_constant(const std::string &name, const std::vector<std::int8_t> &v,
                                   const std::string &what) {
    std::vector<std::uint8_t> bytes(v.begin(), v.end());
    return fmt::format("/// {}\nalignas(16) inline constexpr char {}[] =\n    {};\n", what, name,
                       byte_string_literal(bytes));
  }

  static std::string int32_constant(const std::string &name, const std::vector<std::int32_t> &v) {
    return fmt::format("inline constexpr std::array<std::int32_t, {}> {}{{\n    {}}};\n", v.size(),
                       name, wrapped_list(v, "    "));
  }

  /// onnx2hpp::output_stage for a conv/dense, declaring its tables.
  std::string output_stage(const std::string &name, const ir::op &o,
                           const lower::accumulating_layer &l, std::string &declarations) {
    auto multiplier = l.requant.multiplier, shift = l.requant.shift;
    bool uniform =
        std::all_of(multiplier.begin(), multiplier.end(),
                    [&](std::int32_t m) { return m == multiplier.front(); }) &&
        std::all_of(shift.begin(), shift.end(), [&](std::int32_t s) { return s == shift.front(); });
    if (uniform) {
      multiplier.resize(1);
      shift.resize(1);
    }
    declarations += int32_constant(name + "_multiplier", multiplier);
    declarations += int32_constant(name + "_shift", shift);
    std::string lut = "nullptr";
    auto zp = l.output_zero_point;
    if (l.lut) {
      const auto &out = quant(o, o.output());
      auto [alpha, beta] = activation_parameters(l.lut->function);
      declarations += fmt::format(
          "/// {} on the pre-activation quantization (scale {}, zero point {})\n"
          "inline constexpr onnx2hpp::lut256 {}_lut = onnx2hpp::make_activation_lut(\n"
          "    {}, {}, {}, {}, {}, {}, {});\n",
          ir::to_string(l.lut->function), l.lut->input_scale, l.lut->input_zero_point, name,
          library_activation(l.lut->function.kind), float_literal(l.lut->input_scale),
          l.lut->input_zero_point, float_literal(out.scale_at(0)), out.zero_point_at(0),
          float_literal(alpha), float_literal(beta));
      lut = "&" + name + "_lut";
      zp = l.lut->input_zero_point;
    }
    std::string rounding;
    if (onnxruntime_rounding()) { // fp32 scales, read instead of the multipliers
      auto scales = l.float_scale;
      if (std::all_of(scales.begin(), scales.end(), [&](float s) { return s == scales.front(); }))
        scales.resize(1);
      std::vector<std::string> literals;
      for (float s : scales)
        literals.push_back(float_literal(s));
      declarations += fmt::format("inline constexpr std::array<float, {}> {}_scale{{\n    {}}};\n",
                                  scales.size(), name, wrapped_list(literals, "    "));
      rounding = fmt::format(",\n                .scale = {}_scale", name);
    }
    return fmt::format(
        "{{.requant = {{.multiplier = {0}_multiplier, .shift = {0}_shift, .count = "
        "{1}}},\n                .zero_point = {2},\n                .act_min = {3},\n"
        "                .act_max = {4},\n                .lut = {5}{6}}}",
        name, multiplier.size(), zp, l.act_min, l.act_max, lut, rounding);
  }

  std::string accumulating_constants(const std::string &name, const ir::op &o,
                                     const lower::accumulating_layer &l) {
    std::string out = int8_constant(name + "_weights", l.weights,
                                    fmt::format("{} weights, int8 {} {}", printable(o.name),
                                                o.kind == op_kind::conv ? "OHWI" : "[out][in]",
                                                ir::to_string(l.weight_shape)));
    if (!l.bias.empty())
      out += int32_constant(name + "_bias", l.bias);
    return out;
  }

  // -- layers -----------------------------------------------------------------------------------

  layer_code conv(const std::string &name, const ir::op &o) {
    const auto &l = model_.layers.at(index_of(o));
    const auto &a = o.get<ir::conv_attrs>();
    if (l.int32_output)
      return conv_integer(name, o, l, a);
    layer_code c;
    c.declarations = accumulating_constants(name, o, l);
    auto stage = output_stage(name, o, l, c.declarations);
    c.type = fmt::format(
        "onnx2hpp::conv2d<{}, onnx2hpp::conv2d_attrs{{.out_channels = {}, .kernel_h = {}, "
        ".kernel_w = {},\n    .stride_h = {}, .stride_w = {}, .dilation_h = {}, .dilation_w = {}, "
        ".pad_top = {}, .pad_left = {},\n    .pad_bottom = {}, .pad_right = {}, .groups = {}{}}}>",
        shape_of(o.input(0)), l.weight_shape[0], a.kernel[0], a.kernel[1], a.strides[0],
        a.strides[1], a.dilations[0], a.dilations[1], a.pads[0], a.pads[1], a.pads[2], a.pads[3],
        a.group,
        onnxruntime_rounding() ? ",\n    .rounding = onnx2hpp::rounding_mode::onnxruntime" : "");
    c.init = accumulating_init(name, l, stage);
    auto dim = [&](std::size_t i) { return static_cast<std::size_t>(l.weight_shape[i]); };
    const auto in_channels = static_cast<std::size_t>(g_.at(o.input(0)).shape.back()); // NHWC
    const auto groups = static_cast<std::size_t>(a.group);
    if (groups == in_channels && groups > 1) // conv2d<S, A>::depthwise
      c.after = depthwise_pack(
          name, l, {.channels = groups, .multiplier = dim(0) / groups, .taps = dim(1) * dim(2)});
    else
      c.after = gemm_pack(
          name, l,
          {.groups = groups, .ocg = dim(0) / groups, .icg = dim(3), .taps = dim(1) * dim(2)});
    return c;
  }

  // -- simd packs: the weights again in the order of backends/simd/layout.hpp, computed here by
  // the library's own packing code (simd::pack_gemm_into / pack_depthwise_into), so the header
  // carries them as bytes and nothing is packed at compile or run time.

  std::string gemm_pack(const std::string &name, const lower::accumulating_layer &l,
                        const onnx2hpp::simd::gemm_dims &d) {
    if (!options_.simd_packs)
      return "";
    std::vector<std::uint8_t> weights(d.weight_bytes());
    std::vector<std::int32_t> offsets(d.channel_terms());
    onnx2hpp::simd::pack_gemm_into(d, l.weights, l.bias, !l.bias.empty(), l.input_zero_point,
                                   l.weight_zero_point, weights.data(), offsets.data());
    return pack_code(name, "gemm", "16-channel blocks of 4-k groups, u8(w + 128)", weights,
                     offsets);
  }

  std::string depthwise_pack(const std::string &name, const lower::accumulating_layer &l,
                             const onnx2hpp::simd::depthwise_dims &d) {
    if (!options_.simd_packs)
      return "";
    std::vector<std::int16_t> weights(d.weight_count());
    std::vector<std::int32_t> offsets(d.channel_terms());
    onnx2hpp::simd::pack_depthwise_into(d, l.weights, l.bias, !l.bias.empty(), l.input_zero_point,
                                        l.weight_zero_point, weights.data(), offsets.data());
    // The four-tap part (layout.hpp), when the geometry has one and every weight fits int8.
    std::vector<std::uint8_t> weights4(d.four_tap_bytes());
    std::vector<std::int32_t> offsets4(d.four_tap_terms());
    std::string extra_decls, extra_view;
    if (onnx2hpp::simd::pack_depthwise4_into(d, l.weights, l.weight_zero_point, offsets.data(),
                                             weights4.data(), offsets4.data())) {
      extra_decls = fmt::format(
          "alignas(64) inline constexpr char {0}_pack_dw4_weights[] =\n    {1};\n"
          "alignas(64) inline constexpr std::array<std::int32_t, {2}> {0}_pack_dw4_offsets{{\n    "
          "{3}}};\n"
          "static_assert(sizeof({0}_pack_dw4_weights) - 1 ==\n"
          "              sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::dw4_weights));\n",
          name, byte_string_literal(weights4), offsets4.size(), wrapped_list(offsets4, "    "));
      extra_view = fmt::format(",\n    {{onnx2hpp::from_bytes, {0}_pack_dw4_weights}}, "
                               "{0}_pack_dw4_offsets",
                               name);
    }
    return pack_code(name, "depthwise",
                     "channel-minor tap pairs, int16 w - weight_zero_point" +
                         std::string(extra_view.empty() ? "" : ", and four-tap groups of int8"),
                     little_endian_bytes(weights), offsets, extra_decls, extra_view);
  }

  /// extra_decls: more constants of the pack; extra_view: more initialisers of the view.
  std::string pack_code(const std::string &name, const std::string &kind, const std::string &what,
                        const std::vector<std::uint8_t> &weights,
                        const std::vector<std::int32_t> &offsets,
                        const std::string &extra_decls = "", const std::string &extra_view = "") {
    packed_.insert(name);
    return fmt::format(
        "/// {0} for backends::simd: weights packed as {2} (onnx2hpp/backends/simd/pack.hpp),\n"
        "/// bias and zero-point terms per channel. Other backends run {0} itself.\n"
        "alignas(64) inline constexpr char {0}_pack_weights[] =\n    {3};\n"
        "alignas(64) inline constexpr std::array<std::int32_t, {4}> {0}_pack_offsets{{\n    "
        "{5}}};\n"
        "static_assert(sizeof({0}_pack_weights) - 1 ==\n"
        "                  sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::weights) &&\n"
        "              sizeof({0}_pack_offsets) ==\n"
        "                  sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::channel_offset));\n"
        "{6}"
        "inline constexpr onnx2hpp::simd::packed<{0}_t> {0}_packed{{\n"
        "    {0}, onnx2hpp::simd::{1}_pack_view{{{{onnx2hpp::from_bytes, {0}_pack_weights}}, "
        "{0}_pack_offsets{7}}}}};\n",
        name, kind, what, byte_string_literal(weights), offsets.size(),
        wrapped_list(offsets, "    "), extra_decls, extra_view);
  }

  /// ConvInteger/MatMulInteger: int32 accumulators out, weight zero points per channel.
  std::string integer_constants(const std::string &name, const ir::op &o,
                                const lower::accumulating_layer &l) {
    return accumulating_constants(name, o, l) +
           int32_constant(name + "_weight_zero_points", l.weight_zero_points);
  }
  static std::string integer_init(const std::string &name, const lower::accumulating_layer &l) {
    return fmt::format("{{.weights = {{onnx2hpp::from_bytes, {0}_weights}},\n    "
                       ".input_zero_point = {1},\n    .weight_zero_points = "
                       "{0}_weight_zero_points,\n    .weight_zero_points_count = {2}}}",
                       name, l.input_zero_point, l.weight_zero_points.size());
  }

  layer_code conv_integer(const std::string &name, const ir::op &o,
                          const lower::accumulating_layer &l, const ir::conv_attrs &a) {
    layer_code c;
    c.declarations = integer_constants(name, o, l);
    c.type = fmt::format(
        "onnx2hpp::conv2d_integer<{}, onnx2hpp::conv2d_attrs{{.out_channels = {}, .kernel_h = "
        "{}, .kernel_w = {},\n    .stride_h = {}, .stride_w = {}, .dilation_h = {}, .dilation_w "
        "= {}, .pad_top = {}, .pad_left = {},\n    .pad_bottom = {}, .pad_right = {}, .groups = "
        "{}}}>",
        shape_of(o.input(0)), l.weight_shape[0], a.kernel[0], a.kernel[1], a.strides[0],
        a.strides[1], a.dilations[0], a.dilations[1], a.pads[0], a.pads[1], a.pads[2], a.pads[3],
        a.group);
    c.init = integer_init(name, l);
    return c;
  }

  layer_code dense(const std::string &name, const ir::op &o) {
    const auto &l = model_.layers.at(index_of(o));
    if (l.int32_output) {
      layer_code c;
      c.declarations = integer_constants(name, o, l);
      c.type =
          fmt::format("onnx2hpp::dense_integer<{}, {}>", shape_of(o.input(0)), l.weight_shape[0]);
      c.init = integer_init(name, l);
      return c;
    }
    layer_code c;
    c.declarations = accumulating_constants(name, o, l);
    auto stage = output_stage(name, o, l, c.declarations);
    c.type = fmt::format("onnx2hpp::dense<{}, {}{}>", shape_of(o.input(0)), l.weight_shape[0],
                         mode_argument());
    c.init = accumulating_init(name, l, stage);
    c.after = gemm_pack(name, l,
                        {.groups = 1,
                         .ocg = static_cast<std::size_t>(l.weight_shape[0]),
                         .icg = static_cast<std::size_t>(l.weight_shape[1]),
                         .taps = 1});
    return c;
  }

  /// A MatMul of two computed tensors: onnx2hpp::batch_matmul, a per-tensor output stage.
  layer_code batch_matmul(const std::string &name, const ir::op &o) {
    const auto &l = model_.layers.at(index_of(o));
    layer_code c;
    auto stage = output_stage(name, o, l, c.declarations);
    c.type = fmt::format("onnx2hpp::batch_matmul<{}, {}{}>", shape_of(o.input(0)),
                         shape_of(o.input(1)), mode_argument());
    c.init = fmt::format("{{.a_zero_point = {},\n    .b_zero_point = {},\n    .output = {}}}",
                         l.input_zero_point, l.weight_zero_point, stage);
    return c;
  }

  static std::string accumulating_init(const std::string &name, const lower::accumulating_layer &l,
                                       const std::string &stage) {
    return fmt::format("{{.weights = {{onnx2hpp::from_bytes, {}_weights}},\n    .bias = {},\n"
                       "    .input_zero_point = {},\n    .weight_zero_point = {},\n"
                       "    .output = {}}}",
                       name, l.bias.empty() ? "{}" : name + "_bias", l.input_zero_point,
                       l.weight_zero_point, stage);
  }

  static std::string pool_attrs(const ir::pool_attrs &a) {
    return fmt::format("onnx2hpp::pool2d_attrs{{.kernel_h = {}, .kernel_w = {}, .stride_h = {}, "
                       ".stride_w = {},\n    .dilation_h = {}, .dilation_w = {}, .pad_top = {}, "
                       ".pad_left = {}, .pad_bottom = {},\n    .pad_right = {}, .ceil_mode = {}}}",
                       a.kernel[0], a.kernel[1], a.strides[0], a.strides[1], a.dilations[0],
                       a.dilations[1], a.pads[0], a.pads[1], a.pads[2], a.pads[3], a.ceil_mode);
  }

  /// {multiplier, shift} of input_scale / output_scale, by the library's quantize_multiplier.
  std::string rescale(const ir::op &o) const {
    auto m = onnx2hpp::quantize_multiplier(double(scale(o, o.input(0))) / scale(o, o.output()));
    return fmt::format("{{{}, {}}}", m.multiplier, m.shift);
  }

  layer_code max_pool(const ir::op &o) {
    if (!ir::same_quantization(quant(o, o.input(0)), quant(o, o.output())))
      unsupported(o, "input and output quantization differ (isolate_requantization should have "
                     "split this)");
    return {"",
            fmt::format("onnx2hpp::max_pool2d<{}, {}>", shape_of(o.input(0)),
                        pool_attrs(o.get<ir::pool_attrs>())),
            "{.act_min = -128, .act_max = 127}"};
  }

  layer_code average_pool(const ir::op &o) {
    const auto &a = o.get<ir::pool_attrs>();
    return {"",
            fmt::format("onnx2hpp::avg_pool2d<{}, {}, {}{}>", shape_of(o.input(0)), pool_attrs(a),
                        a.count_include_pad, mode_argument()),
            pool_init(o)};
  }

  layer_code global_average_pool(const ir::op &o) {
    return {"",
            fmt::format("onnx2hpp::global_avg_pool<{}{}>", shape_of(o.input(0)), mode_argument()),
            pool_init(o)};
  }

  std::string pool_init(const ir::op &o) const {
    return fmt::format("{{.input_zero_point = {}, .output_zero_point = {}, .multiplier = {}, "
                       ".act_min = -128, .act_max = 127{}}}",
                       zero_point(o, o.input(0)), zero_point(o, o.output()), rescale(o),
                       onnxruntime_rounding()
                           ? fmt::format(",\n    .input_scale = {}, .output_scale = {}",
                                         float_literal(scale(o, o.input(0))),
                                         float_literal(scale(o, o.output())))
                           : "");
  }

  /// The trailing rounding-mode template argument of dense, batch_matmul, add, mul and the
  /// average pools (nothing in the default fixed-point mode).
  std::string mode_argument() const {
    return onnxruntime_rounding() ? ", onnx2hpp::rounding_mode::onnxruntime" : "";
  }
  bool onnxruntime_rounding() const {
    return options_.rounding == onnx2hpp::rounding_mode::onnxruntime;
  }

  /// Fused activation of add/mul: a clamp range, or a table after a pre-activation quantization.
  struct fused_output {
    float scale;
    std::int32_t zero_point;
    std::string range = "{-128, 127}";
    std::string lut = "nullptr";
  };

  fused_output elementwise_output(const std::string &name, const ir::op &o,
                                  std::string &declarations) {
    const auto &out = quant(o, o.output());
    fused_output f{out.scale_at(0), out.zero_point_at(0)};
    if (!o.fused_activation)
      return f;
    const auto &a = *o.fused_activation;
    auto [alpha, beta] = activation_parameters(a);
    if (is_clamp(a)) {
      f.range = fmt::format("onnx2hpp::activation_clamp({}, {}, {}, {}, {})",
                            library_activation(a.kind), float_literal(f.scale), f.zero_point,
                            float_literal(alpha), float_literal(beta));
      return f;
    }
    auto pre = lower::pre_activation(a, out);
    declarations += fmt::format(
        "inline constexpr onnx2hpp::lut256 {}_lut = onnx2hpp::make_activation_lut(\n"
        "    {}, {}, {}, {}, {}, {}, {});\n",
        name, library_activation(a.kind), float_literal(pre.input_scale), pre.input_zero_point,
        float_literal(f.scale), f.zero_point, float_literal(alpha), float_literal(beta));
    f.scale = pre.input_scale;
    f.zero_point = pre.input_zero_point;
    f.lut = "&" + name + "_lut";
    return f;
  }

  layer_code binary(const std::string &name, const ir::op &o) {
    for (auto id : o.inputs)
      if (g_.at(id).is_constant())
        unsupported(o, fmt::format("a constant operand ('{}') of an element-wise op is not "
                                   "supported by the library's add/mul yet",
                                   g_.at(id).name));
    layer_code c;
    auto f = elementwise_output(name, o, c.declarations);
    bool add = o.kind == op_kind::add;
    c.type = fmt::format("onnx2hpp::{}<{}, {}{}>", add ? "add" : "mul", shape_of(o.input(0)),
                         shape_of(o.input(1)), mode_argument());
    c.init = fmt::format("{{.params = onnx2hpp::make_{}_params({}, {}, {}, {}, {}, {},\n    {}),\n"
                         "    .lut = {}}}",
                         add ? "add" : "mul", float_literal(scale(o, o.input(0))),
                         zero_point(o, o.input(0)), float_literal(scale(o, o.input(1))),
                         zero_point(o, o.input(1)), float_literal(f.scale), f.zero_point, f.range,
                         f.lut);
    return c;
  }

  layer_code concat(const ir::op &o) {
    std::vector<std::string> shapes, inputs;
    for (auto id : o.inputs) {
      shapes.push_back(shape_of(id));
      inputs.push_back(fmt::format("onnx2hpp::make_concat_input({}, {}, {}, {})",
                                   float_literal(scale(o, id)), zero_point(o, id),
                                   float_literal(scale(o, o.output())), zero_point(o, o.output())));
    }
    auto axis = o.get<ir::axis_attrs>().axis;
    if (axis < 0)
      axis += static_cast<std::int64_t>(g_.at(o.output()).shape.size());
    const std::string attrs =
        onnxruntime_rounding()
            ? fmt::format("onnx2hpp::concat_attrs{{{}, onnx2hpp::rounding_mode::onnxruntime}}",
                          axis)
            : fmt::format("{}", axis);
    return {"", fmt::format("onnx2hpp::concat<{}, {}>", attrs, fmt::join(shapes, ", ")),
            fmt::format("{{.inputs = {{{{{}}}}},\n    .output_zero_point = {}}}",
                        fmt::join(inputs, ",\n                "), zero_point(o, o.output()))};
  }

  void require_same_quantization(const ir::op &o) const {
    if (!ir::same_quantization(quant(o, o.input(0)), quant(o, o.output())))
      unsupported(o, "input and output quantization differ");
  }

  layer_code reshape(const ir::op &o) {
    const auto &in = g_.at(o.input(0)), &out = g_.at(o.output());
    // A copy (separate_outputs) keeps any quantization, per channel too: the bytes do not move.
    const bool copy = in.shape == out.shape && in.type == out.type && in.quant && out.quant &&
                      ir::same_quantization(*in.quant, *out.quant);
    if (!copy)
      require_same_quantization(o);
    // Shapes stored in a model whose opset libonnx does not know are not re-inferred.
    if (in.elements() != out.elements())
      unsupported(o, fmt::format("it reshapes {} into {}: the element counts differ (shapes "
                                 "stored in the model?)",
                                 ir::to_string(in.shape), ir::to_string(out.shape)));
    return {"",
            fmt::format("onnx2hpp::reshape<{}, {}>", shape_of(o.input(0)), shape_of(o.output())),
            "{}"};
  }

  layer_code transpose(const ir::op &o) {
    require_same_quantization(o);
    return {"",
            fmt::format("onnx2hpp::transpose<{}, {}>", shape_of(o.input(0)),
                        fmt::join(o.get<ir::perm_attrs>().perm, ", ")),
            "{}"};
  }

  /// Slice: one `slice_range` per sliced axis, with ONNX's starts/ends/steps as the model gives
  /// them (negative and out-of-range values included: the layer normalizes them as ONNX does).
  layer_code slice(const ir::op &o) {
    require_same_quantization(o);
    const auto &a = o.get<ir::slice_attrs>();
    std::vector<std::string> ranges;
    for (std::size_t i = 0; i < a.axes.size(); ++i) {
      const std::int64_t step = i < a.steps.size() ? a.steps[i] : 1;
      if (step == 0 || step == std::numeric_limits<std::int64_t>::min() || i >= a.starts.size() ||
          i >= a.ends.size())
        unsupported(o, fmt::format("slice {} has step {} or lacks its start or end: ONNX wants a "
                                   "non-zero step (and onnx2hpp one above INT64_MIN)",
                                   i, step));
      // INT64_MIN is not a literal in C++: spell the extremes by name.
      auto literal = [](std::int64_t v) {
        if (v == std::numeric_limits<std::int64_t>::max())
          return std::string("std::numeric_limits<std::int64_t>::max()");
        if (v == std::numeric_limits<std::int64_t>::min())
          return std::string("std::numeric_limits<std::int64_t>::min()");
        return std::to_string(v);
      };
      ranges.push_back(
          fmt::format("onnx2hpp::slice_range{{.axis = {}, .start = {}, .end = {}, .step = {}}}",
                      a.axes[i], literal(a.starts.at(i)), literal(a.ends.at(i)), step));
    }
    return {"",
            fmt::format("onnx2hpp::slice<{}, {}>", shape_of(o.input(0)), fmt::join(ranges, ", ")),
            "{}"};
  }

  /// Nearest Resize of H and W: the plain repeat `resize_nearest` when the source rows and
  /// columns are y / F and x / F for whole factors, else `resize_nearest_indexed` with its tables
  /// computed in the header by `nearest_source_indices` (onnxruntime's float arithmetic).
  layer_code resize(const ir::op &o) {
    require_same_quantization(o);
    const auto &a = o.get<ir::resize_attrs>();
    const auto &in = g_.at(o.input(0));
    const auto &out = g_.at(o.output());
    if (in.shape.size() != 4 || a.scales.size() != 4 || a.scales[0] != 1.0 || a.scales[3] != 1.0)
      unsupported(o, "Resize is supported on the H and W of a 4-D tensor only");
    static const std::map<std::string, std::pair<onnx2hpp::resize_coordinate, const char *>>
        coordinates{
            {"half_pixel", {onnx2hpp::resize_coordinate::half_pixel, "half_pixel"}},
            {"asymmetric", {onnx2hpp::resize_coordinate::asymmetric, "asymmetric"}},
            {"pytorch_half_pixel",
             {onnx2hpp::resize_coordinate::pytorch_half_pixel, "pytorch_half_pixel"}},
            {"tf_half_pixel_for_nn",
             {onnx2hpp::resize_coordinate::tf_half_pixel_for_nn, "tf_half_pixel_for_nn"}},
            {"align_corners", {onnx2hpp::resize_coordinate::align_corners, "align_corners"}},
            {"half_pixel_symmetric",
             {onnx2hpp::resize_coordinate::half_pixel_symmetric, "half_pixel_symmetric"}},
        };
    static const std::map<std::string, std::pair<onnx2hpp::resize_rounding, const char *>>
        roundings{
            {"round_prefer_floor",
             {onnx2hpp::resize_rounding::round_prefer_floor, "round_prefer_floor"}},
            {"round_prefer_ceil",
             {onnx2hpp::resize_rounding::round_prefer_ceil, "round_prefer_ceil"}},
            {"floor", {onnx2hpp::resize_rounding::floor, "floor"}},
            {"ceil", {onnx2hpp::resize_rounding::ceil, "ceil"}},
            {"simple", {onnx2hpp::resize_rounding::simple, "simple"}},
        };
    auto coordinate = coordinates.find(a.coordinate_transformation_mode);
    if (coordinate == coordinates.end())
      unsupported(o, fmt::format("nearest Resize with coordinate_transformation_mode '{}' is not "
                                 "supported",
                                 a.coordinate_transformation_mode));
    auto rounding = roundings.find(a.nearest_mode);
    if (rounding == roundings.end())
      unsupported(o, fmt::format("nearest_mode '{}' is not supported", a.nearest_mode));
    auto extent = [](std::int64_t e) { return static_cast<std::size_t>(e); };
    // Axis 1 and 2 of the NHWC shapes: H and W.
    bool repeat = true;
    std::array<std::string, 2> tables;
    for (std::size_t k = 0; k < 2; ++k) {
      auto in_len = extent(in.shape[k + 1]), out_len = extent(out.shape[k + 1]);
      auto scale = static_cast<float>(a.scales[k + 1]);
      bool axis_repeat = out_len % in_len == 0;
      for (std::size_t i = 0; i < out_len && axis_repeat; ++i)
        axis_repeat =
            onnx2hpp::nearest_source_index(i, in_len, out_len, scale, coordinate->second.first,
                                           rounding->second.first) == i / (out_len / in_len);
      repeat = repeat && axis_repeat;
      tables[k] = fmt::format("onnx2hpp::nearest_source_indices<{}>({}, {}, "
                              "onnx2hpp::resize_coordinate::{}, onnx2hpp::resize_rounding::{})",
                              out_len, in_len, float_literal(scale), coordinate->second.second,
                              rounding->second.second);
    }
    if (repeat)
      return {"",
              fmt::format("onnx2hpp::resize_nearest<{}, {}, {}>", shape_of(o.input(0)),
                          out.shape[1] / in.shape[1], out.shape[2] / in.shape[2]),
              "{}"};
    return {"",
            fmt::format("onnx2hpp::resize_nearest_indexed<{}, {}, {}>", shape_of(o.input(0)),
                        out.shape[1], out.shape[2]),
            fmt::format("{{\n    {},\n    {}}}", tables[0], tables[1])};
  }

  layer_code softmax(const ir::op &o) {
    auto axis = o.get<ir::axis_attrs>().axis;
    auto rank = static_cast<std::int64_t>(g_.at(o.input(0)).shape.size());
    if (axis != rank - 1 && axis != -1)
      unsupported(o, "Softmax is supported along the last axis only");
    auto s = float_literal(scale(o, o.input(0)));
    return {"", fmt::format("onnx2hpp::softmax<{}>", shape_of(o.input(0))),
            fmt::format("{{.input_scale = {}, .input_zero_point = {}, .output_scale = {},\n"
                        "    .output_zero_point = {}, .table = onnx2hpp::make_softmax_table({})}}",
                        s, zero_point(o, o.input(0)), float_literal(scale(o, o.output())),
                        zero_point(o, o.output()), s)};
  }

  /// A stand-alone activation (or a requantize, an identity activation): a clamp when input and
  /// output share their quantization, a table otherwise.
  layer_code activation(const std::string &name, const ir::op &o) {
    const auto &in = quant(o, o.input(0));
    const auto &out = quant(o, o.output());
    std::optional<ir::activation> a;
    if (o.kind == op_kind::activation)
      a = o.get<ir::activation>();
    layer_code c;
    c.type = fmt::format("onnx2hpp::activation<{}>", shape_of(o.input(0)));
    if (a && is_clamp(*a) && ir::same_quantization(in, out)) {
      auto [alpha, beta] = activation_parameters(*a);
      c.declarations = fmt::format(
          "inline constexpr onnx2hpp::activation_range {}_range = onnx2hpp::activation_clamp(\n"
          "    {}, {}, {}, {}, {});\n",
          name, library_activation(a->kind), float_literal(out.scale_at(0)), out.zero_point_at(0),
          float_literal(alpha), float_literal(beta));
      c.init = fmt::format("{{.lut = nullptr, .act_min = {0}_range.min, .act_max = {0}_range.max}}",
                           name);
      return c;
    }
    auto [alpha, beta] = a ? activation_parameters(*a) : std::pair{0.0f, 0.0f};
    c.declarations = fmt::format(
        "inline constexpr onnx2hpp::lut256 {}_lut = onnx2hpp::make_activation_lut(\n"
        "    {}, {}, {}, {}, {}, {}, {});\n",
        name, a ? library_activation(a->kind) : "onnx2hpp::activation_kind::none",
        float_literal(in.scale_at(0)), in.zero_point_at(0), float_literal(out.scale_at(0)),
        out.zero_point_at(0), float_literal(alpha), float_literal(beta));
    c.init = fmt::format("{{.lut = &{}_lut, .act_min = -128, .act_max = 127}}", name);
    return c;
  }

  layer_code pad(const ir::op &o) {
    require_same_quantization(o);
    const auto &a = o.get<ir::pad_attrs>();
    auto rank = a.pads.size() / 2;
    if (a.mode != "constant")
      unsupported(o, fmt::format("Pad mode '{}'", a.mode));
    for (auto p : a.pads)
      if (p < 0)
        unsupported(o, "negative pads (cropping)");
    std::vector<std::int64_t> begin(a.pads.begin(), a.pads.begin() + static_cast<long>(rank)),
        end(a.pads.begin() + static_cast<long>(rank), a.pads.end());
    const auto &q = quant(o, o.input(0));
    auto value =
        std::clamp(q.zero_point_at(0) + std::nearbyint(a.value / q.scale_at(0)), -128.0, 127.0);
    return {"",
            fmt::format("onnx2hpp::pad<{}, onnx2hpp::pad_amounts<{}>{{.begin = {{{}}}, .end = "
                        "{{{}}}}}>",
                        shape_of(o.input(0)), rank, fmt::join(begin, ", "), fmt::join(end, ", ")),
            fmt::format("{{.value = {}}}", static_cast<int>(value))};
  }

  std::size_t index_of(const ir::op &o) const {
    return static_cast<std::size_t>(&o - g_.ops.data());
  }

  std::string layer(std::size_t index) {
    const auto &o = g_.ops[index];
    const auto &name = layer_names_.at(index);
    layer_code c;
    switch (o.kind) {
    case op_kind::conv:
      c = conv(name, o);
      break;
    case op_kind::dense:
      c = dense(name, o);
      break;
    case op_kind::batch_matmul:
      c = batch_matmul(name, o);
      break;
    case op_kind::max_pool:
      c = max_pool(o);
      break;
    case op_kind::average_pool:
      c = average_pool(o);
      break;
    case op_kind::global_average_pool:
      c = global_average_pool(o);
      break;
    case op_kind::add:
    case op_kind::mul:
      c = binary(name, o);
      break;
    case op_kind::concat:
      c = concat(o);
      break;
    case op_kind::reshape:
      c = reshape(o);
      break;
    case op_kind::transpose:
      c = transpose(o);
      break;
    case op_kind::slice:
      c = slice(o);
      break;
    case op_kind::resize:
      c = resize(o);
      break;
    case op_kind::softmax:
      c = softmax(o);
      break;
    case op_kind::activation:
    case op_kind::requantize:
      c = activation(name, o);
      break;
    case op_kind::pad:
      c = pad(o);
      break;
    default:
      unsupported(o, fmt::format("the IR op '{}' has no library layer yet", ir::name_of(o.kind)));
    }
    const auto &out = g_.at(o.output());
    auto summary = fmt::format(
        "// {} ({}{}{}) -> {} {}\n", printable(o.name), printable(o.onnx_type),
        o.fused.empty() ? "" : " + ", printable(fmt::format("{}", fmt::join(o.fused, " + "))),
        ir::to_string(out.shape), out.quant ? ir::to_string(*out.quant) : "");
    return summary + c.declarations +
           fmt::format("using {0}_t = {1};\ninline constexpr {0}_t {0}{2};\n", name, c.type,
                       c.init) +
           c.after + "\n";
  }

  std::string graph_definition() const {
    std::vector<std::string> inputs, outputs, nodes;
    for (std::size_t i = 0; i < inputs_.size(); ++i)
      inputs.push_back(fmt::format("onnx2hpp::tensor<{}, {}>", i, shape_of(inputs_[i].second)));
    for (const auto &[onnx, q] : outputs_)
      outputs.push_back(std::to_string(slot_.at(q)));
    for (auto i : nodes_) {
      const auto &o = g_.ops[i];
      std::vector<std::string> reads;
      for (auto id : o.inputs)
        if (id != ir::no_tensor && !g_.at(id).is_constant()) // weights live in the layer
          reads.push_back(std::to_string(slot_.at(id)));
      nodes.push_back(fmt::format(
          "onnx2hpp::node<{}, onnx2hpp::in<{}>, {}>({})", string_literal(o.name),
          fmt::join(reads, ", "), slot_.at(o.output()),
          packed_.count(layer_names_.at(i)) ? layer_names_.at(i) + "_packed" : layer_names_.at(i)));
    }
    return fmt::format("/// The network: {} node(s) over tensor slots (graph inputs first).\n"
                       "inline constexpr auto graph = onnx2hpp::make_graph<\n"
                       "    onnx2hpp::inputs<{}>,\n    onnx2hpp::outputs<{}>>(\n    {});\n"
                       "using graph_type = std::remove_cvref_t<decltype(graph)>;\n\n",
                       nodes.size(), fmt::join(inputs, ", "), fmt::join(outputs, ", "),
                       fmt::join(nodes, ",\n    "));
  }

  std::string io_entry(const std::string &prefix, std::size_t i, ir::tensor_id onnx,
                       ir::tensor_id q, std::string &arrays) const {
    const auto &t = g_.at(q);
    auto onnx_dims = onnx_shape(onnx);
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
      for (std::size_t c = 0; c < channels; ++c) {
        scales.push_back(float_literal(q.scale_at(c)));
        zero_points.push_back(q.zero_point_at(c));
      }
      arrays += fmt::format("inline constexpr std::array<float, {}> {}{}_scales{{{}}};\n", channels,
                            prefix, i, fmt::join(scales, ", "));
      arrays +=
          fmt::format("inline constexpr std::array<std::int32_t, {}> {}{}_zero_points{{{}}};\n",
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
                              prefix, g_.at(onnx).name, ir::name_of(t.type)));
    return fmt::format("{{.name = {}, .onnx_shape = {}{}_onnx_shape, .shape = {}{}_shape,\n"
                       "     .onnx_is_nchw = {}, .scale = {}, .zero_point = {}{}}}",
                       string_literal(g_.at(onnx).name), prefix, i, prefix, i,
                       g_.at(onnx).order == ir::layout::nhwc, scale, zp, extra);
  }

  std::string io_metadata() const {
    std::string arrays, ins, outs, nodes;
    std::vector<std::string> in_entries, out_entries, node_entries;
    for (std::size_t i = 0; i < inputs_.size(); ++i)
      in_entries.push_back(io_entry("input", i, inputs_[i].first, inputs_[i].second, arrays));
    for (std::size_t i = 0; i < outputs_.size(); ++i)
      out_entries.push_back(io_entry("output", i, outputs_[i].first, outputs_[i].second, arrays));
    for (auto i : nodes_) {
      const auto &o = g_.ops[i];
      const auto &t = g_.at(o.output());
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

  const lower::lowered_model &model_;
  const ir::graph &g_;
  header_options options_;
  std::vector<std::pair<ir::tensor_id, ir::tensor_id>> inputs_;  ///< (ONNX tensor, int8 tensor)
  std::vector<std::pair<ir::tensor_id, ir::tensor_id>> outputs_; ///< (ONNX tensor, int8 tensor)
  std::vector<std::size_t> nodes_;                               ///< ops that are graph nodes
  std::map<ir::tensor_id, std::size_t> slot_;
  std::map<std::size_t, std::string> layer_names_;
  std::set<std::string> packed_; ///< layers whose graph node is `<name>_packed`
};

} // namespace

void check_header_text(std::string_view text) {
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    ++line_number;
    auto fail = [&](const std::string &why) {
      throw error(failure::internal,
                  fmt::format("the generated header breaks its own rules at line {} ({}): {}",
                              line_number, why, printable(line.substr(0, 120))));
    };
    for (char c : line)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        fail("a byte outside printable ASCII");
    if (!line.empty() && line.back() == '\\')
      fail("a line continuation");
    auto first = line.find_first_not_of(' ');
    if (first != std::string_view::npos && line[first] == '#' &&
        !(line == "#pragma once" || (line.starts_with("#include <") && line.ends_with(">") &&
                                     line.find_first_of("\"'") == std::string_view::npos)))
      fail("a preprocessor directive the generator does not write");
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
}

std::string emit_header(const lower::lowered_model &model, const header_options &options) {
  if (auto problem = namespace_problem(options.name_space))
    throw error(failure::usage,
                fmt::format("namespace '{}' cannot be used: {}. Give a C++ name with --namespace",
                            printable(options.name_space), *problem));
  auto text = header_writer(model, options).write();
  check_header_text(text); // a last line of defence: model text must never become code
  return text;
}

std::string default_namespace(const std::filesystem::path &model) {
  return identifier(model.stem().string());
}

void check_output_path(const std::filesystem::path &output,
                       const std::vector<std::filesystem::path> &inputs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(output, ec); // follows a symbolic link to what it names
  if (ec || !fs::exists(status))
    return; // a new file
  for (const auto &input : inputs)
    if (fs::equivalent(output, input, ec) && !ec)
      throw error(failure::usage,
                  fmt::format("-o '{}' is the file '{}' that the model is read from; writing the "
                              "header there would destroy it. Choose another output file",
                              printable(output.string()), printable(input.string())));
  if (!fs::is_regular_file(status))
    throw error(failure::usage,
                fmt::format("-o '{}' exists and is {}, not a regular file; onnx2hpp writes the "
                            "header by replacing the file, so it refuses. Choose a file name",
                            printable(output.string()),
                            fs::is_directory(status)        ? "a directory"
                            : fs::is_character_file(status) ? "a character device"
                            : fs::is_block_file(status)     ? "a block device"
                            : fs::is_fifo(status)           ? "a FIFO"
                                                            : "a special file"));
}

void write_atomically(const std::filesystem::path &path, const std::string &text) {
  auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  auto temp = folder / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid());
  auto fail = [&](const std::string &what) {
    const int cause = errno; // before remove() can overwrite it
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw error(failure::output_failed, fmt::format("cannot write '{}': {}: {}", path.string(),
                                                    what, std::strerror(cause)));
  };
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out)
      fail("cannot create a file in its folder");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out)
      fail("writing failed");
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    errno = ec.value();
    fail("renaming the temporary file failed");
  }
}

} // namespace onnx2hpp::codegen::emit
