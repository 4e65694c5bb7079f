"""Pointwise maths beyond the basics (issue 17), with PyTorch 2.13's semantics.

Unary float functions (``log1p expm1 log2 log10 exp2 rsqrt tan asin acos atan sinh
cosh asinh acosh atanh``) promote integer and bool tensors to the default float, as
PyTorch does. Rounding (``floor ceil trunc round``) keeps integer tensors as they are
and has a zero gradient. ``fmod``/``remainder`` and ``div(rounding_mode=...)`` follow
PyTorch's kernels exactly (signed zeros, infinities, integer division by zero raises).
Predicates, logical and bitwise ops give non-differentiable results.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtypes
from .._typing import Number, TensorLike
from ..engine import Node, apply, apply1, apply2
from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg, cast, check_broadcast, operands
from .elementwise import _fast_unary, clamp, div
from .xp import NP

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)

_TORCH_NAMES = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


def _tname(dtype) -> str:
    return _TORCH_NAMES.get(np.dtype(dtype).name, str(dtype))


def _not_implemented(kernel: str, dtype) -> NotImplementedError:
    """PyTorch's message for a kernel with no implementation for a dtype."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_tname(dtype)}'")


def _on(xp, np_fn, op):
    """``np_fn`` for a plain backward (ndarrays), the recorded op under create_graph."""
    return np_fn if xp is NP else op


def _const(xp, fn, *xs):
    """``fn`` of the arrays of ``xs`` as a constant (an ndarray for a plain backward, a
    Tensor without history under create_graph): for factors whose derivative is zero
    almost everywhere (signs, rounded quotients)."""
    if xp is NP:
        return fn(*xs)
    return _make(fn(*[x.data for x in xs]), None)


def _check_tensor(x, opname: str, what: str = "input") -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{opname}(): argument '{what}' must be Tensor, not {type(x).__name__}")
    return x


def _binary_operands(a, b, opname: str):
    """Both operands as Tensors of one dtype (PyTorch's promotion), broadcast checked."""
    a, b = operands(a, b, opname)
    check_broadcast(opname, a.shape, b.shape)
    return a, b


# ------------------------------------------------------------ sample inputs


def _un(low=-2.0, high=2.0):
    def make():
        return [
            R.Sample((R.randn(3, 4, low=low, high=high),)),
            R.Sample((R.randn(low=low, high=high),), note="0-d"),
        ]

    return make


def _pairs(low=-2.0, high=2.0, b_low=None, b_high=None):
    """Broadcasting pairs, ``b`` in ``a``'s range unless given."""
    return R.broadcast_pairs(
        low, high, low if b_low is None else b_low, high if b_high is None else b_high
    )


def _away_from_integers(*shape, seed=0):
    """Values at least 0.15 from any integer (rounding ops' kinks)."""
    r = R.rng(seed + 7)
    whole = r.integers(-3, 3, size=shape).astype(np.float64)
    return R.Arg(whole + r.uniform(0.15, 0.85, size=shape))


# ------------------------------------------------------------ unary float ops


class Log1pBackward(Node):
    name = "log1p"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.log1p(x)

    def vjp(self, g, xs, out, xp):
        return (g / (xs[0] + 1.0),)


class Expm1Backward(Node):
    name = "expm1"
    saves = ("out",)

    @staticmethod
    def forward(x, attrs):
        return np.expm1(x)

    def vjp(self, g, xs, out, xp):
        return (g * (out + 1.0),)


class Log2Backward(Node):
    name = "log2"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.log2(x)

    def vjp(self, g, xs, out, xp):
        return (g / (xs[0] * _LN2),)


class Log10Backward(Node):
    name = "log10"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.log10(x)

    def vjp(self, g, xs, out, xp):
        return (g / (xs[0] * _LN10),)


class Exp2Backward(Node):
    name = "exp2"
    saves = ("out",)

    @staticmethod
    def forward(x, attrs):
        return np.exp2(x)

    def vjp(self, g, xs, out, xp):
        return (g * (out * _LN2),)


class RsqrtBackward(Node):
    name = "rsqrt"
    saves = ("out",)

    @staticmethod
    def forward(x, attrs):
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 / np.sqrt(x)

    def vjp(self, g, xs, out, xp):
        return (g * (out * out * out) * -0.5,)  # -0.5 g out^3, as PyTorch


class TanBackward(Node):
    name = "tan"
    saves = ("out",)

    @staticmethod
    def forward(x, attrs):
        return np.tan(x)

    def vjp(self, g, xs, out, xp):
        return (g * (out * out + 1.0),)


class AsinBackward(Node):
    name = "asin"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.arcsin(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g / xp.sqrt(1.0 - x * x),)


