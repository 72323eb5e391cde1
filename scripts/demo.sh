#!/usr/bin/env bash
# The main job on the bundled default model (a small CNN trained on scikit-learn's digits and
# quantized with PyTorch's post-training quantization): set up, convert it with onnx2hpp, build
# the run_npy app, run it on the 360 test digits, run onnxruntime on the same int8 model, and
# print both accuracies, their agreement and the latency.
# Usage: scripts/demo.sh [MODEL.onnx TEST_X.npy TEST_Y.npy]   (build tree: build/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh

model=${1:-examples/digits/digits_cnn.onnx}
x=${2:-examples/digits/digits_test_x.npy}
y=${3:-examples/digits/digits_test_y.npy}
out=build/demo

echo "== converting and building ($model)"
cmake -S examples/run_npy -B "$out" -DONNX2HPP_MODEL="$PWD/$model" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out" -j"$(nproc)" >/dev/null
echo "== onnx2hpp (generated header: $out/onnx2hpp_models/run_npy/model.hpp)"
"$out/run_npy" "$x" --out "$out/onnx2hpp"
echo "== onnxruntime"
node tests/oracle/ort_run.js "$model" --split-batch --out "$out/onnxruntime" "$x" | tail -n 1
echo "== comparison"
for f in "$out"/onnx2hpp/*.npy; do
  node tests/oracle/compare.js "$f" "$out/onnxruntime/$(basename "$f")" --labels "$y"
done
