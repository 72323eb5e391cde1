// Compile-time unit tests of the app's model. Every check is a static_assert: a model, generator
// or library change that breaks one fails the build of this file, and the message says which
// property broke. The TEST_CASEs repeat the prediction checks at run time, so `ctest` also shows
// them (and a debugger can step through them).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <onnx2hpp/backends/npu/all.hpp>

#include "classify.hpp"
#include "digits_samples.hpp"

namespace {

using graph_t = app::graph_t;
using onnx2hpp::shape;

// --- the interface the app was written against ----------------------------------------------
static_assert(graph_t::n_inputs == 1 && graph_t::n_outputs == 1,
              "model interface changed: the app expects one input and one output");
static_assert(std::is_same_v<graph_t::input_shape_t<0>, shape<1, 8, 8, 1>>,
              "input shape changed: the app feeds one 8x8 grey image (NHWC [1,8,8,1], ONNX [1,1,8,8])");
static_assert(std::is_same_v<graph_t::output_shape_t<0>, shape<1, 10>>,
              "output shape changed: the app reads 10 class scores ([1,10])");
static_assert(app::input.onnx_is_nchw && app::input.onnx_shape.size() == 4 && app::input.onnx_shape[1] == 1,
              "input layout changed: the app passes images in the ONNX layout [1,1,8,8] (NCHW)");

// --- the device's RAM budget -------------------------------------------------------------------
// The target gives the model 4 KiB of scratch RAM (the arena; the input and output buffers are
// the app's own).
inline constexpr std::size_t ram_budget_bytes = 4 * 1024;
static_assert(graph_t::arena_bytes <= ram_budget_bytes,
              "RAM budget exceeded: graph_type::arena_bytes no longer fits the 4 KiB the device gives the model");
static_assert(graph_t::arena_bytes >= graph_t::arena_lower_bound,
              "memory plan inconsistent: arena_bytes below the bytes live at one node");

// --- NPU coverage for the accelerator the product ships with -----------------------------------
// On the 'permissive' preset every MAC runs on the NPU; the one node left on the CPU is the layout
// change the generator adds before Flatten (NHWC -> NCHW), a transpose no NPU preset executes.
using npu_plan = onnx2hpp::npu::plan<graph_t, onnx2hpp::npu::permissive>;
static_assert(npu_plan::mac_fraction == 1.0,
              "NPU coverage lost: a conv/dense layer falls back to the CPU on the 'permissive' preset "
              "(see npu::plan<graph_type, npu::permissive>::nodes for which and why)");
static_assert(npu_plan::nodes_on_cpu <= 1,
              "NPU coverage lost: more than the Flatten layout transpose runs on the CPU on the 'permissive' preset");
// On the 'strict' preset (3x3 kernels need aligned channels) the demand is weaker: 90% of the MACs.
using npu_plan_strict = onnx2hpp::npu::plan<graph_t, onnx2hpp::npu::strict>;
static_assert(npu_plan_strict::mac_fraction >= 0.9,
              "NPU coverage dropped: under 90% of the MACs run on the NPU with the 'strict' preset");

// --- predictions, evaluated at compile time with the ref backend --------------------------------
// The expected classes are the samples' labels, which are also onnxruntime's predictions for them
// (tests/oracle/ort_run.js on digits_test_x.npy rows 0, 1, 2 and 8).
static_assert(app::classify(samples::image[0]) == 7,
              "prediction changed: digits test row 0 (a 7) is no longer classified as 7");
static_assert(app::classify(samples::image[1]) == 6,
              "prediction changed: digits test row 1 (a 6) is no longer classified as 6");
static_assert(app::classify(samples::image[2]) == 3,
              "prediction changed: digits test row 2 (a 3) is no longer classified as 3");
static_assert(app::classify(samples::image[3]) == 9,
              "prediction changed: digits test row 8 (a 9) is no longer classified as 9");

} // namespace

TEST_CASE("app: the embedded digits are classified as labelled (run time)") {
  for (std::size_t k = 0; k < samples::count; ++k) {
    CAPTURE(samples::row[k]);
    CHECK(app::classify(samples::image[k]) == samples::label[k]);
  }
}

TEST_CASE("app: the model fits the RAM budget and the NPU") {
  CHECK(graph_t::arena_bytes <= ram_budget_bytes);
  CHECK(npu_plan::mac_fraction == 1.0);
  MESSAGE("arena_bytes = " << graph_t::arena_bytes << ", NPU nodes (permissive) = " << npu_plan::nodes_on_npu << "/"
                           << graph_t::n_nodes << ", MAC fraction (strict) = " << npu_plan_strict::mac_fraction);
}
