// Must not compile: backends::npu needs a driver instance and the whole graph, so running it
// through graph::run (kernel by kernel) is refused with a message saying what to call instead.
#include "onnx2hpp/backends/npu/backend.hpp"
#include "onnx2hpp/backends/npu/recording_driver.hpp"
#include "onnx2hpp/graph/graph.hpp"
#include "onnx2hpp/layers/conv2d.hpp"

using namespace onnx2hpp;

using conv_t =
    conv2d<shape<1, 4, 4, 8>, conv2d_attrs{.out_channels = 8, .kernel_h = 1, .kernel_w = 1}>;

constexpr auto net =
    make_graph<inputs<tensor<0, shape<1, 4, 4, 8>>>, outputs<1>>(node<"conv", in<0>, 1>(conv_t{}));

int main() {
  static std::int8_t x[128], y[128];
  net.run<backends::npu<npu::recording_driver<npu::strict>>>(x, y);
  return y[0];
}
