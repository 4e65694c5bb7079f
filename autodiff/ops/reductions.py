"""Reductions: sum, mean, max/min, var/std, logsumexp, softmax, log_softmax, argmax."""

from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from .. import _dtypes
from .._typing import Dims, DTypeLike, TensorLike
from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    as_tensor_arg,
    cast,
    normalize_dim,
    normalize_dims,
    np_names,
    numpy_names,
)
from .parameterised import float_arg
from .unary import abs as _abs
from .xp import TS

# ------------------------------------------- sample inputs of the declarations


def _values(result):
    """The values of max/min's result (it is ``(values, indices)`` with ``dim``)."""
    return result[0] if isinstance(result, tuple) else result


def _reduce_samples():
    out = [R.Sample((R.randn(3, 4),))]
    for dim in (0, 1, -1, (0, 1)):
        for keepdim in (False, True):
            out.append(R.Sample((R.randn(3, 4, seed=2),), {"dim": dim, "keepdim": keepdim}))
    out.append(R.Sample((R.randn(2, 3, 4, seed=3),), {"dim": (0, 2)}))
    out.append(R.Sample((R.randn(seed=4),), note="0-d"))
    return out


def _maxmin_samples():
    out = [R.Sample((R.distinct(3, 4),))]
    for dim in (0, 1, -1):
        for keepdim in (False, True):
            out.append(
                R.Sample((R.distinct(3, 4, seed=dim + 7),), {"dim": dim, "keepdim": keepdim})
            )
    return out


def _softmax_samples():
    return [R.Sample((R.randn(3, 4),), {"dim": d}) for d in (0, 1, -1)] + [
        R.Sample((R.randn(2, 3, 4),), {"dim": 1})
    ]


def _expand_back(g, axes, keepdim, shape, xp):
    """Broadcast a reduced gradient back to the input's shape."""
    if axes is not None and not keepdim:
        for ax in axes:
            g = xp.expand_dims(g, ax)
    elif axes is None and not keepdim:
        g = xp.reshape(g, (1,) * len(shape))
    return xp.broadcast_to(g, shape)


def _filled(shape, value, dtype) -> np.ndarray:
    """A new array of ``shape`` holding ``value``: the gradient of a full reduction
    (``np.broadcast_to`` and its copy cost ~1 us more on a small one)."""
    out = np.empty(shape, dtype)
    out.fill(value)
    return out


class SumBackward(Node):
    name = "sum"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        axes, keepdim = attrs
        # np.add.reduce skips np.sum's Python-level dispatch (same pairwise sum)
        return np.add.reduce(x, axis=axes, keepdims=keepdim)

    def vjp(self, g, xs, out, xp):
        axes, keepdim = self.attrs
        if axes is None and not keepdim and xp is not TS:  # (first order, all: a loss's sum)
            return (_filled(xs[0].shape, g[()], g.dtype),)
        return (_expand_back(g, axes, keepdim, xs[0].shape, xp),)


class MeanBackward(Node):
    name = "mean"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        axes, keepdim = attrs
        n = _count(x.shape, axes)
        if n == 0:  # an empty mean is NaN, as in PyTorch (0 / 0, without NumPy's warning)
            with np.errstate(invalid="ignore"):
                return np.add.reduce(x, axis=axes, keepdims=keepdim) / n
        return np.add.reduce(x, axis=axes, keepdims=keepdim) / n

    def vjp(self, g, xs, out, xp):
        axes, keepdim = self.attrs
        shape = xs[0].shape
        n = _count(shape, axes)
        if axes is None and not keepdim and xp is not TS:  # (first order, all: a loss's mean)
            # (g[()] is a NumPy scalar: its product is the 0-d array's, ~0.3 us sooner)
            return (_filled(shape, g[()] * (1.0 / builtins.max(n, 1)), g.dtype),)
        return (_expand_back(g * (1.0 / builtins.max(n, 1)), axes, keepdim, shape, xp),)


