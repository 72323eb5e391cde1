#!/usr/bin/env bash
# Instruction counts, flash and RAM of onnx2hpp's generated models against CMSIS-NN on Cortex-M4,
# Cortex-M7 and Cortex-M55 under qemu (benchmarks/cortex_m/README.md says what the numbers mean).
#
#   scripts/bench-cortex-m.sh [--cpu m4|m7|m55|all] [--model NAME|all] [--backend ref|simd|all]
#                             [--cmsis-nn DIR] [--models DIR] [--generator PATH] [--opt -O2]
#                             [--out DIR] [--jobs N]
#
# Defaults: every CPU, the five MCU-class shared models (digits_cnn dscnn_kws resnet8_cifar
# mobilenetv1_025_vww fc_autoencoder_ad; --model takes a comma-separated list too), both
# backends, CMSIS-NN from ../shared/peers/cmsis-nn ($CMSIS_NN_PATH), models from
# ../shared/models ($ONNX2HPP_MODELS), -O2 for onnx2hpp (CMSIS-NN at its own -Ofast), 2 jobs,
# build tree and results in build/bench_cortex_m (tables: report.md, all figures: results.json).
# The generator is --generator, else $ONNX2HPP_GENERATOR, else one built by scripts/test.sh or
# scripts/test-cortex-m.sh, else it is built. Installs the cross toolchain and qemu when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cpus=all models=all backends=all opt=-O2 jobs=2
cmsis=${CMSIS_NN_PATH:-$root/../shared/peers/cmsis-nn}
modeldir=${ONNX2HPP_MODELS:-$root/../shared/models}
generator=${ONNX2HPP_GENERATOR:-}
out=build/bench_cortex_m
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) cpus=$2; shift 2 ;;
    --model) models=$2; shift 2 ;;
    --backend) backends=$2; shift 2 ;;
    --cmsis-nn) cmsis=$2; shift 2 ;;
    --models) modeldir=$2; shift 2 ;;
    --generator) generator=$2; shift 2 ;;
    --opt) opt=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench-cortex-m: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$cpus" = all ] && cpus="m4 m7 m55"
[ "$models" = all ] && models="digits_cnn dscnn_kws resnet8_cifar mobilenetv1_025_vww fc_autoencoder_ad"
[ "$backends" = all ] && backends="ref simd"
cpus=${cpus//,/ } models=${models//,/ } backends=${backends//,/ }
for c in $cpus; do case $c in m4|m7|m55) ;; *) echo "bench-cortex-m: --cpu m4, m7, m55 or all" >&2; exit 2 ;; esac; done
for b in $backends; do case $b in ref|simd) ;; *) echo "bench-cortex-m: --backend ref, simd or all" >&2; exit 2 ;; esac; done

if [ ! -f "$cmsis/Include/arm_nnfunctions.h" ] || [ ! -d "$cmsis/Source" ]; then
  echo "bench-cortex-m: CMSIS-NN not found at $cmsis (expected Include/arm_nnfunctions.h and Source/)." >&2
  echo "  The comparison builds CMSIS-NN from that folder; give it with --cmsis-nn DIR or CMSIS_NN_PATH." >&2
  exit 3
fi
cmsis=$(cd "$cmsis" && pwd)
for m in $models; do
  [ -f "$modeldir/$m.onnx" ] || { echo "bench-cortex-m: model $modeldir/$m.onnx not found" >&2; exit 3; }
done
modeldir=$(cd "$modeldir" && pwd)

missing=()
for p in gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm libboost-dev libxsimd-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  echo "bench-cortex-m: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

start=$(date +%s)
mkdir -p "$out/include" "$out/headers"
out=$(cd "$out" && pwd)
# A cross build must not see /usr/include (the host's glibc headers): expose Boost and xsimd only.
ln -sfn /usr/include/boost "$out/include/boost"
ln -sfn /usr/include/xsimd "$out/include/xsimd"

# 1. The generator and the model headers (fixed-point rounding: integer-only, as CMSIS-NN).
for g in build/test-gcc/codegen/onnx2hpp build/cortex_m/generator/codegen/onnx2hpp; do
  if [ -z "$generator" ] && [ -x "$g" ]; then generator=$g; fi
