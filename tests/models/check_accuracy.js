#!/usr/bin/env node
// Test accuracy of onnx2hpp next to onnxruntime's, on the same int8 model and the same labelled
// inputs (rows = samples, last axis = classes):
//
//   node check_accuracy.js OURS.npy ORT.npy LABELS.npy --max-gap POINTS
//
// Prints both accuracies, their top-1 agreement, and exits 1 when they differ by more than
// POINTS percentage points (0.5 = half a point), 2 on bad usage.
'use strict';
const { readNpy } = require('../oracle/npy.js');

function fail(msg, code) {
  process.stderr.write(`check_accuracy: ${msg}\n`);
  process.exit(code);
}

const argv = process.argv.slice(2), files = [];
let maxGap = null;
for (let i = 0; i < argv.length; ++i) {
  if (argv[i] === '--max-gap' && i + 1 < argv.length) maxGap = Number(argv[++i]);
  else if (argv[i].startsWith('--')) fail(`unknown option ${argv[i]}`, 2);
  else files.push(argv[i]);
}
if (files.length !== 3 || !(maxGap >= 0)) fail('usage: check_accuracy.js OURS.npy ORT.npy LABELS.npy --max-gap POINTS', 2);

const [ours, ort, labels] = files.map(readNpy);
const y = Array.from(labels.data, Number);
const classes = ours.shape[ours.shape.length - 1];
if (ours.data.length !== ort.data.length) fail(`output sizes differ: [${ours.shape}] vs [${ort.shape}]`, 1);
if (ours.data.length !== y.length * classes) fail(`${y.length} labels for ${ours.data.length / classes} rows`, 1);

const argmax = (d, r) => {
  let best = 0;
  for (let c = 1; c < classes; ++c) if (d[r * classes + c] > d[r * classes + best]) best = c;
  return best;
};
let okOurs = 0, okOrt = 0, agree = 0;
for (let r = 0; r < y.length; ++r) {
  const a = argmax(ours.data, r), b = argmax(ort.data, r);
  okOurs += a === y[r];
  okOrt += b === y[r];
  agree += a === b;
}
const accOurs = (100 * okOurs) / y.length, accOrt = (100 * okOrt) / y.length, gap = Math.abs(accOurs - accOrt);
console.log(`${y.length} labelled inputs: accuracy onnx2hpp ${accOurs.toFixed(2)} %, onnxruntime ${accOrt.toFixed(2)} %, ` +
            `gap ${gap.toFixed(2)} points (allowed ${maxGap}); top-1 agreement ${((100 * agree) / y.length).toFixed(2)} %`);
if (gap > maxGap + 1e-9) fail(`FAILED: accuracy gap ${gap.toFixed(2)} points > ${maxGap}`, 1);
