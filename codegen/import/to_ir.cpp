#include "import/to_ir.hpp"

#include "diagnostics/error.hpp"
#include "diagnostics/printable.hpp"
#include "import/dialect.hpp"
#include "import/node_attributes.hpp"
#include "import/onnx_tensor.hpp"
#include "import/supported_ops.hpp"
#include "ir/transpose.hpp"

#include <onnx2hpp/layers/pooling.hpp>

#include <array>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <optional>
#include <unordered_map>

namespace onnx2hpp::codegen::importer {

namespace {

using ir::op_kind;

class graph_builder {
public:
  explicit graph_builder(const loaded_model &model) : model_(model) {
    const auto &proto = model.proto;
    for (const auto &opset : proto.opset_import())
      if (opset.domain().empty() || opset.domain() == "ai.onnx")
        opset_ = opset.version();
    const auto &g = proto.graph();
    for (const auto &v : g.input())
      types_[v.name()] = &v.type();
    for (const auto &v : g.value_info())
      types_[v.name()] = &v.type();
    for (const auto &v : g.output())
      types_[v.name()] = &v.type();

    auto &info = graph_.info;
    info.source_path = model.path.string();
    for (const auto &f : model.data_files)
      info.data_files.push_back(f.string());
    info.sha256 = model.sha256;
    info.graph_name = g.name();
    info.producer_name = proto.producer_name();
    info.producer_version = proto.producer_version();
    info.ir_version = proto.ir_version();
    info.opset = opset_;
    info.dialects = recognize_dialects(proto);
    info.warnings = model.warnings;
  }

  ir::graph build() {
    const auto &g = model_.proto.graph();
    for (const auto &t : g.initializer())
      by_name_[t.name()] = graph_.add_tensor(
          tensor_from_proto(t, fmt::format("initializer '{}' in '{}'", t.name(), path())));
    for (const auto &in : g.input())
      if (!by_name_.count(in.name()))
        graph_.inputs.push_back(declare(in.name()));
    for (int i = 0; i < g.node_size(); ++i)
      add_node(g.node(i), i);
    for (const auto &out : g.output()) {
      auto it = by_name_.find(out.name());
      if (it == by_name_.end())
        throw error(
            failure::unreadable_model,
            fmt::format("'{}': graph output '{}' is produced by no node", path(), out.name()));
      if (graph_.at(it->second).is_constant())
        throw error(failure::unsupported_model,
                    fmt::format("'{}': graph output '{}' is a constant (an initializer or a "
                                "Constant's value); onnx2hpp computes outputs from the inputs",
                                path(), out.name()));
      graph_.outputs.push_back(it->second);
    }
    return std::move(graph_);
  }

private:
  std::string path() const { return model_.path.string(); }

  /// A new tensor named `name`, typed and shaped from the model's value infos.
  ir::tensor_id declare(const std::string &name) {
    ir::tensor t;
    t.name = name;
    t.shape_known = false;
    auto it = types_.find(name);
    if (it != types_.end() && it->second->has_tensor_type()) {
      const auto &tt = it->second->tensor_type();
      if (auto type = dtype_from_onnx(tt.elem_type()))
        t.type = *type;
      else if (tt.elem_type() != 0)
        throw error(failure::unsupported_model,
                    fmt::format("'{}': tensor '{}' has element type {}, which onnx2hpp does not "
                                "support",
                                path(), name, onnx_type_name(tt.elem_type())));
      if (tt.has_shape()) {
        t.shape_known = true;
        for (const auto &d : tt.shape().dim()) {
          bool known = d.has_dim_value() && d.dim_value() >= 0;
          t.shape.push_back(known ? d.dim_value() : -1);
          t.shape_known = t.shape_known && known;
        }
      }
    }
    if (t.shape_known && !ir::checked_element_count(t.shape))
      throw error(failure::unsupported_model,
                  fmt::format("'{}': tensor '{}' has shape {}, more than the {} elements "
                              "onnx2hpp accepts for one tensor",
                              path(), name, ir::to_string(t.shape), ir::max_tensor_elements));
    if (t.shape.size() == 4)
      t.order = ir::layout::nchw;
    auto id = graph_.add_tensor(std::move(t));
    by_name_[name] = id;
    return id;
  }

