"""Rounding (``floor ceil trunc round frac``), with PyTorch 2.13's semantics: integer
tensors are kept as they are, and the gradient is zero (``frac``'s is one).
"""

from __future__ import annotations

import numpy as np

from .._typing import TensorLike
from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg
from .math import _not_implemented


def _away_from_integers(*shape, seed=0):
    """Values at least 0.15 from any integer (rounding ops' kinks)."""
    r = R.rng(seed + 7)
    whole = r.integers(-3, 3, size=shape).astype(np.float64)
    return R.Arg(whole + r.uniform(0.15, 0.85, size=shape))


# ------------------------------------------------------------------ rounding


class _ZeroGradient:
    """Mixin of the rounding nodes (step functions): a zero gradient, as PyTorch's
    zeros_like(grad)."""

    saves = ()

    def vjp(self, g, xs, out, xp):
        return (xp.zeros_like(g),)


class FloorBackward(_ZeroGradient, Node):
    name = "floor"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        return np.floor(x)


class CeilBackward(_ZeroGradient, Node):
    name = "ceil"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        return np.ceil(x)


class TruncBackward(_ZeroGradient, Node):
    name = "trunc"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        return np.trunc(x)


def _round_np(x, decimals):
    """PyTorch's round: half to even; with decimals, nearbyint of the scaled value."""
    if not decimals:
        return np.rint(x)
    with np.errstate(over="ignore", invalid="ignore"):
        if decimals > 0:
            ten = 10.0**decimals
            return np.rint(x * ten) / ten
        ten = 10.0 ** (-decimals)
        return np.rint(x / ten) * ten


class RoundBackward(_ZeroGradient, Node):
    name = "round"
    saves = ()

    @staticmethod
    def forward(x, decimals):
        return _round_np(x, decimals)


def _rounding(cls, x, name, attrs=None):
    x = as_tensor_arg(x, name)
    kind = x._data.dtype.kind
    if kind == "f":
        return apply1(cls, x, attrs)
    if kind == "b":
        raise _not_implemented(f"{name}_vml_cpu", x._data.dtype)
    if attrs:  # round(int tensor, decimals=k)
        raise _not_implemented("round_cpu", x._data.dtype)
    return _make(x._data.copy(), None)  # an integer tensor is its own rounding


def _rounding_errors(name):
    return lambda: [
        R.ErrorInput(
            (R.tensor([True, False], bool),),
            error=NotImplementedError,
            match=f"{name}_vml_cpu\" not implemented for 'Bool'",
        )
    ]


def _rounding_samples():
    return [
        R.Sample((_away_from_integers(3, 4),)),
        R.Sample((_away_from_integers(),), note="0-d"),
    ]


@R.op(samples=_rounding_samples, method=True, ref=np.floor, errors=_rounding_errors("floor"))
def floor(input: TensorLike) -> Tensor:
    """Elementwise floor; integer tensors are returned as they are (a copy). Its
    gradient is zero, as PyTorch's.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.floor(autodiff.tensor([-1.5, 1.5]))
    Tensor([-2.,  1.])
    """
    return _rounding(FloorBackward, input, "floor")


@R.op(samples=_rounding_samples, method=True, ref=np.ceil, errors=_rounding_errors("ceil"))
def ceil(input: TensorLike) -> Tensor:
    """Elementwise ceiling; integer tensors are returned as they are (a copy); zero gradient.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ceil(autodiff.tensor([-1.5, 1.5]))
    Tensor([-1.,  2.])
    """
    return _rounding(CeilBackward, input, "ceil")


@R.op(samples=_rounding_samples, method=True, ref=np.trunc, errors=_rounding_errors("trunc"))
def trunc(input: TensorLike) -> Tensor:
    """Elementwise rounding towards zero; integer tensors as they are; zero gradient.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.trunc(autodiff.tensor([-1.5, 1.5]))
    Tensor([-1.,  1.])
    """
    return _rounding(TruncBackward, input, "trunc")


@R.op(
    samples=lambda: [
        *_rounding_samples(),
        R.Sample((R.Arg(np.array([0.1234, -2.3456, 7.0771])),), {"decimals": 2}),
        R.Sample((R.Arg(np.array([12.0, -371.0, 7749.0])),), {"decimals": -2}),
    ],
    method=True,
    ref=lambda input, decimals=0: _round_np(input, decimals),
    errors=lambda: [
        *_rounding_errors("round")(),
        R.ErrorInput(
            (R.tensor([1, 2], np.int64),),
            {"decimals": 1},
            error=NotImplementedError,
            match="round_cpu\" not implemented for 'Long'",
        ),
    ],
)
def round(input: TensorLike, *, decimals: int = 0) -> Tensor:  # noqa: A001 - PyTorch's name
    """Elementwise rounding to the nearest integer, halves to even (as PyTorch);
    with ``decimals``, to that many decimal places. Zero gradient.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.round(autodiff.tensor([0.5, 1.5, 2.5, -0.5]))
    Tensor([ 0.,  2.,  2., -0.])
    """
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {type(decimals).__name__}")
    return _rounding(RoundBackward, input, "round", int(decimals))


class FracBackward(Node):
    name = "frac"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        return x - np.trunc(x)

    def vjp(self, g, xs, out, xp):
        return (g,)


@R.op(
    samples=_rounding_samples,
    method=True,
    ref=lambda input: input - np.trunc(input),
    errors=lambda: [
        R.ErrorInput(
            (R.tensor([1, 2], np.int64),),
            error=NotImplementedError,
            match="frac_cpu\" not implemented for 'Long'",
        )
    ],
)
def frac(input: TensorLike) -> Tensor:
    """Elementwise fractional part, ``x - trunc(x)`` (floating tensors only, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.frac(autodiff.tensor([-1.25, 2.5]))
    Tensor([-0.25,  0.5 ])
    """
    input = as_tensor_arg(input, "frac")
    if input._data.dtype.kind != "f":
        raise _not_implemented("frac_cpu", input._data.dtype)
    return apply1(FracBackward, input)
