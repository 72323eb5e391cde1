#pragma once
// Small ONNX models built in memory with the protobuf API, for the generator's tests.
//
//   model_builder m;
//   auto x = m.input("x", onnx::TensorProto::FLOAT, {1, 3, 8, 8});
//   auto q = m.quantize(x, 0.02f, 0);                    // QuantizeLinear, uint8
//   ...
//   m.output(y, onnx::TensorProto::FLOAT, {1, 10});
//   ir::graph g = m.import();                             // checker + shape inference + to_ir

#include "import/load_model.hpp"
#include "ir/graph.hpp"

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::testing {

using dims_t = std::vector<std::int64_t>;

class model_builder {
public:
  explicit model_builder(std::int64_t opset = 13, std::string producer = "onnx2hpp-tests");

  /// A graph input; a dimension of -1 becomes the symbolic dimension "N".
  std::string input(const std::string &name, int elem_type, const dims_t &dims);
  void output(const std::string &name, int elem_type, const dims_t &dims);

  /// Initializers (raw_data, little-endian).
  std::string floats(const std::string &name, const dims_t &dims, const std::vector<float> &v);
  std::string int8s(const std::string &name, const dims_t &dims, const std::vector<int> &v);
  std::string uint8s(const std::string &name, const dims_t &dims, const std::vector<int> &v);
  std::string int32s(const std::string &name, const dims_t &dims, const std::vector<int> &v);
  std::string int64s(const std::string &name, const dims_t &dims,
                     const std::vector<std::int64_t> &v);

  /// A node with generated output name(s) "<name>_out[i]"; returns the node for attributes.
  onnx::NodeProto &node(const std::string &op_type, const std::vector<std::string> &inputs,
                        const std::string &name, int outputs = 1, const std::string &domain = "");
  /// The name of output `i` of the node called `name`.
  static std::string out(const std::string &name, int i = 0);

  static void attr(onnx::NodeProto &n, const std::string &name, std::int64_t v);
  static void attr(onnx::NodeProto &n, const std::string &name, float v);
  static void attr(onnx::NodeProto &n, const std::string &name, const std::string &v);
  static void attr(onnx::NodeProto &n, const std::string &name, const dims_t &v);

  /// QuantizeLinear with scalar scale/zero point initializers; uint8 unless `int8`.
  std::string quantize(const std::string &x, float scale, int zero_point, bool int8 = false);
  /// DequantizeLinear with scalar scale/zero point initializers of x's type (uint8 unless `int8`).
  std::string dequantize(const std::string &x, float scale, int zero_point, bool int8 = false);
  /// DequantizeLinear of int8 weights, per channel along axis 0 when `scales` has > 1 entry.
  std::string dequantize_weights(const std::string &name, const dims_t &dims,
                                 const std::vector<int> &values, const std::vector<float> &scales);
  /// DequantizeLinear of an int32 bias with scale[c] (zero point 0).
  std::string dequantize_bias(const std::string &name, const std::vector<int> &values,
                              const std::vector<float> &scales);

  onnx::ModelProto &proto() { return model_; }
  /// Checker, shape inference, to_ir. `quantized` = false lets float graphs through.
  ir::graph import(bool quantized = true, importer::load_options options = {}) const;
  /// Writes the serialized model.
  void save(const std::filesystem::path &path) const;

private:
  std::string unique(const std::string &base);
  onnx::ModelProto model_;
  int counter_ = 0;
};

/// The kinds of the ops of `g`, in order.
std::vector<ir::op_kind> kinds_of(const ir::graph &g);
/// The ops of `g` of the given kind.
std::vector<const ir::op *> ops_of(const ir::graph &g, ir::op_kind kind);
/// The tensor named `name` (fails the test if absent).
const ir::tensor &tensor_named(const ir::graph &g, const std::string &name);

} // namespace onnx2hpp::codegen::testing

namespace onnx2hpp::codegen::testing {

/// A fresh directory, removed with its contents at scope exit.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir &) = delete;
  temp_dir &operator=(const temp_dir &) = delete;
  const std::filesystem::path &path() const { return path_; }
  std::filesystem::path operator/(const std::string &name) const { return path_ / name; }

private:
  std::filesystem::path path_;
};

/// Writes `bytes` to `path`.
void write_file(const std::filesystem::path &path, const std::string &bytes);

/// A small PyTorch-style QDQ CNN: Q -> Cast -> DQ -> Conv(per-channel int8 weights, int32 bias)
/// -> Relu -> Q -> Cast -> DQ -> MaxPool -> Q -> DQ -> Flatten -> Q -> DQ -> Gemm -> Q -> DQ.
/// Input "input" [1,1,4,4] float, output "output" [1,3] float.
model_builder small_qdq_cnn();

/// onnxruntime-style QDQ (initializers, uint8 activations) through every layer kind the library
/// has: conv with a fused LeakyRelu (a table), Pad before MaxPool (not fusable: stays), a
/// requantization, Concat, a stand-alone Relu, pointwise conv, Add, Mul, a stand-alone Sigmoid,
/// HardSigmoid and Tanh (tables the generator computes), AveragePool, Resize, GlobalAveragePool, Flatten, Gemm, Softmax. Input "x" [1,2,4,4], output
/// "y" [1,5].
model_builder op_zoo_model();

/// x [1,2] float -> Q -> DQ -> Mul by initializer "w", whose data is in the external file
/// "weights.bin" (not written) -> Q -> DQ -> output.
model_builder external_data_model();

/// small_qdq_cnn() with every node, value, graph and producer name replaced by a hostile one
/// (hostile_names.hpp): it must convert, compile and compute exactly as small_qdq_cnn().
model_builder hostile_names_model();

/// x -> Q -> DQ -> `op` (node "op") -> Q -> DQ -> output, uint8 with zero point 0; the first
/// Q/DQ pair has scale `scale`, the last 0.1.
model_builder qdq_around(const std::string &op, const dims_t &in, const dims_t &out,
                         float scale = 0.1f);

} // namespace onnx2hpp::codegen::testing

namespace onnx2hpp::codegen::testing {

/// IR pieces for tests that build graphs directly.
ir::tensor make_tensor(const std::string &name, ir::dtype type = ir::dtype::f32,
                       ir::shape_t shape = {});
ir::op make_op(ir::op_kind kind, const std::string &name, std::vector<ir::tensor_id> inputs,
               std::vector<ir::tensor_id> outputs);

} // namespace onnx2hpp::codegen::testing
