// The compile-time side of the NPU backend: capability checks with their reason codes, tiling,
// and the plan of small hand-written graphs (coverage constants, merging, fallback reasons).
#include <doctest/doctest.h>

#include <cstdint>

#include "npu_test_graphs.hpp"

using namespace onnx2hpp;

namespace {

// --- presets and checks --------------------------------------------------------------------------

static_assert(npu::strict.conv_kernel.contains(7) && !npu::strict.conv_kernel.contains(2) &&
              !npu::strict.conv_kernel.contains(9));
static_assert(npu::permissive.conv_kernel.contains(15) &&
              !npu::permissive.conv_kernel.contains(16));
static_assert(npu::preset("strict")->channel_alignment == 8);
static_assert(npu::preset("permissive")->conv_depthwise);
static_assert(!npu::preset("turbo").has_value());
static_assert(npu::reason_name(npu::reason::depthwise) == "depthwise");

template <conv2d_attrs A, class In = shape<1, 8, 8, 8>>
constexpr npu::reason strict_conv_reason() {
  return npu::check_operation(npu::describe(conv2d<In, A>{}), npu::strict);
}
static_assert(strict_conv_reason<conv2d_attrs{.out_channels = 8, .kernel_h = 3, .kernel_w = 3}>() ==
              npu::reason::none);
static_assert(strict_conv_reason<conv2d_attrs{.out_channels = 8, .kernel_h = 2, .kernel_w = 2}>() ==
              npu::reason::kernel_size);
static_assert(strict_conv_reason<conv2d_attrs{.out_channels = 8, .kernel_h = 3, .kernel_w = 1}>() ==
              npu::reason::none); // 3x1: both extents in the set
static_assert(strict_conv_reason<conv2d_attrs{
                  .out_channels = 8, .kernel_h = 1, .kernel_w = 1, .stride_h = 3}>() ==
              npu::reason::stride);
static_assert(strict_conv_reason<conv2d_attrs{
                  .out_channels = 8, .kernel_h = 3, .kernel_w = 3, .dilation_w = 2}>() ==
              npu::reason::dilation);
static_assert(strict_conv_reason<conv2d_attrs{
                  .out_channels = 8, .kernel_h = 3, .kernel_w = 3, .pad_top = 4}>() ==
              npu::reason::padding);
static_assert(
    strict_conv_reason<conv2d_attrs{.out_channels = 16, .kernel_h = 1, .kernel_w = 1, .groups = 2}>(
        /* 8 channels in 2 groups of 4: grouped */) == npu::reason::grouped);
static_assert(strict_conv_reason<conv2d_attrs{.out_channels = 8, .kernel_h = 1, .kernel_w = 1},
                                 shape<1, 8, 8, 3>>() == npu::reason::channel_alignment);
static_assert(strict_conv_reason<conv2d_attrs{.out_channels = 8, .kernel_h = 1, .kernel_w = 1},
                                 shape<2, 8, 8, 8>>() == npu::reason::batch);
static_assert(npu::check_operation(npu::describe(dense<shape<1, 16>, 10>{}), npu::strict) ==
              npu::reason::channel_alignment);
static_assert(npu::check_operation(npu::describe(dense<shape<1, 16>, 16>{}), npu::strict) ==
              npu::reason::none);

// The input rows a window reads: 3x3, stride 2, pad 1 over 9 rows; output rows 1..2 read 1..5.
static_assert(npu::source_rows({1, 2}, 9, 3, 2, 1, 1) == npu::row_span{1, 6});
static_assert(npu::source_rows({0, 1}, 9, 3, 2, 1, 1) == npu::row_span{0, 2}); // top padding
static_assert(npu::source_rows({3, 2}, 9, 3, 2, 1, 1) == npu::row_span{5, 9}); // clipped at 9

// Tiling of the 16x16x8 3x3 conv on 2 KiB: 4 rows a call (see test_npu_simulator's cycle test).
constexpr npu::tiling conv_tiles =
    npu::plan_tiles(npu::describe(test::tiled_conv{}), test::small_strict);
static_assert(conv_tiles.why == npu::reason::none && conv_tiles.tile == 4 && conv_tiles.tiles == 4);
static_assert(npu::plan_tiles(npu::describe(test::tiled_conv{}), npu::strict).tiles == 1);
constexpr npu::capabilities no_tiling = [] {
  npu::capabilities c = test::small_strict;
  c.tiling = false;
  return c;
}();
static_assert(npu::decide(npu::describe(test::tiled_conv{}), no_tiling).why ==
              npu::reason::exceeds_on_chip_buffer);
static_assert(npu::with_tile(npu::describe(test::tiled_conv{}), conv_tiles, 3).rows ==
              npu::tile_range{12, 4});

// The generator's view: no layer types, a descriptor from values, the same answers.
constexpr npu::tiling from_values = [] {
  npu::conv_descriptor d =
      npu::conv_geometry({1, 16, 16, 8}, 8, npu::window2d{3, 3, 1, 1, 1, 1, 1, 1, 1, 1});
  npu::fuse_max_pool(d, npu::window2d{2, 2, 2, 2}, -128, 127);
  return npu::decide(d, test::small_strict);
}();
static_assert(from_values.why == npu::reason::none && from_values.calls() == 8);
static_assert(npu::decide(npu::conv_geometry({1, 16, 16, 8}, 8,
                                             npu::window2d{3, 3, 1, 1, 2, 2, 2, 2, 2, 2}),
                          npu::strict)
                  .why == npu::reason::dilation);
static_assert(npu::decide(npu::fc_geometry(1, 256, 10), npu::strict).why ==
              npu::reason::channel_alignment);
static_assert(npu::pool_geometry(npu::pool_kind::average, {1, 8, 8, 64}, {8, 8, 8, 8}).kind ==
              npu::pool_kind::global_average);

// --- the plan of the block graph -----------------------------------------------------------------

using strict_block = npu::plan<test::block_graph, npu::strict>;
using permissive_block = npu::plan<test::block_graph, npu::permissive>;

// conv0 + relu0 + pool0 become one call; dw1 (depthwise) and fc (10 units, not a multiple of 8)
// stay on the CPU.
static_assert(strict_block::nodes[0].where == npu::placement::npu);
static_assert(strict_block::nodes[0].call == npu::call_kind::conv);
static_assert(strict_block::nodes[0].group_size == 3);
static_assert(strict_block::nodes[1].where == npu::placement::fused);
static_assert(strict_block::nodes[2].where == npu::placement::fused);
static_assert(strict_block::reason_of<3> == npu::reason::depthwise);
static_assert(strict_block::nodes[4].call == npu::call_kind::conv);
static_assert(strict_block::nodes[5].call == npu::call_kind::elementwise);
static_assert(strict_block::nodes[6].call == npu::call_kind::pool);
static_assert(strict_block::reason_of<7> == npu::reason::channel_alignment);
static_assert(strict_block::node_name<7> == "fc");
static_assert(strict_block::nodes_on_npu == 6 && strict_block::nodes_on_cpu == 2);
static_assert(strict_block::driver_calls == 4);
// MACs: conv0 8*8*16*(3*3*8) = 73728, dw1 4*4*16*9 = 2304, pw1 4*4*16*16 = 4096, add 256 (one
// rescale per element), gap 0, fc 16*10 = 160.
static_assert(strict_block::total_macs == 80544);
static_assert(strict_block::macs_on_npu == 73728 + 4096 + 256);
static_assert(strict_block::mac_fraction > 0.969 && strict_block::mac_fraction < 0.970);
static_assert(!strict_block::full_coverage);

static_assert(permissive_block::full_coverage);
static_assert(permissive_block::nodes_on_npu == 8 && permissive_block::driver_calls == 6);
static_assert(permissive_block::mac_fraction == 1.0);
static_assert(npu::require_full_coverage<test::block_graph, npu::permissive>);

// On 2 KiB the merged conv0 call is split into 4 calls of one pooled row each.
static_assert(npu::plan<test::block_graph, test::small_strict>::nodes[0].group_size == 3);
static_assert(npu::plan<test::block_graph, test::small_strict>::nodes[0].calls == 4);

// --- what stops a merge --------------------------------------------------------------------------

using chain_in = shape<1, 8, 8, 8>;
using conv_t = conv2d<chain_in, test::same_conv(8)>;
using act_t = activation<chain_in>;
using pool_t =
    max_pool2d<chain_in, pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2}>;
