// simd kernel of a packed dense layer: the GEMM driver with one row per input row; rows whose
// length is not a multiple of 4 are copied into a zero-padded panel first.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "onnx2hpp/backends/ref/dense.hpp"
#include "onnx2hpp/backends/simd/backend.hpp"
#include "onnx2hpp/backends/simd/gemm.hpp"
#include "onnx2hpp/backends/simd/pack.hpp"
#include "onnx2hpp/layers/dense.hpp"

namespace onnx2hpp {

template <class E, class I, shape_type S, std::size_t Units, rounding_mode R>
requires(!simd::direct_isa<I>) struct kernel<backends::basic_simd<E, I>,
                                             simd::packed<dense<S, Units, R>>> {
  using layer = dense<S, Units, R>;
  using geo = simd::gemm_pack_geometry<layer>;
  static constexpr std::size_t K = layer::depth;
  static constexpr bool direct = K % 4 == 0;
  static constexpr std::size_t row_bytes = geo::k4 * 4;
  using plan = simd::gemm_plan<I, geo::blocks, Units, 1, row_bytes>;
  static constexpr std::size_t tasks = std::min(layer::rows, simd::executor_concurrency<E>());

  static void run(const simd::packed<layer> &l, const std::array<const std::int8_t *, 1> &inputs,
                  std::int8_t *out) {
    const std::int8_t *x = inputs[0];
    E::parallel_for(tasks, [&](std::size_t task) {
      std::array<std::int8_t, direct ? 1 : plan::rows * row_bytes> panel;
      auto rows = [&](std::size_t m, std::size_t r, const std::int8_t **taps) {
        if constexpr (direct) {
          taps[0] = x + m * K;
        } else {
          std::int8_t *row = panel.data() + r * row_bytes;
          std::memcpy(row, x + m * K, K);
          std::memset(row + K, 0, row_bytes - K);
          taps[0] = row;
        }
      };
      auto out_row = [&](std::size_t m) { return out + m * Units; };
      simd::gemm_group<I, plan>(l.output, 0, l.weight_zero_point, l.pack.weights.data(),
                                l.pack.channel_offset.data(), layer::rows * task / tasks,
                                layer::rows * (task + 1) / tasks, rows, out_row);
    });
  }
};

} // namespace onnx2hpp
