#pragma once
// Element types the IR knows. Only a few survive the passes (i8 activations and weights, i32 bias,
// f32 at the graph boundary); the others exist so that shape subgraphs can be folded.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace onnx2hpp::codegen::ir {

enum class dtype : std::uint8_t { f32, f64, f16, i8, u8, i16, u16, i32, u32, i64, u64, boolean };

/// Bytes per element.
std::size_t size_of(dtype t);
/// Short name used in dumps and messages: "f32", "i8", ...
std::string_view name_of(dtype t);
bool is_integer(dtype t);
bool is_float(dtype t);

} // namespace onnx2hpp::codegen::ir
