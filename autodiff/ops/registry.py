"""The op declarations: every public op, declared once, where it is defined.

An op is declared by decorating its public function with ``op(...)``, next to
its Node class (forward and VJP) and its sample inputs::

    @R.op(samples=_un(), method=True, ref=np.sin)
    def sin(x):
        ...

From the declarations come the package's exports (``autodiff.sin``), the
Tensor methods (``x.sin()``), and the test suite's checks: every op is
gradchecked in float64, first and second order, on its samples; its forward
is compared with its NumPy reference; its error inputs must raise the error
declared; and every node class must be reached by some op's samples.

Samples are ``Sample(args, kwargs)``: positional args that are ``Arg`` become
float64 tensors that require grad; anything else is passed as is. ``register``
adds further routes of an op to check (``x * x`` recorded as ``square``), which
are neither exported nor methods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..tensor import Tensor


@dataclass
class Arg:
    """A differentiable sample argument: its array (made float64) and a
    domain description, for messages."""

    value: Any
    requires_grad: bool = True


@dataclass
class Sample:
    """One sample call of an op: its arguments (``Arg`` for differentiable ones)."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    note: str = ""
    check: dict = field(default_factory=dict)  # gradcheck options (eps, atol, ...)


@dataclass
class ErrorInput:
    """A call of an op that must raise ``error`` with a message matching ``match``.

    ``args`` are passed as given (use Tensors or arrays)."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    error: type = ValueError
    match: str = ""


@dataclass
class OpInfo:
    """One declared op (or one further route of an op to check)."""

    name: str
    fn: Callable  # what the checks call on a sample (the public function, or a route)
    samples: Callable[[], list]
    second_order: bool = True
    # ops whose outputs are not differentiable (argmax, comparisons) are declared
    # with differentiable=False and checked only for "no grad"
    differentiable: bool = True
    public: Callable | None = None  # the public function (exported and/or a method)
    export: bool = False  # autodiff.<name>
    method: str | None = None  # Tensor.<method>
    ref: Callable | None = None  # NumPy reference, called on the samples' arrays
    errors: Callable[[], list] | None = None  # -> [ErrorInput, ...]


REGISTRY: dict[str, OpInfo] = {}


def register(name: str, fn: Callable, samples: Callable[[], list], **kw) -> Callable:
    """Add an op, or a further route of one, to the checks (not exported)."""
    if name in REGISTRY:
        raise ValueError(f"op {name!r} registered twice")
    REGISTRY[name] = OpInfo(name, fn, samples, **kw)
    return fn


def op(
    name: str | None = None,
    *,
    samples: Callable[[], list],
    method: bool | str = False,
    export: bool = True,
    check: Callable | None = None,
    ref: Callable | None = None,
    errors: Callable[[], list] | None = None,
    second_order: bool = True,
    differentiable: bool = True,
) -> Callable:
    """Declare the decorated function as the public op ``name`` (its own name by default).

    ``method``: also a Tensor method (True: of the same name, or the method's name);
    ``export``: ``autodiff.<name>``; ``check``: the call the gradchecks make when it is
    not the function itself (e.g. one taking a list); ``ref``: a NumPy function
    giving the forward's value on the samples' arrays; ``errors``: a function
    returning ``ErrorInput`` cases.

    Examples
    --------
    >>> import numpy as np
    >>> from autodiff.ops import registry as R
    >>> @R.op("my_twice", samples=lambda: [R.Sample((R.randn(3),))], export=False)
    ... def twice(x):
    ...     return x * 2
    >>> R.REGISTRY["my_twice"].public is twice
    True
    >>> del R.REGISTRY["my_twice"]
    """

    def declare(fn: Callable) -> Callable:
        op_name = name or fn.__name__
        register(
            op_name,
            check or fn,
            samples,
            second_order=second_order,
            differentiable=differentiable,
            public=fn,
            export=export,
            method=(op_name if method is True else method) or None,
            ref=ref,
            errors=errors,
        )
        return fn

    return declare


def exported() -> dict:
    """``{name: function}`` of the ops declared ``export=True`` (``autodiff.NAME``)."""
    return {n: info.public for n, info in REGISTRY.items() if info.export}


def methods() -> dict:
    """``{method name: function}`` of the ops declared as Tensor methods."""
    return {info.method: info.public for info in REGISTRY.values() if info.method}


def tensor(value, dtype=np.float32) -> Tensor:
    """A Tensor of ``value`` (for error inputs, which are passed as given)."""
    return Tensor(np.asarray(value, dtype=dtype))


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


def broadcast_pairs(low=None, high=None, b_low=None, b_high=None) -> Callable[[], list]:
    """Samples of a binary op on each of ``BROADCAST_PAIRS``' shapes: ``a`` in
    [low, high), ``b`` in [b_low, b_high) (normal where a bound is None)."""

    def make():
        out = []
        for k, (sa, sb) in enumerate(BROADCAST_PAIRS):
            a = randn(*sa, seed=k, low=low, high=high)
            b = randn(*sb, seed=k + 100, low=b_low, high=b_high)
            out.append(Sample((a, b)))
        return out

    return make


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
