// The digits demo for a microcontroller: classifies the embedded test samples with the generated
// model (ref backend, static arena, no heap, no exceptions, no RTTI) and prints one line per
// sample. The same file builds for the host (scripts/test-cortex-m.sh compares the two outputs
// line by line) and for Cortex-M under qemu, where it also prints the stack it used.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "digits.hpp" // generated on the host: onnx2hpp digits_cnn.onnx -o digits.hpp --namespace digits
#include "digits_samples.hpp"

#if defined(__arm__)
extern "C" std::size_t stack_high_water_bytes(); // startup.c: painted-stack measurement
extern "C" std::size_t stack_reserved_bytes();
#endif

namespace {

using graph_t = digits::graph_type;
constexpr std::size_t in_size = graph_t::input_shape_t<0>::size;
constexpr std::size_t n_classes = graph_t::output_shape_t<0>::size;
static_assert(in_size == samples::image[0].size(), "the samples do not match the model's input");

// Static buffers: the RAM the model needs is known at link time.
alignas(16) std::array<std::int8_t, graph_t::arena_bytes == 0 ? 1 : graph_t::arena_bytes> arena;
alignas(16) std::array<std::int8_t, in_size> input;
alignas(16) std::array<std::int8_t, n_classes> scores;

constexpr unsigned long ul(std::size_t n) { return static_cast<unsigned long>(n); }

} // namespace

int main() {
  // newlib-nano's printf has no %zu: sizes are printed as unsigned long.
  std::printf("onnx2hpp digits demo: %lu nodes, arena %lu bytes\n", ul(graph_t::n_nodes), ul(graph_t::arena_bytes));
  int agree = 0;
  for (std::size_t k = 0; k < samples::count; ++k) {
    onnx2hpp::quantize_from_onnx(digits::input_info[0], samples::image[k].data(), input.data());
    digits::graph.run<onnx2hpp::backends::ref>(input.data(), scores.data(), arena.data());
    std::size_t best = 0;
    for (std::size_t c = 1; c < n_classes; ++c)
      if (scores[c] > scores[best]) best = c;
    std::printf("sample %lu: predicted %d label %d scores", ul(samples::row[k]), int(best), samples::label[k]);
    for (std::int8_t s : scores)
      std::printf(" %d", int(s));
    std::printf("\n");
    agree += int(best) == samples::label[k];
  }
  std::printf("%d/%lu predictions match the labels\n", agree, ul(samples::count));
#if defined(__arm__)
  std::printf("stack used: %lu of %lu bytes\n", ul(stack_high_water_bytes()), ul(stack_reserved_bytes()));
#endif
  return agree == int(samples::count) ? 0 : 1;
}
