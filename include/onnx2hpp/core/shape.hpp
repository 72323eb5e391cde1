// Compile-time tensor shapes. Activations are int8 NHWC: a 4-D shape is shape<N, H, W, C>.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

namespace onnx2hpp {

/// A tensor shape whose extents are template arguments, so every size and stride is a constant.
template <std::size_t... Dims>
struct shape {
  static constexpr std::size_t rank = sizeof...(Dims);
  static constexpr std::array<std::size_t, rank> dims{Dims...};
  /// Number of elements.
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);

  /// Row-major (last index fastest) stride of dimension `axis`, in elements.
  static constexpr std::size_t stride(std::size_t axis) {
    std::size_t s = 1;
    for (std::size_t i = axis + 1; i < rank; ++i)
      s *= dims[i];
    return s;
  }
};

template <class T>
struct is_shape : std::false_type {};
template <std::size_t... D>
struct is_shape<shape<D...>> : std::true_type {};
template <class T>
concept shape_type = is_shape<T>::value;

/// Named extents of a 4-D NHWC shape.
template <shape_type S>
struct nhwc {
  static_assert(S::rank == 4, "an NHWC activation has rank 4: shape<N, H, W, C>");
  static constexpr std::size_t n = S::dims[0], h = S::dims[1], w = S::dims[2], c = S::dims[3];

  /// Element offset of (n, y, x, c) in the row-major NHWC tensor.
  static constexpr std::size_t offset(std::size_t in, std::size_t y, std::size_t x,
                                      std::size_t ic) {
    return ((in * h + y) * w + x) * c + ic;
  }
};

/// A list of types (the input shapes of a layer).
template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

template <std::size_t I, class List>
struct type_at;
template <std::size_t I, class T, class... Ts>
struct type_at<I, type_list<T, Ts...>> : type_at<I - 1, type_list<Ts...>> {};
template <class T, class... Ts>
struct type_at<0, type_list<T, Ts...>> {
  using type = T;
};
template <std::size_t I, class List>
using type_at_t = typename type_at<I, List>::type;

} // namespace onnx2hpp
