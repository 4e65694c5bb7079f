"""Activations declared as single ops (forward and VJP side by side), for
``autodiff.nn.functional``.

Each is one node rather than a chain of elementwise ops: faster, and exact
where a composition is not (the piecewise-linear ones' gradients at their kinks,
and NaN inputs, follow PyTorch's kernels; ``logsigmoid`` is stable for any
finite input). The VJPs are written with ``xp``, so second derivatives work.

- ``silu``: x * sigmoid(x).
- ``mish``: x * tanh(softplus(x)).
- ``hardtanh``: clamp(x, lo, hi); gradient 1 strictly inside (lo, hi), 0 at and
  beyond the bounds and for NaN (PyTorch's vectorised kernel; its scalar tail
  loop passes NaN's gradient).
- ``hardsigmoid``: clamp(x + 3, 0, 6) / 6; gradient 1/6 strictly inside (-3, 3).
- ``hardswish``: x * clamp(x + 3, 0, 6) / 6; gradient 0 for x <= -3,
  x / 3 + 1/2 for -3 < x < 3, 1 from 3 on.
- ``selu``: scale * (x for x > 0, alpha * (exp(x) - 1) elsewhere).
- ``celu``: x for x > 0, alpha * (exp(x / alpha) - 1) elsewhere.
- ``logsigmoid``: -softplus(-x) = min(x, 0) - log1p(exp(-|x|)).
"""

from __future__ import annotations

import numpy as np

from ..engine import Node, apply1
from ..ops import registry as R
from ..ops.parameterised import float_arg
from ..ops.unary import _sigmoid_np
from ..tensor import Tensor


def _softplus(x, xp):
    """log(1 + exp(x)), stable for any finite x (and differentiable under ``xp``)."""
    return xp.where(x > 0, x, 0.0) + xp.log(xp.exp(-xp.abs(x)) + 1.0)