@R.op(
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 3))),), {"dim": 2}, IndexError, "dim 2 is out of range"),
        R.ErrorInput((R.tensor(np.ones((2, 3))),), {"dim": 1.5}, TypeError, "dim"),
    ],
    samples=_reduce_samples,
    method=True,
)
def sum(  # noqa: A001 - PyTorch's name
    input: TensorLike, dim: Dims = None, keepdim: bool | None = None, *, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Sum over ``dim`` (an int, a tuple, or None for all).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> x.sum(), x.sum(dim=0)
    (Tensor(10.), Tensor([4., 6.]))
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "sum")
    elif keepdim is None:
        keepdim = False
    if dim is None and not keepdim and isinstance(input, Tensor) and input._data.dtype.kind == "f":
        return apply1(SumBackward, input, _ALL)  # the common full reduction, checked cheaply
    input = as_tensor_arg(input, "sum")
    axes = normalize_dims(dim, input.data.ndim, "sum")
    if input.data.dtype.kind == "b":
        input = cast(input, np.int64)
    return apply1(SumBackward, input, (axes, keepdim))


_ALL = (None, False)


@R.op(samples=_reduce_samples, method=True)
def mean(
    input: TensorLike, dim: Dims = None, keepdim: bool | None = None, *, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Mean over ``dim`` (an int, a tuple, or None for all); needs a float tensor.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(dim=1)
    Tensor([1.5, 3.5])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "mean")
    elif keepdim is None:
        keepdim = False
    if dim is None and not keepdim and isinstance(input, Tensor) and input._data.dtype.kind == "f":
        return apply1(MeanBackward, input, _ALL)  # a loss's mean, checked cheaply
    input = as_tensor_arg(input, "mean")
    if input.data.dtype.kind != "f":
        raise TypeError(
            f"mean: needs a floating-point tensor, got dtype {input.data.dtype}; "
            "convert it first, e.g. x.float().mean()"
        )
    axes = normalize_dims(dim, input.data.ndim, "mean")
    return apply1(MeanBackward, input, (axes, keepdim))


class MaxAllBackward(Node):
    """max/min over all elements; ties share the gradient evenly (as PyTorch)."""

    name = "max"
    saves = (0, "out")

    @staticmethod
    def forward(x, is_min):
        return np.asarray(x.min() if is_min else x.max())

    def vjp(self, g, xs, out, xp):
        x = xs[0]
        xv, top = xp.data(x), xp.data(out)
        mask = xv == top
        if top != top:  # a NaN maximum: the gradient goes to the NaNs (as PyTorch)
            mask = np.isnan(xv)
        count = float(mask.sum())
        return (xp.where(mask, xp.broadcast_to(g * (1.0 / count), x.shape), 0.0),)


class MinAllBackward(MaxAllBackward):
    name = "min"
    saves = (0, "out")


class MaxDimBackward(Node):
    """max/min along one dim; the gradient goes to the returned index."""

    name = "max"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        axis, keepdim, index = attrs
        return (
            np.take_along_axis(x, index, axis)
            if keepdim
            else np.take_along_axis(x, index, axis).squeeze(axis)
        )

    def vjp(self, g, xs, out, xp):
        axis, keepdim, index = self.attrs
        shape = xs[0].shape
        mask = np.zeros(shape, dtype=bool)
        np.put_along_axis(mask, index, True, axis)
        if not keepdim:
            g = xp.expand_dims(g, axis)
        return (xp.where(mask, xp.broadcast_to(g, shape), 0.0),)


class MinDimBackward(MaxDimBackward):
    name = "min"
    saves = (0,)


def _max_min(x, dim, keepdim, is_min: bool):
    opname = "min" if is_min else "max"
    x = as_tensor_arg(x, opname)
    if x.data.size == 0:
        if dim is None:
            raise RuntimeError(
                f"{opname}: cannot reduce an empty tensor (shape {x.shape}) without dim=, as "
                "PyTorch; pass the dim to reduce"
            )
        if x.shape[normalize_dim(dim, x.data.ndim, opname)] == 0:
            raise IndexError(  # (PyTorch's error type here)
                f"{opname}: cannot reduce over dim {dim}, of size 0 (tensor of shape {x.shape})"
            )
    if dim is None:
        return apply1(MinAllBackward if is_min else MaxAllBackward, x, is_min)
    axis = normalize_dim(dim, x.data.ndim, opname)
    data = x.data if x.data.ndim else x.data.reshape(1)
    idx = (np.argmin if is_min else np.argmax)(data, axis=axis)
    index = np.expand_dims(idx, axis)
    if x.data.ndim == 0:
        return MaxResult(x, _make(np.asarray(0, dtype=np.int64), None))
    values = apply1(MinDimBackward if is_min else MaxDimBackward, x, (axis, keepdim, index))
    indices = _make((index if keepdim else idx).astype(np.int64), None)
    return MaxResult(values, indices)


