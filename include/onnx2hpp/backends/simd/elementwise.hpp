// simd kernels of add and mul (numpy broadcasting), in int32 lanes with the exact fixed-point
// steps of the ref kernels. The output is walked row by row along the last axis; each input
// either runs along that row or repeats one value (broadcast), so every broadcast is vectorised.
// Zero points far outside the int8 range (where (q − zero_point) could leave int32) run on ref.
// In rounding_mode::onnxruntime the same walk feeds the fp32 requantization (float_math).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "onnx2hpp/backends/ref/elementwise.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/requantize.hpp"
#include "onnx2hpp/layers/elementwise.hpp"

namespace onnx2hpp {

namespace simd::detail {

/// Calls row(out_offset, a_offset, a_step, b_offset, b_step, length) for every row of the
/// broadcast output along its last axis; a_step/b_step are 1 or 0 (input repeated along the row).
template <shape_type A, shape_type B, class Row>
void for_each_broadcast_row(Row &&row) {
  if constexpr (std::is_same_v<A, B>) { // no broadcast: the whole tensor is one row
    row(std::size_t{0}, std::size_t{0}, std::size_t{1}, std::size_t{0}, std::size_t{1}, A::size);
    return;
  }
  using bc = broadcast<A, B>;
  constexpr std::size_t rank = bc::rank;
  constexpr std::size_t inner = bc::dims[rank - 1];
  constexpr std::size_t a_step = bc::a_dims[rank - 1] == 1 ? 0 : 1;
  constexpr std::size_t b_step = bc::b_dims[rank - 1] == 1 ? 0 : 1;
  constexpr auto strides = [](const std::array<std::size_t, rank> &d) {
    std::array<std::size_t, rank> s{};
    std::size_t step = 1;
    for (std::size_t i = rank; i-- > 0;) {
      s[i] = d[i] == 1 ? 0 : step;
      step *= d[i];
    }
    return s;
  };
  constexpr std::array<std::size_t, rank> sa = strides(bc::a_dims);
  constexpr std::array<std::size_t, rank> sb = strides(bc::b_dims);
  constexpr std::size_t outer = broadcast_shape_t<A, B>::size / inner;
  std::array<std::size_t, rank> idx{};
  std::size_t ia = 0, ib = 0;
  for (std::size_t o = 0; o < outer; ++o) {
    row(o * inner, ia, a_step, ib, b_step, inner);
    for (std::size_t d = rank - 1; d-- > 0;) { // odometer over the leading axes
      ++idx[d];
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < bc::dims[d])
        break;
      ia -= sa[d] * bc::dims[d];
      ib -= sb[d] * bc::dims[d];
      idx[d] = 0;
    }
  }
}

} // namespace simd::detail

#if defined(ONNX2HPP_SIMD_HAS_XSIMD) // vector kernels only (select.hpp)

namespace simd::detail {

template <class I>
typename I::batch load_lanes(const std::int8_t *p, std::size_t step, std::size_t n) {
  using batch = typename I::batch;
  return step != 0 ? I::load_i8(p, n) : batch(std::int32_t{*p});
}

constexpr bool small_zero_point(std::int32_t zp, std::int32_t limit) {
  return zp >= -limit && zp <= limit;
}

} // namespace simd::detail

