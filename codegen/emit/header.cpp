#include "emit/header.hpp"

#include "diagnostics/error.hpp"
#include "diagnostics/printable.hpp"
#include "emit/context.hpp"
#include "emit/cpp_text.hpp"
#include "emit/io_metadata.hpp"
#include "emit/layers/layers.hpp"
#include "report/layer_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

namespace onnx2hpp::codegen::emit {

namespace {

/// The document: the comment block, the includes, each node's layer (layers/*.cpp), the graph
/// and the I/O metadata (io_metadata.cpp), in that order.
class header_writer {
public:
  header_writer(const lower::lowered_model &model, const header_options &options)
      : c_(model, options) {}

  std::string write() {
    check_activation_bytes();
    name_layers();
    std::vector<std::string> problems;
    std::string layers;
    for (auto i : c_.graph.node_ops) {
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
                              c_.g.info.source_path, fmt::join(problems, "\n")));
    return comment_block() + "#pragma once\n\n#include <onnx2hpp/onnx2hpp.hpp>\n" +
           (c_.options.simd_packs ? "#include <onnx2hpp/backends/simd/pack.hpp>\n\n" : "\n") +
           "#include <array>\n#include <cstddef>\n#include <cstdint>\n#include <type_traits>\n\n" +
           fmt::format("namespace {} {{\n\n", c_.options.name_space) + layers + graph_definition() +
           io_metadata(c_) + fmt::format("}} // namespace {}\n", c_.options.name_space);
  }

private:
  /// The arena holds at most every activation at once: bounded so that every size and offset the
  /// header computes fits a 32-bit size_t (ir::max_tensor_elements).
  void check_activation_bytes() const {
    std::int64_t total = 0;
    for (const auto &[onnx, q] : c_.graph.inputs)
      total += c_.g.at(q).elements() * static_cast<std::int64_t>(ir::size_of(c_.g.at(q).type));
    for (auto i : c_.graph.node_ops) {
      const auto &t = c_.g.at(c_.g.ops[i].output());
      total += t.elements() * static_cast<std::int64_t>(ir::size_of(t.type));
      if (total > ir::max_tensor_elements)
        throw error(failure::unsupported_model,
                    fmt::format("'{}': the activations add up to more than {} bytes (at node "
                                "'{}'), the most a generated header may plan",
                                c_.g.info.source_path, ir::max_tensor_elements, c_.g.ops[i].name));
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
    for (std::size_t i = 0; i < std::max(c_.graph.inputs.size(), c_.graph.outputs.size()); ++i)
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
    for (auto i : c_.graph.node_ops) {
      auto base = identifier(c_.g.ops[i].name);
      auto name = base;
      for (int n = 2; !is_free(name); ++n)
        name = fmt::format("{}_{}", base, n);
      taken.insert(name);
      for (auto suffix : derived_suffixes)
        taken.insert(name + std::string(suffix));
      c_.layer_names[i] = name;
    }
  }

  std::string comment_block() const {
    const auto &info = c_.g.info;
    // Every string here comes from the model (or its path): printable() keeps it on its line.
    std::string text = fmt::format(
        "// Generated by onnx2hpp {} from {}. Do not edit: regenerate from the model.\n//\n"
        "// source:   {}\n// sha256:   {}\n// producer: {}, ONNX IR version {}, opset {}\n"
        "// dialects: {}\n",
        printable(c_.options.generator_version),
        printable(std::filesystem::path(info.source_path).filename().string()),
        printable(info.source_path), info.sha256.empty() ? "(not computed)" : info.sha256,
        printable(info.producer_version.empty() ? info.producer_name
                                                : info.producer_name + " " + info.producer_version),
        info.ir_version, info.opset, printable(fmt::format("{}", fmt::join(info.dialects, ", "))));
    for (const auto &[onnx, q] : c_.graph.inputs)
      text += fmt::format("// input:    {} {} -> int8 {} {}\n", printable(c_.g.at(onnx).name),
                          ir::to_string(c_.onnx_shape(onnx)), ir::to_string(c_.g.at(q).shape),
                          c_.g.at(q).quant ? ir::to_string(*c_.g.at(q).quant) : "");
    for (const auto &[onnx, q] : c_.graph.outputs)
      text += fmt::format("// output:   {} {} <- int8 {} {}\n", printable(c_.g.at(onnx).name),
                          ir::to_string(c_.onnx_shape(onnx)), ir::to_string(c_.g.at(q).shape),
                          c_.g.at(q).quant ? ir::to_string(*c_.g.at(q).quant) : "");
    text +=
        c_.onnxruntime_rounding()
            ? "// rounding: onnxruntime (--rounding onnxruntime): conv/dense/matmul/add/mul/"
              "average pools/concat\n//           requantize as onnxruntime does, fp32 scales and "
              "round half to even (the mode\n//           is part of each layer's type, "
              "*_scale); the NPU leaves those layers to the CPU\n"
            : "// rounding: fixed-point (gemmlowp/TFLite integer multipliers; --rounding "
              "onnxruntime matches onnxruntime)\n";
    for (const auto &w : info.warnings)
      text += fmt::format("// warning:  {}\n", printable(w));
    if (c_.options.simd_packs)
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
    text += report::format_table(report::layer_table(c_.g), "// ");
    return text + "\n";
  }

  std::string layer(std::size_t index) {
    const auto &o = c_.g.ops[index];
    const auto &name = c_.layer_names.at(index);
    const layer_code c = layer_of(c_, index);
    const auto &out = c_.g.at(o.output());
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
    for (std::size_t i = 0; i < c_.graph.inputs.size(); ++i)
      inputs.push_back(
          fmt::format("onnx2hpp::tensor<{}, {}>", i, c_.shape_of(c_.graph.inputs[i].tensor)));
    for (const auto &[onnx, q] : c_.graph.outputs)
      outputs.push_back(std::to_string(c_.graph.slot.at(q)));
    for (auto i : c_.graph.node_ops) {
      const auto &o = c_.g.ops[i];
      std::vector<std::string> reads;
      for (auto id : o.inputs)
        if (id != ir::no_tensor && !c_.g.at(id).is_constant()) // weights live in the layer
          reads.push_back(std::to_string(c_.graph.slot.at(id)));
      nodes.push_back(
          fmt::format("onnx2hpp::node<{}, onnx2hpp::in<{}>, {}>({})", string_literal(o.name),
                      fmt::join(reads, ", "), c_.graph.slot.at(o.output()),
                      c_.packed.count(c_.layer_names.at(i)) ? c_.layer_names.at(i) + "_packed"
                                                            : c_.layer_names.at(i)));
    }
    return fmt::format("/// The network: {} node(s) over tensor slots (graph inputs first).\n"
                       "inline constexpr auto graph = onnx2hpp::make_graph<\n"
                       "    onnx2hpp::inputs<{}>,\n    onnx2hpp::outputs<{}>>(\n    {});\n"
                       "using graph_type = std::remove_cvref_t<decltype(graph)>;\n\n",
                       nodes.size(), fmt::join(inputs, ", "), fmt::join(outputs, ", "),
                       fmt::join(nodes, ",\n    "));
  }

  context c_;
};

} // namespace

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

} // namespace onnx2hpp::codegen::emit
