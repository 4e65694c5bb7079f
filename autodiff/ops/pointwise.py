"""PyTorch's further pointwise ops: aliases (positive, divide, arcsin, ...), clamp_min/max,
addcmul/addcdiv, logit, xlogy, erfc, erfinv (a node of its own), float_power, gcd/lcm,
fmax/fmin, nan_to_num, signbit, logaddexp2, ldexp, isposinf/isneginf/isreal.

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import math

import numpy as np

import autodiff as ad

from .. import _dtypes
from .._typing import Number, TensorLike
from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    float_unary,
    number_or_tensor_arg,
)
from ._helpers import _BIN, _UN, _floatish, _s, _t
from .math import _tname
from .unary import _erfc_over_half, erf_np


# ------------------------------------------------------------- elementwise
@R.op(samples=_UN, method=True)
def positive(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's names
    """``input`` itself, as PyTorch's ``torch.positive`` (refused on bool).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.positive(autodiff.tensor([-1.0, 2.0]))
    Tensor([-1.,  2.])
    """
    x = _t(input, "positive", "positive")
    if x.data.dtype.kind == "b":
        raise TypeError("The `+` operator, on a bool tensor is not supported.")
    return x


@R.op(samples=_UN, method=True)
def negative(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`neg`: ``-input``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.negative(autodiff.tensor([-1.0, 2.0]))
    Tensor([ 1., -2.])
    """
    return ad.neg(input)


@R.op(samples=_BIN, method=True)
def true_divide(input: Tensor, other: TensorLike) -> Tensor:  # noqa: A002
    """Alias of :func:`div` without rounding: ``input / other`` (integers give floats).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.true_divide(autodiff.tensor([1, 3]), 2)
    Tensor([0.5, 1.5])
    """
    return ad.div(input, other)


