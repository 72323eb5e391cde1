// Every layer spec.
#pragma once

#include "onnx2hpp/layers/activation.hpp"
#include "onnx2hpp/layers/concat.hpp"
#include "onnx2hpp/layers/conv2d.hpp"
#include "onnx2hpp/layers/dense.hpp"
#include "onnx2hpp/layers/elementwise.hpp"
#include "onnx2hpp/layers/integer.hpp"
#include "onnx2hpp/layers/matmul.hpp"
#include "onnx2hpp/layers/pad.hpp"
#include "onnx2hpp/layers/pooling.hpp"
#include "onnx2hpp/layers/quantize.hpp"
#include "onnx2hpp/layers/reshape.hpp"
#include "onnx2hpp/layers/resize.hpp"
#include "onnx2hpp/layers/slice.hpp"
#include "onnx2hpp/layers/softmax.hpp"
