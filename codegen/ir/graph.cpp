#include "ir/graph.hpp"

#include "diagnostics/error.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace onnx2hpp::codegen::ir {

tensor_id graph::add_tensor(tensor t) {
  tensors.push_back(std::move(t));
  return static_cast<tensor_id>(tensors.size() - 1);
}

std::optional<std::size_t> graph::producer(tensor_id id) const {
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (ops[i].kind != op_kind::removed &&
        std::find(ops[i].outputs.begin(), ops[i].outputs.end(), id) != ops[i].outputs.end())
      return i;
  return std::nullopt;
}

std::vector<std::size_t> graph::consumers(tensor_id id) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (ops[i].kind != op_kind::removed &&
        std::find(ops[i].inputs.begin(), ops[i].inputs.end(), id) != ops[i].inputs.end())
      out.push_back(i);
  return out;
}

bool graph::is_input(tensor_id id) const {
  return std::find(inputs.begin(), inputs.end(), id) != inputs.end();
}

bool graph::is_output(tensor_id id) const {
  return std::find(outputs.begin(), outputs.end(), id) != outputs.end();
}

bool graph::only_read_by(tensor_id id, std::size_t reader) const {
  auto readers = consumers(id);
  return !is_output(id) && readers.size() == 1 && readers.front() == reader;
}

void graph::replace_uses(tensor_id from, tensor_id to) {
  for (auto &o : ops)
    std::replace(o.inputs.begin(), o.inputs.end(), from, to);
}

void graph::merge_tensors(tensor_id keep, tensor_id drop) {
  for (auto &o : ops) {
    std::replace(o.inputs.begin(), o.inputs.end(), drop, keep);
    std::replace(o.outputs.begin(), o.outputs.end(), drop, keep);
  }
  std::replace(inputs.begin(), inputs.end(), drop, keep);
  std::replace(outputs.begin(), outputs.end(), drop, keep);
}

bool graph::bypass(std::size_t op_index, std::size_t input_index) {
  auto in = ops.at(op_index).inputs.at(input_index);
  auto out = ops.at(op_index).outputs.at(0);
  if (!is_output(out)) {
    replace_uses(out, in);
  } else {
    // The output's name is what the outside world sees, so the tensor in front takes it over. When
    // that tensor is visible too (a graph input, another output, a constant) neither can go.
    if (is_input(in) || is_output(in) || at(in).is_constant())
      return false;
    merge_tensors(out, in);
  }
  remove(op_index);
  return true;
}

void graph::insert(std::size_t position, op o) {
  ops.insert(ops.begin() + static_cast<std::ptrdiff_t>(position), std::move(o));
}

void graph::sweep() {
  std::erase_if(ops, [](const op &o) { return o.kind == op_kind::removed; });

  std::vector<bool> needed(tensors.size(), false);
  for (auto id : outputs)
    needed[id] = true;
  std::vector<bool> live(ops.size(), false);
  for (std::size_t i = ops.size(); i-- > 0;) {
    live[i] = std::any_of(ops[i].outputs.begin(), ops[i].outputs.end(),
                          [&](tensor_id t) { return t != no_tensor && needed[t]; });
    if (live[i])
      for (auto t : ops[i].inputs)
        if (t != no_tensor)
          needed[t] = true;
  }
  std::vector<op> kept_ops;
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (live[i])
      kept_ops.push_back(std::move(ops[i]));
  ops = std::move(kept_ops);

  std::vector<bool> referenced(tensors.size(), false);
  for (const auto &o : ops) {
    for (auto t : o.inputs)
      if (t != no_tensor)
        referenced[t] = true;
    for (auto t : o.outputs)
      referenced[t] = true;
  }
  for (auto t : inputs)
    referenced[t] = true;
  for (auto t : outputs)
    referenced[t] = true;

  std::vector<tensor_id> renumber(tensors.size(), no_tensor);
  std::vector<tensor> kept;
  for (std::size_t t = 0; t < tensors.size(); ++t)
    if (referenced[t]) {
      renumber[t] = static_cast<tensor_id>(kept.size());
      kept.push_back(std::move(tensors[t]));
    }
  tensors = std::move(kept);
  auto map = [&](tensor_id &t) {
    if (t != no_tensor)
      t = renumber[t];
  };
  for (auto &o : ops) {
    std::for_each(o.inputs.begin(), o.inputs.end(), map);
    std::for_each(o.outputs.begin(), o.outputs.end(), map);
  }
  std::for_each(inputs.begin(), inputs.end(), map);
  std::for_each(outputs.begin(), outputs.end(), map);
}

void graph::verify(const std::string &after) const {
  auto fail = [&](const std::string &what) {
    throw error(failure::internal,
                fmt::format("internal error: the IR is inconsistent after {}: {}", after, what));
  };
  std::vector<bool> available(tensors.size(), false);
  for (std::size_t t = 0; t < tensors.size(); ++t)
    available[t] = tensors[t].is_constant();
  for (auto t : inputs) {
    if (t >= tensors.size())
      fail("a graph input id is out of range");
    available[t] = true;
  }
  for (const auto &o : ops) {
    if (o.kind == op_kind::removed)
      continue;
    for (auto t : o.inputs) {
      if (t == no_tensor)
        continue;
      if (t >= tensors.size())
        fail(fmt::format("op '{}' reads a tensor id out of range", o.name));
      if (!available[t])
        fail(fmt::format("op '{}' reads '{}' before it is written", o.name, tensors[t].name));
    }
    for (auto t : o.outputs) {
      if (t >= tensors.size())
        fail(fmt::format("op '{}' writes a tensor id out of range", o.name));
      available[t] = true;
    }
  }
  for (auto t : outputs)
    if (t >= tensors.size() || !available[t])
      fail("a graph output is never written");
}

} // namespace onnx2hpp::codegen::ir
