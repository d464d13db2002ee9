#!/usr/bin/env python3
"""Trains a small MotorNet 0.2 controller and dumps its hidden states on centre-out reaches, so that RnnOnnx's own
PCA/jPCA code (`rnnonnx motor jpca --hidden FILE`) analyses a MotorNet-trained network exactly as it analyses ours.

Task and training as MotorNet's tutorial (and motornet_bench.py): arm26 (RigidTendonArm26 + Thelen rigid-tendon
muscles), RandomTargetReach 1 s (100 steps), batch 32, PolicyGRU, fingertip L1 loss, Adam 1e-3, global-norm clip 1,
one thread. Evaluation: 8 centre-out targets at 10 cm from the start posture (pi/3, pi/2) at rest, no noise
(deterministic=True), 100 steps; the goal columns of the observation are replaced by the centre-out target.

Output CSV: header `condition,step,h0,...,h{H-1}`, one row per condition and step (the hidden state after the step),
then a line per condition on stderr with its endpoint error.

usage: /usr/bin/python3 motornet_hidden.py MOTORNET_DIR OUT.csv [--hidden H] [--batches N] [--seed S]
"""
import argparse
import math
import sys
import time

import motornet_tutorial


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("motornet_dir", help="MotorNet checkout (the folder holding the motornet package)")
    parser.add_argument("out", help="hidden-state CSV to write")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batches", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    hidden, batches, out = args.hidden, args.batches, args.out
    th, mn = motornet_tutorial.load(args.motornet_dir, seed=args.seed)
    import numpy as np
    np.random.seed(args.seed)

    env, policy, optimizer = motornet_tutorial.setup(th, mn, hidden)
    t0 = time.time()
    for b in range(batches):
        loss = motornet_tutorial.train_batch(th, env, policy, optimizer)
        if (b + 1) % 100 == 0:
            print(f"batch {b + 1}/{batches} loss {loss:.5f} {time.time() - t0:.0f} s", file=sys.stderr, flush=True)

    # Centre-out reaches from rest at (pi/3, pi/2), no noise.
    conditions = 8
    with th.no_grad():
        q0 = th.tensor([[math.pi / 3, math.pi / 2, 0., 0.]] * conditions, dtype=th.float32)
        obs, info = env.reset(options={"batch_size": conditions, "joint_state": q0, "deterministic": True})
        start = info["states"]["fingertip"][0]
        goal = th.stack([th.stack([start[0] + 0.1 * math.cos(2 * math.pi * k / conditions),
                                   start[1] + 0.1 * math.sin(2 * math.pi * k / conditions)]) for k in range(conditions)])
        env.goal = goal.clone()
        obs = obs.clone()
        obs[:, :2] = goal
        h = policy.init_hidden(batch_size=conditions)
        states = []
        for t in range(100):
            action, h = policy(obs, h)
            states.append(h.reshape(conditions, hidden).clone())
            obs, reward, terminated, truncated, info = env.step(action=action, deterministic=True)
        tip = info["states"]["fingertip"]
        errors = th.sqrt(th.sum((tip - goal) ** 2, dim=-1)) * 100
    with open(out, "w") as f:
        f.write("condition,step," + ",".join(f"h{j}" for j in range(hidden)) + "\n")
        for c in range(conditions):
            for t in range(100):
                f.write(f"{c},{t + 1}," + ",".join(repr(float(v)) for v in states[t][c]) + "\n")
    for c in range(conditions):
        print(f"condition {c}: endpoint error {errors[c].item():.3f} cm", file=sys.stderr)
    print(f"motornet GRU({hidden}) {batches} batches in {time.time() - t0:.0f} s; centre-out mean endpoint error "
          f"{errors.mean().item():.3f} cm; wrote {out}")


if __name__ == "__main__":
    main()