using small_pool_in = shape<1, 4, 4, 8>;
using conv_small_t =
    conv2d<small_pool_in, conv2d_attrs{.out_channels = 8, .kernel_h = 1, .kernel_w = 1}>;

// The activation's input is read by a second node: it must exist, so conv and act stay apart.
using shared_graph = decltype(make_graph<inputs<tensor<0, chain_in>>, outputs<2, 3>>(
    node<"conv", in<0>, 1>(conv_t{}), node<"act", in<1>, 2>(act_t{}),
    node<"other", in<1>, 3>(act_t{})));
static_assert(npu::plan<shared_graph, npu::strict>::nodes[0].group_size == 1);
static_assert(npu::plan<shared_graph, npu::strict>::nodes[1].where == npu::placement::npu);

// The conv's output is a graph output: same.
using exposed_graph = decltype(make_graph<inputs<tensor<0, chain_in>>, outputs<1, 2>>(
    node<"conv", in<0>, 1>(conv_t{}), node<"act", in<1>, 2>(act_t{})));
static_assert(npu::plan<exposed_graph, npu::strict>::nodes[0].group_size == 1);

// A ceil-mode max pool cannot be merged (the merged call pools in floor mode).
using ceil_pool_t =
    max_pool2d<chain_in,
               pool2d_attrs{
                   .kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .ceil_mode = true}>;
