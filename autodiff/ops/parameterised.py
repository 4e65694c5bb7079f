"""Unary ops with parameters: clamp, leaky_relu, elu, softplus, gelu (and ``float_arg``).
"""

from __future__ import annotations

import math

import numpy as np

from .._dtypes import default_float
from .._typing import Number, TensorLike
from ..engine import (
    Node,
    apply1,
)
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    as_tensor_arg,
    cast,
)

# --------------------------------------------------------- parameterised unary
from .casts import where
from .unary import erf_np


class ClampBackward(Node):
    name = "clamp"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        lo, hi = attrs
        return np.clip(x, lo, hi)

    def vjp(self, g, xs, out, xp):
        lo, hi = self.attrs
        x = xs[0]
        # the gradient passes at the bounds themselves (as PyTorch)
        if lo is not None and hi is not None:
            mask = xp.logical_and(x >= lo, x <= hi)
        elif lo is not None:
            mask = x >= lo
        else:
            mask = x <= hi
        return (g * mask,)


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))),), error=ValueError, match="at least one of min= and max="
        )
    ],
    samples=lambda: [
        R.Sample((R.Arg(np.array([-1.7, -0.3, 0.4, 1.3, 2.2])),), {"min": -1.0, "max": 1.0}),
        R.Sample((R.Arg(np.array([-1.7, 0.4, 1.3])),), {"min": 0.0}),
        R.Sample((R.Arg(np.array([-1.7, 0.4, 1.3])),), {"max": 0.0}),
    ],
    method=True,
)
def clamp(  # noqa: A002 - PyTorch's names
    input: TensorLike, min: Tensor | Number | None = None, max: Tensor | Number | None = None
) -> Tensor:
    """Limit values to [min, max]; the gradient passes where min <= x <= max.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.clamp(autodiff.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)
    Tensor([0. , 0.5, 1. ])
    """
    input = as_tensor_arg(input, "clamp")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_tensors(input, min, max)
    if input.data.dtype.kind != "f" and any(isinstance(v, float) for v in (min, max)):
        input = cast(input, default_float())  # int tensor with float bounds: as PyTorch
    if min is None and max is None:
        raise ValueError("clamp: give at least one of min= and max=")
    for nm, v in (("min", min), ("max", max)):
        if v is not None and not isinstance(v, (int, float, np.number)):
            raise TypeError(f"clamp: {nm} must be a number, got {type(v).__name__}")
    return apply1(ClampBackward, input, (min, max))


def _clamp_tensors(x: Tensor, lo, hi) -> Tensor:
    """clamp with Tensor bounds (broadcasting), as PyTorch: ``x`` gets the gradient
    where it lies within the bounds, a bound where it is the answer."""
    if lo is None and hi is None:
        raise ValueError("clamp: give at least one of min= and max=")
    out = x
    for bound, below in ((lo, True), (hi, False)):
        if bound is None:
            continue
        b = bound.data if isinstance(bound, Tensor) else bound
        take = np.less(out.data, b) if below else np.greater(out.data, b)
        out = where(_make(np.asarray(take), None), bound, out)
    return out


def float_arg(x, opname: str) -> Tensor:
    """``x`` as a Tensor, which must be floating: PyTorch has no integer kernel for
    these activations (it raises rather than promoting, unlike exp or sigmoid)."""
    x = as_tensor_arg(x, opname)
    if x.data.dtype.kind != "f":
        raise TypeError(
            f"{opname}: needs a floating-point tensor, got dtype {x.data.dtype} (as PyTorch, "
            f"which does not promote integers here); convert it first, e.g. x.float()"
        )
    return x


class LeakyReluBackward(Node):
    name = "leaky_relu"
    saves = (0,)

    @staticmethod
    def forward(x, slope):
        return np.where(x > 0, x, x * slope)

    def vjp(self, g, xs, out, xp):
        return (xp.where(xs[0] > 0, g, g * self.attrs),)