  ir::tensor_id lookup(const std::string &name, const onnx::NodeProto &node) {
    auto it = by_name_.find(name);
    if (it == by_name_.end())
      throw error(failure::unreadable_model,
                  fmt::format("'{}': node '{}' ({}) reads '{}', which no earlier node, "
                              "initializer or graph input defines",
                              path(), node.name(), node.op_type(), name));
    return it->second;
  }

  [[noreturn]] void unsupported(const onnx::NodeProto &node, const std::string &why) const {
    throw error(failure::unsupported_model,
                fmt::format("'{}': node '{}' ({}): {}", path(), node.name(), node.op_type(), why));
  }

  const ir::tensor &input_tensor(const onnx::NodeProto &node, int index) {
    if (index >= node.input_size() || node.input(index).empty())
      unsupported(node, fmt::format("its input {} is missing", index));
    const auto &t = graph_.at(lookup(node.input(index), node));
    if (!t.shape_known)
      unsupported(node, fmt::format("the shape of its input '{}' is not known", t.name));
    return t;
  }

  /// kernel/strides/dilations/pads of Conv and the pools, 2-D only; auto_pad resolved to pads.
  template <class Attrs>
  Attrs window(const onnx::NodeProto &node, const ir::shape_t &input,
               std::vector<std::int64_t> kernel) {
    if (input.size() != 4)
      unsupported(node, fmt::format("only 2-D windows (4-D NCHW input) are supported; the input "
                                    "has shape {}",
                                    ir::to_string(input)));
    if (auto k = optional_ints(node, "kernel_shape"))
      kernel = *k;
    auto strides = optional_ints(node, "strides").value_or(std::vector<std::int64_t>{1, 1});
    auto dilations = optional_ints(node, "dilations").value_or(std::vector<std::int64_t>{1, 1});
    auto pads = optional_ints(node, "pads").value_or(std::vector<std::int64_t>{0, 0, 0, 0});
    if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
      unsupported(node, "kernel_shape, strides, dilations and pads must describe a 2-D window");
    auto auto_pad = string_attribute(node, "auto_pad", "NOTSET");
    if (auto_pad == "VALID")
      pads = {0, 0, 0, 0};
    else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      for (int i = 0; i < 2; ++i) {
        auto in = input[2 + i];
        auto out = (in + strides[i] - 1) / strides[i];
        auto total = std::max<std::int64_t>(0, (out - 1) * strides[i] +
                                                   (kernel[i] - 1) * dilations[i] + 1 - in);
        auto small = total / 2;
        pads[i] = auto_pad == "SAME_UPPER" ? small : total - small;
        pads[i + 2] = total - pads[i];
      }
    } else if (auto_pad != "NOTSET")
      unsupported(node, fmt::format("auto_pad '{}' is not an ONNX value", auto_pad));
    Attrs a;
    a.kernel = {kernel[0], kernel[1]};
    a.strides = {strides[0], strides[1]};
    a.dilations = {dilations[0], dilations[1]};
    a.pads = {pads[0], pads[1], pads[2], pads[3]};
    return a;
  }

  ir::conv_attrs conv(const onnx::NodeProto &node, int weight_input) {
    const auto &w = input_tensor(node, weight_input);
    std::vector<std::int64_t> kernel(w.shape.begin() + std::min<std::size_t>(2, w.shape.size()),
                                     w.shape.end());
    auto a = window<ir::conv_attrs>(node, input_tensor(node, 0).shape, kernel);
    a.group = int_attribute(node, "group", 1);
    return a;
  }

  ir::pool_attrs pool(const onnx::NodeProto &node) {
    if (int_attribute(node, "channels_last", 0) != 0)
      unsupported(node, "channels_last=1 is not supported");
    auto a = window<ir::pool_attrs>(node, input_tensor(node, 0).shape, {});
    a.ceil_mode = int_attribute(node, "ceil_mode", 0) != 0;
    a.count_include_pad = int_attribute(node, "count_include_pad", 0) != 0;
    if (node.op_type() == "MaxPool" && int_attribute(node, "storage_order", 0) != 0)
      unsupported(node, "storage_order=1 is not supported");
    return a;
  }

