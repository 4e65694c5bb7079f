"""Turning the op declarations' samples into calls (shared by the registry-driven tests)."""

import numpy as np

import autodiff
from autodiff.ops.registry import Arg


def materialise(sample) -> list:
    """The sample's arguments, each ``Arg`` made a float64 Tensor (requiring grad)."""
    return [
        autodiff.Tensor(np.array(a.value, dtype=np.float64), requires_grad=a.requires_grad)
        if isinstance(a, Arg)
        else a
        for a in sample.args
    ]


def recorded_outputs(out) -> list:
    """The Tensors with a history among an op's result (a Tensor or a tuple of them)."""
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [t for t in outs if isinstance(t, autodiff.Tensor) and t.grad_fn is not None]
