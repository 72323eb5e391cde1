// to_nhwc: 4-D activations move from ONNX's NCHW to the library's NHWC.
//
// Every tensor marked NCHW gets its shape permuted to [N,H,W,C] and is marked NHWC. Ops whose
// meaning is independent of the layout (conv, pools and point-wise ops: their attributes name H
// and W explicitly) stay; ops with axis attributes have the axes renumbered; a Transpose composes
// its permutation with the layout change. Everything else that reads or writes a 4-D tensor, a
// Reshape/Flatten above all, still sees ONNX element order: a transpose back to NCHW is inserted
// in front of it and one to NHWC after it — or a plain reshape, where only dimensions of size 1
// move and both orders agree. Inserted NCHW tensors are `plain` (row-major in their shape), so the
// pass is idempotent. A channel shuffle (Reshape to 5-D, Transpose, Reshape back) becomes a
// transpose of each pixel's channels (see `channel_shuffle`).

#include "diagnostics/error.hpp"
#include "ir/op_traits.hpp"
#include "ir/transpose.hpp"
#include "passes/passes.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace onnx2hpp::codegen::passes {

namespace {

using ir::op_kind;

/// Where NCHW axis `a` (in [-4, 4): the importer checked it) lives in NHWC.
std::int64_t nhwc_axis(std::int64_t a) {
  constexpr std::array<std::int64_t, 4> position{0, 3, 1, 2};
  if (a < -4 || a >= 4)
    throw error(failure::internal, fmt::format("to_nhwc: axis {} of a 4-D tensor", a));
  return position[static_cast<std::size_t>(a < 0 ? a + 4 : a)];
}

template <class T>
std::vector<T> reorder(const std::vector<T> &nchw) {
  return {nchw[0], nchw[2], nchw[3], nchw[1]};
}

class layout_changer {
public:
  explicit layout_changer(ir::graph &g) : g_(g), changed_(g.tensors.size(), false) {}

  void run() {
    for (std::size_t t = 0; t < g_.tensors.size(); ++t) {
      auto &tensor = g_.tensors[t];
      if (tensor.order != ir::layout::nchw || tensor.shape.size() != 4 || tensor.is_constant())
        continue;
      tensor.shape = ir::permute(tensor.shape, ir::nchw_to_nhwc);
      tensor.order = ir::layout::nhwc;
      if (tensor.quant && tensor.quant->axis)
        tensor.quant->axis = static_cast<int>(nhwc_axis(*tensor.quant->axis));
      changed_[t] = true;
    }
    std::vector<bool> keep(g_.ops.size(), false);
    for (std::size_t i = 0; i < g_.ops.size(); ++i)
      channel_shuffle(i, keep);
    std::vector<ir::op> ops = std::move(g_.ops);
    g_.ops.clear();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (keep[i])
        g_.ops.push_back(std::move(ops[i]));
      else
        rewrite(std::move(ops[i]));
    }
  }

private:
  /// A channel shuffle (ShuffleNet): Reshape [N,C,H,W] -> [N,g,C/g,H,W], Transpose (0,2,1,3,4),
  /// Reshape -> [N,C,H,W]. In NHWC the channels of each pixel are a [g, C/g] matrix to transpose,
  /// so the three ops stay as they are with new middle shapes: reshape NHWC -> [N·H·W, g, C/g]
  /// (element order unchanged), transpose (0,2,1), reshape -> NHWC [N,H,W,C]. One data movement
  /// instead of the four transposes that wrapping the 5-D reshapes would cost. The two middle
  /// tensors no longer hold ONNX's 5-D element order, so they are renamed "<name>:nhwc" (what the
  /// generator made, not compared with onnxruntime's tensor of that name). `keep` marks the ops.
  void channel_shuffle(std::size_t first, std::vector<bool> &keep) {
    const auto &r1 = g_.ops[first];
    if (r1.kind != op_kind::reshape || !changed(r1.input(0)) || changed(r1.output()))
      return;
    const auto split = g_.at(r1.output()).shape; // [N, g, C/g, H, W]
    const auto &in = g_.at(r1.input(0));         // NHWC [N, H, W, C]
    if (split.size() != 5 || in.shape[0] != split[0] || in.shape[1] != split[3] ||
        in.shape[2] != split[4] || in.shape[3] != split[1] * split[2])
      return;
    auto readers = g_.consumers(r1.output());
    if (readers.size() != 1 || !g_.only_read_by(r1.output(), readers[0]))
      return;
    const std::size_t t = readers[0];
    const auto &tr = g_.ops[t];
    if (tr.kind != op_kind::transpose ||
        tr.get<ir::perm_attrs>().perm != std::vector<std::int64_t>{0, 2, 1, 3, 4})
      return;
    readers = g_.consumers(tr.output());
    if (readers.size() != 1 || !g_.only_read_by(tr.output(), readers[0]))
      return;
    const std::size_t last = readers[0];
    const auto &r2 = g_.ops[last];
    if (r2.kind != op_kind::reshape || !changed(r2.output()) ||
        g_.at(r2.output()).shape != in.shape)
      return;
    for (auto id : {r1.input(0), r1.output(), tr.output(), r2.output()})
      if (g_.at(id).quant && g_.at(id).quant->axis)
        return;
    const std::int64_t pixels = in.shape[0] * in.shape[1] * in.shape[2];
    auto &mid1 = g_.at(r1.output());
    mid1.shape = {pixels, split[1], split[2]};
    mid1.name += ":nhwc";
    auto &mid2 = g_.at(tr.output());
    mid2.shape = {pixels, split[2], split[1]};
    mid2.name += ":nhwc";
    g_.ops[t].get<ir::perm_attrs>().perm = {0, 2, 1};
    keep[first] = keep[t] = keep[last] = true;
  }

