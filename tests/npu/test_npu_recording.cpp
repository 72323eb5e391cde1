// What backends::npu hands a driver, pinned with the recording driver: the descriptor of a merged
// conv + activation + max pool call, the calls of a tiled layer, the order of calls and waits
// around CPU fallbacks, and how a driver error stops a run.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "npu_test_graphs.hpp"

using namespace onnx2hpp;

namespace {

template <npu::capabilities Caps, class Graph, class Driver>
npu::run_status record(const Graph &net, Driver &drv, std::vector<std::int8_t> &x,
                       std::vector<std::int8_t> &out, std::vector<std::int8_t> &arena) {
  x.assign(Graph::template input_shape_t<0>::size, 0);
  out.assign(Graph::template output_shape_t<0>::size, 0);
  arena.assign(Graph::arena_bytes, 0);
  return backends::npu<Driver>::run(net, drv, x.data(), out.data(), arena.data());
}

} // namespace

TEST_SUITE("npu") {

  TEST_CASE("npu recording: conv + relu + max pool become one conv call with everything in it") {
    test::rng r(1);
    test::constants k;
    const auto net = test::make_block(r, k);
    npu::recording_driver<npu::strict> drv;
    std::vector<std::int8_t> x, out, arena;
    REQUIRE(record<npu::strict>(net, drv, x, out, arena).ok());

    REQUIRE(drv.conv_calls() == 2); // conv0+relu0+pool0, pw1
    const npu::conv_descriptor &d = drv.conv(0);
    const auto &conv0 = boost::hana::at_c<0>(net.nodes).layer;
    CHECK(d.node == 0);
    CHECK(d.input == npu::feature_map{1, 8, 8, 8});
    CHECK(d.conv_output == npu::feature_map{1, 8, 8, 16});
    CHECK(d.window == npu::window2d{3, 3, 1, 1, 1, 1, 1, 1, 1, 1});
    CHECK(d.groups == 1);
    // Quantization: the layer's own constants, not copies.
    CHECK(d.weights.data() == conv0.weights.data());
    CHECK(d.bias.data() == conv0.bias.data());
    CHECK(d.input_zero_point == conv0.input_zero_point);
    CHECK(d.output.requant.multiplier.data() == conv0.output.requant.multiplier.data());
    CHECK(d.output.requant.count == 16);
    CHECK(d.output.zero_point == conv0.output.zero_point);
    // relu0 (clamp at -20) and pool0 (2x2 stride 2) merged; the call writes the pooled tensor.
    CHECK(d.fused_activation);
    CHECK(d.activation.act_min == -20);
    CHECK(d.activation.act_max == 127);
    CHECK(d.activation.lut == nullptr);
    CHECK(d.fused_pool);
    CHECK(d.pool == npu::window2d{2, 2, 2, 2, 1, 1, 0, 0, 0, 0});
    CHECK(d.out == npu::feature_map{1, 4, 4, 16});
    CHECK(d.rows == npu::tile_range{0, 4});
    // Buffers: the graph input, and pool0's slot (3) in the arena.
    CHECK(d.src == x.data());
    CHECK(d.dst == arena.data() + test::block_graph::plan.offset[3]);
    // The same descriptor, addresses aside, is a constant expression of the layer types.
    constexpr npu::conv_descriptor geometry = [] {
      npu::conv_descriptor g = npu::describe(test::block_conv0{});
      npu::fuse(g, test::block_relu0{});
      npu::fuse(g, test::block_pool0{});
      return g;
    }();
    static_assert(geometry.out == npu::feature_map{1, 4, 4, 16} && geometry.fused_pool);
    CHECK(npu::cost_of(geometry).macs == npu::cost_of(d).macs);
  }

  TEST_CASE("npu recording: CPU nodes are not sent; the runner waits before each of them") {
    test::rng r(2);
    test::constants k;
    const auto net = test::make_block(r, k);
    npu::recording_driver<npu::strict> drv;
    std::vector<std::int8_t> x, out, arena;
    REQUIRE(record<npu::strict>(net, drv, x, out, arena).ok());
    // conv0+relu0+pool0 | wait, dw1 on the CPU | pw1, add1, gap | wait, fc on the CPU.
    REQUIRE(drv.calls() == 4);
    CHECK(drv.sequence(0).kind == npu::call_kind::conv);
    CHECK(drv.sequence(1).kind == npu::call_kind::conv);
    CHECK(drv.sequence(2).kind == npu::call_kind::elementwise);
    CHECK(drv.sequence(3).kind == npu::call_kind::pool);
    CHECK(drv.conv(1).node == 4);
    CHECK(drv.waits() == 2);

    const npu::elementwise_descriptor &add = drv.elementwise(0);
    const auto &add1 = boost::hana::at_c<5>(net.nodes).layer;
    CHECK(add.node == 5);
    CHECK(add.op == npu::elementwise_op::add);
    CHECK(add.rank == 4);
    CHECK(add.out_dims[3] == 16);
    CHECK(add.b_dims == add.out_dims);
    CHECK(add.add.a_multiplier.multiplier == add1.params.a_multiplier.multiplier);
    CHECK(add.add.act_max == 120);
    CHECK(add.a == arena.data() + test::block_graph::plan.offset[5]); // pw1's output
    CHECK(add.b == arena.data() + test::block_graph::plan.offset[3]); // pool0's output
    CHECK(add.elements == npu::tile_range{0, 256});

    const npu::pool_descriptor &gap = drv.pool(0);
    CHECK(gap.kind == npu::pool_kind::global_average);
    CHECK(gap.input == npu::feature_map{1, 4, 4, 16});
    CHECK(gap.output == npu::feature_map{1, 1, 1, 16});
    CHECK(gap.input_zero_point == 3);
    CHECK(gap.output_zero_point == -2);
  }

  TEST_CASE("npu recording: a tiled layer is one call per tile, each with its rows") {
    test::rng r(3);
    test::constants k;
    const auto net = test::make_tiled_conv(r, k);
    npu::recording_driver<test::small_strict> drv;
    std::vector<std::int8_t> x, out, arena;
    REQUIRE(record<test::small_strict>(net, drv, x, out, arena).ok());
    REQUIRE(drv.conv_calls() == 4);
    for (std::size_t t = 0; t < 4; ++t) {
      const npu::conv_descriptor &d = drv.conv(t);
      CHECK(d.node == 0);
      CHECK(d.rows == npu::tile_range{4 * t, 4});
      CHECK(d.src == x.data());
      CHECK(d.dst == out.data());
      CHECK(d.out == npu::feature_map{1, 16, 16, 8});
      CHECK(npu::check(d, test::small_strict) == npu::reason::none);
    }
    // Interior tiles read a row of halo on each side: 6 input rows of 128 bytes, 576 bytes of
    // weights, 96 of per-channel tables and 4 output rows: 2000 bytes of the 2048.
    CHECK(npu::cost_of(drv.conv(1)).on_chip_bytes == 6 * 128 + 576 + 96 + 4 * 128);
    CHECK(drv.waits() == 1);
  }

  TEST_CASE("npu recording: a merged and tiled call splits the pooled rows") {
    test::rng r(4);
    test::constants k;
    const auto net = test::make_tiled_conv_pool(r, k);
    npu::recording_driver<test::small_strict> drv;
    std::vector<std::int8_t> x, out, arena;
    REQUIRE(record<test::small_strict>(net, drv, x, out, arena).ok());
    REQUIRE(drv.conv_calls() == 8);
    const npu::conv_descriptor &d = drv.conv(3);
    CHECK(d.fused_pool);
    CHECK(d.rows == npu::tile_range{3, 1});
    // Pooled row 3 needs conv rows 6..7, which need input rows 5..8.
    const npu::conv_rows rows = npu::conv_tile_rows(d);
    CHECK(rows.conv == npu::row_span{6, 8});
    CHECK(rows.input == npu::row_span{5, 9});
  }

  TEST_CASE("npu recording: a driver error stops the run and names the node") {
    test::rng r(5);
    test::constants k;
    const auto net = test::make_block(r, k);
    npu::recording_driver<npu::strict> drv;
    drv.fail_call = 1; // pw1
    std::vector<std::int8_t> x, out, arena;
    const npu::run_status st = record<npu::strict>(net, drv, x, out, arena);
    CHECK_FALSE(st.ok());
    CHECK(st.result.code == npu::error::device_error);
    CHECK(st.node == 4);
    CHECK(drv.calls() == 2); // nothing after the failed call
    CHECK(drv.waits() == 2); // before dw1, and the drain before returning
  }
}
