#include "ir/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <type_traits>

namespace onnx2hpp::codegen::ir {

std::int64_t element_count(const shape_t &shape) {
  std::int64_t n = 1;
  for (auto d : shape)
    n *= d;
  return n;
}

std::optional<std::int64_t> checked_element_count(const shape_t &shape) {
  std::int64_t n = 1;
  for (auto d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d == 0)
      return 0; // an empty tensor, however large the other dimensions
  }
  for (auto d : shape) {
    if (d > max_tensor_elements / n)
      return std::nullopt;
    n *= d;
  }
  return n;
}

std::string to_string(const shape_t &shape) {
  return fmt::format("[{}]", fmt::join(shape, ","));
}

std::string_view name_of(layout l) {
  switch (l) {
  case layout::plain:
    return "plain";
  case layout::nchw:
    return "nchw";
  case layout::nhwc:
    return "nhwc";
  }
  return "?";
}

namespace {

bool close_scale(float a, float b) {
  return std::fabs(double(a) - double(b)) <=
         1e-6 * std::max(std::fabs(double(a)), std::fabs(double(b)));
}

template <class T>
T load(const std::uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <class T>
void store(std::uint8_t *p, T v) {
  std::memcpy(p, &v, sizeof v);
}

/// `v` converted to the integer type I: truncated toward zero like a C++ cast where that is
/// defined, and saturated (NaN: 0) where a cast would be undefined behaviour. Integers wrap as
/// C++ (and ONNX Cast) conversions do.
template <class I, class T>
I to_integer(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(v))
      return 0;
    if (v <= static_cast<T>(std::numeric_limits<I>::min()))
      return std::numeric_limits<I>::min();
    if (v >= static_cast<T>(std::numeric_limits<I>::max()))
      return std::numeric_limits<I>::max();
  }
  return static_cast<I>(v);
}

} // namespace

bool same_quantization(const quantization &a, const quantization &b) {
  if (a.axis != b.axis || a.zero_point != b.zero_point || a.scale.size() != b.scale.size())
    return false;
  for (std::size_t i = 0; i < a.scale.size(); ++i)
    if (!close_scale(a.scale[i], b.scale[i]))
      return false;
  return true;
}

std::string to_string(const quantization &q) {
  auto zero_points = [&] {
    bool uniform = std::all_of(q.zero_point.begin(), q.zero_point.end(),
                               [&](std::int32_t z) { return z == q.zero_point.front(); });
    return uniform ? fmt::format("{}", q.zero_point.front())
                   : fmt::format("[{}]", fmt::join(q.zero_point, ","));
  };
  if (!q.per_channel())
    return fmt::format("s={:.6g} zp={}", q.scale.front(), zero_points());
  auto [lo, hi] = std::minmax_element(q.scale.begin(), q.scale.end());
  return fmt::format("per-channel(axis {}, {}) s=[{:.4g}..{:.4g}] zp={}", *q.axis, q.scale.size(),
                     *lo, *hi, zero_points());
}

constant_data::constant_data(dtype type, std::vector<std::uint8_t> bytes)
    : type_(type), bytes_(std::move(bytes)) {}

template <class T>
constant_data constant_data::of(dtype type, std::span<const T> values) {
  std::vector<std::uint8_t> bytes(values.size() * size_of(type));
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto *p = bytes.data() + i * size_of(type);
    switch (type) {
    case dtype::f32:
      store(p, static_cast<float>(values[i]));
      break;
    case dtype::f64:
      store(p, static_cast<double>(values[i]));
      break;
    case dtype::i8:
      store(p, to_integer<std::int8_t>(values[i]));
      break;
    case dtype::u8:
      store(p, to_integer<std::uint8_t>(values[i]));
      break;
    case dtype::boolean:
      store(p, static_cast<std::uint8_t>(values[i] != T{}));
      break;
    case dtype::i16:
      store(p, to_integer<std::int16_t>(values[i]));
      break;
    case dtype::u16:
    case dtype::f16: // raw bits
      store(p, to_integer<std::uint16_t>(values[i]));
      break;
    case dtype::i32:
      store(p, to_integer<std::int32_t>(values[i]));
      break;
    case dtype::u32:
      store(p, to_integer<std::uint32_t>(values[i]));
      break;
    case dtype::i64:
      store(p, to_integer<std::int64_t>(values[i]));
      break;
    case dtype::u64:
      store(p, to_integer<std::uint64_t>(values[i]));
      break;
    }
  }
  return constant_data(type, std::move(bytes));
}

template constant_data constant_data::of(dtype, std::span<const float>);
template constant_data constant_data::of(dtype, std::span<const double>);
template constant_data constant_data::of(dtype, std::span<const std::int8_t>);
template constant_data constant_data::of(dtype, std::span<const std::uint8_t>);
template constant_data constant_data::of(dtype, std::span<const std::int32_t>);
template constant_data constant_data::of(dtype, std::span<const std::int64_t>);
template constant_data constant_data::of(dtype, std::span<const std::uint64_t>);

std::int64_t constant_data::int_at(std::size_t i) const {
  const auto *p = bytes_.data() + i * size_of(type_);
  switch (type_) {
  case dtype::f32:
    return to_integer<std::int64_t>(load<float>(p));
  case dtype::f64:
    return to_integer<std::int64_t>(load<double>(p));
  case dtype::i8:
    return load<std::int8_t>(p);
  case dtype::u8:
  case dtype::boolean:
    return load<std::uint8_t>(p);
  case dtype::i16:
    return load<std::int16_t>(p);
  case dtype::u16:
  case dtype::f16:
    return load<std::uint16_t>(p);
  case dtype::i32:
    return load<std::int32_t>(p);
  case dtype::u32:
    return load<std::uint32_t>(p);
  case dtype::i64:
    return load<std::int64_t>(p);
  case dtype::u64:
    return static_cast<std::int64_t>(load<std::uint64_t>(p));
  }
  return 0;
}

double constant_data::real_at(std::size_t i) const {
  const auto *p = bytes_.data() + i * size_of(type_);
  switch (type_) {
  case dtype::f32:
    return load<float>(p);
  case dtype::f64:
    return load<double>(p);
  default:
    return static_cast<double>(int_at(i));
  }
}

std::vector<std::int64_t> constant_data::ints() const {
  std::vector<std::int64_t> out(size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = int_at(i);
  return out;
}

std::vector<double> constant_data::reals() const {
  std::vector<double> out(size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = real_at(i);
  return out;
}

} // namespace onnx2hpp::codegen::ir
