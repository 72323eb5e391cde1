#!/usr/bin/env python3
"""Tables of scripts/bench-cortex-m.sh: reads the firmwares' outputs (<out>/<cpu>/*.txt), their
section sizes and the generator's layer reports, prints markdown tables and writes results.json.

Instructions = SysTick ticks x calibrated instructions per tick, minus the instructions of one
SysTick reading (every interval lies between two readings). Per layer, onnx2hpp's figures come from
an observer that reads SysTick when each node finishes; the observer's own cost per node (the
difference between the observed and a plain run, spread evenly) is subtracted, so the layers sum
to the plain run. Flash and RAM are the firmware's minus the baseline firmware's (harness only)."""
import argparse
import json
import os
import re
import subprocess

CPU_NAMES = {
    "m4": "Cortex-M4 (qemu mps2-an386, -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16)",
    "m7": "Cortex-M7 (qemu mps2-an500, -mcpu=cortex-m7 -mfloat-abi=hard -mfpu=fpv5-d16)",
    "m55": "Cortex-M55 with MVE (qemu mps3-an547, -mcpu=cortex-m55 -mfloat-abi=hard)",
}
SIDE_NAMES = {"ref": "onnx2hpp ref", "simd": "onnx2hpp simd", "cmsis-nn": "CMSIS-NN"}
FLASH_SECTIONS = (".vectors", ".text", ".rodata", ".ARM.extab", ".ARM.exidx", ".data")


def parse_run(path):
    r = {"checks": {}, "names": {}, "nodes": {}, "maps": {}}
    with open(path) as f:
        for line in f:
            w = line.rstrip("\n").split(" ")
            if w[0] == "BUILD-FAILED":
                r["failed"] = " ".join(w[1:])
            kv = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in w[1:] if "=" in a}
            if w[0] == "CALIB":
                r["ipt"] = int(kv["instructions"]) / int(kv["ticks"])
                r["calib"] = (int(kv["instructions"]), int(kv["ticks"]))
            elif w[0] == "READCOST":
                n = int(kv["reads"])
                r["read"] = (int(kv["ticks"]) - int(kv["nop_ticks"])) * r["ipt"] / n + 1.0
            elif w[0] == "NET":
                r["net"] = (int(kv["ticks"]), int(kv["ticks_again"]))
            elif w[0] == "PLAIN":
                r["plain"] = int(kv["ticks"])
            elif w[0] == "STACK":
                r["stack"] = int(w[1])
            elif w[0] == "RAM":
                r["ram"] = {k: int(v) for k, v in kv.items()}
            elif w[0] == "OUT":
                r["out"] = w[1]
            elif w[0] == "CHECK":
                r["checks"][int(w[1])] = w[2]
                if len(w) > 3:
                    r["names"][int(w[1])] = " ".join(w[3:])
            elif w[0] == "NODE":
                r["nodes"][int(w[1])] = int(kv["ticks"])
            elif w[0] == "MAP":
                r["maps"][int(w[1])] = (w[2], " ".join(w[3:]).strip())
    return r


def section_sizes(elf):
    sizes = {}
    text = subprocess.run(["arm-none-eabi-size", "-A", elf], capture_output=True, text=True,
                          check=True).stdout
    for line in text.splitlines():
        f = line.split()
        if len(f) == 3 and f[0].startswith(".") and f[1].isdigit():
            sizes[f[0]] = int(f[1])
    return sizes


def parse_report(path):
    """The generator's --report layer table: name -> (kind, output shape, MACs)."""
    rows = {}
    pat = re.compile(r"^\s*\d+\s+(\S+)\s+(.*?)\s+(\[[\d,]+\])(?:\s+\w+)?\s+(\d+)\s+(\d+)\s+(\d+)")
    with open(path) as f:
        for line in f:
            m = pat.match(line)
            if m:
                rows[m.group(1)] = (" ".join(m.group(2).split()), m.group(3), int(m.group(4)))
    return rows


