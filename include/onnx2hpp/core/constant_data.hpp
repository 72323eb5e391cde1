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
#include <span>
#include <type_traits>

namespace onnx2hpp {

struct from_bytes_t {
  explicit constexpr from_bytes_t() = default;
};
inline constexpr from_bytes_t from_bytes{};

namespace detail {
/// Which pointer of a const_data is set.
enum class const_storage : unsigned char { none, typed, bytes };
} // namespace detail

/// Read-only view of N constants of type T (N = std::dynamic_extent: a length the type does not
/// know). A layer declares its weights with their length, const_data<std::int8_t, weight_count>,
/// so that an array (std::array, a C array, or the bytes of a string literal) of another length
/// does not compile; a pointer carries no length and is taken on trust. A view with a length
/// converts to one without.
template <class T, std::size_t N = std::dynamic_extent>
class const_data {
  static_assert(std::is_integral_v<T>,
                "constants are integers (int8 weights, int32 bias/multipliers)");
  template <class, std::size_t>
  friend class const_data;

  template <std::size_t M>
  static constexpr bool length_ok = N == std::dynamic_extent || M == N;

public:
  static constexpr std::size_t extent = N;

  constexpr const_data() = default;
  /// A pointer to the constants (their number is the caller's promise).
  template <class P>
  requires(std::is_convertible_v<P, const T *> &&
           !std::is_array_v<std::remove_cvref_t<P>>) constexpr const_data(P &&typed)
      : typed_(typed), storage_(storage::typed) {}
  template <std::size_t M>
  constexpr const_data(const T (&a)[M]) : typed_(a), storage_(storage::typed) {
    static_assert(length_ok<M>, "const_data: the array's length is not the layer's");
  }
  template <std::size_t M>
  constexpr const_data(const std::array<T, M> &a) : typed_(a.data()), storage_(storage::typed) {
    static_assert(length_ok<M>, "const_data: the array's length is not the layer's");
  }
  /// Little-endian bytes: a string literal's (its terminating NUL not counted) or a char array's.
  template <std::size_t M>
  constexpr const_data(from_bytes_t, const char (&bytes)[M])
      : bytes_(bytes), storage_(storage::bytes) {
    static_assert(N == std::dynamic_extent || M == N * sizeof(T) || M == N * sizeof(T) + 1,
                  "const_data: the byte array's length is not the layer's");
  }
  constexpr const_data(from_bytes_t, const char *bytes) requires(N == std::dynamic_extent)
      : bytes_(bytes), storage_(storage::bytes) {}
  /// Forgets the length.
  template <std::size_t M>
  requires(N == std::dynamic_extent &&
           M != std::dynamic_extent) constexpr const_data(const const_data<T, M> &other)
      : typed_(other.typed_), bytes_(other.bytes_), storage_(other.storage_) {}

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
  using storage = detail::const_storage;
  const T *typed_ = nullptr;
  const char *bytes_ = nullptr;
  storage storage_ = storage::none;
};

} // namespace onnx2hpp
