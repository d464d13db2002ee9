"""Rewrites declared dimensions of a model's graph input in place, as exporters that fix shapes write them
(ML.NET's ApplyOnnxModel, for one, needs fixed shapes).

usage: pin_dims.py MODEL.onnx INPUT AXIS=SIZE [AXIS=SIZE ...]
"""
import sys

import onnx

path, name, *pins = sys.argv[1:]
model = onnx.load(path)
value = next(v for v in model.graph.input if v.name == name)
for pin in pins:
    axis, size = (int(p) for p in pin.split("="))
    dim = value.type.tensor_type.shape.dim[axis]
    dim.Clear()
    dim.dim_value = size
onnx.save(model, path)
