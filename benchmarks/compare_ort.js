#!/usr/bin/env node
// onnx2hpp (backends::simd, one thread) against onnxruntime (onnxruntime-node from tests/oracle,
// one intra-op thread, all graph optimizations) on the same models, in one run:
//
//   node benchmarks/compare_ort.js [--build DIR] [--models DIR] [--reps N] [--only a,b]
//                                  [--no-compile] [--markdown]
//
// DIR is a build tree configured with -DONNX2HPP_BUILD_BENCHMARKS=ON and built (the model
// benchmarks onnx2hpp_bench_model_<name> and onnx2hpp_int8_peak). For every quantized model of
// --models (default ../shared/models, *.float.onnx excluded) it prints the median latency of each
// (medians over --reps repetitions, default 5, each ≥ 0.3 s of runs; CPU time of the one
// thread that computes, so other load on a shared machine does not count), the ratio onnxruntime/onnx2hpp
// (> 1: onnx2hpp is faster), GMAC/s and the fraction of this core's int8 peak (the best vpdpbusd
// figure of onnx2hpp_int8_peak); for models under 1 ms also onnxruntime's profiled kernel time (the
// sum of its node kernel durations from session profiling, without the binding's overhead) and the
// ratio against it. Then per model header: compile time and peak compiler memory (/usr/bin/time -v
// on the benchmark's translation unit with the build's flags) and `size` of the object.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const repo = path.resolve(__dirname, '..');
const ort = require(path.join(repo, 'tests/oracle/node_modules/onnxruntime-node'));

function parseArgs(argv) {
  const a = { build: path.join(repo, 'build/bench'), models: path.resolve(repo, '../shared/models'),
              reps: 5, only: null, compile: true, markdown: false };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--build') a.build = path.resolve(value());
    else if (arg === '--models') a.models = path.resolve(value());
    else if (arg === '--reps') a.reps = Math.max(3, Number(value()));
    else if (arg === '--only') a.only = value().split(',');
    else if (arg === '--no-compile') a.compile = false;
    else if (arg === '--markdown') a.markdown = true;
    else { console.error(`compare_ort: unknown argument ${arg}`); process.exit(2); }
  }
  return a;
}

const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const n = s.length;
                         return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };

function benchJson(binary, args) {
  const r = spawnSync(binary, [...args, '--benchmark_format=json'], { encoding: 'utf8',
                                                                       maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${binary} failed: ${r.stderr}`);
  return r.stdout;
}

function int8Peak(build) {
  const bin = path.join(build, 'benchmarks/onnx2hpp_int8_peak');
  const out = JSON.parse(benchJson(bin, ['--benchmark_repetitions=3',
                                         '--benchmark_report_aggregates_only=true']));
  const medians = out.benchmarks.filter((b) => b.aggregate_name === 'median');
  const vnni = medians.filter((b) => /vnni/.test(b.name));
  const best = (vnni.length ? vnni : medians).reduce((m, b) => (b['GMAC/s'] > m['GMAC/s'] ? b : m));
  return { gmacs: best['GMAC/s'], name: best.run_name || best.name };
}

/// onnx2hpp: median over repetitions of the simd benchmark, in microseconds.
function onnx2hppTime(build, model, reps) {
  const bin = path.join(build, `benchmarks/models/onnx2hpp_bench_model_${model}`);
  if (!fs.existsSync(bin)) return { skip: `${bin} is not built` };
  const text = benchJson(bin, [`--benchmark_filter=/simd`, `--benchmark_repetitions=${reps}`,
                               '--benchmark_min_time=0.3']);
  if (/skipped:/.test(text)) return { skip: text.trim().split('\n').slice(0, 3).join(' ') };
  const runs = JSON.parse(text).benchmarks.filter((b) => b.run_type === 'iteration');
  const scale = { ns: 1e-3, us: 1, ms: 1e3, s: 1e6 };
  // CPU time of the benchmark thread: the machine is shared, and onnxruntime is timed the same way.
  return { us: median(runs.map((b) => b.cpu_time * scale[b.time_unit])),
           mmac: runs[0].MMAC };
}

function typedInput(session, meta) {
  const name = session.inputNames[0];
  const shape = meta.input.shape;
  const n = shape.reduce((x, y) => x * y, 1);
  const data = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; ++i) { s = (s * 1103515245 + 12345) % 2147483648; data[i] = s / 2147483648; }
  return { [name]: new ort.Tensor('float32', data, shape) };
}

const sessionOptions = (extra = {}) => ({ intraOpNumThreads: 1, interOpNumThreads: 1,
                                          executionMode: 'sequential',
                                          graphOptimizationLevel: 'all', ...extra });

/// onnxruntime end to end (session.run through the Node binding), median of per-repetition means.
async function ortTime(file, meta, reps) {
  const session = await ort.InferenceSession.create(file, sessionOptions());
  const feeds = typedInput(session, meta);
  for (let i = 0; i < 5; ++i) await session.run(feeds);
  // CPU time of the process (user + system, µs), like the benchmark's cpu_time: one intra-op
  // thread, so it is the run's time without what other processes of a shared machine take.
  const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
  let t0 = process.hrtime.bigint();
  let calib = 0;
  while (Number(process.hrtime.bigint() - t0) < 2e8) { await session.run(feeds); ++calib; }
  const perRep = Math.max(3, Math.ceil(calib * 1.5)); // ~0.3 s
  const means = [];
  for (let r = 0; r < reps; ++r) {
    const c0 = cpu();
    for (let i = 0; i < perRep; ++i) await session.run(feeds);
    means.push((cpu() - c0) / perRep);
  }
  await session.release();
  return median(means);
}

/// onnxruntime's own kernel time: the sum of node kernel durations per run from its profile.
async function ortKernelTime(file, meta, runs) {
  const prefix = path.join(os.tmpdir(), `ort_profile_${process.pid}_${path.basename(file, '.onnx')}`);
  const session = await ort.InferenceSession.create(file, sessionOptions({ enableProfiling: true,
                                                                           profileFilePrefix: prefix }));
  const feeds = typedInput(session, meta);
  for (let i = 0; i < runs; ++i) await session.run(feeds);
  session.endProfiling();
  await session.release();
  const dir = path.dirname(prefix);
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(prefix)) && f.endsWith('.json'));
  const events = files.flatMap((f) => { const e = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
                                          fs.unlinkSync(path.join(dir, f)); return e; });
  // Per run (model_run events), the node kernel durations inside it; the first runs warm up.
  const modelRuns = events.filter((e) => e.cat === 'Session' && e.name === 'model_run')
                          .sort((x, y) => x.ts - y.ts);
  const kernels = events.filter((e) => e.cat === 'Node' && /_kernel_time$/.test(e.name));
  const perRun = modelRuns.map((r) => kernels.filter((k) => k.ts >= r.ts && k.ts <= r.ts + r.dur)
                                             .reduce((s, k) => s + k.dur, 0));
  const runTimes = modelRuns.map((r) => r.dur);
  return { kernel: median(perRun.slice(5)), run: median(runTimes.slice(5)) };
}

function buildFlags(build, model) {
  const dir = path.join(build, `benchmarks/models/CMakeFiles/onnx2hpp_bench_model_${model}.dir`);
  const flags = fs.readFileSync(path.join(dir, 'flags.make'), 'utf8');
  const get = (k) => { const m = flags.match(new RegExp(`^${k} = (.*)$`, 'm')); return m ? m[1] : ''; };
  const cache = fs.readFileSync(path.join(build, 'CMakeCache.txt'), 'utf8');
  const cxx = cache.match(/^CMAKE_CXX_COMPILER:\w+=(.*)$/m)[1];
  // CXX_DEFINES holds -DONNX2HPP_MODEL_HEADER=\"...\": unescape for execFile.
  const split = (s) => (s.match(/(?:[^\s"\\]+|\\.|"[^"]*")+/g) || [])
                         .map((t) => t.replace(/\\"/g, '"').replace(/^"(.*)"$/, '$1'));
  return { cxx, args: [...split(get('CXX_DEFINES')), ...split(get('CXX_INCLUDES')),
                       ...split(get('CXX_FLAGS'))] };
}

/// The rounding mode the model's benchmark header was generated with (its "// rounding:" line:
/// the generator's default unless ONNX2HPP_BENCH_ROUNDING set --rounding).
function headerRounding(build, model) {
  const cache = fs.readFileSync(path.join(build, 'CMakeCache.txt'), 'utf8');
  const dir = (cache.match(/^ONNX2HPP_MODELS_DIR:\w+=(.*)$/m) || [])[1] ||
              path.join(build, 'generated-models');
  try {
    const m = fs.readFileSync(path.join(dir, `${model}.hpp`), 'utf8').match(/^\/\/ rounding: ([\w-]+)/m);
    return m ? m[1].replace(/^fixed-point$|^fixed$/, 'fixed-point') : '?';
  } catch (e) {
    return '?';
  }
}

/// Compile time, peak compiler memory and object size of the model's benchmark translation unit.
function compileCost(build, model) {
  const { cxx, args } = buildFlags(build, model);
  const obj = path.join(os.tmpdir(), `onnx2hpp_compile_${process.pid}_${model}.o`);
  const r = spawnSync('/usr/bin/time', ['-v', cxx, ...args, '-c',
                                        path.join(repo, 'benchmarks/models/model_bench.cpp'), '-o', obj],
                      { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return { error: r.stderr.split('\n').slice(-5).join(' ') };
  const wall = r.stderr.match(/Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)/);
  const seconds = (Number(wall[1] || 0) * 3600) + Number(wall[2]) * 60 + Number(wall[3]);
  const rssKb = Number(r.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/)[1]);
  const size = execFileSync('size', [obj], { encoding: 'utf8' }).trim().split('\n')[1].trim().split(/\s+/);
  fs.unlinkSync(obj);
  return { seconds, rssMb: rssKb / 1024, text: Number(size[0]), data: Number(size[1]),
           bss: Number(size[2]) };
}

function table(header, rows, markdown) {
  const cells = [header, ...rows].map((r) => r.map(String));
  const width = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r) => (markdown ? `| ${r.map((v, c) => v.padEnd(width[c])).join(' | ')} |`
                                : r.map((v, c) => (c === 0 ? v.padEnd(width[c]) : v.padStart(width[c])))
                                   .join('  '));
  const out = [line(cells[0])];
  if (markdown) out.push(`|${width.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`);
  for (const r of cells.slice(1)) out.push(line(r));
  return out.join('\n');
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const models = fs.readdirSync(a.models).filter((f) => f.endsWith('.onnx') && !f.endsWith('.float.onnx'))
                   .map((f) => f.replace(/\.onnx$/, '')).filter((m) => !a.only || a.only.includes(m)).sort();
  const peak = int8Peak(a.build);
  console.log(`int8 peak of one core: ${peak.gmacs.toFixed(1)} GMAC/s (${peak.name}); ` +
              `${a.reps} repetitions per figure, medians; onnxruntime-node ${ort.env.versions?.common ?? ''}, ` +
              '1 intra-op thread, graph optimizations all\n');
  const rows = [], compileRows = [], skipped = [];
  const f = (x, d = 1) => x.toFixed(d);
  for (const m of models) {
    const file = path.join(a.models, `${m}.onnx`);
    const meta = JSON.parse(fs.readFileSync(path.join(a.models, `${m}.json`), 'utf8'));
    const mine = onnx2hppTime(a.build, m, a.reps);
    if (mine.skip) { skipped.push(`${m}: ${mine.skip}`); continue; }
    const theirs = await ortTime(file, meta, a.reps);
    const gmacs = (mine.mmac * 1e3) / mine.us; // MMAC / µs = TMAC/s
    const ortGmacs = (mine.mmac * 1e3) / theirs;
    let kernel = '', kernelRatio = '';
    if (theirs < 1000) {
      const k = await ortKernelTime(file, meta, 200);
      kernel = f(k.kernel); kernelRatio = f(k.kernel / mine.us, 2);
    }
    rows.push([m, headerRounding(a.build, m), f(mine.mmac, 2), f(mine.us), f(theirs), f(theirs / mine.us, 2), kernel, kernelRatio,
               f(gmacs), `${f(100 * gmacs / peak.gmacs)} %`, `${f(100 * ortGmacs / peak.gmacs)} %`]);
    if (a.compile) {
      const c = compileCost(a.build, m);
      compileRows.push(c.error ? [m, 'failed', c.error, '', '', '']
                               : [m, f(c.seconds), f(c.rssMb, 0), c.text, c.data, c.bss]);
    }
  }
  console.log(table(['model', 'rounding', 'MMAC', 'onnx2hpp µs', 'ORT µs', 'ratio', 'ORT kernel µs',
                     'ratio (kernel)', 'onnx2hpp GMAC/s', 'onnx2hpp % peak', 'ORT % peak'], rows, a.markdown));
  console.log('\nratio = onnxruntime time / onnx2hpp time (> 1: onnx2hpp faster). ORT kernel: sum of ' +
              'its profiled node kernel times per run (models under 1 ms).');
  if (compileRows.length) {
    console.log('\nCompile cost of each generated model header (model_bench.cpp with the build\'s flags):\n');
    console.log(table(['model', 'compile s', 'peak MB', 'text B', 'data B', 'bss B'], compileRows, a.markdown));
  }
  for (const s of skipped) console.log(`\nskipped ${s}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
