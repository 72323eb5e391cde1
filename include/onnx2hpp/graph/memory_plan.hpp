// The static memory plan: tensor liveness -> arena offsets, computed in constant expressions.
//
// Every intermediate tensor (graph inputs and outputs live in the caller's buffers) gets a byte
// range in one arena. A tensor is live from the node that writes it to the last node that reads
// it. A node whose layer allows it (element-wise, same size) writes in place over its first input
// when that input dies at this node: the two share one buffer. Buffers are placed first-fit in
// decreasing size, lowest offset that overlaps no buffer live at the same time; the plan keeps the
// better of two orderings (by size, by start). `lower_bound` is the largest number of bytes live
// at any single node, so no plan can use less.
#pragma once

#include <array>
#include <cstddef>

namespace onnx2hpp {

inline constexpr std::size_t arena_alignment = 16; ///< every tensor starts on a 16-byte boundary
inline constexpr std::size_t no_node = static_cast<std::size_t>(-1);

constexpr std::size_t align_up(std::size_t bytes) {
  return (bytes + arena_alignment - 1) / arena_alignment * arena_alignment;
}

/// What the planner knows about the graph: per slot and per node.
template <std::size_t Slots, std::size_t Nodes>
struct liveness_problem {
  std::array<std::size_t, Slots> bytes{};          ///< tensor size
  std::array<std::size_t, Slots> producer{};       ///< node index, or no_node for graph inputs
  std::array<std::size_t, Slots> last_use{};       ///< last reading node (== producer if unread)
  std::array<bool, Slots> in_arena{};              ///< false for graph inputs/outputs
  std::array<std::size_t, Nodes> in_place_input{}; ///< slot a node may overwrite, or no_node
  std::array<std::size_t, Nodes> output{};         ///< slot each node writes
};

template <std::size_t Slots>
struct memory_plan {
  std::array<std::size_t, Slots> offset{}; ///< byte offset of each arena slot in the arena
  std::array<std::size_t, Slots> buffer{}; ///< buffer id (slots written in place share one)
  std::size_t arena_bytes = 0;
  std::size_t lower_bound = 0;
};

namespace detail {

template <std::size_t Slots>
struct buffer_set {
  std::array<std::size_t, Slots> bytes{}, start{}, end{};
  std::size_t count = 0;
};

template <std::size_t Slots>
constexpr std::size_t place(const buffer_set<Slots> &b, const std::array<std::size_t, Slots> &order,
                            std::array<std::size_t, Slots> &offset) {
  std::array<bool, Slots> placed{};
  std::size_t total = 0;
  for (std::size_t k = 0; k < b.count; ++k) {
    const std::size_t i = order[k];
    // Lowest offset whose range [off, off + bytes) meets no placed buffer that is live together
    // with i. Candidates are 0 and the end of each conflicting buffer.
    std::size_t best = static_cast<std::size_t>(-1);
    for (std::size_t c = 0; c <= b.count; ++c) {
      std::size_t candidate = 0;
      if (c < b.count) {
        if (!placed[c] || b.end[c] < b.start[i] || b.end[i] < b.start[c])
          continue;
        candidate = offset[c] + b.bytes[c];
      }
      bool fits = true;
      for (std::size_t j = 0; j < b.count && fits; ++j) {
        if (!placed[j] || b.end[j] < b.start[i] || b.end[i] < b.start[j])
          continue;
        fits = candidate + b.bytes[i] <= offset[j] || offset[j] + b.bytes[j] <= candidate;
      }
      if (fits && candidate < best)
        best = candidate;
    }
    offset[i] = best;
    placed[i] = true;
    if (best + b.bytes[i] > total)
      total = best + b.bytes[i];
  }
  return total;
}

template <std::size_t Slots>
constexpr std::array<std::size_t, Slots> sorted_order(const buffer_set<Slots> &b, bool by_size) {
  std::array<std::size_t, Slots> order{};
  for (std::size_t i = 0; i < Slots; ++i)
    order[i] = i;
  auto before = [&](std::size_t x, std::size_t y) {
    if (by_size && b.bytes[x] != b.bytes[y])
      return b.bytes[x] > b.bytes[y];
    if (b.start[x] != b.start[y])
      return b.start[x] < b.start[y];
    return x < y;
  };
  for (std::size_t i = 1; i < b.count; ++i) // insertion sort: constexpr, small n
    for (std::size_t j = i; j > 0 && before(order[j], order[j - 1]); --j) {
      const std::size_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  return order;
}

} // namespace detail

template <std::size_t Slots, std::size_t Nodes>
constexpr memory_plan<Slots> plan_memory(const liveness_problem<Slots, Nodes> &p) {
  memory_plan<Slots> plan;
  detail::buffer_set<Slots> b;
  constexpr std::size_t none = no_node;
  for (std::size_t s = 0; s < Slots; ++s)
    plan.buffer[s] = none;

  // Buffers in the order nodes write them; an in-place output joins its input's buffer.
  for (std::size_t n = 0; n < Nodes; ++n) {
    const std::size_t s = p.output[n];
    if (!p.in_arena[s])
      continue;
    const std::size_t src = p.in_place_input[n];
    if (src != none && p.in_arena[src] && p.last_use[src] == n && p.bytes[src] >= p.bytes[s]) {
      const std::size_t id = plan.buffer[src];
      plan.buffer[s] = id;
      if (p.last_use[s] > b.end[id])
        b.end[id] = p.last_use[s];
      continue;
    }
    const std::size_t id = b.count++;
    plan.buffer[s] = id;
    b.bytes[id] = align_up(p.bytes[s]);
    b.start[id] = n;
    b.end[id] = p.last_use[s] > n ? p.last_use[s] : n;
  }

  for (std::size_t n = 0; n < Nodes; ++n) {
    std::size_t live = 0;
    for (std::size_t i = 0; i < b.count; ++i)
      if (b.start[i] <= n && n <= b.end[i])
        live += b.bytes[i];
    if (live > plan.lower_bound)
      plan.lower_bound = live;
  }

  std::array<std::size_t, Slots> by_size{}, by_start{};
  const std::size_t size_total = detail::place(b, detail::sorted_order(b, true), by_size);
  const std::size_t start_total = detail::place(b, detail::sorted_order(b, false), by_start);
  const auto &best = size_total <= start_total ? by_size : by_start;
  plan.arena_bytes = size_total <= start_total ? size_total : start_total;
  for (std::size_t s = 0; s < Slots; ++s)
    plan.offset[s] = plan.buffer[s] == none ? 0 : best[plan.buffer[s]];
  return plan;
}

} // namespace onnx2hpp
