// simd kernel of concat: identical quantization is a block copy, a rescaled input goes through
// the vector requantization of (q − zero_point) · 2^left_shift, as in ref.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "onnx2hpp/backends/ref/concat.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/requantize.hpp"
#include "onnx2hpp/layers/concat.hpp"

namespace onnx2hpp {

template <class E, class I, std::size_t Axis, shape_type... Shapes>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, concat<Axis, Shapes...>> {
  using layer = concat<Axis, Shapes...>;
  using ref_kernel = kernel<backends::ref, layer>;
  static constexpr std::size_t n = sizeof...(Shapes);

  static void run(const layer &l, const std::array<const std::int8_t *, n> &inputs,
                  std::int8_t *out) {
    for (const concat_input &q : l.inputs)
      if (!q.identity &&
          (q.mode == rounding_mode::onnxruntime || // float rounding: ref defines it
           q.zero_point < -(1 << 30) || q.zero_point > (1 << 30) || q.left_shift < 0)) {
        ref_kernel::run(l, inputs, out);
        return;
      }
    using batch = typename I::batch;
    using vm = simd::vector_math<I>;
    constexpr std::size_t L = I::lanes;
    const simd::output_window win = simd::make_output_window(l.output_zero_point, -128, 127);
    for (std::size_t o = 0; o < ref_kernel::outer; ++o) {
      std::int8_t *dst = out + o * ref_kernel::out_block;
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t block = ref_kernel::blocks[i];
        const std::int8_t *src = inputs[i] + o * block;
        const concat_input &q = l.inputs[i];
        if (q.identity) {
          std::memcpy(dst, src, block);
        } else {
          const batch zp(q.zero_point), left(q.left_shift > 31 ? 31 : q.left_shift);
          const simd::split_multiplier m = simd::split(q.multiplier);
          for (std::size_t k = 0; k < block; k += L) {
            const std::size_t nl = block - k < L ? block - k : L;
            const batch v = vm::saturating_shift_left(I::load_i8(src + k, nl) - zp, left);
            I::store_i8(vm::requantize(v, batch(m.multiplier), batch(m.left), batch(m.right), win),
                        dst + k, nl);
          }
        }
        dst += block;
      }
    }
  }
};

} // namespace onnx2hpp
