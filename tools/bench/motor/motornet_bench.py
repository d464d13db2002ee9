#!/usr/bin/env python3
"""Milliseconds per training batch of MotorNet 0.2 (PyTorch): arm26 (RigidTendonArm26 + Thelen rigid-tendon
muscles), RandomTargetReach 1 s (100 steps), batch 32, GRU -> Linear -> sigmoid policy (MotorNet's PolicyGRU),
L1 fingertip loss, Adam 1e-3, global-norm clip 1 -- MotorNet's tutorial training loop, on one thread.

usage: motornet_bench.py MOTORNET_DIR [hidden ...] [--batches N] [--warmup N]
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    path = args.pop(0)
    batches, warmup, hiddens = 10, 2, []
    while args:
        a = args.pop(0)
        if a == "--batches":
            batches = int(args.pop(0))
        elif a == "--warmup":
            warmup = int(args.pop(0))
        else:
            hiddens.append(int(a))
    hiddens = hiddens or [32, 128]
    sys.path.insert(0, os.path.join(HERE, "..", "..", "parity", "gymnasium_standin"))
    sys.path.insert(0, os.path.abspath(path))
    import torch as th
    import motornet as mn
    th.set_num_threads(1)
    th.manual_seed(1)

    for hidden in hiddens:
        effector = mn.effector.RigidTendonArm26(muscle=mn.muscle.RigidTendonHillMuscleThelen())
        env = mn.environment.RandomTargetReach(effector=effector, max_ep_duration=1.)
        policy = mn.policy.PolicyGRU(env.observation_space.shape[0], hidden, env.n_muscles, device=th.device("cpu"))
        optimizer = th.optim.Adam(policy.parameters(), lr=1e-3)
        times, cpu = [], []
        for b in range(warmup + batches):
            t0 = time.perf_counter()
            c0 = time.thread_time()  # CPU time of this thread, as the RnnOnnx side measures (see its Program.cs)
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
            if b >= warmup:
                cpu.append((time.thread_time() - c0) * 1000)
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        cpu.sort()
        print(f"motornet arm26 GRU({hidden}) batch 32x100: median {times[len(times) // 2]:.2f} ms/batch "
              f"(min {times[0]:.2f}, thread-cpu median {cpu[len(cpu) // 2]:.2f} ms, {batches} batches, "
              f"torch {th.__version__}, last loss {loss.item():.4f})")


if __name__ == "__main__":
    main()
