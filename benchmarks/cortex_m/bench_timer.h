/* Instruction counting on qemu's Cortex-M boards.
 *
 * Under `qemu-system-arm -icount shift=0` the virtual clock advances exactly 1 ns per guest
 * instruction (2^0 ns), whatever the host does; SysTick, clocked from the CPU clock
 * (CLKSOURCE = 1: 25 MHz on mps2-an386/an500, 32 MHz on mps3-an547), then ticks once every 40
 * (resp. 31.25) instructions. The counter is 24 bits wide and counts down; SysTick_Handler
 * (startup.c) counts its wraps, so bench_ticks() is a 64-bit count. bench_calibrate() measures
 * instructions per tick with a loop of known instruction count instead of trusting the clock.
 * These are instructions retired, not cycles: qemu does not model pipelines or memory. */
#ifndef BENCH_TIMER_H
#define BENCH_TIMER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BENCH_SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define BENCH_SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define BENCH_SYST_CVR (*(volatile uint32_t *)0xE000E018u)

extern volatile uint32_t bench_systick_wraps;

static inline void bench_timer_start(void) {
  BENCH_SYST_RVR = 0xFFFFFFu;
  BENCH_SYST_CVR = 0;
  BENCH_SYST_CSR = 7u;          /* CLKSOURCE = CPU clock, TICKINT, ENABLE */
  while (BENCH_SYST_CVR == 0) { /* reads 0 until the first reload from RVR */
  }
}

/* Ticks since bench_timer_start(). */
static inline uint64_t bench_ticks(void) {
  uint32_t wraps, value;
  do {
    wraps = bench_systick_wraps;
    value = BENCH_SYST_CVR;
  } while (wraps != bench_systick_wraps);
  return ((uint64_t)wraps << 24) + (0xFFFFFFu - (value & 0xFFFFFFu));
}

/* Executes exactly 2*n instructions in its loop (subs + bne per iteration), n >= 1. */
static inline __attribute__((always_inline)) void bench_known_loop(uint32_t n) {
  __asm__ volatile("1:\n\tsubs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc", "memory");
}

#ifdef __cplusplus
}
#endif

#endif
