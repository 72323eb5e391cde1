#pragma once
// The ONNX unary operators as onnxruntime (1.30, CPU) evaluates them, and the 256-entry int8
// table of a quantized DequantizeLinear -> op -> QuantizeLinear.
//
// This is the one place that says how an element-wise function of one tensor is computed. Each
// function takes and returns fp32, as onnxruntime's float kernel does; where that kernel is a
// polynomial (MLAS' tanh and logistic: Tanh, Sigmoid, QLinearSigmoid), the polynomial is
// evaluated here in the same order with the same fp32 constants and fused multiply-adds, as MLAS'
// FMA3 kernels run on x86-64 (an x86 CPU without FMA3 runs its SSE2 kernel, unfused, which can
// land a near-tie one step away; Arm64 was not checked); where it is a libm or Eigen function, the
// correctly rounded fp32 value is used (computed in double). The tables were compared with
// onnxruntime 1.30 on x86-64 over every int8 code: tests/fixtures/models/unary_*.onnx (CTest,
// tolerance 0) and tests/fixtures/unary_sweep.py (random quantizations).

#include "ir/op.hpp"
#include "ir/tensor.hpp"

#include <array>
#include <cstdint>

namespace onnx2hpp::codegen::lower {

/// y = op(x) in fp32, as onnxruntime's CPU kernel for the ONNX operator computes it.
float onnxruntime_unary(const ir::activation &a, float x);

/// QuantizeLinear of an fp32 value as MLAS computes it: x / scale in fp32, clamped to
/// [-128 - zero_point, 127 - zero_point] (a NaN gives the lower end), rounded half to even,
/// plus the zero point.
std::int8_t onnxruntime_quantize(float x, float scale, std::int32_t zero_point);

/// table[q + 128] = QuantizeLinear(op(DequantizeLinear(q))) for every int8 code q, with
/// DequantizeLinear = fp32(q - zero_point) * scale; both quantizations per tensor.
std::array<std::int8_t, 256> unary_table(const ir::activation &a, const ir::quantization &in,
                                         const ir::quantization &out);

} // namespace onnx2hpp::codegen::lower
