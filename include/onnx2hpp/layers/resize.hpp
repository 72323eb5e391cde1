// Nearest-neighbour upsampling of an NHWC tensor by integer factors (ONNX Resize / Upsample, mode
// "nearest", integer scales on H and W).
#pragma once

#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/shape.hpp"

namespace onnx2hpp {

/// out[n, y, x, c] = in[n, y / FactorH, x / FactorW, c] (integer division).
///
/// With integer factors this is ONNX Resize "nearest" for coordinate_transformation_mode
/// "asymmetric" + nearest_mode "floor", and also for "half_pixel" (any nearest_mode): the source
/// coordinate (y + 0.5)/F − 0.5 = y/F's quotient + a fraction strictly inside (−0.5, 0.5), so
/// every rounding picks the quotient. ("align_corners" is a different mapping.)
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

} // namespace onnx2hpp
