#!/usr/bin/env bash
# Layer-by-layer debugging of a generated model against onnxruntime.
#
#   scripts/debug-layers.sh MODEL.onnx INPUT.npy... [--out DIR] [--tolerance N] [--isolated]
#                           [--generator PATH]
#
# 1. generates the model's header with the onnx2hpp generator and builds tests/debug/layer_diff.cpp
#    with it (cached in DIR/build, rebuilt when the model, the tool or the generator changes);
# 2. runs onnxruntime with every int8/uint8 intermediate tensor exposed as a graph output
#    (tests/oracle/ort_run.js --quantized-tensors --split-batch) into DIR/onnxruntime/;
# 3. runs the generated model (ref backend) with the observer hook, maps each node to its ONNX
#    tensor (model::node_info), and prints a table -- layer, ONNX tensor, shape, max |diff| in int8
#    steps, % of elements differing, cosine -- flagging the first layer beyond the tolerance
#    (default 1 step). Writes DIR/onnx2hpp/<tensor>.npy (same layout and dtype as onnxruntime's
#    DIR/onnxruntime/<tensor>.npy), DIR/layers.tsv and DIR/table.txt.
#    --isolated feeds every layer onnxruntime's input tensor instead of the previous layer's own
#    output, so each row shows that layer's own differences, not inherited ones.
#
# INPUT.npy: float32 in the ONNX layout, one per graph input; K samples may be stacked on axis 0.
# DIR defaults to build/debug-layers/<model name>. The generator: --generator PATH, else
# $ONNX2HPP_GENERATOR, else build/test-gcc/codegen/onnx2hpp (scripts/test.sh builds it), else it
# is built into build/debug-layers/generator. Needs node with tests/oracle's onnxruntime-node and
# /usr/bin/python3 with python3-onnx (scripts/setup-debian.sh installs both).
# Exit codes: 0 all layers within the tolerance, 3 a layer diverges, 1 an error, 2 bad usage.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() { sed -n '2,24p' "$0" >&2; exit 2; }
model="" out="" tolerance=1 isolated="" generator=${ONNX2HPP_GENERATOR:-}
inputs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --tolerance) tolerance=$2; shift 2 ;;
    --isolated) isolated=--isolated; shift ;;
    --generator) generator=$2; shift 2 ;;
    -h|--help) usage ;;
    --*) echo "debug-layers: unknown option $1" >&2; usage ;;
    *) if [ -z "$model" ]; then model=$1; else inputs+=("$1"); fi; shift ;;
  esac
done
[ -n "$model" ] && [ ${#inputs[@]} -gt 0 ] || usage
[ -f "$model" ] || { echo "debug-layers: no model file $model" >&2; exit 2; }
for f in "${inputs[@]}"; do [ -f "$f" ] || { echo "debug-layers: no input file $f" >&2; exit 2; }; done
name=$(basename "${model%.onnx}")
out=${out:-$root/build/debug-layers/$name}
mkdir -p "$out/build"

if [ -z "$generator" ] && [ -x "$root/build/test-gcc/codegen/onnx2hpp" ]; then generator=$root/build/test-gcc/codegen/onnx2hpp; fi
if [ -z "$generator" ]; then
  echo "debug-layers: building the generator into build/debug-layers/generator" >&2
  cmake -S "$root" -B "$root/build/debug-layers/generator" -DCMAKE_BUILD_TYPE=Release -DONNX2HPP_BUILD_TESTS=OFF >/dev/null
  cmake --build "$root/build/debug-layers/generator" -j"$(nproc)" --target onnx2hpp_generator >/dev/null
  generator=$root/build/debug-layers/generator/codegen/onnx2hpp
fi
if [ ! -d "$root/tests/oracle/node_modules/onnxruntime-node" ]; then
  echo "debug-layers: onnxruntime-node is missing: run scripts/setup-debian.sh (or: cd tests/oracle && npm ci --ignore-scripts)" >&2
  exit 1
fi

# 1. Header and tool (rebuilt only when something they depend on changed).
tool=$out/build/layer_diff
stamp=$out/build/stamp
want="$(sha256sum "$model" "$root/tests/debug/layer_diff.cpp" "$generator" | cut -d' ' -f1 | tr '\n' ' ')"
if [ ! -x "$tool" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "debug-layers: generating and building layer_diff for $name" >&2
  "$generator" "$model" -o "$out/build/model.hpp" --namespace model
  g++ -std=c++20 -O2 -Wall -Wextra -fconstexpr-ops-limit=4000000000 -I"$root/include" -I"$out/build" \
    -DLAYER_DIFF_HEADER='"model.hpp"' -DLAYER_DIFF_NAMESPACE=model \
    "$root/tests/debug/layer_diff.cpp" -o "$tool"
  echo "$want" > "$stamp"
fi

# 2. onnxruntime, every quantized tensor exposed.
rm -rf "$out/onnxruntime" "$out/onnx2hpp"
node "$root/tests/oracle/ort_run.js" "$model" --quantized-tensors --split-batch --out "$out/onnxruntime" \
  "${inputs[@]}" > "$out/onnxruntime.log"

# 3. The comparison.
status=0
"$tool" "$out/onnxruntime" "$out" "${inputs[@]}" --tolerance "$tolerance" $isolated | tee "$out/table.txt" || status=${PIPESTATUS[0]}
echo "debug-layers: tensors in $out/onnx2hpp and $out/onnxruntime, table in $out/table.txt and $out/layers.tsv" >&2
exit "$status"
