"""Modified Bessel functions of the first kind: ``i0`` (``autodiff.i0``, ``Tensor.i0``)
and, in ``autodiff.special``, ``i0e``, ``i1``, ``i1e`` (the ``e`` ones scaled by
``exp(-|x|)``), as PyTorch's.

Computed in float64: the power series (every term positive, so no cancellation) up to
|x| = 20, Hankel's asymptotic series beyond, where its smallest term is below 1e-17.
The derivatives are the functions themselves (I0' = I1, I1' = I0 - I1 / x), so the
VJPs call the ops and second order follows.
"""

from __future__ import annotations

import numpy as np

from ..engine import Node, apply1
from ..tensor import Tensor
from . import registry as R
from ._helpers import _floatish, _s, _t
from .xp import TS

_SERIES_UP_TO = 20.0
_SERIES_TERMS = 80
_ASYMPTOTIC_TERMS = 30


def _scaled(x: np.ndarray, order: int) -> np.ndarray:
    """exp(-|x|) I_order(|x|) for order 0 or 1, float64 (the sign is the caller's)."""
    y = np.abs(x.astype(np.float64))
    out = np.empty_like(y)
    small = y <= _SERIES_UP_TO  # (NaN is not small: it takes the other branch, stays NaN)
    ys = y[small]
    quarter = ys * ys * 0.25
    term = np.ones_like(ys) if order == 0 else ys * 0.5
    total = term.copy()
    for k in range(1, _SERIES_TERMS):
        term = term * quarter / (k * (k + order))
        total += term
    out[small] = total * np.exp(-ys)
    yl = y[~small]
    with np.errstate(divide="ignore", invalid="ignore"):  # (y = inf: 1 / inf terms)
        mu = 4.0 * order * order
        term = np.ones_like(yl)
        total = term.copy()
        for k in range(1, _ASYMPTOTIC_TERMS):
            term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * yl)
            total += term
        out[~small] = total / np.sqrt(2.0 * np.pi * yl)
    return out


def _i0e_np(x: np.ndarray) -> np.ndarray:
    return _scaled(x, 0).astype(x.dtype, copy=False)


def _i1e_np(x: np.ndarray) -> np.ndarray:
    return (np.sign(x) * _scaled(x, 1)).astype(x.dtype, copy=False)


def _unscaled(x: np.ndarray, order: int) -> np.ndarray:
    """I_order(x) = exp(|x|) * the scaled one: inf at +-inf (-inf for I1 at -inf)."""
    xd = x.astype(np.float64)
    scaled = _scaled(x, order) if order == 0 else np.sign(xd) * _scaled(x, order)
    with np.errstate(over="ignore", invalid="ignore"):  # (exp(inf) * 0 at inf)
        out = scaled * np.exp(np.abs(xd))
    out = np.where(np.isinf(xd), np.inf if order == 0 else np.copysign(np.inf, xd), out)
    with np.errstate(over="ignore"):  # (float32: inf beyond its range, as PyTorch's)
        return out.astype(x.dtype, copy=False)


def _i0_np(x: np.ndarray) -> np.ndarray:
    return _unscaled(x, 0)


def _i1_np(x: np.ndarray) -> np.ndarray:
    return _unscaled(x, 1)


def _over_x(num, x, at_zero: float, xp):
    """num / x, and ``at_zero`` (the limit) where x is 0."""
    zero = xp.data(x) == 0
    return xp.where(zero, at_zero, num / xp.where(zero, 1.0, x))


def _bessel(xp) -> tuple:
    """(i0, i0e, i1, i1e) on ndarrays (first order) or recorded Tensors (the ops)."""
    return (i0, i0e, i1, i1e) if xp is TS else (_i0_np, _i0e_np, _i1_np, _i1e_np)


class I0Backward(Node):
    name = "i0"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return _i0_np(x)

    def vjp(self, g, xs, out, xp):
        _, _, f1, _ = _bessel(xp)
        return (g * f1(xs[0]),)  # I0' = I1


class I0eBackward(Node):
    name = "i0e"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return _i0e_np(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        _, f0e, _, f1e = _bessel(xp)
        return (g * (f1e(x) - xp.sign(x) * f0e(x)),)


class I1Backward(Node):
    name = "i1"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return _i1_np(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        f0, _, f1, _ = _bessel(xp)
        return (g * (f0(x) - _over_x(f1(x), x, 0.5, xp)),)  # I1' = I0 - I1 / x


class I1eBackward(Node):
    name = "i1e"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return _i1e_np(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        _, f0e, _, f1e = _bessel(xp)
        scaled = f1e(x)
        return (g * (f0e(x) - xp.sign(x) * scaled - _over_x(scaled, x, 0.5, xp)),)


def _samples():
    # (moderate values: the gradchecks' finite differences lose digits on ~1e8 outputs)
    values = np.array([[-6.0, -3.0, -0.5, 0.0], [0.25, 2.0, 4.5, 6.0]])
    return [_s(R.randn(3, 4)), R.Sample((R.Arg(values),), note="0 and larger values")]


def _scaled_samples():
    # both sides of the series/asymptotic switch at 20; not 0, where exp(-|x|) has a kink
    values = np.array([[-25.0, -19.5, -2.0, -0.5], [0.25, 3.0, 19.5, 20.5]])
    return [_s(R.randn(3, 4)), R.Sample((R.Arg(values),), note="both series")]


def _op(cls, name: str, input) -> Tensor:
    return apply1(cls, _floatish(_t(input, name, "input")))


@R.op(samples=_samples, method=True, ref=np.i0)
def i0(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """The modified Bessel function of the first kind, order 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.i0(autodiff.tensor([0.0, 1.0, 2.0]))
    Tensor([1.    , 1.2661, 2.2796])
    """
    return _op(I0Backward, "i0", input)


@R.op(samples=_scaled_samples, export=False, ref=lambda x: np.exp(-np.abs(x)) * np.i0(x))
def i0e(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """``exp(-|x|) * i0(x)``, finite for any x.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.special.i0e(autodiff.tensor([0.0, 1000.0]))
    Tensor([1.    , 0.0126])
    """
    return _op(I0eBackward, "special.i0e", input)


@R.op(samples=_samples, export=False)
def i1(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """The modified Bessel function of the first kind, order 1 (odd).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.special.i1(autodiff.tensor([-1.0, 0.0, 2.0]))
    Tensor([-0.5652,  0.    ,  1.5906])
    """
    return _op(I1Backward, "special.i1", input)


@R.op(samples=_scaled_samples, export=False)
def i1e(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's name
    """``exp(-|x|) * i1(x)``, finite for any x.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.special.i1e(autodiff.tensor([1.0, 1000.0]))
    Tensor([0.2079, 0.0126])
    """
    return _op(I1eBackward, "special.i1e", input)
