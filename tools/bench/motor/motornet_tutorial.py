"""MotorNet 0.2's tutorial set-up and training step, shared by motornet_bench.py and motornet_hidden.py so both
measure and train exactly the same thing: arm26 (RigidTendonArm26 + Thelen rigid-tendon muscles),
RandomTargetReach 1 s (100 steps), batch 32, PolicyGRU, fingertip L1 loss, Adam 1e-3, global-norm clip 1, one thread.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(motornet_dir, seed):
    """Imports torch and MotorNet (from its checkout, with the gymnasium stand-in) on one thread, seeded."""
    sys.path.insert(0, os.path.join(HERE, "..", "..", "parity", "gymnasium_standin"))
    sys.path.insert(0, os.path.abspath(motornet_dir))
    import torch as th
    import motornet as mn
    th.set_num_threads(1)
    th.manual_seed(seed)
    return th, mn


def setup(th, mn, hidden):
    """The tutorial's environment, policy and optimizer."""
    effector = mn.effector.RigidTendonArm26(muscle=mn.muscle.RigidTendonHillMuscleThelen())
    env = mn.environment.RandomTargetReach(effector=effector, max_ep_duration=1.)
    policy = mn.policy.PolicyGRU(env.observation_space.shape[0], hidden, env.n_muscles, device=th.device("cpu"))
    optimizer = th.optim.Adam(policy.parameters(), lr=1e-3)
    return env, policy, optimizer


def train_batch(th, env, policy, optimizer, batch_size=32):
    """One episode batch through the body, the L1 fingertip loss, backpropagation through time, clip, Adam step."""
    h = policy.init_hidden(batch_size=batch_size)
    obs, info = env.reset(options={"batch_size": batch_size})
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
    return loss.item()