def fmt_m(x):
    return f"{x / 1e6:.3f} M" if x >= 1e5 else f"{x:,.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--cpus", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--sides", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--elapsed", type=int, default=0)
    a = ap.parse_args()
    cpus, models, sides = a.cpus.split(), a.models.split(), a.sides.split()
    ours = [s for s in sides if s != "cmsis-nn"]
    results = {}
    p = print

    p("# onnx2hpp vs CMSIS-NN on Cortex-M: instructions, flash, RAM\n")
    p("**Instructions retired under qemu -icount shift=0 (calibrated against a loop of known")
    p("instruction count), not cycles.** qemu counts every instruction as one: it models no pipeline,")
    p("no dual issue (Cortex-M7), no memory wait states and no MVE beat timing (Cortex-M55).\n")
    p("onnx2hpp: header generated with `--rounding fixed-point`, arm-none-eabi-g++ 12 at the script's")
    p("-O level; CMSIS-NN: built from its sources at -Ofast, called layer by layer with the model's")
    p("own weights and quantization, as TFLite Micro would. Both run the same random int8 input;")
    p("activations live in the same arena (onnx2hpp's memory plan). Flash = code + constants")
    p("(firmware minus the harness-only baseline); RAM = static data (arena, I/O buffers) + CMSIS-NN")
    p("scratch and persistent buffers + stack high-water mark of the run.\n")

    for cpu in cpus:
        d = os.path.join(a.out, cpu)
        null = parse_run(os.path.join(d, "null.txt"))
        null_sizes = section_sizes(os.path.join(d, "null.elf"))
        calib = null["calib"]
        p(f"## {CPU_NAMES[cpu]}\n")
        p(f"Calibration: {calib[0]:,} instructions in {calib[1]:,} SysTick ticks = "
          f"{null['ipt']:.4f} instructions per tick (resolution of a reading: 1 tick); one SysTick "
          f"reading costs {null['read']:.1f} instructions (subtracted).\n")
        p("| model | MACs | library | instructions | ratio to CMSIS-NN | instr/MAC | flash bytes (constants) "
          "| RAM bytes (static + scratch + stack) | repeat run |")
        p("|---|---:|---|---:|---:|---:|---:|---:|---|")
        layer_tables = []
        for m in models:
            macs = None
            sidecar = os.path.join(a.model_dir, m + ".json")
            if os.path.exists(sidecar):
                with open(sidecar) as f:
                    macs = json.load(f).get("macs")
            report = parse_report(os.path.join(a.out, "headers", m + ".report.txt"))
            entry = results.setdefault(cpu, {}).setdefault(m, {"macs": macs, "sides": {}})
            for side in sides:
                net = parse_run(os.path.join(d, f"{m}.{side}.net.txt"))
                lay = parse_run(os.path.join(d, f"{m}.{side}.layers.txt"))
                if "failed" in net or "failed" in lay:
                    entry["sides"][side] = {"failed": net.get("failed") or lay.get("failed")}
                    continue
                sz = section_sizes(os.path.join(d, f"{m}.{side}.net.elf"))
                ipt, read = net["ipt"], net["read"]
                instr = net["net"][0] * ipt - read
                flash = sum(sz.get(s, 0) - null_sizes.get(s, 0) for s in FLASH_SECTIONS)
                consts = sz.get(".rodata", 0) - null_sizes.get(".rodata", 0)
                static = sum(sz.get(s, 0) - null_sizes.get(s, 0) for s in (".data", ".bss"))
                ram = net["ram"]
                dyn = ram["scratch"] + ram["persistent"]
                total_ram = static + dyn + net["stack"]
                # Per layer.
                n = len(lay["nodes"])
                raw = [lay["nodes"][i] * ipt - read for i in range(n)]
                plain = lay["plain"] * ipt - read
                layers = raw
                entry["sides"][side] = {
                    "instructions": instr, "ticks": net["net"], "deterministic":
                    abs(net["net"][0] - net["net"][1]) <= 1, "flash": flash, "constants": consts,
                    "ram": total_ram, "ram_static": static, "scratch": ram["scratch"],
                    "persistent": ram["persistent"], "stack": net["stack"], "out": net["out"],
                    "layers": layers, "checks": lay["checks"],
                    "names": lay["names"], "maps": lay["maps"], "layers_plain": plain,
                }
            cm = entry["sides"].get("cmsis-nn")
            for side in sides:
                s = entry["sides"][side]
                if "failed" in s:
                    p(f"| {m} | {macs:,} | {SIDE_NAMES[side]} | does not build for {cpu}: "
                      f"`{s['failed']}` | | | | | |")
                    continue
                ratio = s["instructions"] / cm["instructions"] if cm else float("nan")
                ipm = s["instructions"] / macs if macs else float("nan")
                ramtxt = f"{s['ram']:,} ({s['ram_static']:,} + {s['scratch'] + s['persistent']:,} + {s['stack']:,})"
                p(f"| {m} | {macs:,} | {SIDE_NAMES[side]} | {fmt_m(s['instructions'])} | {ratio:.2f} | "
                  f"{ipm:.2f} | {s['flash']:,} ({s['constants']:,}) | {ramtxt} | "
                  f"{'same' if s['deterministic'] else 'DIFFERS: ' + str(s['ticks'])} |")
            layer_tables.append((m, report, entry))
        p("")
        for m, report, entry in layer_tables:
            sides_ok = [s for s in sides if "failed" not in entry["sides"][s]]
            ours_ok = [s for s in ours if s in sides_ok]
            base = entry["sides"][ours_ok[0]] if ours_ok else entry["sides"]["cmsis-nn"]
            cm = entry["sides"].get("cmsis-nn")
            names = base["names"] or (cm["names"] if cm else {})
            p(f"### {m} on {cpu}, per layer\n")
            heads = ["#", "layer", "kind", "output", "MACs"] + [SIDE_NAMES[s] for s in sides_ok]
            heads += [f"{s} / CMSIS-NN" for s in ours_ok] + ["CMSIS-NN call", "same output"]
            p("| " + " | ".join(heads) + " |")
            p("|" + "---|" * 5 + "---:|" * (len(sides_ok) + len(ours_ok)) + "---|---|")
            first_diff = None
            for i in range(len(base["layers"])):
                name = names.get(i, str(i))
                kind, shape, lmacs = report.get(name, ("", "", 0))
                row = [str(i), name, kind, shape, f"{lmacs:,}"]
                row += [f"{entry['sides'][s]['layers'][i]:,.0f}" for s in sides_ok]
                for s in ours_ok:
                    c = cm["layers"][i] if cm else 0
                    row.append(f"{entry['sides'][s]['layers'][i] / c:.2f}" if c > 50 else "-")
                fn, note = cm["maps"].get(i, ("-", "")) if cm else ("-", "")
                row.append(fn + (f" ({note})" if note else ""))
                same = cm and base["checks"].get(i) == cm["checks"].get(i)
                if cm and not same and first_diff is None:
                    first_diff = name
                row.append("yes" if same else "no")
                p("| " + " | ".join(row) + " |")
            totals = ["", "sum of the layers", "", "", ""]
            totals += [f"{sum(entry['sides'][s]['layers']):,.0f}" for s in sides_ok]
            p("| " + " | ".join(totals + [""] * (len(ours_ok) + 2)) + " |")
            totals = ["", "whole network, same build", "", "", ""]
            totals += [f"{entry['sides'][s]['layers_plain']:,.0f}" for s in sides_ok]
            p("| " + " | ".join(totals + [""] * (len(ours_ok) + 2)) + " |")
            notes = []
            for s in ours_ok:
                e = entry["sides"][s]
                gap = sum(e["layers"]) / e["layers_plain"] - 1 if e["layers_plain"] else 0
                if abs(gap) > 0.02:
                    notes.append(f"{SIDE_NAMES[s]}: the layers run one by one take {gap:+.0%} of the whole "
                                 "network's instructions (g++ compiles graph.run's inlined kernels "
                                 "differently from each node's own instantiation): read the layers "
                                 "as shares, the network row as the figure")
            if ours_ok and cm:
                agree = all(entry["sides"][s]["out"] == cm["out"] for s in ours_ok)
                notes.append("network outputs: " + ("identical to CMSIS-NN's" if agree else
                             f"differ from CMSIS-NN's (first differing layer: {first_diff})"))
            if len(ours_ok) > 1:
                same_ours = len({entry["sides"][s]["out"] for s in ours_ok}) == 1
                notes.append("ref and simd outputs " + ("identical" if same_ours else "DIFFER"))
            p("\n" + "; ".join(notes) + f". Resolution per layer: ±1 tick ({null['ipt']:.2f} instructions).\n")
    if a.elapsed:
        p(f"Benchmark run time (builds and qemu runs): {a.elapsed} s.")
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
