// batch_matmul: the int8 product of two computed tensors (ONNX MatMul of two activations,
// QLinearMatMul with a computed B), hand-worked values in both rounding modes, numpy broadcasting
// of the batch dimensions, and the NPU plan's CPU placement.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/npu/all.hpp"
#include "onnx2hpp/backends/ref/matmul.hpp"
#include "onnx2hpp/backends/simd/all.hpp"
#include "onnx2hpp/graph/graph.hpp"

using namespace onnx2hpp;

namespace {

// 0.5 in fixed point: multiplier 2^30, shift 0 (ties toward +infinity in the high multiply).
constexpr std::array<std::int32_t, 1> half_multiplier{1 << 30};
constexpr std::array<std::int32_t, 1> zero_shift{0};
constexpr channel_requant half{half_multiplier, zero_shift, 1};
constexpr std::array<float, 1> half_scale{0.5f};
constexpr std::array<float, 1> unit_scale{1.0f};

// A [2][3] = [[1 2 3], [4 5 6]], a_zero_point 1 -> [[0 1 2], [3 4 5]];
// B [3][2] = [[1 0], [2 -1], [3 5]], b_zero_point -1 -> [[2 1], [3 0], [4 6]].
// acc = [[0*2 + 1*3 + 2*4, 0*1 + 1*0 + 2*6], [3*2 + 4*3 + 5*4, 3*1 + 4*0 + 5*6]]
//     = [[11, 12], [38, 33]].
// x0.5: [[5.5, 6], [19, 16.5]]. Fixed point rounds the ties up: [[6, 6], [19, 17]];
// onnxruntime rounds them to even: [[6, 6], [19, 16]]. Output zero point 3.
constexpr std::array<std::int8_t, 6> small_a{1, 2, 3, 4, 5, 6};
constexpr std::array<std::int8_t, 6> small_b{1, 0, 2, -1, 3, 5};

using small_fixed_t = batch_matmul<shape<2, 3>, shape<3, 2>>;
using small_ort_t = batch_matmul<shape<2, 3>, shape<3, 2>, rounding_mode::onnxruntime>;

template <class Layer, std::size_t NA, std::size_t NB>
constexpr auto run_ref(const Layer &l, const std::array<std::int8_t, NA> &a,
                       const std::array<std::int8_t, NB> &b) {
  std::array<std::int8_t, Layer::output_shape::size> y{};
  kernel<backends::ref, Layer>::run(l, {a.data(), b.data()}, y.data());
  return y;
}

// Batch broadcasting: A shape<2, 1, 1, 2> (batches [2, 1]), B shape<3, 2, 1> (batches [3]):
// the output batches are [2, 3], out[i][j] = A[i] . B[j] (zero points 0, scale 1).
// A[0] = [1 2], A[1] = [3 -1]; B[0] = [1 1]^T, B[1] = [2 0]^T, B[2] = [-1 4]^T.
// out = [[1+2, 2+0, -1+8], [3-1, 6-0, -3-4]] = [[3, 2, 7], [2, 6, -7]].
using broadcast_t = batch_matmul<shape<2, 1, 1, 2>, shape<3, 2, 1>, rounding_mode::onnxruntime>;
constexpr std::array<std::int8_t, 4> bc_a{1, 2, 3, -1};
constexpr std::array<std::int8_t, 6> bc_b{1, 1, 2, 0, -1, 4};

} // namespace

static_assert(std::is_same_v<small_fixed_t::output_shape, shape<2, 2>>);
static_assert(small_fixed_t::macs == 2 * 2 * 3 && small_fixed_t::n_inputs == 2);
static_assert(small_ort_t::rounding == rounding_mode::onnxruntime &&
              decltype(small_ort_t::output)::mode == rounding_mode::onnxruntime);
static_assert(std::is_same_v<broadcast_t::output_shape, shape<2, 3, 1, 1>>);
static_assert(broadcast_t::batches == 6 && broadcast_t::macs == 12);
// Output batch (i, j) = i * 3 + j reads A's matrix i and B's matrix j.
static_assert(broadcast_t::a_matrix(4) == 1 && broadcast_t::b_matrix(4) == 1);
static_assert(broadcast_t::a_matrix(2) == 0 && broadcast_t::b_matrix(2) == 2);
static_assert(std::is_same_v<batch_matmul<shape<5, 1, 4, 8>, shape<3, 8, 6>>::output_shape,
                             shape<5, 3, 4, 6>>);

