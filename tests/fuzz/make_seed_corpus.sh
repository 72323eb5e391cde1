#!/usr/bin/env bash
# Collects the fuzzer's seed corpus into OUT_DIR (emptied first): the repository's models under
# 1 MB (tests/fixtures/models, tests/models/data, tests/conformance, examples/digits) and those
# written by the fuzz build's onnx2hpp_fuzz_cli_fixtures (the CLI test models) and
# onnx2hpp_fuzz_hostile_seeds (hand-made hostile models). Nothing is copied into the repository.
# Usage: tests/fuzz/make_seed_corpus.sh BUILD_DIR OUT_DIR
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR OUT_DIR" >&2
  exit 2
fi
build=$(realpath "$1")
out=$2
root=$(realpath "$(dirname "$0")/../..")
max_bytes=$((1024 * 1024))

rm -rf "$out"
mkdir -p "$out"

add() { # prefix, file
  local size
  size=$(stat -c %s "$2")
  if [ "$size" -le "$max_bytes" ]; then
    cp "$2" "$out/$1"
  fi
}
for f in "$root"/tests/fixtures/models/*.onnx "$root"/tests/models/data/*.onnx \
         "$root"/examples/digits/*.onnx; do
  add "repo.$(basename "$(dirname "$f")").$(basename "$f")" "$f"
done
for f in "$root"/tests/conformance/onnx-node/*/model.onnx; do
  add "conformance.$(basename "$(dirname "$f")").onnx" "$f"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/tests/fuzz/onnx2hpp_fuzz_cli_fixtures" "$tmp/cli" >/dev/null
"$build/tests/fuzz/onnx2hpp_fuzz_hostile_seeds" "$tmp/hostile" >/dev/null
for f in "$tmp"/cli/*.onnx; do add "cli.$(basename "$f")" "$f"; done
for f in "$tmp"/hostile/*.onnx; do add "hostile.$(basename "$f")" "$f"; done
echo "seed corpus: $(find "$out" -type f | wc -l) models in $out"