class AcosBackward(Node):
    name = "acos"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.arccos(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (-g / xp.sqrt(1.0 - x * x),)


class AtanBackward(Node):
    name = "atan"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.arctan(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g / (x * x + 1.0),)


class SinhBackward(Node):
    name = "sinh"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.sinh(x)

    def vjp(self, g, xs, out, xp):
        return (g * _on(xp, np.cosh, cosh)(xs[0]),)


class CoshBackward(Node):
    name = "cosh"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.cosh(x)

    def vjp(self, g, xs, out, xp):
        return (g * _on(xp, np.sinh, sinh)(xs[0]),)


class AsinhBackward(Node):
    name = "asinh"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.arcsinh(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g / xp.sqrt(x * x + 1.0),)


class AcoshBackward(Node):
    name = "acosh"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.arccosh(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g / xp.sqrt(x * x - 1.0),)


class AtanhBackward(Node):
    name = "atanh"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.arctanh(x)

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        return (g / (1.0 - x * x),)


@R.op(samples=_un(-0.8, 3.0), method=True, ref=np.log1p)
@_fast_unary(Log1pBackward, float_only=True)
def log1p(x: TensorLike) -> Tensor:
    """Elementwise ``log(1 + x)``, accurate for small ``x``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log1p(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.expm1)
@_fast_unary(Expm1Backward, float_only=True)
def expm1(x: TensorLike) -> Tensor:
    """Elementwise ``exp(x) - 1``, accurate for small ``x``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.expm1(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(0.3, 3.0), method=True, ref=np.log2)
@_fast_unary(Log2Backward, float_only=True)
def log2(x: TensorLike) -> Tensor:
    """Elementwise base-2 logarithm.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log2(autodiff.tensor([8.0]))
    Tensor([3.])
    """


@R.op(samples=_un(0.3, 3.0), method=True, ref=np.log10)
@_fast_unary(Log10Backward, float_only=True)
def log10(x: TensorLike) -> Tensor:
    """Elementwise base-10 logarithm.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log10(autodiff.tensor([100.0]))
    Tensor([2.])
    """


@R.op(samples=_un(), method=True, ref=np.exp2)
@_fast_unary(Exp2Backward, float_only=True)
def exp2(x: TensorLike) -> Tensor:
    """Elementwise ``2 ** x``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.exp2(autodiff.tensor([3.0]))
    Tensor([8.])
    """


@R.op(samples=_un(0.3, 3.0), method=True, ref=lambda x: 1.0 / np.sqrt(x))
@_fast_unary(RsqrtBackward, float_only=True)
def rsqrt(x: TensorLike) -> Tensor:
    """Elementwise ``1 / sqrt(x)`` (inf at 0, NaN below).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.rsqrt(autodiff.tensor([4.0]))
    Tensor([0.5])
    """


@R.op(samples=_un(-1.2, 1.2), method=True, ref=np.tan)
@_fast_unary(TanBackward, float_only=True)
def tan(x: TensorLike) -> Tensor:
    """Elementwise tangent.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tan(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-0.8, 0.8), method=True, ref=np.arcsin)
@_fast_unary(AsinBackward, float_only=True)
def asin(x: TensorLike) -> Tensor:
    """Elementwise arcsine (NaN outside [-1, 1]).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.asin(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-0.8, 0.8), method=True, ref=np.arccos)
@_fast_unary(AcosBackward, float_only=True)
def acos(x: TensorLike) -> Tensor:
    """Elementwise arccosine (NaN outside [-1, 1]).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.acos(autodiff.tensor([1.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-3.0, 3.0), method=True, ref=np.arctan)
@_fast_unary(AtanBackward, float_only=True)
def atan(x: TensorLike) -> Tensor:
    """Elementwise arctangent.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.atan(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.sinh)
@_fast_unary(SinhBackward, float_only=True)
def sinh(x: TensorLike) -> Tensor:
    """Elementwise hyperbolic sine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sinh(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.cosh)
@_fast_unary(CoshBackward, float_only=True)
def cosh(x: TensorLike) -> Tensor:
    """Elementwise hyperbolic cosine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cosh(autodiff.tensor([0.0]))
    Tensor([1.])
    """


@R.op(samples=_un(), method=True, ref=np.arcsinh)
@_fast_unary(AsinhBackward, float_only=True)
def asinh(x: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic sine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.asinh(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(1.2, 3.0), method=True, ref=np.arccosh)
@_fast_unary(AcoshBackward, float_only=True)
def acosh(x: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic cosine (NaN below 1).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.acosh(autodiff.tensor([1.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-0.8, 0.8), method=True, ref=np.arctanh)
@_fast_unary(AtanhBackward, float_only=True)
def atanh(x: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic tangent (+-inf at +-1, NaN beyond).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.atanh(autodiff.tensor([0.0]))
    Tensor([0.])
    """


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
def floor(x: TensorLike) -> Tensor:
    """Elementwise floor; integer tensors are returned as they are (a copy). Its
    gradient is zero, as PyTorch's.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.floor(autodiff.tensor([-1.5, 1.5]))
    Tensor([-2.,  1.])
    """
    return _rounding(FloorBackward, x, "floor")


