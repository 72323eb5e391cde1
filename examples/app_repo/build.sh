#!/usr/bin/env bash
# Installs onnx2hpp from this source tree into a prefix, then configures, builds and tests the
# example app repository against that installation, as an outside project would.
#
#   examples/app_repo/build.sh [BUILD_DIR]     (default: build/app_repo under the onnx2hpp tree)
#
# BUILD_DIR/onnx2hpp: the onnx2hpp build; BUILD_DIR/prefix: the installation; BUILD_DIR/app: the
# app. Set ONNX2HPP_PREFIX to an existing installation to skip building and installing onnx2hpp.
# Needs the packages scripts/setup-debian.sh installs (cmake, g++, Boost, libonnx, doctest).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/app_repo}
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=$(nproc)
run() { echo "+ $*"; "$@"; }

prefix=${ONNX2HPP_PREFIX:-}
if [ -z "$prefix" ]; then
  prefix=$out/prefix
  run cmake -S "$root" -B "$out/onnx2hpp" -DCMAKE_BUILD_TYPE=Release -DONNX2HPP_BUILD_TESTS=OFF \
    -DONNX2HPP_BUILD_GENERATOR=ON >/dev/null
  run cmake --build "$out/onnx2hpp" -j"$jobs"
  run cmake --install "$out/onnx2hpp" --prefix "$prefix" >/dev/null
fi

run cmake -S "$here" -B "$out/app" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
run cmake --build "$out/app" -j"$jobs"
run ctest --test-dir "$out/app" --output-on-failure
run "$out/app/app"