@R.op(samples=_BIN, method=True)
def divide(input: Tensor, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:  # noqa: A002
    """Alias of :func:`div` (with ``rounding_mode=``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.divide(autodiff.tensor([5.0, -5.0]), 2.0, rounding_mode="floor")
    Tensor([ 2., -3.])
    """
    return ad.div(input, other, rounding_mode=rounding_mode)


@R.op(samples=_BIN, method=True)
def multiply(input: Tensor, other: TensorLike) -> Tensor:  # noqa: A002
    """Alias of :func:`mul`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.multiply(autodiff.tensor([1.0, 2.0]), 3.0)
    Tensor([3., 6.])
    """
    return ad.mul(input, other)


@R.op(samples=_BIN, method=True)
def subtract(input: Tensor, other: TensorLike, *, alpha: Number = 1) -> Tensor:  # noqa: A002
    """Alias of :func:`sub`: ``input - alpha * other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.subtract(autodiff.tensor([1.0, 2.0]), 1.0, alpha=2)
    Tensor([-1.,  0.])
    """
    return ad.sub(input, other, alpha=alpha)


@R.op(samples=_BIN, method=True)
def rsub(input: Tensor, other: TensorLike, *, alpha: Number = 1) -> Tensor:  # noqa: A002
    """``other - alpha * input`` (PyTorch's reversed subtraction).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.rsub(autodiff.tensor([1.0, 2.0]), 5.0)
    Tensor([4., 3.])
    """
    if not isinstance(other, Tensor):
        number_or_tensor_arg(other, "rsub")
        other = ad.full_like(input, other) if isinstance(input, Tensor) else Tensor(other)
    return ad.sub(other, input, alpha=alpha)


@R.op(
    samples=lambda: [_s(R.away_from_zero(3, 4), R.away_from_zero(3, 4, seed=1))],
    method=True,
    differentiable=False,
)
def floor_divide(input: Tensor, other: TensorLike) -> Tensor:  # noqa: A002
    """``input / other`` rounded down (PyTorch's ``//``); not differentiable (as PyTorch,
    whose backward raises: here the result does not require grad).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.floor_divide(autodiff.tensor([5, -5]), 2)
    Tensor([ 2, -3])
    """
    return ad.div(input, other, rounding_mode="floor").detach()


@R.op(samples=lambda: [_s(R.away_from_zero(3, 4))], method=True)
def reciprocal(input: Tensor) -> Tensor:  # noqa: A002
    """``1 / input`` (integers give the default float).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.reciprocal(autodiff.tensor([2.0, 4.0]))
    Tensor([0.5 , 0.25])
    """
    return ad.div(1.0, _floatish(_t(input, "reciprocal", "reciprocal")))


@R.op(samples=_UN, method=True)
def absolute(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`abs`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.absolute(autodiff.tensor([-1.5, 2.0]))
    Tensor([1.5, 2. ])
    """
    return ad.abs(input)


@R.op(samples=lambda: [_s(R.randn(3, 4, low=-0.9, high=0.9))], method=True)
def arcsin(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`asin`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arcsin(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    return ad.asin(input)


@R.op(samples=lambda: [_s(R.randn(3, 4, low=-0.9, high=0.9))], method=True)
def arccos(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`acos`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arccos(autodiff.tensor([1.0]))
    Tensor([0.])
    """
    return ad.acos(input)


@R.op(samples=_UN, method=True)
def arctan(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`atan`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arctan(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    return ad.atan(input)


@R.op(samples=lambda: [_s(R.away_from_zero(3, 4), R.away_from_zero(3, 4, seed=1))], method=True)
def arctan2(input: Tensor, other: TensorLike) -> Tensor:  # noqa: A002
    """Alias of :func:`atan2`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arctan2(autodiff.tensor([0.0]), autodiff.tensor([1.0]))
    Tensor([0.])
    """
    return ad.atan2(input, other)


@R.op(samples=_UN, method=True)
def fix(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`trunc`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.fix(autodiff.tensor([-1.5, 1.5]))
    Tensor([-1.,  1.])
    """
    return ad.trunc(input)


@R.op(samples=_UN, method=True)
def clamp_min(input: Tensor, min: Number | Tensor) -> Tensor:  # noqa: A002
    """``clamp(input, min=min)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.clamp_min(autodiff.tensor([-1.0, 2.0]), 0.0)
    Tensor([0., 2.])
    """
    return ad.clamp(input, min=min)


R.REGISTRY["clamp_min"].samples = lambda: [_s(R.randn(3, 4), 0.1)]


@R.op(samples=lambda: [_s(R.randn(3, 4), 0.1)], method=True)
def clamp_max(input: Tensor, max: Number | Tensor) -> Tensor:  # noqa: A002
    """``clamp(input, max=max)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.clamp_max(autodiff.tensor([-1.0, 2.0]), 0.0)
    Tensor([-1.,  0.])
    """
    return ad.clamp(input, max=max)


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4), R.randn(3, 4, seed=1), R.randn(4, seed=2)),
        _s(R.randn(3), R.randn(3, seed=3), R.randn(3, seed=4), value=0.5),
    ],
    method=True,
)
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1) -> Tensor:  # noqa: A002
    """``input + value * tensor1 * tensor2``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addcmul(autodiff.ones(2), autodiff.tensor([1.0, 2.0]),
    ...                  autodiff.tensor([3.0, 4.0]), value=0.5)
    Tensor([2.5, 5. ])
    """
    prod = ad.mul(tensor1, tensor2)
    return ad.add(input, prod if value == 1 else ad.mul(prod, value))


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4), R.randn(3, 4, seed=1), R.away_from_zero(4, seed=2)),
        _s(R.randn(3), R.randn(3, seed=3), R.away_from_zero(3, seed=4), value=0.5),
    ],
    method=True,
)
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1) -> Tensor:  # noqa: A002
    """``input + value * tensor1 / tensor2`` (integer tensors are refused, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addcdiv(autodiff.ones(2), autodiff.tensor([1.0, 2.0]),
    ...                  autodiff.tensor([2.0, 4.0]), value=2)
    Tensor([2., 2.])
    """
    t1, t2 = _t(tensor1, "addcdiv", "tensor1"), _t(tensor2, "addcdiv", "tensor2")
    if t1.data.dtype.kind in "biu" and t2.data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic "
            "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
            "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
            "tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes."
        )
    q = ad.div(t1, t2)
    return ad.add(input, q if value == 1 else ad.mul(q, value))


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4, low=0.05, high=0.95)),
        _s(R.randn(5, low=0.05, high=0.95, seed=1), eps=0.2),
    ],
    method=True,
)
def logit(input: Tensor, eps: float | None = None) -> Tensor:  # noqa: A002
    """``log(p / (1 - p))``; with ``eps``, ``p`` is first clamped to ``[eps, 1 - eps]``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.logit(autodiff.tensor([0.5]))
    Tensor([0.])
    """
    x = _floatish(_t(input, "logit", "logit"))
    if eps is not None:
        x = ad.clamp(x, eps, 1.0 - eps)
    return ad.log(ad.div(x, ad.rsub(x, 1.0)))


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4), R.randn(3, 4, low=0.1, high=2.0, seed=1)),
        _s(R.randn(3), 2.0),
    ],
    method=True,
)
def xlogy(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
    """``input * log(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.xlogy(autodiff.tensor([0.0, 2.0]), autodiff.tensor([0.0, 1.0]))
    Tensor([0., 0.])
    """
    number_or_tensor_arg(other, "xlogy")
    if not isinstance(input, Tensor):
        number_or_tensor_arg(input, "xlogy", "input")
        input = ad.tensor(input, dtype=other.dtype if isinstance(other, Tensor) else None)
    x = _floatish(input)
    y = _floatish(_t(other, "xlogy", "other")) if isinstance(other, Tensor) else other
    if not isinstance(y, Tensor):
        y = ad.full_like(x, float(y))
    if x.dtype != y.dtype:
        dt = np.promote_types(x.dtype, y.dtype)
        x, y = x.to(dt), y.to(dt)
    zero = (x.data == 0) & ~np.isnan(y.data)
    safe_y = ad.where(Tensor(zero), ad.ones_like(y), y)
    return ad.where(Tensor(zero), ad.zeros_like(ad.mul(x, safe_y)), ad.mul(x, ad.log(safe_y)))


def _angle_scale(x, factor: float, name: str) -> Tensor:
    return ad.mul(_floatish(_t(x, name)), factor)


@R.op(samples=_UN, method=True)
def deg2rad(input: Tensor) -> Tensor:  # noqa: A002
    """Degrees to radians.

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.deg2rad(autodiff.tensor([180.0])).item(), 4)
    3.1416
    """
    return _angle_scale(input, math.pi / 180.0, "deg2rad")


@R.op(samples=_UN, method=True)
def rad2deg(input: Tensor) -> Tensor:  # noqa: A002
    """Radians to degrees.

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.rad2deg(autodiff.tensor([3.141592653589793])).item(), 3)
    180.0
    """
    return _angle_scale(input, 180.0 / math.pi, "rad2deg")


@R.op(samples=lambda: [_s(R.away_from_zero(3, 4))], method=True)
def sinc(input: Tensor) -> Tensor:  # noqa: A002
    """``sin(pi x) / (pi x)``, 1 at 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sinc(autodiff.tensor([0.0, 1.0])).abs() < 1e-6
    Tensor([False,  True])
    """
    x = _floatish(_t(input, "sinc", "sinc"))
    zero = Tensor(x.data == 0)
    px = ad.mul(ad.where(zero, ad.ones_like(x), x), math.pi)
    return ad.where(zero, ad.ones_like(x), ad.div(ad.sin(px), px))


def erfc_np(x: np.ndarray) -> np.ndarray:
    """``1 - erf(x)`` without the cancellation: Cody's erfc beyond |x| = 0.46875, so
    the upper tail keeps its relative precision (erfc(8) is 1.1e-29, not 0)."""
    dtype = x.dtype
    xd = x.astype(np.float64, copy=False)
    y = np.abs(xd)
    out = np.array(1.0 - erf_np(xd), dtype=np.float64)  # (exact where |x| is small)
    far = y > 0.46875  # (NaN stays NaN: it is not far)
    if far.any():
        tail = _erfc_over_half(y[far])
        out[far] = np.where(xd[far] > 0, tail, 2.0 - tail)
    return out.astype(dtype, copy=False)


class ErfcBackward(Node):
    name = "erfc"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return erfc_np(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g * (-2.0 / math.sqrt(math.pi)) * xp.exp(-(x * x)),)


@R.op(samples=_UN, method=True, ref=lambda x: np.vectorize(math.erfc)(x))
def erfc(input: Tensor) -> Tensor:  # noqa: A002
    """Complementary error function ``1 - erf(x)``, accurate in the upper tail.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.erfc(autodiff.tensor([0.0, 8.0], dtype=autodiff.float64))
    Tensor([1.0000e+00, 1.1224e-29], dtype=float64)
    """
    return apply1(ErfcBackward, _floatish(_t(input, "erfc", "input")))


def _erfinv_np(y: np.ndarray) -> np.ndarray:
    dtype = y.dtype
    yd = y.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - yd) * (1.0 + yd))
        # M. Giles' approximation, then Newton steps on erf(x) = y in float64
        w1 = w - 2.5
        p = np.full_like(yd, 2.81022636e-08)
        for c in (
            3.43273939e-07,
            -3.5233877e-06,
            -4.39150654e-06,
            0.00021858087,
            -0.00125372503,
            -0.00417768164,
            0.246640727,
            1.50140941,
        ):
            p = c + p * w1
        w2 = np.sqrt(w) - 3.0
        q = np.full_like(yd, -0.000200214257)
        for c in (
            0.000100950558,
            0.00134934322,
            -0.00367342844,
            0.00573950773,
            -0.0076224613,
            0.00943887047,
            1.00167406,
            2.83297682,
        ):
            q = c + q * w2
        x = np.where(w < 5.0, p, q) * yd
        ok = np.abs(yd) < 1.0
        xs = np.where(ok, x, 0.0)
        for _ in range(3):
            err = erf_np(xs) - np.where(ok, yd, 0.0)
            xs = xs - err / (2.0 / math.sqrt(math.pi) * np.exp(-xs * xs))
        out = np.where(ok, xs, np.where(np.abs(yd) == 1.0, np.sign(yd) * np.inf, np.nan))
    return np.asarray(out, dtype=dtype)


class ErfinvBackward(Node):
    name = "erfinv"
    saves = ("out",)

    @staticmethod
    def forward(x, attrs):
        return _erfinv_np(x)

    def vjp(self, g, xs, out, xp):
        return (g * (math.sqrt(math.pi) / 2.0) * xp.exp(out * out),)


@R.op(
    samples=lambda: [_s(R.randn(3, 4, low=-0.9, high=0.9))],
    method=True,
    ref=lambda x: _erfinv_np(x),
)
def erfinv(input: Tensor) -> Tensor:  # noqa: A002
    """Inverse error function on (-1, 1) (±inf at ±1, NaN outside).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.erfinv(autodiff.tensor([0.5])).item(), 5)
    0.47694
    """
    return float_unary(ErfinvBackward, input, "erfinv")


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4, low=0.5, high=2.0), R.randn(3, 4, seed=1)),
        _s(R.randn(3, low=0.5, high=2.0), 2.0),
    ],
    method=True,
)
def float_power(input: TensorLike, exponent: TensorLike) -> Tensor:  # noqa: A002
    """``input ** exponent`` computed in float64 (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.float_power(autodiff.tensor([2, 3]), 2)
    Tensor([4., 9.], dtype=float64)
    """
    x = _t(input, "float_power").to(np.float64)
    e = (
        _t(exponent, "float_power", "exponent").to(np.float64)
        if isinstance(exponent, Tensor)
        else float(number_or_tensor_arg(exponent, "float_power", "exponent"))
    )
    return ad.pow(x, e)


@R.op(samples=lambda: [_s(R.randn(3, 4), R.randn(3, 4, seed=1))], method=True, differentiable=False)
def heaviside(input: Tensor, values: Tensor) -> Tensor:  # noqa: A002
    """Step function: 0 below 0, 1 above, ``values`` at 0 (no gradient, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.heaviside(autodiff.tensor([-1.0, 0.0, 2.0]), autodiff.tensor([0.5]))
    Tensor([0. , 0.5, 1. ])
    """
    x, v = _t(input, "heaviside"), _t(values, "heaviside", "values")
    if x.data.dtype != v.data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes")
    return _make(np.heaviside(x.data, v.data).astype(x.data.dtype), None)


def _int_binary(npfn, name):
    def f(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
        a, b = _t(input, "f"), _t(other, "f", "other")
        for t in (a, b):
            if t.data.dtype.kind not in "biu":
                raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_tname(t.dtype)}'")
        return _make(np.asarray(npfn(a.data, b.data)), None)

    f.__name__ = f.__qualname__ = name
    return f


_INT_SAMPLES = lambda: [_s(ad.tensor([12, 18, -8, 0]), ad.tensor([8, 12, 6, 5]))]  # noqa: E731

gcd = R.op("gcd", samples=_INT_SAMPLES, method=True, differentiable=False)(
    _int_binary(np.gcd, "gcd")
)
gcd.__doc__ = """Greatest common divisor, elementwise, of integer tensors.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.gcd(autodiff.tensor([12, 18]), autodiff.tensor([8, 12]))
    Tensor([4, 6])
    """
lcm = R.op("lcm", samples=_INT_SAMPLES, method=True, differentiable=False)(
    _int_binary(np.lcm, "lcm")
)
lcm.__doc__ = """Least common multiple, elementwise, of integer tensors.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.lcm(autodiff.tensor([4, 6]), autodiff.tensor([6, 4]))
    Tensor([12, 12])
    """


def _nan_pick(a, b, take_max: bool) -> Tensor:
    name = "fmax" if take_max else "fmin"
    a, b = _t(a, name), _t(b, name, "other")
    if a.dtype != b.dtype:
        dt = _dtypes.result_type((a.data.dtype, 2), (b.data.dtype, 2))
        a, b = a.to(dt), b.to(dt)
    ad_, bd = a.data, b.data
    pick_a = (ad_ >= bd if take_max else ad_ <= bd) | np.isnan(bd)
    return ad.where(Tensor(pick_a), a, b)


@R.op(samples=lambda: [_s(R.distinct(3, 4), R.distinct(3, 4, seed=1))], method=True)
def fmax(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Elementwise maximum that ignores NaN (NaN only where both are NaN).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.fmax(autodiff.tensor([1.0, float("nan")]), autodiff.tensor([2.0, 3.0]))
    Tensor([2., 3.])
    """
    return _nan_pick(input, other, True)


@R.op(samples=lambda: [_s(R.distinct(3, 4), R.distinct(3, 4, seed=1))], method=True)
def fmin(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Elementwise minimum that ignores NaN (NaN only where both are NaN).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.fmin(autodiff.tensor([1.0, float("nan")]), autodiff.tensor([2.0, 3.0]))
    Tensor([1., 3.])
    """
    return _nan_pick(input, other, False)


@R.op(samples=_UN, method=True)
def nan_to_num(
    input: Tensor,
    nan: float = 0.0,
    posinf: float | None = None,  # noqa: A002
    neginf: float | None = None,
) -> Tensor:
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (the dtype's
    largest and smallest finite values by default); the gradient is 0 there.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nan_to_num(autodiff.tensor([float("nan"), 1.0, float("-inf")]), neginf=-9.0)
    Tensor([ 0.,  1., -9.])
    """
    x = _t(input, "nan_to_num", "nan_to_num")
    d = x.data
    if d.dtype.kind != "f":
        return x
    fi = np.finfo(d.dtype)
    rep = np.nan_to_num(
        d,
        nan=nan,
        posinf=fi.max if posinf is None else posinf,
        neginf=fi.min if neginf is None else neginf,
    )
    bad = ~np.isfinite(d)
    if not bad.any():
        return x
    return ad.where(Tensor(bad), Tensor(rep), x)


@R.op(samples=_UN, method=True, differentiable=False)
def signbit(input: Tensor) -> Tensor:  # noqa: A002
    """True where the sign bit is set (negative numbers and -0.0).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.signbit(autodiff.tensor([-1.0, -0.0, 2.0]))
    Tensor([ True,  True, False])
    """
    return _make(np.signbit(_t(input, "signbit", "signbit").data), None)


@R.op(samples=_UN, method=True)
def sgn(input: Tensor) -> Tensor:  # noqa: A002
    """:func:`sign` (for real tensors the two agree).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sgn(autodiff.tensor([-2.0, 0.0, 3.0]))
    Tensor([-1.,  0.,  1.])
    """
    return ad.sign(input)


@R.op(samples=_BIN, method=True)
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """``log2(2**input + 2**other)``, computed stably.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.logaddexp2(autodiff.tensor([1.0]), autodiff.tensor([1.0]))
    Tensor([2.])
    """
    ln2 = math.log(2.0)
    x, y = _t(input, "logaddexp2"), _t(other, "logaddexp2", "other")
    return ad.div(ad.logaddexp(ad.mul(x, ln2), ad.mul(y, ln2)), ln2)


@R.op(samples=lambda: [_s(R.randn(3, 4), ad.tensor([1, 2, 0, -1]))], method=True)
def ldexp(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """``input * 2 ** other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ldexp(autodiff.tensor([1.0]), autodiff.tensor([3]))
    Tensor([8.])
    """
    x = _floatish(_t(input, "ldexp"))
    e = _t(other, "ldexp", "other")
    return ad.mul(x, Tensor(np.exp2(e.data.astype(np.float64)).astype(x.data.dtype)))


@R.op(samples=_UN, method=True, differentiable=False)
def isposinf(input: Tensor) -> Tensor:  # noqa: A002
    """True where ``input`` is +inf.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isposinf(autodiff.tensor([float("inf"), -float("inf"), 1.0]))
    Tensor([ True, False, False])
    """
    return _make(np.asarray(np.isposinf(_t(input, "isposinf").data)), None)


@R.op(samples=_UN, method=True, differentiable=False)
def isneginf(input: Tensor) -> Tensor:  # noqa: A002
    """True where ``input`` is -inf.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isneginf(autodiff.tensor([float("inf"), -float("inf"), 1.0]))
    Tensor([False,  True, False])
    """
    return _make(np.asarray(np.isneginf(_t(input, "isneginf").data)), None)


@R.op(samples=_UN, method=True, differentiable=False)
def isreal(input: Tensor) -> Tensor:  # noqa: A002
    """True everywhere for a real tensor (autodiff has no complex dtypes).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isreal(autodiff.tensor([1.0]))
    Tensor([ True])
    """
    return _make(np.ones(_t(input, "isreal").shape, dtype=bool), None)
