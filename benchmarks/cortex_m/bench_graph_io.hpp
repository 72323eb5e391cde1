// The buffers of a generated model's graph as both benchmark firmwares use them: one buffer per
// graph input and output, the arena of the graph's own memory plan, and where each tensor slot
// lives. The CMSIS-NN firmware places its tensors exactly where onnx2hpp's plan puts them, so both
// libraries run with the same activation memory and differ only in kernels, scratch and stack.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include BENCH_MODEL_HEADER // generated: onnx2hpp MODEL --rounding fixed-point --namespace bench_model

#include "bench_harness.h"

namespace bench {

using graph_t = bench_model::graph_type;

template <class G>
struct graph_io;
template <class... In, std::size_t... Out, class... Nodes>
struct graph_io<onnx2hpp::graph<onnx2hpp::inputs<In...>, onnx2hpp::outputs<Out...>, Nodes...>> {
  static constexpr std::array<std::size_t, sizeof...(In)> in_slots{In::slot...};
  static constexpr std::array<std::size_t, sizeof...(In)> in_bytes{In::shape_type::size...};
  static constexpr std::array<std::size_t, sizeof...(Out)> out_slots{Out...};
};
using io = graph_io<graph_t>;

template <std::size_t... I>
constexpr std::array<std::size_t, sizeof...(I)> output_bytes(std::index_sequence<I...>) {
  return {graph_t::output_bytes<I>...};
}
inline constexpr auto out_bytes = output_bytes(std::make_index_sequence<graph_t::n_outputs>{});

constexpr std::size_t sum(const auto &a) {
  std::size_t s = 0;
  for (std::size_t x : a)
    s += (x + 15) / 16 * 16;
  return s;
}
inline constexpr std::size_t io_bytes = sum(io::in_bytes) + sum(out_bytes);

// Static buffers: their RAM is in .bss (counted).
alignas(16) inline std::int8_t arena[graph_t::arena_bytes == 0 ? 16 : graph_t::arena_bytes];
alignas(16) inline std::int8_t io_buffer[io_bytes];

inline std::array<const std::int8_t *, graph_t::n_inputs> inputs() {
  std::array<const std::int8_t *, graph_t::n_inputs> p{};
  std::size_t o = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[i] = io_buffer + o;
    o += (io::in_bytes[i] + 15) / 16 * 16;
  }
  return p;
}
inline std::array<std::int8_t *, graph_t::n_outputs> outputs() {
  std::array<std::int8_t *, graph_t::n_outputs> p{};
  std::size_t o = sum(io::in_bytes);
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[i] = io_buffer + o;
    o += (out_bytes[i] + 15) / 16 * 16;
  }
  return p;
}

/// Where tensor slot `slot` lives: a graph input or output buffer, else the arena at the plan's
/// offset (exactly graph::run's rule).
inline std::int8_t *slot_ptr(std::size_t slot) {
  for (std::size_t i = 0; i < io::in_slots.size(); ++i)
    if (io::in_slots[i] == slot)
      return const_cast<std::int8_t *>(inputs()[i]);
  for (std::size_t i = 0; i < io::out_slots.size(); ++i)
    if (io::out_slots[i] == slot)
      return outputs()[i];
  return arena + graph_t::plan.offset[slot];
}

inline void fill_inputs() {
  const auto in = inputs();
  for (std::size_t i = 0; i < in.size(); ++i)
    bench_fill(const_cast<std::int8_t *>(in[i]), io::in_bytes[i],
               static_cast<std::uint32_t>(i + 1));
}

inline std::uint32_t outputs_checksum() {
  const auto out = outputs();
  std::uint32_t h = 0;
  for (std::size_t i = 0; i < out.size(); ++i)
    h = h * 31u + bench_fnv(out[i], out_bytes[i]);
  return h;
}

inline unsigned long ul(std::uint64_t v) {
  return static_cast<unsigned long>(v);
}

} // namespace bench
