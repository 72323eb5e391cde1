// Matrix product of two computed int8 tensors: ONNX MatMul between DequantizeLinear'd activations
// (QDQ) and QLinearMatMul whose B is not a constant (attention-like blocks: Q·Kᵀ, scores·V).
// Batched over the leading dimensions with numpy broadcasting, as ONNX MatMul; requantized per
// tensor like QLinearMatMul.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "onnx2hpp/core/output_stage.hpp"
#include "onnx2hpp/core/shape.hpp"
#include "onnx2hpp/layers/elementwise.hpp"

namespace onnx2hpp {

namespace detail {
template <shape_type S, class = std::make_index_sequence<S::rank - 2>>
struct batch_dims;
template <shape_type S, std::size_t... I>
struct batch_dims<S, std::index_sequence<I...>> {
  using type = shape<S::dims[I]...>;
};

template <shape_type Batch, std::size_t M, std::size_t N,
          class = std::make_index_sequence<Batch::rank>>
struct append_matrix;
template <shape_type Batch, std::size_t M, std::size_t N, std::size_t... I>
struct append_matrix<Batch, M, N, std::index_sequence<I...>> {
  using type = shape<Batch::dims[I]..., M, N>;
};
} // namespace detail

/// The leading ("batch") dimensions of a matrix operand: shape<2, 3, M, K> -> shape<2, 3>.
template <shape_type S>
using batch_dims_t = typename detail::batch_dims<S>::type;

/// int8 product of two computed tensors A shape<a_batch..., M, K> and B shape<b_batch..., K, N>
/// (both of rank >= 2; a 1-D operand of ONNX MatMul is not supported). The batch dimensions
/// broadcast as numpy does (right-aligned, each pair equal or one of them 1); the output is
/// shape<broadcast(a_batch, b_batch)..., M, N>. For every batch index and (m, n):
///
///   acc = sum over k of (A[.., m, k] - a_zero_point) * (B[.., k, n] - b_zero_point)
///   out = output.apply(acc, 0)
///
/// with a per-tensor output stage (count 1): the scale is a_scale · b_scale / y_scale, in fixed
/// point, or in Rounding == rounding_mode::onnxruntime as onnxruntime's QLinearMatMul computes it
/// (fp32(fp32(a_scale · b_scale) / y_scale), round half to even); a fused ReLU/Clip is the clamp
/// range, another activation the output stage's table. The accumulator is int32: K <= 33025
/// (33025 · 255 · 255 < 2^31), checked at compile time.
template <shape_type ShapeA, shape_type ShapeB, rounding_mode Rounding = rounding_mode::fixed_point>
struct batch_matmul {
  static_assert(ShapeA::rank >= 2 && ShapeB::rank >= 2,
                "batch_matmul: both operands have rank >= 2 (shape<batch..., M, K> and "
                "shape<batch..., K, N>)");
  static constexpr rounding_mode rounding = Rounding;
  static constexpr std::size_t m = ShapeA::dims[ShapeA::rank - 2];
  static constexpr std::size_t k = ShapeA::dims[ShapeA::rank - 1];
  static constexpr std::size_t n = ShapeB::dims[ShapeB::rank - 1];
  static_assert(ShapeB::dims[ShapeB::rank - 2] == k,
                "batch_matmul: the rows of B must equal the columns of A (K)");
  static_assert(k >= 1 && k <= 33025, "batch_matmul: K must be in [1, 33025] for an int32 "
                                      "accumulator");

  using a_batch = batch_dims_t<ShapeA>;
  using b_batch = batch_dims_t<ShapeB>;
  using batch_broadcast = broadcast<a_batch, b_batch>;
  static_assert(batch_broadcast::compatible,
                "batch_matmul: the batch dimensions of A and B cannot be broadcast together "
                "(numpy rules: right-aligned, every pair equal or one of them 1)");
  using batch_shape = typename batch_broadcast::type;
  static constexpr std::size_t batches = batch_shape::size;

  using input_shapes = type_list<ShapeA, ShapeB>;
  using output_shape = typename detail::append_matrix<batch_shape, m, n>::type;
  static constexpr std::size_t n_inputs = 2;
  static constexpr bool in_place = false;
  static constexpr std::uint64_t macs = std::uint64_t{batches} * m * n * k;

  /// The matrix of A (offset in matrices of M·K elements) read by output batch `b`.
  static constexpr std::size_t a_matrix(std::size_t b) { return source_matrix<true>(b); }
  /// The matrix of B (offset in matrices of K·N elements) read by output batch `b`.
  static constexpr std::size_t b_matrix(std::size_t b) { return source_matrix<false>(b); }

  std::int32_t a_zero_point = 0;
  std::int32_t b_zero_point = 0;
  basic_output_stage<Rounding> output; ///< per tensor (channel 0)

private:
  template <bool A>
  static constexpr std::size_t source_matrix(std::size_t b) {
    constexpr std::size_t rank = batch_broadcast::rank;
    const auto &dims = A ? batch_broadcast::a_dims : batch_broadcast::b_dims;
    std::size_t index = 0, stride = 1;
    for (std::size_t i = rank; i-- > 0;) {
      const std::size_t coordinate = b % batch_broadcast::dims[i];
      b /= batch_broadcast::dims[i];
      if (dims[i] != 1)
        index += coordinate * stride;
      stride *= dims[i];
    }
    return index;
  }
};

} // namespace onnx2hpp
