// Whole graphs: run<backends::simd> (and with a threaded executor) equals run<backends::ref>.
#include "harness.hpp"

#include <thread>

#include "onnx2hpp/graph/graph.hpp"

using namespace onnx2hpp;

namespace {

/// A thread-pool hook for the tests: one std::thread per task (not a pool, but the same contract).
struct thread_per_task {
  static constexpr std::size_t concurrency = 3;
  template <class F>
  static void parallel_for(std::size_t n, F &&fn) {
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < n; ++i)
      threads.emplace_back([&fn, i] { fn(i); });
    for (auto &t : threads)
      t.join();
  }
};
static_assert(parallel_executor<thread_per_task>);

template <std::size_t N>
constexpr std::array<std::int8_t, N> pseudo_random_weights(unsigned salt) {
  std::array<std::int8_t, N> a{};
  std::uint32_t s = 2463534242u ^ salt;
  for (auto &v : a) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    v = static_cast<std::int8_t>(static_cast<int>(s % 255) - 127);
  }
  return a;
}
template <std::size_t N>
constexpr std::array<std::int32_t, N> pseudo_random_bias(unsigned salt) {
  std::array<std::int32_t, N> a{};
  for (std::size_t i = 0; i < N; ++i)
    a[i] = static_cast<std::int32_t>((i * 7919 + salt * 104729) % 20001) - 10000;
  return a;
}

// A MobileNetV2-like stem: conv3x3/2 (3 -> 16, ReLU6) -> depthwise 3x3 -> pointwise 16 -> 24 ->
// expand 24 -> 64 -> depthwise (a constexpr four-tap pack) -> project 64 -> 24, residual add, head:
// global pool -> dense 10.
using in_t = shape<1, 17, 15, 3>;
using stem_t = conv2d<in_t, conv2d_attrs{.out_channels = 16,
                                         .kernel_h = 3,
                                         .kernel_w = 3,
                                         .stride_h = 2,
                                         .stride_w = 2,
                                         .pad_top = 1,
                                         .pad_left = 1,
                                         .pad_bottom = 1,
                                         .pad_right = 1}>;
using a_t = stem_t::output_shape; // 1x9x8x16
constexpr conv2d_attrs dw_attrs(std::size_t c) {
  return {.out_channels = c,
          .kernel_h = 3,
          .kernel_w = 3,
          .pad_top = 1,
          .pad_left = 1,
          .pad_bottom = 1,
          .pad_right = 1,
          .groups = c};
}
using dw1_t = conv2d<a_t, dw_attrs(16)>;
using pw1_t = conv2d<a_t, conv2d_attrs{.out_channels = 24, .kernel_h = 1, .kernel_w = 1}>;
using b_t = pw1_t::output_shape; // 1x9x8x24
using ex_t = conv2d<b_t, conv2d_attrs{.out_channels = 64, .kernel_h = 1, .kernel_w = 1}>;
using c_t = ex_t::output_shape;
using dw2_t = conv2d<c_t, dw_attrs(64)>;
using pj_t = conv2d<c_t, conv2d_attrs{.out_channels = 24, .kernel_h = 1, .kernel_w = 1}>;
using add_t = add<b_t, b_t>;
using gap_t = global_avg_pool<b_t>;
using fc_t = dense<shape<1, 24>, 10>;
using flat_t = reshape<shape<1, 1, 1, 24>, shape<1, 24>>;

constexpr std::array<std::int32_t, 1> mult{1288490189}, shift_small{-9}, shift_mid{-8};
constexpr auto w_stem = pseudo_random_weights<stem_t::weight_count>(1);
constexpr auto w_dw1 = pseudo_random_weights<dw1_t::weight_count>(2);
constexpr auto w_pw1 = pseudo_random_weights<pw1_t::weight_count>(3);
constexpr auto w_ex = pseudo_random_weights<ex_t::weight_count>(4);
constexpr auto w_dw2 = pseudo_random_weights<dw2_t::weight_count>(5);
constexpr auto w_pj = pseudo_random_weights<pj_t::weight_count>(6);
constexpr auto w_fc = pseudo_random_weights<fc_t::weight_count>(7);
constexpr auto b16 = pseudo_random_bias<16>(1);
constexpr auto b24 = pseudo_random_bias<24>(2);
constexpr auto b64 = pseudo_random_bias<64>(3);
constexpr auto b10 = pseudo_random_bias<10>(4);
constexpr lut256 hswish = make_activation_lut(activation_kind::hard_swish, 0.05f, -3, 0.04f, -20);

constexpr stem_t stem{w_stem, b16, -5, 0, output_stage{{mult, shift_mid, 1}, -128, -128, 60}};
constexpr dw1_t dw1{w_dw1, b16, -128, 0,
                    output_stage{{mult, shift_small, 1}, 3, -128, 127, &hswish}};
