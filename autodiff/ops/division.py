"""The division family: ``div(rounding_mode=...)`` (``div_rounded``), ``fmod`` and
``remainder``, following PyTorch 2.13's kernels exactly (signed zeros, infinities,
integer division by zero raises).
"""

from __future__ import annotations

import numpy as np

from .._typing import TensorLike
from ..engine import Node, apply2
from ..tensor import Tensor
from . import registry as R
from .arithmetic import div

# ------------------------------------------------------------ division family
from .math import _binary_operands, _check_tensor, _const, _not_implemented


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


# div(..., rounding_mode=) is declared with div (ops/arithmetic.py): check this route too
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
