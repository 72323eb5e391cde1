#pragma once
// Reading quantization operands (scale, zero point) of QuantizeLinear/DequantizeLinear and the
// QLinear* ops, with the checks ONNX implies, and attaching them to tensors.

#include "ir/graph.hpp"

#include <string>

namespace onnx2hpp::codegen::passes {

/// "'model.onnx': node '/conv1/Conv' (Conv)" — the prefix of every message about a node.
std::string where(const ir::graph &g, const ir::op &node);

/// Builds the quantization that the constant operands `scale` and `zero_point` (absent: 0) give
/// `target`. A scale with more than one element is per-channel along `axis` of the target.
/// Throws failure::invalid_quantization for a non-constant operand, a scale that is zero,
/// negative or not finite, a per-channel length that does not match the target's dimension, or a
/// zero point outside the target's type.
ir::quantization read_quantization(const ir::graph &g, const ir::op &node, ir::tensor_id scale,
                                   ir::tensor_id zero_point, std::int64_t axis,
                                   ir::tensor_id target);

/// Gives `target` the quantization `q`, or checks that it already has the same one (a tensor is
/// quantized once, by its producer; every reader must agree).
void attach_quantization(ir::graph &g, const ir::op &node, ir::tensor_id target,
                         const ir::quantization &q);

/// Values of a constant operand; throws failure::unsupported_model naming `node` and `role` if
/// the operand is not a constant.
std::vector<double> constant_reals(const ir::graph &g, const ir::op &node, ir::tensor_id id,
                                   const std::string &role);
std::vector<std::int64_t> constant_ints(const ir::graph &g, const ir::op &node, ir::tensor_id id,
                                        const std::string &role);

} // namespace onnx2hpp::codegen::passes