@R.op(samples=_rounding_samples, method=True, ref=np.ceil, errors=_rounding_errors("ceil"))
def ceil(x: TensorLike) -> Tensor:
    """Elementwise ceiling; integer tensors are returned as they are (a copy); zero gradient.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ceil(autodiff.tensor([-1.5, 1.5]))
    Tensor([-1.,  2.])
    """
    return _rounding(CeilBackward, x, "ceil")


@R.op(samples=_rounding_samples, method=True, ref=np.trunc, errors=_rounding_errors("trunc"))
def trunc(x: TensorLike) -> Tensor:
    """Elementwise rounding towards zero; integer tensors as they are; zero gradient.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.trunc(autodiff.tensor([-1.5, 1.5]))
    Tensor([-1.,  1.])
    """
    return _rounding(TruncBackward, x, "trunc")


@R.op(
    samples=lambda: [
        *_rounding_samples(),
        R.Sample((R.Arg(np.array([0.1234, -2.3456, 7.0771])),), {"decimals": 2}),
        R.Sample((R.Arg(np.array([12.0, -371.0, 7749.0])),), {"decimals": -2}),
    ],
    method=True,
    ref=lambda x, decimals=0: _round_np(x, decimals),
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
def round(x: TensorLike, *, decimals: int = 0) -> Tensor:  # noqa: A001 - PyTorch's name
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
    return _rounding(RoundBackward, x, "round", int(decimals))


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
    ref=lambda x: x - np.trunc(x),
    errors=lambda: [
        R.ErrorInput(
            (R.tensor([1, 2], np.int64),),
            error=NotImplementedError,
            match="frac_cpu\" not implemented for 'Long'",
        )
    ],
)
def frac(x: TensorLike) -> Tensor:
    """Elementwise fractional part, ``x - trunc(x)`` (floating tensors only, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.frac(autodiff.tensor([-1.25, 2.5]))
    Tensor([-0.25,  0.5 ])
    """
    x = as_tensor_arg(x, "frac")
    if x._data.dtype.kind != "f":
        raise _not_implemented("frac_cpu", x._data.dtype)
    return apply1(FracBackward, x)


# ------------------------------------------------------------ division family


def _int_zero_check(b: np.ndarray, opname: str) -> None:
    if b.dtype.kind in "biu" and not b.all():
        raise RuntimeError(
            f"ZeroDivisionError: {opname} of integer tensors by zero (PyTorch raises too)"
        )


