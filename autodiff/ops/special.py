"""Special functions: lgamma, digamma, polygamma (nodes of their own), mvlgamma,
nextafter, frexp.

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

import autodiff as ad

from .. import _dtypes
from ..engine import Node
from ..engine import apply1 as ad_apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    float_unary,
)
from ._helpers import _floatish, _s, _t


# --------------------------------------------------------- special functions
def _lgamma_np(x: np.ndarray) -> np.ndarray:
    def one(v):
        try:
            return math.lgamma(v)
        except ValueError:  # a pole (0, -1, -2, ...)
            return math.inf

    return np.asarray(np.frompyfunc(one, 1, 1)(x.astype(np.float64)), dtype=x.dtype)


_BERNOULLI = (
    1 / 6,
    -1 / 30,
    1 / 42,
    -1 / 30,
    5 / 66,
    -691 / 2730,
    7 / 6,
    -3617 / 510,
    43867 / 798,
    -174611 / 330,
)  # B_2, B_4, ..., B_20


def _shift(x: np.ndarray, low: float = 10.0):
    """How many unit steps take each x to at least ``low`` (at most 60 + |x|)."""
    return np.where(x < low, np.ceil(low - x), 0.0)


def _digamma_np(x: np.ndarray) -> np.ndarray:
    xd = x.astype(np.float64)
    with np.errstate(all="ignore"):
        pole = (xd <= 0) & (xd == np.floor(xd))
        m = _shift(xd)
        acc = np.zeros_like(xd)
        for k in range(int(m.max()) if m.size else 0):
            acc -= np.where(k < m, 1.0 / (xd + k), 0.0)
        a = xd + m
        inv2 = 1.0 / (a * a)
        series = np.zeros_like(xd)
        p = inv2.copy()
        for k, b in enumerate(_BERNOULLI[:8], start=1):
            series += b / (2 * k) * p
            p = p * inv2
        out = acc + np.log(a) - 0.5 / a - series
        out = np.where(pole, np.nan, out)  # (PyTorch: digamma(0) is -inf, other poles NaN)
        out = np.where(xd == 0, np.copysign(np.inf, -np.copysign(1.0, xd)), out)
    return np.asarray(out, dtype=x.dtype)


def _zeta_np(s: int, x: np.ndarray) -> np.ndarray:
    """Hurwitz zeta(s, x) for an integer s >= 2: the sum to x + m >= 10, then
    Euler-Maclaurin."""
    with np.errstate(all="ignore"):
        m = _shift(x)
        acc = np.zeros_like(x)
        for k in range(int(m.max()) if m.size else 0):
            acc += np.where(k < m, (x + k) ** -float(s), 0.0)
        a = x + m
        out = acc + a ** (1.0 - s) / (s - 1) + 0.5 * a ** -float(s)
        fact = 1.0
        rising = float(s)  # s (s+1) ... (s + 2j - 2)
        for j, b in enumerate(_BERNOULLI[:8], start=1):
            fact *= (2 * j - 1) * (2 * j) if j > 1 else 2.0
            out = out + b / fact * rising * a ** (-float(s) - 2 * j + 1)
            rising *= (s + 2 * j - 1) * (s + 2 * j)
    return out


def _polygamma_np(n: int, x: np.ndarray) -> np.ndarray:
    if n == 0:
        return _digamma_np(x)
    xd = x.astype(np.float64)
    out = (-1.0) ** (n + 1) * math.factorial(n) * _zeta_np(n + 1, xd)
    pole = (xd <= 0) & (xd == np.floor(xd))
    out = np.where(pole, np.inf if n % 2 else -np.inf, out)
    return np.asarray(out, dtype=x.dtype)


class LgammaBackward(Node):
    name = "lgamma"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return _lgamma_np(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g * (digamma(x) if isinstance(x, Tensor) else _digamma_np(x)),)


class PolygammaBackward(Node):
    name = "polygamma"
    saves = (0,)

    @staticmethod
    def forward(x, n):
        return _polygamma_np(n, x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        n = self.attrs + 1
        return (g * (polygamma(n, x) if isinstance(x, Tensor) else _polygamma_np(n, x)),)


def _special_samples():
    return [_s(R.randn(3, 4, low=0.3, high=4.0)), _s(R.randn(5, low=-2.9, high=-2.1, seed=1))]


@R.op(samples=_special_samples, method=True, ref=lambda x: _lgamma_np(x))
def lgamma(input: Tensor) -> Tensor:  # noqa: A002
    """``log |Gamma(x)|`` (inf at the poles 0, -1, -2, ...).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.lgamma(autodiff.tensor([1.0, 5.0]))
    Tensor([0.    , 3.1781])
    """
    return float_unary(LgammaBackward, input, "lgamma")


@R.op(samples=_special_samples, method=True, ref=lambda x: _digamma_np(x))
def digamma(input: Tensor) -> Tensor:  # noqa: A002
    """The derivative of :func:`lgamma` (``psi``); -inf at 0, NaN at -1, -2, ...

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.digamma(autodiff.tensor([1.0])).item(), 6)  # -Euler's gamma
    -0.577216
    """
    x = _floatish(_t(input, "digamma", "digamma"))
    return float_unary(_DigammaBackward, x, "digamma")


class _DigammaBackward(Node):
    name = "digamma"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return _digamma_np(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g * (polygamma(1, x) if isinstance(x, Tensor) else _polygamma_np(1, x)),)


@R.op(
    samples=lambda: [
        _s(1, R.randn(3, 4, low=0.3, high=4.0)),
        _s(2, R.randn(5, low=0.5, high=3.0, seed=1)),
        _s(3, R.randn(4, low=-1.8, high=-1.2, seed=2)),
    ]
)
def polygamma(n: int, input: Tensor) -> Tensor:  # noqa: A002
    """The ``n``-th derivative of :func:`digamma` (``n = 0``: digamma itself).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.polygamma(1, autodiff.tensor([1.0])).item(), 6)  # pi**2 / 6
    1.644934
    """
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    x = _floatish(_t(input, "polygamma", "polygamma"))
    if n == 0:
        return digamma(x)
    x = x if x.data.dtype.kind == "f" else x.to(_dtypes.default_float())
    return ad_apply1(PolygammaBackward, x, int(n))


def _polygamma_method(self: Tensor, n: int) -> Tensor:
    """``polygamma(n, self)`` (PyTorch's method takes ``n`` first too).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.tensor([1.0]).polygamma(1).item(), 6)
    1.644934
    """
    return polygamma(n, self)


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4, low=2.0, high=4.0), 2),
        _s(R.randn(3, low=3.0, high=5.0, seed=1), 4),
    ],
    method=True,
)
def mvlgamma(input: Tensor, p: int) -> Tensor:  # noqa: A002
    """The multivariate log-gamma of dimension ``p``: ``sum_i lgamma(x - i/2)`` plus
    ``p (p - 1) / 4 log(pi)``; needs every ``x > (p - 1) / 2``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.mvlgamma(autodiff.tensor([2.5]), 1)
    Tensor([0.2847])
    """
    x = _floatish(_t(input, "mvlgamma", "mvlgamma"))
    if p < 1:
        raise RuntimeError(f"p has to be greater than or equal to 1, got {p}")
    if (x.data <= (p - 1) / 2).any():
        raise RuntimeError(
            f"All elements must be greater than (p-1)/2, got p={p} and min = {float(x.data.min())}"
        )
    total = ad.add(ad.zeros_like(x), p * (p - 1) / 4 * math.log(math.pi))
    for i in range(p):
        total = ad.add(total, lgamma(ad.sub(x, i / 2)))
    return total


@R.op(samples=lambda: [_s(R.randn(3, 4), R.randn(3, 4, seed=1))], method=True)
def nextafter(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The next representable value after ``input`` toward ``other`` (its gradient is 1
    for ``input`` and 0 for ``other``, as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> (autodiff.nextafter(autodiff.tensor([1.0]), autodiff.tensor([2.0])) - 1.0).item() > 0
    True
    """
    a, b = _t(input, "nextafter"), _t(other, "nextafter", "other")
    if a.dtype != b.dtype:
        dt = _dtypes.result_type((a.data.dtype, 2), (b.data.dtype, 2))
        a, b = a.to(dt), b.to(dt)
    step = np.asarray(np.nextafter(a.data, b.data) - a.data)
    return ad.add(ad.add(a, Tensor(step)), ad.mul(b, 0.0))


FrexpResult = namedtuple("frexp", ["mantissa", "exponent"])


@R.op(samples=lambda: [_s(R.randn(3, 4))], method=True, check=lambda x: frexp(x).mantissa)
def frexp(input: Tensor) -> tuple:  # noqa: A002
    """``(mantissa, exponent)`` with ``input = mantissa * 2 ** exponent`` and
    ``0.5 <= |mantissa| < 1`` (exponent int32); the mantissa's gradient is
    ``2 ** -exponent``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.frexp(autodiff.tensor([8.0])).exponent
    Tensor([4], dtype=int32)
    """
    x = _t(input, "frexp")
    if x.data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = np.frexp(x.data)
    with np.errstate(over="ignore"):
        scale = np.ldexp(np.ones_like(x.data), -e)
    ok = np.isfinite(scale)  # (2 ** -e overflows for subnormals: their value as is)
    mantissa = ad.where(Tensor(ok), ad.mul(x, Tensor(np.where(ok, scale, 0.0))), Tensor(m))
    return FrexpResult(mantissa, _make(e.astype(np.int32), None))
