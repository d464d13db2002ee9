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
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    path, out = args.pop(0), args.pop(0)
    hidden, batches, seed = 64, 1000, 1
    while args:
        a = args.pop(0)
        if a == "--hidden":
            hidden = int(args.pop(0))
        elif a == "--batches":
            batches = int(args.pop(0))
        elif a == "--seed":
            seed = int(args.pop(0))
        else:
            sys.exit(f"unknown argument {a}\n{__doc__}")
    sys.path.insert(0, os.path.join(HERE, "..", "..", "parity", "gymnasium_standin"))
    sys.path.insert(0, os.path.abspath(path))
    import numpy as np
    import torch as th
    import motornet as mn
    th.set_num_threads(1)
    th.manual_seed(seed)
    np.random.seed(seed)

    effector = mn.effector.RigidTendonArm26(muscle=mn.muscle.RigidTendonHillMuscleThelen())
    env = mn.environment.RandomTargetReach(effector=effector, max_ep_duration=1.)
    policy = mn.policy.PolicyGRU(env.observation_space.shape[0], hidden, env.n_muscles, device=th.device("cpu"))
    optimizer = th.optim.Adam(policy.parameters(), lr=1e-3)
    t0 = time.time()
    for b in range(batches):
        h = policy.init_hidden(batch_size=32)
        obs, info = env.reset(options={"batch_size": 32})
        terminated = False
        xy = [info["states"]["fingertip"][:, None, :]]
        tg = [info["goal"][:, None, :]]
        while not terminated:
            action, h = policy(obs, h)
            obs, reward, terminated, truncated, info = env.step(action=action)
            xy.append(info["states"]["fingertip"][:, None, :])
            tg.append(info["goal"][:, None, :])
        xy = th.cat(xy, axis=1)
        tg = th.cat(tg, axis=1)
        loss = th.mean(th.sum(th.abs(xy - tg), dim=-1))
        optimizer.zero_grad()
        loss.backward()
        th.nn.utils.clip_grad_norm_(policy.parameters(), max_norm=1.)
        optimizer.step()
        if (b + 1) % 100 == 0:
            print(f"batch {b + 1}/{batches} loss {loss.item():.5f} {time.time() - t0:.0f} s", file=sys.stderr, flush=True)

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
