#include "ir/op.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen::ir {

std::string_view name_of(op_kind k) {
  switch (k) {
  case op_kind::quantize:
    return "quantize";
  case op_kind::dequantize:
    return "dequantize";
  case op_kind::requantize:
    return "requantize";
  case op_kind::conv:
    return "conv";
  case op_kind::dense:
    return "dense";
  case op_kind::batch_matmul:
    return "batch_matmul";
  case op_kind::max_pool:
    return "max_pool";
  case op_kind::average_pool:
    return "average_pool";
  case op_kind::global_average_pool:
    return "global_average_pool";
  case op_kind::add:
    return "add";
  case op_kind::mul:
    return "mul";
  case op_kind::concat:
    return "concat";
  case op_kind::reshape:
    return "reshape";
  case op_kind::transpose:
    return "transpose";
  case op_kind::slice:
    return "slice";
  case op_kind::resize:
    return "resize";
  case op_kind::softmax:
    return "softmax";
  case op_kind::activation:
    return "activation";
  case op_kind::pad:
    return "pad";
  case op_kind::constant:
    return "constant";
  case op_kind::constant_of_shape:
    return "constant_of_shape";
  case op_kind::shape:
    return "shape";
  case op_kind::gather:
    return "gather";
  case op_kind::cast:
    return "cast";
  case op_kind::identity:
    return "identity";
  case op_kind::squeeze:
    return "squeeze";
  case op_kind::unsqueeze:
    return "unsqueeze";
  case op_kind::flatten:
    return "flatten";
  case op_kind::sub:
    return "sub";
  case op_kind::div:
    return "div";
  case op_kind::gemm:
    return "gemm";
  case op_kind::matmul:
    return "matmul";
  case op_kind::batch_norm:
    return "batch_norm";
  case op_kind::reduce_mean:
    return "reduce_mean";
  case op_kind::clip:
    return "clip";
  case op_kind::qlinear_conv:
    return "qlinear_conv";
  case op_kind::qlinear_matmul:
    return "qlinear_matmul";
  case op_kind::conv_integer:
    return "conv_integer";
  case op_kind::matmul_integer:
    return "matmul_integer";
  case op_kind::qlinear_add:
    return "qlinear_add";
  case op_kind::qlinear_mul:
    return "qlinear_mul";
  case op_kind::qlinear_global_average_pool:
    return "qlinear_global_average_pool";
  case op_kind::qlinear_average_pool:
    return "qlinear_average_pool";
  case op_kind::qlinear_concat:
    return "qlinear_concat";
  case op_kind::qlinear_activation:
    return "qlinear_activation";
  case op_kind::qgemm:
    return "qgemm";
  case op_kind::removed:
    return "removed";
  }
  return "?";
}

bool is_core(op_kind k) {
  return k <= op_kind::pad;
}

std::string_view name_of(activation_kind k) {
  switch (k) {
  case activation_kind::relu:
    return "relu";
  case activation_kind::clip:
    return "clip";
  case activation_kind::leaky_relu:
    return "leaky_relu";
  case activation_kind::hard_swish:
    return "hard_swish";
  case activation_kind::sigmoid:
    return "sigmoid";
  }
  return "?";
}

std::string to_string(const activation &a) {
  switch (a.kind) {
  case activation_kind::clip:
    return fmt::format("clip({:g},{:g})", a.min, a.max);
  case activation_kind::leaky_relu:
    return fmt::format("leaky_relu({:g})", a.alpha);
  default:
    return std::string(name_of(a.kind));
  }
}

} // namespace onnx2hpp::codegen::ir
