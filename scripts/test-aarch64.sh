#!/usr/bin/env bash
# Cross-builds the simd test suite for AArch64 with g++-aarch64-linux-gnu and runs it under
# qemu-aarch64, twice: with the dot-product extension (sdot path, -march=armv8.2-a+dotprod) and
# without it (smull + sadalp path, -march=armv8-a). Installs the cross compiler and qemu-user from
# Debian's packages when missing.
# Usage: scripts/test-aarch64.sh   (build tree: build/aarch64, or $ONNX2HPP_AARCH64_BUILD)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
for p in g++-aarch64-linux-gnu qemu-user libboost-dev libxsimd-dev doctest-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-aarch64: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

out=${ONNX2HPP_AARCH64_BUILD:-build/aarch64}
mkdir -p "$out/include"
# The cross compiler does not search /usr/include (x86 glibc headers live there). The header-only
# libraries the tests need are architecture-independent: expose just those, not all of /usr/include.
for lib in boost xsimd doctest; do
  ln -sfn "/usr/include/$lib" "$out/include/$lib"
done

sources=(tests/main.cpp tests/simd/*.cpp)
flags=(-std=c++20 -O2 -Wall -Wextra -Werror -fconstexpr-ops-limit=1000000000
       -Iinclude -isystem "$out/include" -pthread)

status=0
for variant in "armv8.2-a+dotprod:dotprod" "armv8-a:nodot"; do
  march=${variant%%:*}; name=${variant##*:}
  objs=()
  for src in "${sources[@]}"; do
    obj="$out/$name-$(basename "${src%.cpp}").o"
    objs+=("$obj")
    aarch64-linux-gnu-g++ "${flags[@]}" -march="$march" -c "$src" -o "$obj" &
  done
  wait
  aarch64-linux-gnu-g++ -pthread "${objs[@]}" -o "$out/simd-tests-$name"
  echo "+ qemu-aarch64 $out/simd-tests-$name --test-suite=simd*   (-march=$march)"
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/simd-tests-$name" --test-suite='simd*' \
    --force-colors=0 || status=1
done
exit $status