done
if [ -z "$generator" ]; then
  echo "+ building the generator into $out/generator"
  cmake -S . -B "$out/generator" -DCMAKE_BUILD_TYPE=Release -DONNX2HPP_BUILD_TESTS=OFF >/dev/null
  cmake --build "$out/generator" -j"$jobs" --target onnx2hpp_generator >/dev/null
  generator=$out/generator/codegen/onnx2hpp
fi
generator=$(cd "$(dirname "$generator")" && pwd)/$(basename "$generator")
for m in $models; do
  h=$out/headers
  # Without the simd packs for every side: ref and CMSIS-NN do not read them, and on these cores
  # (all with the DSP extension) backends::simd runs isa::arm_dsp's (M55: isa::arm_mve's)
  # kernels on the plain layers.
  "$generator" "$modeldir/$m.onnx" --rounding fixed-point --no-simd-packs --namespace bench_model \
    -o "$h/$m.hpp" --report > "$h/$m.report.txt"
done

src=$root/benchmarks/cortex_m
pool_wait() { while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done; }

arch_of() {
  case $1 in
    m4) echo "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" ;;
    m7) echo "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16" ;;
    # The hard-float ABI: with -mfloat-abi=soft (the default) GCC turns MVE off.
    m55) echo "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard" ;;
  esac
}
machine_of() { case $1 in m4) echo mps2-an386 ;; m7) echo mps2-an500 ;; m55) echo mps3-an547 ;; esac; }
ld_of() { case $1 in m55) echo mps3_an547.ld ;; *) echo mps2.ld ;; esac; }

cxxflags=(-std=c++20 "$opt" -Wall -Wextra -Werror -fno-exceptions -fno-rtti -fno-threadsafe-statics
  -ffunction-sections -fdata-sections -fconstexpr-ops-limit=4000000000 -fconstexpr-loop-limit=16777216
  -I"$root/include" -I"$src" -isystem "$out/include")

# Builds one firmware: $1 cpu, $2 name, $3 source, rest: extra compiler flags.
firmware() {
  local cpu=$1 name=$2 source=$3; shift 3
  local arch; read -r -a arch <<< "$(arch_of "$cpu")"
  local d=$out/$cpu
  rm -f "$d/$name.o" "$d/$name.elf" "$d/$name.txt"
  arm-none-eabi-g++ "${arch[@]}" "${cxxflags[@]}" "$@" -c "$source" -o "$d/$name.o" || return 1
  local libs=()
  [[ $name == *cmsis-nn* ]] && libs=("$d/cmsis-nn/libcmsis-nn.a")
  arm-none-eabi-g++ "${arch[@]}" --specs=nano.specs --specs=rdimon.specs -nostartfiles -L "$src" \
    -T "$src/$(ld_of "$cpu")" -Wl,--gc-sections -Wl,-Map="$d/$name.map" \
    "$d/common/startup.o" "$d/common/harness.o" "$d/$name.o" "${libs[@]}" -o "$d/$name.elf" || return 1
}

run_qemu() { # $1 cpu, $2 elf, $3 output file
  local status=0
  timeout 600 qemu-system-arm -M "$(machine_of "$1")" -icount shift=0 -nographic -monitor none \
    -serial none -semihosting-config enable=on,target=native -kernel "$2" > "$3" 2>&1 || status=$?
  if [ $status -ne 0 ] || ! grep -q '^END' "$3"; then
    echo "bench-cortex-m: FAILED: $2 under qemu (status $status; 124: timed out):" >&2
    tail -5 "$3" >&2
    return 1
  fi
}

