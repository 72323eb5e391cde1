#pragma once
// Structure-aware mutation of ONNX models for the generator's fuzzer: edits that keep the file a
// parseable ModelProto but push one field to where a hostile or broken exporter would put it
// (boundary dimensions and attribute values, mismatched element types, short or long raw_data,
// out-of-range zero points, zero/NaN/denormal scales, dangling or duplicated node inputs, names
// that are not C++ identifiers, missing outputs, unknown opsets, external data paths).

#include <onnx/onnx_pb.h>

#include <cstdint>

namespace onnx2hpp::codegen::fuzz {

/// Applies one to four random mutations, chosen by `seed`, to `model` in place.
void mutate_model(onnx::ModelProto &model, std::uint32_t seed);

/// Copies a random node, initializer or value info of `donor` into `model` (with the opset
/// imports it needs), chosen by `seed`.
void cross_over_models(onnx::ModelProto &model, const onnx::ModelProto &donor, std::uint32_t seed);

} // namespace onnx2hpp::codegen::fuzz
