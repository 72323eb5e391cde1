#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/backends/ref/reshape.hpp"

using namespace onnx2hpp;

namespace {

static_assert(reshape<shape<1, 2, 3, 4>, shape<1, 24>>::in_place);
static_assert(std::is_same_v<reshape<shape<1, 2, 3, 4>, shape<2, 12>>::output_shape, shape<2, 12>>);
static_assert(!transpose<shape<2, 3>, 1, 0>::in_place);
static_assert(
    std::is_same_v<transpose<shape<1, 2, 3, 4>, 0, 3, 1, 2>::output_shape, shape<1, 4, 2, 3>>);
static_assert(std::is_same_v<transpose<shape<2, 3, 4, 5, 6, 7>, 5, 4, 3, 2, 1, 0>::output_shape,
                             shape<7, 6, 5, 4, 3, 2>>);
static_assert(!detail::transpose_shape<shape<2, 3>, 1, 1>::is_permutation);

// Compile time: a 2x3 matrix transposed.
constexpr std::array<std::int8_t, 6> compile_time_transpose = [] {
  using layer_t = transpose<shape<2, 3>, 1, 0>;
  const std::array<std::int8_t, 6> x{0, 1, 2, 3, 4, 5};
  std::array<std::int8_t, 6> o{};
  kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, o.data());
  return o;
}();
static_assert(compile_time_transpose == std::array<std::int8_t, 6>{0, 3, 1, 4, 2, 5});

// Independent formulation, walking the INPUT: element j of the input lands at the output index
// i with i[k] = j[perm[k]].
template <class InShape, std::size_t... Perm>
void check_transpose(std::uint64_t seed) {
  using layer_t = transpose<InShape, Perm...>;
  constexpr std::size_t rank = InShape::rank;
  const std::array<std::size_t, rank> perm{Perm...};
  test::rng r(seed);
  const auto x = r.int8s(InShape::size);
  std::vector<std::int8_t> out(InShape::size);
  kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, out.data());

  std::array<std::size_t, rank> out_dims{};
  for (std::size_t k = 0; k < rank; ++k)
    out_dims[k] = InShape::dims[perm[k]];
  std::size_t mismatches = 0;
  for (std::size_t flat = 0; flat < InShape::size; ++flat) {
    std::array<std::size_t, rank> j{};
    for (std::size_t d = rank, f = flat; d-- > 0;) {
      j[d] = f % InShape::dims[d];
      f /= InShape::dims[d];
    }
    std::size_t o = 0;
    for (std::size_t k = 0; k < rank; ++k)
      o = o * out_dims[k] + j[perm[k]];
    mismatches += out[o] != x[flat];
  }
  CHECK(mismatches == 0);
}

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("reshape: copies element for element, also in place") {
    using layer_t = reshape<shape<1, 2, 2, 3>, shape<1, 12>>;
    test::rng r(5);
    auto x = r.int8s(12);
    const auto original = x;
    std::vector<std::int8_t> out(12);
    kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, out.data());
    CHECK(out == original);
    kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, x.data());
    CHECK(x == original);
  }

  TEST_CASE("transpose: by hand") {
    // NHWC [1,2,2,3] -> NCHW [1,3,2,2] (perm 0,3,1,2). in[h][w][c] = 10·(2h + w) + c:
    // pixels 0..3 hold {0,1,2}, {10,11,12}, {20,21,22}, {30,31,32}; out channel c lists pixels.
    static constexpr std::array<std::int8_t, 12> x{0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
    using layer_t = transpose<shape<1, 2, 2, 3>, 0, 3, 1, 2>;
    std::array<std::int8_t, 12> out{};
    kernel<backends::ref, layer_t>::run(layer_t{}, {x.data()}, out.data());
    CHECK(out == std::array<std::int8_t, 12>{0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32});
    // Rank 3, perm 2,0,1: [2,1,3] -> [3,2,1]; in[a][0][c] = 3a + c, out[c][a][0] = 3a + c.
    static constexpr std::array<std::int8_t, 6> y{0, 1, 2, 3, 4, 5};
    using rank3_t = transpose<shape<2, 1, 3>, 2, 0, 1>;
    static_assert(std::is_same_v<rank3_t::output_shape, shape<3, 2, 1>>);
    std::array<std::int8_t, 6> out3{};
    kernel<backends::ref, rank3_t>::run(rank3_t{}, {y.data()}, out3.data());
    CHECK(out3 == std::array<std::int8_t, 6>{0, 3, 1, 4, 2, 5});
  }

  TEST_CASE("transpose: ranks 1 to 6 against an independent index computation") {
    check_transpose<shape<7>, 0>(1);
    check_transpose<shape<3, 4, 5>, 2, 0, 1>(2);
    check_transpose<shape<3, 4, 5>, 1, 2, 0>(3);
    check_transpose<shape<3, 4, 5>, 0, 2, 1>(4);
    check_transpose<shape<2, 3, 4, 5>, 0, 3, 1, 2>(5);
    check_transpose<shape<2, 3, 4, 5>, 0, 2, 3, 1>(6);
    check_transpose<shape<2, 3, 4, 5>, 3, 2, 1, 0>(7);
    check_transpose<shape<2, 3, 1, 4, 5>, 4, 0, 3, 2, 1>(8);
    check_transpose<shape<2, 3, 2, 4, 3>, 1, 3, 0, 4, 2>(9);
    check_transpose<shape<2, 1, 3, 2, 2, 3>, 5, 3, 1, 0, 2, 4>(10);
  }
}
