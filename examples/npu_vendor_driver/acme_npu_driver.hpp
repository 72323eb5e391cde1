// How a vendor plugs its SDK into onnx2hpp: one type that models onnx2hpp::npu::driver.
//
// It has three parts, each shown below for the (fictional) ACME NPU of acme_npu_sdk.h:
//   1. `caps`: what the hardware takes, as an npu::capabilities constant, read off the vendor's
//      documentation. The compile-time plan decides from it alone which nodes become calls.
//   2. one `submit` per descriptor kind: translate the descriptor into the SDK's job struct and
//      queue it. Whatever the job struct cannot express exactly is refused with an error
//      (reason::driver_limit), never approximated: a capability description can promise more
//      than the SDK takes (here: square pooling windows only), and this is where that shows.
//   3. `wait`: block until the queue is empty, mapping SDK errors to npu::status.
//
// Nothing here allocates, throws or needs RTTI; the descriptors' constants (weights, bias,
// multipliers, tables) are passed by address, so the SDK reads them where the model keeps them.
#pragma once

#include <cstdint>
#include <limits>

#include "acme_npu_sdk.h"
#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/driver.hpp"

namespace acme {

namespace npu = onnx2hpp::npu;

/// ACME NPU, from its datasheet: kernels 1/3/5/7 with stride 1 or 2 and pads up to 3; no
/// dilation, grouped or depthwise convolution; conv + clamp/table + max pool in one job; max pool
/// 2x2 or 3x3; global (not windowed) average pooling; same-shape add, no mul; channels in
/// multiples of 8; 128 KiB SRAM. That is npu::strict with a few differences.
inline constexpr npu::capabilities caps = [] {
  npu::capabilities c = npu::strict; // kernels, strides, padding, fusion, alignment as strict
  c.avg_pool = false;                // only global averages
  c.pool_stride = npu::extents({1, 2, 3});
  c.on_chip_bytes = 128 * 1024;
  c.macs_per_cycle = 128;
  c.vector_ops_per_cycle = 16;
  c.dma_bytes_per_cycle = 8;
  c.cycles_per_call = 400;
  return c;
}();

class npu_driver {
public:
  static constexpr npu::capabilities caps = acme::caps;

  explicit npu_driver(acme_npu *device) : device_(device) {}

  npu::status submit(const npu::conv_descriptor &d) {
    acme_conv_job job{};
    // What the job struct has no field for, or no room for, is refused.
    const bool expressible =
        d.groups == 1 && d.window.dilation_h == 1 && d.window.dilation_w == 1 &&
        d.weight_zero_point == 0 && d.input.n == 1 &&
        (!d.fused_pool ||
         (d.pool.kernel_h == d.pool.kernel_w && d.pool.stride_h == d.pool.stride_w &&
          d.pool.pad_top == 0 && d.pool.pad_left == 0 && d.pool.pad_bottom == 0 &&
          d.pool.pad_right == 0)) &&
        fits_u16(d.input.h, d.input.w, d.input.c, d.conv_output.h, d.conv_output.w,
                 d.conv_output.c) &&
        fits_i16(d.input_zero_point) && requant_fits(d.output) &&
        (!d.fused_activation || fits_i8(d.activation.act_min, d.activation.act_max)) &&
        fits_i8(d.pool_act_min, d.pool_act_max);
    if (!expressible)
      return npu::rejected(npu::reason::driver_limit);
    job.src = d.src;
    job.dst = d.dst;
    job.weights = d.weights.data();
    job.bias = d.bias.empty() ? nullptr : d.bias.data();
    job.in_h = u16(d.input.h);
    job.in_w = u16(d.input.w);
    job.in_c = u16(d.input.c);
    job.out_h = u16(d.conv_output.h);
    job.out_w = u16(d.conv_output.w);
    job.out_c = u16(d.conv_output.c);
    job.kernel_h = u8(d.window.kernel_h);
    job.kernel_w = u8(d.window.kernel_w);
    job.stride_h = u8(d.window.stride_h);
    job.stride_w = u8(d.window.stride_w);
    job.pad_top = u8(d.window.pad_top);
    job.pad_left = u8(d.window.pad_left);
    job.pad_bottom = u8(d.window.pad_bottom);
    job.pad_right = u8(d.window.pad_right);
    set_quantization(job, d);
    job.pool_kernel = d.fused_pool ? u8(d.pool.kernel_h) : 0;
    job.pool_stride = d.fused_pool ? u8(d.pool.stride_h) : 0;
    job.pool_min = static_cast<std::int8_t>(d.pool_act_min);
    job.pool_max = static_cast<std::int8_t>(d.pool_act_max);
    job.row_begin = u16(d.rows.begin);
    job.rows = u16(d.rows.count);
    job.chan_begin = u16(d.channels.begin);
    job.chans = u16(d.channels.count);
    return status_of(acme_npu_conv(device_, &job));
  }

