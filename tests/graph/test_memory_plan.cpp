// The planner alone, on liveness problems worked out by hand.
#include <doctest/doctest.h>

#include "onnx2hpp/graph/memory_plan.hpp"

using namespace onnx2hpp;

namespace {

// Checks that no two slots whose lifetimes overlap share bytes, unless they share a buffer.
template <std::size_t S, std::size_t N>
constexpr bool no_live_overlap(const liveness_problem<S, N> &p, const memory_plan<S> &plan) {
  for (std::size_t a = 0; a < S; ++a)
    for (std::size_t b = a + 1; b < S; ++b) {
      if (!p.in_arena[a] || !p.in_arena[b] || plan.buffer[a] == plan.buffer[b])
        continue;
      const bool live_together = !(p.last_use[a] < p.producer[b] || p.last_use[b] < p.producer[a]);
      const bool bytes_overlap = plan.offset[a] < plan.offset[b] + p.bytes[b] &&
                                 plan.offset[b] < plan.offset[a] + p.bytes[a];
      if (live_together && bytes_overlap)
        return false;
    }
  return true;
}

// Chain: in(graph input) -> n0 -> t1 -> n1 -> t2 -> n2 -> t3 -> n3 -> out(graph output).
// Sizes 100, 50, 80 round up to 112, 64, 80. Live: n0 {t1}=112, n1 {t1,t2}=176, n2 {t2,t3}=144,
// n3 {t3}=80: lower bound 176, and the plan reaches it.
constexpr liveness_problem<5, 4> chain = [] {
  liveness_problem<5, 4> p;
  p.bytes = {10, 100, 50, 80, 10};
  p.producer = {no_node, 0, 1, 2, 3};
  p.last_use = {0, 1, 2, 3, 3};
  p.in_arena = {false, true, true, true, false};
  p.in_place_input = {no_node, no_node, no_node, no_node};
  p.output = {1, 2, 3, 4};
  return p;
}();

// Residual block: x=t1 (n0), a=t2 (n1, reads x), b=t3 (n2, reads a), y=t4 = add(b, x) in place
// over b (n3), out (n4 reads y). All 64 bytes. Live: n0 {x}, n1 {x,a}, n2 {x,a,b} = 192,
// n3 {x, b/y}, n4 {y}: lower bound 192.
constexpr liveness_problem<6, 5> residual = [] {
  liveness_problem<6, 5> p;
  p.bytes = {64, 64, 64, 64, 64, 64};
  p.producer = {no_node, 0, 1, 2, 3, 4};
  p.last_use = {0, 3, 2, 3, 4, 4};
  p.in_arena = {false, true, true, true, true, false};
  p.in_place_input = {no_node, no_node, no_node, 3, no_node};
  p.output = {1, 2, 3, 4, 5};
  return p;
}();

} // namespace

TEST_SUITE("graph") {

  TEST_CASE("memory plan: a chain needs exactly its liveness lower bound") {
    constexpr auto plan = plan_memory(chain);
    static_assert(plan.lower_bound == 176);
    static_assert(plan.arena_bytes == 176);
    static_assert(no_live_overlap(chain, plan));
    // t1 and t3 never live together: they may share bytes.
    CHECK(plan.offset[1] % arena_alignment == 0);
    CHECK(plan.offset[2] % arena_alignment == 0);
  }

  TEST_CASE("memory plan: a residual block writes the add in place and meets the lower bound") {
    constexpr auto plan = plan_memory(residual);
    static_assert(plan.buffer[4] == plan.buffer[3], "y overwrites b");
    static_assert(plan.offset[4] == plan.offset[3]);
    static_assert(plan.lower_bound == 192);
    static_assert(plan.arena_bytes == 192);
    static_assert(no_live_overlap(residual, plan));
  }

  TEST_CASE("memory plan: in place is refused when the input lives on") {
    // Same residual, but x is also read by n4: x cannot be overwritten at n3 (it is not even the
    // in-place input); make n3 write in place over x (slot 1) instead of b: refused, x is live.
    constexpr auto p = [] {
      auto q = residual;
      q.in_place_input[3] = 1;
      q.last_use[1] = 4;
      return q;
    }();
    constexpr auto plan = plan_memory(p);
    static_assert(plan.buffer[4] != plan.buffer[1]);
    static_assert(no_live_overlap(p, plan));
    // n3 now holds x, b and y: 192; n2 holds x, a, b: 192; n4 holds x, y: 128.
    static_assert(plan.lower_bound == 192 && plan.arena_bytes == 192);
  }

  TEST_CASE("memory plan: a graph with no intermediate tensors needs no arena") {
    constexpr liveness_problem<2, 1> p = [] {
      liveness_problem<2, 1> q;
      q.bytes = {8, 8};
      q.producer = {no_node, 0};
      q.last_use = {0, 0};
      q.in_arena = {false, false};
      q.in_place_input = {no_node};
      q.output = {1};
      return q;
    }();
    static_assert(plan_memory(p).arena_bytes == 0);
  }
}
