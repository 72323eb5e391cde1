// The simd backend type. `backends::simd` runs single-threaded with the best int8 dot product the
// compiler targets; `backends::basic_simd<Executor, Isa>` picks a thread-pool hook and/or an ISA
// explicitly (tests run every ISA compiled in). Layers it has no kernel for fall back to `ref`.
// The ISAs and what each covers: isa/select.hpp (x86, AArch64; Cortex-M: isa::arm_dsp,
// isa::arm_mve).
#pragma once

#include <cstddef>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/backends/simd/isa/select.hpp"

namespace onnx2hpp {

/// A thread-pool hook: `E::parallel_for(n, fn)` calls fn(i) exactly once for every i in [0, n),
/// in any order and on any threads, and returns when all calls have returned. Kernels give each i
/// a disjoint part of the output and compute every value the same way whatever the split, so
/// results are identical to a serial run. fn neither allocates nor throws.
template <class E>
concept parallel_executor = requires(std::size_t n, void (*fn)(std::size_t)) {
  E::parallel_for(n, fn);
};

namespace backends {

/// The default executor: runs the tasks in order on the calling thread.
struct serial_executor {
  template <class F>
  static void parallel_for(std::size_t n, F &&fn) {
    for (std::size_t i = 0; i < n; ++i)
      fn(i);
  }
};

/// SIMD kernels (xsimd + an ISA-specific int8 dot product; on Cortex-M the DSP kernels of
/// arm_dsp.hpp or the Helium kernels of arm_mve.hpp), falling back to `ref`.
template <parallel_executor Executor = serial_executor, class Isa = ::onnx2hpp::simd::native_isa>
struct basic_simd {
  using fallback = ref;
  using executor = Executor;
  using isa = Isa;
};

/// Single-threaded, best ISA of the compilation target.
using simd = basic_simd<>;

} // namespace backends

template <class B>
inline constexpr bool is_simd_backend = false;
template <class E, class I>
inline constexpr bool is_simd_backend<backends::basic_simd<E, I>> = true;

} // namespace onnx2hpp