class MaxResult(tuple):
    """``(values, indices)`` from max/min with ``dim``; also ``.values``/``.indices``."""

    __slots__ = ()

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]


@R.op(samples=_maxmin_samples, method=True, check=lambda *a, **k: _values(max(*a, **k)))
def max(  # noqa: A001 - PyTorch's name
    input: TensorLike, dim: Dims = None, keepdim: bool | None = None, *, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor | MaxResult:
    """Largest value, or ``(values, indices)`` along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 5.0], [4.0, 2.0]])
    >>> x.max()
    Tensor(5.)
    >>> x.max(dim=1).indices
    Tensor([1, 0])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "max")
    elif keepdim is None:
        keepdim = False
    return _max_min(input, dim, keepdim, False)


@R.op(samples=_maxmin_samples, method=True, check=lambda *a, **k: _values(min(*a, **k)))
def min(  # noqa: A001 - PyTorch's name
    input: TensorLike, dim: Dims = None, keepdim: bool | None = None, *, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor | MaxResult:
    """Smallest value, or ``(values, indices)`` along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1.0, 5.0], [4.0, 2.0]]).min(dim=0).values
    Tensor([1., 2.])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "min")
    elif keepdim is None:
        keepdim = False
    return _max_min(input, dim, keepdim, True)


def _dof(n: int, correction) -> float:
    """max(N - correction, 0), as PyTorch: 0 makes the variance inf (NaN for 0 / 0)."""
    return float(builtins.max(n - correction, 0))


def _warn_dof(shape, axes, correction, opname: str) -> None:
    n = _count(shape, axes)
    if n - correction <= 0:  # (PyTorch warns too; the result is inf or NaN)
        warnings.warn(
            f"{opname}: degrees of freedom N - correction = {n} - {correction} <= 0; the "
            "result is inf (NaN for an empty or constant reduction)",
            RuntimeWarning,
            stacklevel=4,  # (the user, past var/std and their keepdims check)
        )


def _var_np(x, axes, keepdim, correction, root=False):
    """The corrected variance (its square root when ``root``) in ``x``'s dtype. Narrower
    floats are computed in float64, so float32 values near 1e20 (whose squares overflow
    float32) or 1e-25 (whose squares underflow) give PyTorch's result."""
    n = _count(x.shape, axes)
    dof = _dof(n, correction)
    xd = x if x.dtype == np.float64 else x.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.asarray(np.var(xd, axis=axes, keepdims=keepdim, ddof=0)) * n
        v = v / dof if dof else v / np.float64(0.0)  # (an ndarray / 0.0: inf or NaN)
        if root:
            v = np.sqrt(v)
    with np.errstate(over="ignore"):  # (a float32 variance past 3.4e38 is inf)
        return v.astype(x.dtype, copy=False)


class VarBackward(Node):
    name = "var"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        axes, keepdim, correction = attrs
        if x.size == 0:
            return _empty_var(x, axes, keepdim)
        return _var_np(x, axes, keepdim, correction)

    def vjp(self, g, xs, out, xp):
        axes, keepdim, correction = self.attrs
        x = xs[0]
        n = _count(x.shape, axes)
        g = _expand_back(g, axes, keepdim, x.shape, xp)
        if n == 0:  # an empty reduction: x has no elements, nor has its gradient
            return (g * 0.0,)
        centred = x - xp.sum(x, axes, True) * (1.0 / n)
        dof = _dof(n, correction)
        if dof == 0 and (axes is None or len(x.shape) == 0):
            # as PyTorch's full reduction: inf, NaN where x equals the mean
            return (g * xp.where(xp.data(centred) == 0, np.nan, np.inf),)
        return (g * centred * (2.0 / dof if dof else np.inf),)