template <class E, class I, shape_type SA, shape_type SB, rounding_mode R>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, add<SA, SB, R>> {
  using layer = add<SA, SB, R>;

  static void run(const layer &l, const std::array<const std::int8_t *, 2> &inputs,
                  std::int8_t *out) {
    const add_params &p = l.params;
    if constexpr (R == rounding_mode::onnxruntime) {
      run_fp32(l, inputs, out);
      return;
    }
    if (!simd::detail::small_zero_point(p.a_zero_point, 1 << 30) ||
        !simd::detail::small_zero_point(p.b_zero_point, 1 << 30) || p.left_shift < 0) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    using batch = typename I::batch;
    using vm = simd::vector_math<I>;
    constexpr std::size_t L = I::lanes;
    // (q − zp) · 2^left saturates identically for every left >= 31, so 31 stands for them all.
    const batch left(p.left_shift > 31 ? 31 : p.left_shift);
    const simd::split_multiplier ma = simd::split(p.a_multiplier), mb = simd::split(p.b_multiplier),
                                 mo = simd::split(p.output_multiplier);
    const simd::output_window win =
        simd::make_output_window(p.output_zero_point, p.act_min, p.act_max);
    const batch azp(p.a_zero_point), bzp(p.b_zero_point);
    const std::int8_t *a = inputs[0], *b = inputs[1];
    if constexpr (simd::right_shift_isa<I> && L == simd::pack_block_channels) {
      // The usual case: every scale below 1 and (q − zp) · 2^left inside int32, so the shift
      // cannot saturate and each rescale is the ISA's one-rounding form.
      const auto right_only = [](const simd::split_multiplier &m) {
        return m.left == 0 && m.multiplier != std::numeric_limits<std::int32_t>::min();
      };
      const auto no_saturation = [&](std::int32_t zp) {
        const std::int64_t span = 128 + (zp < 0 ? -std::int64_t{zp} : std::int64_t{zp});
        return p.left_shift <= 31 &&
               (span << p.left_shift) <= std::numeric_limits<std::int32_t>::max();
      };
      if (right_only(ma) && right_only(mb) && right_only(mo) && no_saturation(p.a_zero_point) &&
          no_saturation(p.b_zero_point)) {
        typename I::right_shift_block ba, bb, bo;
        const auto prepare = [](const simd::split_multiplier &m,
                                typename I::right_shift_block &bk) {
          std::array<std::int32_t, L> mult, right;
          mult.fill(m.multiplier);
          right.fill(m.right);
          I::prepare_right_shift(mult.data(), right.data(), bk);
        };
        prepare(ma, ba);
        prepare(mb, bb);
        prepare(mo, bo);
        const batch am(ma.multiplier), bm(mb.multiplier), om(mo.multiplier);
        const typename vm::window vwin(win);
        auto row = [&](std::size_t o, std::size_t ia, std::size_t sa, std::size_t ib,
                       std::size_t sb, std::size_t len) {
          for (std::size_t i = 0; i < len; i += L) {
            const std::size_t nl = len - i < L ? len - i : L;
            const batch av = simd::detail::load_lanes<I>(a + ia + i * sa, sa, nl) - azp;
            const batch bv = simd::detail::load_lanes<I>(b + ib + i * sb, sb, nl) - bzp;
            const batch as = I::requantize_right(I::shift_left(av, left), am, ba);
            const batch bs = I::requantize_right(I::shift_left(bv, left), bm, bb);
            const batch q = vm::requantize_right(as + bs, om, bo, vwin);
            I::store_i8(q, out + o + i, nl);
            simd::apply_lut(l.lut, out + o + i, nl);
          }
        };
        simd::detail::for_each_broadcast_row<SA, SB>(row);
        return;
      }
    }
    simd::detail::for_each_broadcast_row<SA, SB>([&](std::size_t o, std::size_t ia, std::size_t sa,
                                                     std::size_t ib, std::size_t sb,
                                                     std::size_t len) {
      for (std::size_t i = 0; i < len; i += L) {
        const std::size_t nl = len - i < L ? len - i : L;
        const batch av = simd::detail::load_lanes<I>(a + ia + i * sa, sa, nl) - azp;
        const batch bv = simd::detail::load_lanes<I>(b + ib + i * sb, sb, nl) - bzp;
        const batch as = vm::multiply_by_quantized_multiplier(vm::saturating_shift_left(av, left),
                                                              batch(ma.multiplier), batch(ma.left),
                                                              batch(ma.right));
        const batch bs = vm::multiply_by_quantized_multiplier(vm::saturating_shift_left(bv, left),
                                                              batch(mb.multiplier), batch(mb.left),
                                                              batch(mb.right));
        const batch q =
            vm::requantize(as + bs, batch(mo.multiplier), batch(mo.left), batch(mo.right), win);
        I::store_i8(q, out + o + i, nl);
        simd::apply_lut(l.lut, out + o + i, nl);
      }
    });
  }

private:
  /// onnxruntime mode: onnxruntime_add (layers/elementwise.hpp) lane for lane, two fused
  /// multiply-adds per output. Without a fused multiply-add on the target, the scalar definition.
  static void run_fp32(const layer &l, const std::array<const std::int8_t *, 2> &inputs,
                       std::int8_t *out) {
    using fm = simd::float_math<I>;
    using fbatch = typename fm::fbatch;
    if constexpr (!simd::has_fused_fma<sizeof(typename fbatch::register_type)>) {
      kernel<backends::ref, layer>::run(l, inputs, out);
    } else {
      const add_params &p = l.params;
      constexpr std::size_t L = I::lanes;
      const fbatch ar(p.a_ratio), br(p.b_ratio), fixed(p.fixed);
      const typename fm::stored_window win(p.code_offset, p.act_min, p.act_max);
      const std::int8_t *a = inputs[0], *b = inputs[1];
      simd::detail::for_each_broadcast_row<SA, SB>([&](std::size_t o, std::size_t ia,
                                                       std::size_t sa, std::size_t ib,
                                                       std::size_t sb, std::size_t len) {
        for (std::size_t i = 0; i < len; i += L) {
          const std::size_t nl = len - i < L ? len - i : L;
          const fbatch fa =
              fm::to_float(simd::detail::load_lanes<I>(a + ia + i * sa, sa, nl) + win.code_offset);
          const fbatch fb =
              fm::to_float(simd::detail::load_lanes<I>(b + ib + i * sb, sb, nl) + win.code_offset);
          const fbatch acc = p.a_first ? simd::fused_fma(fb, br, simd::fused_fma(fa, ar, fixed))
                                       : simd::fused_fma(fa, ar, simd::fused_fma(fb, br, fixed));
          I::store_i8(fm::round_stored_code(acc, win), out + o + i, nl);
          simd::apply_lut(l.lut, out + o + i, nl);
        }
      });
    }
  }
};

