#!/usr/bin/env node
// Run an ONNX model with onnxruntime (CPU) on .npy inputs and write every output as .npy.
//
//   node tests/oracle/ort_run.js MODEL.onnx --out DIR [options] IN.npy...
//
// Inputs are taken in graph-input order (initializers excluded), one .npy each; their dtype must
// be the one the graph input declares (float32, int8, uint8, int32 or int64). Each output is
// written to DIR/<name>.npy, where <name> is the ONNX output name with every character outside
// [A-Za-z0-9_] replaced by '_'. A line per output (name, dtype, shape) goes to stdout.
//
// Options:
//   --all-tensors       also write every intermediate tensor (the model is first rewritten by
//                       expose_tensors.py, which needs /usr/bin/python3 with python3-onnx)
//   --quantized-tensors like --all-tensors, but only int8/uint8 tensors; this keeps
//                       onnxruntime's QDQ fusions (and so its arithmetic) as in a plain run
//   --threads N         intra-op threads (default 1, for reproducible results)
//   --opt LEVEL         graph optimization: disabled | basic | extended | all (default all,
//                       onnxruntime's own default)
//   --split-batch       the model takes batch 1 but the .npy files hold N samples: run the
//                       samples one by one and write each output stacked along axis 0 (its
//                       batch axis of 1, or a new axis when it has none)
//   --python PATH       interpreter for expose_tensors.py (default /usr/bin/python3)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const ort = require('onnxruntime-node');
const { readNpy, writeNpy } = require('./npy');

const TYPED = {
  float32: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

function usage(msg) {
  if (msg) console.error(`ort_run: ${msg}`);
  console.error('usage: node ort_run.js MODEL.onnx --out DIR [--all-tensors|--quantized-tensors] ' +
                '[--threads N] [--opt disabled|basic|extended|all] [--split-batch] IN.npy...');
  process.exit(2);
}

function parseArgs(argv) {
  const a = { model: null, out: null, expose: null, threads: 1, opt: 'all', split: false, python: '/usr/bin/python3', inputs: [] };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${arg} needs a value`));
    if (arg === '--out') a.out = value();
    else if (arg === '--all-tensors') a.expose = 'all';
    else if (arg === '--quantized-tensors') a.expose = 'int8,uint8';
    else if (arg === '--threads') a.threads = Number(value());
    else if (arg === '--opt') a.opt = value();
    else if (arg === '--python') a.python = value();
    else if (arg === '--split-batch') a.split = true;
    else if (arg === '-h' || arg === '--help') usage();
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else if (a.model === null) a.model = arg;
    else a.inputs.push(arg);
  }
  if (!a.model) usage('no model given');
  if (!a.out) usage('--out DIR is required');
  if (!['disabled', 'basic', 'extended', 'all'].includes(a.opt)) usage(`bad --opt ${a.opt}`);
  if (!(a.threads >= 1)) usage('--threads must be >= 1');
  return a;
}

const safeName = (name) => name.replace(/[^A-Za-z0-9_]/g, '_');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let modelPath = args.model;
  let tmpDir = null;
  if (args.expose) {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ort_run-'));
    modelPath = path.join(tmpDir, 'exposed.onnx');
    const helper = path.join(__dirname, 'expose_tensors.py');
    const extra = args.expose === 'all' ? [] : ['--dtypes', args.expose];
    execFileSync(args.python, [helper, args.model, modelPath, ...extra], { stdio: 'inherit' });
  }
  try {
    const session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: args.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: args.opt,
      // On x86 CPUs without VNNI (AVX2 or AVX-512 only), onnxruntime's u8s8 int8 kernels add
      // pairs of products in int16 (vpmaddubsw) and saturate: QLinearConv/MatMul results then
      // depend on the CPU. This option makes it widen weights outside [-64, 63] to u8u8, which
      // is exact; on VNNI CPUs and on Arm it changes nothing. The oracle must be exact everywhere.
      extra: { session: { x64quantprecision: '1' } },
    });
    const names = session.inputNames;
    if (args.inputs.length !== names.length) {
      usage(`model has ${names.length} input(s) (${names.join(', ')}), got ${args.inputs.length} .npy file(s)`);
    }
    const declared = session.inputMetadata || [];
    const arrays = names.map((name, i) => {
      const arr = readNpy(args.inputs[i]);
      const meta = declared[i];
      if (meta && meta.isTensor && meta.type !== arr.dtype) {
        throw new Error(`input '${name}' is ${meta.type} but ${args.inputs[i]} holds ${arr.dtype}`);
      }
      if (!(arr.dtype in TYPED) || arr.dtype === 'bool') throw new Error(`unsupported input dtype ${arr.dtype}`);
      return arr;
    });
    // Without --split-batch: one run on the whole arrays. With it: one run per sample (row of axis 0).
    const batch = args.split ? arrays[0].shape[0] : 1;
    if (args.split && arrays.some((a) => a.shape[0] !== batch)) throw new Error('--split-batch: inputs differ in their first dimension');
    const collected = {};
    for (let b = 0; b < batch; ++b) {
      const feeds = {};
      names.forEach((name, i) => {
        const arr = arrays[i];
        if (!args.split) {
          feeds[name] = new ort.Tensor(arr.dtype, arr.data, arr.shape);
          return;
        }
        const per = arr.data.length / batch;
        feeds[name] = new ort.Tensor(arr.dtype, arr.data.slice(b * per, (b + 1) * per), [1, ...arr.shape.slice(1)]);
      });
      const results = await session.run(feeds);
      for (const name of session.outputNames) (collected[name] = collected[name] || []).push(results[name]);
    }
    fs.mkdirSync(args.out, { recursive: true });
    for (const name of session.outputNames) {
      const parts = collected[name];
      const t = parts[0];
      if (!(t.type in TYPED)) {
        console.error(`ort_run: output '${name}' has type ${t.type}, not written`);
        continue;
      }
      let dims = Array.from(t.dims);
      let data = t.data;
      if (args.split) {
        // an output without a leading axis of 1 (e.g. a constant) gets a new axis in front
        dims = dims.length && dims[0] === 1 ? [batch, ...dims.slice(1)] : [batch, ...dims];
        data = new TYPED[t.type](parts.reduce((n, p) => n + p.data.length, 0));
        let at = 0;
        for (const p of parts) { data.set(p.data, at); at += p.data.length; }
      }
      const file = path.join(args.out, `${safeName(name)}.npy`);
      writeNpy(file, t.type, dims, data);
      console.log(`${name}\t${t.type}\t[${dims.join(',')}]\t${file}`);
    }
  } finally {
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`ort_run: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
