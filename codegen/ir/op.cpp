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
