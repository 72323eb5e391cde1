// backends::npu on the simulator gives the same bytes as ref: small graphs under both presets
// (and small-memory variants that force tiling), fallbacks, tables, rejection of what the
// hardware cannot do, deferred execution, and the cycle model's bookkeeping.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "npu_test_graphs.hpp"

using namespace onnx2hpp;
using test::run_both;

namespace {

template <npu::capabilities Caps, class Graph>
void check_bit_exact(const Graph &net, std::uint64_t seed) {
  for (bool deferred : {false, true}) {
    const test::both_runs r = run_both<Caps>(net, seed, deferred);
    REQUIRE(r.status.ok());
    CHECK(r.rejected == 0);
    CHECK(r.npu == r.ref);
    using plan = npu::plan<Graph, Caps>;
    CHECK(r.calls == plan::driver_calls);
    CHECK(r.cycles == plan::npu_cycles);
  }
}

// Random geometry sweep: conv -> relu clamp -> max pool, with a non-monotonic table in the conv.
template <std::size_t H, std::size_t W, std::size_t C, conv2d_attrs A, pool2d_attrs P,
          npu::capabilities Caps>
void check_conv_act_pool(std::uint64_t seed, bool with_table) {
  using conv_t = conv2d<shape<1, H, W, C>, A>;
  using act_t = activation<typename conv_t::output_shape>;
  using pool_t = max_pool2d<typename conv_t::output_shape, P>;
  test::rng r(seed);
  test::constants k;
  const lut256 *table =
      with_table ? k.keep(test::scrambled_table(static_cast<std::uint32_t>(seed))) : nullptr;
  act_t act{};
  act.act_min = -60;
  act.act_max = 90;
  pool_t pool{};
  pool.act_min = -100;
  const auto net = make_graph<inputs<tensor<0, shape<1, H, W, C>>>, outputs<3>>(
      node<"conv", in<0>, 1>(test::random_accumulating<conv_t>(r, k, {-120, 127}, table)),
      node<"act", in<1>, 2>(act), node<"pool", in<2>, 3>(pool));
  check_bit_exact<Caps>(net, seed + 1);
}

// A CPU backend with no kernels of its own: the NPU backend's fallback chain continues to ref.
struct cpu_without_kernels {
  using fallback = backends::ref;
};

// A driver that claims more than the hardware behind it can do: the simulator must say no.
struct overclaiming_driver {
  static constexpr npu::capabilities caps = npu::permissive;
  npu::simulator<npu::strict> *hardware;
  npu::status submit(const npu::conv_descriptor &d) { return hardware->submit(d); }
  npu::status submit(const npu::fc_descriptor &d) { return hardware->submit(d); }
  npu::status submit(const npu::pool_descriptor &d) { return hardware->submit(d); }
  npu::status submit(const npu::elementwise_descriptor &d) { return hardware->submit(d); }
  npu::status wait() { return hardware->wait(); }
};
static_assert(npu::driver<overclaiming_driver>);
static_assert(npu::driver<npu::simulator<npu::strict>>);
static_assert(npu::driver<npu::recording_driver<npu::strict>>);

} // namespace

