"""PyTorch's further names (issue 17): ops composed of the declared ones, so their
gradients (first and second order) come from the ops they are built of, plus the few
that need a node of their own (erfinv) and the non-differentiable answers (unique,
bincount, searchsorted, ...). Each is declared once here with its samples; the
registry-driven tests gradcheck the differentiable ones, and tests/test_torch_names.py
compares every name with PyTorch.
"""

from __future__ import annotations

import builtins
import itertools
import math
from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

import autodiff as ad

from .. import _dtypes
from .._typing import DeviceLike, Dims, DTypeLike, GeneratorLike, Number, TensorLike
from ..engine import Node
from ..engine import apply1 as ad_apply1
from ..factories import _gen as resolve_gen
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    as_tensor_arg,
    float_unary,
    normalize_dim,
    normalize_dims,
    np_names,
    numpy_names,
)
from .elementwise import erf_np
from .inplace import copy_, inplace
from .math import _tname

MedianResult = namedtuple("median", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])
ModeResult = namedtuple("mode", ["values", "indices"])


def _t(x, name: str = "argument") -> Tensor:
    return x if isinstance(x, Tensor) else as_tensor_arg(x, name)


def _floatish(x: Tensor) -> Tensor:
    return x if x.data.dtype.kind == "f" else x.to(_dtypes.default_float())


def _s(*args: Any, **kwargs: Any) -> R.Sample:
    return R.Sample(args, kwargs)


def _first(fn):
    return lambda *a, **k: fn(*a, **k)[0]


_UN = lambda: [_s(R.randn(3, 4)), _s(R.randn(5, seed=1))]  # noqa: E731
_BIN = lambda: [_s(R.randn(3, 4), R.randn(3, 4, seed=1)), _s(R.randn(2, 3), R.randn(3, seed=2))]  # noqa: E731
_OPEN01 = lambda: [_s(R.randn(3, 4, low=0.05, high=0.95))]  # noqa: E731


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
    x = _t(input, "positive")
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
    return ad.div(1.0, _floatish(_t(input, "reciprocal")))


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
    t1, t2 = _t(tensor1, "tensor1"), _t(tensor2, "tensor2")
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
    x = _floatish(_t(input, "logit"))
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
    if not isinstance(input, Tensor):
        input = ad.tensor(input, dtype=_t(other).dtype if isinstance(other, Tensor) else None)
    x = _floatish(input)
    y = _floatish(_t(other, "other")) if isinstance(other, Tensor) else other
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
    x = _floatish(_t(input, "sinc"))
    zero = Tensor(x.data == 0)
    px = ad.mul(ad.where(zero, ad.ones_like(x), x), math.pi)
    return ad.where(zero, ad.ones_like(x), ad.div(ad.sin(px), px))


@R.op(samples=_UN, method=True)
def erfc(input: Tensor) -> Tensor:  # noqa: A002
    """Complementary error function ``1 - erf(x)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.erfc(autodiff.tensor([0.0]))
    Tensor([1.])
    """
    return ad.rsub(ad.erf(input), 1.0)


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
    x = _t(input, "input").to(np.float64)
    e = _t(exponent).to(np.float64) if isinstance(exponent, Tensor) else float(exponent)
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
    x, v = _t(input, "input"), _t(values, "values")
    if x.data.dtype != v.data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes")
    return _make(np.heaviside(x.data, v.data).astype(x.data.dtype), None)


