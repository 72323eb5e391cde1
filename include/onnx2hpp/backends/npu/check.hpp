// Capability checks, tiling and the cost model, as constexpr functions over descriptors.
//
// One set of functions serves three users: the compile-time plan (plan.hpp) checks the descriptor
// a layer spec yields; the simulator checks every descriptor it is handed at run time with the
// same function and rejects with the same reason code; the generator can fill a descriptor from
// its IR and ask the same question for its report.
//
// They are split by what they answer: cost_model.hpp (the rows a call reads, what it costs),
// operation_check.hpp (what the NPU can do), tiling.hpp (how a layer is split into calls). This
// header includes all three.
#pragma once

#include "onnx2hpp/backends/npu/cost_model.hpp"
#include "onnx2hpp/backends/npu/operation_check.hpp"
#include "onnx2hpp/backends/npu/tiling.hpp"
