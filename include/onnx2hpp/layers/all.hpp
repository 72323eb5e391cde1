// Every layer spec.
#pragma once

#include "onnx2hpp/layers/conv2d.hpp"
