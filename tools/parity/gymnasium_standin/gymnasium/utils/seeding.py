"""np_random(seed) -> (numpy Generator, seed actually used)."""
import numpy as np


def np_random(seed=None):
    seed_seq = np.random.SeedSequence(seed)
    used = seed_seq.entropy
    return np.random.Generator(np.random.PCG64(seed_seq)), used
