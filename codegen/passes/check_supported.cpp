// check_supported: what reaches lowering is what the library implements.

#include "diagnostics/error.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

/// Why `o` cannot be lowered, or an empty string.
std::string problem(const ir::graph &g, const ir::op &o) {
  if (!ir::is_core(o.kind))
    return fmt::format("{} remains after the passes: {} is supported only where it can be folded "
                       "away (into constants, a neighbouring op, or a quantization parameter)",
                       o.onnx_type, o.onnx_type);
  for (auto id : o.outputs)
    if (!g.at(id).shape_known)
      return fmt::format("the shape of its output '{}' is not static", g.at(id).name);

  bool integer_op = (o.kind == op_kind::conv || o.kind == op_kind::dense) &&
                    g.at(o.output()).type == ir::dtype::i32;
  auto check = [&](ir::tensor_id id, const char *role) -> std::string {
    if (id == ir::no_tensor)
      return {};
    const auto &t = g.at(id);
    if (o.kind == op_kind::quantize && std::string_view(role) == "input")
      return ir::is_float(t.type) ? "" : fmt::format("quantizes '{}', which is not float", t.name);
    if (o.kind == op_kind::dequantize && std::string_view(role) == "output")
      return {};
    if (t.is_constant() && (o.kind == op_kind::conv || o.kind == op_kind::dense))
      return {}; // weights and bias: checked by lowering
    if (integer_op && std::string_view(role) == "output")
      return {}; // a raw int32 accumulator (ConvInteger, MatMulInteger)
    if (ir::is_float(t.type) || !t.quant)
      return fmt::format("its {} '{}' ({}) is not quantized; onnx2hpp converts fully quantized "
                         "graphs, where every op reads and writes quantized tensors (in QDQ form: "
                         "DequantizeLinear before each op, QuantizeLinear after it)",
                         role, t.name, ir::name_of(t.type));
    return {};
  };
  for (auto id : o.inputs)
    if (auto p = check(id, "input"); !p.empty())
      return p;
  for (auto id : o.outputs)
    if (auto p = check(id, "output"); !p.empty())
      return p;
  if (o.kind == op_kind::quantize && !g.is_input(o.input(0)))
    return "a QuantizeLinear of a float tensor inside the graph (only graph inputs are float)";
  if (o.kind == op_kind::dequantize && !g.is_output(o.output()))
    return "a DequantizeLinear whose float result is used inside the graph";
  return {};
}

} // namespace

ir::graph check_supported(ir::graph g) {
  std::vector<std::string> problems;
  for (const auto &o : g.ops)
    if (auto p = problem(g, o); !p.empty())
      problems.push_back(fmt::format("  node '{}' ({}): {}", o.name, o.onnx_type, p));
  if (!problems.empty()) {
    // The warnings of earlier passes often say why (a data-movement op left float, ...): the
    // generator prints them only after a successful run, so they go with the refusal.
    auto notes = g.info.warnings.empty()
                     ? std::string()
                     : fmt::format("\nwarnings:\n  {}", fmt::join(g.info.warnings, "\n  "));
    throw error(failure::unsupported_model,
                fmt::format("'{}' cannot be converted:\n{}{}", g.info.source_path,
                            fmt::join(problems, "\n"), notes));
  }
  return g;
}

} // namespace onnx2hpp::codegen::passes