def _int_binary(npfn, name):
    def f(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
        a, b = _t(input, "input"), _t(other, "other")
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
    a, b = _t(a, "input"), _t(b, "other")
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
    x = _t(input, "nan_to_num")
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
    return _make(np.signbit(_t(input, "signbit").data), None)


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
    return ad.div(ad.logaddexp(ad.mul(input, ln2), ad.mul(other, ln2)), ln2)


@R.op(samples=lambda: [_s(R.randn(3, 4), ad.tensor([1, 2, 0, -1]))], method=True)
def ldexp(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """``input * 2 ** other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ldexp(autodiff.tensor([1.0]), autodiff.tensor([3]))
    Tensor([8.])
    """
    x = _floatish(_t(input, "input"))
    e = _t(other, "other")
    return ad.mul(x, Tensor(np.exp2(e.data.astype(np.float64)).astype(x.data.dtype)))


# ------------------------------------------------------------- reductions
def _nan_samples():
    # NaN inputs make the finite differences of the gradient NaN: these ops are
    # gradchecked first order only (their gradient is a 0/1 mask, its derivative 0)
    a = np.arange(12.0).reshape(3, 4) * 0.3 - 1.0
    a[0, 1] = a[2, 3] = np.nan
    return [_s(R.Arg(a)), _s(R.Arg(a), 1), _s(R.Arg(a), dim=0, keepdim=True)]


@R.op(samples=_nan_samples, method=True, second_order=False)  # (NaN samples: see _nan_samples)
def nansum(
    input: Tensor,
    dim: Dims = None,
    keepdim: bool | None = None,
    *,
    dtype: DTypeLike = None,  # noqa: A002
    axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """:func:`sum` counting NaN as zero (their gradient is zero).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nansum(autodiff.tensor([1.0, float("nan"), 2.0]))
    Tensor(3.)
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "nansum")
    elif keepdim is None:
        keepdim = False
    x = _t(input, "nansum")
    if dtype is not None:
        x = x.to(dtype)
    if x.data.dtype.kind == "f":
        x = ad.where(Tensor(np.isnan(x.data)), ad.zeros_like(x), x)
    return ad.sum(x, dim, keepdim)


@R.op(samples=_nan_samples, method=True, second_order=False)  # (NaN samples: see _nan_samples)
def nanmean(
    input: Tensor,
    dim: Dims = None,
    keepdim: bool | None = None,
    *,
    dtype: DTypeLike = None,  # noqa: A002
    axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """:func:`mean` of the values that are not NaN.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nanmean(autodiff.tensor([1.0, float("nan"), 2.0]))
    Tensor(1.5)
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "nanmean")
    elif keepdim is None:
        keepdim = False
    x = _t(input, "nanmean")
    if dtype is not None:
        x = x.to(dtype)
    if x.data.dtype.kind != "f":
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{_dtypes.torch_name(x.data.dtype) if hasattr(_dtypes, 'torch_name') else x.dtype}"
        )
    keep = Tensor((~np.isnan(x.data)).astype(x.data.dtype))
    total = nansum(x, dim, keepdim)
    return ad.div(total, ad.sum(keep, dim, keepdim))


def _select_sorted(x: Tensor, dim: Dims, keepdim: bool, k_of_n, name: str, nan_first=False):
    """(values, indices) of the element of rank ``k_of_n(n)`` along ``dim`` (sorted
    ascending); the gradient flows to that element (as PyTorch)."""
    if dim is None:
        flat = x.reshape(-1)
        n = flat.shape[0]
        if n == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        order = np.argsort(flat.data, kind="stable")
        k = k_of_n(n, flat.data)
        i = int(order[k])
        return flat[i], None
    d = normalize_dim(dim, x.ndim, name)
    if x.ndim == 0:
        return x, _make(np.zeros((), np.int64), None)
    n = x.shape[d]
    if n == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(x.data, axis=d, kind="stable")
    k = k_of_n(n, x.data)
    idx = np.take(order, [k] if np.ndim(k) == 0 else k, axis=d)
    vals = ad.gather(x, d, Tensor(idx))
    ind = _make(idx, None)
    if not keepdim:
        vals = vals.squeeze(d)
        ind = _make(idx.squeeze(d), None)
    return vals, ind


def _median_samples():
    return [
        _s(R.distinct(3, 5)),
        _s(R.distinct(3, 4, seed=1), 1),
        _s(R.distinct(3, 5, seed=2), 0, True),
    ]


@R.op(
    samples=_median_samples,
    method=True,
    check=lambda *a, **k: median(*a, **k)[0] if len(a) > 1 or k else median(*a, **k),
)
@numpy_names
def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | tuple:  # noqa: A002
    """The lower median of all values, or ``(values, indices)`` along ``dim``; a NaN
    is the median where one is present (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    >>> x.median()
    Tensor(3.)
    >>> x.median(dim=1).indices
    Tensor([2, 0])
    """
    x = _t(input, "median")
    if x.data.dtype.kind == "f" and np.isnan(x.data).any():
        return _nan_median(x, dim, keepdim)
    vals, ind = _select_sorted(x, dim, keepdim, lambda n, d: (n - 1) // 2, "median")
    return vals if dim is None else MedianResult(vals, ind)


def _nan_median(x, dim: Dims, keepdim):
    if dim is None:
        flat = x.reshape(-1)
        return flat[int(np.argmax(np.isnan(flat.data)))]
    d = normalize_dim(dim, x.ndim, "median")
    # NaN sorts last; where a row has one, its first NaN is the answer
    order = np.argsort(x.data, axis=d, kind="stable")
    n = x.shape[d]
    nan = np.isnan(x.data)
    has = nan.any(axis=d, keepdims=True)
    first_nan = np.argmax(nan, axis=d)
    k = np.take(order, [(n - 1) // 2], axis=d)
    idx = np.where(has, np.expand_dims(first_nan, d), k)
    vals = ad.gather(x, d, Tensor(idx))
    if not keepdim:
        return MedianResult(vals.squeeze(d), _make(idx.squeeze(d), None))
    return MedianResult(vals, _make(idx, None))


@R.op(
    samples=_median_samples,
    method=True,
    check=lambda *a, **k: nanmedian(*a, **k)[0] if len(a) > 1 or k else nanmedian(*a, **k),
)
@numpy_names
def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | tuple:  # noqa: A002
    """:func:`median` of the values that are not NaN.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nanmedian(autodiff.tensor([1.0, float("nan"), 3.0, 2.0]))
    Tensor(2.)
    """
    x = _t(input, "nanmedian")
    if not (x.data.dtype.kind == "f" and np.isnan(x.data).any()):
        return median(x, dim, keepdim) if dim is not None else median(x)

    def rank_all(n, data):
        m = int((~np.isnan(data)).sum())
        return builtins.max((m - 1) // 2, 0)

    if dim is None:
        return _select_sorted(x, None, keepdim, rank_all, "nanmedian")[0]
    d = normalize_dim(dim, x.ndim, "nanmedian")
    order = np.argsort(x.data, axis=d, kind="stable")  # NaN last
    m = (~np.isnan(x.data)).sum(axis=d, keepdims=True)
    k = np.maximum((m - 1) // 2, 0)
    idx = np.take_along_axis(order, k, axis=d)
    vals = ad.gather(x, d, Tensor(idx))
    if not keepdim:
        return MedianResult(vals.squeeze(d), _make(idx.squeeze(d), None))
    return MedianResult(vals, _make(idx, None))


@R.op(
    samples=lambda: [_s(R.distinct(3, 5), 2), _s(R.distinct(3, 4, seed=1), 1, 0, True)],
    method=True,
    check=lambda *a, **k: kthvalue(*a, **k)[0],
)
@numpy_names
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> tuple:  # noqa: A002
    """``(values, indices)`` of the ``k``-th smallest element (1-based) along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.kthvalue(autodiff.tensor([3.0, 1.0, 2.0]), 2).values
    Tensor(2.)
    """
    x = _t(input, "kthvalue")
    n = x.shape[normalize_dim(dim, x.ndim, "kthvalue")] if x.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    vals, ind = _select_sorted(x, dim, keepdim, lambda n, d: k - 1, "kthvalue")
    return KthvalueResult(vals, ind)


@R.op(
    samples=lambda: [_s(R.distinct(2, 4))],  # (ties would break the finite differences)
    method=True,
    check=lambda *a, **k: mode(*a, **k)[0],
)
@numpy_names
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> tuple:  # noqa: A002
    """``(values, indices)``: the most frequent value along ``dim`` (the smallest of
    equally frequent ones) and the last index where it occurs.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.mode(autodiff.tensor([1.0, 2.0, 2.0, 3.0])).values
    Tensor(2.)
    """
    x = _t(input, "mode")
    if x.ndim == 0:
        return ModeResult(x, _make(np.zeros((), np.int64), None))
    d = normalize_dim(dim, x.ndim, "mode")
    moved = np.moveaxis(x.data, d, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    best = np.empty(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        vals, counts = np.unique(row, return_counts=True)
        v = vals[np.argmax(counts)]
        best[r] = np.nonzero(row == v)[0][-1]
    idx = np.expand_dims(best.reshape(moved.shape[:-1]), d)
    vals_t = ad.gather(x, d, Tensor(idx))
    if not keepdim:
        return ModeResult(vals_t.squeeze(d), _make(idx.squeeze(d), None))
    return ModeResult(vals_t, _make(idx, None))


_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


@R.op(
    samples=lambda: [
        _s(R.distinct(3, 5), 0.3),
        _s(R.distinct(3, 5, seed=1), 0.5, 1, True),
        _s(R.distinct(7, seed=2), ad.tensor([0.1, 0.9], dtype=ad.float64)),
        _s(R.distinct(2, 5, seed=3), 0.4, 1, interpolation="midpoint"),
    ],
    method=True,
)
@numpy_names
def quantile(
    input: Tensor,
    q: float | Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,  # noqa: A002
    interpolation: str = "linear",
) -> Tensor:
    """The ``q``-th quantiles along ``dim`` (of all values by default), as PyTorch:
    a 1-d ``q`` puts its dimension first; ``interpolation`` as NumPy's ``method``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.quantile(autodiff.tensor([1.0, 2.0, 3.0, 4.0]), 0.5)
    Tensor(2.5)
    """
    return _quantile(input, q, dim, keepdim, interpolation, "quantile", ignore_nan=False)


@R.op(
    samples=lambda: [_s(R.distinct(3, 5), 0.3), _s(R.distinct(3, 5, seed=1), 0.5, 1, True)],
    method=True,
)
@numpy_names
def nanquantile(
    input: Tensor,
    q: float | Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,  # noqa: A002
    interpolation: str = "linear",
) -> Tensor:
    """:func:`quantile` of the values that are not NaN.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nanquantile(autodiff.tensor([1.0, float("nan"), 3.0]), 0.5)
    Tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, "nanquantile", ignore_nan=True)


def _quantile(
    input: TensorLike, q: float | Tensor, dim: Dims, keepdim, interpolation, name, ignore_nan
) -> Tensor:
    x = _t(input, name)
    if x.data.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERP:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or "
            f"nearest, but got {interpolation}"
        )
    scalar_q = not isinstance(q, Tensor)
    qa = np.atleast_1d(np.asarray(q.data if isinstance(q, Tensor) else q, dtype=np.float64))
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.data.dtype != x.data.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        scalar_q = q.ndim == 0
    if ((qa < 0) | (qa > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if dim is None:
        src = x.reshape(-1)
        d = 0
    else:
        d = normalize_dim(dim, x.ndim, name)
        src = x if x.ndim else x.reshape(1)
    order = np.argsort(src.data, axis=d, kind="stable")  # NaN last
    srt = ad.gather(src, d, Tensor(order))
    n = src.shape[d]
    valid = (~np.isnan(src.data)).sum(axis=d, keepdims=True) if ignore_nan else None
    outs = []
    for qv in qa:
        if ignore_nan:
            pos = qv * np.maximum(valid - 1, 0).astype(np.float64)
        else:
            pos = np.full([1 if i == d else s for i, s in enumerate(src.shape)], qv * (n - 1))
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(np.ceil(pos).astype(np.int64), n - 1)
        frac = pos - lo
        if interpolation == "lower":
            hi, frac = lo, frac * 0
        elif interpolation == "higher":
            lo, frac = hi, frac * 0
        elif interpolation == "nearest":
            near = np.where(frac <= 0.5, lo, hi)
            # ties go to the even index (as PyTorch's round)
            near = np.where(frac == 0.5, np.where(lo % 2 == 0, lo, hi), near)
            lo = hi = near
            frac = frac * 0
        elif interpolation == "midpoint":
            frac = np.where(hi > lo, 0.5, 0.0)
        shape = list(src.shape)
        shape[d] = 1
        lo_b = np.broadcast_to(lo, shape)
        hi_b = np.broadcast_to(hi, shape)
        vlo = ad.gather(srt, d, Tensor(np.ascontiguousarray(lo_b)))
        vhi = ad.gather(srt, d, Tensor(np.ascontiguousarray(hi_b)))
        f = Tensor(np.broadcast_to(frac, shape).astype(x.data.dtype))
        val = ad.add(vlo, ad.mul(ad.sub(vhi, vlo), f))
        if ignore_nan:
            allnan = Tensor(np.broadcast_to(valid == 0, shape))
            val = ad.where(allnan, ad.full_like(val, float("nan")), val)
        elif np.isnan(src.data).any():
            hasnan = Tensor(np.isnan(src.data).any(axis=d, keepdims=True))
            val = ad.where(hasnan, ad.full_like(val, float("nan")), val)
        if dim is None:
            val = val.reshape([1] * x.ndim) if keepdim else val.reshape(())
        elif not keepdim and x.ndim:
            val = val.squeeze(d)
        elif x.ndim == 0:
            val = val.reshape(())
        outs.append(val)
    return outs[0] if scalar_q else ad.stack(outs, 0)


@R.op(
    samples=lambda: [_s(ad.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]]))],
    method=True,
    differentiable=False,
)
@numpy_names(keepdim=False)
def count_nonzero(input: Tensor, dim: Dims = None) -> Tensor:  # noqa: A002
    """The number of non-zero values, over ``dim`` (an int or a tuple; all by default).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.count_nonzero(autodiff.tensor([[0.0, 1.0], [2.0, 3.0]]), dim=0)
    Tensor([1, 2])
    """
    x = _t(input, "count_nonzero")
    axes = normalize_dims(dim, x.ndim, "count_nonzero")
    return _make(np.asarray(np.count_nonzero(x.data, axis=axes), dtype=np.int64), None)


@R.op(samples=lambda: [_s(R.randn(3, 4)), _s(R.randn(4, 4, seed=1))], method=True)
def trace(input: Tensor) -> Tensor:  # noqa: A002
    """Sum of the main diagonal of a 2-d tensor.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.trace(autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor(5.)
    """
    x = _t(input, "trace")
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    if x.data.dtype.kind in "bi":
        return ad.sum(ad.diagonal(x).to(np.int64))
    return ad.sum(ad.diagonal(x))


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4), R.randn(3, 4, seed=1)),
        _s(R.randn(5), R.randn(5, seed=2), 1),
    ],
    method=True,
)
def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The ``p``-norm of ``input - other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.dist(autodiff.tensor([0.0, 0.0]), autodiff.tensor([3.0, 4.0]))
    Tensor(5.)
    """
    return ad.norm(ad.sub(input, other), p)


# ------------------------------------------------------------- linear algebra
@R.op(samples=lambda: [_s(R.randn(2, 3), R.randn(3, 4, seed=1))], method=True)
def mm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002
    """Matrix product of two 2-d tensors.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.mm(autodiff.ones(2, 3), autodiff.ones(3, 1))
    Tensor([[3.],
            [3.]])
    """
    a, b = _t(input, "input"), _t(mat2, "mat2")
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return ad.matmul(a, b)


@R.op(samples=lambda: [_s(R.randn(2, 3), R.randn(3, seed=1))], method=True)
def mv(input: Tensor, vec: Tensor) -> Tensor:  # noqa: A002
    """Matrix-vector product.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.mv(autodiff.ones(2, 3), autodiff.ones(3))
    Tensor([3., 3.])
    """
    a, v = _t(input, "input"), _t(vec, "vec")
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {a.ndim}, {a.ndim}, {v.ndim}")
    return ad.matmul(a, v)


@R.op(
    samples=lambda: [_s(R.randn(3), R.randn(3, seed=1)), _s(R.randn(2, 3), R.randn(4, 3, seed=2))],
    method=True,
)
def inner(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Sum of products over the last dimension of both (a scalar factor: a product).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.inner(autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0]))
    Tensor(11.)
    """
    a, b = _t(input, "input"), _t(other, "other")
    if a.ndim == 0 or b.ndim == 0:
        return ad.mul(a, b)
    return tensordot(a, b, ([-1], [-1]))


@R.op(
    samples=lambda: [
        _s(R.randn(2), R.randn(2, 3, seed=1), R.randn(3, seed=2)),
        _s(R.randn(2), R.randn(2, 3, seed=3), R.randn(3, seed=4), beta=0.5, alpha=2.0),
    ],
    method=True,
)
def addmv(
    input: Tensor, mat: Tensor, vec: Tensor, *, beta: Number = 1, alpha: Number = 1
) -> Tensor:  # noqa: A002
    """``beta * input + alpha * (mat @ vec)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addmv(autodiff.ones(2), autodiff.ones(2, 3), autodiff.ones(3), alpha=2)
    Tensor([7., 7.])
    """
    return _beta_alpha(input, mv(mat, vec), beta, alpha)


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3), R.randn(2, seed=1), R.randn(3, seed=2)),
        _s(R.randn(3), R.randn(2, seed=3), R.randn(3, seed=4), beta=0.0),
    ],
    method=True,
)
def addr(
    input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Number = 1, alpha: Number = 1
) -> Tensor:  # noqa: A002
    """``beta * input + alpha * outer(vec1, vec2)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addr(autodiff.zeros(2, 2), autodiff.ones(2), autodiff.tensor([1.0, 2.0]))
    Tensor([[1., 2.],
            [1., 2.]])
    """
    return _beta_alpha(input, ad.outer(vec1, vec2), beta, alpha)


@R.op(
    samples=lambda: [_s(R.randn(2, 4), R.randn(3, 2, 3, seed=1), R.randn(3, 3, 4, seed=2))],
    method=True,
)
def addbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Number = 1, alpha: Number = 1
) -> Tensor:  # noqa: A002
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addbmm(autodiff.zeros(1, 1), autodiff.ones(2, 1, 3), autodiff.ones(2, 3, 1))
    Tensor([[6.]])
    """
    return _beta_alpha(input, ad.sum(ad.bmm(batch1, batch2), 0), beta, alpha)


def _beta_alpha(input: TensorLike, prod, beta: Number, alpha: Number) -> Tensor:
    x = _t(input, "input")
    if alpha != 1:
        prod = ad.mul(prod, alpha)
    if beta == 0:  # input is ignored (NaN in it does not propagate), as PyTorch
        shape = np.broadcast_shapes(x.shape, prod.shape)
        return ad.broadcast_to(prod, shape) if prod.shape != shape else prod
    return ad.add(x if beta == 1 else ad.mul(x, beta), prod)


@R.op(
    samples=lambda: [_s(R.randn(2, 3), R.randn(3, 4, seed=1), R.randn(4, 2, seed=2))],
    check=lambda *ts: chain_matmul(*ts),
)
def chain_matmul(*matrices: Tensor) -> Tensor:
    """Product of 2-d tensors, left to right (deprecated in PyTorch for linalg.multi_dot).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.chain_matmul(autodiff.ones(2, 3), autodiff.ones(3, 1)).shape
    (2, 1)
    """
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    out = matrices[0]
    for m in matrices[1:]:
        out = mm(out, m)
    return out


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3, 4), R.randn(3, 4, 5, seed=1)),
        _s(R.randn(2, 3), R.randn(3, 2, seed=2), dims=([1, 0], [0, 1])),
        _s(R.randn(3, 2), R.randn(2, 4, seed=3), 1),
    ]
)
def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contract ``a``'s last ``dims`` dimensions with ``b``'s first (or the pairs
    ``dims = (dims_a, dims_b)``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensordot(autodiff.ones(2, 3), autodiff.ones(3, 4), dims=1).shape
    (2, 4)
    """
    a, b = _t(a, "a"), _t(b, "b")
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    da = [normalize_dim(d, a.ndim, "tensordot") for d in da]
    db = [normalize_dim(d, b.ndim, "tensordot") for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[i]} in "
                f"dim {i} and second has size {b.shape[j]} in dim {j}"
            )
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    la = list(letters[: a.ndim])
    lb = list(letters[a.ndim : a.ndim + b.ndim])
    for i, j in zip(da, db):
        lb[j] = la[i]
    out = [c for k, c in enumerate(la) if k not in da] + [
        c for k, c in enumerate(lb) if k not in db
    ]
    return ad.einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b)


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3), R.randn(2, 2, seed=1)),
        _s(R.randn(3), R.randn(2, 2, seed=2)),
    ],
    method=True,
)
def kron(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Kronecker product.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.kron(autodiff.eye(2), autodiff.ones(1, 2))
    Tensor([[1., 1., 0., 0.],
            [0., 0., 1., 1.]])
    """
    a, b = _t(input, "input"), _t(other, "other")
    n = builtins.max(a.ndim, b.ndim)
    a = a.reshape((1,) * (n - a.ndim) + a.shape)
    b = b.reshape((1,) * (n - b.ndim) + b.shape)
    ash, bsh = a.shape, b.shape
    ai = a.reshape(tuple(x for s in ash for x in (s, 1)))
    bi = b.reshape(tuple(x for s in bsh for x in (1, s)))
    return ad.mul(ai, bi).reshape(tuple(p * q for p, q in zip(ash, bsh)))


@R.op(
    samples=lambda: [
        _s(R.randn(4, 3), R.randn(4, 3, seed=1)),
        _s(R.randn(3, 5), R.randn(3, 5, seed=2), dim=0),
    ],
    method=True,
)
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """Cross product of 3-vectors along ``dim`` (by default the first dimension of
    size 3, as PyTorch's ``torch.cross``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cross(autodiff.tensor([1.0, 0.0, 0.0]), autodiff.tensor([0.0, 1.0, 0.0]))
    Tensor([0., 0., 1.])
    """
    a, b = _t(input, "input"), _t(other, "other")
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = np.broadcast_shapes(a.shape, b.shape)
    a, b = ad.broadcast_to(a, shape), ad.broadcast_to(b, shape)
    if dim is None:
        dims3 = [i for i, s in enumerate(shape) if s == 3]
        if not dims3:
            raise RuntimeError("no dimension of size 3 in input")
        d = dims3[0]
    else:
        d = normalize_dim(dim, len(shape), "cross")
        if shape[d] != 3:
            raise RuntimeError(
                f"linalg.cross: inputs dimension {d} must have length 3. Got {a.shape[d]} "
                f"and {b.shape[d]}"
            )

    def c(t, i):
        return ad.narrow(t, d, i, 1)

    parts = [
        ad.sub(ad.mul(c(a, 1), c(b, 2)), ad.mul(c(a, 2), c(b, 1))),
        ad.sub(ad.mul(c(a, 2), c(b, 0)), ad.mul(c(a, 0), c(b, 2))),
        ad.sub(ad.mul(c(a, 0), c(b, 1)), ad.mul(c(a, 1), c(b, 0))),
    ]
    return ad.cat(parts, d)


@R.op(
    samples=lambda: [
        _s(R.randn(3, 2), R.randn(4, 2, seed=1)),
        _s(R.randn(2, 3, 2, seed=2), R.randn(2, 4, 2, seed=3), p=1.0),
    ]
)
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """Pairwise ``p``-norm distances between the rows of ``x1`` and ``x2`` (batched).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cdist(autodiff.tensor([[0.0, 0.0]]), autodiff.tensor([[3.0, 4.0]]))
    Tensor([[5.]])
    """
    a, b = _t(x1, "x1"), _t(x2, "x2")
    if a.ndim < 2 or b.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {a.ndim}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: {b.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = ad.sub(a.unsqueeze(-2), b.unsqueeze(-3))
    if p == 0:
        return ad.sum((diff != 0).to(diff.dtype), -1)
    if p == float("inf"):
        return ad.amax(ad.abs(diff), -1)
    return ad.norm(diff, p, dim=-1)


# --------------------------------------------------------------- indexing
def _index_along(index: Tensor, dim: int, shape) -> Tensor:
    view = [1] * len(shape)
    if len(shape):
        view[dim] = -1
    return Tensor(
        np.ascontiguousarray(
            np.broadcast_to(np.asarray(index.data, dtype=np.int64).reshape(view), shape)
        )
    )


def _check_index(index, name: str) -> Tensor:
    idx = _t(index, "index")
    if idx.data.dtype.kind not in "iu":
        raise RuntimeError(
            f"{name}_(): Expected dtype int32/int64 for index but got: {_tname(idx.dtype)}"
        )
    if idx.ndim > 1:
        raise IndexError(f"{name}_(): Index is supposed to be a vector")
    return idx


def _index_samples():
    return [
        _s(R.randn(4, 3), 0, ad.tensor([0, 2, 0]), R.randn(3, 3, seed=1)),
        _s(R.randn(3, 4, seed=2), 1, ad.tensor([3, 1]), R.randn(3, 2, seed=3), alpha=2.0),
    ]


@R.op(samples=_index_samples, method=True)
def index_add(
    input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Number = 1
) -> Tensor:  # noqa: A002
    """A copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``
    (repeated indices add up).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).index_add(0, autodiff.tensor([0, 0, 2]), autodiff.ones(3))
    Tensor([2., 0., 1.])
    """
    x, src = _t(input, "input"), _t(source, "source")
    idx = _check_index(index, "index_add")
    d = normalize_dim(dim, x.ndim, "index_add")
    if src.ndim != x.ndim and not (x.ndim <= 1 and src.ndim <= 1):
        raise IndexError("index_add_(): Source/destination tensor must have same slice shapes.")
    n = idx.data.size
    if (src.shape[d] if src.ndim else 1) != n:
        raise RuntimeError(
            f"index_add_(): Number of indices ({n}) should be equal to source.size(dim): "
            f"({src.shape[d] if src.ndim else 1}), for dim: {d}"
        )
    if n and ((idx.data < -x.shape[d]) | (idx.data >= x.shape[d])).any() if x.ndim else False:
        raise IndexError("index out of range in self")
    if alpha != 1:
        src = ad.mul(src, alpha)
    if x.ndim == 0:
        return ad.add(x, ad.sum(src))
    if src.dtype != x.dtype:
        src = src.to(x.dtype)
    return ad.scatter_add(x, d, _index_along(idx, d, src.shape), src)


@R.op(
    samples=lambda: [_s(R.randn(4, 3), 0, ad.tensor([3, 1, 0]), R.randn(3, 3, seed=1))], method=True
)
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:  # noqa: A002
    """A copy of ``input`` with the slices at ``index`` along ``dim`` replaced by ``source``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).index_copy(0, autodiff.tensor([2]), autodiff.tensor([5.0]))
    Tensor([0., 0., 5.])
    """
    x, src = _t(input, "input"), _t(source, "source")
    idx = _check_index(index, "index_copy")
    d = normalize_dim(dim, x.ndim, "index_copy")
    if (src.shape[d] if src.ndim else 1) != idx.data.size:
        raise IndexError(
            f"index_copy_(): Number of indices ({idx.data.size}) should be equal to "
            f"source.size(dim) ({src.shape[d] if src.ndim else 1})"
        )
    if x.ndim == 0:
        return src.reshape(())
    return ad.scatter(x, d, _index_along(idx, d, src.shape), src.to(x.dtype))


@R.op(samples=lambda: [_s(R.randn(4, 3), 1, ad.tensor([0, 2]), -1.5)], method=True)
def index_fill(input: Tensor, dim: int, index: Tensor, value: Number) -> Tensor:  # noqa: A002
    """A copy of ``input`` with the slices at ``index`` along ``dim`` set to ``value``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3).index_fill(1, autodiff.tensor([0, 2]), 7.0)
    Tensor([[7., 0., 7.],
            [7., 0., 7.]])
    """
    x = _t(input, "input")
    idx = _check_index(index, "index_fill")
    d = normalize_dim(dim, x.ndim, "index_fill")
    mask = np.zeros(x.shape, dtype=bool)
    if x.ndim == 0:
        mask[...] = idx.data.size > 0
    else:
        sl = [slice(None)] * x.ndim
        sl[d] = np.asarray(idx.data).reshape(-1)
        mask[tuple(sl)] = True
    return ad.masked_fill(x, Tensor(mask), value)


@R.op(samples=lambda: [_s(R.randn(3, 4), ad.tensor([0, 5, 11, -1]))], method=True)
def take(input: Tensor, index: Tensor) -> Tensor:  # noqa: A002
    """``input.flatten()[index]``: the result has ``index``'s shape.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.take(autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]), autodiff.tensor([0, 3]))
    Tensor([1., 4.])
    """
    x = _t(input, "input")
    idx = _t(index, "index")
    if idx.data.dtype.kind not in "iu":
        raise IndexError(f"take(): Expected a long tensor for index, but got {idx.dtype}")
    n = x.data.size
    if ((idx.data >= n) | (idx.data < -n)).any():
        raise IndexError(
            f"out of range: tried to access index {int(idx.data.max())} on a "
            f"tensor of {n} elements."
        )
    return x.reshape(-1)[idx.reshape(-1)].reshape(idx.shape)


@R.op(samples=lambda: [_s(ad.tensor([1, 3, 1, 0, 5]))], method=True, differentiable=False)
def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:  # noqa: A002
    """How often each value 0..max occurs in a 1-d non-negative integer tensor (the sum
    of ``weights`` per value, if given); at least ``minlength`` bins.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.bincount(autodiff.tensor([0, 2, 2]))
    Tensor([1, 0, 2])
    """
    x = _t(input, "input")
    if x.ndim != 1 or x.data.dtype.kind not in "iub":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if x.data.size and x.data.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _make(np.bincount(x.data, minlength=minlength).astype(np.int64), None)
    w = _t(weights, "weights")
    if w.shape != x.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = w.data.dtype if w.data.dtype.kind == "f" else np.float64
    out = np.bincount(x.data, weights=w.data.astype(np.float64), minlength=minlength)
    return _make(out.astype(np.float64 if dt != np.float32 else np.float32), None)


UniqueResult = tuple


@R.op(
    samples=lambda: [_s(ad.tensor([3, 1, 3, 2]))],
    method=True,
    differentiable=False,
    check=lambda *a, **k: unique(*a, **k),
)
def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,  # noqa: A002
    return_counts: bool = False,
    dim: int | None = None,
) -> Tensor | tuple:
    """The distinct values (sorted), with the inverse indices and counts if asked for;
    with ``dim``, the distinct slices along it.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.unique(autodiff.tensor([3, 1, 3]), return_counts=True)
    (Tensor([1, 3]), Tensor([1, 2]))
    """
    x = _t(input, "input")
    if dim is None:
        vals, inv, counts = np.unique(x.data, return_inverse=True, return_counts=True)
        inv = inv.reshape(x.shape)
    else:
        d = normalize_dim(dim, x.ndim, "unique")
        vals, inv, counts = np.unique(x.data, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    out = [_make(vals, None)]
    if return_inverse:
        out.append(_make(inv.astype(np.int64), None))
    if return_counts:
        out.append(_make(counts.astype(np.int64), None))
    return out[0] if len(out) == 1 else tuple(out)


@R.op(
    samples=lambda: [_s(ad.tensor([1, 1, 2, 2, 3, 1, 1]))],
    method=True,
    differentiable=False,
    check=lambda *a, **k: unique_consecutive(*a, **k),
)
def unique_consecutive(
    input: Tensor,
    return_inverse: bool = False,  # noqa: A002
    return_counts: bool = False,
    dim: int | None = None,
) -> Tensor | tuple:
    """Each run of equal consecutive values (slices along ``dim``) collapsed to one.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.unique_consecutive(autodiff.tensor([1, 1, 2, 1]))
    Tensor([1, 2, 1])
    """
    x = _t(input, "input")
    if dim is None:
        flat = x.data.reshape(-1)
        d, moved = 0, flat.reshape(-1, 1) if flat.size else flat.reshape(0, 1)
        shape_inv = x.shape
    else:
        d = normalize_dim(dim, x.ndim, "unique_consecutive")
        moved = np.moveaxis(x.data, d, 0).reshape(x.shape[d], -1)
        shape_inv = (x.shape[d],)
    if moved.shape[0] == 0:
        starts = np.zeros(0, bool)
    else:
        starts = np.concatenate([[True], (moved[1:] != moved[:-1]).any(axis=1)])
    inv = np.cumsum(starts) - 1
    first = np.nonzero(starts)[0]
    counts = np.diff(np.append(first, moved.shape[0]))
    if dim is None:
        vals = x.data.reshape(-1)[first]
    else:
        vals = np.take(x.data, first, axis=d)
    out = [_make(vals, None)]
    if return_inverse:
        out.append(_make(inv.reshape(shape_inv).astype(np.int64), None))
    if return_counts:
        out.append(_make(counts.astype(np.int64), None))
    return out[0] if len(out) == 1 else tuple(out)


@R.op(
    samples=lambda: [_s(ad.tensor([1.0, 3.0, 5.0, 7.0]), ad.tensor([[3.0, 6.0], [0.0, 9.0]]))],
    differentiable=False,
)
def searchsorted(
    sorted_sequence: Tensor,
    input: TensorLike,
    *,
    out_int32: bool = False,  # noqa: A002
    right: bool = False,
    side: str | None = None,
    sorter: Tensor | None = None,
) -> Tensor:
    """Indices where ``input``'s values would be inserted to keep ``sorted_sequence``
    sorted (along its last dimension; batched when it has more).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.searchsorted(autodiff.tensor([1.0, 3.0, 5.0]), autodiff.tensor([3.0, 4.0]))
    Tensor([1, 2])
    """
    seq = _t(sorted_sequence, "sorted_sequence")
    scalar = not isinstance(input, Tensor)
    vals = _t(input, "input")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side "
                "of left while right was True"
            )
        right = side == "right"
    s = "right" if right else "left"
    sd = seq.data
    if sorter is not None:
        sd = np.take_along_axis(sd, _t(sorter).data, axis=-1)
    dt = np.int32 if out_int32 else np.int64
    if sd.ndim <= 1:
        return _make(np.asarray(np.searchsorted(sd, vals.data, side=s), dtype=dt), None)
    if scalar or sd.shape[:-1] != vals.shape[:-1]:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(sd.shape)} and input value tensor {list(vals.shape)}"
        )
    rows = sd.reshape(-1, sd.shape[-1])
    vrows = vals.data.reshape(-1, vals.shape[-1])
    out = np.stack([np.searchsorted(r, v, side=s) for r, v in zip(rows, vrows)])
    return _make(out.reshape(vals.shape).astype(dt), None)


@R.op(
    samples=lambda: [_s(ad.tensor([[3.0, 6.0], [0.0, 9.0]]), ad.tensor([1.0, 3.0, 5.0]))],
    differentiable=False,
)
def bucketize(
    input: TensorLike,
    boundaries: Tensor,
    *,
    out_int32: bool = False,  # noqa: A002
    right: bool = False,
) -> Tensor:
    """The bucket of each value of ``input`` among the 1-d sorted ``boundaries``
    (``right=False``: ``boundaries[i-1] < x <= boundaries[i]``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.bucketize(autodiff.tensor([3.0, 4.0]), autodiff.tensor([1.0, 3.0, 5.0]))
    Tensor([1, 2])
    """
    b = _t(boundaries, "boundaries")
    if b.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    return searchsorted(b, input, out_int32=out_int32, right=right)


@R.op(samples=lambda: [_s(R.randn(3, 4))], method=True)
@numpy_names(keepdim=False)
def diff(
    input: Tensor,
    n: int = 1,
    dim: int = -1,
    prepend: Tensor | None = None,  # noqa: A002
    append: Tensor | None = None,
) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (after joining ``prepend`` and
    ``append``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.diff(autodiff.tensor([1.0, 4.0, 9.0]))
    Tensor([3., 5.])
    """
    x = _t(input, "input")
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = normalize_dim(dim, x.ndim, "diff")
    parts = [t for t in (prepend, x, append) if t is not None]
    if len(parts) > 1:
        parts = [
            p
            if isinstance(p, Tensor) and p.ndim
            else ad.broadcast_to(_t(p), x.shape[:d] + (1,) + x.shape[d + 1 :])
            for p in parts
        ]
        x = ad.cat(parts, d)
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break
        if x.data.dtype.kind == "b":
            x = ad.logical_xor(ad.narrow(x, d, 1, m - 1), ad.narrow(x, d, 0, m - 1))
        else:
            x = ad.sub(ad.narrow(x, d, 1, m - 1), ad.narrow(x, d, 0, m - 1))
    return x


# --------------------------------------------------------------- shapes
@R.op(
    samples=lambda: [_s(R.randn(2, 3, 4), 0, 2), _s(R.randn(2, 3, 4, seed=1), (0, 1), (2, 0))],
    method=True,
)
def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:  # noqa: A002
    """Move dimension(s) ``source`` to position(s) ``destination``; the others keep
    their order.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.movedim(autodiff.zeros(2, 3, 4), 0, -1).shape
    (3, 4, 2)
    """
    x = _t(input, "input")
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should "
            f"contain the same number of dims as destination ({dst} dims)"
        )
    src = [normalize_dim(s, x.ndim, "movedim") for s in src]
    dst = [normalize_dim(s, x.ndim, "movedim") for s in dst]
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    if x.ndim == 0:
        return x
    rest = [i for i in range(x.ndim) if i not in src]
    order = [None] * x.ndim
    for s, d in zip(src, dst):
        order[d] = s
    it = iter(rest)
    order = [o if o is not None else next(it) for o in order]
    return ad.permute(x, *order)


@R.op(samples=lambda: [_s(R.randn(2, 3, 4), 0, 2)], method=True)
def moveaxis(input: Tensor, source: Any, destination: Any) -> Tensor:  # noqa: A002
    """Alias of :func:`movedim`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.moveaxis(autodiff.zeros(2, 3), 0, 1).shape
    (3, 2)
    """
    return movedim(input, source, destination)


@R.op(samples=lambda: [_s(R.randn(2, 3, 4), 0, 2)], method=True)
def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:  # noqa: A002
    """Alias of :func:`transpose`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.swapaxes(autodiff.zeros(2, 3), 0, 1).shape
    (3, 2)
    """
    return ad.transpose(input, axis0, axis1)


@R.op(samples=lambda: [_s(R.randn(2, 3, 4), 0, 2)], method=True)
def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:  # noqa: A002
    """Alias of :func:`transpose`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.swapdims(autodiff.zeros(2, 3), 0, 1).shape
    (3, 2)
    """
    return ad.transpose(input, dim0, dim1)


@R.op(samples=lambda: [_s(R.randn(2, 3))], method=True)
def ravel(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` flattened to 1-d.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ravel(autodiff.zeros(2, 3)).shape
    (6,)
    """
    return _t(input, "input").reshape(-1)


@R.op(samples=lambda: [_s(R.randn(2, 3), (2, 1)), _s(R.randn(3, seed=1), (2, 2))], method=True)
def tile(input: Tensor, dims: Any) -> Tensor:  # noqa: A002
    """``input`` repeated ``dims[i]`` times along each dimension (``dims`` shorter than
    ``input.ndim`` is padded with ones in front).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tile(autodiff.tensor([1.0, 2.0]), (2,))
    Tensor([1., 2., 1., 2.])
    """
    x = _t(input, "input")
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(dims) < x.ndim:
        dims = (1,) * (x.ndim - len(dims)) + dims
    return ad.repeat(x, *dims)


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3)),
        _s(R.randn(2, 3, seed=1), 3, (0, 1)),
        _s(R.randn(2, 3, 2, seed=2), -1, (1, 2)),
    ],
    method=True,
)
def rot90(input: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:  # noqa: A002
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first toward
    the second).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.rot90(autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([[2., 4.],
            [1., 3.]])
    """
    x = _t(input, "input")
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x.ndim}")
    d0, d1 = (normalize_dim(d, x.ndim, "rot90") for d in dims)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
        )
    k %= 4
    if k == 1:
        return ad.transpose(ad.flip(x, [d1]), d0, d1)
    if k == 2:
        return ad.flip(x, [d0, d1])
    if k == 3:
        return ad.flip(ad.transpose(x, d0, d1), [d1])
    return x.clone()


@R.op(samples=lambda: [_s(R.randn(2, 3))], method=True)
def flipud(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` flipped along dimension 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.flipud(autodiff.tensor([1.0, 2.0]))
    Tensor([2., 1.])
    """
    return ad.flip(input, [0])


@R.op(samples=lambda: [_s(R.randn(2, 3))], method=True)
def fliplr(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` flipped along dimension 1 (needs at least 2 dimensions).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.fliplr(autodiff.tensor([[1.0, 2.0]]))
    Tensor([[2., 1.]])
    """
    x = _t(input, "input")
    if x.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return ad.flip(x, [1])


def _atleast(k: int, name: str):
    def f(*tensors: Any) -> Tensor | tuple[Tensor, ...]:
        if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            tensors = tuple(tensors[0])
            many = True
        else:
            many = len(tensors) > 1
        outs = []
        for t in tensors:
            t = _t(t, name)
            if t.ndim < k:
                if k == 3 and t.ndim == 2:
                    t = t.unsqueeze(-1)
                elif k == 3 and t.ndim == 1:
                    t = t.reshape(1, -1, 1)
                else:
                    t = t.reshape((1,) * (k - t.ndim) + t.shape)
            outs.append(t)
        return tuple(outs) if many else outs[0]

    f.__name__ = f.__qualname__ = name
    return f


def _doc(fn, text: str):
    fn.__doc__ = text
    return fn


atleast_1d = R.op("atleast_1d", samples=lambda: [_s(R.randn()), _s(R.randn(3))])(
    _doc(
        _atleast(1, "atleast_1d"),
        """Each tensor with at least 1 dimension (a tuple for several).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.atleast_1d(autodiff.tensor(1.0)).shape
    (1,)
    """,
    )
)
atleast_2d = R.op("atleast_2d", samples=lambda: [_s(R.randn()), _s(R.randn(3))])(
    _doc(
        _atleast(2, "atleast_2d"),
        """Each tensor with at least 2 dimensions (a 1-d ``x`` is ``1 x n``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.atleast_2d(autodiff.zeros(3)).shape
    (1, 3)
    """,
    )
)
atleast_3d = R.op("atleast_3d", samples=lambda: [_s(R.randn(3)), _s(R.randn(2, 3))])(
    _doc(
        _atleast(3, "atleast_3d"),
        """Each tensor with at least 3 dimensions (1-d: ``1 x n x 1``,
    2-d: ``m x n x 1``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.atleast_3d(autodiff.zeros(2, 3)).shape
    (2, 3, 1)
    """,
    )
)


def _seq(tensors: Any, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' must be a tuple of Tensors")
    return [_t(t, name) for t in tensors]


_JOIN = lambda: [_s(R.randn(2, 3), R.randn(2, 3, seed=1)), _s(R.randn(3), R.randn(3, seed=2))]  # noqa: E731


@R.op(samples=_JOIN, check=lambda *ts: hstack(list(ts)))
def hstack(tensors: Any) -> Tensor:
    """Join along dimension 1 (dimension 0 for 1-d tensors).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.hstack([autodiff.zeros(2, 1), autodiff.ones(2, 2)]).shape
    (2, 3)
    """
    ts = _atleast(1, "hstack")(_seq(tensors, "hstack"))
    ts = list(ts) if isinstance(ts, tuple) else [ts]
    return ad.cat(ts, 0 if ts[0].ndim == 1 else 1)


@R.op(samples=_JOIN, check=lambda *ts: vstack(list(ts)))
def vstack(tensors: Any) -> Tensor:
    """Join along dimension 0 (1-d tensors become rows).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.vstack([autodiff.zeros(3), autodiff.ones(3)]).shape
    (2, 3)
    """
    ts = _atleast(2, "vstack")(_seq(tensors, "vstack"))
    return ad.cat(list(ts) if isinstance(ts, tuple) else [ts], 0)


@R.op("row_stack", samples=_JOIN, check=lambda *ts: row_stack(list(ts)))
def row_stack(tensors: Any) -> Tensor:
    """Alias of :func:`vstack`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.row_stack([autodiff.zeros(3), autodiff.ones(3)]).shape
    (2, 3)
    """
    return vstack(tensors)


@R.op(samples=_JOIN, check=lambda *ts: dstack(list(ts)))
def dstack(tensors: Any) -> Tensor:
    """Join along dimension 2 (after :func:`atleast_3d`).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.dstack([autodiff.zeros(2, 3), autodiff.ones(2, 3)]).shape
    (2, 3, 2)
    """
    ts = _atleast(3, "dstack")(_seq(tensors, "dstack"))
    return ad.cat(list(ts) if isinstance(ts, tuple) else [ts], 2)


@R.op(samples=_JOIN, check=lambda *ts: column_stack(list(ts)))
def column_stack(tensors: Any) -> Tensor:
    """Join as columns: 0-d and 1-d tensors become columns, then :func:`hstack`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.column_stack([autodiff.zeros(3), autodiff.ones(3)]).shape
    (3, 2)
    """
    ts = [t.reshape(-1, 1) if t.ndim <= 1 else t for t in _seq(tensors, "column_stack")]
    return ad.cat(ts, 1)


@R.op(
    samples=lambda: [_s(R.randn(2, 3), R.randn(3, seed=1)), _s(R.randn(2, 1), R.randn(1, 4))],
    check=lambda *ts: broadcast_tensors(*ts)[0] * 1.0 + broadcast_tensors(*ts)[1] * 2.0,
)
def broadcast_tensors(*tensors: Tensor) -> tuple:
    """The tensors expanded to their common broadcast shape.

    Examples
    --------
    >>> import autodiff
    >>> a, b = autodiff.broadcast_tensors(autodiff.zeros(2, 1), autodiff.zeros(3))
    >>> a.shape, b.shape
    ((2, 3), (2, 3))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    ts = [_t(t) for t in tensors]
    try:
        shape = np.broadcast_shapes(*(t.shape for t in ts))
    except ValueError:
        raise RuntimeError(
            "The size of tensors do not match: shapes "
            f"{', '.join(str(list(t.shape)) for t in ts)} do not broadcast"
        ) from None
    return tuple(ad.broadcast_to(t, shape) for t in ts)


@R.op(
    samples=lambda: [_s(R.randn(3), R.randn(2, seed=1))],
    check=lambda *ts, **k: ad.stack(list(meshgrid(*ts, indexing="ij")), 0),
)
def meshgrid(*tensors: Tensor, indexing: str | None = None) -> tuple:
    """Coordinate grids of 1-d tensors: ``indexing="ij"`` (the default, as PyTorch) or
    ``"xy"`` (the first two dimensions swapped).

    Examples
    --------
    >>> import autodiff
    >>> x, y = autodiff.meshgrid(autodiff.zeros(3), autodiff.zeros(2), indexing="xy")
    >>> x.shape
    (2, 3)
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    ts = [_t(t) for t in tensors]
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    for t in ts:
        if t.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.shape}"
            )
    ts = [t.reshape(-1) for t in ts]
    swap = indexing == "xy" and len(ts) >= 2
    shape = tuple(t.shape[0] for t in ts)
    n = len(ts)
    grids = [
        ad.broadcast_to(t.reshape([-1 if i == k else 1 for i in range(n)]), shape)
        for k, t in enumerate(ts)
    ]
    if swap:  # "xy": the first two dimensions of each grid swapped
        grids = [g.transpose(0, 1) for g in grids]
    return tuple(grids)


@R.op(samples=lambda: [_s(R.randn(3), R.randn(2, seed=1))], check=lambda *ts: cartesian_prod(*ts))
def cartesian_prod(*tensors: Tensor) -> Tensor:
    """All combinations of the 1-d tensors' elements, one row each (1-d for one tensor).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cartesian_prod(autodiff.tensor([1, 2]), autodiff.tensor([3, 4]))
    Tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    if len(tensors) == 1:
        return _t(tensors[0])
    grids = meshgrid(*tensors, indexing="ij")
    return ad.stack([g.reshape(-1) for g in grids], 1)


@R.op(
    samples=lambda: [_s(R.randn(2, 3), R.randn(1, 2, seed=1)), _s(R.randn(2), R.randn())],
    check=lambda *ts: block_diag(*ts),
)
def block_diag(*tensors: Tensor) -> Tensor:
    """A block-diagonal matrix of the tensors (0-d and 1-d ones are one-row blocks).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.block_diag(autodiff.ones(1, 1), autodiff.ones(1, 2) * 2)
    Tensor([[1., 0., 0.],
            [0., 2., 2.]])
    """
    ts = []
    for t in tensors:
        t = _t(t)
        if t.ndim > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                f"{len(ts)} has {t.ndim} dimensions"
            )
        ts.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not ts:
        return ad.zeros(1, 0)
    dt = ts[0].dtype
    for t in ts[1:]:
        dt = _dtypes.result_type((dt, 2), (t.dtype, 2))
    ts = [t.to(dt) for t in ts]
    total = builtins.sum(t.shape[1] for t in ts)
    rows = []
    left = 0
    for t in ts:
        r, c = t.shape
        parts = []
        if left:
            parts.append(ad.zeros(r, left, dtype=dt))
        parts.append(t)
        if total - left - c:
            parts.append(ad.zeros(r, total - left - c, dtype=dt))
        rows.append(ad.cat(parts, 1) if len(parts) > 1 else t)
        left += c
    return ad.cat(rows, 0)


@R.op(samples=lambda: [_s(R.randn(3)), _s(R.randn(4, seed=1), 3, True)])
def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """Vandermonde matrix: columns are powers of ``x`` (decreasing by default).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.vander(autodiff.tensor([2, 3]), 3)
    Tensor([[4, 2, 1],
            [9, 3, 1]])
    """
    t = _t(x, "x")
    if t.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = t.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if t.data.dtype.kind in "bi" and t.data.dtype != np.int64:
        t = t.to(np.int64)
    if n == 0:
        return ad.zeros(t.shape[0], 0, dtype=t.dtype)
    cols = [ad.ones_like(t)]
    for _ in range(1, n):
        cols.append(ad.mul(cols[-1], t))
    if not increasing:
        cols = cols[::-1]
    return ad.stack(cols, 1)


@R.op(samples=lambda: [_s(R.randn(2, 3)), _s(R.randn(3, seed=1), 1)], method=True)
def diagflat(input: Tensor, offset: int = 0) -> Tensor:  # noqa: A002
    """A 2-d tensor with ``input``'s values (flattened) on diagonal ``offset``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.diagflat(autodiff.tensor([1.0, 2.0]))
    Tensor([[1., 0.],
            [0., 2.]])
    """
    return ad.diag(_t(input, "input").reshape(-1), offset)


@R.op(samples=lambda: [_s(R.randn(2, 3)), _s(R.randn(3, seed=1), 1)], method=True)
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:  # noqa: A002
    """Batched diagonal matrices: the last dimension of ``input`` on diagonal ``offset``
    of the planes ``(dim1, dim2)`` of the result.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.diag_embed(autodiff.ones(2, 2)).shape
    (2, 2, 2)
    """
    x = _t(input, "input")
    n = x.shape[-1] + builtins.abs(offset)
    nd = x.ndim + 1
    d1, d2 = normalize_dim(dim1, nd, "diag_embed"), normalize_dim(dim2, nd, "diag_embed")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    # x's last dim spread onto the rows (offset >= 0) or the columns (offset < 0)
    idx = np.arange(x.shape[-1])
    rows = idx if offset >= 0 else idx - offset
    cols = idx + offset if offset >= 0 else idx
    sel = np.zeros(
        (x.shape[-1], n, n), dtype=x.data.dtype if x.data.dtype.kind == "f" else np.float64
    )
    sel[idx, rows, cols] = 1
    if x.data.dtype.kind == "f":
        out = ad.einsum("...k,kij->...ij", x, Tensor(sel))
    else:
        out = _make(np.einsum("...k,kij->...ij", x.data, sel.astype(x.data.dtype)), None)
    # the two new dims are last (ij); move them to dim1, dim2
    return movedim(out, (nd - 2, nd - 1), (d1, d2)) if (d1, d2) != (nd - 2, nd - 1) else out


@R.op(samples=lambda: [_s(R.randn(5)), _s(R.randn(2, 5, seed=1), dx=0.5, dim=1)])
def trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1
) -> Tensor:
    """Integral of ``y`` along ``dim`` by the trapezoidal rule (spacing ``dx`` or
    sample points ``x``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.trapezoid(autodiff.tensor([1.0, 2.0, 3.0]))
    Tensor(4.)
    """
    yt = _t(y, "y")
    d = normalize_dim(dim, yt.ndim, "trapezoid")
    m = yt.shape[d]
    if m == 0:
        return ad.sum(yt, d)
    avg = ad.mul(ad.add(ad.narrow(yt, d, 1, m - 1), ad.narrow(yt, d, 0, m - 1)), 0.5)
    if x is not None:
        xt = _t(x, "x")
        if xt.ndim == 1:
            shape = [1] * yt.ndim
            shape[d] = -1
            xt = xt.reshape(shape)
            dd = d
        else:
            dd = d
        spacing = diff(xt, dim=dd)
        return ad.sum(ad.mul(avg, spacing), d)
    return ad.mul(ad.sum(avg, d), 1.0 if dx is None else dx)


@R.op(samples=lambda: [_s(R.randn(5))])
def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """Alias of :func:`trapezoid`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.trapz(autodiff.tensor([1.0, 2.0, 3.0]))
    Tensor(4.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


@R.op(samples=lambda: [_s(R.randn(3, 6)), _s(R.randn(4, seed=1), correction=0)], method=True)
def cov(
    input: Tensor,
    *,
    correction: int = 1,
    fweights: Tensor | None = None,
    aweights: Tensor | None = None,
) -> Tensor:  # noqa: A002
    """Covariance matrix of the variables in ``input``'s rows (observations in columns).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cov(autodiff.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    Tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    x = _floatish(_t(input, "input"))
    if x.ndim > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got "
            f"an input with {x.ndim} dimensions"
        )
    if fweights is not None or aweights is not None:
        w = ad.ones(x.shape[-1], dtype=x.dtype)
        if fweights is not None:
            w = ad.mul(w, _t(fweights).to(x.dtype))
        if aweights is not None:
            w = ad.mul(w, _t(aweights).to(x.dtype))
    else:
        w = None
    xm = x.reshape(1, -1) if x.ndim < 2 else x
    if w is None:
        n = xm.shape[1]
        c = ad.sub(xm, ad.mean(xm, 1, True))
        out = ad.div(ad.matmul(c, c.transpose(0, 1)), float(builtins.max(n - correction, 0)))
    else:
        wsum = ad.sum(w)
        avg = ad.div(ad.sum(ad.mul(xm, w), 1, True), wsum)
        c = ad.sub(xm, avg)
        if aweights is None:
            norm = ad.sub(wsum, float(correction))
        else:
            aw = _t(aweights).to(x.dtype)
            norm = ad.sub(wsum, ad.div(ad.mul(ad.sum(ad.mul(w, aw)), float(correction)), wsum))
        out = ad.div(ad.matmul(ad.mul(c, w), c.transpose(0, 1)), norm)
    return out.reshape(()) if x.ndim < 2 else out


@R.op(samples=lambda: [_s(R.randn(3, 6))], method=True)
def corrcoef(input: Tensor) -> Tensor:  # noqa: A002
    """Pearson correlation coefficients of the variables in ``input``'s rows.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.corrcoef(autodiff.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.5]]))[0, 1].item() < 0
    True
    """
    c = cov(input)
    if c.ndim == 0:
        return ad.div(c, c)
    d = ad.sqrt(ad.diagonal(c))
    out = ad.div(ad.div(c, d.unsqueeze(1)), d.unsqueeze(0))
    return ad.clamp(out, -1.0, 1.0)


# --------------------------------------------------------- small answers
@R.op(
    samples=lambda: [_s(R.randn(2, 3))], differentiable=False, check=lambda x: ad.tensor(numel(x))
)
def numel(input: Tensor) -> int:  # noqa: A002
    """The number of elements of ``input``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.numel(autodiff.zeros(2, 3))
    6
    """
    return int(_t(input, "input").data.size)


@R.op(
    samples=lambda: [_s(R.randn(2, 3))],
    method=True,
    differentiable=False,
    check=lambda x: ad.tensor(is_floating_point(x)),
)
def is_floating_point(input: Tensor) -> bool:  # noqa: A002
    """Whether ``input``'s dtype is a floating-point one.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_floating_point(autodiff.zeros(1)), autodiff.zeros(1).long().is_floating_point()
    (True, False)
    """
    return _t(input, "input").data.dtype.kind == "f"


@R.op(
    samples=lambda: [_s(R.randn(2, 3))],
    method=True,
    differentiable=False,
    check=lambda x: ad.tensor(is_complex(x)),
)
def is_complex(input: Tensor) -> bool:  # noqa: A002
    """Whether ``input``'s dtype is complex (never, in autodiff).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_complex(autodiff.zeros(1))
    False
    """
    return _t(input, "input").data.dtype.kind == "c"


@R.op(
    samples=lambda: [_s(R.randn(1))],
    method=True,
    differentiable=False,
    check=lambda x: ad.tensor(is_nonzero(x)),
)
def is_nonzero(input: Tensor) -> bool:  # noqa: A002
    """Whether the single value of a one-element tensor is not zero.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_nonzero(autodiff.tensor([0.5]))
    True
    """
    x = _t(input, "input")
    if x.data.size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if x.data.size > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(x.data.reshape(()) != 0)


@R.op(samples=lambda: [_s(ad.tensor([[0.0, 1.0], [2.0, 0.0]]))], differentiable=False)
def argwhere(input: Tensor) -> Tensor:  # noqa: A002
    """The indices of the non-zero values, one row each (as :func:`nonzero`).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.argwhere(autodiff.tensor([0.0, 1.0, 2.0]))
    Tensor([[1],
            [2]])
    """
    return ad.nonzero(input)


@R.op(samples=lambda: [_s(ad.tensor([1, 2, 3, 4]), ad.tensor([2, 4]))], differentiable=False)
def isin(
    elements: TensorLike,
    test_elements: TensorLike,
    *,
    assume_unique: bool = False,
    invert: bool = False,
) -> Tensor:
    """Whether each of ``elements`` is among ``test_elements``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isin(autodiff.tensor([1, 2, 3]), autodiff.tensor([2]))
    Tensor([False,  True, False])
    """
    e = elements.data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements.data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _make(np.asarray(np.isin(e, t, invert=invert)), None)


@R.op(samples=_UN, method=True, differentiable=False)
def isposinf(input: Tensor) -> Tensor:  # noqa: A002
    """True where ``input`` is +inf.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isposinf(autodiff.tensor([float("inf"), -float("inf"), 1.0]))
    Tensor([ True, False, False])
    """
    return _make(np.asarray(np.isposinf(_t(input).data)), None)


@R.op(samples=_UN, method=True, differentiable=False)
def isneginf(input: Tensor) -> Tensor:  # noqa: A002
    """True where ``input`` is -inf.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isneginf(autodiff.tensor([float("inf"), -float("inf"), 1.0]))
    Tensor([False,  True, False])
    """
    return _make(np.asarray(np.isneginf(_t(input).data)), None)


@R.op(samples=_UN, method=True, differentiable=False)
def isreal(input: Tensor) -> Tensor:  # noqa: A002
    """True everywhere for a real tensor (autodiff has no complex dtypes).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isreal(autodiff.tensor([1.0]))
    Tensor([ True])
    """
    return _make(np.ones(_t(input).shape, dtype=bool), None)


def _tri_indices(row: int, col: int, offset: int, upper: bool, dtype: DTypeLike) -> Tensor:
    m = (
        np.triu(np.ones((row, col), bool), offset)
        if upper
        else np.tril(np.ones((row, col), bool), offset)
    )
    r, c = np.nonzero(m)
    return _make(np.stack([r, c]).astype(np.dtype(dtype) if dtype is not None else np.int64), None)


@R.op(samples=lambda: [_s(3, 4)], differentiable=False)
def tril_indices(
    row: int,
    col: int,
    offset: int = 0,
    *,
    dtype: DTypeLike = None,
    device: DeviceLike = None,
    layout: Any = None,
) -> Tensor:
    """The (row, column) indices of the lower triangle of a ``row x col`` matrix.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tril_indices(2, 2)
    Tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _tri_indices(row, col, offset, False, dtype)


@R.op(samples=lambda: [_s(3, 4)], differentiable=False)
def triu_indices(
    row: int,
    col: int,
    offset: int = 0,
    *,
    dtype: DTypeLike = None,
    device: DeviceLike = None,
    layout: Any = None,
) -> Tensor:
    """The (row, column) indices of the upper triangle of a ``row x col`` matrix.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.triu_indices(2, 2)
    Tensor([[0, 0, 1],
            [0, 1, 1]])
    """
    return _tri_indices(row, col, offset, True, dtype)


@R.op(
    samples=lambda: [_s(R.randn(4)), _s(R.randn(4, seed=1), 3, True)],
    check=lambda *a, **k: combinations(*a, **k),
)
def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """All length-``r`` combinations of a 1-d tensor's elements, one row each.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.combinations(autodiff.tensor([1, 2, 3]))
    Tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    x = _t(input, "input")
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    if idx.size == 0:
        return ad.zeros(0, dtype=x.dtype) if r else x[:0]
    return x[Tensor(idx)]


@R.op(samples=lambda: [_s(R.randn(2, 3))], differentiable=False, check=lambda x: detach(x))
def detach(input: Tensor) -> Tensor:  # noqa: A002
    """``input.detach()``: the same values, out of the graph.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.detach(autodiff.ones(1, requires_grad=True)).requires_grad
    False
    """
    return _t(input, "input").detach()


@R.op(samples=lambda: [_s(R.randn(2, 3)), _s(R.randn(3, seed=1))], method=True)
def t(input: Tensor) -> Tensor:  # noqa: A002
    """Transpose of a tensor with at most 2 dimensions (itself for 0-d and 1-d).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.t(autodiff.zeros(2, 3)).shape
    (3, 2)
    """
    x = _t(input, "input")
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return ad.transpose(x, 0, 1) if x.ndim == 2 else x


@R.op(samples=lambda: [_s(R.randn(2, 3)), _s(R.randn(4, seed=1), 0.5, True)])
def dropout(input: Tensor, p: float = 0.5, train: bool = True) -> Tensor:  # noqa: A002
    """:func:`autodiff.nn.functional.dropout` (``torch.dropout``'s positional form).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.dropout(autodiff.ones(3), 0.5, False)
    Tensor([1., 1., 1.])
    """
    return ad.nn.functional.dropout(input, p, training=train)


R.REGISTRY["dropout"].samples = lambda: [_s(R.randn(2, 3), 0.5, False), _s(R.randn(4), 0.0)]


__all__ = [
    n
    for n, info in R.REGISTRY.items()
    if info.public is not None and getattr(info.public, "__module__", "") == __name__
]


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
    x = _floatish(_t(input, "digamma"))
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
    x = _floatish(_t(input, "polygamma"))
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
    x = _floatish(_t(input, "mvlgamma"))
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
    a, b = _t(input, "input"), _t(other, "other")
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
    x = _t(input, "input")
    if x.data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = np.frexp(x.data)
    with np.errstate(over="ignore"):
        scale = np.ldexp(np.ones_like(x.data), -e)
    ok = np.isfinite(scale)  # (2 ** -e overflows for subnormals: their value as is)
    mantissa = ad.where(Tensor(ok), ad.mul(x, Tensor(np.where(ok, scale, 0.0))), Tensor(m))
    return FrexpResult(mantissa, _make(e.astype(np.int32), None))


@R.op(samples=_UN, method=True)
def conj(input: Tensor) -> Tensor:  # noqa: A002
    """The complex conjugate: ``input`` itself (tensors are real here).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(2)
    >>> autodiff.conj(x) is x
    True
    """
    return _t(input, "input")


@R.op(samples=_UN, method=True)
def conj_physical(input: Tensor) -> Tensor:  # noqa: A002
    """The complex conjugate, materialised: a copy of a real ``input``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.conj_physical(autodiff.tensor([1.0, -2.0]))
    Tensor([ 1., -2.])
    """
    return ad.clone(_t(input, "input"))


@R.op(samples=_UN, method=True)
def resolve_conj(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` (no lazy conjugation to resolve on real tensors).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.resolve_conj(autodiff.tensor([1.0]))
    Tensor([1.])
    """
    return _t(input, "input")


@R.op(samples=_UN, method=True)
def resolve_neg(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` (no lazy negation to resolve).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.resolve_neg(autodiff.tensor([1.0]))
    Tensor([1.])
    """
    return _t(input, "input")


@R.op(samples=_UN)
def real(input: Tensor) -> Tensor:  # noqa: A002
    """The real part: ``input`` itself (tensors are real here).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.real(autodiff.tensor([1.5]))
    Tensor([1.5])
    """
    return _t(input, "input")


@R.op(samples=lambda: [_s(R.randn(3))], differentiable=False, check=lambda x: imag(x))
def imag(input: Tensor) -> Tensor:  # noqa: A002
    """The imaginary part: refused on real tensors, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.imag(autodiff.ones(1))
    Traceback (most recent call last):
    RuntimeError: imag is not implemented for tensors with non-complex dtypes.
    """
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


R.REGISTRY["imag"].samples = lambda: []


@R.op(samples=lambda: [_s(R.away_from_zero(3, 4))], method=True)
def angle(input: Tensor) -> Tensor:  # noqa: A002
    """The argument: 0 for values >= 0, pi for negative ones (NaN stays NaN); its
    gradient is zero.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.angle(autodiff.tensor([2.0, -1.0]))
    Tensor([0.    , 3.1416])
    """
    x = _floatish(_t(input, "angle"))
    vals = np.where(x.data < 0, np.pi, 0.0).astype(x.data.dtype)
    vals = np.where(np.isnan(x.data), np.nan, vals).astype(x.data.dtype)
    return ad.add(ad.mul(x, 0.0), Tensor(vals)) if x.requires_grad else Tensor(vals)


@R.op(samples=lambda: [_s(R.randn(2, 3, 4))], method=True)
def adjoint(input: Tensor) -> Tensor:  # noqa: A002
    """The conjugate transpose of the last two dimensions (their transpose here).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.adjoint(autodiff.zeros(2, 3)).shape
    (3, 2)
    """
    x = _t(input, "input")
    if x.ndim < 2:
        raise RuntimeError(
            "tensor.adjoint() is only supported on matrices or batches of "
            f"matrices. Got {x.ndim}-D tensor."
        )
    return ad.transpose(x, -2, -1)


@R.op(samples=lambda: [_s(R.randn(3, 4), 1, 1, 2)], method=True)
def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:  # noqa: A002
    """:func:`narrow`, copied (not a view).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.narrow_copy(autodiff.tensor([1.0, 2.0, 3.0]), 0, 1, 2)
    Tensor([2., 3.])
    """
    return ad.clone(ad.narrow(input, dim, start, length))


@R.op(
    samples=lambda: [_s(R.randn(3, 4), 2, 0, 1.0), _s(R.randn(3, 4, seed=1), 1, 1, 0.5)],
    method=True,
)
def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:  # noqa: A002
    """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to it.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.renorm(autodiff.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
    Tensor([[0.6, 0.8],
            [0.3, 0.4]])
    """
    x = _t(input, "input")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = normalize_dim(dim, x.ndim, "renorm")
    others = tuple(i for i in range(x.ndim) if i != d)
    norms = ad.norm(x, p, dim=others, keepdim=True) if others else ad.abs(x)
    big = Tensor(norms.data > maxnorm)
    scale = ad.where(big, ad.div(maxnorm, ad.add(norms, 1e-7)), ad.ones_like(norms))
    return ad.mul(x, scale)


@R.op(
    samples=lambda: [
        _s(R.randn(3, 3), 3),
        _s(R.randn(2, 2, 2, seed=1), 0),
        _s(R.randn(3, 3, seed=2), 1),
    ],
    method=True,
)
def matrix_power(input: Tensor, n: int) -> Tensor:  # noqa: A002
    """``input`` (a square matrix, or a batch) to the integer power ``n >= 0``, by
    repeated squaring.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.matrix_power(autodiff.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
    Tensor([[1., 3.],
            [0., 1.]])
    """
    x = _t(input, "input")
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{x.shape[-2] if x.ndim >= 2 else ''} by {x.shape[-1] if x.ndim else ''} matrices"
        )
    if n < 0:
        raise NotImplementedError(
            "matrix_power: a negative power needs the inverse, which autodiff has not "
            f"(yet); got n = {n}"
        )
    if n == 0:
        eye = np.broadcast_to(np.eye(x.shape[-1], dtype=x.data.dtype), x.shape)
        return (
            ad.add(ad.mul(x, 0.0), Tensor(np.ascontiguousarray(eye)))
            if x.requires_grad
            else Tensor(np.ascontiguousarray(eye))
        )
    result = None
    base = x
    while n:
        if n & 1:
            result = base if result is None else ad.matmul(result, base)
        n >>= 1
        if n:
            base = ad.matmul(base, base)
    return result


# ------------------------------------------------ nn.functional's further names
@R.op(
    samples=lambda: [_s(R.randn(1, 8, 2, 3), 2), _s(R.randn(2, 9, 2, 2, seed=1), 3)], method=False
)
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """``(*, C r^2, H, W) -> (*, C, H r, W r)``: channels rearranged into space.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pixel_shuffle(autodiff.zeros(1, 4, 2, 3), 2).shape
    (1, 1, 4, 6)
    """
    x = _t(input, "input")
    r = int(upscale_factor)
    if x.ndim < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"{x.ndim} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    n = len(lead)
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    y = ad.permute(y, *range(n), n, n + 3, n + 1, n + 4, n + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


@R.op(samples=lambda: [_s(R.randn(1, 2, 4, 6), 2)])
def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """The inverse of :func:`pixel_shuffle`: ``(*, C, H r, W r) -> (*, C r^2, H, W)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pixel_unshuffle(autodiff.zeros(1, 1, 4, 6), 2).shape
    (1, 4, 2, 3)
    """
    x = _t(input, "input")
    r = int(downscale_factor)
    if x.ndim < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input "
            f"with {x.ndim} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = x.shape
    if h % r or w % r:
        raise RuntimeError(
            "pixel_unshuffle expects height and width to be divisible by downscale_factor, "
            f"but got height={h}, width={w}, downscale_factor={r}"
        )
    n = len(lead)
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    y = ad.permute(y, *range(n), n, n + 2, n + 4, n + 1, n + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)


@R.op(samples=lambda: [_s(R.randn(4, 3)), _s(R.randn(5, 2, seed=1), 1.0)])
def pdist(input: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The ``p``-norm distances between each pair of rows of a 2-d ``input`` (the upper
    triangle, row by row).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.pdist(autodiff.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
    Tensor([5.    , 1.    , 4.2426])
    """
    x = _t(input, "input")
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = x.shape[0]
    i, j = np.triu_indices(n, 1)
    if i.size == 0:
        return ad.zeros(0, dtype=x.dtype)
    diff_ = ad.sub(x[Tensor(i)], x[Tensor(j)])
    if p == float("inf"):
        return ad.amax(ad.abs(diff_), -1)
    return ad.norm(diff_, p, dim=-1)


@R.op(
    samples=lambda: [
        _s(R.away_from_zero(2, 3, 4), R.randn(3, seed=1)),
        _s(R.away_from_zero(5), R.randn(1, seed=2)),
    ]
)
def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """``max(0, x) + weight * min(0, x)``, ``weight`` per channel (dim 1) or one value.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.prelu(autodiff.tensor([-2.0, 3.0]), autodiff.tensor([0.25]))
    Tensor([-0.5,  3. ])
    """
    x, w = _t(input, "input"), _t(weight, "weight")
    if w.ndim != 1 and w.data.size != 1:
        raise RuntimeError("prelu: weight must be a 1-d tensor (or one value)")
    if w.data.size > 1:
        if x.ndim < 2 or x.shape[1] != w.data.size:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {w.data.size} and channel size = {x.shape[1] if x.ndim > 1 else 1}."
            )
        w = w.reshape((1, -1) + (1,) * (x.ndim - 2))
    elif x.ndim == 0:
        w = w.reshape(())
    return ad.where(Tensor(x.data > 0), x, ad.mul(w, x))


@R.op(
    samples=lambda: [
        _s(R.away_from_zero(3, 4, margin=0.7)),
        _s(R.away_from_zero(5, seed=1, margin=0.4), 0.2),
    ]
)
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x`` where ``|x| > lambd``, else 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.hardshrink(autodiff.tensor([-1.0, 0.2, 0.7]))
    Tensor([-1. ,  0. ,  0.7])
    """
    x = _t(input, "input")
    keep = Tensor(np.abs(x.data) > lambd)
    return ad.where(keep, x, ad.zeros_like(x))


@R.op(samples=lambda: [_s(R.away_from_zero(3, 4), 0.1, -2.0)])
def threshold(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """``x`` where ``x > threshold``, else ``value``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.threshold(autodiff.tensor([-1.0, 0.5, 2.0]), 1.0, 0.0)
    Tensor([0., 0., 2.])
    """
    x = _t(input, "input")
    return ad.where(Tensor(x.data > threshold), x, ad.full_like(x, value))


@R.op(samples=lambda: [_s(R.randn(2, 3, 7), 3), _s(R.randn(1, 2, 5, seed=1), 5)])
def adaptive_avg_pool1d(input: Tensor, output_size: int) -> Tensor:  # noqa: A002
    """Average over ``output_size`` adaptive windows of the last dimension of an
    ``(N, C, L)`` or ``(C, L)`` input.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.adaptive_avg_pool1d(autodiff.tensor([[[1.0, 2.0, 3.0, 4.0]]]), 2)
    Tensor([[[1.5, 3.5]]])
    """
    x = _t(input, "input")
    if x.ndim not in (2, 3):
        raise RuntimeError(
            f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got {list(x.shape)}"
        )
    size = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    return ad.nn.functional.adaptive_avg_pool2d(x.unsqueeze(-2), (1, int(size))).squeeze(-2)


# ------------------------------------------------------------ more aliases
@R.op(samples=lambda: [_s(R.randn(3, 4, low=1.2, high=3.0))], method=True)
def arccosh(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`acosh`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arccosh(autodiff.tensor([1.0]))
    Tensor([0.])
    """
    return ad.acosh(input)


@R.op(samples=_UN, method=True)
def arcsinh(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`asinh`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arcsinh(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    return ad.asinh(input)


@R.op(samples=lambda: [_s(R.randn(3, 4, low=-0.9, high=0.9))], method=True)
def arctanh(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`atanh`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arctanh(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    return ad.atanh(input)


@R.op(samples=lambda: [_s(R.randn(3), R.randn(4, seed=1))], method=True)
def ger(input: Tensor, vec2: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`outer`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ger(autodiff.ones(2), autodiff.ones(3)).shape
    (2, 3)
    """
    return ad.outer(input, vec2)


@R.op(samples=lambda: [_s(R.randn(3), R.randn(3, seed=1))], method=True)
def vdot(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The dot product of two 1-d tensors (the first conjugated: the same here).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.vdot(autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0]))
    Tensor(11.)
    """
    return ad.dot(input, other)


@R.op(
    samples=lambda: [_s(R.randn(5, 2), [2, 3])],
    method=True,
    check=lambda x, s: ad.cat([p.reshape(-1) for p in split_with_sizes(x, s)], 0),
)
def split_with_sizes(input: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple:  # noqa: A002
    """:func:`split` into parts of the given sizes (which must add up to the size).

    Examples
    --------
    >>> import autodiff
    >>> [p.shape for p in autodiff.split_with_sizes(autodiff.zeros(5), [2, 3])]
    [(2,), (3,)]
    """
    x = _t(input, "input")
    d = normalize_dim(dim, x.ndim, "split_with_sizes")
    if builtins.sum(split_sizes) != x.shape[d]:
        raise RuntimeError(
            "split_with_sizes expects split_sizes to sum exactly to "
            f"{x.shape[d]} (input tensor's size at dimension {d}), but got "
            f"split_sizes={list(split_sizes)}"
        )
    return tuple(ad.split(x, list(split_sizes), d))


def _pred_method(name: str, fn, doc_example: str, doc_out: str, nargs: int = 1):
    def f(input: Tensor, *args: object) -> bool:  # noqa: A002
        return fn(_t(input, "input"), *args)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""PyTorch's ``{name}`` (a Python bool).

    Examples
    --------
    >>> import autodiff
    >>> {doc_example}
    {doc_out}
    """
    return R.op(
        name,
        samples=lambda: [_s(*[R.randn(2, 3, seed=k) for k in range(nargs)])],
        method=True,
        differentiable=False,
        check=lambda *a: ad.tensor(f(*a)),
    )(f)


is_signed = _pred_method(
    "is_signed",
    lambda x: x.data.dtype.kind in "if",
    "autodiff.ones(1).is_signed(), autodiff.ones(1).to(autodiff.uint8).is_signed()",
    "(True, False)",
)
is_conj = _pred_method("is_conj", lambda x: False, "autodiff.ones(1).is_conj()", "False")
is_neg = _pred_method("is_neg", lambda x: False, "autodiff.ones(1).is_neg()", "False")
is_inference = _pred_method(
    "is_inference", lambda x: False, "autodiff.ones(1).is_inference()", "False"
)
is_same_size = _pred_method(
    "is_same_size",
    lambda x, y: x.shape == _t(y).shape,
    "autodiff.ones(2).is_same_size(autodiff.zeros(2))",
    "True",
    2,
)


# ------------------------------------------------------------- index_put, put
@R.op(
    samples=lambda: [
        _s(R.randn(4, 3), (ad.tensor([0, 2]),), R.randn(2, 3, seed=1)),
        _s(R.randn(4, 3, seed=2), (ad.tensor([1, 1]), ad.tensor([0, 2])), R.randn(2, seed=3), True),
    ],
    method=True,
)
def index_put(
    input: Tensor,
    indices: tuple,
    values: Tensor,  # noqa: A002
    accumulate: bool = False,
) -> Tensor:
    """A copy of ``input`` with ``input[indices] = values`` (``accumulate``: ``+=``,
    repeated indices adding up).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).index_put((autodiff.tensor([0, 0]),), autodiff.tensor([1.0, 2.0]),
    ...                             accumulate=True)
    Tensor([3., 0., 0.])
    """
    x = _t(input, "input")
    idx = tuple(indices)
    v = _t(values, "values")
    if v.dtype != x.dtype:
        v = v.to(x.dtype)
    if not accumulate:
        out = ad.clone(x)
        out[idx] = v
        return out
    flat = np.arange(x.data.size).reshape(x.shape)[
        tuple(i.data if isinstance(i, Tensor) else i for i in idx)
    ]
    vals = ad.broadcast_to(v, flat.shape).reshape(-1)
    added = ad.zeros(x.data.size, dtype=x.dtype).index_add(0, Tensor(flat.reshape(-1)), vals)
    return ad.add(x, added.reshape(x.shape))


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4), ad.tensor([0, 5, 11]), R.randn(3, seed=1)),
        _s(R.randn(3, 4, seed=2), ad.tensor([1, 1]), R.randn(2, seed=3), True),
    ],
    method=True,
)
def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:  # noqa: A002
    """A copy of ``input`` with ``input.flatten()[index] = source`` (``accumulate``: ``+=``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 2).put(autodiff.tensor([3]), autodiff.tensor([9.0]))
    Tensor([[0., 0.],
            [0., 9.]])
    """
    x = _t(input, "input")
    i = _t(index, "index")
    n = x.data.size
    if ((i.data >= n) | (i.data < -n)).any():
        raise IndexError(
            f"out of range: tried to access index {int(i.data.max())} on a tensor of {n} elements."
        )
    flat = index_put(
        x.reshape(-1),
        (Tensor(np.where(i.data < 0, i.data + n, i.data).reshape(-1)),),
        _t(source, "source").reshape(-1),
        accumulate,
    )
    return flat.reshape(x.shape)


def _where_method(self: Tensor, condition: Tensor, y: TensorLike) -> Tensor:
    """``autodiff.where(condition, self, y)``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([1.0, -1.0])
    >>> x.where(x > 0, 0.0)
    Tensor([1., 0.])
    """
    return ad.where(condition, self, y)


def _sum_to_size(self: Tensor, *size: Any) -> Tensor:
    """``self`` summed over the broadcast dimensions down to ``size``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).sum_to_size(1, 3)
    Tensor([[2., 2., 2.]])
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(int(s) for s in size)
    try:
        if np.broadcast_shapes(shape, self.shape) != self.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(
            f"size {list(shape)} is not expandable to size {list(self.shape)}."
        ) from None
    lead = self.ndim - len(shape)
    out = ad.sum(self, tuple(range(lead))) if lead else self
    dims = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    return ad.sum(out, dims, keepdim=True) if dims else out


@R.op(
    samples=lambda: [_s(R.away_from_zero(3, 4, margin=0.7)), _s(R.away_from_zero(5, seed=1), 0.1)]
)
def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.functional.softshrink(autodiff.tensor([-1.0, 0.2, 0.7]))
    Tensor([-0.5,  0. ,  0.2])
    """
    x = _t(input, "input")
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    shrunk = ad.sub(x, ad.mul(ad.sign(x), lambd))
    return ad.where(Tensor(np.abs(x.data) > lambd), shrunk, ad.zeros_like(x))


@R.op(samples=_UN)
def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """``x - tanh(x)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.functional.tanhshrink(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    x = _t(input, "input")
    return ad.sub(x, ad.tanh(x))


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3, 4), (4,), R.randn(4, seed=1)),
        _s(R.randn(2, 3, 4, seed=2), (3, 4), None, 1e-5),
    ]
)
def rms_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,  # noqa: A002
    eps: float | None = None,
) -> Tensor:
    """``x / sqrt(mean(x^2) + eps)`` over the last ``len(normalized_shape)`` dimensions,
    times ``weight`` (``eps`` defaults to the dtype's machine epsilon, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.functional.rms_norm(autodiff.tensor([[3.0, 4.0]]), (2,), eps=0.0)
    Tensor([[0.8485, 1.1314]])
    """
    x = _t(input, "input")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if tuple(x.shape[x.ndim - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(n) for n in shape)}], but got input of size{list(x.shape)}"
        )
    e = float(np.finfo(x.data.dtype).eps) if eps is None else float(eps)
    dims = tuple(range(x.ndim - k, x.ndim))
    out = ad.mul(x, ad.rsqrt(ad.add(ad.mean(ad.mul(x, x), dims, True), e)))
    return out if weight is None else ad.mul(out, weight)


# ------------------------------------------------------- comparison aliases
_CMP_EXAMPLE = {
    "gt": [False, True],
    "lt": [True, False],
    "ge": [False, True],
    "le": [True, False],
    "ne": [True, True],
}


def _cmp_alias(name: str, base: str):
    def f(input: Tensor, other: TensorLike) -> Tensor:  # noqa: A002
        return getattr(ad, base)(input, other)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""Alias of :func:`{base}`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.{name}(autodiff.tensor([1.0, 2.0]), 1.5).tolist()
    {_CMP_EXAMPLE[base]}
    """
    return R.op(
        name,
        samples=lambda: [_s(R.randn(3, 4), R.randn(4, seed=1))],
        method=True,
        differentiable=False,
    )(f)


greater = _cmp_alias("greater", "gt")
less = _cmp_alias("less", "lt")
greater_equal = _cmp_alias("greater_equal", "ge")
less_equal = _cmp_alias("less_equal", "le")
not_equal = _cmp_alias("not_equal", "ne")


# ------------------------------------------------------------ more splits
def _split_check(*a, **k):
    return ad.cat([p.reshape(-1) for p in tensor_split(*a, **k)], 0)


@R.op(
    samples=lambda: [_s(R.randn(7, 2), 3), _s(R.randn(2, 6, seed=1), [1, 4], 1)],
    method=True,
    check=_split_check,
)
@numpy_names(keepdim=False)
def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:  # noqa: A002
    """Split into ``n`` nearly equal parts (the first ``size % n`` one larger), or at
    the given indices, along ``dim``; views that share the gradient.

    Examples
    --------
    >>> import autodiff
    >>> [p.shape for p in autodiff.tensor_split(autodiff.zeros(7), 3)]
    [(3,), (2,), (2,)]
    """
    x = _t(input, "input")
    if x.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    d = normalize_dim(dim, x.ndim, "tensor_split")
    n = x.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = ios.tolist()
    if isinstance(ios, (int, np.integer)):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(n, int(ios))
        sizes = [q + 1] * r + [q] * (int(ios) - r)
        bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    else:
        idx = [builtins.min(builtins.max(int(i) if i >= 0 else int(i) + n, 0), n) for i in ios]
        bounds = [0] + idx + [n]
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        lo = builtins.min(lo, n)
        out.append(ad.narrow(x, d, lo, builtins.max(hi - lo, 0)))
    return tuple(out)


def _nsplit(name: str, dim_of, min_dim: int):
    def f(input: Tensor, indices_or_sections: Any) -> tuple:  # noqa: A002
        x = _t(input, "input")
        if x.ndim < min_dim:
            raise RuntimeError(
                f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a "
                f"tensor with {x.ndim} dimensions!"
            )
        d = dim_of(x)
        if isinstance(indices_or_sections, int) and x.shape[d] % indices_or_sections:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {d}, but the size of the "
                f"dimension {x.shape[d]} is not divisible by the split_size "
                f"{indices_or_sections}!"
            )
        return tensor_split(x, indices_or_sections, d)

    f.__name__ = f.__qualname__ = name
    return f


hsplit = R.op(
    "hsplit",
    samples=lambda: [_s(R.randn(2, 6), 3)],
    method=True,
    check=lambda *a: ad.cat([p.reshape(-1) for p in hsplit(*a)], 0),
)(
    _doc(
        _nsplit("hsplit", lambda x: 1 if x.ndim > 1 else 0, 1),
        """:func:`tensor_split` along dimension 1 (0 for 1-d); equal parts only.

    Examples
    --------
    >>> import autodiff
    >>> [p.shape for p in autodiff.hsplit(autodiff.zeros(2, 4), 2)]
    [(2, 2), (2, 2)]
    """,
    )
)
vsplit = R.op(
    "vsplit",
    samples=lambda: [_s(R.randn(6, 2), [1, 3])],
    method=True,
    check=lambda *a: ad.cat([p.reshape(-1) for p in vsplit(*a)], 0),
)(
    _doc(
        _nsplit("vsplit", lambda x: 0, 2),
        """:func:`tensor_split` along dimension 0 (needs 2 dimensions); equal parts only.

    Examples
    --------
    >>> import autodiff
    >>> [p.shape for p in autodiff.vsplit(autodiff.zeros(4, 2), 2)]
    [(2, 2), (2, 2)]
    """,
    )
)
dsplit = R.op(
    "dsplit",
    samples=lambda: [_s(R.randn(2, 2, 4), 2)],
    method=True,
    check=lambda *a: ad.cat([p.reshape(-1) for p in dsplit(*a)], 0),
)(
    _doc(
        _nsplit("dsplit", lambda x: 2, 3),
        """:func:`tensor_split` along dimension 2 (needs 3 dimensions); equal parts only.

    Examples
    --------
    >>> import autodiff
    >>> [p.shape for p in autodiff.dsplit(autodiff.zeros(1, 2, 4), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """,
    )
)


@R.op(samples=lambda: [_s(R.randn(3, 4), 1, 2), _s(R.randn(3, 4, seed=1), 0, -1)], method=True)
@numpy_names(keepdim=False)
def select(input: Tensor, dim: int, index: int) -> Tensor:  # noqa: A002
    """The slice at ``index`` along ``dim`` (that dimension removed): a view.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]).select(1, 0)
    Tensor([1., 3.])
    """
    x = _t(input, "input")
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, x.ndim, "select")
    n = x.shape[d]
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(x.shape)} at "
            f"dimension {d}"
        )
    return x[(slice(None),) * d + (int(index),)]


