/* The parts of the benchmark firmwares that are the same for every model, CPU and library. */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "bench_timer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Starts SysTick, measures instructions per tick and the cost of one bench_ticks() reading, and
 * prints them ("CALIB ..." and "READCOST ..." lines, see bench_harness.c). */
void bench_init(void);
/* Instructions in `ticks` ticks (calibrated), as a double. */
double bench_instructions(uint64_t ticks);
/* Instructions of one bench_ticks() reading: subtract once from every interval measured between
 * two readings. */
double bench_read_cost(void);

void bench_paint_stack(void);
size_t bench_stack_used(void);
size_t bench_stack_reserved(void);

/* FNV-1a over n bytes: outputs are compared between libraries by checksum. */
uint32_t bench_fnv(const int8_t *p, size_t n);
/* Deterministic pseudo-random int8 values (the same for every firmware). */
void bench_fill(int8_t *p, size_t n, uint32_t seed);

#ifdef __cplusplus
}
#endif

#endif
