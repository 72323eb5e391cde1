/* Minimal start-up for the Arm MPS2 boards (AN386: Cortex-M4, AN500: Cortex-M7) as qemu models
 * them: the vector table, a reset handler that sets up .data/.bss, the FPU and the C library
 * (newlib with semihosting via librdimon), then main() and exit() -- which qemu's semihosting
 * turns into the end of the emulation. The stack is painted at reset so the program can report
 * how much of it it used. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern uint32_t __data_load__[], __data_start__[], __data_end__[], __bss_start__[], __bss_end__[];
extern uint32_t __stack_limit__[], __stack_top__[];

int main(void);
void __libc_init_array(void);
void initialise_monitor_handles(void);

#define STACK_PAINT 0xA5A5A5A5u

/* __libc_init_array calls _init/_fini from crti.o, which -nostartfiles leaves out. */
void _init(void) {}
void _fini(void) {}

size_t stack_reserved_bytes(void) { return (size_t)((char *)__stack_top__ - (char *)__stack_limit__); }

/* Bytes of stack ever written: from the top down to the lowest word that lost its paint. */
size_t stack_high_water_bytes(void) {
  const uint32_t *p = __stack_limit__;
  while (p < __stack_top__ && *p == STACK_PAINT) ++p;
  return (size_t)((const char *)__stack_top__ - (const char *)p);
}

__attribute__((noreturn)) void Reset_Handler(void) {
  /* Paint the stack below the current frame (the handler itself uses a few words at the top). */
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = __stack_limit__; p < sp - 16; ++p) *p = STACK_PAINT;
  for (uint32_t *s = __data_load__, *d = __data_start__; d < __data_end__;) *d++ = *s++;
  for (uint32_t *d = __bss_start__; d < __bss_end__;) *d++ = 0;
#if defined(__ARM_FP)
  /* CP10 and CP11 full access: the FPU is off at reset. */
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
void HardFault_Handler(void) { fault("hard fault"); }
void Default_Handler(void) { fault("unexpected exception"); }

typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) const vector_t vector_table[16] = {
    (vector_t)__stack_top__, Reset_Handler,   Default_Handler, HardFault_Handler,
    Default_Handler,         Default_Handler, Default_Handler, 0,
    0,                       0,               0,               Default_Handler,
    Default_Handler,         0,               Default_Handler, Default_Handler,
};
