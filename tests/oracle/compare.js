#!/usr/bin/env node
// Compares two model outputs (.npy, same shape; rows = samples, last axis = classes/features):
// cosine similarity of the whole tensors, max |difference| (in output steps when --step is given),
// top-1 agreement per row, and accuracy of each against --labels. With --min-cosine /
// --min-top1 / --max-steps it exits 1 when a threshold is not met, so CTest can use it.
//
//   node compare.js OURS.npy THEIRS.npy [--labels Y.npy] [--step S] [--name-a onnx2hpp]
//        [--name-b onnxruntime] [--min-cosine C] [--min-top1 F] [--max-steps N] [--json]
'use strict';
const { readNpy } = require('./npy.js');

function parse(argv) {
  const o = { files: [], nameA: 'onnx2hpp', nameB: 'onnxruntime' };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--labels') o.labels = next();
    else if (a === '--step') o.step = Number(next());
    else if (a === '--name-a') o.nameA = next();
    else if (a === '--name-b') o.nameB = next();
    else if (a === '--min-cosine') o.minCosine = Number(next());
    else if (a === '--min-top1') o.minTop1 = Number(next());
    else if (a === '--max-steps') o.maxSteps = Number(next());
    else if (a === '--json') o.json = true;
    else if (a.startsWith('--')) fail(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length !== 2) fail('expected two .npy files');
  return o;
}

function fail(msg) {
  process.stderr.write(`compare: ${msg}\n`);
  process.exit(2);
}

function argmaxRows(data, cols) {
  const rows = data.length / cols, out = new Array(rows);
  for (let r = 0; r < rows; ++r) {
    let best = 0;
    for (let c = 1; c < cols; ++c) if (data[r * cols + c] > data[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}

const o = parse(process.argv.slice(2));
const a = readNpy(o.files[0]), b = readNpy(o.files[1]);
if (a.data.length !== b.data.length) fail(`sizes differ: ${a.shape} vs ${b.shape}`);
const cols = a.shape[a.shape.length - 1];
let dot = 0, na = 0, nb = 0, maxDiff = 0;
for (let i = 0; i < a.data.length; ++i) {
  const x = Number(a.data[i]), y = Number(b.data[i]);
  dot += x * y; na += x * x; nb += y * y;
  maxDiff = Math.max(maxDiff, Math.abs(x - y));
}
const cosine = na === 0 && nb === 0 ? 1 : dot / Math.sqrt(na * nb);
const ta = argmaxRows(a.data, cols), tb = argmaxRows(b.data, cols);
const agree = ta.filter((t, i) => t === tb[i]).length / ta.length;
const r = { rows: ta.length, cosine, max_abs_diff: maxDiff, top1_agreement: agree };
if (o.step) r.max_diff_steps = Math.round(maxDiff / o.step);
if (o.labels) {
  const y = Array.from(readNpy(o.labels).data, Number);
  if (y.length !== ta.length) fail(`${y.length} labels for ${ta.length} rows`);
  r[`accuracy_${o.nameA}`] = ta.filter((t, i) => t === y[i]).length / y.length;
  r[`accuracy_${o.nameB}`] = tb.filter((t, i) => t === y[i]).length / y.length;
}
if (o.json) console.log(JSON.stringify(r));
else {
  console.log(`rows ${r.rows}  cosine ${cosine.toFixed(6)}  top-1 agreement ${(100 * agree).toFixed(2)} %` +
              `  max |diff| ${maxDiff.toPrecision(4)}` + (o.step ? ` (${r.max_diff_steps} steps)` : ''));
  if (o.labels)
    console.log(`accuracy: ${o.nameA} ${(100 * r[`accuracy_${o.nameA}`]).toFixed(2)} %, ` +
                `${o.nameB} ${(100 * r[`accuracy_${o.nameB}`]).toFixed(2)} %`);
}
const failures = [];
if (o.minCosine !== undefined && !(cosine >= o.minCosine)) failures.push(`cosine ${cosine} < ${o.minCosine}`);
if (o.minTop1 !== undefined && !(agree >= o.minTop1)) failures.push(`top-1 agreement ${agree} < ${o.minTop1}`);
if (o.maxSteps !== undefined && !(r.max_diff_steps <= o.maxSteps))
  failures.push(`max difference ${r.max_diff_steps} steps > ${o.maxSteps}`);
if (failures.length) {
  process.stderr.write(`compare: FAILED: ${failures.join('; ')}\n`);
  process.exit(1);
}
