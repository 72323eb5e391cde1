#pragma once
// The passes: each a function IR -> IR with one purpose, tested alone (tests/codegen/passes_*).
// `default_pipeline` lists them in the order `onnx2hpp` runs them; a pass states what it expects
// from the ones before it, and nothing else about order.

#include "ir/graph.hpp"

#include <span>
#include <string_view>

namespace onnx2hpp::codegen::passes {

/// Evaluates every op whose operands are all constants (Constant, ConstantOfShape, Cast, Shape of
/// a static tensor, Gather, Squeeze/Unsqueeze, Concat, Reshape, Flatten, Slice, Transpose,
/// Identity, integer/float Add/Sub/Mul/Div), so shape subgraphs (Shape -> Gather -> Unsqueeze ->
/// Concat -> Reshape) become constants. A Reshape/Flatten/Squeeze/Unsqueeze of an activation
/// becomes a `reshape` to its (now static) output shape.
ir::graph fold_constants(ir::graph g);

/// Removes ops that copy their input: Identity, Dropout, Cast to the same type, Pad by zero,
/// Reshape to the same shape, Transpose by the identity permutation, Concat of one tensor.
ir::graph drop_identities(ir::graph g);

/// QOperator dialect: QLinearConv/QLinearMatMul/ConvInteger/MatMulInteger and the com.microsoft
/// QLinear* ops become the plain op over tensors that carry their quantization. Needs constant
/// scale/zero-point operands (fold_constants).
ir::graph recognize_qoperator(ir::graph g);

/// QDQ dialect: DequantizeLinear -> op -> QuantizeLinear becomes the op over quantized tensors.
/// A DQ gives its input tensor a quantization and disappears; a Q makes its producer write the
/// quantized tensor. Q of a graph input stays (`quantize`), DQ to a graph output stays
/// (`dequantize`), Q of a quantized tensor becomes `requantize` (or nothing if the parameters
/// agree), Q of a float constant is evaluated. Needs Cast(uint8 -> uint8) gone (drop_identities).
ir::graph recognize_qdq(ir::graph g);

/// Data movement commutes with quantization: a Reshape/Flatten/Squeeze/Unsqueeze, Transpose,
/// Slice, MaxPool, nearest Resize, constant Pad or Concat that reads quantized tensors (a DQ's
/// input, after recognize_qdq) but writes a float one now writes its input's element type and
/// quantization (DQ -> move -> X becomes move -> DQ -> X). A per-channel quantization follows its
/// axis through Reshape/Transpose; a quantized constant is moved by evaluating the op; a float
/// graph output keeps its value behind a boundary `dequantize`. Moves that would not be exact
/// (Concat of differently quantized inputs, Pad with a constant off the grid, non-nearest Resize)
/// are left, with a warning, for check_supported to refuse.
ir::graph commute_data_movement(ir::graph g);

/// onnxruntime's integer-op dialect: ConvInteger/MatMulInteger -> Cast(float) -> Mul by a
/// constant scale M (per tensor or per output channel) [-> Add of a constant bias b] becomes a
/// conv/matmul whose input keeps its producer's quantization (x_s), with weight scale M / x_s and
/// the int32 bias round(b / M); it writes the tensor the chain ends in (a later activation and
/// QuantizeLinear join it). A chain ending in a float graph output keeps the int32 accumulator,
/// dequantized as M * (acc + round(b / M)). Runs after recognize_qdq (which quantizes x).
ir::graph recognize_integer_ops(ir::graph g);
/// True for a ConvInteger/MatMulInteger whose result only a Cast to float reads (what
/// recognize_integer_ops rewrites; recognize_qoperator leaves it alone).
bool integer_op_to_float(const ir::graph &g, const ir::op &o);

/// MatMul (QLinearMatMul, or QDQ) with constant weights of rank >= 3, B [batch..., K, N], and A
/// [..., batch..., M, K]: one grouped 1x1 conv over the batches (groups = batch count), between a
/// transpose/reshape that puts the batches into channels and one that takes them out again. Exact:
/// the same integer products and per-column requantization as the batched MatMul. Refuses a
/// broadcast A (fewer batch dimensions than B, or other extents).
ir::graph split_batched_matmul(ir::graph g);

/// Rewrites ONNX-level ops into the IR's: Gemm/MatMul with constant B -> dense with [out][in]
/// weights; ReduceMean over H,W -> global_average_pool; Clip, Pad, Slice, Resize read their
/// constant operands into attributes. Runs after the quantization dialects are recognized (so
/// weights are plain constants).
ir::graph canonicalize_ops(ir::graph g);

/// Folds a float BatchNormalization into the conv/dense before it: float weights are scaled;
/// quantized weights keep their integers and get per-channel scales (a negative factor negates
/// the channel); the bias is recomputed.
ir::graph fold_batch_norm(ir::graph g);

/// Fuses a Relu/Clip/LeakyRelu/HardSwish/Sigmoid into the conv/dense/add/mul that produces its
/// input when that intermediate is read by nothing else and is not quantized on its own (or, for
/// Relu/Clip, is quantized exactly like the activation's output, where clamping commutes).
ir::graph fuse_activations(ir::graph g);

/// Fuses a constant Pad of the spatial axes with value 0 into the conv or average pool reading it.
ir::graph fuse_pad(ir::graph g);

/// uint8 tensors become int8: values and zero points minus 128, scales unchanged.
ir::graph uint8_to_int8(ir::graph g);

/// 4-D activations become NHWC: shapes are permuted and axis attributes follow. A Flatten/Reshape
/// of a 4-D tensor keeps ONNX element order: a transpose back to NCHW is inserted before it
/// unless H*W == 1 (then both orders agree); a reshape to 4-D gets one after it.
ir::graph to_nhwc(ir::graph g);

/// MaxPool/Reshape/Transpose/Slice/Resize/Pad whose output is quantized differently from their
/// input write in the input's quantization, followed by a `requantize` (the library's
/// data-movement layers copy bytes).
ir::graph isolate_requantization(ir::graph g);

/// A graph output that is a graph input's integer tensor (the model of a lone QuantizeLinear,
/// DequantizeLinear, Identity...) or that repeats another output gets its own copy (`reshape` to
/// the same shape), so every graph output is written by a node.
ir::graph separate_outputs(ir::graph g);

/// Checks that what remains is what the library implements: core ops only, quantized integer
/// tensors between the boundary quantize/dequantize ops, static shapes. Throws naming each node.
ir::graph check_supported(ir::graph g);

struct pass {
  std::string_view name;
  ir::graph (*run)(ir::graph);
};

/// The passes in the order `onnx2hpp` runs them.
std::span<const pass> default_pipeline();

/// Runs `default_pipeline`, verifying the IR after each pass.
ir::graph run_default_pipeline(ir::graph g);

} // namespace onnx2hpp::codegen::passes