  bool changed(ir::tensor_id id) const {
    return id != ir::no_tensor && id < changed_.size() && changed_[id];
  }
  bool touches_changed(const ir::op &o) const {
    return std::any_of(o.inputs.begin(), o.inputs.end(), [&](auto t) { return changed(t); }) ||
           std::any_of(o.outputs.begin(), o.outputs.end(), [&](auto t) { return changed(t); });
  }

  void rewrite(ir::op o) {
    if (!touches_changed(o)) {
      g_.ops.push_back(std::move(o));
      return;
    }
    switch (ir::traits(o.kind).layout) {
    case ir::layout_rule::any:
      break;
    case ir::layout_rule::axis:
      o.get<ir::axis_attrs>().axis = nhwc_axis(o.get<ir::axis_attrs>().axis);
      break;
    case ir::layout_rule::axes:
      for (auto &a : o.get<ir::slice_attrs>().axes)
        a = nhwc_axis(a);
      break;
    case ir::layout_rule::pads: {
      auto &pads = o.get<ir::pad_attrs>().pads;
      std::vector<std::int64_t> begins(pads.begin(), pads.begin() + 4),
          ends(pads.begin() + 4, pads.end());
      auto b = reorder(begins), e = reorder(ends);
      pads = b;
      pads.insert(pads.end(), e.begin(), e.end());
      break;
    }
    case ir::layout_rule::scales:
      o.get<ir::resize_attrs>().scales = reorder(o.get<ir::resize_attrs>().scales);
      break;
    case ir::layout_rule::perm: {
      // out_nhwc = T(out_nchw, P) = T(T(T(in_nhwc, Q), p), P): perm[i] = Q[p[P[i]]].
      const auto &p = o.get<ir::perm_attrs>().perm;
      std::vector<std::int64_t> perm(4);
      for (std::size_t i = 0; i < 4; ++i)
        perm[i] = ir::nhwc_to_nchw[static_cast<std::size_t>(
            p[static_cast<std::size_t>(ir::nchw_to_nhwc[i])])];
      o.get<ir::perm_attrs>().perm = perm;
      break;
    }
    case ir::layout_rule::broadcast:
      if (broadcast_constants_to_nhwc(o))
        break;
      wrap(std::move(o));
      return;
    case ir::layout_rule::wrap:
      wrap(std::move(o));
      return;
    }
    g_.ops.push_back(std::move(o));
  }