  ir::activation activation_of(const onnx::NodeProto &node) {
    ir::activation a;
    const auto &type = node.op_type();
    if (type == "Relu")
      a.kind = ir::activation_kind::relu;
    else if (type == "PRelu") // the slope is an input, read by canonicalize_ops
      a.kind = ir::activation_kind::leaky_relu;
    else if (type == "LeakyRelu" || type == "QLinearLeakyRelu") {
      a.kind = ir::activation_kind::leaky_relu;
      a.alpha = float_attribute(node, "alpha", 0.01);
    } else if (type == "HardSwish")
      a.kind = ir::activation_kind::hard_swish;
    else if (type == "Sigmoid" || type == "QLinearSigmoid")
      a.kind = ir::activation_kind::sigmoid;
    else if (type == "Clip") {
      a.kind = ir::activation_kind::clip;
      // Opset < 11 carries min/max as attributes; later opsets as inputs (read by the passes).
      a.min = float_attribute(node, "min", -std::numeric_limits<float>::max());
      a.max = float_attribute(node, "max", std::numeric_limits<float>::max());
    } else if (type == "HardSigmoid") {
      a.kind = ir::activation_kind::hard_sigmoid;
      a.alpha = float_attribute(node, "alpha", 0.2);
      a.beta = float_attribute(node, "beta", 0.5);
    } else if (type == "Elu" || type == "Celu" || type == "ThresholdedRelu") {
      a.kind = type == "Elu"    ? ir::activation_kind::elu
               : type == "Celu" ? ir::activation_kind::celu
                                : ir::activation_kind::thresholded_relu;
      a.alpha = float_attribute(node, "alpha", 1.0);
      if (a.kind == ir::activation_kind::celu && a.alpha == 0.0)
        unsupported(node, "Celu with alpha = 0 divides by zero");
    } else if (type == "Selu") {
      a.kind = ir::activation_kind::selu;
      a.alpha = float_attribute(node, "alpha", 1.67326319217681884765625);
      a.gamma = float_attribute(node, "gamma", 1.05070102214813232421875);
    } else if (type == "Gelu") {
      a.kind = ir::activation_kind::gelu;
      auto approximate = string_attribute(node, "approximate", "none");
      if (approximate != "none" && approximate != "tanh")
        unsupported(node, fmt::format("attribute approximate='{}' is not 'none' or 'tanh'",
                                      printable(approximate)));
      a.tanh_gelu = approximate == "tanh";
    } else {
      static const std::pair<std::string_view, ir::activation_kind> plain[] = {
          {"Tanh", ir::activation_kind::tanh},
          {"Softplus", ir::activation_kind::softplus},
          {"Softsign", ir::activation_kind::softsign},
          {"Erf", ir::activation_kind::erf},
          {"Exp", ir::activation_kind::exp},
          {"Log", ir::activation_kind::log},
          {"Sqrt", ir::activation_kind::sqrt},
          {"Reciprocal", ir::activation_kind::reciprocal},
          {"Abs", ir::activation_kind::abs},
          {"Neg", ir::activation_kind::neg},
          {"Mish", ir::activation_kind::mish}};
      for (const auto &[onnx_type, kind] : plain)
        if (type == onnx_type)
          a.kind = kind;
    }
    return a;
  }

