/* The C API of a fictional accelerator, "ACME NPU", as a vendor SDK might ship it. It stands in
 * for your vendor's real header: the point of this example is acme_npu_driver.hpp, which adapts
 * an API of this shape to onnx2hpp's driver concept.
 *
 * Jobs are queued with acme_npu_conv/_fc/_pool/_eltwise and run in order; acme_npu_sync blocks
 * until the queue is empty. Addresses are device addresses; on a system with one address space
 * (most MCUs with an on-die NPU) they are the CPU's pointers.
 */
#ifndef ACME_NPU_SDK_H
#define ACME_NPU_SDK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acme_npu acme_npu; /* an opened device */

typedef enum {
  ACME_OK = 0,
  ACME_E_UNSUPPORTED = -1, /* the job asks for something the hardware cannot do */
  ACME_E_QUEUE_FULL = -2,
  ACME_E_TIMEOUT = -3,
  ACME_E_BUS = -4,
} acme_result;

/* Output stage shared by conv and fc jobs: per-channel (or per-tensor when per_channel == 0)
 * fixed-point multiplier and shift, zero point, clamp, optional 256-entry table. */
typedef struct {
  const int32_t *multiplier;
  const int32_t *shift;
  uint8_t per_channel;
  int16_t zero_point;
  int8_t clamp_min, clamp_max;
  const int8_t *table; /* NULL: none */
} acme_requant;

/* Convolution (groups == 1 only, no dilation), optionally followed by a clamp+table stage and a
 * max pool; computes output rows [row_begin, row_begin + rows) and channels
 * [chan_begin, chan_begin + chans) of the final output. */
typedef struct {
  const int8_t *src;
  int8_t *dst;
  const int8_t *weights;                          /* OHWI */
  const int32_t *bias;                            /* NULL: none */
  uint16_t in_h, in_w, in_c, out_h, out_w, out_c; /* out_*: of the convolution */
  uint8_t kernel_h, kernel_w, stride_h, stride_w;
  uint8_t pad_top, pad_left, pad_bottom, pad_right;
  int16_t in_zero_point;
  acme_requant requant;
  uint8_t post_act; /* 1: a second clamp+table stage */
  int8_t post_min, post_max;
  const int8_t *post_table;
  uint8_t pool_kernel, pool_stride; /* 0: no pool; square window, no padding */
  int8_t pool_min, pool_max;
  uint16_t row_begin, rows, chan_begin, chans;
} acme_conv_job;

typedef struct {
  const int8_t *src;
  int8_t *dst;
  const int8_t *weights; /* [units][depth] */
  const int32_t *bias;
  uint16_t rows, depth, units;
  int16_t in_zero_point;
  acme_requant requant;
  uint8_t post_act;
  int8_t post_min, post_max;
  const int8_t *post_table;
  uint16_t unit_begin, unit_count;
} acme_fc_job;

typedef enum { ACME_POOL_MAX = 0, ACME_POOL_GLOBAL_AVG = 1 } acme_pool_kind;

typedef struct {
  const int8_t *src;
  int8_t *dst;
  uint8_t kind; /* acme_pool_kind */
  uint16_t in_h, in_w, c, out_h, out_w;
  uint8_t kernel, stride, pad;           /* max pool: square window, same pad on every side */
  int16_t in_zero_point, out_zero_point; /* global average */
  int32_t multiplier, shift;             /* global average */
  int8_t clamp_min, clamp_max;
  uint16_t row_begin, rows;
} acme_pool_job;

typedef enum { ACME_ELT_ADD = 0, ACME_ELT_CLAMP = 1 } acme_eltwise_op;

/* Same-shape element-wise jobs over `count` bytes starting at element `first`. */
typedef struct {
  const int8_t *a, *b;
  int8_t *dst;
  uint8_t op; /* acme_eltwise_op */
  uint32_t size, first, count;
  /* add: TFLite-style rescale of both operands */
  int16_t a_zero_point, b_zero_point, out_zero_point;
  int32_t a_multiplier, a_shift, b_multiplier, b_shift, out_multiplier, out_shift;
  uint8_t left_shift;
  int8_t clamp_min, clamp_max;
  const int8_t *table;
} acme_eltwise_job;

acme_result acme_npu_conv(acme_npu *dev, const acme_conv_job *job);
acme_result acme_npu_fc(acme_npu *dev, const acme_fc_job *job);
acme_result acme_npu_pool(acme_npu *dev, const acme_pool_job *job);
acme_result acme_npu_eltwise(acme_npu *dev, const acme_eltwise_job *job);
acme_result acme_npu_sync(acme_npu *dev, uint32_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* ACME_NPU_SDK_H */
