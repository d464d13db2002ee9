"""Writes an LSTM model laid out the way torch.onnx.export lays out nn.LSTM (batch_first=False) + nn.Linear:
time-major input "x" [seq, batch, 3], initial states "h0"/"c0" [1, batch, 5] as inputs, outputs "y" [seq, batch, 2]
and final states "hn"/"cn" [1, batch, 5]; no sequence-lengths input. Built with onnx.helper so that the tests need
only Debian's python3-onnx, not PyTorch.

usage: make_foreign_lstm.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F, H, W = 3, 5, 2
rng = np.random.default_rng(7)


def weight(name, *shape):
    return numpy_helper.from_array(rng.uniform(-0.6, 0.6, shape).astype(np.float32), name)


initializers = [
    weight("W", 1, 4 * H, F),
    weight("R", 1, 4 * H, H),
    weight("B", 1, 8 * H),
    weight("Wd", H, W),
    numpy_helper.from_array(np.array([1], dtype=np.int64), "axes1"),
]
nodes = [
    helper.make_node("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["Y", "Y_h", "Y_c"], name="lstm", hidden_size=H),
    helper.make_node("Squeeze", ["Y", "axes1"], ["Ys"], name="squeeze"),
    helper.make_node("MatMul", ["Ys", "Wd"], ["y"], name="linear"),
    helper.make_node("Identity", ["Y_h"], ["hn"], name="hn"),
    helper.make_node("Identity", ["Y_c"], ["cn"], name="cn"),
]
inputs = [
    helper.make_tensor_value_info("x", TensorProto.FLOAT, ["seq", "batch", F]),
    helper.make_tensor_value_info("h0", TensorProto.FLOAT, [1, "batch", H]),
    helper.make_tensor_value_info("c0", TensorProto.FLOAT, [1, "batch", H]),
]
outputs = [
    helper.make_tensor_value_info("y", TensorProto.FLOAT, ["seq", "batch", W]),
    helper.make_tensor_value_info("hn", TensorProto.FLOAT, [1, "batch", H]),
    helper.make_tensor_value_info("cn", TensorProto.FLOAT, [1, "batch", H]),
]
graph = helper.make_graph(nodes, "torch_like_lstm", inputs, outputs, initializers)
model = helper.make_model(graph, producer_name="pytorch", producer_version="2.x", opset_imports=[helper.make_opsetid("", 14)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
