#!/usr/bin/env node
// Deterministic, data-like test inputs for a model of the shared zoo, as one float32 .npy holding
// COUNT samples stacked along axis 0 (the layout run_npy and `ort_run.js --split-batch` take).
//
//   node make_inputs.js --sidecar MODEL.json --count N --out FILE.npy [--seed S] [--stats]
//
// The model's JSON sidecar gives the input shape and says what the model was calibrated on; that
// picks the kind of data:
//   digits  sklearn digits (dataset.name load_digits): 8x8, values k/16 — strokes and thresholded
//           smooth shapes drawn on a 32x32 bitmap and counted per 4x4 block, as the dataset was made;
//   image   "ImageNet mean/std normalized" photos: smooth gradients, soft blobs, hard-edged shapes,
//           low-frequency value noise and a little sensor noise, 8-bit, then (x - mean) / std;
//   mfcc    "MFCC (T frames x K coeffs ...)" of speech-like audio: a 40-band log-mel spectrogram with
//           syllable envelopes, harmonics under moving formants, fricative bursts and a noise floor,
//           then an orthonormal DCT-II;
//   logmel  "F frames x B log-mel bands (dB) of synthetic machine sound": harmonic hum, periodic
//           impacts and broadband noise.
// The audio kinds are finally fitted (one gain for the whole set, never per sample) into the range
// the model's input QuantizeLinear was calibrated to (INPUT_RANGE below), so they exercise the
// same quantization grid as the training data did.
//
// Same arguments, same bytes: the generator is a seeded PRNG (mulberry32) and plain float math.
'use strict';
const fs = require('fs');
const path = require('path');
const { writeNpy } = require('../oracle/npy.js');

// Input range each audio model's first QuantizeLinear covers: scale * (0 - zp) .. scale * (127 - zp)
// (uint8 with reduce_range, so codes 0..127), read from the .onnx files with python3-onnx:
//   dscnn_kws          scale 0.53981537  zp 85  ->  -45.88 .. 22.67
//   fc_autoencoder_ad  scale 0.6673693   zp 47  ->  -31.37 .. 53.39
const INPUT_RANGE = {
  dscnn_kws: [-45.88, 22.67],
  fc_autoencoder_ad: [-31.37, 53.39],
};

function usage(msg) {
  if (msg) process.stderr.write(`make_inputs: ${msg}\n`);
  process.stderr.write('usage: node make_inputs.js --sidecar MODEL.json --count N --out FILE.npy [--seed S] [--stats]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const a = { sidecar: null, count: 0, out: null, seed: 1, stats: false };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${arg} needs a value`));
    if (arg === '--sidecar') a.sidecar = value();
    else if (arg === '--count') a.count = Number(value());
    else if (arg === '--out') a.out = value();
    else if (arg === '--seed') a.seed = Number(value());
    else if (arg === '--stats') a.stats = true;
    else usage(`unknown argument ${arg}`);
  }
  if (!a.sidecar || !a.out) usage('--sidecar and --out are required');
  if (!(Number.isInteger(a.count) && a.count > 0)) usage('--count must be a positive integer');
  return a;
}

// --- randomness -------------------------------------------------------------------------------

function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; ++i) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

