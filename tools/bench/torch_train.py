#!/usr/bin/env python3
"""PyTorch peer of `rnnonnx bench train`: the same five training configs, float32, forward + backward + Adam,
median milliseconds per step over N steps after warm-up, on a fixed random batch.

Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 tools/bench/torch_train.py [--threads 2] [--steps 20] [--config all]
Prints one JSON array: [{"config", "ms_per_step", "seq_per_s", "gflops"}] with the same FLOP model as ours
(per recurrent layer, per step, per sample: forward 2·G·H·(I+H); training 3× forward).
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


class Regression(nn.Module):
    def __init__(self, cell, features, units, layers=1, dropout=0.0, out=1):
        super().__init__()
        self.rnn = cell(features, units, num_layers=layers, dropout=dropout, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(units, out)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(self.drop(y[:, -1, :]))


class CharLm(nn.Module):
    def __init__(self, vocabulary=96, embedding=64, units=256):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, embedding)
        self.rnn = nn.LSTM(embedding, units, batch_first=True)
        self.head = nn.Linear(units, vocabulary)

    def forward(self, x):
        y, _ = self.rnn(self.embed(x))
        return self.head(y)


# name: (model factory, batch, time, features, gates·[(input, hidden) per layer], classification)
CONFIGS = {
    "seed": (lambda: Regression(nn.LSTM, 1, 50, layers=3, dropout=0.2), 32, 10, 1, 4, [(1, 50), (50, 50), (50, 50)], False),
    "mid": (lambda: Regression(nn.LSTM, 8, 128), 32, 50, 8, 4, [(8, 128)], False),
    "big": (lambda: Regression(nn.LSTM, 64, 512), 64, 100, 64, 4, [(64, 512)], False),
    "gru-mid": (lambda: Regression(nn.GRU, 8, 128), 32, 50, 8, 3, [(8, 128)], False),
    "charlm": (lambda: CharLm(), 32, 100, 1, 4, [(64, 256)], True),
}


def run(name, steps, warmup):
    factory, batch, time_steps, features, gates, layers, classify = CONFIGS[name]
    torch.manual_seed(1)
    model = factory()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    if classify:
        x = torch.randint(0, 96, (batch, time_steps))
        y = torch.randint(0, 96, (batch, time_steps))
        loss_fn = lambda out: nn.functional.cross_entropy(out.reshape(-1, 96), y.reshape(-1))
    else:
        x = torch.rand(batch, time_steps, features) * 2 - 1
        y = torch.rand(batch, 1) * 2 - 1
        loss_fn = lambda out: nn.functional.mse_loss(out, y)
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(model(x))
        loss.backward()
        optimizer.step()
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1000)
    ms = statistics.median(times)
    flops = sum(3 * 2 * gates * h * (i + h) * time_steps * batch for i, h in layers)
    return {"config": name, "ms_per_step": ms, "seq_per_s": batch / (ms / 1000), "gflops": flops / (ms / 1000) / 1e9}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--config", default="all")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    names = list(CONFIGS) if args.config == "all" else [args.config]
    print(json.dumps([run(n, args.steps, args.warmup) for n in names]))


if __name__ == "__main__":
    main()
