#include "report/npu_column.hpp"

#include "diagnostics/error.hpp"
#include "diagnostics/printable.hpp"
#include "ir/op_traits.hpp"

#include <onnx2hpp/backends/npu/check.hpp>
#include <onnx2hpp/backends/npu/describe.hpp>
#include <onnx2hpp/core/activation_lut.hpp>
#include <onnx2hpp/graph/memory_plan.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <variant>

namespace onnx2hpp::codegen::report {

namespace {

using ir::op_kind;

/// Stands for "this stage applies a 256-entry table" in descriptors built for checking only: the
/// checks look at whether a table is there, never into it.
const lut256 placeholder_table{};

/// The arena plan of the generated graph, by the library's plan_memory (a fixed capacity of slots
/// and nodes: it is a constexpr function over std::arrays).
template <std::size_t Capacity>
memory_plan<Capacity> arena_plan(const lower::emitted_graph &s) {
  auto p = std::make_unique<liveness_problem<Capacity, Capacity>>();
  const std::size_t slots = s.slot_bytes.size(), nodes = s.node_ops.size();
  auto index_in = [](const std::vector<std::size_t> &list, std::size_t v) {
    auto it = std::find(list.begin(), list.end(), v);
    return it == list.end() ? no_node : static_cast<std::size_t>(it - list.begin());
  };
  for (std::size_t slot = 0; slot < slots; ++slot) {
    p->bytes[slot] = s.slot_bytes[slot];
    p->producer[slot] = index_in(s.node_output, slot);
    p->last_use[slot] = p->producer[slot];
    p->in_arena[slot] = p->producer[slot] != no_node && index_in(s.output_slots, slot) == no_node;
  }
  for (std::size_t n = 0; n < nodes; ++n) {
    for (std::size_t slot : s.node_inputs[n])
      if (p->last_use[slot] == no_node || p->last_use[slot] < n)
        p->last_use[slot] = n;
    p->output[n] = s.node_output[n];
    p->in_place_input[n] = s.node_in_place[n] ? s.node_inputs[n][0] : no_node;
  }
  // plan_memory walks all Capacity nodes: the unused ones write slot `slots`, which is not in the
  // arena (slots < Capacity), so they add no buffer.
  for (std::size_t n = nodes; n < Capacity; ++n) {
    p->output[n] = slots;
    p->in_place_input[n] = no_node;
  }
  return plan_memory(*p);
}

/// Offsets and arena membership of every slot.
struct arena_layout {
  std::vector<std::size_t> offset;
  std::vector<bool> in_arena;
};

template <std::size_t Capacity>
arena_layout layout_with(const lower::emitted_graph &s) {
  auto plan = std::make_unique<memory_plan<Capacity>>(arena_plan<Capacity>(s));
  arena_layout a;
  for (std::size_t slot = 0; slot < s.slot_bytes.size(); ++slot) {
    a.offset.push_back(plan->offset[slot]);
    a.in_arena.push_back(plan->buffer[slot] != no_node);
  }
  return a;
}

arena_layout arena_offsets(const lower::emitted_graph &s) {
  const std::size_t n = std::max(s.slot_bytes.size(), s.node_ops.size());
  if (n < 64)
    return layout_with<64>(s);
  if (n < 512)
    return layout_with<512>(s);
  if (n < 4096)
    return layout_with<4096>(s);
  throw error(failure::unsupported_model,
              fmt::format("the NPU report handles graphs of up to 4095 nodes; this one has {}",
                          s.node_ops.size()));
}

npu::feature_map feature_map_of(const ir::shape_t &shape) {
  return {static_cast<std::size_t>(shape[0]), static_cast<std::size_t>(shape[1]),
          static_cast<std::size_t>(shape[2]), static_cast<std::size_t>(shape[3])};
}

template <class Attrs>
npu::window2d window_of(const Attrs &a) {
  auto z = [](std::int64_t v) { return static_cast<std::size_t>(v); };
  return {z(a.kernel[0]),    z(a.kernel[1]), z(a.strides[0]), z(a.strides[1]), z(a.dilations[0]),
          z(a.dilations[1]), z(a.pads[0]),   z(a.pads[1]),    z(a.pads[2]),    z(a.pads[3])};
}

/// Extents of `shape` right-aligned to `rank` (leading 1s).
std::array<std::size_t, npu::elementwise_descriptor::max_rank>
aligned_dims(const ir::shape_t &shape, std::size_t rank) {
  std::array<std::size_t, npu::elementwise_descriptor::max_rank> d{};
  for (std::size_t i = 0; i < rank && i < d.size(); ++i)
    d[i] = i < rank - shape.size() ? 1 : static_cast<std::size_t>(shape[i - (rank - shape.size())]);
  return d;
}

using descriptor = std::variant<std::monostate, npu::conv_descriptor, npu::fc_descriptor,
                                npu::pool_descriptor, npu::elementwise_descriptor>;

/// What npu_layer<Layer> says for the layer the header emits for op `i`: the call kind, the
/// precheck and the descriptor's geometry (tables as placeholders).
struct node_layer {
  npu::call_kind kind = npu::call_kind::none;
  npu::reason precheck = npu::reason::unsupported_layer;
  descriptor d;
  std::uint64_t macs = 0; ///< the layer's `macs`
};

node_layer layer_of(const lower::lowered_model &m, std::size_t i, rounding_mode rounding) {
  const auto &g = m.graph;
  const auto &o = g.ops[i];
  const auto &in = g.at(o.input(0));
  const auto &out = g.at(o.output());
  node_layer l;
  auto ready = [&](npu::call_kind kind, descriptor d) {
    l.kind = kind;
    l.precheck = npu::reason::none;
    l.d = d;
  };
  switch (o.kind) {
  case op_kind::conv: {
    const auto &layer = m.layers.at(i);
    auto d = npu::conv_geometry(feature_map_of(in.shape),
                                static_cast<std::size_t>(layer.weight_shape[0]),
                                window_of(o.get<ir::conv_attrs>()),
                                static_cast<std::size_t>(o.get<ir::conv_attrs>().group));
    if (layer.lut)
      d.output.lut = &placeholder_table;
    const std::uint64_t per_output =
        d.filter_bytes(); // kernel_h * kernel_w * input channels per group
    l.macs = std::uint64_t{d.conv_output.n} * d.conv_output.h * d.conv_output.w * d.conv_output.c *
             per_output;
    ready(npu::call_kind::conv, d);
    break;
  }
  case op_kind::dense: {
    const auto &layer = m.layers.at(i);
    const auto depth = static_cast<std::size_t>(in.shape.back());
    const auto rows = depth == 0 ? 0 : static_cast<std::size_t>(in.elements()) / depth;
    auto d = npu::fc_geometry(rows, depth, static_cast<std::size_t>(layer.weight_shape[0]));
    if (layer.lut)
      d.output.lut = &placeholder_table;
    l.macs = std::uint64_t{rows} * depth * d.units;
    ready(npu::call_kind::fully_connected, d);
    break;
  }
  case op_kind::max_pool:
  case op_kind::average_pool: {
    const auto &a = o.get<ir::pool_attrs>();
    const bool max = o.kind == op_kind::max_pool;
    auto d = npu::pool_geometry(max ? npu::pool_kind::max : npu::pool_kind::average,
                                feature_map_of(in.shape), window_of(a), a.ceil_mode,
                                !max && a.count_include_pad);
    ready(npu::call_kind::pool, d);
    break;
  }
  case op_kind::global_average_pool: {
    auto d = npu::pool_geometry(npu::pool_kind::global_average, feature_map_of(in.shape));
    ready(npu::call_kind::pool, d);
    break;
  }
  case op_kind::add:
  case op_kind::mul: {
    const std::size_t rank = out.shape.size();
    l.macs = static_cast<std::uint64_t>(out.elements());
    l.kind = npu::call_kind::elementwise;
    if (rank > npu::elementwise_descriptor::max_rank) {
      l.precheck = npu::reason::rank;
      break;
    }
    npu::elementwise_descriptor d;
    d.op = o.kind == op_kind::add ? npu::elementwise_op::add : npu::elementwise_op::mul;
    d.rank = rank;
    d.out_dims = aligned_dims(out.shape, rank);
    d.a_dims = aligned_dims(in.shape, rank);
    d.b_dims = aligned_dims(g.at(o.input(1)).shape, rank);
    d.elements = {0, static_cast<std::size_t>(out.elements())};
    if (o.fused_activation && !ir::is_clamp(*o.fused_activation))
      d.activation.lut = &placeholder_table;
    ready(npu::call_kind::elementwise, d);
    break;
  }
  case op_kind::activation:
  case op_kind::requantize:
  case op_kind::reshape: {
    // activation<S> (a clamp, or a table when it changes values or quantization); reshape<In,
    // Out> is a copy: an activation over Out with the full range and no table.
    const auto &shape = o.kind == op_kind::reshape ? out.shape : in.shape;
    const std::size_t rank = shape.size();
    l.kind = npu::call_kind::elementwise;
    if (rank > npu::elementwise_descriptor::max_rank) {
      l.precheck = npu::reason::rank;
      break;
    }
    npu::elementwise_descriptor d;
    d.op = npu::elementwise_op::activation;
    d.rank = rank;
    d.out_dims = aligned_dims(shape, rank);
    d.a_dims = d.out_dims;
    d.elements = {0, static_cast<std::size_t>(ir::element_count(shape))};
    if (o.kind != op_kind::reshape) {
      const bool clamp = o.kind == op_kind::activation && ir::is_clamp(o.get<ir::activation>()) &&
                         in.quant && out.quant && ir::same_quantization(*in.quant, *out.quant);
      if (!clamp)
        d.activation.lut = &placeholder_table;
    }
    ready(npu::call_kind::elementwise, d);
    break;
  }
  case op_kind::batch_matmul: // no NPU operation (npu_layer's default): two computed operands
    l.macs =
        static_cast<std::uint64_t>(out.elements()) * static_cast<std::uint64_t>(in.shape.back());
    break;
  default:
    break; // no NPU operation: concat, transpose, slice, resize, softmax, pad
  }
  // The layers that requantize carry the rounding mode in their type (npu_layer's precheck): the
  // NPU requantizes in fixed point only. (A layer without an NPU operation keeps its reason.)
  if (l.kind != npu::call_kind::none && ir::traits(o.kind).requantizes &&
      rounding != rounding_mode::fixed_point)
    l.precheck = npu::reason::rounding_mode;
  return l;
}

/// The table a merged activation applies (a placeholder) or none, as fuse(d, activation<S>).
npu::clamp_table fused_activation_of(const node_layer &act) {
  const auto &d = std::get<npu::elementwise_descriptor>(act.d);
  return d.activation;
}

struct chain_choice {
  std::size_t length = 0;
  npu::reason why = npu::reason::none;
  npu::tiling tiles;
  std::uint64_t cycles = 0;
};

class planner {
public:
  planner(const lower::lowered_model &m, const npu::capabilities &caps, rounding_mode rounding)
      : m_(m), g_(m.graph), caps_(caps), s_(m.emitted), arena_(arena_offsets(s_)) {
    for (auto i : s_.node_ops)
      layers_.push_back(layer_of(m_, i, rounding));
  }

