#pragma once
// Permuting dimensions of shapes and constant data, the one piece of index arithmetic that import,
// passes and lowering all need (Gemm weights, NCHW -> NHWC, OIHW -> OHWI).

#include "ir/tensor.hpp"

#include <vector>

namespace onnx2hpp::codegen::ir {

/// Row-major strides (in elements) of `shape`.
std::vector<std::int64_t> strides_of(const shape_t &shape);

/// True if `perm` holds each of 0 .. rank-1 exactly once.
bool is_permutation(const std::vector<std::int64_t> &perm, std::size_t rank);

/// ONNX Transpose of a shape: result[i] = shape[perm[i]]. Precondition: is_permutation.
shape_t permute(const shape_t &shape, const std::vector<std::int64_t> &perm);

/// ONNX Transpose of data laid out row-major in `shape`: the result is row-major in
/// permute(shape, perm).
constant_data transpose(const constant_data &data, const shape_t &shape,
                        const std::vector<std::int64_t> &perm);

/// The permutation undoing `perm`.
std::vector<std::int64_t> inverse(const std::vector<std::int64_t> &perm);

/// True if transposing a tensor of `shape` by `perm` leaves its elements in the same memory
/// order (only dimensions of size 1 move), so the transpose is a reshape.
bool keeps_element_order(const shape_t &shape, const std::vector<std::int64_t> &perm);

/// NCHW -> NHWC and back, as Transpose permutations.
inline const std::vector<std::int64_t> nchw_to_nhwc{0, 2, 3, 1};
inline const std::vector<std::int64_t> nhwc_to_nchw{0, 3, 1, 2};

} // namespace onnx2hpp::codegen::ir
