#!/usr/bin/env bash
# Tests scripts/debug-layers.sh on a fixture network (tests/fixtures/models/net_ort_qdq_uint8:
# uint8 activations, NCHW tensors, a generator-added layout node before Flatten):
#   1. --isolated: every layer within one step; the table, layers.tsv and the per-layer .npy files
#      agree (the .npy files are re-read with numpy and compared with onnxruntime's here);
#   2. a deliberately corrupted onnxruntime tensor: the corrupted layer is flagged as the first
#      divergence and the tool exits 3.
#
#   tests/debug/test_debug_layers.sh GENERATOR WORK_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
generator=${1:?usage: test_debug_layers.sh GENERATOR WORK_DIR}
work=${2:?usage: test_debug_layers.sh GENERATOR WORK_DIR}
fixture=$root/tests/fixtures/models/net_ort_qdq_uint8
rm -rf "$work"
mkdir -p "$work"
fail() { echo "test_debug_layers: FAILED: $*"; exit 1; }

# 1. Isolated run: all within the tolerance.
status=0
"$root/scripts/debug-layers.sh" "$fixture.onnx" "$fixture.in.npy" --isolated --out "$work/run" \
  --generator "$generator" > "$work/run.txt" 2>&1 || status=$?
cat "$work/run.txt"
[ $status -eq 0 ] || fail "debug-layers.sh exited $status on the isolated run"
grep -q '^  #  layer .*ONNX tensor .*shape .*max|d| .*%differ .*cosine' "$work/run.txt" || fail "no table header"
grep -q 'flatten_47_Flatten:to_nchw .*skipped: added by the generator' "$work/run.txt" || fail "generator node not skipped"
grep -q '^all 6 compared layers within 1 step' "$work/run.txt" || fail "expected 6 layers within 1 step"
grep -Eq '^ +1  conv_32_Conv +q3_quantized_33 +\[1,16,12,12\] +[01] ' "$work/run.txt" || fail "conv_32_Conv row"

/usr/bin/python3 - "$work/run" <<'PY' || fail "the .npy files disagree with the table"
import csv, os, sys
import numpy as np
out = sys.argv[1]
rows = [r for r in csv.DictReader(open(os.path.join(out, "layers.tsv")), delimiter="\t") if r["status"] == "ok"]
assert len(rows) == 6, rows
for r in rows:
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in r["onnx_tensor"])
    ours = np.load(os.path.join(out, "onnx2hpp", name + ".npy"))
    ort = np.load(os.path.join(out, "onnxruntime", name + ".npy"))
    assert ours.dtype == ort.dtype == np.uint8, (name, ours.dtype, ort.dtype)  # uint8 model: ONNX dtype kept
    assert ours.shape == ort.shape, (name, ours.shape, ort.shape)              # ONNX layout (NCHW) kept
    d = np.abs(ours.astype(int) - ort.astype(int))
    assert int(d.max()) == int(r["max_abs_diff"]), (name, d.max(), r["max_abs_diff"])
    assert d.max() <= 1, name
print("npy files: 6 tensors, dtype and layout as onnxruntime's, max |diff| as in the table")
PY

# 2. Corrupt onnxruntime's output of layer 1 (conv_32_Conv): the tool must flag it first.
cp -r "$work/run/onnxruntime" "$work/corrupt"
/usr/bin/python3 - "$work/corrupt/q3_quantized_33.npy" <<'PY'
import sys
import numpy as np
a = np.load(sys.argv[1])
flat = a.reshape(-1)
flat[::7] = (flat[::7].astype(int) + 100) % 256
np.save(sys.argv[1], a)
PY
status=0
"$work/run/build/layer_diff" "$work/corrupt" "$work/corrupt-out" "$fixture.in.npy" > "$work/corrupt.txt" 2>&1 || status=$?
cat "$work/corrupt.txt"
[ $status -eq 3 ] || fail "expected exit 3 for a diverging layer, got $status"
grep -Eq '^ +0  conv_13_Conv .*[0-9.]+$' "$work/corrupt.txt" || fail "layer 0 should not be flagged"
grep -Eq '^ +1  conv_32_Conv .*<-- first divergence$' "$work/corrupt.txt" || fail "layer 1 not flagged as the first divergence"
grep -q "^FIRST DIVERGENCE: layer 1 'conv_32_Conv'" "$work/corrupt.txt" || fail "no FIRST DIVERGENCE line for layer 1"
echo "test_debug_layers: 2 passed, 0 failed"