  const lower::emitted_graph &shape() const { return s_; }

  std::vector<npu::node_decision> decisions() const {
    const std::size_t n = s_.node_ops.size();
    std::vector<npu::node_decision> out(n);
    for (std::size_t i = 0; i < n;) {
      const chain_choice c = choice(i);
      if (c.length == 0) {
        out[i] = {npu::placement::cpu, c.why, npu::call_kind::none, 0, 0, {}, layers_[i].macs, 0};
        ++i;
        continue;
      }
      out[i] = {npu::placement::npu, npu::reason::none, layers_[i].kind, c.length,
                c.tiles.calls(),     c.tiles,           layers_[i].macs, c.cycles};
      for (std::size_t k = 1; k < c.length; ++k)
        out[i + k] = {npu::placement::fused,
                      npu::reason::none,
                      layers_[i].kind,
                      0,
                      0,
                      {},
                      layers_[i + k].macs,
                      0};
      i += c.length;
    }
    return out;
  }

private:
  bool is_activation(std::size_t node) const {
    return ir::traits(g_.ops[s_.node_ops[node]].kind).family == ir::layer_family::activation;
  }
  bool is_max_pool(std::size_t node) const {
    return g_.ops[s_.node_ops[node]].kind == op_kind::max_pool;
  }
  /// fuse(head, max_pool2d) exists: a conv head and a floor-mode window.
  bool max_pool_fusable(std::size_t head, std::size_t pool) const {
    return layers_[head].kind == npu::call_kind::conv &&
           !g_.ops[s_.node_ops[pool]].get<ir::pool_attrs>().ceil_mode;
  }
  bool activation_fusable(std::size_t head) const {
    return layers_[head].kind == npu::call_kind::conv ||
           layers_[head].kind == npu::call_kind::fully_connected;
  }

