"""The regularized incomplete gamma functions, as PyTorch's: ``igamma`` (``P(a, x)``,
also ``special.gammainc``) and ``igammac`` (``Q(a, x) = 1 - P``, ``special.gammaincc``).

Computed in float64: P's power series where x < a + 1, Q's continued fraction (Lentz's
method) elsewhere, each giving the other as 1 minus it, so the small one keeps its
relative precision. As PyTorch's, they are differentiable in x only (dP/dx =
x^(a-1) e^-x / Gamma(a)); a gradient with respect to a is refused in backward.
"""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .. import _dtypes
from .._typing import Number, TensorLike
from ..engine import Node, apply
from ..tensor import Tensor
from . import registry as R
from ._base import number_or_tensor_arg
from .special import _lgamma_np
from .xp import TS

_EPS = 1e-16
_MAX_STEPS = 2000
_TINY = 1e-300


def _prefix(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """x^a e^-x / Gamma(a), in logs (0 where x is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.exp(a * np.log(x) - x - _lgamma_np(a))


def _lower_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) by its series sum x^n / (a (a+1) ... (a+n)), times the prefix."""
    term = 1.0 / a
    total = term.copy()
    live = np.ones(a.shape, dtype=bool)
    for n in range(1, _MAX_STEPS):
        term = np.where(live, term * x / (a + n), 0.0)
        total += term
        live &= np.abs(term) > _EPS * np.abs(total)
        if not live.any():
            break
    return total * _prefix(a, x)


def _upper_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) by its continued fraction (modified Lentz), times the prefix."""
    b = x + 1.0 - a
    c = np.full(a.shape, 1.0 / _TINY)
    d = 1.0 / np.where(np.abs(b) < _TINY, _TINY, b)
    h = d.copy()
    live = np.ones(a.shape, dtype=bool)
    for n in range(1, _MAX_STEPS):
        an = -n * (n - a)
        b = b + 2.0
        d = an * d + b
        d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        step = d * c
        h = np.where(live, h * step, h)
        live &= np.abs(step - 1.0) > _EPS
        if not live.any():
            break
    return h * _prefix(a, x)


def _igamma_np(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """P(a, x) (Q with ``upper``), float64, broadcast: NaN where a < 0 or x < 0 (as
    PyTorch), and the limits where a or x is 0 or inf."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    series = ok & (x < a + 1.0)
    fraction = ok & ~series
    if series.any():
        p = _lower_series(a[series], x[series])
        out[series] = 1.0 - p if upper else p
    if fraction.any():
        q = _upper_fraction(a[fraction], x[fraction])
        out[fraction] = q if upper else 1.0 - q
    # the edges: P(a, 0) = 0, P(0, x > 0) = 1, P(a, inf) = 1, P(inf, finite x) = 0
    lower_limit = np.select(
        [(a >= 0) & (x == 0) & (a > 0), (a == 0) & (x > 0), (a > 0) & np.isposinf(x),
         np.isposinf(a) & (x >= 0) & np.isfinite(x)],
        [0.0, 1.0, 1.0, 0.0], np.nan)
    edge = ~ok & ~np.isnan(lower_limit)
    out[edge] = (1.0 - lower_limit[edge]) if upper else lower_limit[edge]
    return out


class IgammaBackward(Node):
    """P(a, x) (Q(a, x) with attrs True)."""

    name = "igamma"
    saves = ("inputs",)

    @staticmethod
    def forward(a, x, upper):
        dtype = np.result_type(a, x)
        return _igamma_np(a, x, upper).astype(dtype, copy=False)

    def vjp(self, g, xs, out, xp):
        a, x = xs
        if self.needs[0]:
            raise RuntimeError(
                f"{'igammac' if self.attrs else 'igamma'}: the derivative with respect to its "
                "first argument (a) is not implemented, as in PyTorch"
            )
        if xp is TS:
            density = ad.exp((a - 1.0) * ad.log(x) - x - ad.lgamma(a))
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                density = np.exp((a - 1.0) * np.log(x) - x - _lgamma_np(a))
        return None, g * (-density if self.attrs else density)


def _operands(input, other, name: str) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors of PyTorch's promoted dtype (a float one)."""
    a = number_or_tensor_arg(input, name, "input")
    x = number_or_tensor_arg(other, name, "other")
    a, x = (v if isinstance(v, (Tensor, int, float)) else ad.tensor(v) for v in (a, x))
    dtype = ad.result_type(a, x)
    if dtype.kind != "f":
        dtype = _dtypes.default_float()  # (integers give floats, as PyTorch)
    return tuple(v.to(dtype) if isinstance(v, Tensor) else ad.tensor(v, dtype=dtype)
                 for v in (a, x))


def _samples():
    # (a as a list: a Tensor of the default dtype, which follows x's; not differentiated)
    a = [[0.5, 1.0, 2.5], [4.0, 10.0, 30.0]]
    x = np.array([[0.2, 3.0, 2.0], [6.5, 9.0, 20.0]])  # (both methods: x < a + 1 and not)
    return [R.Sample((a, R.Arg(x))), R.Sample((2.0, R.Arg(np.array([0.5, 1.5, 4.0]))))]


@R.op(samples=_samples, method=True, ref=lambda a, x: _igamma_np(a, x, False))
def igamma(input: TensorLike | Number, other: TensorLike | Number) -> Tensor:  # noqa: A002
    """The regularized lower incomplete gamma function P(a, x) (``special.gammainc``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.igamma(autodiff.tensor([1.0, 2.0]), autodiff.tensor([1.0, 1.0]))
    Tensor([0.6321, 0.2642])
    """
    a, x = _operands(input, other, "igamma")
    return apply(IgammaBackward, (a, x), False)


@R.op(samples=_samples, method=True, ref=lambda a, x: _igamma_np(a, x, True))
def igammac(input: TensorLike | Number, other: TensorLike | Number) -> Tensor:  # noqa: A002
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)
    (``special.gammaincc``), precise where it is small.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.igammac(autodiff.tensor([1.0]), autodiff.tensor([50.0]), )
    Tensor([1.9287e-22])
    """
    a, x = _operands(input, other, "igammac")
    return apply(IgammaBackward, (a, x), True)
