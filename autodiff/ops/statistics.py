"""Statistics and further reductions: nansum/nanmean, median/nanmedian, kthvalue, mode,
quantile/nanquantile, count_nonzero, trace, dist, cov, corrcoef.

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import builtins
from collections import namedtuple

import numpy as np

import autodiff as ad

from .. import _dtypes
from .._typing import Dims, DTypeLike, TensorLike
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    normalize_dim,
    normalize_dims,
    np_names,
    numpy_names,
)
from ._helpers import _floatish, _s, _t

MedianResult = namedtuple("median", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])
ModeResult = namedtuple("mode", ["values", "indices"])


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
    x = _t(input, "nansum", "nansum")
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
    x = _t(input, "nanmean", "nanmean")
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
    x = _t(input, "median", "median")
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
    x = _t(input, "nanmedian", "nanmedian")
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
    x = _t(input, "kthvalue", "kthvalue")
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
    x = _t(input, "mode", "mode")
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


def _quantile_levels(x: Tensor, q, interpolation, name) -> tuple[np.ndarray, bool]:
    """The levels ``q`` as a 1-d float64 array, and whether ``q`` was a scalar; checked
    as PyTorch checks them."""
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
    return qa, scalar_q


def _quantile_positions(pos: np.ndarray, n: int, interpolation: str) -> tuple:
    """(lower index, upper index, weight of the upper) of each fractional position."""
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
    return lo, hi, frac


def _quantile(
    input: TensorLike, q: float | Tensor, dim: Dims, keepdim, interpolation, name, ignore_nan
) -> Tensor:
    x = _t(input, name)
    qa, scalar_q = _quantile_levels(x, q, interpolation, name)
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
    shape = list(src.shape)
    shape[d] = 1
    outs = []
    for qv in qa:
        if ignore_nan:
            pos = qv * np.maximum(valid - 1, 0).astype(np.float64)
        else:
            pos = np.full(shape, qv * (n - 1))
        lo, hi, frac = _quantile_positions(pos, n, interpolation)
        vlo = ad.gather(srt, d, Tensor(np.ascontiguousarray(np.broadcast_to(lo, shape))))
        vhi = ad.gather(srt, d, Tensor(np.ascontiguousarray(np.broadcast_to(hi, shape))))
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
    x = _t(input, "count_nonzero", "count_nonzero")
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
    x = _t(input, "trace", "trace")
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
    x = _floatish(_t(input, "cov"))
    if x.ndim > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got "
            f"an input with {x.ndim} dimensions"
        )
    if fweights is not None or aweights is not None:
        w = ad.ones(x.shape[-1], dtype=x.dtype)
        if fweights is not None:
            w = ad.mul(w, _t(fweights, "cov", "fweights").to(x.dtype))
        if aweights is not None:
            w = ad.mul(w, _t(aweights, "cov", "aweights").to(x.dtype))
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
            aw = _t(aweights, "cov", "aweights").to(x.dtype)
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
