#pragma once
// The IR: a DAG of ops over tensors, ops kept in topological order.

#include "ir/op.hpp"
#include "ir/tensor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onnx2hpp::codegen::ir {

/// Where the model came from; printed at the top of the generated header and of `--dump-ir`.
struct model_info {
  std::string source_path;
  std::vector<std::string> data_files; ///< external data files read (canonical paths)
  std::string sha256;
  std::string graph_name;
  std::string producer_name;
  std::string producer_version;
  std::int64_t ir_version = 0;
  std::int64_t opset = 0;            ///< default-domain opset
  std::vector<std::string> dialects; ///< e.g. "QDQ (PyTorch export)", "QOperator"
  std::vector<std::string> warnings; ///< things the user should know; printed, not fatal
};

class graph {
public:
  model_info info;
  std::vector<tensor> tensors; ///< indexed by tensor_id
  std::vector<op> ops;         ///< topological order
  std::vector<tensor_id> inputs;
  std::vector<tensor_id> outputs;

  tensor_id add_tensor(tensor t);
  tensor &at(tensor_id id) { return tensors.at(id); }
  const tensor &at(tensor_id id) const { return tensors.at(id); }

  /// Index of the op writing `id`, if any (constants and graph inputs have none).
  std::optional<std::size_t> producer(tensor_id id) const;
  /// Indices of the ops reading `id`, each once, in graph order.
  std::vector<std::size_t> consumers(tensor_id id) const;
  bool is_input(tensor_id id) const;
  bool is_output(tensor_id id) const;
  /// True if `id` is read by nothing but op `reader` and is not a graph output.
  bool only_read_by(tensor_id id, std::size_t reader) const;

  /// Every op input reading `from` reads `to` instead; graph outputs are not touched.
  void replace_uses(tensor_id from, tensor_id to);
  /// Every reference to `drop` (op inputs and outputs, graph inputs and outputs) becomes `keep`.
  /// Used to remove an op whose output equals its input while keeping the tensor that carries a
  /// graph input or output name.
  void merge_tensors(tensor_id keep, tensor_id drop);
  /// Removes an op whose output is a copy of input `input_index` (Identity, a cancelled Q/DQ pair,
  /// ...), rewiring its readers. A graph output keeps its name: the tensor in front takes it over.
  /// Returns false (and changes nothing) when both tensors must stay visible.
  bool bypass(std::size_t op_index, std::size_t input_index = 0);
  /// Marks op `i` removed; `sweep` erases it.
  void remove(std::size_t i) { ops.at(i).kind = op_kind::removed; }
  /// Inserts `o` before op `position`.
  void insert(std::size_t position, op o);

  /// Erases removed ops, then ops whose outputs nobody reads, then tensors nobody references;
  /// renumbers tensors. Every pass ends with it.
  void sweep();

  /// Checks the invariants passes rely on (every tensor read is produced earlier, a constant, or a
  /// graph input; ids in range). Throws failure::internal naming `after`.
  void verify(const std::string &after) const;
};

} // namespace onnx2hpp::codegen::ir
