// The simd backend: `backends::simd` (see backend.hpp), every simd kernel, and `simd::pack` /
// `simd::packed` for the constants of conv2d and dense. Include with the ref backend:
//   #include <onnx2hpp/onnx2hpp.hpp>
//   #include <onnx2hpp/backends/simd/all.hpp>
//   static constexpr auto conv0_pack = simd::pack(conv0);
//   ... node<"conv0", in<0>, 1>(simd::packed{conv0, conv0_pack}) ...
//   net.run<backends::simd>(input, output, arena);
// Layers without a simd kernel here (pad, reshape, transposes other than [P,A,B] -> [P,B,A],
// resize, softmax, and unpacked conv2d/dense) run on ref.
// On targets xsimd has no architecture for (Cortex-M) only the kernels that need no vector type
// are compiled: with the DSP extension isa::arm_dsp runs conv2d (depthwise included) and dense on
// the unpacked layers (arm_dsp.hpp; a packed layer runs its plain layer there), with Helium
// isa::arm_mve runs conv2d, dense, add, mul and the pools (arm_mve.hpp), without either packed
// conv2d and dense run the portable GEMM; every other layer runs on ref.
#pragma once

#include "onnx2hpp/backends/simd/activation.hpp"
#include "onnx2hpp/backends/simd/arm_dsp.hpp"
#include "onnx2hpp/backends/simd/arm_mve.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/concat.hpp"
#include "onnx2hpp/backends/simd/conv2d.hpp"
#include "onnx2hpp/backends/simd/dense.hpp"
#include "onnx2hpp/backends/simd/depthwise.hpp"
#include "onnx2hpp/backends/simd/elementwise.hpp"
#include "onnx2hpp/backends/simd/pack.hpp"
#include "onnx2hpp/backends/simd/pooling.hpp"
#include "onnx2hpp/backends/simd/slice.hpp"
#include "onnx2hpp/backends/simd/transpose.hpp"
