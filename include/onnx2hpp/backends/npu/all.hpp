// The NPU backend: capabilities and presets, descriptors, the driver concept, the compile-time
// plan, backends::npu, and the two shipped drivers (simulator, recording driver).
#pragma once

#include "onnx2hpp/backends/npu/backend.hpp"
#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/check.hpp"
#include "onnx2hpp/backends/npu/describe.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/driver.hpp"
#include "onnx2hpp/backends/npu/plan.hpp"
#include "onnx2hpp/backends/npu/reason.hpp"
#include "onnx2hpp/backends/npu/recording_driver.hpp"
#include "onnx2hpp/backends/npu/simulator.hpp"