# 2. Per CPU: CMSIS-NN (its .c files, at -Ofast as its CMake builds them), the harness and the
#    baseline firmware whose flash and RAM are subtracted.
for cpu in $cpus; do
  read -r -a arch <<< "$(arch_of "$cpu")"
  d=$out/$cpu
  mkdir -p "$d/cmsis-nn" "$d/common"
  stamp="$d/cmsis-nn/built-from"
  if [ ! -f "$d/cmsis-nn/libcmsis-nn.a" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$cmsis ${arch[*]}" ] ||
     [ -n "$(find "$cmsis/Source" "$cmsis/Include" -newer "$d/cmsis-nn/libcmsis-nn.a" -name '*.[ch]' | head -1)" ]; then
    echo "+ [$cpu] CMSIS-NN from $cmsis: arm-none-eabi-gcc ${arch[*]} -Ofast -I Include"
    rm -f "$d/cmsis-nn/"*.o "$d/cmsis-nn/libcmsis-nn.a"
    # The int8 kernels and their support functions (float ones are not needed).
    for f in $(ls "$cmsis"/Source/*/*.c | grep -v -e '_f16\.c$' -e '_f32\.c$' -e '_flt\.c$'); do
      pool_wait
      { arm-none-eabi-gcc "${arch[@]}" -Ofast -ffunction-sections -fdata-sections -I"$cmsis/Include" \
          -c "$f" -o "$d/cmsis-nn/$(basename "$f" .c).o" || echo "$f" >> "$d/cmsis-nn/failed"; } &
    done
    wait
    if [ -f "$d/cmsis-nn/failed" ]; then
      echo "bench-cortex-m: FAILED to compile CMSIS-NN's $(cat "$d/cmsis-nn/failed")" >&2
      rm -f "$d/cmsis-nn/failed"; exit 1
    fi
    arm-none-eabi-ar rcs "$d/cmsis-nn/libcmsis-nn.a" "$d/cmsis-nn/"*.o
    echo "$cmsis ${arch[*]}" > "$stamp"
  fi
  arm-none-eabi-gcc "${arch[@]}" "$opt" -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
    -c "$src/startup.c" -o "$d/common/startup.o"
  arm-none-eabi-gcc "${arch[@]}" "$opt" -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
    -c "$src/bench_harness.c" -o "$d/common/harness.o"
  arm-none-eabi-gcc "${arch[@]}" "$opt" -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
    -c "$src/bench_null.c" -o "$d/null.o"
  arm-none-eabi-gcc "${arch[@]}" --specs=nano.specs --specs=rdimon.specs -nostartfiles -L "$src" \
    -T "$src/$(ld_of "$cpu")" -Wl,--gc-sections -Wl,-Map="$d/null.map" \
    "$d/common/startup.o" "$d/common/harness.o" "$d/null.o" -o "$d/null.elf"
  run_qemu "$cpu" "$d/null.elf" "$d/null.txt"
done

# 3. Per CPU, model and library: the network build and the per-layer build, run under qemu.
one() { # cpu model side variant
  local cpu=$1 m=$2 side=$3 variant=$4 d=$out/$1 name=$2.$3.$4
  local header=$out/headers/$m.hpp flags=() source=$src/bench_onnx2hpp.cpp
  case $side in
    simd) flags+=(-DBENCH_BACKEND_SIMD=1) ;;
    cmsis-nn) source=$src/bench_cmsis_nn.cpp; flags+=(-isystem "$cmsis/Include") ;;
  esac
  [ "$variant" = layers ] && flags+=(-DBENCH_LAYERS=1)
  if ! firmware "$cpu" "$name" "$source" -DBENCH_MODEL_HEADER="\"$header\"" "${flags[@]}" 2> "$d/$name.log"; then
    # A simd build that fails is reported in the tables (BUILD-FAILED); the rest is measured.
    if [ "$side" = simd ]; then
      echo "BUILD-FAILED $(grep -o 'error: .*' "$d/$name.log" | sort -u | head -4 | paste -sd ';' -)" > "$d/$name.txt"
      return 0
    fi
    cat "$d/$name.log" >&2
    return 1
  fi
  run_qemu "$cpu" "$d/$name.elf" "$d/$name.txt"
}
read -r -a sides <<< "$backends cmsis-nn"
rm -f "$out/failures"
for cpu in $cpus; do
  for m in $models; do
    echo "+ [$cpu] $m: ${sides[*]} (network and per-layer builds, run under qemu -icount shift=0)"
    for side in "${sides[@]}"; do
      for variant in net layers; do
        pool_wait
        { one "$cpu" "$m" "$side" "$variant" || echo "$cpu $m $side $variant" >> "$out/failures"; } &
      done
    done
  done
done
wait

# 4. The tables.
/usr/bin/python3 "$src/report.py" --out "$out" --cpus "$cpus" --models "$models" \
  --sides "${sides[*]}" --model-dir "$modeldir" --elapsed $(( $(date +%s) - start )) | tee "$out/report.md"
if [ -f "$out/failures" ]; then
  echo "bench-cortex-m: FAILED (cpu model library build):" >&2; cat "$out/failures" >&2; exit 1
fi