  std::size_t readers(std::size_t slot) const {
    std::size_t n = 0;
    for (const auto &reads : s_.node_inputs)
      n += static_cast<std::size_t>(std::count(reads.begin(), reads.end(), slot));
    return n;
  }
  bool graph_output(std::size_t slot) const {
    return std::find(s_.output_slots.begin(), s_.output_slots.end(), slot) != s_.output_slots.end();
  }
  bool wired_to_previous(std::size_t j) const {
    const std::size_t between = s_.node_output[j - 1];
    return s_.node_inputs[j].size() == 1 && s_.node_inputs[j][0] == between &&
           readers(between) == 1 && !graph_output(between);
  }
  bool disjoint_buffers(std::size_t first, std::size_t last) const {
    const std::size_t src = s_.node_inputs[first][0], dst = s_.node_output[last];
    if (!arena_.in_arena[src] || !arena_.in_arena[dst])
      return true;
    const std::size_t a = arena_.offset[src], b = arena_.offset[dst];
    return a + s_.slot_bytes[src] <= b || b + s_.slot_bytes[dst] <= a;
  }

  bool chain_pattern(std::size_t i, std::size_t length) const {
    if (i + length > layers_.size() || length < 2 || !caps_.lut_activation)
      return false;
    const bool conv = layers_[i].kind == npu::call_kind::conv;
    bool ok = false;
    if (length == 2)
      ok = (is_activation(i + 1) && activation_fusable(i)) ||
           (conv && is_max_pool(i + 1) && max_pool_fusable(i, i + 1));
    else
      ok = conv && is_activation(i + 1) && is_max_pool(i + 2) && max_pool_fusable(i, i + 2);
    if (!ok)
      return false;
    bool wired = wired_to_previous(i + 1);
    if (length == 3)
      wired = wired && wired_to_previous(i + 2);
    return wired && disjoint_buffers(i, i + length - 1);
  }

