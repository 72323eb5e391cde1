// The int8 multiply-accumulate peak of one core: independent chains of the widest int8 dot
// product the target has, with nothing but the instruction itself in the loop. The simd kernels'
// GMAC/s are judged as a fraction of this.
//   onnx2hpp_int8_peak        (reports GMAC/s per instruction form)
#include <benchmark/benchmark.h>

#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

constexpr int steps = 256;

/// Makes `v` opaque to the optimizer without emitting an instruction, so that an operation on
/// loop-invariant operands is not hoisted out of the timed loop.
template <class V>
inline void opaque(V &v) {
  asm volatile("" : "+v"(v));
}

#if defined(__AVX512VNNI__)
/// vpdpbusd zmm: 64 MACs per instruction. Chains: enough independent accumulators to cover the
/// instruction's latency at full throughput.
template <int Chains>
void vnni_zmm(benchmark::State &state) {
  __m512i acc[Chains];
  for (auto &a : acc)
    a = _mm512_setzero_si512();
  const __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x05060708);
  for (auto _ : state) {
    for (int i = 0; i < steps; ++i)
#pragma GCC unroll 32
      for (int c = 0; c < Chains; ++c)
        acc[c] = _mm512_dpbusd_epi32(acc[c], a, b);
    benchmark::DoNotOptimize(acc);
  }
  state.counters["GMAC/s"] = benchmark::Counter(double(steps) * Chains * 64 * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(vnni_zmm<8>);
BENCHMARK(vnni_zmm<12>);
BENCHMARK(vnni_zmm<16>);
BENCHMARK(vnni_zmm<24>);

/// vpdpbusd ymm (AVX512VL): 32 MACs per instruction.
template <int Chains>
void vnni_ymm(benchmark::State &state) {
  __m256i acc[Chains];
  for (auto &a : acc)
    a = _mm256_setzero_si256();
  const __m256i a = _mm256_set1_epi32(0x01020304), b = _mm256_set1_epi32(0x05060708);
  for (auto _ : state) {
    for (int i = 0; i < steps; ++i)
#pragma GCC unroll 32
      for (int c = 0; c < Chains; ++c)
        acc[c] = _mm256_dpbusd_epi32(acc[c], a, b);
    benchmark::DoNotOptimize(acc);
  }
  state.counters["GMAC/s"] = benchmark::Counter(double(steps) * Chains * 32 * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(vnni_ymm<12>);
#endif

#if defined(__AVX2__)
/// AVX2 without VNNI: vpmaddubsw + vpmaddwd + vpaddd, 32 MACs per triple (the saturating u8×s8
/// form, the fastest AVX2 int8 sequence, shown for reference; the exact kernels use vpmaddwd).
template <int Chains>
void avx2_maddubs(benchmark::State &state) {
  __m256i acc[Chains];
  for (auto &a : acc)
    a = _mm256_setzero_si256();
  const __m256i a = _mm256_set1_epi32(0x01020304), b = _mm256_set1_epi32(0x05060708),
                ones = _mm256_set1_epi16(1);
  for (auto _ : state) {
    for (int i = 0; i < steps; ++i)
#pragma GCC unroll 32
      for (int c = 0; c < Chains; ++c) {
        __m256i x = a; // a fresh opaque copy per chain: no hoisting, no common subexpression
        opaque(x);
        acc[c] = _mm256_add_epi32(acc[c], _mm256_madd_epi16(_mm256_maddubs_epi16(x, b), ones));
      }
    benchmark::DoNotOptimize(acc);
  }
  state.counters["GMAC/s"] = benchmark::Counter(double(steps) * Chains * 32 * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(avx2_maddubs<8>);

/// AVX2 vpmaddwd + vpaddd on int16: 16 MACs per pair (what isa::avx2 runs).
template <int Chains>
void avx2_maddwd(benchmark::State &state) {
  __m256i acc[Chains];
  for (auto &a : acc)
    a = _mm256_setzero_si256();
  const __m256i a = _mm256_set1_epi32(0x00010002), b = _mm256_set1_epi32(0x00050006);
  for (auto _ : state) {
    for (int i = 0; i < steps; ++i)
#pragma GCC unroll 32
      for (int c = 0; c < Chains; ++c) {
        __m256i x = a; // a fresh opaque copy per chain: no hoisting, no common subexpression
        opaque(x);
        acc[c] = _mm256_add_epi32(acc[c], _mm256_madd_epi16(x, b));
      }
    benchmark::DoNotOptimize(acc);
  }
  state.counters["GMAC/s"] = benchmark::Counter(double(steps) * Chains * 16 * 1e-9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(avx2_maddwd<8>);
#endif

} // namespace

BENCHMARK_MAIN();
