// The host stand-in's device: an ACME NPU that is onnx2hpp's simulator with ACME's capabilities.
// On the board, acme_npu comes from the SDK and is opened with its own call.
#pragma once

#include "acme_npu_driver.hpp"
#include "acme_npu_sdk.h"
#include "onnx2hpp/backends/npu/simulator.hpp"

struct acme_npu {
  onnx2hpp::npu::simulator<acme::caps> hardware; // holds 128 KiB of "SRAM": give it static storage
};
