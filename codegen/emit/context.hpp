#pragma once
// What every part of the emitter shares: the lowered model and the graph the header declares,
// the options, each layer's C++ name, and the helpers that read a tensor's quantization and spell
// shapes, constants and activations.

#include "emit/cpp_text.hpp"
#include "emit/header.hpp"
#include "lower/lower.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace onnx2hpp::codegen::emit {

/// The C++ of one layer. `data`: its constants (weights, bias, requantization tables, simd
/// packs), which go to the data header; `declarations`: what its initializer refers to besides
/// them (tables the library computes at compile time); `type` and `init`: the layer; `pack`: for
/// conv/dense, the size checks and the `<name>_packed` wrapper the graph node holds.
struct layer_code {
  std::string data{};
  std::string declarations{};
  std::string type{};
  std::string init{};
  std::string pack{};
};

/// A layer without constants: its type and initializer.
inline layer_code spec(std::string type, std::string init) {
  return {.type = std::move(type), .init = std::move(init)};
}

class context {
public:
  context(const lower::lowered_model &model, const header_options &options);

  const lower::lowered_model &model;
  const ir::graph &g;
  const lower::emitted_graph &graph;
  const header_options &options;

  /// The C++ name of node op `i`'s layer (name_layers in header.cpp).
  std::map<std::size_t, std::string> layer_names;
  /// Layers whose graph node is `<name>_packed` (simd_pack.cpp).
  std::set<std::string> packed;

  [[noreturn]] void unsupported(const ir::op &o, const std::string &why) const;
  /// The per-tensor int8 quantization of `id`, or unsupported().
  const ir::quantization &quant(const ir::op &o, ir::tensor_id id) const;
  float scale(const ir::op &o, ir::tensor_id id) const { return quant(o, id).scale_at(0); }
  std::int32_t zero_point(const ir::op &o, ir::tensor_id id) const {
    return quant(o, id).zero_point_at(0);
  }
  std::string shape_of(ir::tensor_id id) const;
  /// The ONNX shape of a graph input/output tensor (NCHW again for 4-D activations).
  ir::shape_t onnx_shape(ir::tensor_id id) const;
  std::size_t index_of(const ir::op &o) const {
    return static_cast<std::size_t>(&o - g.ops.data());
  }

  bool onnxruntime_rounding() const {
    return options.rounding == onnx2hpp::rounding_mode::onnxruntime;
  }
  /// The trailing rounding-mode template argument of dense, batch_matmul, add, mul and the
  /// average pools (nothing in the default fixed-point mode).
  std::string mode_argument() const {
    return onnxruntime_rounding() ? ", onnx2hpp::rounding_mode::onnxruntime" : "";
  }
};

/// `onnx2hpp::shape<...>` of a shape.
std::string shape_type(const ir::shape_t &s);

/// Comma-separated values, wrapped with `indent` so that no line is longer than `width`.
template <class T>
std::string wrapped_list(const std::vector<T> &values, std::string_view indent,
                         std::size_t width = column_limit) {
  width -= indent.size() + 2; // the last line ends in "};"
  std::string out, line;
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto item = fmt::format("{}{}", values[i], i + 1 < values.size() ? "," : "");
    if (!line.empty() && line.size() + item.size() + 1 > width) {
      out += line + "\n" + std::string(indent);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + item;
  }
  return out + line;
}

/// Bytes of int8/int16/int32 values, little-endian (how onnx2hpp::const_data reads them).
template <class T>
std::vector<std::uint8_t> little_endian_bytes(const std::vector<T> &values) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(values.size() * sizeof(T));
  for (T v : values) {
    auto u = static_cast<std::make_unsigned_t<T>>(v);
    for (std::size_t b = 0; b < sizeof(T); ++b)
      bytes.push_back(static_cast<std::uint8_t>(u >> (8 * b)));
  }
  return bytes;
}

/// `/// what` and an aligned char array of the bytes of `v`.
std::string int8_constant(const std::string &name, const std::vector<std::int8_t> &v,
                          const std::string &what);
/// A std::array<std::int32_t, N> of `v`.
std::string int32_constant(const std::string &name, const std::vector<std::int32_t> &v);

/// The designated-initializer fields of a window (conv2d_attrs, pool2d_attrs): kernel_h and
/// kernel_w, then only the strides, dilations and pads that differ from 1, 1 and 0.
std::vector<std::string> window_fields(const std::array<std::int64_t, 2> &kernel,
                                       const std::array<std::int64_t, 2> &strides,
                                       const std::array<std::int64_t, 2> &dilations,
                                       const std::array<std::int64_t, 4> &pads);

/// `<name>_lut`, the 256-entry table of activation `a` (none: a plain requantization) from the
/// input quantization to the output's, computed by onnx2hpp::make_activation_lut.
std::string lut_declaration(const std::string &name, const std::optional<ir::activation> &a,
                            float in_scale, std::int32_t in_zero_point, float out_scale,
                            std::int32_t out_zero_point);

/// onnx2hpp::activation_kind::<k>.
std::string library_activation(ir::activation_kind k);
/// alpha/beta of onnx2hpp::make_activation_lut / activation_clamp for an IR activation.
std::pair<float, float> activation_parameters(const ir::activation &a);

} // namespace onnx2hpp::codegen::emit
