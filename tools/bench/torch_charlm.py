#!/usr/bin/env python3
"""Same-budget peer for the shipped character model: Debian's PyTorch trains the same architecture on the same
split of the same text for a given number of wall-clock seconds, then reports validation bits per character.

Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 tools/bench/torch_charlm.py --recipe models/textgen/recipe.json --seconds 150
Mirrors RnnOnnx's data preparation: CR LF (and lone CR) read as LF, vocabulary = distinct characters in code-point
order, the last `validation` fraction of the characters held out, non-overlapping windows of `window` characters
with next-character targets. Prints one JSON object.
"""
import argparse
import json
import math
import os
import time

import torch
from torch import nn


class CharLm(nn.Module):
    def __init__(self, vocabulary, embedding, units, layers):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, embedding)
        self.rnn = nn.LSTM(embedding, units, num_layers=layers, batch_first=True)
        self.head = nn.Linear(units, vocabulary)

    def forward(self, x):
        y, _ = self.rnn(self.embed(x))
        return self.head(y)


def windows(ids, window):
    samples = (len(ids) - 1) // window
    x = torch.tensor([ids[s * window:(s + 1) * window] for s in range(samples)])
    y = torch.tensor([ids[s * window + 1:(s + 1) * window + 1] for s in range(samples)])
    return x, y


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.recipe, encoding="utf-8") as f:
        recipe = json.load(f)
    path = os.path.join(os.path.dirname(args.recipe), recipe["data"])
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read().replace("\r\n", "\n").replace("\r", "\n")
    vocabulary = sorted(set(text))
    index = {c: i for i, c in enumerate(vocabulary)}
    ids = [index[c] for c in text]
    held_out = int(len(ids) * recipe.get("validation", 0.1))
    window = recipe["window"]
    train_x, train_y = windows(ids[:len(ids) - held_out], window)
    val_x, val_y = windows(ids[len(ids) - held_out:], window)

    torch.manual_seed(recipe.get("seed", 0))
    arch = recipe["architecture"]
    model = CharLm(len(vocabulary), arch["embedding"], arch["units"], arch.get("layers", 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe["lr"])
    clip = recipe.get("clip", 0)
    batch = recipe["batch"]
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    steps = epochs = 0
    while time.perf_counter() - start < args.seconds:
        order = torch.randperm(len(train_x))
        for b in range(0, len(order), batch):
            if time.perf_counter() - start >= args.seconds:
                break
            idx = order[b:b + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(train_x[idx]).reshape(-1, len(vocabulary)), train_y[idx].reshape(-1))
            loss.backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            steps += 1
        else:
            epochs += 1
    trained = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        total = 0.0
        for b in range(0, len(val_x), 256):
            out = model(val_x[b:b + 256])
            total += nn.functional.cross_entropy(out.reshape(-1, len(vocabulary)), val_y[b:b + 256].reshape(-1), reduction="sum").item()
        bpc = total / val_y.numel() / math.log(2)
    print(json.dumps({"seconds": trained, "steps": steps, "epochs_completed": epochs, "validation_bpc": bpc,
                      "characters_seen": steps * batch * window}))


if __name__ == "__main__":
    main()
