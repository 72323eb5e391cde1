// The driver concept: the small set of calls a vendor SDK must provide for backends::npu.
//
//   struct my_driver {
//     static constexpr npu::capabilities caps = ...;     // what the hardware takes
//     npu::status submit(const npu::conv_descriptor &);  // queue one call ...
//     npu::status submit(const npu::fc_descriptor &);
//     npu::status submit(const npu::pool_descriptor &);
//     npu::status submit(const npu::elementwise_descriptor &);
//     npu::status wait();                                // ... and block until all are done
//   };
//
// Contract: calls execute in submission order (a later call may read what an earlier one wrote);
// a descriptor and the buffers it points to stay valid until the next wait() returns; submit()
// may return before the call ran. The geometry and quantization of a descriptor are the same on
// every run of a node (only src/dst change), so a driver may configure the hardware once per
// (node, tile) and then only patch addresses. A driver must reject a descriptor it cannot
// execute exactly with an error — never compute something else. See
// examples/npu_vendor_driver/ for a worked example.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/reason.hpp"

namespace onnx2hpp::npu {

enum class error : std::uint8_t {
  none,
  rejected,     ///< outside the driver's capabilities (`detail` says why)
  device_error, ///< the hardware or SDK failed
  timeout,      ///< wait() gave up
};

constexpr std::string_view error_name(error e) {
  switch (e) {
  case error::none:
    return "none";
  case error::rejected:
    return "rejected";
  case error::device_error:
    return "device_error";
  case error::timeout:
    return "timeout";
  }
  return "?";
}

/// What a driver call returns.
struct status {
  error code = error::none;
  reason detail = reason::none; ///< for error::rejected
  std::int32_t vendor_code = 0; ///< the SDK's own code, for error::device_error

  constexpr bool ok() const { return code == error::none; }
  friend constexpr bool operator==(const status &, const status &) = default;
};

constexpr status rejected(reason why) {
  return {error::rejected, why, 0};
}

template <class D>
concept driver = requires(D &d, const conv_descriptor &conv, const fc_descriptor &fc,
                          const pool_descriptor &pool, const elementwise_descriptor &ew) {
  { D::caps } -> std::convertible_to<capabilities>;
  { d.submit(conv) } -> std::same_as<status>;
  { d.submit(fc) } -> std::same_as<status>;
  { d.submit(pool) } -> std::same_as<status>;
  { d.submit(ew) } -> std::same_as<status>;
  { d.wait() } -> std::same_as<status>;
};

} // namespace onnx2hpp::npu
