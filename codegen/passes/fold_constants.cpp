// fold_constants: evaluate ops whose operands are constants; static reshapes of activations.

#include "diagnostics/error.hpp"
#include "ir/transpose.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <optional>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

std::int64_t normalise_axis(std::int64_t axis, std::size_t rank) {
  return axis < 0 ? axis + static_cast<std::int64_t>(rank) : axis;
}

/// ir::constant_data from computed values in the output's element type.
ir::constant_data make_data(ir::dtype type, const std::vector<double> &reals,
                            const std::vector<std::int64_t> &ints) {
  return ir::is_float(type) ? ir::constant_data::of(type, reals)
                            : ir::constant_data::of(type, ints);
}

class folder {
public:
  explicit folder(ir::graph &g) : g_(g) {}

  void run() {
    for (std::size_t i = 0; i < g_.ops.size(); ++i) {
      auto &o = g_.ops[i];
      if (o.kind == op_kind::constant) {
        g_.remove(i);
        continue;
      }
      if (o.outputs.size() != 1)
        continue;
      auto &out = g_.at(o.output());
      if (auto value = evaluate(o, out)) {
        out.value = std::move(*value);
        out.type = out.value->type();
        out.order = ir::layout::plain;
        out.shape_known = true;
        g_.remove(i);
      } else if (is_reshape_like(o.kind)) {
        make_static_reshape(o);
      }
    }
    g_.sweep();
  }

private:
  static bool is_reshape_like(op_kind k) {
    return k == op_kind::reshape || k == op_kind::flatten || k == op_kind::squeeze ||
           k == op_kind::unsqueeze;
  }

  bool constant(ir::tensor_id id) const { return id == ir::no_tensor || g_.at(id).is_constant(); }
  bool all_inputs_constant(const ir::op &o) const {
    for (auto id : o.inputs)
      if (!constant(id))
        return false;
    return true;
  }
  const ir::constant_data &data(ir::tensor_id id) const { return *g_.at(id).value; }

  /// Axes of Squeeze/Unsqueeze: the attribute (opset < 13) or the constant second input.
  std::optional<std::vector<std::int64_t>> axes_of(const ir::op &o) const {
    if (std::holds_alternative<ir::axes_attrs>(o.attrs))
      return o.get<ir::axes_attrs>().axes;
    if (o.input(1) == ir::no_tensor)
      return std::vector<std::int64_t>{};
    if (!constant(o.input(1)))
      return std::nullopt;
    return data(o.input(1)).ints();
  }

