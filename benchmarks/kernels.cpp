// Per-kernel throughput (GMAC/s) of conv2d (pointwise, 3x3, depthwise, first layer) and dense at
// MobileNet/ResNet-like shapes, for the ref backend and the simd backend (the ISA the compiler
// targets, and each other ISA compiled in).
//   onnx2hpp_bench_kernels --benchmark_filter=simd
#include <array>
#include <string>

#include "bench_support.hpp"

using namespace onnx2hpp;

namespace {

template <class Layer, class Backend>
void run_layer(benchmark::State &state) {
  static bench::random_layer<Layer> l; // built once per layer type
  const auto x = bench::random_int8(
      Layer::input_shapes::size == 1 ? type_at_t<0, typename Layer::input_shapes>::size : 0, 3);
  std::vector<std::int8_t> out(Layer::output_shape::size);
  const std::array<const std::int8_t *, 1> in{x.data()};
  for (auto _ : state) {
    if constexpr (std::is_same_v<Backend, backends::ref>)
      kernel<backends::ref, Layer>::run(l.layer, in, out.data());
    else
      execute<Backend>(*l.packed, in, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["GMAC/s"] = benchmark::Counter(static_cast<double>(Layer::macs) * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MMAC"] = static_cast<double>(Layer::macs) * 1e-6;
}

constexpr conv2d_attrs pointwise(std::size_t oc) {
  return {.out_channels = oc, .kernel_h = 1, .kernel_w = 1};
}
constexpr conv2d_attrs conv3x3(std::size_t oc, std::size_t stride = 1) {
  return {.out_channels = oc,
          .kernel_h = 3,
          .kernel_w = 3,
          .stride_h = stride,
          .stride_w = stride,
          .pad_top = 1,
          .pad_left = 1,
          .pad_bottom = 1,
          .pad_right = 1};
}
constexpr conv2d_attrs depthwise(std::size_t c, std::size_t stride = 1) {
  conv2d_attrs a = conv3x3(c, stride);
  a.groups = c;
  return a;
}

// MobileNetV2 pointwise (expand / project) and last layer; ResNet-50 bottleneck.
using pw_mnv2_expand = conv2d<shape<1, 56, 56, 24>, pointwise(144)>;
using pw_mnv2_project = conv2d<shape<1, 28, 28, 192>, pointwise(32)>;
using pw_mnv2_14 = conv2d<shape<1, 14, 14, 96>, pointwise(576)>;
using pw_mnv2_last = conv2d<shape<1, 7, 7, 320>, pointwise(1280)>;
using pw_r50_56 = conv2d<shape<1, 56, 56, 64>, pointwise(256)>;
// ResNet-18 3x3 stages, and a MobileNet stem (3 channels, stride 2).
using c3_r18_56 = conv2d<shape<1, 56, 56, 64>, conv3x3(64)>;
using c3_r18_28 = conv2d<shape<1, 28, 28, 128>, conv3x3(128)>;
using c3_r18_14 = conv2d<shape<1, 14, 14, 256>, conv3x3(256)>;
using c3_r18_7 = conv2d<shape<1, 7, 7, 512>, conv3x3(512)>;
using c3_stem = conv2d<shape<1, 224, 224, 3>, conv3x3(32, 2)>;
// MobileNetV2 depthwise.
using dw_112 = conv2d<shape<1, 112, 112, 32>, depthwise(32)>;
using dw_56 = conv2d<shape<1, 56, 56, 144>, depthwise(144)>;
using dw_28_s2 = conv2d<shape<1, 56, 56, 144>, depthwise(144, 2)>;
using dw_14 = conv2d<shape<1, 14, 14, 576>, depthwise(576)>;
using dw_7 = conv2d<shape<1, 7, 7, 960>, depthwise(960)>;
// Classifier heads.
using fc_mnv2 = dense<shape<1, 1280>, 1000>;
using fc_r18 = dense<shape<1, 512>, 1000>;
using fc_batch = dense<shape<64, 256>, 256>;

template <class Layer>
void register_layer(const char *name) {
  benchmark::RegisterBenchmark((std::string("ref/") + name).c_str(),
                               run_layer<Layer, backends::ref>)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark((std::string("simd/") + name).c_str(),
                               run_layer<Layer, backends::simd>)
      ->Unit(benchmark::kMicrosecond);
  std::apply(
      [&](auto... isa) {
        ((std::is_same_v<decltype(isa), simd::native_isa>
              ? void()
              : void(benchmark::RegisterBenchmark(
                         (std::string("simd_") + decltype(isa)::name + "/" + name).c_str(),
                         run_layer<Layer,
                                   backends::basic_simd<backends::serial_executor, decltype(isa)>>)
                         ->Unit(benchmark::kMicrosecond))),
         ...);
      },
      simd::available_isas{});
}

const bool registered = [] {
  benchmark::AddCustomContext("simd isa (simd/...)", simd::native_isa::name);
  register_layer<pw_mnv2_expand>("pointwise/56x56x24->144");
  register_layer<pw_mnv2_project>("pointwise/28x28x192->32");
  register_layer<pw_mnv2_14>("pointwise/14x14x96->576");
  register_layer<pw_mnv2_last>("pointwise/7x7x320->1280");
  register_layer<pw_r50_56>("pointwise/56x56x64->256");
  register_layer<c3_r18_56>("conv3x3/56x56x64->64");
  register_layer<c3_r18_28>("conv3x3/28x28x128->128");
  register_layer<c3_r18_14>("conv3x3/14x14x256->256");
  register_layer<c3_r18_7>("conv3x3/7x7x512->512");
  register_layer<c3_stem>("conv3x3_s2/224x224x3->32");
  register_layer<dw_112>("depthwise/112x112x32");
  register_layer<dw_56>("depthwise/56x56x144");
  register_layer<dw_28_s2>("depthwise_s2/56x56x144");
  register_layer<dw_14>("depthwise/14x14x576");
  register_layer<dw_7>("depthwise/7x7x960");
  register_layer<fc_mnv2>("dense/1x1280->1000");
  register_layer<fc_r18>("dense/1x512->1000");
  register_layer<fc_batch>("dense/64x256->256");
  return true;
}();

} // namespace

BENCHMARK_MAIN();
