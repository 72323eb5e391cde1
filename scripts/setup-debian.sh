#!/usr/bin/env bash
# Installs everything onnx2hpp needs on a Debian 12 machine, from Debian's packages (and
# onnxruntime-node from npm for the oracle tests). Idempotent: safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

packages=(
  build-essential cmake g++ clang clang-format libclang-rt-14-dev
  libboost-dev libxsimd-dev doctest-dev libbenchmark-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev libfmt-dev nlohmann-json3-dev
  python3-onnx python3-numpy
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
  g++-aarch64-linux-gnu qemu-user
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js (for the onnxruntime oracle): some machines carry a nodejs that bundles npm and
# conflicts with Debian's npm package, so only ask for them when the commands are absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: Debian packages present"

# onnxruntime (the oracle the tests compare against), pinned by tests/oracle/package-lock.json.
# --ignore-scripts: the package's install script reaches for a host we cannot reach; the CPU
# library is inside the package.
if [ ! -d tests/oracle/node_modules/onnxruntime-node ]; then
  echo "setup: installing onnxruntime-node into tests/oracle"
  (cd tests/oracle && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
echo "setup: onnxruntime-node present"