constexpr pw1_t pw1{w_pw1, b24, 3, 0, output_stage{{mult, shift_mid, 1}, 7}};
constexpr ex_t ex{w_ex, b64, 7, 0, output_stage{{mult, shift_mid, 1}, -128, -128, 127}};
constexpr dw2_t dw2{w_dw2, b64, -128, 0, output_stage{{mult, shift_small, 1}, -128, -128, 127}};
constexpr pj_t pj{w_pj, b24, -128, 0, output_stage{{mult, shift_mid, 1}, 1}};
constexpr add_t residual{make_add_params(0.08f, 7, 0.09f, 1, 0.1f, -2)};
constexpr gap_t gap{-2, 4, quantize_multiplier(1.3), -128, 127};
constexpr fc_t fc{w_fc, b10, 4, 0, output_stage{{mult, shift_mid, 1}, 0}};

constexpr auto stem_pack = simd::pack(stem);
constexpr auto dw1_pack = simd::pack(dw1);
constexpr auto pw1_pack = simd::pack(pw1);
constexpr auto ex_pack = simd::pack(ex);
constexpr auto dw2_pack = simd::pack(dw2);
static_assert(dw2_pack.dw4 && !dw1_pack.dw4, "dw2 has the four-tap pack, dw1 (16 channels) not");
constexpr auto pj_pack = simd::pack(pj);
constexpr auto fc_pack = simd::pack(fc);

constexpr auto net = make_graph<inputs<tensor<0, in_t>>, outputs<10>>(
    node<"stem", in<0>, 1>(simd::packed{stem, stem_pack}),
    node<"dw1", in<1>, 2>(simd::packed{dw1, dw1_pack}),
    node<"pw1", in<2>, 3>(simd::packed{pw1, pw1_pack}),
    node<"expand", in<3>, 4>(simd::packed{ex, ex_pack}),
    node<"dw2", in<4>, 5>(simd::packed{dw2, dw2_pack}),
    node<"project", in<5>, 6>(simd::packed{pj, pj_pack}), node<"residual", in<3, 6>, 7>(residual),
    node<"pool", in<7>, 8>(gap), node<"flatten", in<8>, 9>(flat_t{}),
    node<"fc", in<9>, 10>(simd::packed{fc, fc_pack}));

// The same network without packs, for ref.
constexpr auto plain = make_graph<inputs<tensor<0, in_t>>, outputs<10>>(
    node<"stem", in<0>, 1>(stem), node<"dw1", in<1>, 2>(dw1), node<"pw1", in<2>, 3>(pw1),
    node<"expand", in<3>, 4>(ex), node<"dw2", in<4>, 5>(dw2), node<"project", in<5>, 6>(pj),
    node<"residual", in<3, 6>, 7>(residual), node<"pool", in<7>, 8>(gap),
    node<"flatten", in<8>, 9>(flat_t{}), node<"fc", in<9>, 10>(fc));

template <class Backend>
std::vector<std::vector<std::int8_t>> run_observed(const std::vector<std::int8_t> &x) {
  std::vector<std::vector<std::int8_t>> tensors;
  std::array<std::int8_t, 10> out{};
  alignas(64) std::array<std::int8_t, decltype(net)::arena_bytes> arena{};
  net.run<Backend>(x.data(), out.data(), arena.data(),
                   [&](std::string_view, std::size_t, const tensor_view &t) {
                     tensors.emplace_back(t.data, t.data + t.size());
                   });
  return tensors;
}

} // namespace

TEST_SUITE("simd") {
  TEST_CASE("simd graph: a MobileNet-like network equals ref at every node") {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      test::rng r(seed);
      const auto x = r.int8s(in_t::size);
      const auto expected = run_observed<backends::ref>(x);
      REQUIRE(expected.size() == 10);
      test::for_each_isa([&]<class Isa>() {
        const auto got = run_observed<backends::basic_simd<backends::serial_executor, Isa>>(x);
        for (std::size_t i = 0; i < expected.size(); ++i)
          CHECK_MESSAGE(got[i] == expected[i], "ISA " << std::string(Isa::name) << ", node " << i);
        const auto threaded = run_observed<backends::basic_simd<thread_per_task, Isa>>(x);
        CHECK(threaded == expected);
      });
      // packed layers still run on ref, and the plain graph agrees with the packed one
      std::array<std::int8_t, 10> a{}, b{};
      plain.run(x.data(), a.data());
      net.run(x.data(), b.data());
      CHECK(a == b);
      CHECK(std::vector<std::int8_t>(a.begin(), a.end()) == expected.back());
    }
  }

  TEST_CASE("simd graph: a network of packed layers still evaluates in a constant expression") {
    constexpr auto first = [] {
      std::array<std::int8_t, in_t::size> x{};
      for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<std::int8_t>(int(i * 29 % 255) - 127);
      std::array<std::int8_t, 10> out{};
      net.run(x.data(), out.data());
      return out;
    }();
    std::array<std::int8_t, in_t::size> x{};
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<std::int8_t>(int(i * 29 % 255) - 127);
    std::array<std::int8_t, 10> out{};
    net.run<backends::simd>(x.data(), out.data());
    CHECK(out == first);
  }
}