  /// The typed attributes of `node`, per the operator spec of the model's opset.
  ir::attributes attributes_of(const onnx::NodeProto &node, op_kind kind) {
    switch (kind) {
    case op_kind::conv:
    case op_kind::conv_integer:
      return conv(node, 1);
    case op_kind::qlinear_conv:
      return conv(node, 3);
    case op_kind::max_pool:
    case op_kind::average_pool:
    case op_kind::qlinear_average_pool:
      return pool(node);
    case op_kind::qlinear_global_average_pool:
      if (int_attribute(node, "channels_last", 0) != 0)
        unsupported(node, "channels_last=1 is not supported");
      return std::monostate{};
    case op_kind::gather:
      return ir::axis_attrs{int_attribute(node, "axis", 0)};
    case op_kind::concat:
    case op_kind::qlinear_concat:
      if (!find_attribute(node, "axis"))
        unsupported(node, "the required attribute 'axis' is missing");
      return ir::axis_attrs{int_attribute(node, "axis", 0)};
    case op_kind::flatten:
      return ir::axis_attrs{int_attribute(node, "axis", 1)};
    case op_kind::softmax: {
      // Before opset 13 Softmax works on the input coerced to 2-D at `axis` (default 1); from 13
      // on it works along one axis (default -1). Both agree when the axis is the last one.
      auto rank = static_cast<std::int64_t>(input_tensor(node, 0).shape.size());
      auto axis = int_attribute(node, "axis", opset_ < 13 ? 1 : -1);
      if (axis < 0)
        axis += rank;
      if (opset_ < 13 && axis != rank - 1)
        unsupported(node, "Softmax before opset 13 is supported along the last axis only");
      return ir::axis_attrs{axis};
    }
    case op_kind::quantize:
    case op_kind::dequantize:
      return ir::axis_attrs{int_attribute(node, "axis", 1)};
    case op_kind::transpose: {
      auto perm = ints_attribute(node, "perm");
      if (perm.empty()) { // default: reverse the dimensions
        auto rank = static_cast<std::int64_t>(input_tensor(node, 0).shape.size());
        for (auto i = rank; i-- > 0;)
          perm.push_back(i);
      }
      return ir::perm_attrs{perm};
    }
    case op_kind::squeeze:
    case op_kind::unsqueeze:
      if (auto axes = optional_ints(node, "axes"))
        return ir::axes_attrs{*axes, true};
      return std::monostate{};
    case op_kind::reduce_mean:
      if (node.input_size() > 1)
        unsupported(node, "ReduceMean with axes as an input (opset 18) is not supported yet");
      return ir::axes_attrs{ints_attribute(node, "axes"), int_attribute(node, "keepdims", 1) != 0};
    case op_kind::slice:
      if (auto starts = optional_ints(node, "starts"))
        return ir::slice_attrs{
            *starts, ints_attribute(node, "ends"), ints_attribute(node, "axes"), {}};
      return std::monostate{};
    case op_kind::pad: {
      ir::pad_attrs a;
      a.mode = string_attribute(node, "mode", "constant");
      a.pads = ints_attribute(node, "pads"); // opset < 11; later it is an input
      a.value = float_attribute(node, "value", 0.0);
      return a;
    }
    case op_kind::resize: {
      ir::resize_attrs a;
      a.mode = string_attribute(node, "mode", "nearest");
      a.coordinate_transformation_mode =
          string_attribute(node, "coordinate_transformation_mode", "half_pixel");
      a.nearest_mode = string_attribute(node, "nearest_mode", "round_prefer_floor");
      a.keep_aspect_ratio_policy = string_attribute(node, "keep_aspect_ratio_policy", "stretch");
      a.axes = ints_attribute(node, "axes");
      if (opset_ < 11) { // Resize-10: (X, scales), asymmetric coordinates, no nearest_mode
        a.coordinate_transformation_mode = "asymmetric";
        a.nearest_mode = "simple";
        a.scales_input = 1;
      }
      return a;
    }
    case op_kind::cast: {
      auto to = static_cast<std::int32_t>(int_attribute(node, "to", 0));
      auto type = dtype_from_onnx(to);
      if (!type)
        unsupported(node, fmt::format("casting to {} is not supported", onnx_type_name(to)));
      return ir::cast_attrs{*type};
    }
    case op_kind::constant_of_shape: {
      const auto *value = find_attribute(node, "value");
      if (!value)
        return ir::fill_attrs{ir::constant_data::of(ir::dtype::f32, std::vector<float>{0.0f})};
      return ir::fill_attrs{constant_from_proto(
          value->t(), fmt::format("the value of node '{}' (ConstantOfShape)", node.name()))};
    }
    case op_kind::gemm:
    case op_kind::qgemm:
      return ir::gemm_attrs{float_attribute(node, "alpha", 1.0), float_attribute(node, "beta", 1.0),
                            int_attribute(node, "transA", 0) != 0,
                            int_attribute(node, "transB", 0) != 0};
    case op_kind::batch_norm:
      if (int_attribute(node, "training_mode", 0) != 0)
        unsupported(node, "training_mode=1 is not inference; export the model in eval mode");
      return ir::batch_norm_attrs{float_attribute(node, "epsilon", 1e-5)};
    case op_kind::activation:
    case op_kind::qlinear_activation:
    case op_kind::clip:
    case op_kind::prelu:
      return activation_of(node);
    default:
      return std::monostate{};
    }
  }

