#include "import/onnx_tensor.hpp"

#include "diagnostics/error.hpp"

#include <cstring>
#include <fmt/format.h>

namespace onnx2hpp::codegen::importer {

std::optional<ir::dtype> dtype_from_onnx(std::int32_t elem_type) {
  using onnx::TensorProto;
  switch (elem_type) {
  case TensorProto::FLOAT:
    return ir::dtype::f32;
  case TensorProto::DOUBLE:
    return ir::dtype::f64;
  case TensorProto::INT8:
    return ir::dtype::i8;
  case TensorProto::UINT8:
    return ir::dtype::u8;
  case TensorProto::INT16:
    return ir::dtype::i16;
  case TensorProto::UINT16:
    return ir::dtype::u16;
  case TensorProto::INT32:
    return ir::dtype::i32;
  case TensorProto::UINT32:
    return ir::dtype::u32;
  case TensorProto::INT64:
    return ir::dtype::i64;
  case TensorProto::UINT64:
    return ir::dtype::u64;
  case TensorProto::BOOL:
    return ir::dtype::boolean;
  default:
    return std::nullopt;
  }
}

std::string onnx_type_name(std::int32_t elem_type) {
  if (onnx::TensorProto_DataType_IsValid(elem_type))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(elem_type));
  return fmt::format("type {}", elem_type);
}

namespace {

ir::dtype require_dtype(std::int32_t elem_type, const std::string &where) {
  auto type = dtype_from_onnx(elem_type);
  if (!type)
    throw error(failure::unsupported_model,
                fmt::format("{} has element type {}, which onnx2hpp does not support (it reads "
                            "FLOAT, DOUBLE, and 8- to 64-bit integers)",
                            where, onnx_type_name(elem_type)));
  return *type;
}

template <class Field>
std::vector<std::uint8_t> from_field(const Field &field, ir::dtype type) {
  using value_type = typename Field::value_type;
  std::vector<value_type> values(field.begin(), field.end());
  return ir::constant_data::of(type, std::span<const value_type>(values)).bytes();
}

} // namespace

ir::constant_data constant_from_proto(const onnx::TensorProto &t, const std::string &where) {
  auto type = require_dtype(t.data_type(), where);
  // validate_proto checked the dims already; checked again here, where the count is used.
  auto count = ir::checked_element_count(ir::shape_t(t.dims().begin(), t.dims().end()));
  if (!count)
    throw error(failure::unsupported_model,
                fmt::format("{} has shape [{}], beyond the tensor size onnx2hpp accepts", where,
                            fmt::join(t.dims(), ",")));
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    throw error(failure::internal, fmt::format("{}: external data was not loaded", where));

  std::vector<std::uint8_t> bytes;
  if (t.has_raw_data()) {
    const auto &raw = t.raw_data();
    bytes.assign(raw.begin(), raw.end()); // ONNX raw_data is little-endian, as is every target
  } else {
    switch (type) {
    case ir::dtype::f32:
      bytes = from_field(t.float_data(), type);
      break;
    case ir::dtype::f64:
      bytes = from_field(t.double_data(), type);
      break;
    case ir::dtype::i64:
      bytes = from_field(t.int64_data(), type);
      break;
    case ir::dtype::u32:
    case ir::dtype::u64:
      bytes = from_field(t.uint64_data(), type);
      break;
    default: // int8/uint8/int16/uint16/int32/bool live in int32_data
      bytes = from_field(t.int32_data(), type);
      break;
    }
  }
  auto expected = static_cast<std::size_t>(*count) * ir::size_of(type);
  if (bytes.size() != expected)
    throw error(failure::unreadable_model,
                fmt::format("{} holds {} bytes of data but its shape [{}] of {} needs {}: the "
                            "file is truncated or corrupt",
                            where, bytes.size(), fmt::join(t.dims(), ","),
                            onnx_type_name(t.data_type()), expected));
  return ir::constant_data(type, std::move(bytes));
}

ir::tensor tensor_from_proto(const onnx::TensorProto &t, const std::string &where) {
  ir::tensor out;
  out.name = t.name();
  out.value = constant_from_proto(t, where);
  out.type = out.value->type();
  out.shape.assign(t.dims().begin(), t.dims().end());
  return out;
}

} // namespace onnx2hpp::codegen::importer
