#pragma once
// The header's I/O metadata: input_info/output_info (onnx2hpp::io_tensor_info: names, ONNX and
// library shapes, quantization) and node_info (onnx2hpp::node_tensor_info per node), the part
// of emit/CONTRACT.md that examples/run_npy and the observer read.

#include "emit/context.hpp"

#include <string>

namespace onnx2hpp::codegen::emit {

/// The declarations, after `graph_type`. Throws failure::unsupported_model for a graph input or
/// output that is neither int8 nor int32.
std::string io_metadata(const context &c);

} // namespace onnx2hpp::codegen::emit
