#include "emit/layers/layers.hpp"

#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include <onnx2hpp/layers/resize.hpp>

namespace onnx2hpp::codegen::emit {

namespace {

using ir::op_kind;

layer_code concat(context &c, const std::string &, const ir::op &o) {
  std::vector<std::string> shapes, inputs;
  for (auto id : o.inputs) {
    shapes.push_back(c.shape_of(id));
    inputs.push_back(fmt::format(
        "onnx2hpp::make_concat_input({}, {}, {}, {})", float_literal(c.scale(o, id)),
        c.zero_point(o, id), float_literal(c.scale(o, o.output())), c.zero_point(o, o.output())));
  }
  auto axis = o.get<ir::axis_attrs>().axis;
  if (axis < 0)
    axis += static_cast<std::int64_t>(c.g.at(o.output()).shape.size());
  const std::string attrs =
      c.onnxruntime_rounding()
          ? fmt::format("onnx2hpp::concat_attrs{{{}, onnx2hpp::rounding_mode::onnxruntime}}", axis)
          : fmt::format("{}", axis);
  return spec(fmt::format("onnx2hpp::concat<{}, {}>", attrs, fmt::join(shapes, ", ")),
              fmt::format("{{.inputs = {{{{{}}}}},\n    .output_zero_point = {}}}",
                          fmt::join(inputs, ",\n                "), c.zero_point(o, o.output())));
}

void require_same_quantization(const context &c, const ir::op &o) {
  if (!ir::same_quantization(c.quant(o, o.input(0)), c.quant(o, o.output())))
    c.unsupported(o, "input and output quantization differ");
}

layer_code reshape(context &c, const std::string &, const ir::op &o) {
  const auto &in = c.g.at(o.input(0)), &out = c.g.at(o.output());
  // A copy (separate_outputs) keeps any quantization, per channel too: the bytes do not move.
  const bool copy = in.shape == out.shape && in.type == out.type && in.quant && out.quant &&
                    ir::same_quantization(*in.quant, *out.quant);
  if (!copy)
    require_same_quantization(c, o);
  // Shapes stored in a model whose opset libonnx does not know are not re-inferred.
  if (in.elements() != out.elements())
    c.unsupported(o, fmt::format("it reshapes {} into {}: the element counts differ (shapes "
                                 "stored in the model?)",
                                 ir::to_string(in.shape), ir::to_string(out.shape)));
  return spec(
      fmt::format("onnx2hpp::reshape<{}, {}>", c.shape_of(o.input(0)), c.shape_of(o.output())),
      "{}");
}

layer_code transpose(context &c, const std::string &, const ir::op &o) {
  require_same_quantization(c, o);
  return spec(fmt::format("onnx2hpp::transpose<{}, {}>", c.shape_of(o.input(0)),
                          fmt::join(o.get<ir::perm_attrs>().perm, ", ")),
              "{}");
}

/// Slice: one `slice_range` per sliced axis, with ONNX's starts/ends/steps as the model gives
/// them (negative and out-of-range values included: the layer normalizes them as ONNX does).
layer_code slice(context &c, const std::string &, const ir::op &o) {
  require_same_quantization(c, o);
  const auto &a = o.get<ir::slice_attrs>();
  std::vector<std::string> ranges;
  for (std::size_t i = 0; i < a.axes.size(); ++i) {
    const std::int64_t step = i < a.steps.size() ? a.steps[i] : 1;
    if (step == 0 || step == std::numeric_limits<std::int64_t>::min() || i >= a.starts.size() ||
        i >= a.ends.size())
      c.unsupported(o, fmt::format("slice {} has step {} or lacks its start or end: ONNX wants a "
                                   "non-zero step (and onnx2hpp one above INT64_MIN)",
                                   i, step));
    // INT64_MIN is not a literal in C++: spell the extremes by name.
    auto literal = [](std::int64_t v) {
      if (v == std::numeric_limits<std::int64_t>::max())
        return std::string("std::numeric_limits<std::int64_t>::max()");
      if (v == std::numeric_limits<std::int64_t>::min())
        return std::string("std::numeric_limits<std::int64_t>::min()");
      return std::to_string(v);
    };
    ranges.push_back(
        fmt::format("onnx2hpp::slice_range{{.axis = {}, .start = {}, .end = {}, .step = {}}}",
                    a.axes[i], literal(a.starts.at(i)), literal(a.ends.at(i)), step));
  }
  return spec(
      fmt::format("onnx2hpp::slice<{}, {}>", c.shape_of(o.input(0)), fmt::join(ranges, ", ")),
      "{}");
}

/// Nearest Resize of H and W: the plain repeat `resize_nearest` when the source rows and
/// columns are y / F and x / F for whole factors, else `resize_nearest_indexed` with its tables
/// computed in the header by `nearest_source_indices` (onnxruntime's float arithmetic).
layer_code resize(context &c, const std::string &, const ir::op &o) {
  require_same_quantization(c, o);
  const auto &a = o.get<ir::resize_attrs>();
  const auto &in = c.g.at(o.input(0));
  const auto &out = c.g.at(o.output());
  if (in.shape.size() != 4 || a.scales.size() != 4 || a.scales[0] != 1.0 || a.scales[3] != 1.0)
    c.unsupported(o, "Resize is supported on the H and W of a 4-D tensor only");
  static const std::map<std::string, std::pair<onnx2hpp::resize_coordinate, const char *>>
      coordinates{
          {"half_pixel", {onnx2hpp::resize_coordinate::half_pixel, "half_pixel"}},
          {"asymmetric", {onnx2hpp::resize_coordinate::asymmetric, "asymmetric"}},
          {"pytorch_half_pixel",
           {onnx2hpp::resize_coordinate::pytorch_half_pixel, "pytorch_half_pixel"}},
          {"tf_half_pixel_for_nn",
           {onnx2hpp::resize_coordinate::tf_half_pixel_for_nn, "tf_half_pixel_for_nn"}},
          {"align_corners", {onnx2hpp::resize_coordinate::align_corners, "align_corners"}},
          {"half_pixel_symmetric",
           {onnx2hpp::resize_coordinate::half_pixel_symmetric, "half_pixel_symmetric"}},
      };
  static const std::map<std::string, std::pair<onnx2hpp::resize_rounding, const char *>> roundings{
      {"round_prefer_floor", {onnx2hpp::resize_rounding::round_prefer_floor, "round_prefer_floor"}},
      {"round_prefer_ceil", {onnx2hpp::resize_rounding::round_prefer_ceil, "round_prefer_ceil"}},
      {"floor", {onnx2hpp::resize_rounding::floor, "floor"}},
      {"ceil", {onnx2hpp::resize_rounding::ceil, "ceil"}},
      {"simple", {onnx2hpp::resize_rounding::simple, "simple"}},
  };
  auto coordinate = coordinates.find(a.coordinate_transformation_mode);
  if (coordinate == coordinates.end())
    c.unsupported(o, fmt::format("nearest Resize with coordinate_transformation_mode '{}' is not "
                                 "supported",
                                 a.coordinate_transformation_mode));
  auto rounding = roundings.find(a.nearest_mode);
  if (rounding == roundings.end())
    c.unsupported(o, fmt::format("nearest_mode '{}' is not supported", a.nearest_mode));
  auto extent = [](std::int64_t e) { return static_cast<std::size_t>(e); };
  // Axis 1 and 2 of the NHWC shapes: H and W.
  bool repeat = true;
  std::array<std::string, 2> tables;
  for (std::size_t k = 0; k < 2; ++k) {
    auto in_len = extent(in.shape[k + 1]), out_len = extent(out.shape[k + 1]);
    auto scale = static_cast<float>(a.scales[k + 1]);
    bool axis_repeat = out_len % in_len == 0;
    for (std::size_t i = 0; i < out_len && axis_repeat; ++i)
      axis_repeat =
          onnx2hpp::nearest_source_index(i, in_len, out_len, scale, coordinate->second.first,
                                         rounding->second.first) == i / (out_len / in_len);
    repeat = repeat && axis_repeat;
    tables[k] = fmt::format("onnx2hpp::nearest_source_indices<{}>({}, {}, "
                            "onnx2hpp::resize_coordinate::{}, onnx2hpp::resize_rounding::{})",
                            out_len, in_len, float_literal(scale), coordinate->second.second,
                            rounding->second.second);
  }
  if (repeat)
    return spec(fmt::format("onnx2hpp::resize_nearest<{}, {}, {}>", c.shape_of(o.input(0)),
                            out.shape[1] / in.shape[1], out.shape[2] / in.shape[2]),
                "{}");
  return spec(fmt::format("onnx2hpp::resize_nearest_indexed<{}, {}, {}>", c.shape_of(o.input(0)),
                          out.shape[1], out.shape[2]),
              fmt::format("{{\n    {},\n    {}}}", tables[0], tables[1]));
}

layer_code pad(context &c, const std::string &, const ir::op &o) {
  require_same_quantization(c, o);
  const auto &a = o.get<ir::pad_attrs>();
  auto rank = a.pads.size() / 2;
  if (a.mode != "constant")
    c.unsupported(o, fmt::format("Pad mode '{}'", a.mode));
  for (auto p : a.pads)
    if (p < 0)
      c.unsupported(o, "negative pads (cropping)");
  std::vector<std::int64_t> begin(a.pads.begin(), a.pads.begin() + static_cast<long>(rank)),
      end(a.pads.begin() + static_cast<long>(rank), a.pads.end());
  const auto &q = c.quant(o, o.input(0));
  auto value =
      std::clamp(q.zero_point_at(0) + std::nearbyint(a.value / q.scale_at(0)), -128.0, 127.0);
  return spec(fmt::format("onnx2hpp::pad<{}, onnx2hpp::pad_amounts<{}>{{.begin = {{{}}}, .end = "
                          "{{{}}}}}>",
                          c.shape_of(o.input(0)), rank, fmt::join(begin, ", "),
                          fmt::join(end, ", ")),
              fmt::format("{{.value = {}}}", static_cast<int>(value)));
}

/// The emitter of each kind of the family: a new kind is one row.
constexpr std::array<std::pair<op_kind, layer_emitter>, 6> emitters{{
    {op_kind::concat, concat},
    {op_kind::reshape, reshape},
    {op_kind::transpose, transpose},
    {op_kind::slice, slice},
    {op_kind::resize, resize},
    {op_kind::pad, pad},
}};

} // namespace

layer_code data_movement_layer(context &c, std::size_t op) {
  return emit_with(c, op, emitters);
}

} // namespace onnx2hpp::codegen::emit