using ceil_graph = decltype(make_graph<inputs<tensor<0, chain_in>>, outputs<2>>(
    node<"conv", in<0>, 1>(conv_t{}), node<"pool", in<1>, 2>(ceil_pool_t{})));
static_assert(npu::plan<ceil_graph, npu::permissive>::nodes[0].group_size == 1);
static_assert(npu::plan<ceil_graph, npu::permissive>::nodes[1].where == npu::placement::npu);

// The memory plan put the pool's output where the conv's input was (that input is dead after the
// conv): a tiled merged call would overwrite rows it has not read yet, so conv_b and pool are two
// calls.
using overlap_graph = decltype(make_graph<inputs<tensor<0, chain_in>>, outputs<4>>(
    node<"conv_a", in<0>, 1>(conv_t{}), node<"conv_b", in<1>, 2>(conv_t{}),
    node<"pool", in<2>, 3>(pool_t{}), node<"conv_c", in<3>, 4>(conv_small_t{})));
static_assert(overlap_graph::plan.offset[3] < overlap_graph::plan.offset[1] + 512 &&
                  overlap_graph::plan.offset[1] < overlap_graph::plan.offset[3] + 128,
              "the premise: slots 1 and 3 share arena bytes");
static_assert(npu::plan<overlap_graph, npu::strict>::nodes[1].group_size == 1);
static_assert(npu::plan<overlap_graph, npu::strict>::nodes[2].where == npu::placement::npu);
static_assert(npu::plan<overlap_graph, npu::strict>::full_coverage);

// Layers without an NPU operation; a reshape is a copy the NPU makes.
using layout_graph = decltype(make_graph<inputs<tensor<0, chain_in>>, outputs<3>>(
    node<"conv", in<0>, 1>(conv_t{}), node<"to_nchw", in<1>, 2>(transpose<chain_in, 0, 3, 1, 2>{}),
    node<"flatten", in<2>, 3>(reshape<chain_in, shape<1, 512>>{})));
static_assert(npu::plan<layout_graph, npu::permissive>::reason_of<1> ==
              npu::reason::unsupported_layer);
static_assert(npu::plan<layout_graph, npu::strict>::nodes[2].call == npu::call_kind::elementwise);

// The rounding mode is part of the layer's type: a layer requantizing in rounding_mode::onnxruntime
// is on the CPU at compile time (reason::rounding_mode), whatever the preset, and the coverage
// constants say so; the fixed-point twin of the same graph runs entirely on the NPU.
constexpr conv2d_attrs ort_conv_attrs = [] {
  conv2d_attrs a = test::same_conv(8);
  a.rounding = rounding_mode::onnxruntime;
  return a;
}();
using ort_conv_t = conv2d<chain_in, ort_conv_attrs>;
using ort_graph = decltype(make_graph<inputs<tensor<0, chain_in>>, outputs<3>>(
    node<"conv", in<0>, 1>(ort_conv_t{}), node<"act", in<1>, 2>(act_t{}),
    node<"pool", in<2>, 3>(pool_t{})));