class Rng {
  constructor(seed) { this.next = mulberry32(seed); }
  uniform(lo = 0, hi = 1) { return lo + (hi - lo) * this.next(); }
  int(lo, hi) { return lo + Math.floor(this.next() * (hi - lo + 1)); } // inclusive
  normal() { // Box-Muller
    const u = Math.max(this.next(), 1e-12), v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  chance(p) { return this.next() < p; }
}

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const smoothstep = (t) => t * t * (3 - 2 * t);

// --- 2-D building blocks (one channel, H x W, values roughly in [0, 1]) -----------------------

// Value noise: random values on a coarse (cells+1)^2 grid, interpolated with smoothstep.
function valueNoise(rng, H, W, cells) {
  const g = [];
  for (let i = 0; i <= cells; ++i) {
    g.push([]);
    for (let j = 0; j <= cells; ++j) g[i].push(rng.uniform(-1, 1));
  }
  const out = new Float64Array(H * W);
  for (let y = 0; y < H; ++y) {
    const fy = (y / Math.max(1, H - 1)) * cells, iy = Math.min(cells - 1, Math.floor(fy)), ty = smoothstep(fy - iy);
    for (let x = 0; x < W; ++x) {
      const fx = (x / Math.max(1, W - 1)) * cells, ix = Math.min(cells - 1, Math.floor(fx)), tx = smoothstep(fx - ix);
      const a = g[iy][ix] + (g[iy][ix + 1] - g[iy][ix]) * tx;
      const b = g[iy + 1][ix] + (g[iy + 1][ix + 1] - g[iy + 1][ix]) * tx;
      out[y * W + x] = a + (b - a) * ty;
    }
  }
  return out;
}

// Coverage (0..1, anti-aliased over about one pixel) of a random hard-edged shape.
function shapeMask(rng, H, W) {
  const kind = rng.int(0, 2), out = new Float64Array(H * W);
  const cx = rng.uniform(0, W), cy = rng.uniform(0, H), s = Math.min(H, W);
  const theta = rng.uniform(0, Math.PI), c = Math.cos(theta), sn = Math.sin(theta);
  const rx = rng.uniform(0.1, 0.45) * s, ry = rng.uniform(0.1, 0.45) * s;
  for (let y = 0; y < H; ++y)
    for (let x = 0; x < W; ++x) {
      const dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      const u = dx * c + dy * sn, v = -dx * sn + dy * c;
      let d; // signed distance-like value in pixels, > 0 inside
      if (kind === 0) d = u;                                           // half plane (an edge)
      else if (kind === 1) d = Math.min(rx - Math.abs(u), ry - Math.abs(v)); // rotated rectangle
      else d = (1 - Math.hypot(u / rx, v / ry)) * Math.min(rx, ry);   // ellipse
      out[y * W + x] = clamp(d + 0.5, 0, 1);
    }
  return out;
}

// --- image-like samples -----------------------------------------------------------------------

// One RGB (or gray, C = 1) picture with values in [0, 1], planar C x H x W.
function picture(rng, C, H, W) {
  const color = () => {
    const base = rng.uniform(0.05, 0.95), tint = rng.uniform(0, 0.35);
    return Array.from({ length: C }, () => clamp(base + tint * rng.uniform(-1, 1), 0, 1));
  };
  const img = new Float64Array(C * H * W);
  // 1. a smooth gradient between two colours in a random direction
  const c0 = color(), c1 = color(), th = rng.uniform(0, 2 * Math.PI);
  const ux = Math.cos(th), uy = Math.sin(th), diag = Math.hypot(H, W);
  for (let y = 0; y < H; ++y)
    for (let x = 0; x < W; ++x) {
      const t = clamp(((x - W / 2) * ux + (y - H / 2) * uy) / diag + 0.5, 0, 1);
      for (let ch = 0; ch < C; ++ch) img[ch * H * W + y * W + x] = c0[ch] + (c1[ch] - c0[ch]) * t;
    }
  // The mix varies per sample, so some pictures are mostly gradient, others blobs, edges, texture.
  const nBlobs = rng.int(0, 6), nShapes = rng.int(0, 4), noiseAmp = rng.uniform(0, 0.35);
  // 2. soft blobs
  for (let b = 0; b < nBlobs; ++b) {
    const col = color(), cx = rng.uniform(0, W), cy = rng.uniform(0, H);
    const sx = rng.uniform(0.04, 0.3) * W + 0.5, sy = rng.uniform(0.04, 0.3) * H + 0.5, alpha = rng.uniform(0.4, 1);
    for (let y = 0; y < H; ++y)
      for (let x = 0; x < W; ++x) {
        const a = alpha * Math.exp(-0.5 * (((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2));
        for (let ch = 0; ch < C; ++ch) {
          const k = ch * H * W + y * W + x;
          img[k] += (col[ch] - img[k]) * a;
        }
      }
  }
  // 3. hard-edged shapes (edges, rectangles, ellipses)
  for (let s = 0; s < nShapes; ++s) {
    const col = color(), m = shapeMask(rng, H, W), alpha = rng.uniform(0.6, 1);
    for (let ch = 0; ch < C; ++ch)
      for (let p = 0; p < H * W; ++p) img[ch * H * W + p] += (col[ch] - img[ch * H * W + p]) * m[p] * alpha;
  }
  // 4. low-frequency noise (partly shared by the channels, like lighting and texture)
  if (noiseAmp > 0.02) {
    const cells = rng.int(2, 8), shared = valueNoise(rng, H, W, cells);
    for (let ch = 0; ch < C; ++ch) {
      const own = valueNoise(rng, H, W, cells);
      for (let p = 0; p < H * W; ++p) img[ch * H * W + p] += noiseAmp * (0.7 * shared[p] + 0.3 * own[p]);
    }
  }
  // 5. sensor noise, then 8-bit pixels
  const sensor = rng.uniform(0, 0.03);
  for (let k = 0; k < img.length; ++k) img[k] = Math.round(clamp(img[k] + sensor * rng.normal(), 0, 1) * 255) / 255;
  return img;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406], IMAGENET_STD = [0.229, 0.224, 0.225];

function imageSample(rng, shape) {
  const [, C, H, W] = shape;
  const img = picture(rng, C, H, W);
  const out = new Float32Array(C * H * W);
  for (let ch = 0; ch < C; ++ch)
    for (let p = 0; p < H * W; ++p) out[ch * H * W + p] = (img[ch * H * W + p] - IMAGENET_MEAN[ch % 3]) / IMAGENET_STD[ch % 3];
  return out;
}

// sklearn digits: a 32x32 bitmap, the number of set pixels in each 4x4 block (0..16), / 16.
function digitsSample(rng, shape) {
  const [, , H, W] = shape, S = 4 * H;
  const bmp = new Uint8Array(S * S);
  if (rng.chance(0.6)) {
    // pen strokes: line segments and elliptic arcs, 2-4 pixels wide
    const nStrokes = rng.int(1, 3);
    for (let s = 0; s < nStrokes; ++s) {
      const width = rng.uniform(1.0, 2.2);
      const pts = [];
      if (rng.chance(0.5)) {
        const x0 = rng.uniform(4, S - 4), y0 = rng.uniform(4, S - 4), x1 = rng.uniform(4, S - 4), y1 = rng.uniform(4, S - 4);
        for (let t = 0; t <= 1.0001; t += 0.01) pts.push([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]);
      } else {
        const cx = rng.uniform(9, S - 9), cy = rng.uniform(9, S - 9), rx = rng.uniform(4, 12), ry = rng.uniform(5, 14);
        const a0 = rng.uniform(0, 2 * Math.PI), span = rng.uniform(Math.PI, 2 * Math.PI);
        for (let t = 0; t <= 1.0001; t += 0.005) pts.push([cx + rx * Math.cos(a0 + span * t), cy + ry * Math.sin(a0 + span * t)]);
      }
      for (const [px, py] of pts)
        for (let y = Math.floor(py - width); y <= Math.ceil(py + width); ++y)
          for (let x = Math.floor(px - width); x <= Math.ceil(px + width); ++x)
            if (x >= 0 && y >= 0 && x < S && y < S && Math.hypot(x + 0.5 - px, y + 0.5 - py) <= width) bmp[y * S + x] = 1;
    }
  } else {
    // a thresholded smooth picture (gradients, blobs, edges, low-frequency noise become shapes),
    // centred with a margin and covering 12-35 % of the frame, like a digit on paper
    const pic = picture(rng, 1, S, S), invert = rng.chance(0.5);
    const v = Array.from(pic, (x) => (invert ? -x : x)).sort((a, b) => a - b);
    const level = v[Math.floor((1 - rng.uniform(0.12, 0.35)) * v.length)];
    const m = rng.int(2, 6);
    for (let y = m; y < S - m; ++y)
      for (let x = m + 2; x < S - m - 2; ++x) bmp[y * S + x] = (invert ? -pic[y * S + x] : pic[y * S + x]) > level ? 1 : 0;
  }
  const out = new Float32Array(H * W);
  for (let by = 0; by < H; ++by)
    for (let bx = 0; bx < W; ++bx) {
      let n = 0;
      for (let y = 0; y < 4; ++y) for (let x = 0; x < 4; ++x) n += bmp[(4 * by + y) * S + 4 * bx + x];
      out[by * W + bx] = n / 16;
    }
  return out;
}

// --- audio-like samples -----------------------------------------------------------------------

const hzToMel = (f) => 2595 * Math.log10(1 + f / 700);
const melToHz = (m) => 700 * (10 ** (m / 2595) - 1);
function melCenters(n, fLo, fHi) {
  const mLo = hzToMel(fLo), mHi = hzToMel(fHi);
  return Array.from({ length: n }, (_, i) => melToHz(mLo + ((i + 1) * (mHi - mLo)) / (n + 1)));
}

// Orthonormal DCT-II of one row, first `keep` coefficients.
function dct2(row, keep) {
  const n = row.length, out = new Float64Array(keep);
  for (let k = 0; k < keep; ++k) {
    let s = 0;
    for (let m = 0; m < n; ++m) s += row[m] * Math.cos((Math.PI * k * (m + 0.5)) / n);
    out[k] = s * Math.sqrt((k === 0 ? 1 : 2) / n);
  }
  return out;
}

// Speech-like MFCC: T frames (20 ms hop) x K coefficients from a 40-band (20-4000 Hz) log-mel
// spectrogram in natural-log power units.
function mfccSample(rng, shape) {
  const T = shape[shape.length - 2], K = shape[shape.length - 1], M = 40;
  const fc = melCenters(M, 20, 4000);
  const power = Array.from({ length: T }, () => new Float64Array(M));
  // noise floor with a spectral tilt and slow level changes
  const floor = rng.uniform(-7.5, -4.5), tilt = rng.uniform(-1.5, 0.5), drift = valueNoise(rng, 1, T, 3);
  for (let t = 0; t < T; ++t)
    for (let m = 0; m < M; ++m)
      power[t][m] += Math.exp(floor + tilt * (m / M) + 0.5 * drift[t] + 0.4 * rng.normal());
  // syllables: voiced, harmonic spectra under moving formants, with a rise-fall envelope
  const nSyl = rng.int(1, 3);
  let start = rng.int(0, 12);
  for (let s = 0; s < nSyl && start < T - 4; ++s) {
    const len = rng.int(6, 18), level = rng.uniform(1.5, 4.5);
    const f0a = rng.uniform(90, 260), f0b = f0a * rng.uniform(0.8, 1.2);
    const F = [[rng.uniform(300, 850), rng.uniform(300, 850)], [rng.uniform(900, 2300), rng.uniform(900, 2300)],
               [rng.uniform(2400, 3400), rng.uniform(2400, 3400)]];
    for (let t = start; t < Math.min(T, start + len); ++t) {
      const u = (t - start) / len, env = Math.sin(Math.PI * u) ** 0.7, f0 = f0a + (f0b - f0a) * u;
      for (let m = 0; m < M; ++m) {
        let formant = 0;
        F.forEach(([a, b], i) => {
          const c = a + (b - a) * u, bw = 90 + 60 * i;
          formant += Math.exp(-0.5 * ((fc[m] - c) / bw) ** 2) / (1 + i);
        });
        const harmonic = 0.6 + 0.4 * Math.cos((2 * Math.PI * fc[m]) / f0) ** 2;
        power[t][m] += env * Math.exp(level) * (0.05 + formant) * harmonic;
      }
    }
    // an unvoiced fricative burst before or after the vowel
    if (rng.chance(0.6)) {
      const at = rng.chance(0.5) ? Math.max(0, start - 3) : Math.min(T - 3, start + len), fl = rng.uniform(0.5, 3);
      for (let t = at; t < Math.min(T, at + rng.int(2, 5)); ++t)
        for (let m = 0; m < M; ++m) power[t][m] += Math.exp(fl) * smoothstep(clamp((fc[m] - 1800) / 1500, 0, 1));
    }
    start += len + rng.int(1, 8);
  }
  const out = new Float32Array(T * K);
  for (let t = 0; t < T; ++t) {
    const c = dct2(Array.from(power[t], (p) => Math.log(p + 1e-6)), K);
    for (let k = 0; k < K; ++k) out[t * K + k] = c[k];
  }
  return out;
}

// Machine sound: F frames x B log-mel bands (0-8000 Hz) in dB, frame-major as the model flattens.
function logmelSample(rng, shape, frames = 5) {
  const n = shape[shape.length - 1], B = n / frames;
  const fc = melCenters(B, 0, 8000);
  const floor = rng.uniform(-12, 8), tilt = rng.uniform(-18, 2);
  const f0 = rng.uniform(45, 400), nHarm = rng.int(3, 25), humLevel = rng.uniform(8, 35), decay = rng.uniform(0.02, 0.25);
  const period = rng.int(2, 5), phase = rng.int(0, period - 1), hit = rng.chance(0.7) ? rng.uniform(5, 22) : 0;
  const out = new Float32Array(frames * B);
  for (let f = 0; f < frames; ++f) {
    const impact = (f - phase) % period === 0 ? hit : 0;
    const wobble = rng.uniform(-1.5, 1.5);
    for (let b = 0; b < B; ++b) {
      let p = 10 ** ((floor + tilt * (b / B) + 3 * rng.normal()) / 10);
      for (let h = 1; h <= nHarm; ++h) {
        const fh = h * f0;
        if (fh > 8000) break;
        const width = 25 + 0.03 * fh;
        p += 10 ** ((humLevel + wobble - 10 * decay * h) / 10) * Math.exp(-0.5 * ((fc[b] - fh) / width) ** 2);
      }
      if (impact) p += 10 ** ((floor + impact - 6 * (b / B)) / 10);
      out[f * B + b] = 10 * Math.log10(p);
    }
  }
  return out;
}

// --- main -------------------------------------------------------------------------------------

function kindOf(meta) {
  const calib = (meta.calibration && meta.calibration.data) || '';
  if (meta.dataset && /load_digits/.test(meta.dataset.name || '')) return 'digits';
  if (/MFCC/.test(calib)) return 'mfcc';
  if (/log-mel/.test(calib)) return 'logmel';
  if (/ImageNet mean\/std/.test(calib)) return 'image';
  throw new Error(`cannot tell what data '${meta.name}' takes from its sidecar (calibration: '${calib}')`);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const meta = JSON.parse(fs.readFileSync(args.sidecar, 'utf8'));
  const shape = meta.input.shape;
  if (shape[0] !== 1) throw new Error(`${args.sidecar}: expected batch 1, got [${shape}]`);
  const kind = kindOf(meta);
  const per = shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(hashString(`${meta.name}/${kind}`) ^ Math.imul(args.seed, 0x9e3779b1));
  const gen = { digits: digitsSample, image: imageSample, mfcc: mfccSample, logmel: logmelSample }[kind];
  const data = new Float32Array(args.count * per);
  for (let i = 0; i < args.count; ++i) data.set(gen(rng, shape), i * per);

  if (kind === 'mfcc' || kind === 'logmel') {
    const range = INPUT_RANGE[meta.name];
    if (!range) throw new Error(`no calibrated input range for '${meta.name}' in INPUT_RANGE`);
    // One gain about 0 for the whole set so that 99.9 % of the values fall in the calibrated range.
    const sorted = Float64Array.from(data).sort();
    const lo = sorted[Math.floor(0.0005 * sorted.length)], hi = sorted[Math.ceil(0.9995 * sorted.length) - 1];
    const gain = Math.min(1, lo < 0 ? range[0] / lo : Infinity, hi > 0 ? range[1] / hi : Infinity);
    for (let k = 0; k < data.length; ++k) data[k] *= gain;
    if (args.stats) process.stderr.write(`gain ${gain.toFixed(4)} (set 0.05..99.95 %: ${lo.toFixed(2)} .. ${hi.toFixed(2)}, calibrated ${range})\n`);
  }
  fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
  writeNpy(args.out, 'float32', [args.count, ...shape.slice(1)], data);
  if (args.stats) {
    let mn = Infinity, mx = -Infinity, sum = 0;
    for (const v of data) { mn = Math.min(mn, v); mx = Math.max(mx, v); sum += v; }
    process.stderr.write(`${meta.name}: ${kind}, ${args.count} x [${shape.slice(1)}], min ${mn.toFixed(3)} max ${mx.toFixed(3)} mean ${(sum / data.length).toFixed(3)}\n`);
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`make_inputs: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
}