  /// The output shape of a Reshape/Flatten/Squeeze/Unsqueeze of a tensor of `in`.
  std::optional<ir::shape_t> reshaped(const ir::op &o, const ir::shape_t &in) const {
    switch (o.kind) {
    case op_kind::reshape: {
      if (!constant(o.input(1)) || o.input(1) == ir::no_tensor)
        return std::nullopt;
      auto dims = data(o.input(1)).ints();
      std::int64_t known = 1;
      int unknown = -1;
      for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == 0 && i < in.size())
          dims[i] = in[i]; // ONNX: 0 copies the input dimension (allowzero = 0)
        if (dims[i] == -1)
          unknown = static_cast<int>(i);
        else
          known *= dims[i];
      }
      if (unknown >= 0)
        dims[static_cast<std::size_t>(unknown)] = known == 0 ? 0 : ir::element_count(in) / known;
      return dims;
    }
    case op_kind::flatten: {
      auto axis = normalise_axis(o.get<ir::axis_attrs>().axis, in.size());
      std::int64_t outer = 1, inner = 1;
      for (std::size_t i = 0; i < in.size(); ++i)
        (static_cast<std::int64_t>(i) < axis ? outer : inner) *= in[i];
      return ir::shape_t{outer, inner};
    }
    case op_kind::squeeze: {
      auto axes = axes_of(o);
      if (!axes)
        return std::nullopt;
      for (auto &a : *axes)
        a = normalise_axis(a, in.size());
      ir::shape_t out;
      for (std::size_t i = 0; i < in.size(); ++i) {
        bool listed =
            std::find(axes->begin(), axes->end(), static_cast<std::int64_t>(i)) != axes->end();
        if (!(axes->empty() ? in[i] == 1 : listed))
          out.push_back(in[i]);
      }
      return out;
    }
    case op_kind::unsqueeze: {
      auto axes = axes_of(o);
      if (!axes)
        return std::nullopt;
      auto rank = in.size() + axes->size();
      for (auto &a : *axes)
        a = normalise_axis(a, rank);
      ir::shape_t out;
      std::size_t next = 0;
      for (std::size_t i = 0; i < rank; ++i) {
        bool inserted =
            std::find(axes->begin(), axes->end(), static_cast<std::int64_t>(i)) != axes->end();
        out.push_back(inserted ? 1 : in[next++]);
      }
      return out;
    }
    default:
      return std::nullopt;
    }
  }

  /// A Reshape-like op of an activation: keep only the data operand, the target shape lives on the
  /// output tensor.
  void make_static_reshape(ir::op &o) {
    const auto &in = g_.at(o.input(0));
    auto &out = g_.at(o.output());
    if (!out.shape_known && in.shape_known)
      if (auto shape = reshaped(o, in.shape)) {
        out.shape = *shape;
        out.shape_known = true;
      }
    if (!out.shape_known)
      throw error(failure::unsupported_model,
                  fmt::format("{}: its output shape depends on values computed at run time; "
                              "onnx2hpp needs static shapes",
                              where(g_, o)));
    if (o.kind == op_kind::reshape && !constant(o.input(1)))
      return; // the shape operand is still computed; the output shape is known anyway
    o.kind = op_kind::reshape;
    o.inputs.resize(1);
    o.attrs = std::monostate{};
  }

  std::optional<ir::constant_data> evaluate(const ir::op &o, ir::tensor &out) {
    switch (o.kind) {
    case op_kind::shape: {
      const auto &in = g_.at(o.input(0));
      if (!in.shape_known)
        return std::nullopt;
      out.shape = {static_cast<std::int64_t>(in.shape.size())};
      return ir::constant_data::of(ir::dtype::i64, in.shape);
    }
    case op_kind::constant_of_shape: {
      if (!all_inputs_constant(o))
        return std::nullopt;
      out.shape = data(o.input(0)).ints();
      const auto &fill = o.get<ir::fill_attrs>().value;
      std::vector<std::uint8_t> bytes;
      for (std::int64_t n = 0; n < ir::element_count(out.shape); ++n)
        bytes.insert(bytes.end(), fill.bytes().begin(), fill.bytes().end());
      return ir::constant_data(fill.type(), std::move(bytes));
    }
    default:
      break;
    }
    if (o.inputs.empty() || !all_inputs_constant(o))
      return std::nullopt;
    const auto &in = g_.at(o.input(0));
    switch (o.kind) {
    case op_kind::identity:
      out.shape = in.shape;
      return *in.value;
    case op_kind::cast: {
      auto to = o.get<ir::cast_attrs>().to;
      out.shape = in.shape;
      if (ir::is_float(to))
        return ir::constant_data::of(to, in.value->reals());
      return ir::constant_data::of(to, in.value->ints());
    }
    case op_kind::reshape:
    case op_kind::flatten:
    case op_kind::squeeze:
    case op_kind::unsqueeze: {
      auto shape = reshaped(o, in.shape);
      if (!shape)
        return std::nullopt;
      out.shape = *shape;
      return *in.value;
    }
    case op_kind::transpose:
      out.shape = ir::permute(in.shape, o.get<ir::perm_attrs>().perm);
      return ir::transpose(*in.value, in.shape, o.get<ir::perm_attrs>().perm);
    case op_kind::gather:
      return gather(o, out);
    case op_kind::concat:
      return concat(o, out);
    case op_kind::slice:
      return slice(o, out);
    case op_kind::add:
    case op_kind::sub:
    case op_kind::mul:
    case op_kind::div:
      return arithmetic(o, out);
    default:
      return std::nullopt;
    }
  }

  std::optional<ir::constant_data> gather(const ir::op &o, ir::tensor &out) {
    const auto &in = g_.at(o.input(0));
    const auto &idx = g_.at(o.input(1));
    auto axis =
        static_cast<std::size_t>(normalise_axis(o.get<ir::axis_attrs>().axis, in.shape.size()));
    std::int64_t outer = 1, inner = 1;
    for (std::size_t i = 0; i < axis; ++i)
      outer *= in.shape[i];
    for (std::size_t i = axis + 1; i < in.shape.size(); ++i)
      inner *= in.shape[i];
    out.shape.assign(in.shape.begin(), in.shape.begin() + static_cast<std::ptrdiff_t>(axis));
    out.shape.insert(out.shape.end(), idx.shape.begin(), idx.shape.end());
    out.shape.insert(out.shape.end(), in.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1,
                     in.shape.end());
    auto element = ir::size_of(in.type);
    auto indices = idx.value->ints();
    std::vector<std::uint8_t> bytes;
    const auto &src = in.value->bytes();
    for (std::int64_t o_ = 0; o_ < outer; ++o_)
      for (auto k : indices) {
        if (k < 0)
          k += in.shape[axis];
        auto begin = static_cast<std::size_t>(((o_ * in.shape[axis] + k) * inner)) * element;
        bytes.insert(bytes.end(), src.begin() + static_cast<std::ptrdiff_t>(begin),
                     src.begin() + static_cast<std::ptrdiff_t>(begin + inner * element));
      }
    return ir::constant_data(in.type, std::move(bytes));
  }

  std::optional<ir::constant_data> concat(const ir::op &o, ir::tensor &out) {
    const auto &first = g_.at(o.input(0));
    auto axis =
        static_cast<std::size_t>(normalise_axis(o.get<ir::axis_attrs>().axis, first.shape.size()));
    std::int64_t outer = 1;
    for (std::size_t i = 0; i < axis; ++i)
      outer *= first.shape[i];
    out.shape = first.shape;
    out.shape[axis] = 0;
    for (auto id : o.inputs)
      out.shape[axis] += g_.at(id).shape[axis];
    std::vector<std::uint8_t> bytes;
    for (std::int64_t n = 0; n < outer; ++n)
      for (auto id : o.inputs) {
        const auto &src = g_.at(id).value->bytes();
        auto chunk = src.size() / static_cast<std::size_t>(outer);
        bytes.insert(bytes.end(), src.begin() + static_cast<std::ptrdiff_t>(n * chunk),
                     src.begin() + static_cast<std::ptrdiff_t>((n + 1) * chunk));
      }
    return ir::constant_data(first.type, std::move(bytes));
  }

  std::optional<ir::constant_data> slice(const ir::op &o, ir::tensor &out) {
    const auto &in = g_.at(o.input(0));
    ir::slice_attrs s;
    if (std::holds_alternative<ir::slice_attrs>(o.attrs))
      s = o.get<ir::slice_attrs>();
    else {
      s.starts = data(o.input(1)).ints();
      s.ends = data(o.input(2)).ints();
      if (o.input(3) != ir::no_tensor)
        s.axes = data(o.input(3)).ints();
      if (o.input(4) != ir::no_tensor)
        s.steps = data(o.input(4)).ints();
    }
    auto rank = in.shape.size();
    std::vector<std::int64_t> start(rank, 0), step(rank, 1);
    out.shape = in.shape;
    for (std::size_t i = 0; i < s.starts.size(); ++i) {
      auto axis = static_cast<std::size_t>(s.axes.empty() ? static_cast<std::int64_t>(i)
                                                          : normalise_axis(s.axes[i], rank));
      auto dim = in.shape[axis];
      auto st = s.steps.empty() ? 1 : s.steps[i];
      auto clamp = [&](std::int64_t v, std::int64_t lo, std::int64_t hi) {
        if (v < 0)
          v += dim;
        return std::clamp(v, lo, hi);
      };
      auto b = st > 0 ? clamp(s.starts[i], 0, dim) : clamp(s.starts[i], -1, dim - 1);
      auto e = st > 0 ? clamp(s.ends[i], 0, dim) : clamp(s.ends[i], -1, dim - 1);
      auto count = st > 0 ? (e - b + st - 1) / st : (b - e - st - 1) / -st;
      start[axis] = b;
      step[axis] = st;
      out.shape[axis] = std::max<std::int64_t>(0, count);
    }
    auto strides = ir::strides_of(in.shape);
    auto element = ir::size_of(in.type);
    std::vector<std::uint8_t> bytes;
    std::vector<std::int64_t> index(rank, 0);
    for (std::int64_t n = 0; n < ir::element_count(out.shape); ++n) {
      std::int64_t source = 0;
      for (std::size_t d = 0; d < rank; ++d)
        source += (start[d] + index[d] * step[d]) * strides[d];
      const auto *p = in.value->bytes().data() + source * static_cast<std::int64_t>(element);
      bytes.insert(bytes.end(), p, p + element);
      for (std::size_t d = rank; d-- > 0;)
        if (++index[d] < out.shape[d])
          break;
        else
          index[d] = 0;
    }
    return ir::constant_data(in.type, std::move(bytes));
  }

  /// Add/Sub/Mul/Div with numpy broadcasting, in int64 for integers and double for floats.
  std::optional<ir::constant_data> arithmetic(const ir::op &o, ir::tensor &out) {
    const auto &a = g_.at(o.input(0));
    const auto &b = g_.at(o.input(1));
    auto rank = std::max(a.shape.size(), b.shape.size());
    auto aligned = [&](const ir::shape_t &s) {
      ir::shape_t r(rank - s.size(), 1);
      r.insert(r.end(), s.begin(), s.end());
      return r;
    };
    auto as = aligned(a.shape), bs = aligned(b.shape);
    out.shape.assign(rank, 1);
    for (std::size_t d = 0; d < rank; ++d) {
      if (as[d] != bs[d] && as[d] != 1 && bs[d] != 1)
        return std::nullopt;
      out.shape[d] = std::max(as[d], bs[d]);
    }
    auto a_strides = ir::strides_of(as), b_strides = ir::strides_of(bs);
    auto count = ir::element_count(out.shape);
    std::vector<double> reals;
    std::vector<std::int64_t> ints;
    bool floating = ir::is_float(a.type);
    std::vector<std::int64_t> index(rank, 0);
    for (std::int64_t n = 0; n < count; ++n) {
      std::size_t ia = 0, ib = 0;
      for (std::size_t d = 0; d < rank; ++d) {
        ia += static_cast<std::size_t>((as[d] == 1 ? 0 : index[d]) * a_strides[d]);
        ib += static_cast<std::size_t>((bs[d] == 1 ? 0 : index[d]) * b_strides[d]);
      }
      if (floating) {
        double x = a.value->real_at(ia), y = b.value->real_at(ib);
        reals.push_back(o.kind == op_kind::add   ? x + y
                        : o.kind == op_kind::sub ? x - y
                        : o.kind == op_kind::mul ? x * y
                                                 : x / y);
      } else {
        std::int64_t x = a.value->int_at(ia), y = b.value->int_at(ib);
        if (o.kind == op_kind::div && y == 0)
          return std::nullopt;
        ints.push_back(o.kind == op_kind::add   ? x + y
                       : o.kind == op_kind::sub ? x - y
                       : o.kind == op_kind::mul ? x * y
                                                : x / y);
      }
      for (std::size_t d = rank; d-- > 0;)
        if (++index[d] < out.shape[d])
          break;
        else
          index[d] = 0;
    }
    return make_data(a.type, reals, ints);
  }

  ir::graph &g_;
};

} // namespace

ir::graph fold_constants(ir::graph g) {
  folder(g).run();
  return g;
}

} // namespace onnx2hpp::codegen::passes