  template <class D>
  chain_choice decide_chain(const D &d, std::size_t length) const {
    const npu::tiling t = npu::decide(d, caps_);
    if (t.why != npu::reason::none)
      return {0, t.why, t, 0};
    return {length, npu::reason::none, t, npu::layer_cycles(d, t, caps_)};
  }

  chain_choice try_chain(std::size_t i, std::size_t length) const {
    return std::visit(
        [&](auto d) -> chain_choice {
          using D = decltype(d);
          if constexpr (std::is_same_v<D, std::monostate>) {
            return {0, npu::reason::unsupported_layer, {}, 0};
          } else {
            for (std::size_t k = 1; k < length; ++k) {
              const std::size_t next = i + k;
              if constexpr (std::is_same_v<D, npu::conv_descriptor> ||
                            std::is_same_v<D, npu::fc_descriptor>)
                if (is_activation(next))
                  npu::fuse_activation(d, fused_activation_of(layers_[next]));
              if constexpr (std::is_same_v<D, npu::conv_descriptor>)
                if (is_max_pool(next)) {
                  const auto &pd = std::get<npu::pool_descriptor>(layers_[next].d);
                  npu::fuse_max_pool(d, pd.window, -128, 127);
                }
            }
            return decide_chain(d, length);
          }
        },
        layers_[i].d);
  }

  chain_choice choice(std::size_t i) const {
    const node_layer &l = layers_[i];
    if (l.kind == npu::call_kind::none || l.precheck != npu::reason::none)
      return {0, l.precheck, {}, 0};
    if (chain_pattern(i, 3))
      if (const chain_choice c = try_chain(i, 3); c.length != 0)
        return c;
    if (chain_pattern(i, 2))
      if (const chain_choice c = try_chain(i, 2); c.length != 0)
        return c;
    return try_chain(i, 1);
  }

