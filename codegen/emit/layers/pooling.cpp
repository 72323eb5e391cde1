#include "emit/layers/layers.hpp"

#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <onnx2hpp/core/fixed_point.hpp>

namespace onnx2hpp::codegen::emit {

namespace {

using ir::op_kind;

std::string pool_attrs(const ir::pool_attrs &a) {
  return fmt::format("onnx2hpp::pool2d_attrs{{.kernel_h = {}, .kernel_w = {}, .stride_h = {}, "
                     ".stride_w = {},\n    .dilation_h = {}, .dilation_w = {}, .pad_top = {}, "
                     ".pad_left = {}, .pad_bottom = {},\n    .pad_right = {}, .ceil_mode = {}}}",
                     a.kernel[0], a.kernel[1], a.strides[0], a.strides[1], a.dilations[0],
                     a.dilations[1], a.pads[0], a.pads[1], a.pads[2], a.pads[3], a.ceil_mode);
}

/// {multiplier, shift} of input_scale / output_scale, by the library's quantize_multiplier.
std::string rescale(const context &c, const ir::op &o) {
  auto m = onnx2hpp::quantize_multiplier(double(c.scale(o, o.input(0))) / c.scale(o, o.output()));
  return fmt::format("{{{}, {}}}", m.multiplier, m.shift);
}

std::string pool_init(const context &c, const ir::op &o) {
  return fmt::format("{{.input_zero_point = {}, .output_zero_point = {}, .multiplier = {}, "
                     ".act_min = -128, .act_max = 127{}}}",
                     c.zero_point(o, o.input(0)), c.zero_point(o, o.output()), rescale(c, o),
                     c.onnxruntime_rounding()
                         ? fmt::format(",\n    .input_scale = {}, .output_scale = {}",
                                       float_literal(c.scale(o, o.input(0))),
                                       float_literal(c.scale(o, o.output())))
                         : "");
}

layer_code max_pool(const context &c, const ir::op &o) {
  if (!ir::same_quantization(c.quant(o, o.input(0)), c.quant(o, o.output())))
    c.unsupported(o, "input and output quantization differ (isolate_requantization should have "
                     "split this)");
  return {"",
          fmt::format("onnx2hpp::max_pool2d<{}, {}>", c.shape_of(o.input(0)),
                      pool_attrs(o.get<ir::pool_attrs>())),
          "{.act_min = -128, .act_max = 127}"};
}

layer_code average_pool(const context &c, const ir::op &o) {
  const auto &a = o.get<ir::pool_attrs>();
  return {"",
          fmt::format("onnx2hpp::avg_pool2d<{}, {}, {}{}>", c.shape_of(o.input(0)), pool_attrs(a),
                      a.count_include_pad, c.mode_argument()),
          pool_init(c, o)};
}

layer_code global_average_pool(const context &c, const ir::op &o) {
  return {"",
          fmt::format("onnx2hpp::global_avg_pool<{}{}>", c.shape_of(o.input(0)), c.mode_argument()),
          pool_init(c, o)};
}

} // namespace

layer_code pooling_layer(context &c, std::size_t op) {
  const auto &o = c.g.ops[op];
  switch (o.kind) {
  case op_kind::max_pool:
    return max_pool(c, o);
  case op_kind::average_pool:
    return average_pool(c, o);
  case op_kind::global_average_pool:
    return global_average_pool(c, o);
  default:
    c.unsupported(o, "not a pooling layer");
  }
}

} // namespace onnx2hpp::codegen::emit
