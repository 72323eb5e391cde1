/* The baseline firmware: the harness alone (start-up, newlib, printf, calibration). Its flash and
 * RAM are subtracted from each benchmark firmware's, so the figures reported are the network's:
 * kernels, constants, buffers. */
#include <stdio.h>

#include "bench_harness.h"

int main(void) {
  bench_init();
  bench_paint_stack();
  printf("STACK %lu\n", (unsigned long)bench_stack_used());
  printf("END\n");
  return 0;
}
