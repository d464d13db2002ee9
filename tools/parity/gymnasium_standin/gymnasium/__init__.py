"""Minimal stand-in for the parts of `gymnasium` that MotorNet imports (Env, spaces.Box, utils.seeding).

Written for RnnOnnx's parity runs so that MotorNet can be imported without installing gymnasium.
"""
from . import spaces, utils  # noqa: F401


class Env:
    """Marker base class; MotorNet's Environment also derives from torch.nn.Module, so no __init__ here
    (the cooperative super().__init__ chain must reach Module.__init__)."""

    metadata = {}
    spec = None
