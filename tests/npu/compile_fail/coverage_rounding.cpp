// Must not compile: the app demands that every node runs on the NPU (permissive preset, which
// takes this convolution in fixed point), but "conv0" requantizes in rounding_mode::onnxruntime,
// which the NPU does not implement. The mode is part of the layer's type, so the plan knows at
// compile time and the diagnostic names the node and reason::rounding_mode (checked by CTest's
// PASS_REGULAR_EXPRESSION). The control compiles the same file with -DROUNDING=fixed_point.
#include "onnx2hpp/backends/npu/plan.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/layers/conv2d.hpp"

#ifndef ROUNDING
#define ROUNDING onnxruntime
#endif

using namespace onnx2hpp;

using conv0_t = conv2d<shape<1, 8, 8, 8>, conv2d_attrs{.out_channels = 16,
                                                       .kernel_h = 1,
                                                       .kernel_w = 1,
                                                       .rounding = rounding_mode::ROUNDING}>;

constexpr auto net = make_graph<inputs<tensor<0, shape<1, 8, 8, 8>>>, outputs<1>>(
    node<"conv0", in<0>, 1>(conv0_t{}));

static_assert(npu::require_full_coverage<decltype(net), npu::permissive>,
              "this model must run entirely on the NPU");

int main() {
  return 0;
}