  [[noreturn]] void invalid(const onnx::NodeProto &node, const std::string &attribute,
                            const std::string &why) const {
    throw error(failure::unreadable_model,
                fmt::format("'{}': node '{}' ({}): attribute '{}' {}", path(), node.name(),
                            node.op_type(), attribute, why));
  }

  /// The rank of input `index` when its shape is known.
  std::optional<std::int64_t> rank_of(const onnx::NodeProto &node, int index) {
    if (index >= node.input_size() || node.input(index).empty())
      return std::nullopt;
    const auto &t = graph_.at(lookup(node.input(index), node));
    if (!t.shape_known && t.shape.empty())
      return std::nullopt;
    return static_cast<std::int64_t>(t.shape.size());
  }

  /// An axis of a tensor of rank `rank` (negative counts from the end): in [-rank, rank).
  void check_axis(const onnx::NodeProto &node, const std::string &attribute, std::int64_t axis,
                  std::int64_t rank) const {
    if (axis < -rank || axis >= rank)
      invalid(
          node, attribute,
          fmt::format("is {}, outside [{}, {}) for a tensor of rank {}", axis, -rank, rank, rank));
  }

  void check_window(const onnx::NodeProto &node, const ir::shape_t &input,
                    const std::array<std::int64_t, 2> &kernel,
                    const std::array<std::int64_t, 2> &dilations,
                    const std::array<std::int64_t, 4> &pads) const {
    for (std::size_t i = 0; i < 2; ++i) {
      // (kernel - 1) * dilation + 1 and the padded extent, in 128 bits: both come from the model.
      const auto span = static_cast<__int128>(kernel[i] - 1) * dilations[i] + 1;
      const auto padded = static_cast<__int128>(input[2 + i]) + pads[i] + pads[i + 2];
      if (span > padded)
        invalid(node, "kernel_shape",
                fmt::format("{}x{} (dilations {}x{}) is larger than the padded input {}x{}",
                            kernel[0], kernel[1], dilations[0], dilations[1],
                            input[2] + pads[0] + pads[2], input[3] + pads[1] + pads[3]));
    }
  }

  /// The output shape the model gives a window op (inferred, or stored in the file where libonnx
  /// does not know the opset) against the one the library computes from the attributes
  /// (onnx2hpp::pool_output_extent): a header built on a different shape would not compile.
  void check_window_output(const onnx::NodeProto &node, const ir::op &o, const ir::shape_t &x,
                           std::int64_t channels, const std::array<std::int64_t, 2> &kernel,
                           const std::array<std::int64_t, 2> &strides,
                           const std::array<std::int64_t, 2> &dilations,
                           const std::array<std::int64_t, 4> &pads, bool ceil_mode) {
    const auto &y = graph_.at(o.output());
    if (!y.shape_known)
      return;
    ir::shape_t expected{x[0], channels, 0, 0};
    for (std::size_t i = 0; i < 2; ++i) {
      auto u = [](std::int64_t v) { return static_cast<std::size_t>(v); };
      expected[2 + i] = static_cast<std::int64_t>(
          onnx2hpp::pool_output_extent(u(x[2 + i]), u(pads[i]), u(pads[i + 2]), u(kernel[i]),
                                       u(strides[i]), u(dilations[i]), ceil_mode));
    }
    if (y.shape != expected)
      unsupported(node, fmt::format("its output '{}' has shape {}, but its input {} and "
                                    "attributes give {}",
                                    y.name, ir::to_string(y.shape), ir::to_string(x),
                                    ir::to_string(expected)));
  }