@R.op(samples=lambda: [R.Sample((R.away_from_zero(3, 4),), {"negative_slope": 0.1})])
def leaky_relu(x: TensorLike, negative_slope: float = 0.01) -> Tensor:
    """max(x, 0) + negative_slope * min(x, 0).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.leaky_relu(autodiff.tensor([-1.0, 2.0]), 0.1)
    Tensor([-0.1,  2. ])
    """
    return apply1(LeakyReluBackward, float_arg(x, "leaky_relu"), float(negative_slope))


class EluBackward(Node):
    name = "elu"
    saves = (0,)

    @staticmethod
    def forward(x, alpha):
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        # as PyTorch, the negative branch is the one taken where x <= 0 (NaN takes g)
        neg = x <= 0
        return (xp.where(neg, g * self.attrs * xp.exp(xp.where(neg, x, 0.0)), g),)


@R.op(samples=lambda: [R.Sample((R.away_from_zero(3, 4),), {"alpha": 1.3})])
def elu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """x where x > 0, alpha * (exp(x) - 1) elsewhere.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.elu(autodiff.tensor([0.0, 2.0]))
    Tensor([0., 2.])
    """
    return apply1(EluBackward, float_arg(x, "elu"), float(alpha))


class SoftplusBackward(Node):
    name = "softplus"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        beta, threshold = attrs
        bx = beta * x
        soft = np.logaddexp(0, bx) / beta
        return np.where(bx > threshold, x, soft).astype(x.dtype, copy=False)

    def vjp(self, g, xs, out, xp):
        beta, threshold = self.attrs
        x = xs[0]
        bx = x * beta
        s = xp.sigmoid(bx)
        return (xp.where(bx > threshold, g, g * s),)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4, low=-3, high=3),)),
        R.Sample((R.randn(3, 4, low=-3, high=3),), {"beta": 2.0, "threshold": 3.0}),
    ],
)
def softplus(input: TensorLike, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear above ``threshold`` (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.softplus(autodiff.tensor([0.0])).item(), 4)
    0.6931
    """
    return apply1(SoftplusBackward, float_arg(input, "softplus"), (float(beta), float(threshold)))


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GeluBackward(Node):
    name = "gelu"
    saves = (0,)

    @staticmethod
    def forward(x, approximate):
        if approximate == "tanh":
            return 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
        return 0.5 * x * (1.0 + erf_np(x * _INV_SQRT_2))

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        if self.attrs == "tanh":
            inner = (x + x * x * x * 0.044715) * _SQRT_2_OVER_PI
            t = xp.tanh(inner)
            dinner = (1.0 + x * x * (3 * 0.044715)) * _SQRT_2_OVER_PI
            return (g * (0.5 * (1.0 + t) + x * 0.5 * (1.0 - t * t) * dinner),)
        cdf = (xp.erf(x * _INV_SQRT_2) + 1.0) * 0.5
        pdf = xp.exp(x * x * -0.5) * _INV_SQRT_2PI
        return (g * (cdf + x * pdf),)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4, low=-3, high=3),)),
        R.Sample((R.randn(3, 4, low=-3, high=3),), {"approximate": "tanh"}),
    ],
)
def gelu(input: TensorLike, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit, x * Phi(x) (``approximate="tanh"`` for the tanh form).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.gelu(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return apply1(GeluBackward, float_arg(input, "gelu"), approximate)


# --------------------------------------------------------------- clip alias


@R.op(
    samples=lambda: [
        R.Sample((R.Arg(np.array([-1.7, -0.3, 0.4, 1.3, 2.2])),), {"min": -1.0, "max": 1.0}),
        R.Sample((R.Arg(np.array([-1.7, 0.4, 1.3])), -0.5, 0.5), note="positional"),
    ],
    method=True,
)
def clip(  # noqa: A002 - PyTorch's names
    input: TensorLike, min: Tensor | Number | None = None, max: Tensor | Number | None = None
) -> Tensor:
    """Alias of :func:`clamp`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.clip(autodiff.tensor([-2.0, 0.5, 3.0]), 0.0, 1.0)
    Tensor([0. , 0.5, 1. ])
    """
    return clamp(input, min, max)

