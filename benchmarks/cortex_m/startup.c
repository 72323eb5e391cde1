/* Start-up code of the Cortex-M benchmark firmwares (mps2-an386: Cortex-M4, mps2-an500: Cortex-M7,
 * mps3-an547: Cortex-M55, as qemu models them). Like examples/cortex_m/startup.c: the vector
 * table, .data/.bss set-up, FPU (and MVE) enable, newlib with semihosting, then main() and exit(),
 * which qemu's semihosting turns into the end of the emulation. In addition:
 *  - SysTick_Handler counts the wraps of the 24-bit SysTick counter (bench_timer.h);
 *  - bench_paint_stack()/bench_stack_used() measure the stack one call uses, from the stack
 *    pointer at the call (the harness's own frames and printf are not counted). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_timer.h"

extern uint32_t __data_load__[], __data_start__[], __data_end__[], __bss_start__[], __bss_end__[];
extern uint32_t __stack_limit__[], __stack_top__[];

int main(void);
void __libc_init_array(void);
void initialise_monitor_handles(void);

#define STACK_PAINT 0xA5A5A5A5u

/* __libc_init_array calls _init/_fini from crti.o, which -nostartfiles leaves out. */
void _init(void) {}
void _fini(void) {}

volatile uint32_t bench_systick_wraps;
void SysTick_Handler(void) {
  ++bench_systick_wraps;
}

static uint32_t *painted_top;

/* Paints the stack from its limit up to a little below the caller's frame. */
__attribute__((noinline)) void bench_paint_stack(void) {
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  painted_top = sp - 16; /* this function's frame and a margin stay unpainted */
  for (uint32_t *p = __stack_limit__; p < painted_top; ++p)
    *p = STACK_PAINT;
}

/* Bytes of the painted stack that lost their paint since bench_paint_stack(). */
size_t bench_stack_used(void) {
  const uint32_t *p = __stack_limit__;
  while (p < painted_top && *p == STACK_PAINT)
    ++p;
  return (size_t)((const char *)painted_top - (const char *)p);
}

size_t bench_stack_reserved(void) {
  return (size_t)((char *)__stack_top__ - (char *)__stack_limit__);
}

__attribute__((noreturn)) void Reset_Handler(void) {
  for (uint32_t *s = __data_load__, *d = __data_start__; d < __data_end__;)
    *d++ = *s++;
  for (uint32_t *d = __bss_start__; d < __bss_end__;)
    *d++ = 0;
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  /* CP10 and CP11 full access (the FPU, and on Armv8.1-M the MVE/Helium unit): off at reset. */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  initialise_monitor_handles();
  __libc_init_array();
  exit(main());
}

__attribute__((noreturn)) static void fault(const char *what) {
  printf("FAULT: %s\n", what);
  exit(3);
}
void HardFault_Handler(void) {
  fault("hard fault");
}
void Default_Handler(void) {
  fault("unexpected exception");
}

typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) const vector_t vector_table[16] = {
    (vector_t)__stack_top__,
    Reset_Handler,
    Default_Handler,
    HardFault_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    0,
    0,
    0,
    Default_Handler,
    Default_Handler,
    0,
    Default_Handler,
    SysTick_Handler,
};