@R.op(samples=lambda: [_s(R.distinct(4, 3))], method=True)
def msort(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` sorted along dimension 0.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.msort(autodiff.tensor([3.0, 1.0, 2.0]))
    Tensor([1., 2., 3.])
    """
    return ad.sort(input, 0).values


# ------------------------------------------------------------- scatters
def _embed(x: Tensor, index, src, name: str) -> Tensor:
    """A copy of ``x`` with ``x[index]`` replaced by ``src`` (gradients to both)."""
    out = ad.clone(x)
    view_shape = out[index].shape
    s = _t(src, "src")
    if s.shape != view_shape:
        raise RuntimeError(
            f"{name}: expected src to have a size equal to the slice of self. src size = "
            f"{list(s.shape)}, slice size = {list(view_shape)}"
        )
    out[index] = s
    return out


@R.op(
    samples=lambda: [
        _s(R.randn(4, 3), R.randn(2, 3, seed=1), 0, 1, 3),
        _s(R.randn(4, 6, seed=2), R.randn(4, 2, seed=3), 1, 0, None, 3),
    ],
    method=True,
)
def slice_scatter(
    input: Tensor,
    src: Tensor,
    dim: int = 0,
    start: int | None = None,  # noqa: A002
    end: int | None = None,
    step: int = 1,
) -> Tensor:
    """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` set to ``src``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.slice_scatter(autodiff.zeros(4), autodiff.ones(2), start=2)
    Tensor([0., 0., 1., 1.])
    """
    x = _t(input, "input")
    d = normalize_dim(dim, x.ndim, "slice_scatter")
    index = (slice(None),) * d + (slice(start, end, step),)
    return _embed(x, index, src, "slice_scatter")


@R.op(samples=lambda: [_s(R.randn(4, 3), R.randn(3, seed=1), 0, 2)], method=True)
def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:  # noqa: A002
    """A copy of ``input`` with ``input.select(dim, index)`` set to ``src``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.select_scatter(autodiff.zeros(2, 2), autodiff.ones(2), 0, 1)
    Tensor([[0., 0.],
            [1., 1.]])
    """
    x = _t(input, "input")
    d = normalize_dim(dim, x.ndim, "select_scatter")
    n = x.shape[d]
    if not -n <= index < n:
        raise IndexError(
            f"select_scatter(): index {index} out of range for tensor of size "
            f"{list(x.shape)} at dimension {d}"
        )
    return _embed(x, (slice(None),) * d + (index,), src, "select_scatter")


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4), R.randn(3, seed=1)),
        _s(R.randn(3, 4, seed=2), R.randn(2, seed=3), 2),
    ],
    method=True,
)
def diagonal_scatter(
    input: Tensor,
    src: Tensor,
    offset: int = 0,
    dim1: int = 0,  # noqa: A002
    dim2: int = 1,
) -> Tensor:
    """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` set to ``src``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.diagonal_scatter(autodiff.zeros(2, 2), autodiff.ones(2))
    Tensor([[1., 0.],
            [0., 1.]])
    """
    x = _t(input, "input")
    s = _t(src, "src")
    d1 = normalize_dim(dim1, x.ndim, "diagonal_scatter")
    d2 = normalize_dim(dim2, x.ndim, "diagonal_scatter")
    mask = np.zeros(x.shape, dtype=bool)
    pos = np.arange(x.data.size).reshape(x.shape)
    diag_pos = np.diagonal(pos, offset, d1, d2)
    if s.shape != diag_pos.shape:
        raise RuntimeError(
            f"diagonal_scatter: expected src to have a size equal to the diagonal of self. "
            f"src size = {list(s.shape)}, diagonal size = {list(diag_pos.shape)}"
        )
    mask.reshape(-1)[diag_pos.reshape(-1)] = True
    flat = x.reshape(-1)
    order = np.argsort(diag_pos.reshape(-1))
    vals = s.reshape(-1)[Tensor(order)]
    out = ad.masked_scatter(flat, Tensor(mask.reshape(-1)), vals)
    return out.reshape(x.shape)


@R.op(
    samples=lambda: [
        _s(R.randn(3, 4), ad.tensor(np.arange(12).reshape(3, 4) % 3 == 0), R.randn(8, seed=1))
    ],
    method=True,
)
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:  # noqa: A002
    """A copy of ``input`` whose positions where ``mask`` (broadcast) is True take
    ``source``'s first values, in order.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(4).masked_scatter(autodiff.tensor([True, False, True, False]),
    ...                                  autodiff.tensor([1.0, 2.0, 3.0]))
    Tensor([1., 0., 2., 0.])
    """
    x = _t(input, "input")
    m = _t(mask, "mask")
    if m.data.dtype != np.bool_:
        raise RuntimeError(
            f"masked_scatter_ only supports boolean masks, but got mask with dtype "
            f"{_tname(m.dtype)}"
        )
    shape = np.broadcast_shapes(x.shape, m.shape)
    mk = np.broadcast_to(m.data, shape)
    x = ad.broadcast_to(x, shape) if x.shape != shape else x
    k = int(mk.sum())
    src = _t(source, "source").reshape(-1)
    if src.shape[0] < k:
        raise RuntimeError(
            "masked_scatter: expected source to have at least as many "
            f"elements as ones in mask ({k}), got {src.shape[0]}"
        )
    if k == 0:
        return ad.clone(x)
    where_true = np.flatnonzero(mk.reshape(-1))
    take = np.zeros(mk.size, dtype=np.int64)
    take[where_true] = np.arange(k)
    gathered = src[Tensor(take)].reshape(shape).to(x.dtype)
    return ad.where(Tensor(np.ascontiguousarray(mk)), gathered, x)


@R.op(samples=lambda: [_s(R.randn(5)), _s(R.randn(2, 5, seed=1), dx=0.5)])
def cumulative_trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1
) -> Tensor:
    """The running trapezoidal integral of ``y`` along ``dim`` (one fewer element).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cumulative_trapezoid(autodiff.tensor([1.0, 2.0, 3.0]))
    Tensor([1.5, 4. ])
    """
    yt = _t(y, "y")
    d = normalize_dim(dim, yt.ndim, "cumulative_trapezoid")
    m = yt.shape[d]
    avg = ad.mul(
        ad.add(
            ad.narrow(yt, d, 1, builtins.max(m - 1, 0)), ad.narrow(yt, d, 0, builtins.max(m - 1, 0))
        ),
        0.5,
    )
    if x is not None:
        xt = _t(x, "x")
        if xt.ndim == 1:
            shape = [1] * yt.ndim
            shape[d] = -1
            xt = xt.reshape(shape)
        avg = ad.mul(avg, diff(xt, dim=d))
    elif dx is not None:
        avg = ad.mul(avg, dx)
    return ad.cumsum(avg, d)


# ------------------------------------------------------- dtype questions
def _dt(x):
    if isinstance(x, Tensor):
        return x.data.dtype, (2 if x.ndim else 1)
    if isinstance(x, (bool, np.bool_)):
        return np.dtype(np.bool_), 0
    if isinstance(x, (int, np.integer)):
        return np.dtype(np.int64), 0
    if isinstance(x, (float, np.floating)):
        return _dtypes.default_float(), 0
    return np.dtype(x), 2


def result_type(tensor1: TensorLike, tensor2: TensorLike) -> np.dtype:
    """The dtype PyTorch's promotion gives ``tensor1`` op ``tensor2`` (Tensors or
    Python numbers).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.result_type(autodiff.tensor([1, 2]), 1.0)
    dtype('float32')
    """
    (a, ra), (b, rb) = _dt(tensor1), _dt(tensor2)
    if ra == 0 and rb == 0:  # two Python numbers
        return a if _dtypes.rank(a) >= _dtypes.rank(b) else b
    if ra == 0 or rb == 0:
        t, n = (b, a) if ra == 0 else (a, b)
        return (
            t
            if _dtypes.rank(n) <= _dtypes.rank(t)
            else (_dtypes.default_float() if n.kind == "f" else np.dtype(np.int64))
        )
    return np.dtype(_dtypes.result_type((a, ra), (b, rb)))


def promote_types(type1: DTypeLike, type2: DTypeLike) -> np.dtype:
    """The smallest dtype both ``type1`` and ``type2`` convert to (PyTorch's table).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.promote_types(autodiff.int32, autodiff.float32)
    dtype('float32')
    """
    return np.dtype(_dtypes.result_type((np.dtype(type1), 2), (np.dtype(type2), 2)))


def can_cast(from_: DTypeLike, to: DTypeLike) -> bool:
    """Whether PyTorch's type promotion allows the cast (no float to integer, no
    number to bool).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.can_cast(autodiff.float64, autodiff.int32)
    False
    """
    f, t = np.dtype(from_), np.dtype(to)
    order = {"b": 0, "u": 1, "i": 1, "f": 2}
    return order[f.kind] <= order[t.kind]


# ----------------------------------------------- Tensor's storage questions
def _type_as(self: Tensor, other: Tensor) -> Tensor:
    """``self`` converted to ``other``'s dtype.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).type_as(autodiff.zeros(1, dtype=autodiff.float64)).dtype
    dtype('float64')
    """
    return self.to(other.dtype)


def _element_size(self: Tensor) -> int:
    """Bytes per element.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).element_size()
    4
    """
    return int(self.data.itemsize)


def _nbytes(self: Tensor) -> int:
    """Bytes of the elements (``numel() * element_size()``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).nbytes
    24
    """
    return int(self.data.nbytes)


def _itemsize(self: Tensor) -> int:
    """Bytes per element (a property, as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1, dtype=autodiff.float64).itemsize
    8
    """
    return int(self.data.itemsize)


def _ndimension(self: Tensor) -> int:
    """Alias of :meth:`Tensor.dim`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).ndimension()
    2
    """
    return self.data.ndim


def _is_contiguous(self: Tensor, memory_format: object = None) -> bool:
    """Whether the elements lie in memory in row-major order without gaps.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(2, 3)
    >>> x.is_contiguous(), x.t().is_contiguous()
    (True, False)
    """
    return bool(self.data.flags.c_contiguous)


def _stride(self: Tensor, dim: int | None = None) -> tuple | int:
    """Elements to skip to the next index in each dimension (0 where expanded).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).t().stride()
    (1, 3)
    """
    d = self.data
    st = tuple(int(s // d.itemsize) for s in d.strides) if d.ndim else ()
    if dim is None:
        return st
    return st[normalize_dim(dim, d.ndim, "stride")]


def _root(a: np.ndarray) -> np.ndarray:
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _storage_offset(self: Tensor) -> int:
    """Elements between the start of the storage and this tensor's first element.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3)[:, 1:].storage_offset()
    1
    """
    d = self.data
    root = _root(d)
    return int(
        (d.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // d.itemsize
    )


def _data_ptr(self: Tensor) -> int:
    """The address of the first element.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(3)
    >>> x[1:].data_ptr() - x.data_ptr()
    4
    """
    return int(self.data.__array_interface__["data"][0])


def _get_device(self: Tensor) -> int:
    """-1: the tensor is on the CPU (PyTorch's answer for a CPU tensor).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).get_device()
    -1
    """
    return -1


def _pin_memory(self: Tensor, device: object = None) -> Tensor:
    """Refused, as PyTorch without an accelerator.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).pin_memory()
    Traceback (most recent call last):
    RuntimeError: Cannot access accelerator device when none is available.
    """
    raise RuntimeError("Cannot access accelerator device when none is available.")


def _is_pinned(self: Tensor, device: object = None) -> bool:
    """False: no memory is pinned (there is no accelerator).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).is_pinned()
    False
    """
    return False


def _share_memory_(self: Tensor) -> Tensor:
    """``self`` (processes share it by pickling its array; nothing to move).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(1)
    >>> x.share_memory_() is x
    True
    """
    return self


def _cast_method(name: str, dtype: DTypeLike, example: str):
    def f(self: Tensor, memory_format: object = None) -> Tensor:
        return self.to(dtype)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""``self.to({example})``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1.5, -2.0]).{name}().dtype
    dtype('{np.dtype(dtype).name}')
    """
    return f


def _bfloat16(self: Tensor, memory_format: object = None) -> Tensor:
    """``self.to(autodiff.bfloat16)``: refused, NumPy has no bfloat16.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).bfloat16()  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    TypeError: autodiff has no bfloat16 (NumPy has none); use autodiff.float32, ...
    """
    return self.to(ad.bfloat16)


def _H(self: Tensor) -> Tensor:
    """The conjugate transpose of a matrix (its transpose: tensors here are real).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).H.shape
    (3, 2)
    """
    if self.ndim not in (0, 2):
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor."
        )
    return t(self)


def _mH(self: Tensor) -> Tensor:
    """The conjugate transpose of the last two dimensions (their transpose, tensors
    being real here).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(4, 2, 3).mH.shape
    (4, 3, 2)
    """
    if self.ndim < 2:
        raise RuntimeError(
            "tensor.mH is only supported on matrices or batches of matrices. "
            f"Got {self.ndim}-D tensor."
        )
    return ad.transpose(self, -2, -1)


def _shape_inplace(name: str, method: str, example: str):
    def f(self: Tensor, *args: object) -> Tensor:
        if self.requires_grad and (ad.is_grad_enabled()):
            raise RuntimeError(
                f"{name}: changing the shape of a tensor that requires grad in place is "
                f"not supported here; use the out-of-place {method}()"
            )
        new = getattr(Tensor, method)(self, *args)
        self._data = new.data
        return self

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""In-place :meth:`Tensor.{method}`: ``self`` takes the new shape (a
    tensor that requires grad is refused while recording).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3).{name}({example}).shape
    {
        tuple(
            getattr(
                np.zeros((2, 3)),
                {
                    "t": "transpose",
                    "transpose": "transpose",
                    "squeeze": "squeeze",
                    "unsqueeze": "reshape",
                }[method],
            )(
                *{"t": (), "transpose": (1, 0), "squeeze": (), "unsqueeze": ((1, 2, 3),)}[method]
            ).shape
        )
    }
    """
    return f


def _fill(self: Tensor, values) -> Tensor:
    # (as PyTorch: on a leaf that requires grad this raises outside no_grad)
    return copy_(self, Tensor(np.asarray(values, dtype=self.data.dtype)))


def _bernoulli_(
    self: Tensor, p: float | Tensor = 0.5, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with 0/1 samples, 1 with probability ``p`` (a number or a tensor).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.empty(3).bernoulli_(1.0)
    Tensor([1., 1., 1.])
    """
    pr = p.data if isinstance(p, Tensor) else p
    draw = resolve_gen(generator).random(self.data.shape) < pr
    return _fill(self, draw)


def _exponential_(self: Tensor, lambd: float = 1.0, *, generator: GeneratorLike = None) -> Tensor:
    """Fill in place with exponential samples of rate ``lambd``.

    Examples
    --------
    >>> import autodiff
    >>> bool((autodiff.empty(5).exponential_(2.0) >= 0).all())
    True
    """
    return _fill(self, resolve_gen(generator).exponential(1.0 / lambd, self.data.shape))


def _random_(
    self: Tensor, from_: int = 0, to: int | None = None, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with integers in ``[from_, to)`` (``random_(to)``: ``[0, to)``).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.empty(5).random_(3)
    >>> bool(((x >= 0) & (x < 3) & (x == x.floor())).all())
    True
    """
    if to is None:
        from_, to = 0, from_
    return _fill(self, resolve_gen(generator).integers(from_, to, self.data.shape))


def _geometric_(self: Tensor, p: float, *, generator: GeneratorLike = None) -> Tensor:
    """Fill in place with geometric samples (trials to the first success, >= 1).

    Examples
    --------
    >>> import autodiff
    >>> bool((autodiff.empty(4).geometric_(0.5) >= 1).all())
    True
    """
    return _fill(self, resolve_gen(generator).geometric(p, self.data.shape))


def _log_normal_(
    self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with ``exp`` of normal samples of ``mean`` and ``std``.

    Examples
    --------
    >>> import autodiff
    >>> bool((autodiff.empty(4).log_normal_() > 0).all())
    True
    """
    return _fill(self, resolve_gen(generator).lognormal(mean, std, self.data.shape))


def _cauchy_(
    self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with Cauchy samples of ``median`` and scale ``sigma``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.empty(3).cauchy_().shape
    (3,)
    """
    return _fill(self, median + sigma * resolve_gen(generator).standard_cauchy(self.data.shape))


def _bernoulli(self: Tensor, p: float | None = None, *, generator: GeneratorLike = None) -> Tensor:
    """:func:`autodiff.bernoulli` of ``self``'s probabilities (or of ``p``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.0, 1.0]).bernoulli()
    Tensor([0., 1.])
    """
    return ad.bernoulli(self, p, generator=generator)


def _is_cpu(self: Tensor) -> bool:
    """True: every tensor is on the CPU.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).is_cpu
    True
    """
    return True


def _broadcast_to_method(self: Tensor, size: Any) -> Tensor:
    """:func:`autodiff.broadcast_to` of ``self``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(3).broadcast_to((2, 3)).shape
    (2, 3)
    """
    return ad.broadcast_to(self, size)


def _argwhere_method(self: Tensor) -> Tensor:
    """:func:`autodiff.argwhere` of ``self``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.0, 2.0]).argwhere()
    Tensor([[1]])
    """
    return argwhere(self)


def _hardshrink_method(self: Tensor, lambd: float = 0.5) -> Tensor:
    """:func:`autodiff.hardshrink` of ``self``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.2, 1.0]).hardshrink()
    Tensor([0., 1.])
    """
    return hardshrink(self, lambd)


def _prelu_method(self: Tensor, weight: Tensor) -> Tensor:
    """:func:`autodiff.prelu` of ``self``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([-2.0, 1.0]).prelu(autodiff.tensor([0.5]))
    Tensor([-1.,  1.])
    """
    return prelu(self, weight)


def _real_prop(self: Tensor) -> Tensor:
    """The real part: ``self`` (tensors are real here).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(1)
    >>> x.real is x
    True
    """
    return self


def tensor_methods() -> dict:
    """``{name: method or property}``: Tensor's further PyTorch methods that are not
    ops (storage questions, casts, shape changes in place); ops/__init__ binds them."""
    return {
        "type_as": _type_as,
        "element_size": _element_size,
        "nbytes": property(_nbytes),
        "itemsize": property(_itemsize),
        "ndimension": _ndimension,
        "is_contiguous": _is_contiguous,
        "stride": _stride,
        "storage_offset": _storage_offset,
        "data_ptr": _data_ptr,
        "get_device": _get_device,
        "pin_memory": _pin_memory,
        "is_pinned": _is_pinned,
        "share_memory_": _share_memory_,
        "char": _cast_method("char", np.int8, "autodiff.int8"),
        "byte": _cast_method("byte", np.uint8, "autodiff.uint8"),
        "short": _cast_method("short", np.int16, "autodiff.int16"),
        "bfloat16": _bfloat16,
        "H": property(_H),
        "mH": property(_mH),
        "t_": _shape_inplace("t_", "t", ""),
        "transpose_": _shape_inplace("transpose_", "transpose", "0, 1"),
        "squeeze_": _shape_inplace("squeeze_", "squeeze", ""),
        "unsqueeze_": _shape_inplace("unsqueeze_", "unsqueeze", "0"),
        "polygamma": _polygamma_method,
        "where": _where_method,
        "sum_to_size": _sum_to_size,
        "is_cpu": property(_is_cpu),
        "swapaxes_": _shape_inplace("swapaxes_", "transpose", "0, 1"),
        "swapdims_": _shape_inplace("swapdims_", "transpose", "0, 1"),
        "broadcast_to": _broadcast_to_method,
        "argwhere": _argwhere_method,
        "hardshrink": _hardshrink_method,
        "prelu": _prelu_method,
        "real": property(_real_prop),
        "bernoulli": _bernoulli,
        "bernoulli_": _bernoulli_,
        "exponential_": _exponential_,
        "random_": _random_,
        "geometric_": _geometric_,
        "log_normal_": _log_normal_,
        "cauchy_": _cauchy_,
    }


# ---------------------------------------------------------- in-place methods
# name_: (out-of-place method, example input, example arguments). Each is
# ``inplace(t, name_, lambda x: x.<method>(*args, **kwargs))`` (autodiff/ops/inplace.py):
# the version checks, leaf refusal and views work as for add_.
_INPLACE = {
    "index_add_": ("index_add", "[1.0, 2.0, 3.0]", "0, autodiff.tensor([0, 0]), autodiff.ones(2)"),
    "index_copy_": ("index_copy", "[1.0, 2.0, 3.0]", "0, autodiff.tensor([2]), autodiff.ones(1)"),
    "index_fill_": ("index_fill", "[1.0, 2.0, 3.0]", "0, autodiff.tensor([1]), -1.0"),
    "masked_fill_": (
        "masked_fill",
        "[1.0, -2.0, 3.0]",
        "autodiff.tensor([True, False, True]), 0.0",
    ),
    "scatter_": ("scatter", "[1.0, 2.0, 3.0]", "0, autodiff.tensor([2]), autodiff.tensor([9.0])"),
    "scatter_add_": (
        "scatter_add",
        "[1.0, 2.0, 3.0]",
        "0, autodiff.tensor([2, 2]), autodiff.tensor([1.0, 1.0])",
    ),
    "sqrt_": ("sqrt", "[1.0, 4.0]", ""),
    "rsqrt_": ("rsqrt", "[1.0, 4.0]", ""),
    "exp_": ("exp", "[0.0, 1.0]", ""),
    "expm1_": ("expm1", "[0.0, 1.0]", ""),
    "log_": ("log", "[1.0, 2.0]", ""),
    "log1p_": ("log1p", "[0.0, 1.0]", ""),
    "log2_": ("log2", "[1.0, 8.0]", ""),
    "log10_": ("log10", "[1.0, 100.0]", ""),
    "sin_": ("sin", "[0.0, 1.0]", ""),
    "cos_": ("cos", "[0.0, 1.0]", ""),
    "tan_": ("tan", "[0.0, 1.0]", ""),
    "tanh_": ("tanh", "[0.0, 1.0]", ""),
    "sigmoid_": ("sigmoid", "[0.0, 1.0]", ""),
    "relu_": ("relu", "[-1.0, 1.0]", ""),
    "abs_": ("abs", "[-1.0, 1.0]", ""),
    "neg_": ("neg", "[-1.0, 1.0]", ""),
    "negative_": ("neg", "[-1.0, 1.0]", ""),
    "sign_": ("sign", "[-2.0, 3.0]", ""),
    "square_": ("square", "[-2.0, 3.0]", ""),
    "reciprocal_": ("reciprocal", "[2.0, 4.0]", ""),
    "floor_": ("floor", "[-1.5, 1.5]", ""),
    "ceil_": ("ceil", "[-1.5, 1.5]", ""),
    "round_": ("round", "[-1.4, 1.6]", ""),
    "trunc_": ("trunc", "[-1.5, 1.5]", ""),
    "frac_": ("frac", "[-1.5, 1.5]", ""),
    "erf_": ("erf", "[0.0, 1.0]", ""),
    "erfinv_": ("erfinv", "[0.0, 0.5]", ""),
    "clamp_min_": ("clamp_min", "[-1.0, 1.0]", "0.0"),
    "clamp_max_": ("clamp_max", "[-1.0, 1.0]", "0.0"),
    "clip_": ("clip", "[-2.0, 2.0]", "-1.0, 1.0"),
    "pow_": ("pow", "[2.0, 3.0]", "2"),
    "fmod_": ("fmod", "[5.0, -5.0]", "3.0"),
    "remainder_": ("remainder", "[5.0, -5.0]", "3.0"),
    "lerp_": ("lerp", "[0.0, 1.0]", "autodiff.tensor([2.0, 3.0]), 0.5"),
    "addcmul_": (
        "addcmul",
        "[1.0, 2.0]",
        "autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0])",
    ),
    "addcdiv_": (
        "addcdiv",
        "[1.0, 2.0]",
        "autodiff.tensor([1.0, 2.0]), autodiff.tensor([2.0, 4.0])",
    ),
    "tril_": ("tril", "[[1.0, 2.0], [3.0, 4.0]]", ""),
    "triu_": ("triu", "[[1.0, 2.0], [3.0, 4.0]]", ""),
    "nan_to_num_": ("nan_to_num", "[float('nan'), 1.0]", ""),
    "logit_": ("logit", "[0.25, 0.5]", ""),
    "sinc_": ("sinc", "[0.5, 1.0]", ""),
    "deg2rad_": ("deg2rad", "[90.0, 180.0]", ""),
    "rad2deg_": ("rad2deg", "[1.0, 2.0]", ""),
    "xlogy_": ("xlogy", "[1.0, 2.0]", "2.0"),
    "hypot_": ("hypot", "[3.0, 5.0]", "autodiff.tensor([4.0, 12.0])"),
    "atan2_": ("atan2", "[1.0, 2.0]", "autodiff.tensor([1.0, 1.0])"),
    "copysign_": ("copysign", "[1.0, 2.0]", "-1.0"),
    "float_power_": ("float_power", "[1.0, 2.0]", "2.0"),
    "absolute_": ("absolute", "[-1.0, 1.0]", ""),
    "acos_": ("acos", "[0.0, 0.5]", ""),
    "arccos_": ("arccos", "[0.0, 0.5]", ""),
    "asin_": ("asin", "[0.0, 0.5]", ""),
    "arcsin_": ("arcsin", "[0.0, 0.5]", ""),
    "atan_": ("atan", "[0.0, 0.5]", ""),
    "arctan_": ("arctan", "[0.0, 0.5]", ""),
    "acosh_": ("acosh", "[1.0, 2.0]", ""),
    "arccosh_": ("arccosh", "[1.0, 2.0]", ""),
    "asinh_": ("asinh", "[0.0, 0.5]", ""),
    "arcsinh_": ("arcsinh", "[0.0, 0.5]", ""),
    "atanh_": ("atanh", "[0.0, 0.5]", ""),
    "arctanh_": ("arctanh", "[0.0, 0.5]", ""),
    "arctan2_": ("arctan2", "[1.0, 2.0]", "autodiff.tensor([1.0, 1.0])"),
    "sinh_": ("sinh", "[0.0, 0.5]", ""),
    "cosh_": ("cosh", "[0.0, 0.5]", ""),
    "exp2_": ("exp2", "[0.0, 3.0]", ""),
    "erfc_": ("erfc", "[0.0, 0.5]", ""),
    "digamma_": ("digamma", "[1.0, 2.5]", ""),
    "lgamma_": ("lgamma", "[1.0, 2.5]", ""),
    "mvlgamma_": ("mvlgamma", "[2.0, 2.5]", "2"),
    "fix_": ("fix", "[-1.5, 1.5]", ""),
    "sgn_": ("sgn", "[-1.5, 1.5]", ""),
    "divide_": ("divide", "[3.0, 4.0]", "2.0"),
    "true_divide_": ("true_divide", "[3.0, 4.0]", "2.0"),
    "floor_divide_": ("floor_divide", "[3.0, -4.0]", "2.0"),
    "multiply_": ("multiply", "[3.0, 4.0]", "2.0"),
    "subtract_": ("subtract", "[3.0, 4.0]", "2.0"),
    "ldexp_": ("ldexp", "[1.0, 2.0]", "autodiff.tensor([1, 2])"),
    "nextafter_": ("nextafter", "[1.0, 2.0]", "autodiff.tensor([2.0, 1.0])"),
    "heaviside_": ("heaviside", "[-1.0, 0.0]", "autodiff.tensor([0.5])"),
    "cumsum_": ("cumsum", "[1.0, 2.0]", "0"),
    "cumprod_": ("cumprod", "[1.0, 2.0]", "0"),
    "renorm_": ("renorm", "[[3.0, 4.0], [0.3, 0.4]]", "2, 0, 1.0"),
    "masked_scatter_": (
        "masked_scatter",
        "[1.0, 2.0]",
        "autodiff.tensor([True, False]), autodiff.tensor([5.0])",
    ),
    "conj_physical_": ("conj_physical", "[1.0, 2.0]", ""),
    "addmm_": ("addmm", "[[1.0, 2.0]]", "autodiff.ones(1, 3), autodiff.ones(3, 2)"),
    "addmv_": ("addmv", "[1.0, 2.0]", "autodiff.ones(2, 3), autodiff.ones(3)"),
    "addr_": ("addr", "[[1.0, 2.0]]", "autodiff.ones(1), autodiff.ones(2)"),
    "addbmm_": ("addbmm", "[[1.0, 2.0]]", "autodiff.ones(2, 1, 3), autodiff.ones(2, 3, 2)"),
    "baddbmm_": ("baddbmm", "[[[1.0, 2.0]]]", "autodiff.ones(1, 1, 3), autodiff.ones(1, 3, 2)"),
    "scatter_reduce_": (
        "scatter_reduce",
        "[1.0, 2.0, 3.0]",
        "0, autodiff.tensor([0, 0]), autodiff.tensor([5.0, 1.0]), 'amax'",
    ),
    "index_put_": (
        "index_put",
        "[1.0, 2.0, 3.0]",
        "(autodiff.tensor([0, 2]),), autodiff.tensor([5.0, 6.0])",
    ),
    "put_": ("put", "[[1.0, 2.0], [3.0, 4.0]]", "autodiff.tensor([3]), autodiff.tensor([9.0])"),
}


def _inplace_method(name: str, method: str, example_input: str, example_args: str):
    def fn(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        out_of_place = getattr(Tensor, method)
        other = next((a for a in args if isinstance(a, Tensor)), None)
        return inplace(self, name, lambda x: out_of_place(x, *args, **kwargs), other)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""In-place :meth:`Tensor.{method}`: ``self`` takes the result (same shape).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor({example_input})
    >>> y = x.clone().{name}({example_args})
    >>> bool(autodiff.equal(y, x.{method}({example_args})))
    True
    """
    return fn


def inplace_methods() -> dict:
    """``{name_: method}``: the further in-place Tensor methods (ops/__init__ binds them)."""
    return {name: _inplace_method(name, *spec) for name, spec in _INPLACE.items()}
