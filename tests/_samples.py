"""Turning the op declarations' samples into calls (shared by the registry-driven tests)."""

import numpy as np
import pytest

import autodiff
from autodiff.ops.registry import REGISTRY, Arg


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


def op_cases(keep, errors: bool = False) -> list:
    """``pytest.param(name, k)`` for each sample (or error input) of the declared ops
    that ``keep(info)`` selects, with the sample's note in its id."""
    cases = []
    for name, info in sorted(REGISTRY.items()):
        if not keep(info):
            continue
        for k, item in enumerate(info.errors() if errors else info.samples()):
            note = getattr(item, "note", "")
            cases.append(pytest.param(name, k, id=f"{name}-{k}" + (f"-{note}" if note else "")))
    return cases