  /// What the passes and the library take for granted about a node's attributes, checked against
  /// its input shapes: ONNX's checker does not look at values, and libonnx's shape inference not
  /// at all of them.
  void check_attributes(const onnx::NodeProto &node, const ir::op &o) {
    switch (o.kind) {
    case op_kind::conv:
    case op_kind::conv_integer:
    case op_kind::qlinear_conv: {
      const auto &a = o.get<ir::conv_attrs>();
      const auto &x = input_tensor(node, 0);
      const auto &w = input_tensor(node, o.kind == op_kind::qlinear_conv ? 3 : 1);
      if (w.shape.size() != 4)
        unsupported(node, fmt::format("its weights have shape {}; only 2-D convolutions "
                                      "(4-D weights) are supported",
                                      ir::to_string(w.shape)));
      if (a.kernel[0] != w.shape[2] || a.kernel[1] != w.shape[3])
        invalid(node, "kernel_shape",
                fmt::format("is {}x{}, but the weights {} have a {}x{} kernel", a.kernel[0],
                            a.kernel[1], ir::to_string(w.shape), w.shape[2], w.shape[3]));
      if (x.shape[1] % a.group != 0 || x.shape[1] / a.group != w.shape[1] ||
          w.shape[0] % a.group != 0)
        invalid(node, "group",
                fmt::format("is {}, but the input has {} channels and the weights {}: ONNX needs "
                            "input channels = group x weight dim 1, and output channels (dim 0) "
                            "a multiple of group",
                            a.group, x.shape[1], ir::to_string(w.shape)));
      check_window(node, x.shape, a.kernel, a.dilations, a.pads);
      check_window_output(node, o, x.shape, w.shape[0], a.kernel, a.strides, a.dilations, a.pads,
                          false);
      return;
    }
    case op_kind::max_pool:
    case op_kind::average_pool:
    case op_kind::qlinear_average_pool: {
      const auto &a = o.get<ir::pool_attrs>();
      const auto &x = input_tensor(node, 0);
      check_window(node, x.shape, a.kernel, a.dilations, a.pads);
      check_window_output(node, o, x.shape, x.shape[1], a.kernel, a.strides, a.dilations, a.pads,
                          a.ceil_mode);
      if (a.kernel[0] > (1 << 12) || a.kernel[1] > (1 << 12))
        invalid(node, "kernel_shape",
                fmt::format("is {}x{}; onnx2hpp pools windows of at most 4096x4096", a.kernel[0],
                            a.kernel[1]));
      return;
    }
    case op_kind::transpose: {
      const auto &perm = o.get<ir::perm_attrs>().perm;
      auto rank = rank_of(node, 0);
      if (!rank)
        return;
      if (!ir::is_permutation(perm, static_cast<std::size_t>(*rank)))
        invalid(node, "perm",
                fmt::format("is [{}], not a permutation of the {} axes of its input",
                            fmt::join(perm, ","), *rank));
      return;
    }
    case op_kind::concat:
    case op_kind::softmax:
    case op_kind::gather:
      if (auto rank = rank_of(node, 0))
        check_axis(node, "axis", o.get<ir::axis_attrs>().axis, *rank);
      return;
    case op_kind::qlinear_concat:
      if (auto rank = rank_of(node, 2))
        check_axis(node, "axis", o.get<ir::axis_attrs>().axis, *rank);
      return;
    case op_kind::flatten:
      if (auto rank = rank_of(node, 0))
        check_axis(node, "axis", o.get<ir::axis_attrs>().axis, *rank + 1);
      return;
    // QuantizeLinear/DequantizeLinear: ONNX ignores the axis of per-tensor parameters; a
    // per-channel axis is checked where the parameters are read (passes/quant_params).
    case op_kind::squeeze:
    case op_kind::unsqueeze:
    case op_kind::reduce_mean:
      if (const auto *a = std::get_if<ir::axes_attrs>(&o.attrs))
        if (auto rank = rank_of(node, 0))
          for (auto axis : a->axes)
            check_axis(node, "axes", axis,
                       *rank + (o.kind == op_kind::unsqueeze
                                    ? static_cast<std::int64_t>(a->axes.size())
                                    : 0));
      return;
    case op_kind::pad: {
      const auto &pads = o.get<ir::pad_attrs>().pads;
      if (auto rank = rank_of(node, 0);
          rank && !pads.empty() && static_cast<std::int64_t>(pads.size()) != 2 * *rank)
        invalid(node, "pads",
                fmt::format("has {} values; a tensor of rank {} needs {}", pads.size(), *rank,
                            2 * *rank));
      return;
    }
    default:
      return;
    }
  }

