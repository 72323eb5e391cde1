// Forwarding header: the simd backend's umbrella is backends/simd/all.hpp, as ref's and npu's.
#pragma once

#include "onnx2hpp/backends/simd/all.hpp"
