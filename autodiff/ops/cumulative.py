"""Cumulative ops with PyTorch's semantics (issue 17): cumsum, cumprod, cummax, cummin,
logcumsumexp.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _dtypes
from .._typing import DTypeLike, TensorLike
from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import cast, normalize_dim, numpy_names
from ._helpers import _t
from .indexing import flip
from .subscript import gather
from .xp import TS

CummaxResult = NamedTuple("cummax", [("values", Tensor), ("indices", Tensor)])  # noqa: UP014
CumminResult = NamedTuple("cummin", [("values", Tensor), ("indices", Tensor)])  # noqa: UP014


# ------------------------------------------------------- cumulative ops
def _flip_x(xp, t, axis):
    if xp is not TS:
        return np.flip(t, axis)
    return flip(t, axis)


def _cumsum_x(xp, t, axis):
    if xp is not TS:
        return np.cumsum(t, axis)
    return cumsum(t, axis)


def _cum_dtype(x: Tensor, dtype, opname):
    if dtype is not None:
        return cast(x, dtype)
    if x.dtype.kind in "biu":
        return cast(x, np.int64)  # integers and bools accumulate in int64, as PyTorch
    return x


def _cum_axis(x, dim, opname):
    return normalize_dim(dim, x.ndim, opname) if x.ndim else None


class CumsumBackward(Node):
    name = "cumsum"
    saves = ()

    @staticmethod
    def forward(x, axis):
        if axis is None:
            return x.copy()
        return np.cumsum(x, axis)

    def vjp(self, g, xs, out, xp):
        axis = self.attrs
        if axis is None:
            return (g,)
        return (_flip_x(xp, _cumsum_x(xp, _flip_x(xp, g, axis), axis), axis),)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4), 1)),
        R.Sample((R.randn(3, 4), -2)),
        R.Sample((R.randn(5), 0)),
    ],
    method=True,
    ref=lambda x, dim: np.cumsum(x, dim),
    errors=lambda: [R.ErrorInput((R.tensor(np.ones((2, 3))), 2), error=IndexError, match="dim 2")],
)
@numpy_names(keepdim=False)
def cumsum(input: TensorLike, dim: int, *, dtype: DTypeLike = None) -> Tensor:  # noqa: A002
    """Running sums along ``dim`` (integers and bools in int64).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 2, 3]).cumsum(0)
    Tensor([1, 3, 6])
    """
    x = _cum_dtype(_t(input, "cumsum"), dtype, "cumsum")
    return apply1(CumsumBackward, x, _cum_axis(x, dim, "cumsum"))


class CumprodBackward(Node):
    """Running products. Without zeros the gradient is revcumsum(g * out) / x; with
    zeros along a line it is computed exactly, O(n^2) for that op (as PyTorch, the
    products of the other elements)."""

    name = "cumprod"
    saves = (0, "out")

    @staticmethod
    def forward(x, axis):
        if axis is None:
            return x.copy()
        return np.cumprod(x, axis)

    def vjp(self, g, xs, out, xp):
        axis = self.attrs
        if axis is None:
            return (g,)
        x = xs[0]
        if not (xp.data(x) == 0).any():
            return (_flip_x(xp, _cumsum_x(xp, _flip_x(xp, g * out, axis), axis), axis) / x,)
        nd = len(x.shape)
        n = x.shape[axis]
        perm = [d for d in range(nd) if d != axis] + [axis]
        back = list(np.argsort(perm))
        xm = xp.transpose(x, perm)  # (..., n)
        gm = xp.transpose(g, perm)
        lead = tuple(xm.shape[:-1])
        eye = np.eye(n, dtype=bool)
        rows = xp.broadcast_to(xp.expand_dims(xm, -2), lead + (n, n))  # [k, j] = x_j
        others = xp.where(eye, 1.0, rows)
        c = np.cumprod(others, -1) if xp is not TS else cumprod(others, -1)
        upper = np.triu(np.ones((n, n))).astype(g.dtype)  # j >= k
        grad = xp.sum(c * xp.expand_dims(gm, -2) * upper, -1)
        return (xp.transpose(grad, back),)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4), 1)),
        R.Sample((R.randn(5), -1)),
        R.Sample((R.Arg(np.array([[2.0, 0.0, 3.0, -1.5], [0.0, 1.5, 0.0, 2.0]])), 1), note="zeros"),
    ],
    method=True,
    ref=lambda x, dim: np.cumprod(x, dim),
)
@numpy_names(keepdim=False)
def cumprod(input: TensorLike, dim: int, *, dtype: DTypeLike = None) -> Tensor:  # noqa: A002
    """Running products along ``dim``; gradients exact at zeros, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 2, 3]).cumprod(0)
    Tensor([1, 2, 6])
    """
    x = _cum_dtype(_t(input, "cumprod"), dtype, "cumprod")
    return apply1(CumprodBackward, x, _cum_axis(x, dim, "cumprod"))


def _cumext(x, dim, is_min, opname):
    x = _t(x, opname)
    if x.ndim == 0:
        normalize_dim(dim, 0, opname)
        return x.clone() if x.requires_grad else _make(x.data.copy(), None), _make(
            np.zeros((), np.int64), None
        )
    axis = normalize_dim(dim, x.ndim, opname)
    d = x.data
    if d.dtype.kind == "b":
        d = d.astype(np.int8)
    run = (np.minimum if is_min else np.maximum).accumulate(d, axis) if d.size else d
    mark = d == run
    if d.dtype.kind == "f":
        mark |= np.isnan(d)
    shape = [1] * d.ndim
    shape[axis] = d.shape[axis]
    ar = np.arange(d.shape[axis], dtype=np.int64).reshape(shape)
    idx = (
        np.maximum.accumulate(np.where(mark, ar, 0), axis)
        if d.size
        else np.zeros(d.shape, np.int64)
    )
    values = gather(x, axis, idx)
    return values, _make(idx, None)


@R.op(
    samples=lambda: [R.Sample((R.distinct(3, 4), 1)), R.Sample((R.distinct(5), 0))],
    method=True,
    check=lambda *a, **k: cummax(*a, **k)[0],
)
@numpy_names(keepdim=False)
def cummax(input: TensorLike, dim: int) -> CummaxResult:  # noqa: A002
    """``(values, indices)``: running maxima along ``dim`` and where they are (the
    latest among equal values, and a NaN once met, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 3, 2, 3]).cummax(0).indices
    Tensor([0, 1, 1, 3])
    """
    return CummaxResult(*_cumext(input, dim, False, "cummax"))


@R.op(
    samples=lambda: [R.Sample((R.distinct(3, 4), 0)), R.Sample((R.distinct(5), -1))],
    method=True,
    check=lambda *a, **k: cummin(*a, **k)[0],
)
@numpy_names(keepdim=False)
def cummin(input: TensorLike, dim: int) -> CumminResult:  # noqa: A002
    """``(values, indices)``: running minima along ``dim`` and where they are (the
    latest among equal values, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([3, 1, 2, 1]).cummin(0).values
    Tensor([3, 1, 1, 1])
    """
    return CumminResult(*_cumext(input, dim, True, "cummin"))


class LogcumsumexpBackward(Node):
    name = "logcumsumexp"
    saves = (0, "out")

    @staticmethod
    def forward(x, axis):
        if axis is None:
            return x.copy()
        if x.size == 0:
            return x.copy()
        return np.logaddexp.accumulate(x, axis)

    def vjp(self, g, xs, out, xp):
        axis = self.attrs
        if axis is None:
            return (g,)
        x = xs[0]
        if xp is not TS:
            # in log space, positive and negative parts apart (as PyTorch): stable
            # where out spans a wide range
            with np.errstate(divide="ignore", invalid="ignore"):

                def part(gpart):
                    lp = np.log(gpart) - out
                    lp = np.where(np.isnan(lp), -np.inf, lp)
                    r = np.flip(np.logaddexp.accumulate(np.flip(lp, axis), axis), axis)
                    return np.exp(x + r)

                grad = part(np.maximum(g, 0)) - part(np.maximum(-g, 0))
            return (grad,)
        c = xp.data(out).max(axis=axis, keepdims=True)
        c = np.where(np.isfinite(c), c, 0.0).astype(x.dtype)
        r = _flip_x(xp, _cumsum_x(xp, _flip_x(xp, g * xp.exp(c - out), axis), axis), axis)
        return (xp.exp(x - c) * r,)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4), 1)),
        R.Sample((R.randn(5), 0)),
        R.Sample((R.randn(3, 4), -2)),
    ],
    method=True,
    ref=lambda x, dim: np.logaddexp.accumulate(x, dim),
)
@numpy_names(keepdim=False)
def logcumsumexp(input: TensorLike, dim: int) -> Tensor:  # noqa: A002
    """log(cumsum(exp(x))) along ``dim``, computed stably.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.0, 0.0]).logcumsumexp(0)
    Tensor([0.    , 0.6931])
    """
    x = _t(input, "logcumsumexp")
    if x.dtype.kind != "f":
        x = cast(x, _dtypes.default_float())
    return apply1(LogcumsumexpBackward, x, _cum_axis(x, dim, "logcumsumexp"))
