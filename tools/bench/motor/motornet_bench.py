#!/usr/bin/env python3
"""Milliseconds per training batch of MotorNet 0.2 (PyTorch): arm26 (RigidTendonArm26 + Thelen rigid-tendon
muscles), RandomTargetReach 1 s (100 steps), batch 32, GRU -> Linear -> sigmoid policy (MotorNet's PolicyGRU),
L1 fingertip loss, Adam 1e-3, global-norm clip 1 -- MotorNet's tutorial training loop, on one thread.

usage: motornet_bench.py MOTORNET_DIR [hidden ...] [--batches N] [--warmup N]
"""
import argparse
import time

import motornet_tutorial


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("motornet_dir", help="MotorNet checkout (the folder holding the motornet package)")
    parser.add_argument("hidden", type=int, nargs="*", default=[32, 128], help="GRU widths (default: 32 128)")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    th, mn = motornet_tutorial.load(args.motornet_dir, seed=1)
    batches, warmup = args.batches, args.warmup

    for hidden in args.hidden:
        env, policy, optimizer = motornet_tutorial.setup(th, mn, hidden)
        times, cpu = [], []
        for b in range(warmup + batches):
            t0 = time.perf_counter()
            c0 = time.thread_time()  # CPU time of this thread, as the RnnOnnx side measures (see its Program.cs)
            loss = motornet_tutorial.train_batch(th, env, policy, optimizer)
            if b >= warmup:
                cpu.append((time.thread_time() - c0) * 1000)
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        cpu.sort()
        print(f"motornet arm26 GRU({hidden}) batch 32x100: median {times[len(times) // 2]:.2f} ms/batch "
              f"(min {times[0]:.2f}, thread-cpu median {cpu[len(cpu) // 2]:.2f} ms, {batches} batches, "
              f"torch {th.__version__}, last loss {loss:.4f})")


if __name__ == "__main__":
    main()
