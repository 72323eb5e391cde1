// A host stand-in for the ACME SDK library (libacme_npu.a on the real board): acme_npu_* on top
// of onnx2hpp's NPU simulator, so that the example runs, and is tested, without the hardware.
// It is not part of what a vendor writes; acme_npu_driver.hpp is.
#include "acme_npu_host.hpp"

#include <algorithm>
#include <cstddef>

#include "onnx2hpp/core/output_stage.hpp"

namespace {

namespace npu = onnx2hpp::npu;

// The SDK takes tables as 256 bytes; the simulator as lut256 objects.
onnx2hpp::lut256 table_from(const std::int8_t *bytes) {
  onnx2hpp::lut256 t{};
  std::copy_n(bytes, t.size(), t.begin());
  return t;
}

onnx2hpp::output_stage output_stage_of(const acme_requant &r, std::size_t channels,
                                       const onnx2hpp::lut256 *table) {
  return {{r.multiplier, r.shift, r.per_channel != 0 ? channels : 1},
          r.zero_point,
          r.clamp_min,
          r.clamp_max,
          table};
}

acme_result result_of(const npu::status &s) {
  if (s.ok())
    return ACME_OK;
  return s.code == npu::error::rejected ? ACME_E_UNSUPPORTED : ACME_E_BUS;
}

} // namespace

extern "C" {

acme_result acme_npu_conv(acme_npu *dev, const acme_conv_job *job) {
  const onnx2hpp::lut256 requant_table =
      job->requant.table ? table_from(job->requant.table) : onnx2hpp::lut256{};
  const onnx2hpp::lut256 post_table =
      job->post_table ? table_from(job->post_table) : onnx2hpp::lut256{};
  npu::conv_descriptor d;
  d.input = {1, job->in_h, job->in_w, job->in_c};
  d.conv_output = {1, job->out_h, job->out_w, job->out_c};
  d.window = {job->kernel_h, job->kernel_w, job->stride_h,   job->stride_w, 1, 1,
              job->pad_top,  job->pad_left, job->pad_bottom, job->pad_right};
  d.weights = job->weights;
  if (job->bias != nullptr) // const_data from a null pointer would not be empty
    d.bias = job->bias;
  d.input_zero_point = job->in_zero_point;
  d.output =
      output_stage_of(job->requant, job->out_c, job->requant.table ? &requant_table : nullptr);
  d.fused_activation = job->post_act != 0;
  d.activation = {job->post_min, job->post_max, job->post_table ? &post_table : nullptr};
  d.fused_pool = job->pool_kernel != 0;
  d.out = d.conv_output;
  if (d.fused_pool) {
    const std::size_t k = job->pool_kernel, s = job->pool_stride;
    d.pool = {k, k, s, s, 1, 1, 0, 0, 0, 0};
    d.out.h = (d.conv_output.h - k) / s + 1;
    d.out.w = (d.conv_output.w - k) / s + 1;
  }
  d.pool_act_min = job->pool_min;
  d.pool_act_max = job->pool_max;
  d.rows = {job->row_begin, job->rows};
  d.channels = {job->chan_begin, job->chans};
  d.src = job->src;
  d.dst = job->dst;
  return result_of(dev->hardware.submit(d));
}

acme_result acme_npu_fc(acme_npu *dev, const acme_fc_job *job) {
  const onnx2hpp::lut256 requant_table =
      job->requant.table ? table_from(job->requant.table) : onnx2hpp::lut256{};
  const onnx2hpp::lut256 post_table =
      job->post_table ? table_from(job->post_table) : onnx2hpp::lut256{};
  npu::fc_descriptor d;
  d.rows = job->rows;
  d.depth = job->depth;
  d.units = job->units;
  d.weights = job->weights;
  if (job->bias != nullptr)
    d.bias = job->bias;
  d.input_zero_point = job->in_zero_point;
  d.output =
      output_stage_of(job->requant, job->units, job->requant.table ? &requant_table : nullptr);
  d.fused_activation = job->post_act != 0;
  d.activation = {job->post_min, job->post_max, job->post_table ? &post_table : nullptr};
  d.units_tile = {job->unit_begin, job->unit_count};
  d.src = job->src;
  d.dst = job->dst;
  return result_of(dev->hardware.submit(d));
}

acme_result acme_npu_pool(acme_npu *dev, const acme_pool_job *job) {
  npu::pool_descriptor d;
  d.kind = job->kind == ACME_POOL_MAX ? npu::pool_kind::max : npu::pool_kind::global_average;
  d.input = {1, job->in_h, job->in_w, job->c};
  d.output = {1, job->out_h, job->out_w, job->c};
  if (d.kind == npu::pool_kind::max)
    d.window = {job->kernel, job->kernel, job->stride, job->stride, 1,
                1,           job->pad,    job->pad,    job->pad,    job->pad};
  else
    d.window = {job->in_h, job->in_w};
  d.input_zero_point = job->in_zero_point;
  d.output_zero_point = job->out_zero_point;
  d.multiplier = {job->multiplier, job->shift};
  d.act_min = job->clamp_min;
  d.act_max = job->clamp_max;
  d.rows = {job->row_begin, job->rows};
  d.src = job->src;
  d.dst = job->dst;
  return result_of(dev->hardware.submit(d));
}

acme_result acme_npu_eltwise(acme_npu *dev, const acme_eltwise_job *job) {
  const onnx2hpp::lut256 table = job->table ? table_from(job->table) : onnx2hpp::lut256{};
  npu::elementwise_descriptor d;
  d.rank = 1;
  d.out_dims[0] = d.a_dims[0] = d.b_dims[0] = job->size;
  d.elements = {job->first, job->count};
  d.a = job->a;
  d.b = job->b;
  d.dst = job->dst;
  if (job->op == ACME_ELT_ADD) {
    d.op = npu::elementwise_op::add;
    d.add = {job->a_zero_point,   {job->a_multiplier, job->a_shift},
             job->b_zero_point,   {job->b_multiplier, job->b_shift},
             job->out_zero_point, {job->out_multiplier, job->out_shift},
             job->left_shift,     job->clamp_min,
             job->clamp_max};
    d.activation.lut = job->table ? &table : nullptr;
  } else {
    d.op = npu::elementwise_op::activation;
    d.activation = {job->clamp_min, job->clamp_max, job->table ? &table : nullptr};
  }
  return result_of(dev->hardware.submit(d));
}

acme_result acme_npu_sync(acme_npu *dev, std::uint32_t) {
  return result_of(dev->hardware.wait());
}

} // extern "C"
