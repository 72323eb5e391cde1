// npu::simulator<Caps>: a driver that executes descriptors on the host, bit-exactly as the `ref`
// kernels of their layers (it uses the same core arithmetic: output_stage, the pooling average,
// ref's element-wise formulas), with a throughput model.
//
// - Every descriptor is checked with npu::check against Caps before anything runs; one the
//   hardware could not execute is rejected with error::rejected and the reason, and logged.
// - Data moves like on the device: each call copies its input rows/elements and weights into an
//   on-chip array of Caps.on_chip_bytes bytes, computes there, and copies its output back, so a
//   wrong tile shows as a wrong result rather than passing by reading the whole tensor.
// - Cycles follow the model in cost_model.hpp (per-call overhead, DMA bytes per cycle, MACs per
//   cycle, vector ops per cycle); totals and a fixed-size command log (the first LogCapacity calls,
//   later ones counted in `dropped`) are kept. No heap: the object holds the on-chip array, so
//   give it static storage when Caps.on_chip_bytes is large for your stack.
// - `deferred = true` queues calls and runs them in wait() (a queue of QueueCapacity; a full
//   queue drains first), to catch a caller that reads results without waiting.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "onnx2hpp/backends/npu/capabilities.hpp"
#include "onnx2hpp/backends/npu/descriptors.hpp"
#include "onnx2hpp/backends/npu/driver.hpp"
#include "onnx2hpp/backends/npu/operation_check.hpp"
#include "onnx2hpp/backends/ref/elementwise.hpp"
#include "onnx2hpp/backends/ref/pooling.hpp"
#include "onnx2hpp/core/window.hpp"

namespace onnx2hpp::npu {

/// One entry of a driver's command log.
struct command_record {
  call_kind kind = call_kind::none;
  std::size_t node = 0;
  tile_range tile;
  status result;
  call_cost cost;
  std::uint64_t cycles = 0; ///< 0 for a rejected call
};

template <capabilities Caps, std::size_t LogCapacity = 256, std::size_t QueueCapacity = 16>
class simulator {
public:
  static constexpr capabilities caps = Caps;

  /// Run queued calls in wait() instead of at submit().
  bool deferred = false;

  status submit(const conv_descriptor &d) { return enqueue(d, call_kind::conv); }
  status submit(const fc_descriptor &d) { return enqueue(d, call_kind::fully_connected); }
  status submit(const pool_descriptor &d) { return enqueue(d, call_kind::pool); }
  status submit(const elementwise_descriptor &d) { return enqueue(d, call_kind::elementwise); }

  status wait() {
    drain();
    ++waits_;
    return {};
  }

  /// The first min(calls(), LogCapacity) calls, in submission order.
  std::span<const command_record> log() const { return {log_.data(), logged_}; }
  std::size_t calls() const { return calls_; }
  std::size_t dropped() const { return calls_ - logged_; }
  std::size_t rejected_calls() const { return rejected_; }
  std::size_t waits() const { return waits_; }
  std::uint64_t cycles() const { return cycles_; }
  std::uint64_t macs() const { return macs_; }
  std::uint64_t dma_bytes() const { return dma_bytes_; }

  /// Clears the log and the counters (not the queue: call wait() first).
  void reset() {
    logged_ = calls_ = rejected_ = waits_ = 0;
    cycles_ = macs_ = dma_bytes_ = 0;
  }

private:
  struct queued_call {
    call_kind kind = call_kind::none;
    conv_descriptor conv;
    fc_descriptor fc;
    pool_descriptor pool;
    elementwise_descriptor elementwise;
  };

  static void store(queued_call &q, const conv_descriptor &d) { q.conv = d; }
  static void store(queued_call &q, const fc_descriptor &d) { q.fc = d; }
  static void store(queued_call &q, const pool_descriptor &d) { q.pool = d; }
  static void store(queued_call &q, const elementwise_descriptor &d) { q.elementwise = d; }

  template <class Descriptor>
  status enqueue(const Descriptor &d, call_kind kind) {
    command_record rec{kind, d.node, tile_of(d), {}, cost_of(d), 0};
    if (const reason why = check(d, Caps); why != reason::none) {
      rec.result = rejected(why);
      ++rejected_;
      record(rec);
      return rec.result;
    }
    rec.cycles = cycles_of(rec.cost, Caps);
    cycles_ += rec.cycles;
    macs_ += rec.cost.macs;
    dma_bytes_ += rec.cost.dma_bytes;
    record(rec);
    if (!deferred) {
      execute(d);
      return {};
    }
    if (queued_ == QueueCapacity)
      drain();
    queue_[queued_].kind = kind;
    store(queue_[queued_], d);
    ++queued_;
    return {};
  }

