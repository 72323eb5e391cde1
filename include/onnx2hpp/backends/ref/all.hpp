// The reference backend: a scalar kernel for every layer.
#pragma once

#include "onnx2hpp/backends/ref/activation.hpp"
#include "onnx2hpp/backends/ref/concat.hpp"
#include "onnx2hpp/backends/ref/conv2d.hpp"
#include "onnx2hpp/backends/ref/dense.hpp"
#include "onnx2hpp/backends/ref/elementwise.hpp"
#include "onnx2hpp/backends/ref/integer.hpp"
#include "onnx2hpp/backends/ref/matmul.hpp"
#include "onnx2hpp/backends/ref/pad.hpp"
#include "onnx2hpp/backends/ref/pooling.hpp"
#include "onnx2hpp/backends/ref/reshape.hpp"
#include "onnx2hpp/backends/ref/resize.hpp"
#include "onnx2hpp/backends/ref/slice.hpp"
#include "onnx2hpp/backends/ref/softmax.hpp"
