#!/usr/bin/env python3
"""Open-loop reference trajectories from MotorNet, for RnnOnnx.Motor's parity tests.

usage: motornet_trajectories.py MOTORNET_DIR [OUT_DIR]

MOTORNET_DIR is a checkout of github.com/OlivierCodol/MotorNet (the folder holding `motornet/`); it is imported
from there, never copied. `gymnasium` is replaced by the stand-in next to this script. For each effector
(arm26 = RigidTendonArm26 with RigidTendonHillMuscleThelen, pointmass = ReluPointMass24) and each excitation
sequence (constant, ramps, smooth random) it runs 100 Euler steps of 10 ms from a fixed start and writes
OUT_DIR/<effector>_<sequence>.csv: one row per state t = 0..100 with the joint state, fingertip, activations and
forces, plus the excitation applied from that state (empty on the last row).
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def import_motornet(path):
    sys.path.insert(0, os.path.join(HERE, "gymnasium_standin"))
    sys.path.insert(0, os.path.abspath(path))
    import torch  # noqa: F401
    import motornet
    return motornet


def sequences(n_muscles, steps, seed):
    """Excitation sequences [steps, n_muscles], all in [0, 1]."""
    t = np.arange(steps) / steps
    rng = np.random.default_rng(seed)
    out = {}
    out["constant"] = np.tile(np.linspace(0.05, 0.35, n_muscles), (steps, 1))
    up = np.outer(t, np.linspace(0.2, 0.6, n_muscles))
    out["ramps"] = np.where(np.arange(n_muscles) % 2 == 0, up, (1 - t)[:, None] * 0.4)
    # Smooth random: a few sinusoids per muscle with random phase and frequency (0.5-3 Hz).
    u = np.full((steps, n_muscles), 0.25)
    for _ in range(3):
        f = rng.uniform(0.5, 3.0, n_muscles)
        p = rng.uniform(0, 2 * np.pi, n_muscles)
        amp = rng.uniform(0.03, 0.08, n_muscles)
        u += amp * np.sin(2 * np.pi * f * t[:, None] + p)
    out["smooth"] = np.clip(u, 0.0, 1.0)
    # A burst strong enough to drive a joint into its limit (tests the clipping path).
    b = np.full((steps, n_muscles), 0.02)
    b[10:40, 0] = 0.9
    b[10:40, 1 % n_muscles] = 0.0
    out["burst"] = b
    return out


def run(mn, effector, start, u):
    import torch as th
    effector.reset(options={"batch_size": 1, "joint_state": th.tensor([start], dtype=th.float32)})
    rows = []

    def record():
        s = effector.states
        rows.append(np.concatenate([
            s["joint"][0].detach().numpy(),
            s["fingertip"][0].detach().numpy(),
            s["muscle"][0, 0, :].detach().numpy(),
            s["muscle"][0, effector.force_index, :].detach().numpy(),
        ]).astype(np.float64))

    record()
    with th.no_grad():
        for k in range(u.shape[0]):
            effector.step(th.tensor(u[k:k + 1], dtype=th.float32))
            record()
    return np.array(rows)


def write(path, traj, u, dof, m):
    head = (["t"] + [f"q{j}" for j in range(dof)] + [f"qd{j}" for j in range(dof)] + ["x", "y"]
            + [f"a{i}" for i in range(m)] + [f"f{i}" for i in range(m)] + [f"u{i}" for i in range(m)])
    with open(path, "w") as fh:
        fh.write(",".join(head) + "\n")
        for t in range(traj.shape[0]):
            vals = [str(t)] + [repr(float(v)) for v in traj[t]]
            vals += [repr(float(v)) for v in u[t]] if t < u.shape[0] else [""] * m
            fh.write(",".join(vals) + "\n")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mn = import_motornet(sys.argv[1])
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "tests", "RnnOnnx.Motor.Tests", "Data")
    os.makedirs(out, exist_ok=True)
    steps = 100
    effectors = {
        "arm26": (lambda: mn.effector.RigidTendonArm26(muscle=mn.muscle.RigidTendonHillMuscleThelen()),
                  [np.pi / 3, np.pi / 2, 0.0, 0.0]),
        "pointmass": (lambda: mn.effector.ReluPointMass24(), [0.1, -0.2, 0.0, 0.0]),
    }
    for name, (make, start) in effectors.items():
        eff = make()
        m = eff.n_muscles
        for seq, u in sequences(m, steps, seed=18).items():
            traj = run(mn, eff, start, u)
            path = os.path.join(out, f"{name}_{seq}.csv")
            write(path, traj, u, eff.dof, m)
            print(f"{path}: fingertip from {traj[0, 4:6]} to {traj[-1, 4:6]}")


if __name__ == "__main__":
    main()
