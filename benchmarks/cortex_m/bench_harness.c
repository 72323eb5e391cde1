/* See bench_harness.h. Output lines (parsed by benchmarks/cortex_m/report.py):
 *   CALIB instructions=<exact count of the known loop> ticks=<SysTick ticks it took>
 *   READCOST reads=<K> ticks=<K readings> nop_ticks=<the same loop without readings> */
#include "bench_harness.h"

#include <stdio.h>

static double instructions_per_tick;
static double read_cost;

double bench_instructions(uint64_t ticks) {
  return (double)ticks * instructions_per_tick;
}
double bench_read_cost(void) {
  return read_cost;
}

/* Two runs of the known loop; their difference, 2 * (N1 - N2) instructions, leaves out the
 * readings and the loop set-up. */
static void calibrate(void) {
  const uint32_t n1 = 5000000u, n2 = 1000000u;
  uint64_t t0 = bench_ticks();
  bench_known_loop(n1);
  uint64_t t1 = bench_ticks();
  bench_known_loop(n2);
  uint64_t t2 = bench_ticks();
  const uint64_t instructions = 2ull * (n1 - n2);
  const uint64_t ticks = (t1 - t0) - (t2 - t1);
  instructions_per_tick = (double)instructions / (double)ticks;
  printf("CALIB instructions=%lu ticks=%lu\n", (unsigned long)instructions, (unsigned long)ticks);
}

/* K readings in a loop, against the same loop with a nop instead: (difference / K) + 1 is the
 * instructions of one reading (the nop it replaces counted back). */
static void measure_read_cost(void) {
  enum { K = 20000 };
  volatile uint64_t sink = 0;
  uint64_t t0 = bench_ticks();
  for (int i = 0; i < K; ++i) {
    __asm__ volatile("nop");
    sink = 0;
  }
  uint64_t t1 = bench_ticks();
  for (int i = 0; i < K; ++i)
    sink = bench_ticks();
  uint64_t t2 = bench_ticks();
  (void)sink;
  const uint64_t nop_ticks = t1 - t0, read_ticks = t2 - t1;
  read_cost = ((double)read_ticks - (double)nop_ticks) * instructions_per_tick / K + 1.0;
  printf("READCOST reads=%d ticks=%lu nop_ticks=%lu\n", K, (unsigned long)read_ticks,
         (unsigned long)nop_ticks);
}

void bench_init(void) {
  bench_timer_start();
  calibrate();
  measure_read_cost();
}

uint32_t bench_fnv(const int8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i)
    h = (h ^ (uint8_t)p[i]) * 16777619u;
  return h;
}

void bench_fill(int8_t *p, size_t n, uint32_t seed) {
  uint32_t s = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    p[i] = (int8_t)(s >> 24);
  }
}