  void record(const command_record &rec) {
    if (logged_ < LogCapacity)
      log_[logged_++] = rec;
    ++calls_;
  }

  void drain() {
    for (std::size_t k = 0; k < queued_; ++k) {
      const queued_call &q = queue_[k];
      switch (q.kind) {
      case call_kind::conv:
        execute(q.conv);
        break;
      case call_kind::fully_connected:
        execute(q.fc);
        break;
      case call_kind::pool:
        execute(q.pool);
        break;
      case call_kind::elementwise:
        execute(q.elementwise);
        break;
      case call_kind::none:
        break;
      }
    }
    queued_ = 0;
  }

  /// DMA: `rows` rows of `row_bytes` from each of `images` images of `image_rows` rows.
  static void copy_rows(const std::int8_t *src, std::size_t src_image_rows, std::size_t src_row0,
                        std::int8_t *dst, std::size_t dst_image_rows, std::size_t dst_row0,
                        std::size_t rows, std::size_t row_bytes, std::size_t images) {
    for (std::size_t b = 0; b < images; ++b)
      std::copy_n(src + (b * src_image_rows + src_row0) * row_bytes, rows * row_bytes,
                  dst + (b * dst_image_rows + dst_row0) * row_bytes);
  }

  void execute(const conv_descriptor &d) {
    const conv_rows r = conv_tile_rows(d);
    const std::size_t n = d.input.n, icg = d.in_channels_per_group();
    const std::size_t ocg = d.conv_output.c / d.groups;
    const std::size_t c0 = d.channels.begin, cc = d.channels.count; // the call's output channels
    const window2d &w = d.window;
    // On-chip layout: input rows | weights of channels c0.. | convolution rows (fused pool only)
    // | output rows; the last two hold only the call's channels.
    std::int8_t *in_buf = sram_.data();
    std::int8_t *w_buf = in_buf + n * r.input.size() * d.input.row_bytes();
    std::int8_t *conv_buf = w_buf + d.weight_bytes();
    std::int8_t *out_buf = conv_buf + (d.fused_pool ? n * r.conv.size() * d.conv_output.w * cc : 0);
    copy_rows(d.src, d.input.h, r.input.begin, in_buf, r.input.size(), 0, r.input.size(),
              d.input.row_bytes(), n);
    for (std::size_t i = 0; i < d.weight_bytes(); ++i)
      w_buf[i] = d.weights[c0 * d.filter_bytes() + i];

    std::int8_t *conv_dst = d.fused_pool ? conv_buf : out_buf;
    // On-chip tensors: the tile's input rows, its convolution rows and its output rows, of the
    // call's cc channels (the input of all its channels).
    const feature_map on_chip_in{n, r.input.size(), d.input.w, d.input.c};
    const feature_map on_chip_conv{n, r.conv.size(), d.conv_output.w, cc};
    const feature_map on_chip_out{n, d.rows.count, d.out.w, cc};
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t oy = r.conv.begin; oy < r.conv.end; ++oy)
        for (std::size_t ox = 0; ox < d.conv_output.w; ++ox)
          for (std::size_t j = 0; j < cc; ++j) {
            const std::size_t oc = c0 + j, group = oc / ocg;
            std::int32_t acc = d.bias.empty() ? 0 : d.bias[oc];
            // The tile's input rows are on chip from r.input.begin on.
            for_each_tap_inside(
                w, d.input.h, d.input.w, oy, ox,
                [&](std::size_t ky, std::size_t kx, std::size_t iy, std::size_t ix) {
                  const std::int8_t *x =
                      in_buf + on_chip_in.offset(b, iy - r.input.begin, ix, group * icg);
                  const std::int8_t *wt = w_buf + ((j * w.kernel_h + ky) * w.kernel_w + kx) * icg;
                  for (std::size_t ic = 0; ic < icg; ++ic)
                    acc += (x[ic] - d.input_zero_point) * (wt[ic] - d.weight_zero_point);
                });
            std::int8_t v = d.output.apply(acc, oc);
            if (d.fused_activation)
              v = d.activation.apply(v);
            conv_dst[on_chip_conv.offset(b, oy - r.conv.begin, ox, j)] = v;
          }

