// The output stage shared by every accumulating layer (conv, dense, ...): int32 accumulator ->
// fixed-point requantization per output channel -> zero point -> clamp to the fused activation's
// range -> optional 256-entry look-up table for non-piecewise-linear fused activations.
#pragma once

#include <cstddef>
#include <cstdint>

#include "onnx2hpp/core/activation_lut.hpp"
#include "onnx2hpp/core/constant_data.hpp"
#include "onnx2hpp/core/fixed_point.hpp"

namespace onnx2hpp {

/// Fixed-point multipliers, per output channel (`count` = channels) or per tensor (`count` = 1).
struct channel_requant {
  const_data<std::int32_t> multiplier;
  const_data<std::int32_t> shift;
  std::size_t count = 1;

  constexpr quantized_multiplier operator[](std::size_t channel) const {
    const std::size_t i = count == 1 ? 0 : channel;
    return {multiplier[i], shift[i]};
  }
};

/// Requantization of an accumulator into the int8 output of one channel.
///
/// out = clamp(multiply_by_quantized_multiplier(acc, requant[c]) + zero_point, act_min, act_max);
/// then, if `lut` is set (fused LeakyReLU/HardSwish/Sigmoid/Tanh), out = (*lut)[out + 128]. The
/// value before the table is the activation's input, quantized with the pre-activation scale.
struct output_stage {
  channel_requant requant;
  std::int32_t zero_point = 0;
  std::int32_t act_min = -128;
  std::int32_t act_max = 127;
  const lut256 *lut = nullptr;

  constexpr std::int8_t apply(std::int32_t acc, std::size_t channel) const {
    const std::int8_t q = requantize(acc, requant[channel], zero_point, act_min, act_max);
    return lut != nullptr ? (*lut)[static_cast<std::size_t>(q + 128)] : q;
  }
};

} // namespace onnx2hpp
