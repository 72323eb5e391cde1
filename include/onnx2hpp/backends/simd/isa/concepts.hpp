// What an ISA struct (isa/*.hpp) provides to the simd kernels, as concepts; select.hpp checks
// every ISA compiled in against them.
//
//   int8_isa    every ISA, isa::portable included: the int8 dot-product tile of the GEMM kernels
//               over the packed layout (layout.hpp) and the activation row sums of its
//               zero-point correction.
//   vector_isa  an ISA with int32 vector lanes (all but isa::portable): also what the vector
//               requantization (requantize.hpp) and the depthwise, pooling, element-wise,
//               activation and concat kernels use. Kernels specialise on it; a layer under an ISA
//               without it runs on ref.
// Optional members, detected where they are used: rows_sum (one reduction over several rows),
// right_shift_block / prepare_right_shift / requantize_right (right_shift_isa, requantize.hpp),
// dw4_channels / depthwise_dot4 (four depthwise taps per instruction, depthwise.hpp).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace onnx2hpp::simd {

template <class I>
concept int8_isa = requires(const std::int8_t *const *rows, const std::int8_t *x,
                            const std::uint8_t *w, std::int32_t *acc, std::size_t n) {
  { I::name } -> std::convertible_to<const char *>;
  /// dot_tile returns Σ (w + x_sum_bias)·x; the caller subtracts x_sum_bias·Σx.
  { I::x_sum_bias } -> std::convertible_to<std::int32_t>;
  /// Most 16-channel blocks in one tile; rows_for(blocks): rows of a tile of that many blocks.
  { I::max_blocks } -> std::convertible_to<std::size_t>;
  { I::rows_for(n) } -> std::convertible_to<std::size_t>;
  I::template dot_tile<1, 1>(rows, n, n, w, n, acc);
  { I::row_sum(x, n) } -> std::same_as<std::int32_t>;
};

template <class I>
concept vector_isa = int8_isa<I> &&
    requires(typename I::batch b, const std::int8_t *x, const std::int16_t *x16, std::int8_t *out,
             std::size_t n) {
  typename I::arch; ///< the xsimd architecture of batch
  { I::lanes } -> std::convertible_to<std::size_t>;
  { I::load_i8(x, n) } -> std::same_as<typename I::batch>;        ///< n int8 values, sign-extended
  { I::load_i16(x16) } -> std::same_as<typename I::batch>;        ///< lanes int16 values
  I::store_i8(b, out, n);                                         ///< n lanes, saturated to int8
  { I::srdhm(b, b) } -> std::same_as<typename I::batch>;          ///< gemmlowp's high multiply
  { I::shift_left(b, b) } -> std::same_as<typename I::batch>;     ///< per-lane shifts
  { I::shift_right(b, b) } -> std::same_as<typename I::batch>;    ///< arithmetic
  { I::dot_pair(b, b, b, b) } -> std::same_as<typename I::batch>; ///< acc + x0·w.lo + x1·w.hi
};

/// An ISA whose kernels run the layers as emitted (OHWI weights) rather than the GEMM packs
/// (isa::arm_dsp, isa::arm_mve): under it a simd::packed<L> runs the plain layer's kernel.
template <class I>
concept direct_isa = requires {
  requires I::direct_kernels;
};

} // namespace onnx2hpp::simd
