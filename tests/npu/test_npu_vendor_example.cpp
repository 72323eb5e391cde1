// The vendor driver example (examples/npu_vendor_driver) in the test suite: ACME's driver,
// through its SDK's job structs and the host stand-in, gives the same bytes as ref; and what its
// SDK cannot express but its capability description allows is refused at run time.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "../../examples/npu_vendor_driver/acme_npu_driver.hpp"
#include "../../examples/npu_vendor_driver/acme_npu_host.hpp"
#include "npu_test_graphs.hpp"

using namespace onnx2hpp;

namespace {

template <class Graph>
npu::run_status run_on_acme(const Graph &net, std::uint64_t seed, std::vector<std::int8_t> &ref,
                            std::vector<std::int8_t> &got) {
  static acme_npu device;
  device.hardware.reset();
  acme::npu_driver driver(&device);
  test::rng r(seed);
  const auto x = r.int8s(Graph::template input_shape_t<0>::size);
  ref.assign(Graph::template output_shape_t<0>::size, 0);
  got.assign(ref.size(), 55);
  std::vector<std::int8_t> arena(Graph::arena_bytes + 1);
  net.run(x.data(), ref.data(), arena.data());
  return backends::npu<acme::npu_driver>::run(net, driver, x.data(), got.data(), arena.data());
}

} // namespace

TEST_SUITE("npu") {

  TEST_CASE("npu vendor example: the ACME driver is bit-exact with ref on the block graph") {
    test::rng r(70);
    test::constants k;
    const auto net = test::make_block(r, k);
    using plan = npu::plan<test::block_graph, acme::caps>;
    static_assert(plan::nodes[0].group_size == 3 && plan::nodes_on_npu == 6);
    std::vector<std::int8_t> ref, got;
    const npu::run_status st = run_on_acme(net, 71, ref, got);
    REQUIRE(st.ok());
    CHECK(got == ref);
  }

  TEST_CASE("npu vendor example: a window the SDK cannot express is refused, not approximated") {
    // A 3x2 max pool: both extents are in caps.pool_kernel, so the plan sends it to the NPU; the
    // SDK's pool job has square windows only, so the driver refuses it.
    using x_t = shape<1, 8, 8, 8>;
    using pool_t =
        max_pool2d<x_t, pool2d_attrs{.kernel_h = 3, .kernel_w = 2, .stride_h = 1, .stride_w = 2}>;
    const auto net =
        make_graph<inputs<tensor<0, x_t>>, outputs<1>>(node<"pool", in<0>, 1>(pool_t{}));
    static_assert(npu::plan<decltype(net), acme::caps>::full_coverage);
    std::vector<std::int8_t> ref, got;
    const npu::run_status st = run_on_acme(net, 72, ref, got);
    CHECK_FALSE(st.ok());
    CHECK(st.result == npu::rejected(npu::reason::driver_limit));
    CHECK(st.node == 0);
  }
}