  npu::status submit(const npu::fc_descriptor &d) {
    if (d.weight_zero_point != 0 || !fits_u16(d.rows, d.depth, d.units) ||
        !fits_i16(d.input_zero_point) || !requant_fits(d.output) ||
        (d.fused_activation && !fits_i8(d.activation.act_min, d.activation.act_max)))
      return npu::rejected(npu::reason::driver_limit);
    acme_fc_job job{};
    job.src = d.src;
    job.dst = d.dst;
    job.weights = d.weights.data();
    job.bias = d.bias.empty() ? nullptr : d.bias.data();
    job.rows = u16(d.rows);
    job.depth = u16(d.depth);
    job.units = u16(d.units);
    set_quantization(job, d);
    job.unit_begin = u16(d.units_tile.begin);
    job.unit_count = u16(d.units_tile.count);
    return status_of(acme_npu_fc(device_, &job));
  }

  npu::status submit(const npu::pool_descriptor &d) {
    const npu::window2d &w = d.window;
    const bool global = d.kind == npu::pool_kind::global_average;
    const bool square_max = d.kind == npu::pool_kind::max && w.kernel_h == w.kernel_w &&
                            w.stride_h == w.stride_w && w.dilation_h == 1 && w.dilation_w == 1 &&
                            w.pad_top == w.pad_left && w.pad_top == w.pad_bottom &&
                            w.pad_top == w.pad_right;
    if ((!global && !square_max) || d.input.n != 1 ||
        !fits_u16(d.input.h, d.input.w, d.input.c, d.output.h, d.output.w) ||
        !fits_i16(d.input_zero_point) || !fits_i16(d.output_zero_point) ||
        !fits_i8(d.act_min, d.act_max))
      return npu::rejected(npu::reason::driver_limit);
    acme_pool_job job{};
    job.src = d.src;
    job.dst = d.dst;
    job.kind = global ? ACME_POOL_GLOBAL_AVG : ACME_POOL_MAX;
    job.in_h = u16(d.input.h);
    job.in_w = u16(d.input.w);
    job.c = u16(d.input.c);
    job.out_h = u16(d.output.h);
    job.out_w = u16(d.output.w);
    job.kernel = global ? 0 : u8(w.kernel_h);
    job.stride = global ? 0 : u8(w.stride_h);
    job.pad = global ? 0 : u8(w.pad_top);
    job.in_zero_point = static_cast<std::int16_t>(d.input_zero_point);
    job.out_zero_point = static_cast<std::int16_t>(d.output_zero_point);
    job.multiplier = d.multiplier.multiplier;
    job.shift = d.multiplier.shift;
    job.clamp_min = static_cast<std::int8_t>(d.act_min);
    job.clamp_max = static_cast<std::int8_t>(d.act_max);
    job.row_begin = u16(d.rows.begin);
    job.rows = u16(d.rows.count);
    return status_of(acme_npu_pool(device_, &job));
  }

