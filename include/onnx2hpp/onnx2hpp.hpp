// onnx2hpp: the whole library. Generated model headers include this.
#pragma once

#include "onnx2hpp/core/fixed_point.hpp"
#include "onnx2hpp/core/shape.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/graph/model_io.hpp"
#include "onnx2hpp/layers/all.hpp"
#include "onnx2hpp/backends/ref/all.hpp"