class StdBackward(Node):
    name = "std"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axes, keepdim, correction = attrs
        if x.size == 0:
            return np.sqrt(_empty_var(x, axes, keepdim))
        return _var_np(x, axes, keepdim, correction, root=True)

    def vjp(self, g, xs, out, xp):
        axes, keepdim, correction = self.attrs
        x = xs[0]
        n = _count(x.shape, axes)
        g = _expand_back(g, axes, keepdim, x.shape, xp)
        if n == 0:  # an empty reduction: x has no elements, nor has its gradient
            return (g * 0.0,)
        centred = x - xp.sum(x, axes, True) * (1.0 / n)
        std = _expand_back(out, axes, keepdim, x.shape, xp)
        # PyTorch's order: g / (2 std) (0 where std is 0, not 0/0), then var's backward;
        # so a subnormal float32 std overflows to inf there as in PyTorch, and N - c = 0
        # (an inf std) gives NaN
        safe = xp.where(std == 0, 1.0, std)
        dof = _dof(n, correction)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            gv = xp.where(std == 0, 0.0, g / (safe * 2.0))
            if dof == 0 and (axes is None or len(x.shape) == 0):
                return (gv * xp.where(xp.data(centred) == 0, np.nan, np.inf),)
            return (gv * (2.0 / dof if dof else np.inf) * centred,)


def _empty_var(x, axes, keepdim):
    """The variance over an empty reduction: NaN, as PyTorch (no NumPy warning)."""
    out = np.add.reduce(x, axis=axes, keepdims=keepdim)
    return np.full(np.shape(out), np.nan, dtype=x.dtype)


def _count(shape, axes):
    # math.prod: np.prod on a shape tuple costs microseconds
    return math.prod([shape[a] for a in axes]) if axes is not None else math.prod(shape)


def _correction(unbiased, correction):
    if correction is not None:
        return int(correction)
    return 1 if unbiased in (None, True) else 0


@R.op(
    samples=lambda: (
        [R.Sample((R.randn(3, 4),))]
        + [
            R.Sample((R.randn(3, 4, seed=5),), {"dim": d, "keepdim": k})
            for d in (0, 1, (0, 1))
            for k in (False, True)
        ]
        + [R.Sample((R.randn(5, seed=6),), {"correction": 0})]
    ),
    method=True,
)
def var(
    input: TensorLike, dim: Dims = None, unbiased: bool | None = None,
    keepdim: bool | None = None, *, correction: float | None = None, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Variance over ``dim``, with Bessel's correction by default (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1.0, 2.0, 3.0, 4.0]).var()
    Tensor(1.6667)
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "var")
    elif keepdim is None:
        keepdim = False
    input = as_tensor_arg(input, "var")
    if input.data.dtype.kind != "f":
        raise TypeError(f"var: needs a floating-point tensor, got dtype {input.data.dtype}")
    axes = normalize_dims(dim, input.data.ndim, "var")
    corr = _correction(unbiased, correction)
    _warn_dof(input.shape, axes, corr, "var")
    return apply1(VarBackward, input, (axes, keepdim, corr))


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(3, 4, seed=8),), {"dim": 1, "keepdim": True}),
    ],
    method=True,
)
def std(
    input: TensorLike, dim: Dims = None, unbiased: bool | None = None,
    keepdim: bool | None = None, *, correction: float | None = None, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Standard deviation over ``dim`` (square root of ``var``).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.tensor([1.0, 2.0, 3.0, 4.0]).std().item(), 4)
    1.291
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "std")
    elif keepdim is None:
        keepdim = False
    input = as_tensor_arg(input, "std")
    if input.data.dtype.kind != "f":
        raise TypeError(f"std: needs a floating-point tensor, got dtype {input.data.dtype}")
    axes = normalize_dims(dim, input.data.ndim, "std")
    corr = _correction(unbiased, correction)
    _warn_dof(input.shape, axes, corr, "std")
    return apply1(StdBackward, input, (axes, keepdim, corr))


