// npu::recording_driver<Caps>: a driver for tests that computes nothing. It keeps a copy of every
// descriptor it is handed, in order (the first Capacity calls of each kind), counts wait()s, checks
// each descriptor against Caps like hardware would (optional), and can be told to fail a given
// call, to test how a caller handles driver errors.
#pragma once

#include <array>
#include <cstddef>

#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/driver.hpp"
#include "onnx2hpp/backends/npu/operation_check.hpp"

namespace onnx2hpp::npu {

template <capabilities Caps, std::size_t Capacity = 32>
class recording_driver {
public:
  static constexpr capabilities caps = Caps;

  /// One submitted call: its kind and its position among the calls of that kind.
  struct call {
    call_kind kind = call_kind::none;
    std::size_t index = 0;
  };

  bool check_capabilities = true;  ///< reject descriptors outside Caps, as hardware would
  std::size_t fail_call = no_call; ///< submission number (0-based) to fail with `failure`
  status failure{error::device_error, reason::none, -1};
  static constexpr std::size_t no_call = static_cast<std::size_t>(-1);

  status submit(const conv_descriptor &d) { return take(d, convs_, n_convs_, call_kind::conv); }
  status submit(const fc_descriptor &d) {
    return take(d, fcs_, n_fcs_, call_kind::fully_connected);
  }
  status submit(const pool_descriptor &d) { return take(d, pools_, n_pools_, call_kind::pool); }
  status submit(const elementwise_descriptor &d) {
    return take(d, elementwise_, n_elementwise_, call_kind::elementwise);
  }
  status wait() {
    ++waits_;
    return {};
  }

  std::size_t calls() const { return n_calls_; }
  std::size_t waits() const { return waits_; }
  /// Call `i` in submission order (i < min(calls(), Capacity)).
  const call &sequence(std::size_t i) const { return sequence_[i]; }
  const conv_descriptor &conv(std::size_t i) const { return convs_[i]; }
  const fc_descriptor &fc(std::size_t i) const { return fcs_[i]; }
  const pool_descriptor &pool(std::size_t i) const { return pools_[i]; }
  const elementwise_descriptor &elementwise(std::size_t i) const { return elementwise_[i]; }
  std::size_t conv_calls() const { return n_convs_; }
  std::size_t fc_calls() const { return n_fcs_; }
  std::size_t pool_calls() const { return n_pools_; }
  std::size_t elementwise_calls() const { return n_elementwise_; }

private:
  template <class Descriptor>
  status take(const Descriptor &d, std::array<Descriptor, Capacity> &store, std::size_t &count,
              call_kind kind) {
    const std::size_t number = n_calls_++;
    if (number < Capacity)
      sequence_[number] = {kind, count};
    if (count < Capacity)
      store[count] = d;
    ++count;
    if (number == fail_call)
      return failure;
    if (check_capabilities)
      if (const reason why = check(d, Caps); why != reason::none)
        return rejected(why);
    return {};
  }

  std::array<call, Capacity> sequence_{};
  std::array<conv_descriptor, Capacity> convs_{};
  std::array<fc_descriptor, Capacity> fcs_{};
  std::array<pool_descriptor, Capacity> pools_{};
  std::array<elementwise_descriptor, Capacity> elementwise_{};
  std::size_t n_calls_ = 0, waits_ = 0;
  std::size_t n_convs_ = 0, n_fcs_ = 0, n_pools_ = 0, n_elementwise_ = 0;
};

} // namespace onnx2hpp::npu
