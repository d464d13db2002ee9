#!/usr/bin/python3
"""Small seeded PyTorch recurrent models exported with torch.onnx.export, for the ONNX importer's tests.

What it makes
    For each model below: OUT_DIR/NAME.onnx (exported with torch.onnx.export at opset 14 or 17, two at 9 and 11; dynamic batch and time axes) and
    OUT_DIR/NAME.json with a random input and PyTorch's own output for it:
        {"name", "opset", "batch_first", "ids", "expect": "ok" | "unsupported",
         "input": {"shape", "data"}, "output": {"shape", "data"}, "states": [{"name", "shape"}]}
    The traced input is batch 2 x time 5; the JSON input is batch 4 x time 7, so the tests also check that the
    exported axes really are dynamic. OUT_DIR/index.json lists the names.

    Models: nn.LSTM / nn.GRU / nn.RNN (tanh and relu), 1 or 2 layers, unidirectional and bidirectional,
    batch_first True and False, heads nn.Linear on the whole sequence, on its last step (out[:, -1, :] or out[-1])
    or on the final states (h_n[-1]; cat(h_n[-2], h_n[-1]) when bidirectional), optional activations, an
    embedding front end, a reshape-based head, and initial states as graph inputs (h0, c0; the JSON output is
    for zero states, listed under "states" with their shapes). "unsupported" marks a model the importer must refuse with a
    typed error (a bidirectional layer's last time step is not what the trainer's Bidirectional returns).

How it is called
    /usr/bin/python3 tools/parity/torch_export.py OUT_DIR
    (Debian's python3-torch and python3-onnx; `bash tools/setup.sh` installs them.)
"""

import json
import os
import sys
import warnings

try:
    import torch
    from torch import nn
except ImportError as error:  # pragma: no cover - reported to the C# test
    sys.exit(f"cannot import torch ({error}): run `bash tools/setup.sh` (installs Debian's python3-torch)")

FEATURES, VOCABULARY = 3, 11
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn_tanh": nn.RNN, "rnn_relu": nn.RNN}