TEST_SUITE("npu") {

  TEST_CASE("npu simulator: the block graph is bit-exact with ref under both presets") {
    test::rng r(11);
    test::constants k;
    const auto net = test::make_block(r, k);
    check_bit_exact<npu::strict>(net, 1);     // dw1 and fc on the CPU
    check_bit_exact<npu::permissive>(net, 2); // everything on the NPU
    check_bit_exact<test::small_strict>(net, 3);
    check_bit_exact<test::small_permissive>(net, 4);
  }

  TEST_CASE("npu simulator: depthwise falls back under strict and runs on the NPU when allowed") {
    test::rng r(12);
    test::constants k;
    const auto net = test::make_block(r, k);
    using strict_plan = npu::plan<test::block_graph, npu::strict>;
    using permissive_plan = npu::plan<test::block_graph, npu::permissive>;
    static_assert(strict_plan::nodes[3].where == npu::placement::cpu);
    static_assert(strict_plan::nodes[3].why == npu::reason::depthwise);
    static_assert(permissive_plan::nodes[3].where == npu::placement::npu);
    const auto strict_run = run_both<npu::strict>(net, 5);
    const auto permissive_run = run_both<npu::permissive>(net, 5);
    CHECK(strict_run.npu == permissive_run.npu);
    // The MAC array's work: conv0 8*8*16*72 + pw1 4*4*16*16, and dw1 4*4*16*9 + fc 16*10 when
    // they run on the NPU too (the add's rescales are vector operations).
    CHECK(strict_run.macs == 73728 + 4096);
    CHECK(permissive_run.macs == 73728 + 4096 + 2304 + 160);
  }

  TEST_CASE("npu simulator: a dilated convolution falls back under strict, bit-exact either way") {
    test::rng r(13);
    test::constants k;
    const auto net = test::make_dilated(r, k);
    using strict_plan = npu::plan<test::dilated_graph, npu::strict>;
    static_assert(strict_plan::nodes[1].why == npu::reason::dilation);
    static_assert(strict_plan::nodes[0].where == npu::placement::npu &&
                  strict_plan::nodes[2].where == npu::placement::npu);
    static_assert(npu::plan<test::dilated_graph, npu::permissive>::full_coverage);
    check_bit_exact<npu::strict>(net, 6);
    check_bit_exact<npu::permissive>(net, 7);
    check_bit_exact<test::small_permissive>(net, 8);
  }

  TEST_CASE("npu simulator: tiled layers give the same bytes as one call") {
    test::rng r(14);
    test::constants k;
    const auto conv = test::make_tiled_conv(r, k);
    const auto conv_pool = test::make_tiled_conv_pool(r, k);
    static_assert(npu::plan<decltype(conv), test::small_strict>::nodes[0].calls == 4);
    static_assert(npu::plan<decltype(conv), npu::strict>::nodes[0].calls == 1);
    static_assert(npu::plan<decltype(conv_pool), test::small_strict>::nodes[0].calls == 8);
    check_bit_exact<test::small_strict>(conv, 9);
    check_bit_exact<npu::strict>(conv, 9);
    check_bit_exact<test::small_strict>(conv_pool, 10);
    check_bit_exact<test::small_permissive>(conv_pool, 10);
  }

  TEST_CASE("npu simulator: conv + activation + max pool over strided, padded, odd geometries") {
    constexpr bool table = true, clamp_only = false;
    check_conv_act_pool<9, 7, 8,
                        conv2d_attrs{.out_channels = 8,
                                     .kernel_h = 3,
                                     .kernel_w = 3,
                                     .stride_h = 2,
                                     .stride_w = 1,
                                     .pad_top = 1,
                                     .pad_left = 0,
                                     .pad_bottom = 2,
                                     .pad_right = 1},
                        pool2d_attrs{.kernel_h = 3, .kernel_w = 2, .stride_h = 2, .stride_w = 1},
                        test::small_permissive>(20, table);
    constexpr pool2d_attrs padded_pool{.kernel_h = 3,
                                       .kernel_w = 3,
                                       .stride_h = 2,
                                       .stride_w = 2,
                                       .pad_top = 1,
                                       .pad_left = 1,
                                       .pad_bottom = 1,
                                       .pad_right = 1};
    for (const bool with_table : {clamp_only, table})
      check_conv_act_pool<12, 12, 8, test::same_conv(16, 5), padded_pool, test::small_strict>(
          21, with_table);
    check_conv_act_pool<11, 6, 6,
                        conv2d_attrs{.out_channels = 4,
                                     .kernel_h = 4,
                                     .kernel_w = 2,
                                     .stride_h = 3,
                                     .stride_w = 2,
                                     .dilation_h = 2,
                                     .pad_top = 3,
                                     .pad_left = 1,
                                     .pad_bottom = 0,
                                     .pad_right = 0,
                                     .groups = 2},
                        pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 1, .stride_w = 1},
                        test::small_permissive>(23, table);
    check_conv_act_pool<7, 7, 8, test::same_conv(8, 7),
                        pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2},
                        npu::strict>(24, table);
  }

  TEST_CASE("npu simulator: weights too large for one call are split by output channels") {
    // 32 filters of 3x3x16 (4608 bytes) on 2 KiB: blocks of output channels, each tiled by
    // pooled rows, all merged with the activation and the max pool.
    constexpr conv2d_attrs conv = test::same_conv(32);
    constexpr pool2d_attrs pool{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2};
    using conv_t = conv2d<shape<1, 6, 6, 16>, conv>;
    using act_t = activation<conv_t::output_shape>;
    using pool_t = max_pool2d<conv_t::output_shape, pool>;
    using graph_t = graph<inputs<tensor<0, shape<1, 6, 6, 16>>>, outputs<3>,
                          graph_node<"conv", in<0>, 1, conv_t>, graph_node<"act", in<1>, 2, act_t>,
                          graph_node<"pool", in<2>, 3, pool_t>>;
    constexpr npu::node_decision d = npu::plan<graph_t, test::small_strict>::nodes[0];
    static_assert(d.group_size == 3 && d.split.channel_tiles > 1 && d.split.tiles > 1);
    check_conv_act_pool<6, 6, 16, conv, pool, test::small_strict>(25, true);
    check_conv_act_pool<6, 6, 16, conv, pool, test::small_permissive>(26, false);
  }

  TEST_CASE("npu simulator: a classifier tail (whole-input average, flatten, dense) on strict") {
    test::rng r(27);
    test::constants k;
    using x_t = shape<1, 8, 8, 64>;
    using avg_t =
        avg_pool2d<x_t, pool2d_attrs{.kernel_h = 8, .kernel_w = 8, .stride_h = 8, .stride_w = 8}>;
    using flat_t = reshape<avg_t::output_shape, shape<1, 64>>;
    using fc_t = dense<shape<1, 64>, 16>;
    avg_t avg{};
    avg.input_zero_point = -5;
    avg.multiplier = quantize_multiplier(0.9);
    const auto net = make_graph<inputs<tensor<0, x_t>>, outputs<3>>(
        node<"avg", in<0>, 1>(avg), node<"flatten", in<1>, 2>(flat_t{}),
        node<"fc", in<2>, 3>(test::random_accumulating<fc_t>(r, k)));
    static_assert(npu::require_full_coverage<decltype(net), npu::strict>);
    check_bit_exact<npu::strict>(net, 28);
    check_bit_exact<test::small_strict>(net, 29);
    check_bit_exact<test::small_permissive>(net, 29);
  }

  TEST_CASE("npu simulator: dense, pooling and element-wise layers, tiled and not") {
    test::rng r(15);
    test::constants k;
    using x_t = shape<1, 6, 5, 8>;
    using avg_t = avg_pool2d<x_t,
                             pool2d_attrs{.kernel_h = 3,
                                          .kernel_w = 3,
                                          .stride_h = 2,
                                          .stride_w = 2,
                                          .pad_top = 1,
                                          .pad_left = 1,
                                          .pad_bottom = 1,
                                          .pad_right = 1,
                                          .ceil_mode = true},
                             true>;
    using avg_out = avg_t::output_shape;
    using maxp_t = max_pool2d<avg_out, pool2d_attrs{.kernel_h = 2, .kernel_w = 2}>;
    using mul_t = mul<maxp_t::output_shape, shape<1, 1, 8>>; // broadcast over H, W
    using act_t = activation<maxp_t::output_shape>;
    using fc_t = dense<act_t::output_shape, 24>;
    using fc_act_t = activation<fc_t::output_shape>;
    avg_t avg{};
    avg.input_zero_point = 4;
    avg.output_zero_point = -3;
    avg.multiplier = quantize_multiplier(1.7);
    maxp_t maxp{};
    maxp.act_min = -90;
    act_t act{};
    act.lut = k.keep(test::scrambled_table(3));
    fc_act_t fc_act{};
    fc_act.act_max = 70;
    const auto net = make_graph<inputs<tensor<0, x_t>, tensor<1, shape<1, 1, 8>>>, outputs<7>>(
        node<"avg", in<0>, 2>(avg), node<"max", in<2>, 3>(maxp),
        node<"mul", in<3, 1>, 4>(mul_t{test::random_mul_params(r)}), node<"act", in<4>, 5>(act),
        node<"fc", in<5>, 6>(
            test::random_accumulating<fc_t>(r, k, {-128, 127}, k.keep(test::scrambled_table(4)))),
        node<"fc_act", in<6>, 7>(fc_act));
    using graph_t = decltype(net);
    static_assert(npu::plan<graph_t, npu::permissive>::full_coverage);
    static_assert(npu::plan<graph_t, npu::permissive>::nodes[4].group_size == 2); // fc + act
    static_assert(npu::plan<graph_t, npu::strict>::nodes[0].why == npu::reason::ceil_mode);
    static_assert(npu::plan<graph_t, npu::strict>::nodes[2].why ==
                  npu::reason::disabled_operation); // no mul
    check_bit_exact<npu::permissive>(net, 30);
    check_bit_exact<test::small_permissive>(net, 31);
    check_bit_exact<npu::strict>(net, 32);
    check_bit_exact<test::permissive_no_lut>(net, 33);
  }

  TEST_CASE("npu simulator: without a table unit the CPU applies tables after the call") {
    test::rng r(16);
    test::constants k;
    using conv_t = test::tiled_conv;
    const auto net = make_graph<inputs<tensor<0, test::tiled_in>>, outputs<2>>(
        node<"conv", in<0>, 1>(
            test::random_accumulating<conv_t>(r, k, {-128, 127}, k.keep(test::scrambled_table(9)))),
        node<"pool", in<1>, 2>(test::tiled_pool{}));
    using no_lut = npu::plan<decltype(net), test::permissive_no_lut>;
    static_assert(no_lut::nodes[0].group_size == 1 && no_lut::nodes[1].where == npu::placement::npu,
                  "nothing merges after a table the NPU cannot apply");
    check_bit_exact<test::permissive_no_lut>(net, 40);
    check_bit_exact<npu::permissive>(net, 40);
  }

  TEST_CASE("npu simulator: a CPU fallback other than ref is used for CPU nodes") {
    test::rng r(17);
    test::constants k;
    const auto net = test::make_block(r, k);
    const auto res = run_both<npu::strict, cpu_without_kernels>(net, 50);
    REQUIRE(res.status.ok());
    CHECK(res.npu == res.ref);
  }

  TEST_CASE("npu simulator: the observer sees every tensor that exists, as ref computes it") {
    test::rng r(34);
    test::constants k;
    const auto net = test::make_block(r, k);
    struct seen {
      std::vector<std::string> names;
      std::vector<std::size_t> indices;
      std::vector<std::vector<std::int8_t>> tensors;
    };
    auto recorder = [](seen &into) {
      return [&into](std::string_view name, std::size_t index, const tensor_view &t) {
        into.names.emplace_back(name);
        into.indices.push_back(index);
        into.tensors.emplace_back(t.data, t.data + t.size());
      };
    };
    const auto x = r.int8s(test::block_in::size);
    std::vector<std::int8_t> out(10), arena(test::block_graph::arena_bytes);
    seen ref, npu_seen;
    net.run(x.data(), out.data(), arena.data(), recorder(ref));
    static npu::simulator<npu::strict> sim;
    sim.deferred = true; // the runner must wait before handing a tensor to the observer
    REQUIRE(backends::npu<npu::simulator<npu::strict>>::run(net, sim, x.data(), out.data(),
                                                            arena.data(), recorder(npu_seen))
                .ok());
    // conv0 and relu0 are inside the merged call: their tensors never exist.
    CHECK(npu_seen.names == std::vector<std::string>{"pool0", "dw1", "pw1", "add1", "gap", "fc"});
    CHECK(npu_seen.indices == std::vector<std::size_t>{2, 3, 4, 5, 6, 7});
    for (std::size_t i = 0; i < npu_seen.indices.size(); ++i)
      CHECK(npu_seen.tensors[i] == ref.tensors[npu_seen.indices[i]]);
  }

  TEST_CASE("npu simulator: the observer sees an int32 output as int32, as under ref") {
    // A ConvInteger (int32 elements) runs on the CPU fallback; the runner's view of its output
    // must say 4 bytes per element, as graph::run's does (both come from slot_binding).
    constexpr std::array<std::int8_t, 4> w{1, 2, 3, 4};
    constexpr std::array<std::int32_t, 1> wz{0};
    using conv_t = conv2d_integer<shape<1, 2, 2, 1>,
                                  conv2d_attrs{.out_channels = 1, .kernel_h = 2, .kernel_w = 2}>;
    const conv_t conv{.weights = w, .input_zero_point = 0, .weight_zero_points = wz};
    const auto net =
        make_graph<inputs<tensor<0, shape<1, 2, 2, 1>>>, outputs<1>>(node<"conv", in<0>, 1>(conv));
    const std::array<std::int8_t, 4> x{1, 1, 1, -1};
    std::array<std::int8_t, 4> out{};
    std::array<std::int8_t, 16> arena{};
    std::vector<std::size_t> element_bytes;
    std::vector<std::int32_t> values;
    auto observer = [&](std::string_view, std::size_t, const tensor_view &t) {
      element_bytes.push_back(t.element_bytes);
      values.push_back(t.element_bytes == 4 ? load_int32(t.data, 0) : t[0]);
    };
    net.run(x.data(), out.data(), arena.data(), observer);
    static npu::simulator<npu::strict> sim;
    REQUIRE(backends::npu<npu::simulator<npu::strict>>::run(net, sim, x.data(), out.data(),
                                                            arena.data(), observer)
                .ok());
    CHECK(element_bytes == std::vector<std::size_t>{4, 4});
    CHECK(values == std::vector<std::int32_t>{2, 2}); // 1 + 2 + 3 - 4
    CHECK(load_int32(out.data(), 0) == 2);
  }

  TEST_CASE("npu simulator: a driver claiming capabilities the hardware lacks is stopped") {
    test::rng r(18);
    test::constants k;
    const auto net = test::make_block(r, k);
    static npu::simulator<npu::strict> hardware;
    hardware.reset();
    overclaiming_driver drv{&hardware};
    std::vector<std::int8_t> x(test::block_in::size, 1), out(10),
        arena(test::block_graph::arena_bytes);
    const npu::run_status st =
        backends::npu<overclaiming_driver>::run(net, drv, x.data(), out.data(), arena.data());
    CHECK_FALSE(st.ok());
    CHECK(st.result.code == npu::error::rejected);
    CHECK(st.result.detail == npu::reason::depthwise);
    CHECK(st.node == 3);                 // dw1
    REQUIRE(hardware.log().size() == 2); // conv0+relu0+pool0, then dw1
    CHECK(hardware.log()[1].result == npu::rejected(npu::reason::depthwise));
    CHECK(hardware.log()[1].cycles == 0);
    CHECK(hardware.rejected_calls() == 1);
  }

  TEST_CASE("npu simulator: rejects descriptors outside its capabilities, one reason each") {
    npu::simulator<test::small_strict> sim;
    using dw_t = test::block_dw1;
    const auto dw = npu::describe(dw_t{});
    CHECK(sim.submit(dw) == npu::rejected(npu::reason::depthwise));

    auto d = npu::describe(test::tiled_conv{});
    CHECK(npu::check(d, test::small_strict) == npu::reason::exceeds_on_chip_buffer);
    CHECK(sim.submit(d) == npu::rejected(npu::reason::exceeds_on_chip_buffer));
    d.rows = {14, 4}; // past the last row
    CHECK(sim.submit(d) == npu::rejected(npu::reason::invalid_descriptor));
    d = npu::describe(test::tiled_conv{});
    d.window.kernel_h = 2; // inconsistent with conv_output
    CHECK(sim.submit(d) == npu::rejected(npu::reason::invalid_descriptor));

    auto e = npu::describe(test::block_add1{});
    e.b_dims[3] = 1; // broadcast, which strict lacks
    CHECK(sim.submit(e) == npu::rejected(npu::reason::broadcast));

    static constexpr lut256 table{};
    npu::simulator<test::permissive_no_lut> no_lut;
    auto t = npu::describe(test::block_relu0{});
    t.activation.lut = &table;
    CHECK(no_lut.submit(t) == npu::rejected(npu::reason::lut_activation));
    CHECK(sim.calls() == 5);
    CHECK(sim.rejected_calls() == 5);
    CHECK(sim.cycles() == 0);
  }

  TEST_CASE("npu simulator: cycles follow the documented model; the log keeps every call") {
    // conv 16x16x8 -> 8, 3x3, on small_strict: 4 tiles of 4 output rows.
    // tile 0 reads input rows 0..4 (5 rows), tiles 1, 2 rows 3..8 / 7..12 (6), tile 3 rows 11..15.
    // bytes per row: 16 * 8 = 128; weights 8*9*8 = 576; tables 12 * 8 = 96.
    // dma = in + weights + tables + out (4 rows, 512); macs = 4*16*8*72 = 36864 per tile.
    // cycles = 200 + dma/16 + macs/256.
    test::rng r(19);
    test::constants k;
    const auto net = test::make_tiled_conv(r, k);
    const auto res = run_both<test::small_strict>(net, 60);
    REQUIRE(res.status.ok());
    const std::uint64_t tile_macs = 4 * 16 * 8 * 72;
    auto tile_cycles = [&](std::uint64_t in_rows) {
      const std::uint64_t dma = in_rows * 128 + 576 + 96 + 512;
      return 200 + (dma + 15) / 16 + (tile_macs + 255) / 256;
    };
    CHECK(res.calls == 4);
    CHECK(res.macs == 4 * tile_macs);
    CHECK(res.cycles == tile_cycles(5) + tile_cycles(6) + tile_cycles(6) + tile_cycles(5));
    static_assert(npu::plan<decltype(net), test::small_strict>::npu_cycles ==
                  (200 + (5 * 128 + 1184 + 15) / 16 + 144) * 2 +
                      (200 + (6 * 128 + 1184 + 15) / 16 + 144) * 2);
  }

  TEST_CASE("npu simulator: the command log has a fixed capacity and counts what it drops") {
    npu::simulator<test::small_permissive, 2> sim;
    auto d = npu::describe(test::block_relu0{});
    std::array<std::int8_t, test::block_relu0::output_shape::size> x{}, y{};
    d.a = x.data();
    d.dst = y.data();
    d.elements = {0, 256}; // in + out = 512 bytes of the 1 KiB
    for (int i = 0; i < 5; ++i)
      CHECK(sim.submit(d).ok());
    CHECK(sim.log().size() == 2);
    CHECK(sim.calls() == 5);
    CHECK(sim.dropped() == 3);
  }
}
