// libFuzzer's custom mutator and cross-over for onnx2hpp_fuzz_generator_structured: an input that
// parses as a ModelProto is mutated as a model (model_mutator.hpp) and serialized again; anything
// else, and one mutation in eight, goes to libFuzzer's own byte mutation.

#include "model_mutator.hpp"

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t *data, std::size_t size, std::size_t max_size);

namespace {

bool parse(const std::uint8_t *data, std::size_t size, onnx::ModelProto &model) {
  return size > 0 && model.ParseFromArray(data, static_cast<int>(size));
}

/// Copies `model` serialized into `data` when it fits; 0 otherwise.
std::size_t store(const onnx::ModelProto &model, std::uint8_t *data, std::size_t max_size) {
  std::string bytes;
  if (!model.SerializeToString(&bytes) || bytes.empty() || bytes.size() > max_size)
    return 0;
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

} // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t *data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  onnx::ModelProto model;
  if (seed % 8 == 0 || !parse(data, size, model))
    return LLVMFuzzerMutate(data, size, max_size);
  onnx2hpp::codegen::fuzz::mutate_model(model, seed);
  if (auto stored = store(model, data, max_size))
    return stored;
  return LLVMFuzzerMutate(data, size, max_size);
}

extern "C" std::size_t LLVMFuzzerCustomCrossOver(const std::uint8_t *data1, std::size_t size1,
                                                 const std::uint8_t *data2, std::size_t size2,
                                                 std::uint8_t *out, std::size_t max_out_size,
                                                 unsigned int seed) {
  onnx::ModelProto model, donor;
  if (!parse(data1, size1, model) || !parse(data2, size2, donor))
    return 0; // libFuzzer then keeps the input as it was
  onnx2hpp::codegen::fuzz::cross_over_models(model, donor, seed);
  return store(model, out, max_out_size);
}
