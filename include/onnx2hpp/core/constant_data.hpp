// Read-only views of a layer's constants (weights, bias, multipliers).
//
// Constants come either as typed arrays (hand-written specs, small per-channel tables) or as the
// bytes of a string literal (what the generator emits for large tensors: string literals compile
// ~30x faster than braced lists). Both are readable in constant expressions, so a network can be
// evaluated inside a static_assert. Byte storage is little-endian.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace onnx2hpp {

struct from_bytes_t {
  explicit constexpr from_bytes_t() = default;
};
inline constexpr from_bytes_t from_bytes{};

template <class T>
class const_data {
  static_assert(std::is_integral_v<T>,
                "constants are integers (int8 weights, int32 bias/multipliers)");

public:
  constexpr const_data() = default;
  constexpr const_data(const T *typed) : typed_(typed), storage_(storage::typed) {}
  template <std::size_t N>
  constexpr const_data(const std::array<T, N> &a) : typed_(a.data()), storage_(storage::typed) {}
  constexpr const_data(from_bytes_t, const char *bytes) : bytes_(bytes), storage_(storage::bytes) {}

  // Which pointer is set is recorded explicitly: comparing the address of a static object with
  // nullptr is not a constant expression for g++ under -fsanitize.
  constexpr bool empty() const { return storage_ == storage::none; }

  constexpr T operator[](std::size_t i) const {
    if (storage_ == storage::typed)
      return typed_[i];
    const char *p = bytes_ + i * sizeof(T);
    if (std::is_constant_evaluated()) {
      std::make_unsigned_t<T> u = 0;
      for (std::size_t b = 0; b < sizeof(T); ++b)
        u |= static_cast<std::make_unsigned_t<T>>(static_cast<unsigned char>(p[b])) << (8 * b);
      return static_cast<T>(u);
    }
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
  }

  /// Raw pointer for run-time (SIMD) kernels. Emitted byte arrays are `alignas(16)`.
  const T *data() const {
    return storage_ == storage::typed ? typed_ : reinterpret_cast<const T *>(bytes_);
  }

private:
  enum class storage : unsigned char { none, typed, bytes };
  const T *typed_ = nullptr;
  const char *bytes_ = nullptr;
  storage storage_ = storage::none;
};

} // namespace onnx2hpp
