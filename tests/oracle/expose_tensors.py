#!/usr/bin/python3
"""Make every intermediate tensor of an ONNX model a graph output, so onnxruntime returns it.

    /usr/bin/python3 tests/oracle/expose_tensors.py IN.onnx OUT.onnx [--dtypes int8,uint8]

Each node output (of the main graph, not of subgraphs) that is not already a graph output is
appended to graph.output, typed from ONNX shape inference (outputs whose type inference cannot
determine are skipped and listed on stderr). `--dtypes` keeps only tensors of the given element
types: exposing the float result of a Conv stops onnxruntime from fusing DequantizeLinear ->
Conv -> QuantizeLinear into QLinearConv, which can move its int8 output by one step, whereas
exposing only the int8/uint8 tensors leaves those fusions alone.
Uses Debian's python3-onnx only.
"""
import argparse
import sys

import onnx
from onnx import TensorProto, shape_inference


def expose(model, dtypes=None):
    inferred = shape_inference.infer_shapes(model)
    known = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        known[vi.name] = vi
    existing = {o.name for o in model.graph.output}
    skipped = []
    for node in model.graph.node:
        for name in node.output:
            if not name or name in existing:
                continue
            vi = known.get(name)
            if vi is None or vi.type.tensor_type.elem_type == TensorProto.UNDEFINED:
                skipped.append(name)
                continue
            if dtypes is not None and vi.type.tensor_type.elem_type not in dtypes:
                continue
            out = model.graph.output.add()
            out.CopyFrom(vi)
            existing.add(name)
    return model, skipped


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--dtypes", help="comma-separated element types to keep, e.g. int8,uint8")
    args = ap.parse_args()
    dtypes = None
    if args.dtypes:
        dtypes = {TensorProto.DataType.Value(d.strip().upper()) for d in args.dtypes.split(",")}
    model = onnx.load(args.input)
    model, skipped = expose(model, dtypes)
    for name in skipped:
        print(f"expose_tensors: no type known for '{name}', not exposed", file=sys.stderr)
    onnx.save(model, args.output)


if __name__ == "__main__":
    main()
