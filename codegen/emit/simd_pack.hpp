#pragma once
// The backends::simd weight packs of conv/dense: the weights again in the order of
// backends/simd/layout.hpp, computed here by the library's own packing code
// (simd::pack_gemm_into / pack_depthwise_into), so the header carries them as bytes and nothing
// is packed at compile or run time. The packing happens in emission (not in lower/): it is a
// property of one backend's layout, not of the model.

#include "emit/context.hpp"

#include <onnx2hpp/backends/simd/pack.hpp>

#include <string>

namespace onnx2hpp::codegen::emit {

/// The pack of a conv/dense that runs as a (grouped) GEMM: its constants are appended to `data`
/// (the data header), and what is returned (size checks and the `<name>_packed` wrapper the
/// graph node holds) goes after the layers. Nothing without simd packs. Marks `name` in
/// context::packed.
std::string gemm_pack(context &c, std::string &data, const std::string &name,
                      const lower::accumulating_layer &l, const onnx2hpp::simd::gemm_dims &d);

/// The pack of a depthwise conv (with its four-tap part when the geometry has one), likewise.
std::string depthwise_pack(context &c, std::string &data, const std::string &name,
                           const lower::accumulating_layer &l,
                           const onnx2hpp::simd::depthwise_dims &d);

} // namespace onnx2hpp::codegen::emit
