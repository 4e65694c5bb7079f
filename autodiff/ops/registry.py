"""The op registry: every public differentiable op, its function and its sample inputs.

The test suite loops over ``REGISTRY`` and gradchecks each op in float64,
first and second order, on its samples; a public op missing from the registry
fails a test. Samples are ``Sample(args, kwargs)``: positional args that are
``Arg`` are turned into float64 tensors that require grad; anything else is
passed as is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Arg:
    """A differentiable sample argument: its array (made float64) and a
    domain description, for messages."""

    value: Any
    requires_grad: bool = True


@dataclass
class Sample:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    note: str = ""
    check: dict = field(default_factory=dict)  # gradcheck options (eps, atol, ...)


@dataclass
class OpInfo:
    name: str
    fn: Callable
    samples: Callable[[], list]
    second_order: bool = True
    # ops whose outputs are not differentiable (argmax, comparisons) are listed
    # with differentiable=False and checked only for "no grad"
    differentiable: bool = True


REGISTRY: dict[str, OpInfo] = {}


def register(name: str, fn: Callable, samples: Callable[[], list], **kw) -> Callable:
    if name in REGISTRY:
        raise ValueError(f"op {name!r} registered twice")
    REGISTRY[name] = OpInfo(name, fn, samples, **kw)
    return fn


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def randn(*shape, seed: int = 0, low=None, high=None) -> Arg:
    """Random float64 sample; with low/high, uniform in that range (for domains)."""
    r = rng(seed + 17 * len(shape) + sum(shape))
    if low is not None:
        return Arg(r.uniform(low, high, size=shape))
    return Arg(r.standard_normal(shape))


def away_from_zero(*shape, seed: int = 0, margin: float = 0.2) -> Arg:
    """Values with |x| >= margin, to keep away from kinks at 0."""
    r = rng(seed + 3)
    x = r.uniform(margin, 2.0, size=shape) * r.choice([-1.0, 1.0], size=shape)
    return Arg(x)


def distinct(*shape, seed: int = 0) -> Arg:
    """Values with no ties (for max/min/sort-like ops)."""
    n = int(np.prod(shape)) if shape else 1
    r = rng(seed + 5)
    vals = r.permutation(n).astype(np.float64) * 0.37 - n * 0.1 + r.uniform(0, 0.05, n)
    return Arg(vals.reshape(shape))


BROADCAST_PAIRS = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((2, 1, 4), (3, 1)),
    ((), (2, 3)),
    ((4, 1), (1, 5)),
]
