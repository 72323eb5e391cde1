#include "ir/transpose.hpp"

#include <cstring>

namespace onnx2hpp::codegen::ir {

std::vector<std::int64_t> strides_of(const shape_t &shape) {
  std::vector<std::int64_t> strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  return strides;
}

bool is_permutation(const std::vector<std::int64_t> &perm, std::size_t rank) {
  if (perm.size() != rank)
    return false;
  std::vector<bool> seen(rank, false);
  for (auto p : perm) {
    if (p < 0 || p >= static_cast<std::int64_t>(rank) || seen[static_cast<std::size_t>(p)])
      return false;
    seen[static_cast<std::size_t>(p)] = true;
  }
  return true;
}

shape_t permute(const shape_t &shape, const std::vector<std::int64_t> &perm) {
  shape_t out(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i)
    out[i] = shape[static_cast<std::size_t>(perm[i])];
  return out;
}

constant_data transpose(const constant_data &data, const shape_t &shape,
                        const std::vector<std::int64_t> &perm) {
  auto element = size_of(data.type());
  auto in_strides = strides_of(shape);
  auto out_shape = permute(shape, perm);
  auto rank = out_shape.size();
  // Walking the output in order, `source` follows the matching input element.
  std::vector<std::int64_t> step(rank);
  for (std::size_t i = 0; i < rank; ++i)
    step[i] = in_strides[static_cast<std::size_t>(perm[i])];
  std::vector<std::uint8_t> bytes(data.bytes().size());
  std::vector<std::int64_t> index(rank, 0);
  std::int64_t source = 0;
  auto count = element_count(out_shape);
  for (std::int64_t n = 0; n < count; ++n) {
    std::memcpy(bytes.data() + n * element, data.bytes().data() + source * element, element);
    for (std::size_t d = rank; d-- > 0;) {
      source += step[d];
      if (++index[d] < out_shape[d])
        break;
      source -= step[d] * out_shape[d];
      index[d] = 0;
    }
  }
  return constant_data(data.type(), std::move(bytes));
}

std::vector<std::int64_t> inverse(const std::vector<std::int64_t> &perm) {
  std::vector<std::int64_t> out(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i)
    out[static_cast<std::size_t>(perm[i])] = static_cast<std::int64_t>(i);
  return out;
}

bool keeps_element_order(const shape_t &shape, const std::vector<std::int64_t> &perm) {
  std::int64_t last = -1;
  for (auto p : perm) {
    if (shape[static_cast<std::size_t>(p)] == 1)
      continue;
    if (p < last)
      return false;
    last = p;
  }
  return true;
}

} // namespace onnx2hpp::codegen::ir