template <class E, class I, shape_type SA, shape_type SB, rounding_mode R>
requires simd::vector_isa<I>
struct kernel<backends::basic_simd<E, I>, mul<SA, SB, R>> {
  using layer = mul<SA, SB, R>;
  static constexpr bool fp32 = R == rounding_mode::onnxruntime;

  static void run(const layer &l, const std::array<const std::int8_t *, 2> &inputs,
                  std::int8_t *out) {
    const mul_params &p = l.params;
    // |q − zp| <= 2^15 keeps the product of the two differences inside int32.
    if (!simd::detail::small_zero_point(p.a_zero_point, (1 << 15) - 128) ||
        !simd::detail::small_zero_point(p.b_zero_point, (1 << 15) - 128) ||
        (fp32 ? !simd::detail::small_zero_point(p.output_zero_point + p.code_offset, 1 << 24)
              : p.left_shift < 0)) {
      kernel<backends::ref, layer>::run(l, inputs, out);
      return;
    }
    using batch = typename I::batch;
    using vm = simd::vector_math<I>;
    using fm = simd::float_math<I>;
    constexpr std::size_t L = I::lanes;
    // onnxruntime mode: onnxruntime_mul of the exact int32 product, as ref: the product and the
    // sum with the stored zero point each rounded to fp32 (fp32_rounded: no FMA contraction).
    using fbatch = typename fm::fbatch;
    const fbatch fscale(p.scale), fzero(static_cast<float>(p.output_zero_point + p.code_offset));
    const typename fm::stored_window fwin(p.code_offset, p.act_min, p.act_max);
    const batch left(p.left_shift > 31 ? 31 : p.left_shift);
    const simd::split_multiplier mo = simd::split(p.output_multiplier);
    const simd::output_window win =
        simd::make_output_window(p.output_zero_point, p.act_min, p.act_max);
    const batch azp(p.a_zero_point), bzp(p.b_zero_point);
    const std::int8_t *a = inputs[0], *b = inputs[1];
    simd::detail::for_each_broadcast_row<SA, SB>([&](std::size_t o, std::size_t ia, std::size_t sa,
                                                     std::size_t ib, std::size_t sb,
                                                     std::size_t len) {
      for (std::size_t i = 0; i < len; i += L) {
        const std::size_t nl = len - i < L ? len - i : L;
        const batch av = simd::detail::load_lanes<I>(a + ia + i * sa, sa, nl) - azp;
        const batch bv = simd::detail::load_lanes<I>(b + ib + i * sb, sb, nl) - bzp;
        batch q;
        if constexpr (fp32) {
          q = fm::round_stored_code(simd::fp32_rounded(fm::to_float(av * bv) * fscale) + fzero,
                                    fwin);
        } else {
          q = vm::requantize(vm::saturating_shift_left(av * bv, left), batch(mo.multiplier),
                             batch(mo.left), batch(mo.right), win);
        }
        I::store_i8(q, out + o + i, nl);
        simd::apply_lut(l.lut, out + o + i, nl);
      }
    });
  }
};

#endif

} // namespace onnx2hpp
