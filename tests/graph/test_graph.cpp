// The typed pipeline: wiring, memory plan of real graphs, observer, backend dispatch.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/layers/all.hpp"

using namespace onnx2hpp;

namespace {

// Multiplier 2^30, shift 0: exactly x0.5 (ties toward +infinity, gemmlowp rounding).
constexpr std::array<std::int32_t, 1> half_m{1 << 30};
constexpr std::array<std::int32_t, 1> zero_s{0};
constexpr output_stage half{{half_m, zero_s, 1}, 0};

constexpr std::array<std::int8_t, 9 * 2 * 4> w_a = [] {
  std::array<std::int8_t, 9 * 2 * 4> w{};
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<std::int8_t>(int(i * 7 % 11) - 5);
  return w;
}();
constexpr std::array<std::int8_t, 4 * 4> w_b = [] {
  std::array<std::int8_t, 16> w{};
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<std::int8_t>(int(i * 5 % 7) - 3);
  return w;
}();

// 6x6x2 -> conv3x3 pad1 -> 6x6x4 -> conv1x1 -> 6x6x4 -> conv1x1 -> 6x6x4
using conv_a = conv2d<shape<1, 6, 6, 2>, conv2d_attrs{.out_channels = 4,
                                                      .kernel_h = 3,
                                                      .kernel_w = 3,
                                                      .pad_top = 1,
                                                      .pad_left = 1,
                                                      .pad_bottom = 1,
                                                      .pad_right = 1}>;
using conv_b =
    conv2d<shape<1, 6, 6, 4>, conv2d_attrs{.out_channels = 4, .kernel_h = 1, .kernel_w = 1}>;
constexpr conv_a a{w_a, {}, 0, 0, half};
constexpr conv_b b{w_b, {}, 0, 0, half};

constexpr auto chain = make_graph<inputs<tensor<0, shape<1, 6, 6, 2>>>, outputs<3>>(
    node<"conv_a", in<0>, 1>(a), node<"conv_b1", in<1>, 2>(b), node<"conv_b2", in<2>, 3>(b));

// Two heads on one trunk: outputs 2 and 3; slot 1 lives until both heads ran.
constexpr auto two_heads = make_graph<inputs<tensor<0, shape<1, 6, 6, 2>>>, outputs<2, 3>>(
    node<"trunk", in<0>, 1>(a), node<"head0", in<1>, 2>(b), node<"head1", in<1>, 3>(b));

std::vector<std::int8_t> input_data() {
  std::vector<std::int8_t> x(72);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<std::int8_t>(int(i * 13 % 61) - 30);
  return x;
}

// A backend with no kernels of its own: everything falls back to ref.
struct empty_backend {};
// A backend that only counts conv_b calls, then defers to ref.
struct counting_backend {
  using fallback = backends::ref;
  static inline int conv_b_calls = 0;
};

} // namespace

template <>
struct onnx2hpp::kernel<counting_backend, conv_b> {
  static void run(const conv_b &l, const std::array<const std::int8_t *, 1> &in, std::int8_t *out) {
    ++counting_backend::conv_b_calls;
    kernel<backends::ref, conv_b>::run(l, in, out);
  }
};

TEST_SUITE("graph") {

  TEST_CASE("graph: a chain computes what its kernels compute one after another") {
    const auto x = input_data();
    std::array<std::int8_t, 144> t1{}, t2{}, expected{}, got{};
    kernel<backends::ref, conv_a>::run(a, {x.data()}, t1.data());
    kernel<backends::ref, conv_b>::run(b, {t1.data()}, t2.data());
    kernel<backends::ref, conv_b>::run(b, {t2.data()}, expected.data());
    chain.run(x.data(), got.data());
    CHECK(got == expected);
  }

  TEST_CASE("graph: shapes, MACs and the arena of a chain are compile-time constants") {
    using g = decltype(chain);
    static_assert(std::is_same_v<g::output_shape_t<0>, shape<1, 6, 6, 4>>);
    static_assert(std::is_same_v<g::slot_shape_t<1>, shape<1, 6, 6, 4>>);
    static_assert(g::total_macs == 6 * 6 * 4 * 9 * 2 + 2 * (6 * 6 * 4 * 4));
    // Intermediates t1, t2 of 144 bytes are live together at conv_b1: 288 bytes, the lower bound.
    static_assert(g::arena_lower_bound == 288);
    static_assert(g::arena_bytes == 288);
    static_assert(g::node_name<1> == "conv_b1");
  }

  TEST_CASE("graph: multi-output heads write the caller's buffers") {
    const auto x = input_data();
    std::array<std::int8_t, 144> trunk{}, h0{}, h1{}, got0{}, got1{};
    kernel<backends::ref, conv_a>::run(a, {x.data()}, trunk.data());
    kernel<backends::ref, conv_b>::run(b, {trunk.data()}, h0.data());
    kernel<backends::ref, conv_b>::run(b, {trunk.data()}, h1.data());
    std::array<std::int8_t, decltype(two_heads)::arena_bytes> arena{};
    two_heads.run({x.data()}, {got0.data(), got1.data()}, arena.data());
    CHECK(got0 == h0);
    CHECK(got1 == h1);
    static_assert(decltype(two_heads)::arena_bytes == 144); // only the trunk is intermediate
  }

  TEST_CASE("graph: the observer sees every node's name, index and output") {
    const auto x = input_data();
    std::array<std::int8_t, 144> out{};
    std::vector<std::string> names;
    std::vector<std::size_t> indices;
    std::vector<std::int8_t> last;
    std::vector<std::size_t> dims;
    chain.run(x.data(), out.data(),
              [&](std::string_view name, std::size_t index, const tensor_view &t) {
                names.emplace_back(name);
                indices.push_back(index);
                last.assign(t.data, t.data + t.size());
                dims.assign(t.dims.begin(), t.dims.end());
              });
    CHECK(names == std::vector<std::string>{"conv_a", "conv_b1", "conv_b2"});
    CHECK(indices == std::vector<std::size_t>{0, 1, 2});
    CHECK(dims == std::vector<std::size_t>{1, 6, 6, 4});
    CHECK(std::equal(last.begin(), last.end(), out.begin()));
  }

  TEST_CASE("graph: backends fall back to ref for layers they do not implement") {
    const auto x = input_data();
    std::array<std::int8_t, 144> expected{}, got{};
    chain.run(x.data(), expected.data());
    chain.run<empty_backend>(x.data(), got.data());
    CHECK(got == expected);
    counting_backend::conv_b_calls = 0;
    chain.run<counting_backend>(x.data(), got.data());
    CHECK(got == expected);
    CHECK(counting_backend::conv_b_calls == 2);
    static_assert(std::is_same_v<resolve_backend_t<counting_backend, conv_a>, backends::ref>);
    static_assert(std::is_same_v<resolve_backend_t<counting_backend, conv_b>, counting_backend>);
  }

  TEST_CASE("graph: runs in a constant expression") {
    constexpr auto first_output = [] {
      std::array<std::int8_t, 72> x{};
      for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<std::int8_t>(int(i * 13 % 61) - 30);
      std::array<std::int8_t, 144> out{};
      chain.run(x.data(), out.data());
      return out;
    }();
    const auto x = input_data();
    std::array<std::int8_t, 144> out{};
    chain.run(x.data(), out.data());
    CHECK(out == first_output);
  }
}
