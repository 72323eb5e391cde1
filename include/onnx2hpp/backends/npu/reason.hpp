// Why a layer does not run on the NPU: one code per node in the compile-time plan, and the error
// detail a driver (the simulator) returns when it rejects a descriptor at run time.
#pragma once

#include <cstdint>
#include <string_view>

namespace onnx2hpp::npu {

enum class reason : std::uint8_t {
  none,                   ///< runs on the NPU
  unsupported_layer,      ///< no NPU operation exists for this layer (softmax, concat, ...)
  disabled_operation,     ///< an NPU operation, switched off in these capabilities
  kernel_size,            ///< kernel or pooling window extent not in the allowed set
  stride,                 ///< stride not in the allowed set
  dilation,               ///< dilation > 1
  grouped,                ///< grouped convolution (1 < groups < input channels)
  depthwise,              ///< depthwise convolution (groups == input channels)
  padding,                ///< a pad larger than allowed
  ceil_mode,              ///< pooling in ceil mode
  channel_alignment,      ///< a channel count is not a multiple of the alignment
  batch,                  ///< batch larger than the NPU takes
  broadcast,              ///< element-wise operands of different shapes
  rank,                   ///< element-wise tensor of higher rank than a descriptor holds
  lut_activation,         ///< a descriptor carries a table the NPU cannot apply (run time only)
  exceeds_on_chip_buffer, ///< the call (or its smallest tile) does not fit the on-chip memory
  invalid_descriptor,     ///< inconsistent geometry or tile (run time only)
  driver_limit,           ///< the driver or its SDK refused a call the capabilities allow (run
                          ///< time only: the capability description promises too much)
  rounding_mode,          ///< the layer requantizes in rounding_mode::onnxruntime (fp32 scale,
                          ///< ties to even); the NPU implements the fixed-point definition only
};

/// The reason's name as spelled in the enum, for reports and logs.
constexpr std::string_view reason_name(reason r) {
  switch (r) {
  case reason::none:
    return "none";
  case reason::unsupported_layer:
    return "unsupported_layer";
  case reason::disabled_operation:
    return "disabled_operation";
  case reason::kernel_size:
    return "kernel_size";
  case reason::stride:
    return "stride";
  case reason::dilation:
    return "dilation";
  case reason::grouped:
    return "grouped";
  case reason::depthwise:
    return "depthwise";
  case reason::padding:
    return "padding";
  case reason::ceil_mode:
    return "ceil_mode";
  case reason::channel_alignment:
    return "channel_alignment";
  case reason::batch:
    return "batch";
  case reason::broadcast:
    return "broadcast";
  case reason::rank:
    return "rank";
  case reason::lut_activation:
    return "lut_activation";
  case reason::exceeds_on_chip_buffer:
    return "exceeds_on_chip_buffer";
  case reason::invalid_descriptor:
    return "invalid_descriptor";
  case reason::driver_limit:
    return "driver_limit";
  case reason::rounding_mode:
    return "rounding_mode";
  }
  return "?";
}

} // namespace onnx2hpp::npu
