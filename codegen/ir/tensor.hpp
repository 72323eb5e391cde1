#pragma once
// A tensor of the IR: shape, element type, layout of 4-D activations, quantization, and for
// constants their values.

#include "ir/dtype.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::ir {

using shape_t = std::vector<std::int64_t>;

/// The largest tensor the generator accepts: 2^31 - 1 elements, and as many bytes for all of a
/// model's activations together. Every size the generated header computes (arena offsets, element
/// counts, loop bounds) then fits a 32-bit size_t, as on a Cortex-M.
inline constexpr std::int64_t max_tensor_elements = (std::int64_t{1} << 31) - 1;

/// The largest constant (weights, folded shape values) the generator holds in memory: 256 MiB.
inline constexpr std::int64_t max_constant_bytes = std::int64_t{1} << 28;

/// Number of elements of a static shape (1 for a scalar). Precondition: within the bound
/// (see checked_element_count).
std::int64_t element_count(const shape_t &shape);
/// Number of elements of `shape`, or nothing when a dimension is negative or the product exceeds
/// max_tensor_elements (computed without overflow, whatever the dimensions).
std::optional<std::int64_t> checked_element_count(const shape_t &shape);
/// "[1,3,224,224]"
std::string to_string(const shape_t &shape);

/// How a 4-D activation is laid out in memory. ONNX is NCHW; the library computes in NHWC.
/// `plain` is everything else (constants, 2-D activations, ...): row-major in the order of `shape`.
enum class layout : std::uint8_t { plain, nchw, nhwc };
std::string_view name_of(layout l);

/// Affine quantization, ONNX QuantizeLinear semantics: real = scale * (q - zero_point).
/// Per-tensor when `axis` is empty (one scale, one zero point), otherwise one of each per index
/// along `axis` of the tensor's shape.
struct quantization {
  std::vector<float> scale;
  std::vector<std::int32_t> zero_point;
  std::optional<int> axis;

  bool per_channel() const { return axis.has_value(); }
  float scale_at(std::size_t channel) const { return scale[scale.size() == 1 ? 0 : channel]; }
  std::int32_t zero_point_at(std::size_t channel) const {
    return zero_point[zero_point.size() == 1 ? 0 : channel];
  }
  static quantization per_tensor(float scale, std::int32_t zero_point) {
    return {{scale}, {zero_point}, std::nullopt};
  }
};

/// Equal scales (to a relative 1e-6: ONNX stores float32, producers round differently) and equal
/// zero points and axis.
bool same_quantization(const quantization &a, const quantization &b);
/// "s=0.0313 zp=0" or "per-channel(axis 0, 16) s=[0.0077..0.0116] zp=0"
std::string to_string(const quantization &q);

/// Values of a constant tensor, row-major, stored in their own element type (little-endian).
class constant_data {
public:
  constant_data() = default;
  constant_data(dtype type, std::vector<std::uint8_t> bytes);

  /// A constant of `type` holding `values` converted to it (with C++ conversion rules).
  template <class T>
  static constant_data of(dtype type, std::span<const T> values);
  template <class T>
  static constant_data of(dtype type, const std::vector<T> &values) {
    return of(type, std::span<const T>(values));
  }

  dtype type() const { return type_; }
  std::size_t size() const { return bytes_.size() / size_of(type_); }
  const std::vector<std::uint8_t> &bytes() const { return bytes_; }

  /// Element `i` converted to int64 (floats are truncated) or to double.
  std::int64_t int_at(std::size_t i) const;
  double real_at(std::size_t i) const;
  std::vector<std::int64_t> ints() const;
  std::vector<double> reals() const;

private:
  dtype type_ = dtype::f32;
  std::vector<std::uint8_t> bytes_;
};

struct tensor {
  std::string name; ///< the ONNX value name, or a generated one ("<op>:<role>")
  dtype type = dtype::f32;
  shape_t shape;
  layout order = layout::plain;
  std::optional<quantization> quant;
  std::optional<constant_data> value; ///< set for constants (initializers, folded subgraphs)
  bool shape_known = true; ///< false while ONNX shape inference left some dimension unknown
  /// What uint8_to_int8 subtracted from the codes: 128 for a tensor the model stores as uint8
  /// (onnxruntime's add computes on the stored codes: add_params::code_offset), else 0.
  std::int32_t code_offset = 0;

  bool is_constant() const { return value.has_value(); }
  std::int64_t elements() const { return element_count(shape); }
};

} // namespace onnx2hpp::codegen::ir