    if (d.fused_pool)
      for (std::size_t b = 0; b < n; ++b)
        for (std::size_t py = d.rows.begin; py < d.rows.begin + d.rows.count; ++py)
          for (std::size_t px = 0; px < d.out.w; ++px)
            for (std::size_t j = 0; j < cc; ++j) {
              std::int32_t best = -128; // a window without taps, as max_pool2d
              // The pool's input is the convolution output, on chip from r.conv.begin on.
              for_each_tap_inside(d.pool, d.conv_output.h, d.conv_output.w, py, px,
                                  [&](std::size_t, std::size_t, std::size_t cy, std::size_t cx) {
                                    const std::int32_t v =
                                        conv_buf[on_chip_conv.offset(b, cy - r.conv.begin, cx, j)];
                                    best = v > best ? v : best;
                                  });
              best = best < d.pool_act_min ? d.pool_act_min
                                           : (best > d.pool_act_max ? d.pool_act_max : best);
              out_buf[on_chip_out.offset(b, py - d.rows.begin, px, j)] =
                  saturate_cast<std::int8_t>(best);
            }

    // DMA out: every output pixel of the tile gets its cc channels at channel offset c0.
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t y = 0; y < d.rows.count; ++y)
        for (std::size_t x = 0; x < d.out.w; ++x)
          std::copy_n(out_buf + on_chip_out.offset(b, y, x, 0), cc,
                      d.dst + d.out.offset(b, d.rows.begin + y, x, c0));
  }

  void execute(const fc_descriptor &d) {
    const std::size_t u0 = d.units_tile.begin, units = d.units_tile.count;
    // On-chip layout: input rows | weights of the tile's units | output.
    std::int8_t *in_buf = sram_.data();
    std::int8_t *w_buf = in_buf + d.rows * d.depth;
    std::int8_t *out_buf = w_buf + units * d.depth;
    std::copy_n(d.src, d.rows * d.depth, in_buf);
    for (std::size_t i = 0; i < units * d.depth; ++i)
      w_buf[i] = d.weights[u0 * d.depth + i];
    for (std::size_t r = 0; r < d.rows; ++r)
      for (std::size_t j = 0; j < units; ++j) {
        const std::size_t u = u0 + j;
        std::int32_t acc = d.bias.empty() ? 0 : d.bias[u];
        for (std::size_t k = 0; k < d.depth; ++k)
          acc += (in_buf[r * d.depth + k] - d.input_zero_point) *
                 (w_buf[j * d.depth + k] - d.weight_zero_point);
        std::int8_t v = d.output.apply(acc, u);
        if (d.fused_activation)
          v = d.activation.apply(v);
        out_buf[r * units + j] = v;
      }
    for (std::size_t r = 0; r < d.rows; ++r)
      std::copy_n(out_buf + r * units, units, d.dst + r * d.units + u0);
  }

  void execute(const pool_descriptor &d) {
    const row_span in_rows = pool_tile_rows(d);
    const std::size_t n = d.input.n, c_n = d.input.c;
    std::int8_t *in_buf = sram_.data();
    std::int8_t *out_buf = in_buf + n * in_rows.size() * d.input.row_bytes();
    copy_rows(d.src, d.input.h, in_rows.begin, in_buf, in_rows.size(), 0, in_rows.size(),
              d.input.row_bytes(), n);
    // On chip: the tile's input rows (from in_rows.begin on) and output rows (from d.rows.begin).
    const feature_map on_chip_in{n, in_rows.size(), d.input.w, c_n};
    const feature_map on_chip_out{n, d.rows.count, d.output.w, c_n};
    auto at = [&](std::size_t b, std::size_t iy, std::size_t ix, std::size_t c) -> std::int32_t {
      return in_buf[on_chip_in.offset(b, iy - in_rows.begin, ix, c)];
    };
    auto put = [&](std::size_t b, std::size_t oy, std::size_t ox, std::size_t c, std::int8_t v) {
      out_buf[on_chip_out.offset(b, oy - d.rows.begin, ox, c)] = v;
    };

    if (d.kind == pool_kind::global_average) {
      const std::size_t pixels = d.input.h * d.input.w;
      for (std::size_t b = 0; b < n; ++b)
        for (std::size_t c = 0; c < c_n; ++c) {
          std::int64_t sum = 0;
          for (std::size_t p = 0; p < pixels; ++p)
            sum += at(b, p / d.input.w, p % d.input.w, c) - d.input_zero_point;
          put(b, 0, 0, c,
              onnx2hpp::detail::requantize_average(sum, static_cast<std::int64_t>(pixels),
                                                   d.multiplier, d.output_zero_point, d.act_min,
                                                   d.act_max));
        }
    } else {
      const window2d &w = d.window;
      for (std::size_t oy = d.rows.begin; oy < d.rows.begin + d.rows.count; ++oy) {
        for (std::size_t ox = 0; ox < d.output.w; ++ox) {
          const auto count = static_cast<std::int64_t>(
              w.count_taps(oy, ox, d.input.h, d.input.w, d.count_include_pad));
          for (std::size_t b = 0; b < n; ++b)
            for (std::size_t c = 0; c < c_n; ++c) {
              std::int32_t best = -128;
              std::int64_t sum = 0;
              for_each_tap_inside(w, d.input.h, d.input.w, oy, ox,
                                  [&](std::size_t, std::size_t, std::size_t iy, std::size_t ix) {
                                    const std::int32_t v = at(b, iy, ix, c);
                                    best = v > best ? v : best;
                                    sum += v - d.input_zero_point;
                                  });
              if (d.kind == pool_kind::max) {
                best = best < d.act_min ? d.act_min : (best > d.act_max ? d.act_max : best);
                put(b, oy, ox, c, saturate_cast<std::int8_t>(best));
              } else {
                put(b, oy, ox, c,
                    onnx2hpp::detail::requantize_average(
                        sum, count, d.multiplier, d.output_zero_point, d.act_min, d.act_max));
              }
            }
        }
      }
    }
    copy_rows(out_buf, d.rows.count, 0, d.dst, d.output.h, d.rows.begin, d.rows.count,
              d.output.row_bytes(), n);
  }

  void execute(const elementwise_descriptor &d) {
    const std::size_t e0 = d.elements.begin, count = d.elements.count;
    const bool unary = d.op == elementwise_op::activation;
    const bool a_whole = d.a_size() != d.out_size(), b_whole = !unary && d.b_size() != d.out_size();
    // On-chip layout: a (its tile, or all of it when broadcast) | b (likewise) | output tile.
    std::int8_t *a_buf = sram_.data();
    std::int8_t *b_buf = a_buf + (a_whole ? d.a_size() : count);
    std::int8_t *out_buf = b_buf + (unary ? 0 : (b_whole ? d.b_size() : count));
    std::copy_n(d.a + (a_whole ? 0 : e0), a_whole ? d.a_size() : count, a_buf);
    if (!unary)
      std::copy_n(d.b + (b_whole ? 0 : e0), b_whole ? d.b_size() : count, b_buf);

    // Row-major strides of each operand over the output's dimensions, 0 where it is broadcast.
    std::array<std::size_t, elementwise_descriptor::max_rank> sa{}, sb{}, idx{};
    std::size_t step_a = 1, step_b = 1;
    for (std::size_t k = d.rank; k-- > 0;) {
      sa[k] = d.a_dims[k] == 1 ? 0 : step_a;
      sb[k] = d.b_dims[k] == 1 ? 0 : step_b;
      step_a *= d.a_dims[k];
      step_b *= unary ? 1 : d.b_dims[k];
    }
    std::size_t ia = 0, ib = 0;
    for (std::size_t k = d.rank, rest = e0; k-- > 0;) { // the odometer at element e0
      idx[k] = rest % d.out_dims[k];
      rest /= d.out_dims[k];
      ia += idx[k] * sa[k];
      ib += idx[k] * sb[k];
    }
    using ref_add = kernel<backends::ref, add<shape<1>, shape<1>>>;
    using ref_mul = kernel<backends::ref, mul<shape<1>, shape<1>>>;
    for (std::size_t e = 0; e < count; ++e) {
      const std::int8_t a = a_buf[a_whole ? ia : e];
      std::int32_t v = a;
      if (d.op == elementwise_op::add)
        v = ref_add::one(d.add, a, b_buf[b_whole ? ib : e]);
      else if (d.op == elementwise_op::mul)
        v = ref_mul::one(d.mul, a, b_buf[b_whole ? ib : e]);
      out_buf[e] = d.activation.apply(v);
      for (std::size_t k = d.rank; k-- > 0;) {
        ++idx[k];
        ia += sa[k];
        ib += sb[k];
        if (idx[k] < d.out_dims[k])
          break;
        ia -= sa[k] * d.out_dims[k];
        ib -= sb[k] * d.out_dims[k];
        idx[k] = 0;
      }
    }
    std::copy_n(out_buf, count, d.dst + e0);
  }

  std::array<std::int8_t, Caps.on_chip_bytes> sram_{};
  std::array<command_record, LogCapacity> log_{};
  std::array<queued_call, QueueCapacity> queue_{};
  std::size_t queued_ = 0;
  std::size_t logged_ = 0, calls_ = 0, rejected_ = 0, waits_ = 0;
  std::uint64_t cycles_ = 0, macs_ = 0, dma_bytes_ = 0;
};

} // namespace onnx2hpp::npu