def _kinks(*points, n=12, seed=0) -> R.Arg:
    """Random values kept at least 0.1 away from each of ``points`` (the kinks)."""
    r = R.rng(seed)
    x = r.uniform(-5.0, 5.0, size=n)
    for p in points:
        near = np.abs(x - p) < 0.1
        x[near] += 0.25
    return R.Arg(x.reshape(3, n // 3))


# ---------------------------------------------------------------------- silu


class SiluBackward(Node):
    name = "silu"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return x * _sigmoid_np(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        s = xp.sigmoid(x)
        return (g * s * (x * (1.0 - s) + 1.0),)


@R.op(
    samples=lambda: [R.Sample((R.randn(3, 4, low=-4, high=4),))],
    ref=lambda x: x / (1.0 + np.exp(-x)),
    export=False,
)
def silu(x) -> Tensor:
    """x * sigmoid(x), one node.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._activations_fused import silu
    >>> silu(autodiff.tensor([0.0, 1000.0, -1000.0]))
    Tensor([    0.,  1000.,    -0.])
    """
    return apply1(SiluBackward, float_arg(x, "silu"))


# ---------------------------------------------------------------------- mish


class MishBackward(Node):
    name = "mish"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        with np.errstate(invalid="ignore"):  # (NaN in, NaN out, no warning)
            sp = np.logaddexp(0.0, x)
        return x * np.tanh(sp).astype(x.dtype, copy=False)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        t = xp.tanh(_softplus(x, xp))
        return (g * (t + x * xp.sigmoid(x) * (1.0 - t * t)),)


@R.op(
    samples=lambda: [R.Sample((R.away_from_zero(3, 4, margin=0.1),))],
    ref=lambda x: x * np.tanh(np.log1p(np.exp(x))),
    export=False,
)
def mish(x) -> Tensor:
    """x * tanh(softplus(x)), one node.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._activations_fused import mish
    >>> mish(autodiff.tensor([0.0, 1000.0]))
    Tensor([   0., 1000.])
    """
    return apply1(MishBackward, float_arg(x, "mish"))


# ------------------------------------------------------------------ hardtanh


class HardtanhBackward(Node):
    name = "hardtanh"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        lo, hi = attrs
        return np.minimum(np.maximum(x, lo), hi)  # (NaN stays NaN, as PyTorch's clamp)

    def vjp(self, g, xs, out, xp):
        lo, hi = self.attrs
        x = xs[0]
        # as PyTorch: g strictly inside (lo, hi), 0 at and beyond the bounds (and for NaN)
        return (xp.where(x > lo, xp.where(x < hi, g, 0.0), 0.0),)


@R.op(
    samples=lambda: [
        R.Sample((_kinks(-1.0, 1.0),)),
        R.Sample((_kinks(0.0, 6.0, seed=1),), {"min_val": 0.0, "max_val": 6.0}),
    ],
    ref=lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val),
    export=False,
)
def hardtanh(x, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """clamp(x, min_val, max_val), with PyTorch's gradient (0 at the bounds).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._activations_fused import hardtanh
    >>> hardtanh(autodiff.tensor([-2.0, 0.5, 2.0]))
    Tensor([-1. ,  0.5,  1. ])
    """
    return apply1(HardtanhBackward, float_arg(x, "hardtanh"), (float(min_val), float(max_val)))


# --------------------------------------------------------------- hardsigmoid


class HardsigmoidBackward(Node):
    name = "hardsigmoid"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.minimum(np.maximum(x + 3.0, 0.0), 6.0) / 6.0

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        # as PyTorch: g / 6 strictly inside (-3, 3), 0 elsewhere (NaN included)
        return (xp.where(x > -3.0, xp.where(x < 3.0, g / 6.0, 0.0), 0.0),)


@R.op(
    samples=lambda: [R.Sample((_kinks(-3.0, 3.0),))],
    ref=lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0),
    export=False,
)
def hardsigmoid(x) -> Tensor:
    """clamp(x + 3, 0, 6) / 6, one node.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._activations_fused import hardsigmoid
    >>> hardsigmoid(autodiff.tensor([-4.0, 0.0, 4.0]))
    Tensor([0. , 0.5, 1. ])
    """
    return apply1(HardsigmoidBackward, float_arg(x, "hardsigmoid"))


# ----------------------------------------------------------------- hardswish


class HardswishBackward(Node):
    name = "hardswish"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return x * np.minimum(np.maximum(x + 3.0, 0.0), 6.0) / 6.0

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        # as PyTorch: 0 for x <= -3, x / 3 + 1/2 inside (NaN for NaN), 1 from 3 on
        return (xp.where(x <= -3.0, 0.0, xp.where(x >= 3.0, g, g * (x / 3.0 + 0.5))),)


@R.op(
    samples=lambda: [R.Sample((_kinks(-3.0, 3.0),))],
    ref=lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0,
    export=False,
)
def hardswish(x) -> Tensor:
    """x * clamp(x + 3, 0, 6) / 6, one node.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._activations_fused import hardswish
    >>> hardswish(autodiff.tensor([-4.0, 0.0, 4.0]))
    Tensor([-0.,  0.,  4.])
    """
    return apply1(HardswishBackward, float_arg(x, "hardswish"))


# ---------------------------------------------------------------------- celu


class CeluBackward(Node):
    name = "celu"
    saves = (0,)

    @staticmethod
    def forward(x, alpha):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            neg = np.expm1(np.minimum(x, 0.0) * (1.0 / alpha)) * alpha
        return np.where(x > 0, x, neg).astype(x.dtype, copy=False)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        pos = x > 0  # the negative branch at 0, as PyTorch (and NaN there: a NaN gradient)
        return (xp.where(pos, g, g * xp.exp(xp.where(pos, 0.0, x) * (1.0 / self.attrs))),)


@R.op(
    samples=lambda: [
        R.Sample((R.away_from_zero(3, 4),)),
        R.Sample((R.away_from_zero(3, 4, seed=1),), {"alpha": 0.5}),
    ],
    ref=lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x / alpha)),
    export=False,
)
def celu(x, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha * (exp(x / alpha) - 1) elsewhere, one node.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._activations_fused import celu
    >>> celu(autodiff.tensor([-1000.0, 0.0, 2.0]), alpha=2.0)
    Tensor([-2.,  0.,  2.])
    """
    return apply1(CeluBackward, float_arg(x, "celu"), float(alpha))


# ---------------------------------------------------------------------- selu

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class SeluBackward(Node):
    name = "selu"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        neg = np.expm1(np.minimum(x, 0.0)) * (SELU_ALPHA * SELU_SCALE)
        return np.where(x > 0, x * SELU_SCALE, neg).astype(x.dtype, copy=False)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        pos = x > 0  # the negative branch at 0, as PyTorch (and NaN there: a NaN gradient)
        neg = g * xp.exp(xp.where(pos, 0.0, x)) * (SELU_ALPHA * SELU_SCALE)
        return (xp.where(pos, g * SELU_SCALE, neg),)


@R.op(
    samples=lambda: [R.Sample((R.away_from_zero(3, 4),))],
    ref=lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
    export=False,
)
def selu(x) -> Tensor:
    """Scaled ELU with PyTorch's constants, one node.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._activations_fused import selu
    >>> selu(autodiff.tensor([0.0, 1.0]))
    Tensor([0.    , 1.0507])
    """
    return apply1(SeluBackward, float_arg(x, "selu"))


# ---------------------------------------------------------------- logsigmoid


class LogsigmoidBackward(Node):
    name = "logsigmoid"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        # min(x, 0) - log1p(exp(-|x|)): 0 (not -0) for large x, as PyTorch
        return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))

    def vjp(self, g, xs, out, xp):
        return (g * xp.sigmoid(-xs[0]),)


@R.op(
    samples=lambda: [R.Sample((R.randn(3, 4, low=-6, high=6),))],
    ref=lambda x: -np.logaddexp(0.0, -x),
    export=False,
)
def logsigmoid(x) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), stable for any finite x, one node.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn._activations_fused import logsigmoid
    >>> logsigmoid(autodiff.tensor([-1000.0, 1000.0]))
    Tensor([-1000.,     0.])
    """
    return apply1(LogsigmoidBackward, float_arg(x, "logsigmoid"))
