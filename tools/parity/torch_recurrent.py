#!/usr/bin/python3
"""Reference forward/backward passes of RnnOnnx recurrent models, computed by PyTorch.

What it checks
    tests/RnnOnnx.Core.Tests/Parity/TorchParityTests.cs builds small models with our trainer (LSTM, GRU,
    SimpleRnn tanh/relu; single, stacked, bidirectional), writes their weights, inputs and targets to a JSON
    file and runs this script. The script rebuilds every model with torch.nn.LSTM / GRU / RNN in float64,
    computes the outputs and the loss mean((out - y)**2) over the real (unpadded) elements, backpropagates,
    and writes the outputs and every parameter gradient back in OUR layout. The C# test then requires
    max|ours - torch| / max|torch| <= 1e-5 per tensor.

How it is called
    /usr/bin/python3 tools/parity/torch_recurrent.py IN.json OUT.json
    (Debian's python3-torch and python3-numpy; `bash tools/setup.sh` installs them.)

Layout mapping (ours -> torch)
    kernel W [in, G*H]           -> weight_ih_l{k}[_reverse] = W^T
    recurrent_kernel R [H, G*H]  -> weight_hh_l{k}[_reverse] = R^T
    bias b [G*H]                 -> bias_ih (LSTM/RNN: bias_hh = 0, since our single b = b_ih + b_hh)
    recurrent_bias rb [3H] (GRU) -> bias_hh
    Gate blocks: LSTM i,f,g,o and RNN are torch's order; our GRU is z,r,n while torch's is r,z,n (swapped back
    for the gradients: the permutation is its own inverse).

IN.json:  {"cases": [{"name", "x": {"shape", "data"}, "y": {...}, "lengths": [..] | null,
            "returnSequences": bool, "modules": [{"cell": "lstm"|"gru"|"rnn_tanh"|"rnn_relu", "units",
            "bidirectional", "layers": [{"directions": [{"kernel": {"shape", "data"}, ...}]}]}]}]}
          One module = one torch.nn.LSTM/GRU/RNN with num_layers = len(layers); "returnSequences" applies to
          the last layer of the last module (false: the final hidden state, [fwd | bwd] when bidirectional).
OUT.json: {"torch": version, "cases": [{"name", "loss", "output": {"shape", "data"},
            "modules": [{"layers": [{"directions": [{"kernel": {"shape", "data"}, ...}]}]}]}]}
          where the tensors under "modules" are the gradients dLoss/dParameter in our layout.
"""

import json
import sys

try:
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
except ImportError as error:  # pragma: no cover - reported to the C# test
    sys.exit(f"cannot import torch ({error}): run `bash tools/setup.sh` (installs Debian's python3-torch)")

DTYPE = torch.float64
GRU_ORDER = [1, 0, 2]  # ours z,r,n <-> torch r,z,n


def tensor(obj):
    return torch.tensor(obj["data"], dtype=DTYPE).reshape(obj["shape"])


def dump(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def reorder(t, cell, axis):
    """Swaps gate blocks along `axis` for GRU (ours <-> torch); identity for the other cells."""
    if cell != "gru":
        return t
    blocks = torch.chunk(t, 3, dim=axis)
    return torch.cat([blocks[i] for i in GRU_ORDER], dim=axis)


def make_module(spec, input_size):
    cell, hidden, layers = spec["cell"], spec["units"], len(spec["layers"])
    kwargs = dict(input_size=input_size, hidden_size=hidden, num_layers=layers, batch_first=True,
                  bidirectional=spec["bidirectional"], dtype=DTYPE)
    if cell == "lstm":
        module = torch.nn.LSTM(**kwargs)
    elif cell == "gru":
        module = torch.nn.GRU(**kwargs)
    elif cell in ("rnn_tanh", "rnn_relu"):
        module = torch.nn.RNN(nonlinearity=cell[4:], **kwargs)
    else:
        raise ValueError(f"unknown cell {cell!r}")
    with torch.no_grad():
        for k, layer in enumerate(spec["layers"]):
            for d, weights in enumerate(layer["directions"]):
                suffix = f"_l{k}" + ("_reverse" if d == 1 else "")
                getattr(module, "weight_ih" + suffix).copy_(reorder(tensor(weights["kernel"]), cell, 1).T)
                getattr(module, "weight_hh" + suffix).copy_(reorder(tensor(weights["recurrent_kernel"]), cell, 1).T)
                getattr(module, "bias_ih" + suffix).copy_(reorder(tensor(weights["bias"]), cell, 0))
                rb = tensor(weights["recurrent_bias"]) if cell == "gru" else torch.zeros(module.bias_hh_l0.shape)
                getattr(module, "bias_hh" + suffix).copy_(reorder(rb, cell, 0))
    return module


def gradients(module, spec):
    cell, out = spec["cell"], {"layers": []}
    for k, layer in enumerate(spec["layers"]):
        directions = []
        for d in range(len(layer["directions"])):
            suffix = f"_l{k}" + ("_reverse" if d == 1 else "")
            grad = lambda name: getattr(module, name + suffix).grad  # noqa: E731
            g = {"kernel": dump(reorder(grad("weight_ih").T, cell, 1)),
                 "recurrent_kernel": dump(reorder(grad("weight_hh").T, cell, 1)),
                 "bias": dump(reorder(grad("bias_ih"), cell, 0))}
            if cell == "gru":
                g["recurrent_bias"] = dump(reorder(grad("bias_hh"), cell, 0))
            directions.append(g)
        out["layers"].append({"directions": directions})
    return out


def run_case(case):
    x, y = tensor(case["x"]), tensor(case["y"])
    n, steps = x.shape[0], x.shape[1]
    lengths = torch.tensor(case["lengths"] if case["lengths"] is not None else [steps] * n, dtype=torch.int64)
    modules, signal, final = [], x, None
    for spec in case["modules"]:
        module = make_module(spec, signal.shape[-1])
        modules.append(module)
        packed = pack_padded_sequence(signal, lengths, batch_first=True, enforce_sorted=False)
        out, state = module(packed)
        signal, _ = pad_packed_sequence(out, batch_first=True, total_length=steps)  # padding steps output 0
        h_n = state[0] if isinstance(state, tuple) else state                     # [layers*dirs, N, H]
        final = torch.cat([h_n[-2], h_n[-1]], dim=1) if spec["bidirectional"] else h_n[-1]
    if case["returnSequences"]:
        output = signal
        mask = (torch.arange(steps)[None, :] < lengths[:, None]).to(DTYPE)[:, :, None]  # real steps only
        loss = (((output - y) ** 2) * mask).sum() / (mask.sum() * output.shape[-1])
    else:
        output = final
        loss = ((output - y) ** 2).mean()
    loss.backward()
    return {"name": case["name"], "loss": loss.item(), "output": dump(output),
            "modules": [gradients(m, s) for m, s in zip(modules, case["modules"])]}


def main(argv):
    if len(argv) != 3:
        sys.exit(f"usage: {argv[0]} IN.json OUT.json")
    with open(argv[1], encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    torch.set_num_threads(1)
    result = {"torch": torch.__version__, "cases": [run_case(c) for c in cases]}
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv)
