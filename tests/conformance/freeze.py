#!/usr/bin/python3
"""Freezes ONNX backend node tests into models a compile-time generator can convert.

    freeze.py --out OUT_ROOT [--wrap-qdq TEST]... TEST_DIR...

In the ONNX node tests the quantization parameters (scales, zero points) and often the weights are
graph *inputs*, fed from test_data_set_0/input_N.pb. onnx2hpp needs them at compile time, so for
each TEST_DIR this script writes OUT_ROOT/<test>/:

  model.onnx    the test's model with every graph input except the first (the data input) turned
                into an initializer holding its input_N.pb value; nothing else changes
  input.npy     the data input as float32, the form the generic runner (examples/run_npy) takes:
                a float input as it is; integer codes of a quantized input (QLinearConv,
                QLinearMatMul, DequantizeLinear) dequantized with the node's own scale and zero
                point, (q - zero_point) * scale, which the runner quantizes back to q exactly;
                for ConvInteger/MatMulInteger (scale 1) q - zero_point
  expected.npy  the test's output_0.pb; integer codes of a quantized output (QLinearConv,
                QLinearMatMul, QuantizeLinear) dequantized the same way, as the runner writes them;
                an int32 output (ConvInteger, MatMulInteger) as it is
  codes.npy     the test's output_0.pb as it is
  frozen.json   what was frozen, the output's name, and `step`: the smallest output scale. The
                runner's output equals the test's exactly when no element differs by half a step
                (quantization grids are `step` or more apart), i.e. when the codes are equal.

--wrap-qdq TEST (for float-op tests of data-movement and monotone ops, which a quantized graph
runs on int8 codes): the float data input is quantized at the graph input and the float output
quantized again, both with an int8 scale/zero point covering the values' range:
    x -> QuantizeLinear -> DequantizeLinear -> op -> QuantizeLinear -> DequantizeLinear -> y
and expected.npy becomes QuantizeLinear(the test's output) as int8 codes. The op commutes with
quantization (max, reshape, transpose, pad with zero, nearest resize, clamp, ...), so the
generated model must reproduce these codes exactly. input.npy stays the test's float input.

Needs Debian's python3-onnx and python3-numpy (/usr/bin/python3). Only the protobuf is used (no
checker): the tests' opsets are newer than Debian's libonnx knows.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def graph_inputs(model):
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def load_pb(path):
    return numpy_helper.to_array(onnx.load_tensor(path))


def int8_qparams(values):
    """Scale and zero point of an int8 tensor covering [min(values, 0), max(values, 0)]."""
    lo = min(float(np.min(values)), 0.0)
    hi = max(float(np.max(values)), 0.0)
    scale = np.float32((hi - lo) / 255.0 if hi > lo else 1.0)
    zp = int(np.clip(np.round(-128.0 - lo / float(scale)), -128, 127))
    return scale, zp


def quantize(values, scale, zp):
    # ONNX QuantizeLinear: x / scale in float32, round half to even, saturate.
    q = np.rint(values.astype(np.float32) / np.float32(scale)) + zp
    return np.clip(q, -128, 127).astype(np.int8)


# Per quantized op: graph-input indices of (scale, zero point) of its data input and of its output.
QPARAMS = {
    'QLinearConv': ((1, 2), (6, 7)),
    'QLinearMatMul': ((1, 2), (6, 7)),
    'QuantizeLinear': (None, (1, 2)),
    'DequantizeLinear': ((1, 2), None),
}


# ConvInteger/MatMulInteger: graph-input index of the data input's zero point (the scale is 1).
INTEGER_ZERO_POINT = {'ConvInteger': 2, 'MatMulInteger': 2}


def per_axis(scale, zp, ndim, axis):
    """Broadcastable scale and zero point (per tensor, or per channel along axis)."""
    scale = np.asarray(scale, np.float32)
    zp = np.asarray(zp).astype(np.int64)
    if scale.size == 1:
        return scale.reshape(()), zp.reshape(())
    shape = [1] * ndim
    shape[axis] = scale.size
    return scale.reshape(shape), zp.reshape(shape)


def freeze(test_dir, out_root, wrap):
    name = os.path.basename(os.path.normpath(test_dir))
    model = onnx.load(os.path.join(test_dir, 'model.onnx'))
    data_dir = os.path.join(test_dir, 'test_data_set_0')
    g = model.graph
    ins = graph_inputs(model)
    values = [load_pb(os.path.join(data_dir, f'input_{k}.pb')) for k in range(len(ins))]
    if len(g.output) != 1:
        raise SystemExit(f'{name}: {len(g.output)} outputs; only single-output tests are frozen')
    expected = load_pb(os.path.join(data_dir, 'output_0.pb'))

    frozen = []
    for inp, val in zip(ins[1:], values[1:]):
        g.initializer.append(numpy_helper.from_array(val, inp.name))
        g.input.remove(inp)
        frozen.append({'name': inp.name, 'dtype': val.dtype.name, 'shape': list(val.shape)})
    data_name, data = ins[0].name, values[0]
    codes = expected
    step = 1.0 if expected.dtype != np.float32 else None
    node = g.node[0] if len(g.node) == 1 else None
    if not wrap and node is not None and node.op_type in INTEGER_ZERO_POINT:
        # ConvInteger/MatMulInteger: the data input is quantized with scale 1 and its zero point
        # (input 2, default 0), so its real value is q - zero_point.
        k = INTEGER_ZERO_POINT[node.op_type]
        zp = values[k] if k < len(values) else np.zeros((), np.int64)
        zp, _ = per_axis(zp, zp, data.ndim, 1)
        data = (data.astype(np.int64) - zp.astype(np.int64)).astype(np.float32)
    if not wrap and node is not None and node.op_type in QPARAMS:
        axis = next((a.i for a in node.attribute if a.name == 'axis'), 1)
        qin, qout = QPARAMS[node.op_type]
        if qin is not None:  # integer codes in -> their float values
            sc, zp = per_axis(values[qin[0]], values[qin[1]], data.ndim, axis)
            data = ((data.astype(np.int64) - zp) * sc).astype(np.float32)
            if qout is None:
                step = float(np.min(values[qin[0]]))
        if qout is not None:  # integer codes out -> their float values
            sc, zp = per_axis(values[qout[0]], values[qout[1]], expected.ndim, axis)
            expected = ((expected.astype(np.int64) - zp) * sc).astype(np.float32)
            step = float(np.min(values[qout[0]]))
    info = {'test': name, 'data_input': data_name, 'data_dtype': data.dtype.name,
            'data_shape': list(data.shape), 'frozen': frozen, 'output': g.output[0].name,
            'output_dtype': expected.dtype.name, 'output_shape': list(expected.shape),
            'opsets': {o.domain or 'ai.onnx': o.version for o in model.opset_import}}

    if wrap:
        if data.dtype != np.float32 or expected.dtype != np.float32:
            raise SystemExit(f'{name}: --wrap-qdq needs a float32 input and output')
        s_in, zp_in = int8_qparams(data)
        s_out, zp_out = int8_qparams(expected)
        # Data-movement ops keep their input's grid: use it for the output when it covers it.
        if np.min(expected) >= np.min(data) and np.max(expected) <= np.max(data):
            s_out, zp_out = s_in, zp_in
        op_in, op_out = f'{data_name}__dq', f'{g.output[0].name}__float'
        for node in g.node:
            node.input[:] = [op_in if i == data_name else i for i in node.input]
            node.output[:] = [op_out if o == g.output[0].name else o for o in node.output]
        consts = [numpy_helper.from_array(np.array(s_in, np.float32), 'wrap_in_scale'),
                  numpy_helper.from_array(np.array(zp_in, np.int8), 'wrap_in_zero_point'),
                  numpy_helper.from_array(np.array(s_out, np.float32), 'wrap_out_scale'),
                  numpy_helper.from_array(np.array(zp_out, np.int8), 'wrap_out_zero_point')]
        g.initializer.extend(consts)
        pre = [helper.make_node('QuantizeLinear', [data_name, 'wrap_in_scale', 'wrap_in_zero_point'],
                                [f'{data_name}__q'], name='wrap_quantize_input'),
               helper.make_node('DequantizeLinear', [f'{data_name}__q', 'wrap_in_scale', 'wrap_in_zero_point'],
                                [op_in], name='wrap_dequantize_input')]
        post = [helper.make_node('QuantizeLinear', [op_out, 'wrap_out_scale', 'wrap_out_zero_point'],
                                 [f'{op_out}__q'], name='wrap_quantize_output'),
                helper.make_node('DequantizeLinear', [f'{op_out}__q', 'wrap_out_scale', 'wrap_out_zero_point'],
                                 [g.output[0].name], name='wrap_dequantize_output')]
        # Keep the model self-describing: the op's input and output keep their declared types
        # and shapes under their new names (the generator skips ONNX's shape inference for
        # opsets newer than libonnx knows and uses these).
        for old_vi, new_name, elem in ((ins[0], op_in, None), (ins[0], f'{data_name}__q', TensorProto.INT8),
                                       (g.output[0], op_out, None), (g.output[0], f'{op_out}__q', TensorProto.INT8)):
            vi = g.value_info.add()
            vi.CopyFrom(old_vi)
            vi.name = new_name
            if elem is not None:
                vi.type.tensor_type.elem_type = elem
        nodes = pre + list(g.node) + post
        del g.node[:]
        g.node.extend(nodes)
        codes = quantize(expected, s_out, zp_out)
        expected = ((codes.astype(np.int64) - zp_out) * s_out).astype(np.float32)
        step = float(s_out)
        info['wrapped'] = {'input_scale': float(s_in), 'input_zero_point': zp_in,
                           'output_scale': float(s_out), 'output_zero_point': zp_out}

    out_dir = os.path.join(out_root, name)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, 'model.onnx'))
    np.save(os.path.join(out_dir, 'input.npy'), data.astype(np.float32))
    np.save(os.path.join(out_dir, 'expected.npy'), expected)
    np.save(os.path.join(out_dir, 'codes.npy'), codes)
    info['step'] = step
    with open(os.path.join(out_dir, 'frozen.json'), 'w') as f:
        json.dump(info, f, indent=1)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--wrap-qdq', action='append', default=[], metavar='TEST')
    ap.add_argument('tests', nargs='+')
    a = ap.parse_args()
    for t in a.tests:
        freeze(t, a.out, os.path.basename(os.path.normpath(t)) in a.wrap_qdq)


if __name__ == '__main__':
    sys.exit(main())
