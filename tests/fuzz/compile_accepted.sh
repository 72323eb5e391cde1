#!/usr/bin/env bash
# For a sample of a fuzz corpus: runs the real `onnx2hpp` on each model and compiles every header
# it accepts (exit 0) with g++ -std=c++20 -fsyntax-only -Wall -Wextra -Werror, in a translation
# unit that instantiates graph.run on the ref and simd backends. Prints the counts; exits 1 when
# an accepted header does not compile (the generator said yes to a header that is not C++).
# Usage: tests/fuzz/compile_accepted.sh [-n N] [--generator PATH] [--keep DIR] CORPUS_DIR
#   -n N              models to sample (default 20; the sample is fixed by the corpus contents)
#   --generator PATH  the onnx2hpp binary (default: the first build/*/codegen/onnx2hpp)
#   --keep DIR        keep the failing headers and compiler messages in DIR
set -euo pipefail
root=$(realpath "$(dirname "$0")/../..")
count=20
generator=""
keep=""
while [ $# -gt 1 ]; do
  case $1 in
    -n) count=$2; shift 2 ;;
    --generator) generator=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "compile_accepted.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
  esac
done
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 [-n N] [--generator PATH] [--keep DIR] CORPUS_DIR" >&2
  exit 2
fi
corpus=$1
if [ -z "$generator" ]; then
  for g in "$root"/build/*/codegen/onnx2hpp; do
    [ -x "$g" ] && { generator=$g; break; }
  done
fi
if [ -z "$generator" ] || [ ! -x "$generator" ]; then
  echo "compile_accepted.sh: no onnx2hpp binary; build one or give --generator" >&2
  exit 2
fi
cxx=${CXX:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$keep" ] && mkdir -p "$keep"

# The translation unit: every graph input/output buffer, both CPU backends, the model's own
# static_asserts and templates instantiated.
cat >"$work/check.cpp" <<'CPP'
#include "model.hpp"

#include <onnx2hpp/backends/simd/all.hpp>

#include <array>
#include <cstdint>

namespace the_model = fuzzed;
using graph_t = the_model::graph_type;

alignas(64) std::array<std::int8_t, graph_t::arena_bytes == 0 ? 1 : graph_t::arena_bytes> arena;

void run_both(const std::array<const std::int8_t *, graph_t::n_inputs> &in,
              const std::array<std::int8_t *, graph_t::n_outputs> &out) {
  the_model::graph.run<onnx2hpp::backends::ref>(in, out, arena.data());
  the_model::graph.run<onnx2hpp::backends::simd>(in, out, arena.data());
}
CPP

# A fixed sample: the corpus files sorted by name, every k-th one.
mapfile -t files < <(find "$corpus" -maxdepth 1 -type f | LC_ALL=C sort)
total=${#files[@]}
step=$(( total > count ? total / count : 1 ))
tried=0 accepted=0 compiled=0 failed=0 rejected=0 internal=0 crashed=0
for ((i = 0; i < total && tried < count; i += step)); do
  model=${files[$i]}
  tried=$((tried + 1))
  rounding=onnxruntime
  [ $((tried % 2)) = 0 ] && rounding=fixed-point
  rm -f "$work/model.hpp"
  set +e
  timeout 60 "$generator" "$model" -o "$work/model.hpp" --namespace fuzzed --rounding "$rounding" \
    >"$work/gen.log" 2>&1
  rc=$?
  set -e
  case $rc in
    0) ;;
    1) internal=$((internal + 1)); echo "internal error: $model: $(tail -1 "$work/gen.log")"; continue ;;
    [2-6]) rejected=$((rejected + 1)); continue ;;
    *) crashed=$((crashed + 1)); echo "generator crashed (exit $rc): $model"; continue ;;
  esac
  accepted=$((accepted + 1))
  if "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I "$root/include" -I "$work" \
       "$work/check.cpp" >"$work/cxx.log" 2>&1; then
    compiled=$((compiled + 1))
  else
    failed=$((failed + 1))
    echo "DOES NOT COMPILE: $model ($rounding)"
    head -20 "$work/cxx.log" | sed 's/^/    /'
    if [ -n "$keep" ]; then
      name=$(basename "$model")
      cp "$model" "$keep/$name.onnx"
      cp "$work/model.hpp" "$keep/$name.hpp"
      cp "$work/cxx.log" "$keep/$name.log"
    fi
  fi
done
echo "compile_accepted: $tried models tried, $accepted accepted, $compiled compiled, $failed failed" \
     "to compile; $rejected rejected, $internal internal errors, $crashed generator crashes"
[ "$failed" = 0 ]