  /// Constant operands of an element-wise op with a 4-D NHWC operand are aligned to rank 4 and
  /// permuted. False if some other operand is not 4-D NHWC (then the op is wrapped instead).
  bool broadcast_constants_to_nhwc(ir::op &o) {
    for (auto &id : o.inputs) {
      const auto &t = g_.at(id);
      if (changed(id))
        continue;
      if (!t.is_constant() || t.shape.size() > 4)
        return false;
      auto aligned = t;
      aligned.shape.insert(aligned.shape.begin(), 4 - t.shape.size(), 1);
      aligned.value = ir::transpose(*t.value, aligned.shape, ir::nchw_to_nhwc);
      aligned.shape = ir::permute(aligned.shape, ir::nchw_to_nhwc);
      if (aligned.quant && aligned.quant->axis)
        aligned.quant->axis = static_cast<int>(
            nhwc_axis(*aligned.quant->axis + 4 - static_cast<int>(t.shape.size())));
      aligned.name += ":nhwc";
      id = g_.add_tensor(std::move(aligned));
    }
    return true;
  }

  /// A copy of 4-D tensor `id` in NCHW order (or NHWC order when `to_nhwc`), as a new tensor and
  /// the op producing it: a transpose, or a reshape where the element order does not change.
  ir::op relayout(ir::tensor_id from, ir::tensor_id to, bool to_nhwc, const std::string &name) {
    const auto &perm = to_nhwc ? ir::nchw_to_nhwc : ir::nhwc_to_nchw;
    ir::op t;
    t.name = name;
    t.onnx_type = "Transpose";
    t.inputs = {from};
    t.outputs = {to};
    if (ir::keeps_element_order(g_.at(from).shape, perm))
      t.kind = op_kind::reshape;
    else {
      t.kind = op_kind::transpose;
      t.attrs = ir::perm_attrs{perm};
    }
    return t;
  }

  ir::tensor_id nchw_twin(ir::tensor_id id, const std::string &suffix) {
    auto twin = g_.at(id);
    twin.name += suffix;
    twin.shape = ir::permute(twin.shape, ir::nhwc_to_nchw);
    twin.order = ir::layout::plain;
    if (twin.quant && twin.quant->axis)
      twin.quant->axis =
          static_cast<int>(ir::nhwc_to_nchw[static_cast<std::size_t>(*twin.quant->axis)]);
    return g_.add_tensor(std::move(twin));
  }

  /// `o` keeps ONNX semantics on NCHW tensors: changed inputs are relaid to NCHW in front of it,
  /// changed outputs are written in NCHW and relaid to NHWC after it. A reshape whose element
  /// order is unaffected needs nothing on that side.
  void wrap(ir::op o) {
    bool reshape = o.kind == op_kind::reshape;
    for (auto &id : o.inputs) {
      if (!changed(id))
        continue;
      if (reshape && ir::keeps_element_order(g_.at(id).shape, ir::nhwc_to_nchw))
        continue;
      auto nchw = nchw_twin(id, ":nchw");
      g_.ops.push_back(relayout(id, nchw, false, fmt::format("{}:to_nchw", o.name)));
      id = nchw;
    }
    std::vector<ir::op> after;
    for (auto &id : o.outputs) {
      if (!changed(id))
        continue;
      if (reshape &&
          ir::keeps_element_order(ir::permute(g_.at(id).shape, ir::nhwc_to_nchw), ir::nchw_to_nhwc))
        continue;
      auto nchw = nchw_twin(id, ":nchw");
      after.push_back(relayout(nchw, id, true, fmt::format("{}:to_nhwc", o.name)));
      id = nchw;
    }
    g_.ops.push_back(std::move(o));
    for (auto &a : after)
      g_.ops.push_back(std::move(a));
  }

  ir::graph &g_;
  std::vector<bool> changed_;
};

} // namespace

ir::graph to_nhwc(ir::graph g) {
  layout_changer(g).run();
  g.sweep();
  return g;
}

} // namespace onnx2hpp::codegen::passes
