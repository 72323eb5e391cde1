#include "passes/passes.hpp"

#include <array>

namespace onnx2hpp::codegen::passes {

namespace {

constexpr std::array pipeline{
    pass{"fold_constants", fold_constants},
    pass{"drop_identities", drop_identities},
    pass{"recognize_qoperator", recognize_qoperator},
    pass{"recognize_qdq", recognize_qdq},
    pass{"commute_data_movement", commute_data_movement},
    pass{"recognize_integer_ops", recognize_integer_ops},
    pass{"split_batched_matmul", split_batched_matmul},
    pass{"canonicalize_ops", canonicalize_ops},
    pass{"fold_batch_norm", fold_batch_norm},
    pass{"fuse_activations", fuse_activations},
    pass{"fuse_pad", fuse_pad},
    pass{"uint8_to_int8", uint8_to_int8},
    pass{"to_nhwc", to_nhwc},
    pass{"isolate_requantization", isolate_requantization},
    pass{"separate_outputs", separate_outputs},
    pass{"check_supported", check_supported},
};

} // namespace

std::span<const pass> default_pipeline() {
  return pipeline;
}

ir::graph run_default_pipeline(ir::graph g) {
  for (const auto &p : pipeline) {
    g = p.run(std::move(g));
    g.verify(std::string(p.name));
  }
  return g;
}

} // namespace onnx2hpp::codegen::passes