class Recurrent(nn.Module):
    """Embedding? -> recurrent (cell, layers, bidirectional, batch_first) -> head -> Linear -> activation? -> Linear?"""

    def __init__(self, cell, hidden=5, layers=1, bidirectional=False, batch_first=True, head="full",
                 outputs=2, activation=None, embedding=False, mlp=False, return_state=False, state_input=False):
        super().__init__()
        kwargs = dict(hidden_size=hidden, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
        if cell.startswith("rnn"):
            kwargs["nonlinearity"] = cell[4:]
        self.embedding = nn.Embedding(VOCABULARY, 4) if embedding else None
        self.rnn = CELLS[cell](input_size=4 if embedding else FEATURES, **kwargs)
        width = hidden * (2 if bidirectional else 1)
        self.fc = nn.Linear(width, 6 if mlp else outputs)
        self.fc2 = nn.Linear(6, outputs) if mlp else None
        self.activation = activation
        self.head, self.batch_first, self.bidirectional, self.return_state = head, batch_first, bidirectional, return_state
        self.cell, self.state_shape = cell, (layers * (2 if bidirectional else 1), hidden) if state_input else None
        with torch.no_grad():  # non-zero biases everywhere, so a dropped or misplaced bias shows
            for name, p in self.named_parameters():
                if "bias" in name:
                    p.uniform_(-0.5, 0.5)

    def forward(self, x, *initial):
        if self.embedding is not None:
            x = self.embedding(x)
        out, state = self.rnn(x, (initial if len(initial) == 2 else initial[0]) if initial else None)
        h_n = state[0] if isinstance(state, tuple) else state
        if self.head == "full":
            z = out
        elif self.head == "last":
            z = out[:, -1, :] if self.batch_first else out[-1]
        elif self.head == "hn":
            z = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bidirectional else h_n[-1]
        elif self.head == "reshape":  # a Linear over the flattened steps, viewed back as a sequence
            n, t = out.shape[0], out.shape[1]
            z = out.reshape(-1, out.shape[2])
        else:
            raise ValueError(self.head)
        y = self.fc(z)
        if self.activation == "relu" or self.fc2 is not None:
            y = torch.relu(y)
        if self.fc2 is not None:
            y = self.fc2(y)
        if self.activation == "tanh":
            y = torch.tanh(y)
        elif self.activation == "sigmoid":
            y = torch.sigmoid(y)
        elif self.activation == "softmax":
            y = torch.softmax(y, dim=-1)
        if self.head == "reshape":
            y = y.view(n, t, -1)
        return (y, h_n) if self.return_state else y


MODELS = [
    # name, opset, constructor arguments, expectation
    ("lstm-full", 17, dict(cell="lstm"), "ok"),
    ("lstm-last-stacked", 14, dict(cell="lstm", layers=2, head="last", outputs=1), "ok"),
    ("lstm-last-timemajor", 17, dict(cell="lstm", batch_first=False, head="last"), "ok"),
    ("lstm-full-timemajor", 14, dict(cell="lstm", batch_first=False, layers=2), "ok"),
    ("lstm-bi-full-stacked", 17, dict(cell="lstm", layers=2, bidirectional=True), "ok"),
    ("lstm-bi-hn", 17, dict(cell="lstm", layers=2, bidirectional=True, head="hn", outputs=1), "ok"),
    ("lstm-hn-stacked", 14, dict(cell="lstm", layers=2, head="hn"), "ok"),
    ("lstm-mlp-head", 17, dict(cell="lstm", head="last", mlp=True), "ok"),
    ("lstm-with-state", 17, dict(cell="lstm", layers=2, return_state=True), "ok"),
    ("lstm-reshape-head", 17, dict(cell="lstm", head="reshape", outputs=3), "ok"),
    ("gru-full-stacked-tanh", 17, dict(cell="gru", layers=2, activation="tanh"), "ok"),
    ("gru-last", 14, dict(cell="gru", hidden=6, head="last"), "ok"),
    ("gru-bi-full-timemajor", 17, dict(cell="gru", layers=2, bidirectional=True, batch_first=False), "ok"),
    ("gru-last-softmax", 17, dict(cell="gru", head="last", outputs=3, activation="softmax"), "ok"),
    ("rnn-tanh-last-stacked", 17, dict(cell="rnn_tanh", layers=2, head="last"), "ok"),
    ("rnn-relu-full-sigmoid", 14, dict(cell="rnn_relu", activation="sigmoid"), "ok"),
    ("rnn-relu-bi-hn", 14, dict(cell="rnn_relu", bidirectional=True, head="hn"), "ok"),
    ("lstm-state-inputs", 17, dict(cell="lstm", layers=2, head="last", state_input=True), "ok"),
    ("gru-bi-state-input", 14, dict(cell="gru", bidirectional=True, state_input=True), "ok"),
    ("lstm-last-opset11", 11, dict(cell="lstm", layers=2, head="last", activation="tanh"), "ok"),
    ("gru-bi-hn-opset9", 9, dict(cell="gru", bidirectional=True, head="hn", batch_first=False), "ok"),
    ("embedding-lstm", 17, dict(cell="lstm", embedding=True, outputs=VOCABULARY), "ok"),
    ("lstm-bi-last", 17, dict(cell="lstm", bidirectional=True, head="last"), "unsupported"),
]


def dump(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def sample(spec, batch, steps, generator):
    shape = (batch, steps) if spec.get("batch_first", True) else (steps, batch)
    if spec.get("embedding"):
        return torch.randint(0, VOCABULARY, shape, generator=generator, dtype=torch.int64)
    return torch.randn(*shape, FEATURES, generator=generator)


def states(model, batch):
    """Zero initial states as extra inputs (h0, and c0 for LSTM), or none."""
    if model.state_shape is None:
        return ()
    shape = (model.state_shape[0], batch, model.state_shape[1])
    return (torch.zeros(shape), torch.zeros(shape)) if model.cell == "lstm" else (torch.zeros(shape),)


def export(name, opset, spec, expect, folder, seed):
    torch.manual_seed(seed)
    model = Recurrent(**spec).eval()
    generator = torch.Generator().manual_seed(seed + 1000)
    traced, x = sample(spec, 2, 5, generator), sample(spec, 4, 7, generator)
    batch_axis, time_axis = (0, 1) if spec.get("batch_first", True) else (1, 0)
    state_names = ["h0", "c0"][:len(states(model, 2))]
    dynamic = {"input": {batch_axis: "batch", time_axis: "time"}, "output": {batch_axis: "batch"}}
    dynamic.update({n: {1: "batch"} for n in state_names})
    if spec.get("head") in ("full", "reshape", None):
        dynamic["output"][time_axis] = "time"
    output_names = ["output"] + (["h_n"] if spec.get("return_state") else [])
    if spec.get("return_state"):
        dynamic["h_n"] = {1: "batch"}
    path = os.path.join(folder, name + ".onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (traced, *states(model, 2)), path, opset_version=opset, input_names=["input"] + state_names,
                          output_names=output_names, dynamic_axes=dynamic)
    with torch.no_grad():
        y = model(x, *states(model, x.shape[batch_axis]))
    y = y[0] if isinstance(y, tuple) else y
    info = {"name": name, "opset": opset, "batch_first": spec.get("batch_first", True), "ids": bool(spec.get("embedding")),
            "expect": expect, "input": dump(x), "output": dump(y),
            "states": [{"name": n, "shape": list(s.shape)} for n, s in zip(state_names, states(model, x.shape[batch_axis]))]}
    with open(os.path.join(folder, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(info, f)


def main(argv):
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} OUT_DIR")
    folder = argv[1]
    os.makedirs(folder, exist_ok=True)
    torch.set_num_threads(1)
    for seed, (name, opset, spec, expect) in enumerate(MODELS):
        export(name, opset, spec, expect, folder, seed + 1)
    with open(os.path.join(folder, "index.json"), "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "models": [m[0] for m in MODELS]}, f)


if __name__ == "__main__":
    main(sys.argv)
