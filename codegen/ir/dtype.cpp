#include "ir/dtype.hpp"

namespace onnx2hpp::codegen::ir {

std::size_t size_of(dtype t) {
  switch (t) {
  case dtype::i8:
  case dtype::u8:
  case dtype::boolean:
    return 1;
  case dtype::f16:
  case dtype::i16:
  case dtype::u16:
    return 2;
  case dtype::f32:
  case dtype::i32:
  case dtype::u32:
    return 4;
  case dtype::f64:
  case dtype::i64:
  case dtype::u64:
    return 8;
  }
  return 0;
}

std::string_view name_of(dtype t) {
  switch (t) {
  case dtype::f32:
    return "f32";
  case dtype::f64:
    return "f64";
  case dtype::f16:
    return "f16";
  case dtype::i8:
    return "i8";
  case dtype::u8:
    return "u8";
  case dtype::i16:
    return "i16";
  case dtype::u16:
    return "u16";
  case dtype::i32:
    return "i32";
  case dtype::u32:
    return "u32";
  case dtype::i64:
    return "i64";
  case dtype::u64:
    return "u64";
  case dtype::boolean:
    return "bool";
  }
  return "?";
}

bool is_float(dtype t) {
  return t == dtype::f32 || t == dtype::f64 || t == dtype::f16;
}

bool is_integer(dtype t) {
  return !is_float(t) && t != dtype::boolean;
}

} // namespace onnx2hpp::codegen::ir
