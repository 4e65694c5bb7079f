"""Float maths beyond the basics (issue 17), with PyTorch 2.13's semantics.

Unary float functions (``log1p expm1 log2 log10 exp2 rsqrt tan asin acos atan sinh
cosh asinh acosh atanh``) promote integer and bool tensors to the default float, as
PyTorch does; so do the binary float functions (``atan2 copysign logaddexp hypot``)
and ``lerp``. Also the checks the pointwise maths share (``_tname``,
``_not_implemented``, ``_check_tensor``, ``_binary_operands``, ...).
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtypes
from .._typing import TensorLike
from ..engine import Node, apply, apply2
from ..tensor import Tensor, _make
from . import registry as R
from ._base import cast, check_broadcast, operands
from .unary import _fast_unary
from .xp import TS

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
    return np_fn if xp is not TS else op


def _const(xp, fn, *xs):
    """``fn`` of the arrays of ``xs`` as a constant (an ndarray for a plain backward, a
    Tensor without history under create_graph): for factors whose derivative is zero
    almost everywhere (signs, rounded quotients)."""
    if xp is not TS:
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
def log1p(input: TensorLike) -> Tensor:
    """Elementwise ``log(1 + x)``, accurate for small ``input``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log1p(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.expm1)
@_fast_unary(Expm1Backward, float_only=True)
def expm1(input: TensorLike) -> Tensor:
    """Elementwise ``exp(x) - 1``, accurate for small ``input``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.expm1(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(0.3, 3.0), method=True, ref=np.log2)
@_fast_unary(Log2Backward, float_only=True)
def log2(input: TensorLike) -> Tensor:
    """Elementwise base-2 logarithm.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log2(autodiff.tensor([8.0]))
    Tensor([3.])
    """


@R.op(samples=_un(0.3, 3.0), method=True, ref=np.log10)
@_fast_unary(Log10Backward, float_only=True)
def log10(input: TensorLike) -> Tensor:
    """Elementwise base-10 logarithm.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log10(autodiff.tensor([100.0]))
    Tensor([2.])
    """


@R.op(samples=_un(), method=True, ref=np.exp2)
@_fast_unary(Exp2Backward, float_only=True)
def exp2(input: TensorLike) -> Tensor:
    """Elementwise ``2 ** x``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.exp2(autodiff.tensor([3.0]))
    Tensor([8.])
    """


@R.op(samples=_un(0.3, 3.0), method=True, ref=lambda input: 1.0 / np.sqrt(input))
@_fast_unary(RsqrtBackward, float_only=True)
def rsqrt(input: TensorLike) -> Tensor:
    """Elementwise ``1 / sqrt(x)`` (inf at 0, NaN below).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.rsqrt(autodiff.tensor([4.0]))
    Tensor([0.5])
    """


@R.op(samples=_un(-1.2, 1.2), method=True, ref=np.tan)
@_fast_unary(TanBackward, float_only=True)
def tan(input: TensorLike) -> Tensor:
    """Elementwise tangent.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tan(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-0.8, 0.8), method=True, ref=np.arcsin)
@_fast_unary(AsinBackward, float_only=True)
def asin(input: TensorLike) -> Tensor:
    """Elementwise arcsine (NaN outside [-1, 1]).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.asin(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-0.8, 0.8), method=True, ref=np.arccos)
@_fast_unary(AcosBackward, float_only=True)
def acos(input: TensorLike) -> Tensor:
    """Elementwise arccosine (NaN outside [-1, 1]).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.acos(autodiff.tensor([1.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-3.0, 3.0), method=True, ref=np.arctan)
@_fast_unary(AtanBackward, float_only=True)
def atan(input: TensorLike) -> Tensor:
    """Elementwise arctangent.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.atan(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.sinh)
@_fast_unary(SinhBackward, float_only=True)
def sinh(input: TensorLike) -> Tensor:
    """Elementwise hyperbolic sine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.sinh(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(), method=True, ref=np.cosh)
@_fast_unary(CoshBackward, float_only=True)
def cosh(input: TensorLike) -> Tensor:
    """Elementwise hyperbolic cosine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cosh(autodiff.tensor([0.0]))
    Tensor([1.])
    """


@R.op(samples=_un(), method=True, ref=np.arcsinh)
@_fast_unary(AsinhBackward, float_only=True)
def asinh(input: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic sine.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.asinh(autodiff.tensor([0.0]))
    Tensor([0.])
    """


@R.op(samples=_un(1.2, 3.0), method=True, ref=np.arccosh)
@_fast_unary(AcoshBackward, float_only=True)
def acosh(input: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic cosine (NaN below 1).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.acosh(autodiff.tensor([1.0]))
    Tensor([0.])
    """


@R.op(samples=_un(-0.8, 0.8), method=True, ref=np.arctanh)
@_fast_unary(AtanhBackward, float_only=True)
def atanh(input: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic tangent (+-inf at +-1, NaN beyond).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.atanh(autodiff.tensor([0.0]))
    Tensor([0.])
    """


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
