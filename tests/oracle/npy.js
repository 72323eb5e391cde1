// Minimal reader/writer for NumPy .npy files (format versions 1.0-3.0, C order only).
//
//   const { readNpy, writeNpy } = require('./npy');
//   const a = readNpy('x.npy');            // { dtype: 'float32', shape: [1, 3], data: Float32Array }
//   writeNpy('y.npy', 'int8', [2, 2], new Int8Array([1, 2, 3, 4]));
//
// dtypes: float32, float64, int8, uint8, int32, int64 (int64 as BigInt64Array), bool (as Uint8Array).
'use strict';
const fs = require('fs');

// numpy descr (without byte-order char) <-> name, typed array, element size
const DTYPES = {
  f4: ['float32', Float32Array, 4],
  f8: ['float64', Float64Array, 8],
  i1: ['int8', Int8Array, 1],
  u1: ['uint8', Uint8Array, 1],
  i4: ['int32', Int32Array, 4],
  i8: ['int64', BigInt64Array, 8],
  b1: ['bool', Uint8Array, 1],
};
const BY_NAME = Object.fromEntries(Object.entries(DTYPES).map(([k, v]) => [v[0], k]));

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') {
    throw new Error(`${path}: not a .npy file`);
  }
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', headerStart, headerStart + headerLen);
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) throw new Error(`${path}: bad .npy header: ${header}`);
  if (fortran[1] === 'True') throw new Error(`${path}: Fortran-order arrays are not supported`);
  const order = descr[1][0];
  const kind = descr[1].slice(1);
  if (!(kind in DTYPES)) throw new Error(`${path}: unsupported dtype ${descr[1]}`);
  const [name, Ctor, size] = DTYPES[kind];
  if (order === '>' && size > 1) throw new Error(`${path}: big-endian data is not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = headerStart + headerLen;
  if (buf.length < offset + count * size) throw new Error(`${path}: truncated data`);
  // Copy into a fresh, aligned buffer.
  const bytes = new Uint8Array(count * size);
  buf.copy(bytes, 0, offset, offset + count * size);
  return { dtype: name, shape: dims, data: new Ctor(bytes.buffer) };
}

function writeNpy(path, dtype, shape, data) {
  const kind = BY_NAME[dtype];
  if (!kind) throw new Error(`writeNpy: unsupported dtype ${dtype}`);
  const [, Ctor, size] = DTYPES[kind];
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`writeNpy: ${data.length} elements for shape [${shape}]`);
  const typed = data instanceof Ctor ? data : Ctor.from(data);
  const order = size === 1 ? '|' : '<';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${order}${kind}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so that magic(6)+version(2)+len(2)+header+'\n' is a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  fs.writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

module.exports = { readNpy, writeNpy };