  /// Constant: the value moves onto the output tensor; the op stays until fold_constants.
  void set_constant_value(const onnx::NodeProto &node, ir::tensor &out) {
    auto where = fmt::format("the value of node '{}' (Constant) in '{}'", node.name(), path());
    if (const auto *a = find_attribute(node, "value")) {
      auto name = out.name;
      out = tensor_from_proto(a->t(), where);
      out.name = name;
      return;
    }
    if (const auto *a = find_attribute(node, "value_float")) {
      out.value = ir::constant_data::of(ir::dtype::f32, std::vector<float>{a->f()});
      out.shape = {};
    } else if (const auto *a = find_attribute(node, "value_floats")) {
      std::vector<float> v(a->floats().begin(), a->floats().end());
      out.value = ir::constant_data::of(ir::dtype::f32, v);
      out.shape = {static_cast<std::int64_t>(v.size())};
    } else if (const auto *a = find_attribute(node, "value_int")) {
      out.value = ir::constant_data::of(ir::dtype::i64, std::vector<std::int64_t>{a->i()});
      out.shape = {};
    } else if (const auto *a = find_attribute(node, "value_ints")) {
      std::vector<std::int64_t> v(a->ints().begin(), a->ints().end());
      out.value = ir::constant_data::of(ir::dtype::i64, v);
      out.shape = {static_cast<std::int64_t>(v.size())};
    } else
      unsupported(node, "only tensor, float(s) and int(s) constants are supported");
    out.type = out.value->type();
    out.order = ir::layout::plain;
    out.shape_known = true;
  }

  void add_node(const onnx::NodeProto &node, int index) {
    auto kind = imported_kind(node.domain(), node.op_type());
    if (!kind)
      throw error(failure::internal, fmt::format("node '{}' ({}) slipped past the supported-op "
                                                 "check",
                                                 node.name(), node.op_type()));
    ir::op o;
    o.kind = *kind;
    o.name = node.name().empty() ? fmt::format("{}_{}", node.op_type(), index) : node.name();
    o.onnx_type = node.op_type();
    for (const auto &name : node.input())
      o.inputs.push_back(name.empty() ? ir::no_tensor : lookup(name, node));
    o.attrs = attributes_of(node, o.kind);

    // Only the first output of Dropout (mask), MaxPool (indices) and BatchNormalization (running
    // statistics in training) means something at inference; the others must be unused.
    int outputs = node.output_size();
    if (o.kind == op_kind::identity || o.kind == op_kind::max_pool || o.kind == op_kind::batch_norm)
      outputs = 1;
    for (int i = 0; i < node.output_size(); ++i) {
      const auto &name = node.output(i);
      if (i >= outputs) {
        if (!name.empty() && is_used(name))
          unsupported(node, fmt::format("its output '{}' is used; only the first output of {} "
                                        "is supported",
                                        name, node.op_type()));
        continue;
      }
      if (name.empty())
        unsupported(node, "an unnamed output");
      auto id = declare(name);
      o.outputs.push_back(id);
      if (o.kind == op_kind::constant)
        set_constant_value(node, graph_.at(id));
    }
    if (o.outputs.empty()) // every supported op has one (arity is unchecked for newer opsets)
      unsupported(node, "it has no output");
    check_attributes(node, o); // with the output shapes declared
    graph_.ops.push_back(std::move(o));
  }

  bool is_used(const std::string &name) const {
    const auto &g = model_.proto.graph();
    for (const auto &n : g.node())
      for (const auto &in : n.input())
        if (in == name)
          return true;
    for (const auto &out : g.output())
      if (out.name() == name)
        return true;
    return false;
  }

  const loaded_model &model_;
  ir::graph graph_;
  std::int64_t opset_ = 0;
  std::unordered_map<std::string, ir::tensor_id> by_name_;
  std::unordered_map<std::string, const onnx::TypeProto *> types_;
};

} // namespace

ir::graph to_ir(const loaded_model &model) {
  return graph_builder(model).build();
}

ir::graph import_model(const std::filesystem::path &path, const load_options &options) {
  return to_ir(load_model(path, options));
}

} // namespace onnx2hpp::codegen::importer
