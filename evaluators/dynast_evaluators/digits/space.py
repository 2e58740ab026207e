"""The digits supernet's search space (torch-free): a kernel size and an expansion ratio per
block, a depth and a width multiplier per stage of three blocks, in DyNAS-T's dict format."""

from __future__ import annotations

from ..ofa.spaces import OFAMobileSpace

__all__ = ["BLOCKS_PER_STAGE", "DEPTHS", "DIGITS_SPEC", "EXPANDS", "KERNELS", "WIDTHS", "DigitsSpace"]

KERNELS = (3, 5)
EXPANDS = (2, 3, 4)
DEPTHS = (1, 2, 3)
#: multipliers of each stage's channel count
WIDTHS = (0.5, 0.75, 1.0)
BLOCKS_PER_STAGE = 3
N_STAGES = 3

DIGITS_SPEC = {
    "ks": {"count": N_STAGES * BLOCKS_PER_STAGE, "vars": list(KERNELS)},
    "e": {"count": N_STAGES * BLOCKS_PER_STAGE, "vars": list(EXPANDS)},
    "d": {"count": N_STAGES, "vars": list(DEPTHS)},
    "w": {"count": N_STAGES, "vars": list(WIDTHS)},
}


class DigitsSpace(OFAMobileSpace):
    """Three stages of up to three blocks; the kernel sizes and expansions of blocks beyond a
    stage's depth are inactive (the widths are always active)."""

    def __init__(self, spec=None, fixed=None):
        super().__init__(DIGITS_SPEC if spec is None else spec, fixed, stage_size=BLOCKS_PER_STAGE)
