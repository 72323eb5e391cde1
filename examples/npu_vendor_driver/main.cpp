// An app running a small network on the ACME NPU through backends::npu. On the board, link the
// vendor's libacme_npu instead of acme_npu_host.cpp and open the device with the SDK.
//
//   g++ -std=c++20 -I../../include main.cpp acme_npu_host.cpp -o npu_example && ./npu_example
#include <array>
#include <cstdint>
#include <cstdio>

#include "acme_npu_driver.hpp"
#include "acme_npu_host.hpp"
#include "onnx2hpp/backends/npu/backend.hpp"
#include "onnx2hpp/backends/npu/plan.hpp"
#include "onnx2hpp/backends/ref/all.hpp"
#include "onnx2hpp/onnx2hpp.hpp"

using namespace onnx2hpp;

namespace model {

// In an app this part comes from the generator's model header.
constexpr std::array<std::int8_t, 16 * 3 * 3 * 8> conv_weights = [] {
  std::array<std::int8_t, 16 * 3 * 3 * 8> w{};
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<std::int8_t>(static_cast<int>(i * 29 % 61) - 30);
  return w;
}();
constexpr std::array<std::int32_t, 1> multiplier{1 << 30}, shift{-4}; // 1/32
using conv_t = conv2d<shape<1, 16, 16, 8>, conv2d_attrs{.out_channels = 16,
                                                        .kernel_h = 3,
                                                        .kernel_w = 3,
                                                        .pad_top = 1,
                                                        .pad_left = 1,
                                                        .pad_bottom = 1,
                                                        .pad_right = 1}>;
using pool_t = max_pool2d<shape<1, 16, 16, 16>,
                          pool2d_attrs{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2}>;
using gap_t = global_avg_pool<shape<1, 8, 8, 16>>;

constexpr auto net = make_graph<inputs<tensor<0, shape<1, 16, 16, 8>>>, outputs<3>>(
    node<"conv", in<0>, 1>(conv_t{conv_weights, {}, 0, 0, {{multiplier, shift, 1}, 0, 0, 127}}),
    node<"pool", in<1>, 2>(pool_t{}), node<"gap", in<2>, 3>(gap_t{}));

} // namespace model

using acme_backend = backends::npu<acme::npu_driver>;
using plan = acme_backend::plan<decltype(model::net)>;

// The deployment contract, checked by the compiler: every node runs on the NPU (a failure names
// the node and the reason), and the model's MACs take at most 20k modelled cycles.
static_assert(npu::require_full_coverage<decltype(model::net), acme::caps>);
static_assert(plan::npu_cycles < 20000);

int main() {
  static acme_npu device; // on the board: the SDK's open call
  acme::npu_driver driver(&device);

  std::array<std::int8_t, 16 * 16 * 8> input{};
  for (std::size_t i = 0; i < input.size(); ++i)
    input[i] = static_cast<std::int8_t>(static_cast<int>(i * 7 % 200) - 100);
  std::array<std::int8_t, 16> npu_out{}, cpu_out{};
  static std::array<std::int8_t, decltype(model::net)::arena_bytes> arena{};

  const npu::run_status st =
      acme_backend::run(model::net, driver, input.data(), npu_out.data(), arena.data());
  if (!st.ok()) {
    std::printf("NPU error %s (%s) at node %zu\n", npu::error_name(st.result.code).data(),
                npu::reason_name(st.result.detail).data(), st.node);
    return 1;
  }
  model::net.run(input.data(), cpu_out.data(), arena.data());

  std::printf("nodes on the NPU: %zu of %zu, driver calls: %zu, modelled cycles: %llu (%llu run)\n",
              plan::nodes_on_npu, plan::n_nodes, plan::driver_calls,
              static_cast<unsigned long long>(plan::npu_cycles),
              static_cast<unsigned long long>(device.hardware.cycles()));
  std::printf("same as the CPU reference: %s\n", npu_out == cpu_out ? "yes" : "NO");
  return npu_out == cpu_out ? 0 : 1;
}