using fixed_graph = decltype(make_graph<inputs<tensor<0, chain_in>>, outputs<3>>(
    node<"conv", in<0>, 1>(conv_t{}), node<"act", in<1>, 2>(act_t{}),
    node<"pool", in<2>, 3>(pool_t{})));
using ort_plan = npu::plan<ort_graph, npu::permissive>;
static_assert(ort_plan::nodes[0].where == npu::placement::cpu);
static_assert(ort_plan::reason_of<0> == npu::reason::rounding_mode);
static_assert(ort_plan::nodes[1].where == npu::placement::npu); // the activation alone
static_assert(ort_plan::nodes_on_cpu == 1 && !ort_plan::full_coverage);
static_assert(ort_plan::macs_on_npu == 0 && ort_plan::mac_fraction == 0.0);
static_assert(npu::plan<fixed_graph, npu::permissive>::full_coverage);
static_assert(npu::plan<fixed_graph, npu::permissive>::nodes[0].group_size == 3);
// Every requantizing layer family carries the mode.
static_assert(npu::npu_layer<ort_conv_t>::precheck == npu::reason::rounding_mode);
static_assert(npu::npu_layer<dense<shape<1, 16>, 16, rounding_mode::onnxruntime>>::precheck ==
              npu::reason::rounding_mode);
static_assert(npu::npu_layer<dense<shape<1, 16>, 16>>::precheck == npu::reason::none);
static_assert(npu::npu_layer<add<chain_in, chain_in, rounding_mode::onnxruntime>>::precheck ==
              npu::reason::rounding_mode);
static_assert(npu::npu_layer<add<chain_in, chain_in>>::precheck == npu::reason::none);
static_assert(npu::npu_layer<mul<chain_in, chain_in, rounding_mode::onnxruntime>>::precheck ==
              npu::reason::rounding_mode);
static_assert(npu::npu_layer<global_avg_pool<chain_in, rounding_mode::onnxruntime>>::precheck ==
              npu::reason::rounding_mode);
static_assert(npu::npu_layer<avg_pool2d<chain_in, pool2d_attrs{.kernel_h = 2, .kernel_w = 2}, false,
                                        rounding_mode::onnxruntime>>::precheck ==
              npu::reason::rounding_mode);

// An average over the whole unpadded input is a global average, whatever its extent.
static_assert(
    npu::describe(
        avg_pool2d<shape<1, 25, 5, 64>,
                   pool2d_attrs{.kernel_h = 25, .kernel_w = 5, .stride_h = 25, .stride_w = 5}>{})
        .kind == npu::pool_kind::global_average);
static_assert(npu::describe(avg_pool2d<shape<1, 25, 5, 64>,
                                       pool2d_attrs{.kernel_h = 25, .kernel_w = 5, .pad_top = 1}>{})
                  .kind == npu::pool_kind::average);

// Weights too large for one row: a 1x1 conv 256 -> 256 (64 KiB of weights) on strict is split
// into blocks of output channels.
using wide_conv =
    conv2d<shape<1, 3, 3, 256>, conv2d_attrs{.out_channels = 256, .kernel_h = 1, .kernel_w = 1}>;
constexpr npu::tiling wide_tiles = npu::plan_tiles(npu::describe(wide_conv{}), npu::strict);
static_assert(wide_tiles.why == npu::reason::none);
static_assert(wide_tiles.channel_tile % 8 == 0 && wide_tiles.channel_tiles >= 2);
static_assert(wide_tiles.channel_tile * 256 + 12 * wide_tiles.channel_tile <=
              npu::strict.on_chip_bytes);

} // namespace

TEST_SUITE("npu") {

  TEST_CASE("npu plan: coverage constants of the block graph are what the capabilities allow") {
    // The assertions above run at compile time; this records them in the test report.
    CHECK(strict_block::nodes_on_npu == 6);
    CHECK(strict_block::macs_on_npu == 78080);
    CHECK(permissive_block::nodes_on_npu == 8);
    CHECK(strict_block::npu_cycles > 0);
    CHECK(permissive_block::npu_cycles > 0);
  }

  TEST_CASE("npu plan: the reasons read as words") {
    CHECK(npu::reason_name(strict_block::reason_of<3>) == "depthwise");
    CHECK(npu::reason_name(strict_block::reason_of<7>) == "channel_alignment");
    CHECK(npu::placement_name(strict_block::nodes[1].where) == "fused");
  }
}
