#!/usr/bin/env bash
# Builds the digits demo (examples/cortex_m) for a Cortex-M MPS2 board with Debian's
# arm-none-eabi toolchain (newlib-nano + semihosting), runs it under qemu-system-arm, checks that
# it prints exactly what the same program built for the host prints, and reports flash and RAM.
#
#   scripts/test-cortex-m.sh [--cpu m4|m7] [--opt -O2|-Os] [--generator PATH] [--out DIR]
#
# --cpu m4 (default): -mcpu=cortex-m4 on mps2-an386; m7: -mcpu=cortex-m7 on mps2-an500.
# The header is generated on the host by the onnx2hpp generator: --generator PATH, else
# $ONNX2HPP_GENERATOR, else build/test-gcc/codegen/onnx2hpp when scripts/test.sh built it, else
# it is built into build/cortex_m/generator. Build tree: --out DIR, default build/cortex_m/<cpu>.
# Installs the cross toolchain and qemu from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cpu=m4 opt=-O2 out="" generator=${ONNX2HPP_GENERATOR:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) cpu=$2; shift 2 ;;
    --opt) opt=$2; shift 2 ;;
    --generator) generator=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "test-cortex-m: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$cpu" in
  m4) machine=mps2-an386; arch=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16) ;;
  m7) machine=mps2-an500; arch=(-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16) ;;
  *) echo "test-cortex-m: --cpu m4 or m7" >&2; exit 2 ;;
esac

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
for p in gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm libboost-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-cortex-m: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

out=${out:-build/cortex_m/$cpu}
mkdir -p "$out/include"
# A cross build must not see /usr/include (the host's glibc headers): expose Boost only.
ln -sfn /usr/include/boost "$out/include/boost"

# 1. The model header, generated on the host.
if [ -z "$generator" ] && [ -x build/test-gcc/codegen/onnx2hpp ]; then generator=build/test-gcc/codegen/onnx2hpp; fi
if [ -z "$generator" ]; then
  echo "+ building the generator into build/cortex_m/generator"
  cmake -S . -B build/cortex_m/generator -DCMAKE_BUILD_TYPE=Release -DONNX2HPP_BUILD_TESTS=OFF >/dev/null
  cmake --build build/cortex_m/generator -j"$(nproc)" --target onnx2hpp_generator >/dev/null
  generator=build/cortex_m/generator/codegen/onnx2hpp
fi
echo "+ $generator examples/digits/digits_cnn.onnx -o $out/digits.hpp --namespace digits"
"$generator" examples/digits/digits_cnn.onnx -o "$out/digits.hpp" --namespace digits

src=examples/cortex_m
common=(-std=c++20 "$opt" -Wall -Wextra -Werror -fconstexpr-ops-limit=4000000000 -Iinclude -I"$out" -I"$src")

# 2. The firmware.
target=(-fno-exceptions -fno-rtti -fno-threadsafe-statics -ffunction-sections -fdata-sections -fstack-usage)
echo "+ arm-none-eabi-g++ ${arch[*]} $opt -fno-exceptions -fno-rtti ... -> $out/digits.elf"
arm-none-eabi-gcc "${arch[@]}" "$opt" -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
  -c "$src/startup.c" -o "$out/startup.o"
arm-none-eabi-g++ "${arch[@]}" "${common[@]}" "${target[@]}" -isystem "$out/include" \
  -c "$src/main.cpp" -o "$out/main.o"
arm-none-eabi-g++ "${arch[@]}" --specs=nano.specs --specs=rdimon.specs -nostartfiles -T "$src/mps2.ld" \
  -Wl,--gc-sections -Wl,-Map="$out/digits.map" "$out/startup.o" "$out/main.o" -o "$out/digits.elf"

# 3. The same program for the host.
g++ "${common[@]}" -isystem /usr/include "$src/main.cpp" -o "$out/digits-host"
"$out/digits-host" > "$out/host.txt"

# 4. Run under qemu (semihosting: the program's stdout is the console; exit() ends qemu).
echo "+ qemu-system-arm -M $machine -semihosting -nographic -kernel $out/digits.elf"
status=0
timeout 120 qemu-system-arm -M "$machine" -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$out/digits.elf" > "$out/qemu.txt" 2>&1 || status=$?
cat "$out/qemu.txt"
if [ $status -ne 0 ]; then
  echo "test-cortex-m: FAILED: qemu exited with status $status (124: timed out)"
  exit 1
fi

# 5. Same predictions and scores, line for line, as the host.
if ! diff <(grep -E '^(sample|[0-9]+/)' "$out/host.txt") <(grep -E '^(sample|[0-9]+/)' "$out/qemu.txt"); then
  echo "test-cortex-m: FAILED: the Cortex-M output differs from the host's (< host, > qemu)"
  exit 1
fi
n=$(grep -c '^sample' "$out/qemu.txt" || true)
if [ "$n" -eq 0 ]; then echo "test-cortex-m: FAILED: no predictions printed"; exit 1; fi

# 6. Flash and RAM, from the section sizes and the map file.
/usr/bin/python3 - "$out/digits.elf" "$out/digits.map" "$out/qemu.txt" <<'PY'
import re, subprocess, sys
elf, mapfile, run = sys.argv[1:4]
sizes = {}
for line in subprocess.run(["arm-none-eabi-size", "-A", elf], capture_output=True, text=True, check=True).stdout.splitlines():
    f = line.split()
    if len(f) == 3 and f[0].startswith(".") and f[1].isdigit():
        sizes[f[0]] = int(f[1])
# Input sections of the map: name, then address and size on the same or the next line.
text = open(mapfile).read()
sections = re.findall(r"^ (\.[\w.$]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)", text, re.M)
def total(pred):
    return sum(int(s, 16) for name, _, s, _ in sections if pred(name))
model_consts = total(lambda n: n.startswith(".rodata._ZN6digits"))
arena = total(lambda n: n.endswith("_GLOBAL__N_15arenaE"))
io = total(lambda n: n.endswith("_GLOBAL__N_15inputE") or n.endswith("_GLOBAL__N_16scoresE"))
m = re.search(r"stack used: (\d+) of (\d+)", open(run).read())
used, reserved = (int(m.group(1)), int(m.group(2))) if m else (0, sizes.get(".stack", 0))
flash = sizes.get(".text", 0) + sizes.get(".rodata", 0) + sizes.get(".ARM.exidx", 0) + sizes.get(".data", 0)
print(f"flash: {flash} bytes = .text {sizes.get('.text', 0)} (code) + .rodata {sizes.get('.rodata', 0)} "
      f"(constants; the model's weights and tables: {model_consts}) + .data {sizes.get('.data', 0)}"
      f" + .ARM.exidx {sizes.get('.ARM.exidx', 0)}")
print(f"RAM:   arena {arena} bytes + input/output {io} + stack used {used} (of {reserved} reserved)"
      f" = {arena + io + used} bytes for the model; static data in all .data+.bss "
      f"{sizes.get('.data', 0) + sizes.get('.bss', 0)}, newlib heap {sizes.get('.heap', 0)} (printf buffers)")
PY
echo "test-cortex-m: $n predictions on $machine ($cpu) match the host's"