class LogsumexpBackward(Node):
    name = "logsumexp"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axes, keepdim = attrs
        if x.size == 0:  # log(0) = -inf over an empty dim, as PyTorch
            with np.errstate(divide="ignore"):
                return np.log(np.add.reduce(np.exp(x), axis=axes, keepdims=keepdim))
        m = np.max(x, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        s = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
        return s if keepdim else (s.reshape(()) if axes is None else np.squeeze(s, axes))

    def vjp(self, g, xs, out, xp):
        axes, keepdim = self.attrs
        x = xs[0]
        shape = x.shape
        out_b = _expand_back(out, axes, keepdim, shape, xp)
        return (_expand_back(g, axes, keepdim, shape, xp) * xp.exp(x - out_b),)


@R.op(samples=_reduce_samples, method=True)
def logsumexp(
    input: TensorLike, dim: Dims = None, keepdim: bool | None = None, *, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """log(sum(exp(x))) over ``dim``, computed stably.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.logsumexp(autodiff.tensor([1000.0, 1000.0]), dim=0)
    Tensor(1000.6932)
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "logsumexp")
    elif keepdim is None:
        keepdim = False
    input = as_tensor_arg(input, "logsumexp")
    if input.data.dtype.kind != "f":
        input = cast(input, _dtypes.default_float())
    axes = normalize_dims(dim, input.data.ndim, "logsumexp")
    return apply1(LogsumexpBackward, input, (axes, keepdim))


class SoftmaxBackward(Node):
    name = "softmax"
    saves = ("out",)

    @staticmethod
    def forward(x, axis):
        if x.size == 0:  # nothing to normalise (PyTorch: an empty result too)
            return x.copy()
        e = np.exp(x - np.max(x, axis=axis, keepdims=True))
        e /= np.sum(e, axis=axis, keepdims=True)
        return e

    def vjp(self, g, xs, out, xp):
        axis = self.attrs
        return (out * (g - xp.sum(g * out, axis, True)),)


class LogSoftmaxBackward(Node):
    name = "log_softmax"
    saves = ("out",)

    @staticmethod
    def forward(x, axis):
        if x.size == 0:  # nothing to normalise (PyTorch: an empty result too)
            return x.copy()
        # (ufunc reductions skip np.max/np.sum's Python-level dispatch)
        shifted = x - np.maximum.reduce(x, axis=axis, keepdims=True)
        lse = np.log(np.add.reduce(np.exp(shifted), axis=axis, keepdims=True))
        if type(shifted) is not np.ndarray:  # a 0-d input gives a NumPy scalar
            return shifted - lse
        shifted -= lse  # in place: shifted is a temporary of ours
        return shifted

    def vjp(self, g, xs, out, xp):
        axis = self.attrs
        if xp is not TS and out.ndim:  # (0-d: np.exp gives a scalar, no buffer to reuse)
            # the same formula with one temporary instead of three
            e = np.exp(out)
            e *= np.add.reduce(g, axis=axis, keepdims=True)
            return (np.subtract(g, e, out=e),)
        return (g - xp.exp(out) * xp.sum(g, axis, True),)


def _softmax_dim(x, dim, opname):
    if dim is None:
        raise TypeError(f"{opname}: pass dim= (the dimension that sums to one), e.g. dim=-1")
    return normalize_dim(dim, x.data.ndim, opname)


@R.op(
    errors=lambda: [R.ErrorInput((R.tensor(np.ones((2, 3))),), error=TypeError, match="pass dim=")],
    samples=_softmax_samples,
    method=True,
)
@numpy_names(keepdim=False)
def softmax(input: TensorLike, dim: int | None = None, dtype: DTypeLike = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``, stable for any finite logits.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.softmax(autodiff.tensor([0.0, 0.0]), dim=0)
    Tensor([0.5, 0.5])
    """
    return _softmax_like(SoftmaxBackward, input, dim, dtype, "softmax")


def _softmax_like(cls, input, dim, dtype, name: str) -> Tensor:
    if dtype is not None:
        input = as_tensor_arg(input, name).to(dtype)
    input = float_arg(input, name)  # (PyTorch has no integer softmax either)
    axis = _softmax_dim(input, dim, name)
    return apply1(cls, input, None if input.data.ndim == 0 else axis)


@R.op(samples=_softmax_samples, method=True)
@numpy_names(keepdim=False)
def log_softmax(input: TensorLike, dim: int | None = None, dtype: DTypeLike = None) -> Tensor:
    """x - logsumexp(x) along ``dim``, stable for any finite logits.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.log_softmax(autodiff.tensor([1000.0, 0.0]), dim=0)
    Tensor([    0., -1000.])
    """
    return _softmax_like(LogSoftmaxBackward, input, dim, dtype, "log_softmax")


class NormBackward(Node):
    """The 2-norm over ``axes``; its gradient at a zero vector is 0 (as PyTorch)."""

    name = "norm"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axes, keepdim = attrs
        return np.sqrt(np.add.reduce(x * x, axis=axes, keepdims=keepdim))

    def vjp(self, g, xs, out, xp):
        axes, keepdim = self.attrs
        x = xs[0]
        g = _expand_back(g, axes, keepdim, x.shape, xp)
        norm = _expand_back(out, axes, keepdim, x.shape, xp)
        safe = xp.where(norm == 0, 1.0, norm)
        return (xp.where(norm == 0, 0.0, g * x / safe),)


class PNormBackward(Node):
    """The p-norm (p other than 1, 2, inf) over ``axes``; its gradient at a zero
    vector is 0 (as PyTorch), not the 0 * inf of differentiating pow(sum, 1/p)."""

    name = "norm"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axes, keepdim, p = attrs
        return np.add.reduce(np.abs(x) ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)

    def vjp(self, g, xs, out, xp):
        axes, keepdim, p = self.attrs
        x = xs[0]
        g = _expand_back(g, axes, keepdim, x.shape, xp)
        norm = _expand_back(out, axes, keepdim, x.shape, xp)
        safe = xp.where(norm == 0, 1.0, norm)
        # d||x||_p / dx = sign(x) |x|^(p-1) / ||x||^(p-1); 0 at x = 0 (for p < 1 too,
        # where |x|^(p-1) is inf there), as PyTorch
        grad = g * xp.sign(x) * xp.abs(x) ** (p - 1.0) / safe ** (p - 1.0)
        return (xp.where((norm == 0) | (x == 0), 0.0, grad),)


def _amax_abs(x: Tensor, dim, axes: tuple, keepdim: bool) -> Tensor:
    """max |x| over ``dim`` (an int or a tuple), ties sharing the gradient evenly as
    PyTorch's inf-norm does: sum(|x| * w) with the constant weights w = tie / count."""
    a = _abs(x)
    top = np.max(a.data, axis=axes, keepdims=True)
    ties = (a.data == top) | (np.isnan(a.data) & np.isnan(top))
    weights = ties / np.add.reduce(ties, axis=axes, keepdims=True)
    return sum(a * Tensor(weights.astype(a.data.dtype)), dim, keepdim)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(3, 4, seed=3),), {"dim": 1, "keepdim": True}),
        R.Sample((R.away_from_zero(3, 4),), {"p": 1, "dim": 0}),
        R.Sample((R.randn(3, 4, low=0.5, high=2.0),), {"p": 3}),
        R.Sample((R.randn(3, 4, seed=5),), {"p": 3, "dim": 1}),
        R.Sample((R.randn(2, 3, 4, seed=6),), {"p": 1.5, "dim": (0, 2), "keepdim": True}),
        R.Sample((R.distinct(3, 4),), {"p": float("inf"), "dim": 1}),
        R.Sample((R.distinct(2, 3, 4),), {"p": float("inf"), "dim": (0, 2)}),
    ],
    method=True,
)
def norm(
    input: TensorLike, p: float | str | None = "fro", dim: Dims = None,  # noqa: A002
    keepdim: bool | None = None, out: None = None, dtype: DTypeLike = None, *,
    axis: Dims = None, keepdims: bool | None = None,
) -> Tensor:
    """The p-norm over ``dim`` (all elements by default); ``p`` is 2/"fro", 1, inf or a number.
    ``dtype`` converts the input first (PyTorch's); ``out=`` is not supported.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([3.0, 4.0]).norm()
    Tensor(5.)
    >>> autodiff.tensor([[3.0, -4.0]]).norm(p=1, dim=1)
    Tensor([7.])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "norm")
    elif keepdim is None:
        keepdim = False
    if out is not None:
        raise TypeError("norm: out= is not supported; use the returned tensor")
    x = as_tensor_arg(input, "norm")
    if dtype is not None:
        if not np.can_cast(x.data.dtype, dtype, "safe"):  # (as PyTorch: widening only)
            raise RuntimeError(
                f"norm: the dtype of the input ({x.data.dtype}) should be convertible "
                f"without narrowing to the specified dtype ({np.dtype(dtype)})"
            )
        x = x.to(dtype)
    if x.data.dtype.kind != "f":
        raise TypeError(f"norm: needs a floating-point tensor, got dtype {x.data.dtype}")
    axes = normalize_dims(dim, x.data.ndim, "norm")
    if p in ("fro", 2, 2.0):
        return apply1(NormBackward, x, (axes, keepdim))
    if p in (1, 1.0):
        return sum(_abs(x), dim, keepdim)
    if p in (float("inf"), "inf"):
        return _amax_abs(x, dim, axes, keepdim) if dim is not None else max(_abs(x))
    if isinstance(p, (int, float)) and p > 0:
        return apply1(PNormBackward, x, (axes, keepdim, float(p)))
    raise ValueError(f"norm: p must be 'fro', a positive number or inf, got {p!r}")


def allclose(
    input: TensorLike, other: TensorLike, rtol: float = 1e-5, atol: float = 1e-8,
    equal_nan: bool = False,
) -> bool:
    """Whether all elements are close (NumPy/PyTorch tolerance rule).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.allclose(autodiff.tensor([1.0]), autodiff.tensor([1.0 + 1e-9]))
    True
    """
    return bool(
        np.allclose(np.asarray(input), np.asarray(other), rtol=rtol, atol=atol, equal_nan=equal_nan)
    )


def isclose(
    input: TensorLike, other: TensorLike, rtol: float = 1e-5, atol: float = 1e-8,
    equal_nan: bool = False,
) -> Tensor:
    """Elementwise closeness as a bool tensor.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isclose(autodiff.tensor([1.0, 2.0]), autodiff.tensor([1.0, 2.5]))
    Tensor([ True, False])
    """
    close = np.isclose(np.asarray(input), np.asarray(other), rtol=rtol, atol=atol,
                       equal_nan=equal_nan)
    return _make(close, None)


def equal(input: TensorLike, other: TensorLike) -> bool:
    """True if both have the same shape and elements.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.equal(autodiff.ones(2), autodiff.ones(2))
    True
    """
    return bool(np.array_equal(np.asarray(input), np.asarray(other)))


@R.op(
    samples=lambda: [R.Sample((R.distinct(3, 4),), {"dim": 1})],
    method=True,
    differentiable=False,
)
def argmax(
    input: TensorLike, dim: Dims = None, keepdim: bool | None = None, *, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Index of the largest value (flat when ``dim`` is None); not differentiable.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1.0, 5.0], [4.0, 2.0]]).argmax(dim=1)
    Tensor([1, 0])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "argmax")
    elif keepdim is None:
        keepdim = False
    return _arg(input, dim, keepdim, np.argmax, "argmax")


@R.op(
    samples=lambda: [R.Sample((R.distinct(3, 4),), {"dim": 0})],
    method=True,
    differentiable=False,
)
def argmin(
    input: TensorLike, dim: Dims = None, keepdim: bool | None = None, *, axis: Dims = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Index of the smallest value (flat when ``dim`` is None); not differentiable.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([3.0, 1.0, 2.0]).argmin()
    Tensor(1)
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = np_names(dim, keepdim, axis, keepdims, "argmin")
    elif keepdim is None:
        keepdim = False
    return _arg(input, dim, keepdim, np.argmin, "argmin")


def _arg(x, dim, keepdim, fn, opname):
    x = as_tensor_arg(x, opname)
    if x.data.dtype.kind == "b":
        raise RuntimeError(
            f"{opname}(): does not support bool input (as PyTorch); convert with "
            ".to(autodiff.int64) first"
        )
    if x.data.ndim == 0:
        if dim is not None:
            normalize_dim(dim, 0, opname)
        return _make(np.zeros((), np.int64), None)  # PyTorch: 0-d, keepdim or not
    if dim is None:
        if x.data.size == 0:
            raise IndexError(
                f"{opname}: cannot reduce an empty tensor (shape {x.shape}) without dim=, as "
                "PyTorch; pass the dim to reduce"
            )
        out = np.asarray(fn(x.data))
        if keepdim:
            out = out.reshape((1,) * x.data.ndim)
    else:
        axis = normalize_dim(dim, x.data.ndim, opname)
        if x.data.size == 0:
            if x.data.ndim and x.shape[axis] == 0:
                raise IndexError(
                    f"{opname}: cannot reduce over dim {dim}, of size 0 (tensor of shape {x.shape})"
                )
            shape = x.shape[:axis] + ((1,) if keepdim else ()) + x.shape[axis + 1 :]
            return _make(np.zeros(shape, np.int64), None)
        out = fn(x.data, axis=axis)
        if keepdim:
            out = np.expand_dims(out, axis)
    return _make(out.astype(np.int64), None)
