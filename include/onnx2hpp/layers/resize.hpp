// Nearest-neighbour resizing of an NHWC tensor (ONNX Resize, mode "nearest", on H and W):
// `resize_nearest` for integer upsampling factors (a plain repeat), `resize_nearest_indexed` for
// every other case (any scale, up or down, every coordinate transformation and nearest mode but
// tf_crop_and_resize), whose source row and column per output coordinate is a constexpr table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// out[n, y, x, c] = in[n, y / FactorH, x / FactorW, c] (integer division).
///
/// With integer factors this is ONNX Resize "nearest" for coordinate_transformation_mode
/// "asymmetric" + nearest_mode "floor", and also for "half_pixel" (any nearest_mode): the source
/// coordinate (y + 0.5)/F − 0.5 = y/F's quotient + a fraction strictly inside (−0.5, 0.5), so
/// every rounding but ceil (and floor below the first sample) picks the quotient — use
/// resize_nearest_indexed with nearest_source_indices when in doubt.
template <shape_type InShape, std::size_t FactorH, std::size_t FactorW>
struct resize_nearest {
  using in = nhwc<InShape>;
  static_assert(FactorH >= 1 && FactorW >= 1, "resize_nearest: the factors must be positive");

  using input_shapes = type_list<InShape>;
  using output_shape = shape<in::n, in::h * FactorH, in::w * FactorW, in::c>;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0;
};

/// ONNX Resize coordinate_transformation_mode (tf_crop_and_resize, which needs a roi and an
/// extrapolation value, is not one of them).
enum class resize_coordinate : std::uint8_t {
  half_pixel,
  asymmetric,
  pytorch_half_pixel,
  tf_half_pixel_for_nn,
  align_corners,
  half_pixel_symmetric,
};

/// ONNX Resize nearest_mode; `simple` is Resize-10's rule (no attribute): ceil when downsampling,
/// truncation otherwise.
enum class resize_rounding : std::uint8_t {
  round_prefer_floor,
  round_prefer_ceil,
  floor,
  ceil,
  simple
};

namespace detail {
constexpr std::int64_t floor_f(float x) {
  const auto t = static_cast<std::int64_t>(x); // |x| is far below 2^63 for any tensor extent
  return static_cast<float>(t) > x ? t - 1 : t;
}
constexpr std::int64_t ceil_f(float x) {
  const auto t = static_cast<std::int64_t>(x);
  return static_cast<float>(t) < x ? t + 1 : t;
}
/// std::round: half away from zero.
constexpr std::int64_t round_f(float x) {
  const std::int64_t f = floor_f(x);
  const float frac = x - static_cast<float>(f); // exact for |x| < 2^23
  if (frac > 0.5f || (frac == 0.5f && x > 0.f))
    return f + 1;
  return f;
}
} // namespace detail

/// The input coordinate ONNX Resize (nearest) reads for output coordinate `out_index` along an
/// axis of `in_len` → `out_len` elements with scale `scale` (the scales operand, or
/// float(out_len) / float(in_len) for the sizes operand). Evaluated in float in the order
/// onnxruntime (upsamplebase.h, upsample.cc) evaluates it, then rounded per `rounding` and clamped
/// to [0, in_len − 1]; an axis of scale 1 is copied.
constexpr std::size_t nearest_source_index(std::size_t out_index, std::size_t in_len,
                                           std::size_t out_len, float scale,
                                           resize_coordinate coordinate, resize_rounding rounding) {
  if (scale == 1.f) // onnxruntime copies an axis whose scale is 1, whatever the modes say
    return out_index < in_len ? out_index : in_len - 1;
  const auto x = static_cast<float>(out_index);
  const auto length_resized = static_cast<float>(out_len);
  const auto length_original = static_cast<float>(in_len);
  float original = 0.f;
  switch (coordinate) {
  case resize_coordinate::half_pixel:
    original = ((x + 0.5f) / scale) - 0.5f;
    break;
  case resize_coordinate::asymmetric:
    original = x / scale;
    break;
  case resize_coordinate::pytorch_half_pixel:
    original = length_resized > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
    break;
  case resize_coordinate::tf_half_pixel_for_nn:
    original = (x + 0.5f) / scale;
    break;
  case resize_coordinate::align_corners:
    original = length_resized == 1 ? 0.f : x * (length_original - 1) / (length_resized - 1);
    break;
  case resize_coordinate::half_pixel_symmetric: {
    const float output_width = scale * length_original;
    const float adjustment = length_resized / output_width;
    const float center = length_original / 2;
    const float offset = center * (1 - adjustment);
    original = static_cast<float>(offset + (x + 0.5) / scale - 0.5); // in double, as onnxruntime
    break;
  }
  }
  std::int64_t i = 0;
  switch (rounding) {
  case resize_rounding::round_prefer_floor:
    i = original == static_cast<float>(static_cast<std::int64_t>(original)) + 0.5f
            ? detail::floor_f(original)
            : detail::round_f(original);
    break;
  case resize_rounding::round_prefer_ceil:
    i = detail::round_f(original);
    break;
  case resize_rounding::floor:
    i = detail::floor_f(original);
    break;
  case resize_rounding::ceil:
    i = detail::ceil_f(original);
    break;
  case resize_rounding::simple:
    i = scale < 1.f ? detail::ceil_f(original) : static_cast<std::int64_t>(original);
    break;
  }
  const auto last = static_cast<std::int64_t>(in_len) - 1;
  return static_cast<std::size_t>(i < 0 ? 0 : (i > last ? last : i));
}

/// nearest_source_index for every output coordinate 0 .. OutLen − 1.
template <std::size_t OutLen>
constexpr std::array<std::uint32_t, OutLen> nearest_source_indices(std::size_t in_len, float scale,
                                                                   resize_coordinate coordinate,
                                                                   resize_rounding rounding) {
  std::array<std::uint32_t, OutLen> table{};
  for (std::size_t i = 0; i < OutLen; ++i)
    table[i] = static_cast<std::uint32_t>(
        nearest_source_index(i, in_len, OutLen, scale, coordinate, rounding));
  return table;
}

/// out[n, y, x, c] = in[n, rows[y], cols[x], c]: nearest-neighbour resizing of H and W to OutH ×
/// OutW with any source mapping (ONNX Resize nearest: the tables from nearest_source_indices).
template <shape_type InShape, std::size_t OutH, std::size_t OutW>
struct resize_nearest_indexed {
  using in = nhwc<InShape>;
  static_assert(OutH >= 1 && OutW >= 1, "resize_nearest_indexed: the output must not be empty");

  using input_shapes = type_list<InShape>;
  using output_shape = shape<in::n, OutH, OutW, in::c>;
  static constexpr std::size_t n_inputs = 1;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = 0;

  std::array<std::uint32_t, OutH> rows{}; ///< source row of each output row, < in::h
  std::array<std::uint32_t, OutW> cols{}; ///< source column of each output column, < in::w
};

} // namespace onnx2hpp