TEST_SUITE("layers") {

  TEST_CASE("batch_matmul: hand-worked 2x3 by 3x2, fixed point rounds ties up") {
    constexpr small_fixed_t l{
        .a_zero_point = 1, .b_zero_point = -1, .output = {.requant = half, .zero_point = 3}};
    static_assert(run_ref(l, small_a, small_b) == std::array<std::int8_t, 4>{9, 9, 22, 20});
    CHECK(run_ref(l, small_a, small_b) == std::array<std::int8_t, 4>{9, 9, 22, 20});
  }

  TEST_CASE("batch_matmul: onnxruntime rounding, fp32 scale and ties to even") {
    constexpr small_ort_t l{
        .a_zero_point = 1, .b_zero_point = -1, .output = {.zero_point = 3, .scale = half_scale}};
    static_assert(run_ref(l, small_a, small_b) == std::array<std::int8_t, 4>{9, 9, 22, 19});
    CHECK(run_ref(l, small_a, small_b) == std::array<std::int8_t, 4>{9, 9, 22, 19});
  }

  TEST_CASE("batch_matmul: fused clamp range and saturation") {
    // acc x0.5 + 3 -> [9, 9, 22, 19]; a Clip to [0, 10] in the output domain.
    constexpr small_ort_t clamped{
        .a_zero_point = 1,
        .b_zero_point = -1,
        .output = {.zero_point = 3, .act_min = 0, .act_max = 10, .scale = half_scale}};
    static_assert(run_ref(clamped, small_a, small_b) == std::array<std::int8_t, 4>{9, 9, 10, 10});
    // Scale 8: 88, 96, 304, 264 (+3) saturate at 127 from 304 on.
    static constexpr std::array<float, 1> eight{8.0f};
    constexpr small_ort_t big{
        .a_zero_point = 1, .b_zero_point = -1, .output = {.zero_point = 3, .scale = eight}};
    static_assert(run_ref(big, small_a, small_b) == std::array<std::int8_t, 4>{91, 99, 127, 127});
  }

  TEST_CASE("batch_matmul: batch dimensions broadcast as numpy") {
    constexpr broadcast_t l{.output = {.scale = unit_scale}};
    static_assert(run_ref(l, bc_a, bc_b) == std::array<std::int8_t, 6>{3, 2, 7, 2, 6, -7});
    CHECK(run_ref(l, bc_a, bc_b) == std::array<std::int8_t, 6>{3, 2, 7, 2, 6, -7});
  }

  TEST_CASE("batch_matmul: matches an independent formulation with explicit batch indices") {
    // A [3][1][4][5] with B [2][5][3]: output [3][2][4][3]; A's second batch dimension is
    // broadcast, B's batches repeat for every A batch. int64 accumulators in k-outer order,
    // then the core requantization.
    using layer_t = batch_matmul<shape<3, 1, 4, 5>, shape<2, 5, 3>>;
    static_assert(std::is_same_v<layer_t::output_shape, shape<3, 2, 4, 3>>);
    test::rng r(2024);
    auto a = r.int8s(3 * 4 * 5);
    auto b = r.int8s(2 * 5 * 3);
    const std::array<std::int32_t, 1> mult{1518500250}; // ~0.7071 * 2^31
    const std::array<std::int32_t, 1> shift{-7};
    const layer_t l{.a_zero_point = -5,
                    .b_zero_point = 9,
                    .output = {.requant = {mult, shift, 1}, .zero_point = -2}};
    std::vector<std::int8_t> got(layer_t::output_shape::size);
    kernel<backends::ref, layer_t>::run(l, {a.data(), b.data()}, got.data());
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 2; ++j) {
        std::array<std::int64_t, 12> acc{};
        for (int k = 0; k < 5; ++k)
          for (int m = 0; m < 4; ++m)
            for (int n = 0; n < 3; ++n)
              acc[static_cast<std::size_t>(m * 3 + n)] +=
                  std::int64_t{a[static_cast<std::size_t>(i * 20 + m * 5 + k)] + 5} *
                  (b[static_cast<std::size_t>(j * 15 + k * 3 + n)] - 9);
        for (int e = 0; e < 12; ++e) {
          const auto want = requantize(static_cast<std::int32_t>(acc[static_cast<std::size_t>(e)]),
                                       {mult[0], shift[0]}, -2, -128, 127);
          CHECK(got[static_cast<std::size_t>((i * 2 + j) * 12 + e)] == want);
        }
      }
  }

  TEST_CASE("batch_matmul: two graph inputs, simd falls back to ref, NPU plan keeps it on CPU") {
    constexpr small_ort_t l{
        .a_zero_point = 1, .b_zero_point = -1, .output = {.zero_point = 3, .scale = half_scale}};
    constexpr auto g =
        make_graph<inputs<tensor<0, shape<2, 3>>, tensor<1, shape<3, 2>>>, outputs<2>>(
            node<"mm", in<0, 1>, 2>(l));
    using graph_t = std::remove_cvref_t<decltype(g)>;
    static_assert(graph_t::total_macs == 12);
    std::array<std::int8_t, 4> ref_out{}, simd_out{};
    g.run<backends::ref>({small_a.data(), small_b.data()}, {ref_out.data()}, nullptr);
    g.run<backends::simd>({small_a.data(), small_b.data()}, {simd_out.data()}, nullptr);
    CHECK(ref_out == std::array<std::int8_t, 4>{9, 9, 22, 19});
    CHECK(simd_out == ref_out);
    using plan = npu::plan<graph_t, npu::permissive>;
    static_assert(plan::nodes[0].where == npu::placement::cpu);
    static_assert(plan::reason_of<0> == npu::reason::unsupported_layer);
    static_assert(plan::nodes_on_cpu == 1 && plan::mac_fraction == 0.0);
  }
}
