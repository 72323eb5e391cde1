// Must not compile: the app demands that every node runs on the strict NPU preset, but "dw1" is a
// depthwise convolution, which strict does not take. The diagnostic must name the node and the
// reason (checked by CTest's PASS_REGULAR_EXPRESSION). The control compiles the same file with
// -DNPU_PRESET=permissive, which takes depthwise convolutions.
#include "onnx2hpp/backends/npu/plan.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/layers/conv2d.hpp"

#ifndef NPU_PRESET
#define NPU_PRESET strict
#endif

using namespace onnx2hpp;

using conv0_t =
    conv2d<shape<1, 8, 8, 8>, conv2d_attrs{.out_channels = 16, .kernel_h = 1, .kernel_w = 1}>;
using dw1_t = conv2d<shape<1, 8, 8, 16>, conv2d_attrs{.out_channels = 16,
                                                      .kernel_h = 3,
                                                      .kernel_w = 3,
                                                      .pad_top = 1,
                                                      .pad_left = 1,
                                                      .pad_bottom = 1,
                                                      .pad_right = 1,
                                                      .groups = 16}>;

constexpr auto net = make_graph<inputs<tensor<0, shape<1, 8, 8, 8>>>, outputs<2>>(
    node<"conv0", in<0>, 1>(conv0_t{}), node<"dw1", in<1>, 2>(dw1_t{}));

static_assert(npu::require_full_coverage<decltype(net), npu::NPU_PRESET>,
              "this model must run entirely on the NPU");

int main() {
  return 0;
}