  const lower::lowered_model &m_;
  const ir::graph &g_;
  npu::capabilities caps_;
  const lower::emitted_graph &s_;
  arena_layout arena_;
  std::vector<node_layer> layers_;
};

std::string call_name(npu::call_kind k) {
  switch (k) {
  case npu::call_kind::conv:
    return "conv";
  case npu::call_kind::fully_connected:
    return "fc";
  case npu::call_kind::pool:
    return "pool";
  case npu::call_kind::elementwise:
    return "eltwise";
  case npu::call_kind::none:
    break;
  }
  return "?";
}

} // namespace

std::size_t npu_report::nodes_on_npu() const {
  return static_cast<std::size_t>(std::count_if(
      nodes.begin(), nodes.end(), [](const auto &d) { return d.where != npu::placement::cpu; }));
}

std::size_t npu_report::driver_calls() const {
  std::size_t n = 0;
  for (const auto &d : nodes)
    n += d.calls;
  return n;
}

std::uint64_t npu_report::total_macs() const {
  std::uint64_t m = 0;
  for (const auto &d : nodes)
    m += d.macs;
  return m;
}

std::uint64_t npu_report::macs_on_npu() const {
  std::uint64_t m = 0;
  for (const auto &d : nodes)
    m += d.where != npu::placement::cpu ? d.macs : 0;
  return m;
}

double npu_report::mac_fraction() const {
  const auto total = total_macs();
  return total == 0 ? 1.0 : static_cast<double>(macs_on_npu()) / static_cast<double>(total);
}

std::uint64_t npu_report::cycles() const {
  std::uint64_t c = 0;
  for (const auto &d : nodes)
    c += d.cycles;
  return c;
}

npu_report plan_npu(const lower::lowered_model &model, const npu::capabilities &caps,
                    const std::string &preset, rounding_mode rounding) {
  const planner p(model, caps, rounding);
  npu_report r;
  r.preset = preset;
  r.node_ops = p.shape().node_ops;
  r.node_of_op = p.shape().node_of_op;
  r.nodes = p.decisions();
  for (auto i : r.node_ops)
    r.node_names.push_back(model.graph.ops[i].name);
  return r;
}

std::string npu_cell(const npu::node_decision &d) {
  switch (d.where) {
  case npu::placement::npu:
    return fmt::format("NPU {}{}, {} call{}, {} cycles", call_name(d.call),
                       d.group_size > 1 ? fmt::format(" (+{} fused)", d.group_size - 1) : "",
                       d.calls, d.calls == 1 ? "" : "s", d.cycles);
  case npu::placement::fused:
    return "fused";
  case npu::placement::cpu:
    break;
  }
  return fmt::format("CPU: {}", npu::reason_name(d.why));
}

void add_npu_column(std::vector<layer_row> &rows, const npu_report &plan) {
  for (std::size_t i = 0; i < rows.size() && i < plan.node_of_op.size(); ++i) {
    const std::size_t node = plan.node_of_op[i];
    rows[i].npu = node == npu_report::not_a_node ? "-" : npu_cell(plan.nodes[node]);
  }
}

std::string format_npu_summary(const npu_report &plan, const std::string &prefix) {
  const std::size_t on_npu = plan.nodes_on_npu();
  std::size_t calls_started = 0;
  for (const auto &d : plan.nodes)
    calls_started += d.where == npu::placement::npu ? 1 : 0;
  std::string out = fmt::format(
      "{}NPU coverage ({} preset): {}/{} nodes on the NPU ({} in calls, {} fused into them), "
      "{} on the CPU\n",
      prefix, plan.preset, on_npu, plan.nodes.size(), calls_started, on_npu - calls_started,
      plan.nodes.size() - on_npu);
  out += fmt::format("{}  MACs on the NPU: {}/{} ({:.1f} %; library count: conv, dense, "
                     "matmul and one per add/mul output)\n",
                     prefix, plan.macs_on_npu(), plan.total_macs(), 100.0 * plan.mac_fraction());
  out += fmt::format("{}  driver calls per inference: {}; modelled NPU cycles: {} (CPU nodes not "
                     "modelled)\n",
                     prefix, plan.driver_calls(), plan.cycles());
  std::map<std::string, std::vector<std::string>> by_reason;
  for (std::size_t n = 0; n < plan.nodes.size(); ++n)
    if (plan.nodes[n].where == npu::placement::cpu)
      by_reason[std::string(npu::reason_name(plan.nodes[n].why))].push_back(
          printable(plan.node_names[n]));
  for (const auto &[why, names] : by_reason)
    out += fmt::format("{}  CPU ({}): {}\n", prefix, why, fmt::join(names, ", "));
  return out;
}

} // namespace onnx2hpp::codegen::report
