// fold_constants: evaluate ops whose operands are constants; static reshapes of activations.

#include "diagnostics/error.hpp"
#include "ir/transpose.hpp"
#include "passes/passes.hpp"
#include "passes/quant_params.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <optional>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

[[noreturn]] void invalid(const ir::graph &g, const ir::op &o, const std::string &why) {
  throw error(failure::unreadable_model, fmt::format("{}: {}", where(g, o), why));
}

/// `axis` of a tensor of rank `rank` as an index in [0, rank); anything else is an invalid model.
std::int64_t normalise_axis(const ir::graph &g, const ir::op &o, std::int64_t axis,
                            std::size_t rank) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r)
    invalid(g, o,
            fmt::format("axis {} is outside [{}, {}) for a tensor of rank {}", axis, -r, r, r));
  return axis < 0 ? axis + r : axis;
}

/// The element count of a folded constant's shape, within the bound of ir::max_constant_bytes.
std::int64_t constant_elements(const ir::graph &g, const ir::op &o, const ir::shape_t &shape,
                               ir::dtype type) {
  auto count = ir::checked_element_count(shape);
  if (!count || *count * static_cast<std::int64_t>(ir::size_of(type)) > ir::max_constant_bytes)
    throw error(failure::unsupported_model,
                fmt::format("{}: its constant result has shape {}, more than the {} bytes "
                            "onnx2hpp computes for one constant",
                            where(g, o), ir::to_string(shape), ir::max_constant_bytes));
  return *count;
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
      int unknown = -1;
      for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == 0 && i < in.size())
          dims[i] = in[i]; // ONNX: 0 copies the input dimension (allowzero = 0)
        if (dims[i] < -1 || (dims[i] == -1 && unknown >= 0))
          invalid(g_, o,
                  fmt::format("the target shape [{}] is not a shape: dimensions are >= 0, "
                              "with at most one -1",
                              fmt::join(data(o.input(1)).ints(), ",")));
        if (dims[i] == -1)
          unknown = static_cast<int>(i);
      }
      auto total = ir::checked_element_count(in);
      if (unknown >= 0) {
        auto rest = dims;
        rest[static_cast<std::size_t>(unknown)] = 1;
        auto known = ir::checked_element_count(rest);
        if (total && known && *known > 0 && *total % *known == 0)
          dims[static_cast<std::size_t>(unknown)] = *total / *known;
        else
          invalid(g_, o,
                  fmt::format("no -1 makes the target shape [{}] hold the {} elements "
                              "of its input {}",
                              fmt::join(data(o.input(1)).ints(), ","), total.value_or(-1),
                              ir::to_string(in)));
      }
      if (ir::checked_element_count(dims) != total)
        invalid(g_, o,
                fmt::format("it reshapes {} into {}: the element counts differ", ir::to_string(in),
                            ir::to_string(dims)));
      return dims;
    }
    case op_kind::flatten: {
      // Flatten's axis lies in [-rank, rank]: rank puts everything in the outer dimension.
      auto axis = o.get<ir::axis_attrs>().axis;
      const auto rank = static_cast<std::int64_t>(in.size());
      if (axis < -rank || axis > rank)
        invalid(g_, o, fmt::format("axis {} is outside [{}, {}]", axis, -rank, rank));
      if (axis < 0)
        axis += rank;
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
        a = normalise_axis(g_, o, a, in.size());
      ir::shape_t out;
      for (std::size_t i = 0; i < in.size(); ++i) {
        bool listed =
            std::find(axes->begin(), axes->end(), static_cast<std::int64_t>(i)) != axes->end();
        if (listed && in[i] != 1)
          invalid(g_, o,
                  fmt::format("it squeezes axis {} of {}, which is not of size 1", i,
                              ir::to_string(in)));
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
        a = normalise_axis(g_, o, a, rank);
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
    if (in.shape_known &&
        ir::checked_element_count(in.shape) != ir::checked_element_count(out.shape))
      invalid(g_, o,
              fmt::format("it reshapes {} into {}: the element counts differ",
                          ir::to_string(in.shape), ir::to_string(out.shape)));
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
      if (fill.size() != 1)
        invalid(g_, o,
                fmt::format("its value holds {} elements; ONNX wants exactly one", fill.size()));
      const auto count = constant_elements(g_, o, out.shape, fill.type());
      std::vector<std::uint8_t> bytes;
      bytes.reserve(static_cast<std::size_t>(count) * fill.bytes().size());
      for (std::int64_t n = 0; n < count; ++n)
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
      if (!ir::is_permutation(o.get<ir::perm_attrs>().perm, in.shape.size()))
        invalid(g_, o,
                fmt::format("perm [{}] is not a permutation of the {} axes of its input",
                            fmt::join(o.get<ir::perm_attrs>().perm, ","), in.shape.size()));
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
    auto axis = static_cast<std::size_t>(
        normalise_axis(g_, o, o.get<ir::axis_attrs>().axis, in.shape.size()));
    std::int64_t outer = 1, inner = 1;
    for (std::size_t i = 0; i < axis; ++i)
      outer *= in.shape[i];
    for (std::size_t i = axis + 1; i < in.shape.size(); ++i)
      inner *= in.shape[i];
    out.shape.assign(in.shape.begin(), in.shape.begin() + static_cast<std::ptrdiff_t>(axis));
    out.shape.insert(out.shape.end(), idx.shape.begin(), idx.shape.end());
    out.shape.insert(out.shape.end(), in.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1,
                     in.shape.end());
    constant_elements(g_, o, out.shape, in.type);
    auto element = ir::size_of(in.type);
    auto indices = idx.value->ints();
    for (auto k : indices)
      if (k < -in.shape[axis] || k >= in.shape[axis])
        invalid(g_, o,
                fmt::format("index {} is outside [{}, {}) of axis {} of {}", k, -in.shape[axis],
                            in.shape[axis], axis, ir::to_string(in.shape)));
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
    auto axis = static_cast<std::size_t>(
        normalise_axis(g_, o, o.get<ir::axis_attrs>().axis, first.shape.size()));
    for (auto id : o.inputs) {
      const auto &t = g_.at(id);
      bool fits = t.shape.size() == first.shape.size() && t.type == first.type;
      for (std::size_t d = 0; fits && d < t.shape.size(); ++d)
        fits = d == axis || t.shape[d] == first.shape[d];
      if (!fits)
        invalid(g_, o,
                fmt::format("it concatenates {} {} and {} {} along axis {}",
                            ir::name_of(first.type), ir::to_string(first.shape),
                            ir::name_of(t.type), ir::to_string(t.shape), axis));
    }
    std::int64_t outer = 1;
    for (std::size_t i = 0; i < axis; ++i)
      outer *= first.shape[i];
    out.shape = first.shape;
    out.shape[axis] = 0;
    for (auto id : o.inputs)
      out.shape[axis] += g_.at(id).shape[axis];
    constant_elements(g_, o, out.shape, first.type);
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
    if (s.ends.size() != s.starts.size() || (!s.axes.empty() && s.axes.size() != s.starts.size()) ||
        (!s.steps.empty() && s.steps.size() != s.starts.size()) ||
        (s.axes.empty() && s.starts.size() > rank))
      invalid(g_, o,
              fmt::format("its starts, ends, axes and steps have {}, {}, {} and {} values "
                          "(for a tensor of rank {})",
                          s.starts.size(), s.ends.size(), s.axes.size(), s.steps.size(), rank));
    std::vector<std::int64_t> start(rank, 0), step(rank, 1);
    std::vector<bool> sliced(rank, false);
    out.shape = in.shape;
    for (std::size_t i = 0; i < s.starts.size(); ++i) {
      auto axis = static_cast<std::size_t>(s.axes.empty() ? static_cast<std::int64_t>(i)
                                                          : normalise_axis(g_, o, s.axes[i], rank));
      auto dim = in.shape[axis];
      auto st = s.steps.empty() ? 1 : s.steps[i];
      if (st == 0 || sliced[axis])
        invalid(g_, o, st == 0 ? "a step is 0" : fmt::format("axis {} is sliced twice", axis));
      sliced[axis] = true;
      auto clamp = [&](std::int64_t v, std::int64_t lo, std::int64_t hi) {
        if (v < 0)
          v += dim;
        return std::clamp(v, lo, hi);
      };
      auto b = st > 0 ? clamp(s.starts[i], 0, dim) : clamp(s.starts[i], -1, dim - 1);
      auto e = st > 0 ? clamp(s.ends[i], 0, dim) : clamp(s.ends[i], -1, dim - 1);
      // In 128 bits: the step may be anything from INT64_MIN + 1 to INT64_MAX.
      const __int128 wide = st;
      auto count = static_cast<std::int64_t>(st > 0 ? (e - b + wide - 1) / wide
                                                    : (b - e - wide - 1) / -wide);
      start[axis] = b;
      step[axis] = st;
      out.shape[axis] = std::max<std::int64_t>(0, count);
    }
    constant_elements(g_, o, out.shape, in.type);
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
    auto count = constant_elements(g_, o, out.shape, a.type);
    if (a.type != b.type)
      invalid(g_, o,
              fmt::format("it combines {} and {}", ir::name_of(a.type), ir::name_of(b.type)));
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
        // In 128 bits, then checked: shape arithmetic that overflows int64 is no shape.
        const __int128 x = a.value->int_at(ia), y = b.value->int_at(ib);
        if (o.kind == op_kind::div && y == 0)
          return std::nullopt;
        const __int128 r = o.kind == op_kind::add   ? x + y
                           : o.kind == op_kind::sub ? x - y
                           : o.kind == op_kind::mul ? x * y
                                                    : x / y;
        if (r > std::numeric_limits<std::int64_t>::max() ||
            r < std::numeric_limits<std::int64_t>::min())
          invalid(g_, o, "its integer result overflows int64");
        ints.push_back(static_cast<std::int64_t>(r));
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
