#include "ir/op.hpp"

#include "ir/op_traits.hpp"

#include <fmt/format.h>

namespace onnx2hpp::codegen::ir {

std::string_view name_of(op_kind k) {
  return traits(k).name;
}

bool is_core(op_kind k) {
  return traits(k).core;
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
  case activation_kind::hard_sigmoid:
    return "hard_sigmoid";
  case activation_kind::tanh:
    return "tanh";
  case activation_kind::elu:
    return "elu";
  case activation_kind::selu:
    return "selu";
  case activation_kind::celu:
    return "celu";
  case activation_kind::softplus:
    return "softplus";
  case activation_kind::softsign:
    return "softsign";
  case activation_kind::erf:
    return "erf";
  case activation_kind::exp:
    return "exp";
  case activation_kind::log:
    return "log";
  case activation_kind::sqrt:
    return "sqrt";
  case activation_kind::reciprocal:
    return "reciprocal";
  case activation_kind::abs:
    return "abs";
  case activation_kind::neg:
    return "neg";
  case activation_kind::thresholded_relu:
    return "thresholded_relu";
  case activation_kind::mish:
    return "mish";
  case activation_kind::gelu:
    return "gelu";
  }
  return "?";
}

std::string to_string(const activation &a) {
  switch (a.kind) {
  case activation_kind::clip:
    return fmt::format("clip({:g},{:g})", a.min, a.max);
  case activation_kind::leaky_relu:
  case activation_kind::elu:
  case activation_kind::celu:
  case activation_kind::thresholded_relu:
    return fmt::format("{}({:g})", name_of(a.kind), a.alpha);
  case activation_kind::hard_sigmoid:
    return fmt::format("hard_sigmoid({:g},{:g})", a.alpha, a.beta);
  case activation_kind::selu:
    return fmt::format("selu({:g},{:g})", a.alpha, a.gamma);
  case activation_kind::gelu:
    return a.tanh_gelu ? "gelu(tanh)" : "gelu";
  default:
    return std::string(name_of(a.kind));
  }
}

} // namespace onnx2hpp::codegen::ir
