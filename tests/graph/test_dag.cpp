// DAGs in the typed pipeline: a residual block and an inception-style concat, each checked against
// its kernels run one by one, with the arena at its liveness lower bound.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/layers/all.hpp"

using namespace onnx2hpp;

namespace {

constexpr std::array<std::int32_t, 1> half_m{1 << 30};
constexpr std::array<std::int32_t, 1> zero_s{0};
constexpr output_stage half{{half_m, zero_s, 1}, 0};

template <std::size_t N>
constexpr std::array<std::int8_t, N> pattern(int mul, int mod) {
  std::array<std::int8_t, N> w{};
  for (std::size_t i = 0; i < N; ++i)
    w[i] = static_cast<std::int8_t>(int(i) * mul % mod - mod / 2);
  return w;
}

using s664 = shape<1, 6, 6, 4>;
using pw_t = conv2d<s664, conv2d_attrs{.out_channels = 4, .kernel_h = 1, .kernel_w = 1}>;
using c3_t = conv2d<s664, conv2d_attrs{.out_channels = 4,
                                       .kernel_h = 3,
                                       .kernel_w = 3,
                                       .pad_top = 1,
                                       .pad_left = 1,
                                       .pad_bottom = 1,
                                       .pad_right = 1}>;
using add_t = add<s664, s664>;
using cat_t = concat<3, s664, s664>;
using head_t =
    conv2d<shape<1, 6, 6, 8>, conv2d_attrs{.out_channels = 4, .kernel_h = 1, .kernel_w = 1}>;

constexpr auto w_pw = pattern<16>(5, 7);
constexpr auto w_c3 = pattern<144>(7, 11);
constexpr auto w_head = pattern<32>(3, 5);
constexpr pw_t pw{w_pw, {}, 0, 0, half};
constexpr c3_t c3{w_c3, {}, 0, 0, half};
constexpr head_t head{w_head, {}, 0, 0, half};
constexpr add_t plus{make_add_params(0.1f, 0, 0.2f, 0, 0.25f, 0)};
constexpr cat_t cat{{make_concat_input(0.1f, 0, 0.1f, 0), make_concat_input(0.2f, 3, 0.1f, 0)}, 0};

// x = pw(in); a = c3(x); b = pw(a); y = add(b, x) written over b; out = pw(y).
constexpr auto residual = make_graph<inputs<tensor<0, s664>>, outputs<5>>(
    node<"stem", in<0>, 1>(pw), node<"conv_a", in<1>, 2>(c3), node<"conv_b", in<2>, 3>(pw),
    node<"add", in<3, 1>, 4>(plus), node<"head", in<4>, 5>(pw));

// x = pw(in); b1 = pw(x); b2 = c3(x); cat = concat(b1, b2) over channels; out = head(cat).
constexpr auto inception = make_graph<inputs<tensor<0, s664>>, outputs<5>>(
    node<"stem", in<0>, 1>(pw), node<"branch1", in<1>, 2>(pw), node<"branch3", in<1>, 3>(c3),
    node<"concat", in<2, 3>, 4>(cat), node<"head", in<4>, 5>(head));

std::vector<std::int8_t> input() {
  std::vector<std::int8_t> v(s664::size);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<std::int8_t>(int(i * 29 % 97) - 48);
  return v;
}

} // namespace

TEST_SUITE("graph") {

  TEST_CASE("graph: a residual block equals its kernels and needs only its lower bound") {
    const auto x0 = input();
    std::array<std::int8_t, 144> x{}, a{}, b{}, y{}, expected{}, got{};
    kernel<backends::ref, pw_t>::run(pw, {x0.data()}, x.data());
    kernel<backends::ref, c3_t>::run(c3, {x.data()}, a.data());
    kernel<backends::ref, pw_t>::run(pw, {a.data()}, b.data());
    kernel<backends::ref, add_t>::run(plus, {b.data(), x.data()}, y.data());
    kernel<backends::ref, pw_t>::run(pw, {y.data()}, expected.data());
    residual.run(x0.data(), got.data());
    CHECK(got == expected);

    using g = decltype(residual);
    // conv_b: x, a and b are live (3 x 144); add writes y over b. The plan meets the bound.
    static_assert(g::arena_lower_bound == 3 * 144);
    static_assert(g::arena_bytes == g::arena_lower_bound);
    static_assert(g::plan.offset[4] == g::plan.offset[3], "the add runs in place over b");
  }

  TEST_CASE("graph: an inception concat equals its kernels and needs only its lower bound") {
    const auto x0 = input();
    std::array<std::int8_t, 144> x{}, b1{}, b2{}, expected{}, got{};
    std::array<std::int8_t, 288> c{};
    kernel<backends::ref, pw_t>::run(pw, {x0.data()}, x.data());
    kernel<backends::ref, pw_t>::run(pw, {x.data()}, b1.data());
    kernel<backends::ref, c3_t>::run(c3, {x.data()}, b2.data());
    kernel<backends::ref, cat_t>::run(cat, {b1.data(), b2.data()}, c.data());
    kernel<backends::ref, head_t>::run(head, {c.data()}, expected.data());
    inception.run(x0.data(), got.data());
    CHECK(got == expected);

    using g = decltype(inception);
    // concat: b1, b2 (144 each) and the 288-byte result are live together.
    static_assert(g::arena_lower_bound == 576);
    static_assert(g::arena_bytes == 576);
  }
}