  npu::status submit(const npu::elementwise_descriptor &d) {
    const bool add = d.op == npu::elementwise_op::add;
    if ((!add && d.op != npu::elementwise_op::activation) || d.broadcasts() ||
        !fits_i8(d.activation.act_min, d.activation.act_max) ||
        (add && !(fits_i16(d.add.a_zero_point) && fits_i16(d.add.b_zero_point) &&
                  fits_i16(d.add.output_zero_point) && fits_i8(d.add.act_min, d.add.act_max) &&
                  d.add.left_shift >= 0 && d.add.left_shift < 32 && d.activation.act_min == -128 &&
                  d.activation.act_max == 127)))
      return npu::rejected(npu::reason::driver_limit);
    acme_eltwise_job job{};
    job.a = d.a;
    job.b = d.b;
    job.dst = d.dst;
    job.op = add ? ACME_ELT_ADD : ACME_ELT_CLAMP;
    job.size = static_cast<std::uint32_t>(d.out_size());
    job.first = static_cast<std::uint32_t>(d.elements.begin);
    job.count = static_cast<std::uint32_t>(d.elements.count);
    if (add) {
      job.a_zero_point = static_cast<std::int16_t>(d.add.a_zero_point);
      job.b_zero_point = static_cast<std::int16_t>(d.add.b_zero_point);
      job.out_zero_point = static_cast<std::int16_t>(d.add.output_zero_point);
      job.a_multiplier = d.add.a_multiplier.multiplier;
      job.a_shift = d.add.a_multiplier.shift;
      job.b_multiplier = d.add.b_multiplier.multiplier;
      job.b_shift = d.add.b_multiplier.shift;
      job.out_multiplier = d.add.output_multiplier.multiplier;
      job.out_shift = d.add.output_multiplier.shift;
      job.left_shift = static_cast<std::uint8_t>(d.add.left_shift);
      job.clamp_min = static_cast<std::int8_t>(d.add.act_min);
      job.clamp_max = static_cast<std::int8_t>(d.add.act_max);
    } else {
      job.clamp_min = static_cast<std::int8_t>(d.activation.act_min);
      job.clamp_max = static_cast<std::int8_t>(d.activation.act_max);
    }
    job.table = table_of(d.activation.lut);
    return status_of(acme_npu_eltwise(device_, &job));
  }

  npu::status wait() { return status_of(acme_npu_sync(device_, timeout_ms)); }

  static constexpr std::uint32_t timeout_ms = 1000;

private:
  acme_npu *device_;

  template <class... T>
  static constexpr bool fits_u16(T... v) {
    return ((static_cast<std::size_t>(v) <= std::numeric_limits<std::uint16_t>::max()) && ...);
  }
  template <class... T>
  static constexpr bool fits_i16(T... v) {
    return ((v >= std::numeric_limits<std::int16_t>::min() &&
             v <= std::numeric_limits<std::int16_t>::max()) &&
            ...);
  }
  static constexpr bool fits_i8(std::int32_t lo, std::int32_t hi) {
    return lo >= -128 && hi <= 127 && lo <= hi;
  }
  static constexpr bool requant_fits(const onnx2hpp::output_stage &o) {
    return fits_i16(o.zero_point) && fits_i8(o.act_min, o.act_max);
  }
  static std::uint16_t u16(std::size_t v) { return static_cast<std::uint16_t>(v); }
  static std::uint8_t u8(std::size_t v) { return static_cast<std::uint8_t>(v); }
  static const std::int8_t *table_of(const onnx2hpp::lut256 *t) {
    return t != nullptr ? t->data() : nullptr;
  }
  static acme_requant requant_of(const onnx2hpp::output_stage &o) {
    acme_requant r{};
    r.multiplier = o.requant.multiplier.data();
    r.shift = o.requant.shift.data();
    r.per_channel = o.requant.count > 1 ? 1 : 0;
    r.zero_point = static_cast<std::int16_t>(o.zero_point);
    r.clamp_min = static_cast<std::int8_t>(o.act_min);
    r.clamp_max = static_cast<std::int8_t>(o.act_max);
    r.table = table_of(o.lut);
    return r;
  }
  /// The output stage and the merged activation, the same fields in conv and fc jobs.
  template <class Job, class Descriptor>
  static void set_quantization(Job &job, const Descriptor &d) {
    job.in_zero_point = static_cast<std::int16_t>(d.input_zero_point);
    job.requant = requant_of(d.output);
    job.post_act = d.fused_activation ? 1 : 0;
    job.post_min = static_cast<std::int8_t>(d.activation.act_min);
    job.post_max = static_cast<std::int8_t>(d.activation.act_max);
    job.post_table = table_of(d.activation.lut);
  }
  static npu::status status_of(acme_result r) {
    switch (r) {
    case ACME_OK:
      return {};
    case ACME_E_UNSUPPORTED:
      return {npu::error::rejected, npu::reason::driver_limit, r};
    case ACME_E_TIMEOUT:
      return {npu::error::timeout, npu::reason::none, r};
    case ACME_E_QUEUE_FULL:
    case ACME_E_BUS:
      break;
    }
    return {npu::error::device_error, npu::reason::none, r};
  }
};

static_assert(npu::driver<npu_driver>);

} // namespace acme
