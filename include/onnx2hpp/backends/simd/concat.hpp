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

#if defined(ONNX2HPP_SIMD_HAS_XSIMD) // vector kernels only (select.hpp)

template <class E, class I, concat_attrs A, shape_type... Shapes>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, concat<A, Shapes...>> {
  using layer = concat<A, Shapes...>;
  static constexpr bool fp32 = A.rounding == rounding_mode::onnxruntime;
  using ref_kernel = kernel<backends::ref, layer>;
  static constexpr std::size_t n = sizeof...(Shapes);

  static void run(const layer &l, const std::array<const std::int8_t *, n> &inputs,
                  std::int8_t *out) {
    const simd::float_window fw = simd::make_float_window(l.output_zero_point, -128, 127);
    for (const concat_input &q : l.inputs)
      if (!q.identity && (q.zero_point < -(1 << 30) || q.zero_point > (1 << 30) ||
                          (fp32 ? !fw.exact : q.left_shift < 0))) {
        ref_kernel::run(l, inputs, out);
        return;
      }
    using batch = typename I::batch;
    using vm = simd::vector_math<I>;
    using fm = simd::float_math<I>;
    constexpr std::size_t L = I::lanes;
    const simd::output_window win = simd::make_output_window(l.output_zero_point, -128, 127);
    const typename fm::window fwin(fw);
    for (std::size_t o = 0; o < ref_kernel::outer; ++o) {
      std::int8_t *dst = out + o * ref_kernel::out_block;
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t block = ref_kernel::blocks[i];
        const std::int8_t *src = inputs[i] + o * block;
        const concat_input &q = l.inputs[i];
        if (q.identity) {
          std::memcpy(dst, src, block);
        } else if constexpr (fp32) {
          // fp32(fp32(in − zp) · scale) / output_scale, each step rounded to fp32, as ref.
          const batch zp(q.zero_point);
          const typename fm::fbatch scale(q.scale), output_scale(q.output_scale);
          for (std::size_t k = 0; k < block; k += L) {
            const std::size_t nl = block - k < L ? block - k : L;
            const auto v = fm::to_float(I::load_i8(src + k, nl) - zp) * scale / output_scale;
            I::store_i8(fm::requantize_fp32(v, fwin), dst + k, nl);
          }
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

#endif

} // namespace onnx2hpp
