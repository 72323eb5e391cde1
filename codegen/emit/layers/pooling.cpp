#include "emit/layers/layers.hpp"

#include "diagnostics/printable.hpp"
#include "emit/cpp_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include <onnx2hpp/core/fixed_point.hpp>

namespace onnx2hpp::codegen::emit {

namespace {

using ir::op_kind;

/// onnx2hpp::pool2d_attrs without the fields that keep their defaults.
std::string pool_attrs(const ir::pool_attrs &a) {
  auto fields = window_fields(a.kernel, a.strides, a.dilations, a.pads);
  if (a.ceil_mode)
    fields.push_back("ceil_mode = true");
  return "onnx2hpp::pool2d_attrs" + designated(fields);
}

/// The initializer of avg_pool2d / global_avg_pool: the zero points, and what the rounding mode
/// reads (fixed point: the multiplier of input_scale / output_scale, by the library's
/// quantize_multiplier; onnxruntime: the two fp32 scales). The activation range stays full.
std::string pool_init(const context &c, const ir::op &o) {
  std::vector<std::string> fields;
  if (auto zp = c.zero_point(o, o.input(0)); zp != 0)
    fields.push_back(fmt::format("input_zero_point = {}", zp));
  if (auto zp = c.zero_point(o, o.output()); zp != 0)
    fields.push_back(fmt::format("output_zero_point = {}", zp));
  if (c.onnxruntime_rounding()) {
    fields.push_back(fmt::format("input_scale = {}", float_literal(c.scale(o, o.input(0)))));
    fields.push_back(fmt::format("output_scale = {}", float_literal(c.scale(o, o.output()))));
  } else {
    auto m = onnx2hpp::quantize_multiplier(double(c.scale(o, o.input(0))) / c.scale(o, o.output()));
    fields.push_back(fmt::format("multiplier = {{{}, {}}}", m.multiplier, m.shift));
  }
  return designated(fields);
}

layer_code max_pool(context &c, const std::string &, const ir::op &o) {
  if (!ir::same_quantization(c.quant(o, o.input(0)), c.quant(o, o.output())))
    c.unsupported(o, "input and output quantization differ (isolate_requantization should have "
                     "split this)");
  return {.type = fmt::format("onnx2hpp::max_pool2d<{}, {}>", c.shape_of(o.input(0)),
                              pool_attrs(o.get<ir::pool_attrs>())),
          .init = "{}"};
}

layer_code average_pool(context &c, const std::string &, const ir::op &o) {
  const auto &a = o.get<ir::pool_attrs>();
  return {.type = fmt::format("onnx2hpp::avg_pool2d<{}, {}, {}{}>", c.shape_of(o.input(0)),
                              pool_attrs(a), a.count_include_pad, c.mode_argument()),
          .init = pool_init(c, o)};
}

layer_code global_average_pool(context &c, const std::string &, const ir::op &o) {
  return {.type = fmt::format("onnx2hpp::global_avg_pool<{}{}>", c.shape_of(o.input(0)),
                              c.mode_argument()),
          .init = pool_init(c, o)};
}

/// The emitter of each kind of the family: a new kind is one row.
constexpr std::array<std::pair<op_kind, layer_emitter>, 3> emitters{{
    {op_kind::max_pool, max_pool},
    {op_kind::average_pool, average_pool},
    {op_kind::global_average_pool, global_average_pool},
}};

} // namespace

layer_code pooling_layer(context &c, std::size_t op) {
  return emit_with(c, op, emitters);
}

} // namespace onnx2hpp::codegen::emit
