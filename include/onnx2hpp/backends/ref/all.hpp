// The reference backend: a scalar kernel for every layer.
#pragma once

#include "onnx2hpp/backends/ref/conv2d.hpp"
