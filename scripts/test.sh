#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs the whole test suite:
#   1. g++ 12 build (library tests, generator, compile-fail tests) and ctest in parallel,
#   2. the library tests again with clang++ 14,
#   3. the library tests under AddressSanitizer + UndefinedBehaviorSanitizer,
#   4. the simd suite cross-built for aarch64 and run under qemu-aarch64,
#   5. the generator fuzzed for about a minute (libFuzzer, ASan + UBSan; tests/fuzz/README.md).
# The g++ build also builds the benchmarks and runs each once (label benchmark); nothing is timed.
# Usage: scripts/test.sh   (build trees go to build/test-*)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh

jobs=$(nproc)
run() { echo "+ $*"; "$@"; }

build() { # name, extra cmake args...
  local dir=build/test-$1; shift
  run cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  run cmake --build "$dir" -j"$jobs"
}

build gcc -DCMAKE_CXX_COMPILER=g++ -DONNX2HPP_BUILD_BENCHMARKS=ON
run ctest --test-dir build/test-gcc -j"$jobs" --output-on-failure

build clang -DCMAKE_CXX_COMPILER=clang++ -DONNX2HPP_BUILD_GENERATOR=OFF
run ctest --test-dir build/test-clang -j"$jobs" --output-on-failure -L library

build asan -DCMAKE_CXX_COMPILER=g++ -DONNX2HPP_BUILD_GENERATOR=OFF -DONNX2HPP_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
run ctest --test-dir build/test-asan -j"$jobs" --output-on-failure -L library

# The portable and NEON paths on a second architecture, under qemu-aarch64.
run scripts/test-aarch64.sh

# The generator against hostile models: 30 s of byte-level and 30 s of structure-aware fuzzing
# from the project's models, and the headers it accepts from the seeds compiled.
build fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONNX2HPP_FUZZ=ON \
  -DONNX2HPP_BUILD_TESTS=OFF
run ctest --test-dir build/test-fuzz -L fuzz --output-on-failure

echo "all tests passed"
