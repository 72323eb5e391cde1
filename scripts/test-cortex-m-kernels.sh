#!/usr/bin/env bash
# The simd backend's Cortex-M kernels (isa::arm_dsp, isa::arm_mve) against ref, bit for bit, under
# qemu-system-arm: builds tests/cortex_m/test_kernels.cpp as firmware for each CPU (Debian's
# arm-none-eabi toolchain, newlib-nano + semihosting, the benchmark's start-up code and linker
# scripts) and runs it; it prints one line per geometry and PASS or FAIL.
#
#   scripts/test-cortex-m-kernels.sh [--cpu m4,m7,m55|all] [--opt -O2] [--out DIR] [--jobs N]
#
# m4: -mcpu=cortex-m4 on mps2-an386; m7: cortex-m7 on mps2-an500; m55: cortex-m55 on mps3-an547
# (all with the DSP extension: isa::arm_dsp; the M55 also Helium: isa::arm_mve). Also compiles the program for cortex-m0plus (no
# DSP: isa::portable), which qemu has no board for. Build tree: --out DIR, default
# build/cortex_m_kernels. Installs the cross toolchain and qemu when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cpus=all opt=-O2 out=build/cortex_m_kernels jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) cpus=$2; shift 2 ;;
    --opt) opt=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "test-cortex-m-kernels: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$cpus" = all ] && cpus="m4 m7 m55"
cpus=${cpus//,/ }

missing=()
for p in gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm libboost-dev libxsimd-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  echo "test-cortex-m-kernels: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$out/include"
out=$(cd "$out" && pwd)
# A cross build must not see /usr/include (the host's glibc headers): expose Boost and xsimd only.
ln -sfn /usr/include/boost "$out/include/boost"
ln -sfn /usr/include/xsimd "$out/include/xsimd"

src=$root/benchmarks/cortex_m
test_src=$root/tests/cortex_m/test_kernels.cpp
arch_of() {
  case $1 in
    m4) echo "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" ;;
    m7) echo "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16" ;;
    m55) echo "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard" ;;
    m0plus) echo "-mcpu=cortex-m0plus -mthumb" ;;
    *) echo "test-cortex-m-kernels: --cpu m4, m7, m55 or all" >&2; exit 2 ;;
  esac
}
machine_of() { case $1 in m4) echo mps2-an386 ;; m7) echo mps2-an500 ;; m55) echo mps3-an547 ;; esac; }
ld_of() { case $1 in m55) echo mps3_an547.ld ;; *) echo mps2.ld ;; esac; }
cxxflags=(-std=c++20 "$opt" -Wall -Wextra -Werror -fno-exceptions -fno-rtti -fno-threadsafe-statics
  -ffunction-sections -fdata-sections -I"$root/include" -isystem "$out/include")

build() { # cpu [compile-only]
  local cpu=$1 d=$out/$1 arch
  read -r -a arch <<< "$(arch_of "$cpu")"
  mkdir -p "$d"; rm -f "$d/test_kernels.o" "$d/test_kernels.elf"
  arm-none-eabi-g++ "${arch[@]}" "${cxxflags[@]}" -c "$test_src" -o "$d/test_kernels.o" || return 1
  [ "${2:-}" = compile-only ] && return 0
  arm-none-eabi-gcc "${arch[@]}" "$opt" -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
    -c "$src/startup.c" -o "$d/startup.o" || return 1
  arm-none-eabi-g++ "${arch[@]}" --specs=nano.specs --specs=rdimon.specs -nostartfiles -L "$src" \
    -T "$src/$(ld_of "$cpu")" -Wl,--gc-sections "$d/startup.o" "$d/test_kernels.o" \
    -o "$d/test_kernels.elf" || return 1
}

status=0
pids=()
for cpu in $cpus; do
  echo "+ [$cpu] arm-none-eabi-g++ $(arch_of "$cpu") $opt tests/cortex_m/test_kernels.cpp"
  build "$cpu" > "$out/$cpu.build.log" 2>&1 &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
done
echo "+ [m0plus] compile only (no DSP extension: isa::portable)"
build m0plus compile-only > "$out/m0plus.build.log" 2>&1 || { cat "$out/m0plus.build.log"; status=1; }
for p in "${pids[@]}"; do wait "$p" || true; done

for cpu in $cpus; do
  d=$out/$cpu
  if [ ! -f "$d/test_kernels.elf" ]; then
    echo "test-cortex-m-kernels: FAILED to build for $cpu:"; cat "$out/$cpu.build.log"; status=1; continue
  fi
  echo "+ qemu-system-arm -M $(machine_of "$cpu") -nographic -semihosting-config enable=on,target=native -kernel $d/test_kernels.elf"
  rc=0
  timeout 600 qemu-system-arm -M "$(machine_of "$cpu")" -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -kernel "$d/test_kernels.elf" > "$d/qemu.txt" 2>&1 || rc=$?
  grep -v '^ok  ' "$d/qemu.txt" || true
  echo "  ($(grep -c '^ok  ' "$d/qemu.txt" || true) geometries ok)"
  if [ $rc -ne 0 ] || ! grep -q '^PASS' "$d/qemu.txt"; then
    echo "test-cortex-m-kernels: FAILED on $cpu (qemu status $rc; 124: timed out)"; status=1
  fi
done
[ $status -eq 0 ] && echo "test-cortex-m-kernels: PASS ($cpus)"
exit $status
