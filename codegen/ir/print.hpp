#pragma once
// Text form of the IR, for `onnx2hpp --dump-ir` and for test failure messages.
//
//   %name: i8[1,8,8,16] nhwc s=0.0310128 zp=-128     an activation
//   @name: i8[16,8,3,3] per-channel(axis 0, 16) ...   a constant
//   /conv2/Conv = conv(%a, @w, @b) kernel=3x3 ... fused=[relu] -> %b: ...

#include "ir/graph.hpp"

#include <string>

namespace onnx2hpp::codegen::ir {

std::string describe(const graph &g, tensor_id id);
std::string describe_attributes(const op &o);
std::string to_text(const graph &g);

} // namespace onnx2hpp::codegen::ir