def _trunc_div_np(a, b):
    """Quotient rounded towards zero, as PyTorch's div(rounding_mode='trunc')."""
    if a.dtype.kind in "iu":
        return np.asarray((a - np.fmod(a, b)) // b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.trunc(a / b)


def _floor_div_np(a, b):
    """Quotient rounded down, as PyTorch's div(rounding_mode='floor') (its
    div_floor_floating for floats: exact through fmod, signed zeros kept)."""
    if a.dtype.kind in "iu":
        return np.asarray(np.floor_divide(a, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        mod = np.fmod(a, b)
        div = (a - mod) / b
        div = np.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1.0, div)
        fl = np.floor(div)
        fl = np.where(div - fl > 0.5, fl + 1.0, fl)
        q = a / b
        out = np.where(div != 0, fl, np.copysign(np.zeros_like(fl), q))
        return np.asarray(np.where(b == 0, q, out).astype(a.dtype, copy=False))


def _fmod_np(a, b):
    if a.dtype.kind in "iu":
        return np.asarray(np.fmod(a, b))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.fmod(a, b)


def _remainder_np(a, b):
    """Remainder with the divisor's sign, as PyTorch's kernel: fmod, plus b where
    the signs differ (a zero keeps fmod's sign: remainder(-0., 1.) is -0.)."""
    if a.dtype.kind in "iu":
        return np.asarray(np.remainder(a, b))
    with np.errstate(invalid="ignore", divide="ignore"):
        mod = np.fmod(a, b)
        return np.asarray(np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod))


class DivRoundedBackward(Node):
    """div with rounding_mode: a step function of both inputs, zero gradients."""

    name = "div"
    saves = ()

    @staticmethod
    def forward(a, b, mode):
        return (_trunc_div_np if mode == "trunc" else _floor_div_np)(a, b)

    def vjp(self, g, xs, out, xp):
        return xp.zeros_like(g), xp.zeros_like(g)


def _div_rounded_samples():
    return [
        R.Sample((a, b), {"rounding_mode": mode})
        for mode in ("trunc", "floor")
        for a, b in (
            (
                R.Arg(np.array([[5.3, -5.3, 2.2], [-7.9, 0.7, -0.4]])),
                R.Arg(np.array([2.0, -1.5, 0.9])),
            ),
            (R.Arg(np.array([4.3, -4.3, 0.6])), 1.7),
        )
    ]


def div_rounded(a: TensorLike, b: TensorLike, rounding_mode: str) -> Tensor:
    """``div(a, b, rounding_mode="trunc" | "floor")`` (called by ``div``)."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"{rounding_mode!r}"
        )
    a, b = _binary_operands(a, b, "div")
    dt = a._data.dtype
    if dt.kind == "b":
        raise _not_implemented(f"div_{rounding_mode}_cpu", dt)
    _int_zero_check(b._data, "div")
    return apply2(DivRoundedBackward, a, b, rounding_mode)


# div(..., rounding_mode=) is declared with div (ops/elementwise.py): check this route too
R.register(
    "div_rounding_mode",
    lambda a, b, rounding_mode: div(a, b, rounding_mode=rounding_mode),
    _div_rounded_samples,
    ref=lambda a, b, rounding_mode: (_trunc_div_np if rounding_mode == "trunc" else _floor_div_np)(
        np.asarray(a), np.asarray(b)
    ),
)


class FmodBackward(Node):
    name = "fmod"
    saves = (0, 1)

    @staticmethod
    def forward(a, b, attrs):
        return _fmod_np(a, b)

    def vjp(self, g, xs, out, xp):
        a, b = xs
        # as PyTorch: grad for a; -grad * trunc(a / b) for b
        gb = -g * _const(xp, _trunc_div_np, a, b) if self.needs[1] else None
        return g, gb


class RemainderBackward(Node):
    name = "remainder"
    saves = (0, 1)

    @staticmethod
    def forward(a, b, attrs):
        return _remainder_np(a, b)

    def vjp(self, g, xs, out, xp):
        if self.attrs == "number_first":
            # PyTorch's remainder(Scalar, Tensor) has no derivative: its backward raises
            raise RuntimeError(
                "derivative for remainder(number, tensor) (number % tensor) is not "
                "implemented, as in PyTorch; to differentiate it write "
                "number - (number / t).floor() * t"
            )
        a, b = xs
        gb = -g * _const(xp, _floor_div_np, a, b) if self.needs[1] else None
        return g, gb


def _modulo(cls, a, b, opname, attrs=None):
    a, b = _binary_operands(a, b, opname)
    dt = a._data.dtype
    if dt.kind == "b":
        raise _not_implemented(f"{opname}_cpu", dt)
    _int_zero_check(b._data, opname)
    return apply2(cls, a, b, attrs)


def _mod_samples():
    # quotients kept away from integers (the b-gradient's steps)
    return [
        R.Sample(
            (
                R.Arg(np.array([[5.3, -5.3, 2.2], [-7.9, 0.7, -0.4]])),
                R.Arg(np.array([2.0, -1.5, 0.9])),
            )
        ),
        R.Sample((R.Arg(np.array([4.3, -4.3, 0.6])), 1.7), note="tensor, scalar"),
        R.Sample((R.Arg(np.array(3.7)), R.Arg(np.array([-2.0, 1.5]))), note="0-d"),
    ]


def _mod_errors(opname):
    return lambda: [
        R.ErrorInput(
            (R.tensor([1, 2], np.int64), R.tensor([1, 0], np.int64)),
            error=RuntimeError,
            match="ZeroDivisionError",
        ),
        R.ErrorInput(
            (R.tensor([True], bool), R.tensor([True], bool)),
            error=NotImplementedError,
            match=f"{opname}_cpu\" not implemented for 'Bool'",
        ),
        R.ErrorInput(
            (R.tensor(np.ones(3)), R.tensor(np.ones(2))), error=ValueError, match="broadcast"
        ),
    ]


@R.op(samples=_mod_samples, method=True, ref=np.fmod, errors=_mod_errors("fmod"))
def fmod(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise C remainder ``a - trunc(a / b) * b``: the dividend's sign (as PyTorch).

    Integer tensors give integers (division by zero raises); a float ``x`` by 0 is NaN.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.fmod(autodiff.tensor([-3.0, 3.0]), 2.0)
    Tensor([-1.,  1.])
    """
    _check_tensor(input, "fmod")
    return _modulo(FmodBackward, input, other, "fmod")


@R.op(
    samples=_mod_samples,
    method=True,
    ref=np.remainder,
    errors=_mod_errors("remainder"),
)
def remainder(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise Python modulus ``a - floor(a / b) * b``: the divisor's sign (as
    PyTorch's ``remainder`` and ``%``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.remainder(autodiff.tensor([-3.0, 3.0]), 2.0)
    Tensor([1., 1.])
    >>> autodiff.tensor([-3, 3]) % 2
    Tensor([1, 1])

    As in PyTorch, ``number % t`` (a Python number first) has a value but no
    derivative: backward through it raises.
    """
    number_first = not isinstance(input, Tensor) and isinstance(other, Tensor)
    return _modulo(
        RemainderBackward, input, other, "remainder", "number_first" if number_first else None
    )


# ----------------------------------------------------- binary float functions


def _float_binary(a, b, opname, promote: bool):
    """Two tensors (PyTorch takes no Python number here) of one floating dtype:
    integers promoted to the default float (``promote``) or refused, as PyTorch."""
    _check_tensor(a, opname)
    _check_tensor(b, opname, "other")
    a, b = _binary_operands(a, b, opname)
    dt = a._data.dtype
    if dt.kind != "f":
        if not promote:
            raise _not_implemented(f"{opname}_cpu", dt)
        a, b = cast(a, _dtypes.default_float()), cast(b, _dtypes.default_float())
    return a, b


class Atan2Backward(Node):
    name = "atan2"
    saves = (0, 1)

    @staticmethod
    def forward(a, b, attrs):
        return np.arctan2(a, b)

    def vjp(self, g, xs, out, xp):
        a, b = xs
        # as PyTorch: 1 / (a^2 + b^2), with 0 where that is infinite (at the origin)
        recip = 1.0 / (a * a + b * b)
        recip = xp.where(_const(xp, np.isinf, recip), 0.0, recip)
        ga = g * b * recip if self.needs[0] else None
        gb = g * -a * recip if self.needs[1] else None
        return ga, gb


@R.op(
    samples=_pairs(0.3, 2.0),
    method=True,
    ref=np.arctan2,
    errors=lambda: [
        R.ErrorInput((R.tensor([1.0]), 2.0), error=TypeError, match="must be Tensor, not float")
    ],
)
def atan2(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise arctangent of ``input / other`` in the right quadrant (integers
    promote to the default float).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.atan2(autodiff.tensor([1.0]), autodiff.tensor([0.0]))
    Tensor([1.5708])
    """
    a, b = _float_binary(input, other, "atan2", promote=True)
    return apply2(Atan2Backward, a, b)


def _copysign_ratio(a, b):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(a == 0, 0.0, np.copysign(a, b) / a).astype(a.dtype, copy=False))


class CopysignBackward(Node):
    name = "copysign"
    saves = (0, 1)

    @staticmethod
    def forward(a, b, attrs):
        return np.copysign(a, b)

    def vjp(self, g, xs, out, xp):
        a, b = xs
        ga = gb = None
        if self.needs[0]:
            # as PyTorch: g * (result / a), 0 where a == 0 (NaN where a is NaN or infinite)
            ratio = _const(xp, _copysign_ratio, a, b)
            ga = g * ratio
        if self.needs[1]:
            gb = xp.zeros_like(g)
        return ga, gb


@R.op(
    samples=lambda: [
        *[R.Sample((s.args[0], s.args[1])) for s in _pairs()()],
        R.Sample((R.away_from_zero(3), -1.0), note="tensor, scalar"),
    ],
    method=True,
    ref=np.copysign,
    errors=lambda: [
        R.ErrorInput((2.0, R.tensor([1.0])), error=TypeError, match="must be Tensor, not float")
    ],
)
def copysign(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise magnitude of ``input`` with the sign of ``other`` (float result:
    integers promote to the default float). The gradient is zero for ``other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.copysign(autodiff.tensor([1.0, 2.0]), -1.0)
    Tensor([-1., -2.])
    """
    _check_tensor(input, "copysign")
    a, b = _binary_operands(input, other, "copysign")
    if a._data.dtype.kind != "f":
        a, b = cast(a, _dtypes.default_float()), cast(b, _dtypes.default_float())
    return apply2(CopysignBackward, a, b)


def _logaddexp_np(a, b):
    with np.errstate(invalid="ignore", over="ignore"):
        m = np.maximum(a, b)
        out = m + np.log1p(np.exp(-np.abs(a - b)))
        # both infinite with one sign: that infinity (PyTorch's special case)
        return np.asarray(np.where(np.isinf(a) & (a == b), a, out))


class LogaddexpBackward(Node):
    name = "logaddexp"
    saves = (0, 1)

    @staticmethod
    def forward(a, b, attrs):
        return _logaddexp_np(a, b)

    def vjp(self, g, xs, out, xp):
        a, b = xs
        ga = g / (xp.exp(b - a) + 1.0) if self.needs[0] else None
        gb = g / (xp.exp(a - b) + 1.0) if self.needs[1] else None
        return ga, gb


@R.op(
    samples=_pairs(),
    method=True,
    ref=np.logaddexp,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor([1], np.int64), R.tensor([2], np.int64)),
            error=NotImplementedError,
            match="logaddexp_cpu\" not implemented for 'Long'",
        )
    ],
)
def logaddexp(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise ``log(exp(a) + exp(b))``, without overflow (floating tensors only).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.logaddexp(autodiff.tensor([0.0]), autodiff.tensor([0.0]))
    Tensor([0.6931])
    """
    a, b = _float_binary(input, other, "logaddexp", promote=False)
    return apply2(LogaddexpBackward, a, b)


class HypotBackward(Node):
    name = "hypot"
    saves = (0, 1, "out")

    @staticmethod
    def forward(a, b, attrs):
        return np.hypot(a, b)

    def vjp(self, g, xs, out, xp):
        a, b = xs
        r = g / out
        return (r * a if self.needs[0] else None), (r * b if self.needs[1] else None)


@R.op(samples=_pairs(), method=True, ref=np.hypot)
def hypot(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise ``sqrt(a**2 + b**2)`` without overflow (floating tensors only).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.hypot(autodiff.tensor([3.0]), autodiff.tensor([4.0]))
    Tensor([5.])
    """
    a, b = _float_binary(input, other, "hypot", promote=False)
    return apply2(HypotBackward, a, b)


# ------------------------------------------------------------------- lerp


def _lerp_np(s, e, w):
    # PyTorch's kernel: from the nearer end, so lerp(s, e, 1) is exactly e
    d = e - s
    return np.asarray(np.where(np.abs(w) < 0.5, s + w * d, e - d * (1.0 - w)))


class LerpScalarBackward(Node):
    name = "lerp"
    saves = ()

    @staticmethod
    def forward(s, e, w):
        return _lerp_np(s, e, w)

    def vjp(self, g, xs, out, xp):
        w = self.attrs
        return (g * (1.0 - w) if self.needs[0] else None), (g * w if self.needs[1] else None)


class LerpBackward(Node):
    name = "lerp"
    saves = {0: (2,), 1: (2,), 2: (0, 1)}

    @staticmethod
    def forward(s, e, w, attrs):
        return _lerp_np(s, e, w)

    def vjp(self, g, xs, out, xp):
        s, e, w = xs
        needs = self.needs
        return (
            g * (1.0 - w) if needs[0] else None,
            g * w if needs[1] else None,
            g * (e - s) if needs[2] else None,
        )


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3), R.randn(2, 3, seed=1), 0.3)),
        R.Sample((R.randn(2, 3), R.randn(3, seed=1), 0.8), note="weight >= 0.5"),
        R.Sample((R.randn(2, 3), R.randn(2, 3, seed=1), R.randn(3, seed=2, low=-0.2, high=1.2))),
        R.Sample((R.randn(3), R.randn(2, 1, seed=1), R.randn(seed=2)), note="0-d weight"),
    ],
    method=True,
    ref=lambda s, e, w: _lerp_np(s, e, w),
    errors=lambda: [
        R.ErrorInput(
            (R.tensor([1], np.int64), R.tensor([2], np.int64), 0.5),
            error=NotImplementedError,
            match="lerp_kernel_scalar\" not implemented for 'Long'",
        ),
        R.ErrorInput(
            (R.tensor([1.0]), R.tensor([2.0], np.float64), 0.5),
            error=RuntimeError,
            match="expected dtype float for `end` but got dtype double",
        ),
    ],
)
def lerp(input: TensorLike, end: TensorLike, weight: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Linear interpolation ``input + weight * (end - input)`` (PyTorch's kernel:
    computed from ``end`` when ``|weight| >= 0.5``, so weight 1 gives ``end`` exactly).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.lerp(autodiff.tensor([0.0, 1.0]), autodiff.tensor([10.0, 3.0]), 0.5)
    Tensor([5., 2.])
    """
    s = _check_tensor(input, "lerp")
    e = _check_tensor(end, "lerp", "end")
    dt = s._data.dtype
    if e._data.dtype != dt:
        raise RuntimeError(
            f"expected dtype {_tname(dt).lower()} for `end` but got dtype "
            f"{_tname(e._data.dtype).lower()}"
        )
    weight_is_tensor = isinstance(weight, Tensor)
    if dt.kind != "f":
        raise _not_implemented(
            "lerp_kernel_tensor_weight" if weight_is_tensor else "lerp_kernel_scalar", dt
        )
    check_broadcast("lerp", s.shape, e.shape, *([weight.shape] if weight_is_tensor else []))
    if not weight_is_tensor:
        if not isinstance(weight, (int, float, np.number)) or isinstance(weight, bool):
            raise TypeError(
                "lerp(): argument 'weight' must be Tensor or a number, not " + type(weight).__name__
            )
        return apply(LerpScalarBackward, (s, e), float(weight))
    wdt = weight._data.dtype
    if wdt != dt:
        if weight._data.ndim:
            raise RuntimeError(
                f"expected dtype {_tname(dt).lower()} for `weight` but got dtype "
                f"{_tname(wdt).lower()}"
            )
        weight = cast(weight, dt)  # a 0-d weight of another dtype: as PyTorch
    return apply(LerpBackward, (s, e, weight))


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


# ------------------------------------------------ predicates, logical ops


def _pred(np_fn, nonfloat_value: bool, name: str):
    def pred(input: TensorLike) -> Tensor:  # noqa: A002
        x = as_tensor_arg(input, name)
        d = x._data
        if d.dtype.kind == "f":
            return _make(np.asarray(np_fn(d)), None)
        return _make(np.full(d.shape, nonfloat_value), None)

    pred.__name__ = pred.__qualname__ = name
    return pred


def _pred_samples():
    return [
        R.Sample((R.Arg(np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.5])),)),
        R.Sample((R.tensor([1, 2], np.int64),), note="int"),
    ]


isnan = R.op("isnan", samples=_pred_samples, method=True, differentiable=False)(
    _pred(np.isnan, False, "isnan")
)
isnan.__doc__ = """True where ``input`` is NaN (never for integer and bool tensors).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isnan(autodiff.tensor([1.0, float("nan")]))
    Tensor([False,  True])
    """
isinf = R.op("isinf", samples=_pred_samples, method=True, differentiable=False)(
    _pred(np.isinf, False, "isinf")
)
isinf.__doc__ = """True where ``input`` is +inf or -inf.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isinf(autodiff.tensor([1.0, float("-inf")]))
    Tensor([False,  True])
    """
isfinite = R.op("isfinite", samples=_pred_samples, method=True, differentiable=False)(
    _pred(np.isfinite, True, "isfinite")
)
isfinite.__doc__ = """True where ``input`` is neither infinite nor NaN.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isfinite(autodiff.tensor([1.0, float("inf")]))
    Tensor([ True, False])
    """


def _two_tensors(a, b, opname):
    _check_tensor(a, opname)
    _check_tensor(b, opname, "other")
    check_broadcast(opname, a.shape, b.shape)
    return a._data, b._data


def _logical(np_fn, name):
    def logical(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
        da, db = _two_tensors(input, other, name)
        return _make(np.asarray(np_fn(da, db)), None)

    logical.__name__ = logical.__qualname__ = name
    logical.__doc__ = f"""Elementwise logical {name[8:]} of the truth values (nonzero) of two
    tensors of any dtypes; a bool result.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.{name}(autodiff.tensor([0.0, 1.0]), autodiff.tensor([1, 1])).tolist()
    {np_fn([0.0, 1.0], [1, 1]).tolist()!r}
    """
    return R.op(
        name,
        samples=lambda: [
            R.Sample(
                (
                    R.Arg(np.array([[0.0, 1.5, -0.0], [np.nan, 0.0, 2.0]])),
                    R.Arg(np.array([1.0, 0.0, 0.0])),
                )
            ),
            R.Sample(
                (R.tensor([0, 3, 0], np.int64), R.tensor([True, True, False], bool)),
                note="int, bool",
            ),
        ],
        method=True,
        differentiable=False,
        errors=lambda: [
            R.ErrorInput((R.tensor([1.0]), 2), error=TypeError, match="must be Tensor, not int"),
        ],
    )(logical)


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


@R.op(
    samples=lambda: [
        R.Sample((R.Arg(np.array([0.0, -0.0, 1.5, np.nan])),)),
        R.Sample((R.tensor([0, 3], np.int64),), note="int"),
    ],
    method=True,
    differentiable=False,
)
def logical_not(input: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise logical not of the truth values (nonzero) of a tensor; a bool result.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.logical_not(autodiff.tensor([0.0, 2.0]))
    Tensor([ True, False])
    """
    return _make(np.asarray(np.logical_not(as_tensor_arg(input, "logical_not")._data)), None)


# ---------------------------------------------------------------- bitwise


def _int_operands(a, b, opname, kernel, allow_bool=True):
    _check_tensor(a, opname)
    a, b = _binary_operands(a, b, opname)
    dt = a._data.dtype
    if dt.kind not in ("biu" if allow_bool else "iu"):
        raise _not_implemented(kernel, dt)
    return a._data, b._data


def _bitwise(np_fn, name):
    def bitwise(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
        da, db = _int_operands(input, other, name, f"{name}_cpu")
        return _make(np.asarray(np_fn(da, db)), None)

    bitwise.__name__ = bitwise.__qualname__ = name
    bitwise.__doc__ = f"""Elementwise bitwise {name[8:]} of integer or bool tensors (a Python int
    operand too); floating tensors raise, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.{name}(autodiff.tensor([12, 10]), autodiff.tensor([10, 6])).tolist()
    {np.asarray(np_fn([12, 10], [10, 6])).tolist()!r}
    """
    return R.op(
        name,
        samples=lambda: [
            R.Sample(
                (R.tensor([[12, -3, 0], [7, 255, -128]], np.int64), R.tensor([10, 6, -1], np.int64))
            ),
            R.Sample(
                (R.tensor([True, False, True], bool), R.tensor([True, True, False], bool)),
                note="bool",
            ),
            R.Sample((R.tensor([5, 9], np.int32), 3), note="int32, scalar"),
        ],
        method=True,
        differentiable=False,
        errors=lambda: [
            R.ErrorInput(
                (R.tensor([1.0]), R.tensor([1.0])),
                error=NotImplementedError,
                match=f"{name}_cpu\" not implemented for 'Float'",
            )
        ],
    )(bitwise)


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")


@R.op(
    samples=lambda: [
        R.Sample((R.tensor([[12, -3, 0]], np.int64),)),
        R.Sample((R.tensor([True, False], bool),), note="bool"),
    ],
    method=True,
    differentiable=False,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor([1.0]),),
            error=NotImplementedError,
            match="bitwise_not_cpu\" not implemented for 'Float'",
        )
    ],
)
def bitwise_not(input: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise bitwise not (``~``) of an integer tensor; logical not of a bool one.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.bitwise_not(autodiff.tensor([0, 5])).tolist()
    [-1, -6]
    """
    x = as_tensor_arg(input, "bitwise_not")
    if x._data.dtype.kind not in "biu":
        raise _not_implemented("bitwise_not_cpu", x._data.dtype)
    return _make(np.asarray(np.invert(x._data)), None)


def _shift(a, s, left: bool):
    """PyTorch's shifts: a shift by a negative amount or by the width or more gives 0
    (left) or the sign fill (right)."""
    bits = a.dtype.itemsize * 8
    out_of_range = (s < 0) | (s >= bits)
    amount = np.where(out_of_range, 0, s).astype(a.dtype, copy=False)
    if left:
        with np.errstate(over="ignore"):
            shifted = np.left_shift(a, amount)
        return np.asarray(np.where(out_of_range, 0, shifted).astype(a.dtype, copy=False))
    fill = np.where(a < 0, -1, 0) if a.dtype.kind == "i" else 0
    shifted = np.right_shift(a, amount)
    return np.asarray(np.where(out_of_range, fill, shifted).astype(a.dtype, copy=False))


def _shift_op(left: bool, name: str, kernel: str):
    def shift(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
        da, db = _int_operands(input, other, name, kernel, allow_bool=False)
        return _make(_shift(da, db, left), None)

    shift.__name__ = shift.__qualname__ = name
    example = "[12, -28, 0]" if left else "[0, -2, 0]"
    shift.__doc__ = f"""Elementwise arithmetic {"left" if left else "right"} shift of an integer
    tensor by ``other`` bits (PyTorch's: a shift by a negative amount or by the width or
    more gives {"0" if left else "0 or -1"}).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.{name}(autodiff.tensor([3, -7, 0]), 2).tolist()
    {example}
    """
    return R.op(
        name,
        samples=lambda: [
            R.Sample(
                (R.tensor([[3, -7, 0], [1, -1, 100]], np.int64), R.tensor([2, 64, -1], np.int64))
            ),
            R.Sample((R.tensor([5, -9], np.int32), 3), note="int32, scalar"),
            R.Sample((R.tensor([5, 200], np.uint8), R.tensor([1, 9], np.uint8)), note="uint8"),
        ],
        method=True,
        differentiable=False,
        errors=lambda: [
            R.ErrorInput(
                (R.tensor([1.0]), 1),
                error=NotImplementedError,
                match=f"{kernel}\" not implemented for 'Float'",
            ),
            R.ErrorInput(
                (R.tensor([True], bool), R.tensor([True], bool)),
                error=NotImplementedError,
                match=f"{kernel}\" not implemented for 'Bool'",
            ),
        ],
    )(shift)


bitwise_left_shift = _shift_op(True, "bitwise_left_shift", "lshift_cpu")
bitwise_right_shift = _shift_op(False, "bitwise_right_shift", "rshift_cpu")


__all__ = [
    "log1p", "expm1", "log2", "log10", "exp2", "rsqrt", "tan", "asin", "acos", "atan",
    "sinh", "cosh", "asinh", "acosh", "atanh", "floor", "ceil", "trunc", "round", "frac",
    "fmod", "remainder", "div_rounded", "atan2", "copysign", "logaddexp", "hypot", "lerp",
    "clip", "isnan", "isinf", "isfinite", "logical_and", "logical_or", "logical_xor",
    "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "bitwise_left_shift", "bitwise_right_shift",
]  # fmt: skip
