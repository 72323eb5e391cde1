#!/usr/bin/env bash
# What each generated model header costs to make and to compile (issue 5's report): generation
# seconds, header size, g++ -O2 compile seconds and peak compiler memory for examples/run_npy with
# the header, and the size (text + data + bss) of that object.
#
#   scripts/compile-cost.sh GENERATOR [MODEL.onnx...]   (default: every model in ../shared/models)
#
# GENERATOR is a built onnx2hpp (e.g. build/test-gcc/codegen/onnx2hpp). Prints a Markdown table.
# Extra generator options (e.g. --rounding fixed-point) come from $ONNX2HPP_GENERATOR_OPTIONS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] && [ -x "$1" ] || { echo "usage: $0 GENERATOR [MODEL.onnx...]" >&2; exit 2; }
generator=$1; shift
models=("$@")
if [ ${#models[@]} -eq 0 ]; then models=("$root"/../shared/models/*.onnx); fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "| model | generation s | header KB | compile s | peak compiler MB | object KB |"
echo "|---|--:|--:|--:|--:|--:|"
for onnx in "${models[@]}"; do
  case $onnx in *.float.onnx) continue ;; esac # the float twins are not quantized
  name=$(basename "$onnx" .onnx)
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  "$generator" "$onnx" -o "$work/$name.hpp" --namespace model ${ONNX2HPP_GENERATOR_OPTIONS:-} >/dev/null
  gen=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN {print (b - a) / 1e9}')
  /usr/bin/time -f "%e %M" -o "$work/$name.time" \
    g++ -std=c++20 -O2 -I"$root/include" -I"$root/examples/run_npy" \
      -DONNX2HPP_MODEL_HEADER="\"$work/$name.hpp\"" -DONNX2HPP_MODEL_NAMESPACE=model \
      -fconstexpr-ops-limit=4000000000 -c "$root/examples/run_npy/main.cpp" -o "$work/$name.o"
  read -r secs kb < "$work/$name.time"
  bytes=$(size "$work/$name.o" | awk 'NR == 2 {print $1 + $2 + $3}')
  header_bytes=$(cat "$work/$name.hpp" "$work/${name}_data.hpp" 2>/dev/null | wc -c) # and its data
  printf "| %s | %.2f | %d | %s | %d | %d |\n" "$name" "$gen" $((header_bytes / 1024)) \
    "$secs" $((kb / 1024)) $((bytes / 1024))
done
