"""Sorting and histograms with PyTorch's semantics (issue 17): sort, argsort, topk,
histc, histogram.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._typing import Number, TensorLike
from ..tensor import Tensor, _make
from . import registry as R
from . import shape as S
from ._base import normalize_dim, numpy_names
from ._helpers import _t
from .math import _tname
from .subscript import gather

# results with .values/.indices, as torch.return_types (the functional form keeps the
# repr, "sort(values=..., indices=...)")
SortResult = NamedTuple("sort", [("values", Tensor), ("indices", Tensor)])  # noqa: UP014


TopkResult = NamedTuple("topk", [("values", Tensor), ("indices", Tensor)])  # noqa: UP014


HistogramResult = NamedTuple("histogram", [("hist", Tensor), ("bin_edges", Tensor)])  # noqa: UP014


# ------------------------------------------------------------------ sorting
def _sort_indices(d: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable sort order along ``axis`` (NaN greatest, as PyTorch); descending keeps
    equal values in their original order."""
    if d.dtype.kind == "b":
        d = d.astype(np.int8)
    if not descending:
        return np.argsort(d, axis=axis, kind="stable")
    n = d.shape[axis]
    rev = np.argsort(np.flip(d, axis), axis=axis, kind="stable")
    return np.flip(n - 1 - rev, axis)


@R.op(
    samples=lambda: [
        R.Sample((R.distinct(3, 4),)),
        R.Sample((R.distinct(3, 4), 0, True)),
        R.Sample((R.distinct(5),), {"descending": True, "stable": True}),
    ],
    method=True,
    check=lambda *a, **k: sort(*a, **k)[0],
)
@numpy_names(keepdim=False)
def sort(  # noqa: A002
    input: TensorLike, dim: int = -1, descending: bool = False, *, stable: bool = False
) -> SortResult:
    """``(values, indices)`` sorted along ``dim``. The sort is always stable here
    (PyTorch's order of equal values is defined only with ``stable=True``); NaN
    sorts as the greatest value.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([3, 1, 2]).sort(descending=True).indices
    Tensor([0, 2, 1])
    """
    x = _t(input, "sort")
    if x.ndim == 0:
        normalize_dim(dim, 0, "sort")
        return SortResult(S.reshape(x, ()), _make(np.zeros((), np.int64), None))
    axis = normalize_dim(dim, x.ndim, "sort")
    idx = _sort_indices(x.data, axis, bool(descending))
    return SortResult(gather(x, axis, idx), _make(idx.astype(np.int64), None))


@R.op(
    samples=lambda: [R.Sample((R.distinct(3, 4),)), R.Sample((R.distinct(3, 4), 0, True))],
    method=True,
    differentiable=False,
)
@numpy_names(keepdim=False)
def argsort(  # noqa: A002
    input: TensorLike, dim: int = -1, descending: bool = False, *, stable: bool = False
) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (stable; see ``sort``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([3, 1, 2]).argsort()
    Tensor([1, 2, 0])
    """
    return sort(_t(input, "argsort").detach(), dim, descending, stable=stable)[1]


@R.op(
    samples=lambda: [
        R.Sample((R.distinct(3, 5), 2)),
        R.Sample((R.distinct(3, 5), 2, 0, False)),
        R.Sample((R.distinct(6), 3), {"sorted": False}),
    ],
    method=True,
    check=lambda *a, **k: topk(*a, **k)[0],
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones(3)), 4), error=RuntimeError, match="k"),
    ],
)
@numpy_names(keepdim=False)  # axis= for dim=, as PyTorch
def topk(  # noqa: A002
    input: TensorLike, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> TopkResult:
    """``(values, indices)`` of the ``k`` largest (or smallest) along ``dim``, in
    order. Among equal values the earlier index comes first (PyTorch leaves that
    order undefined); with ``sorted=False`` the result is sorted anyway.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 5, 3]).topk(2).indices
    Tensor([1, 2])
    """
    x = _t(input, "topk")
    k = int(k)
    n = x.shape[normalize_dim(dim, x.ndim, "topk")] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk: k ({k}) is out of range for a dimension of size {n}")
    if x.ndim == 0:  # (as PyTorch: the value itself, for k 0 or 1)
        return TopkResult(*sort(x))
    axis = normalize_dim(dim, x.ndim, "topk")
    idx = _sort_indices(x.data, axis, bool(largest))
    idx = idx[(slice(None),) * axis + (slice(0, k),)]
    return TopkResult(gather(x, axis, idx), _make(idx.astype(np.int64), None))


# ---------------------------------------------------------------- histograms
@R.op(
    samples=lambda: [R.Sample((R.randn(20),), {"bins": 4, "min": -1, "max": 1})],
    method=True,
    differentiable=False,
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones(3)),), {"min": 2, "max": 1}, RuntimeError, "max"),
        R.ErrorInput((R.tensor([1, 2], np.int64),), error=NotImplementedError,
                         match="floating"),
    ],
)
def histc(input: TensorLike, bins: int = 100, min: Number = 0, max: Number = 0) -> Tensor:  # noqa: A001, A002
    """Counts in ``bins`` equal bins between ``min`` and ``max`` (the data's range
    when both are 0); values outside are ignored. Float input only, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1.0, 2.0, 1.0]).histc(bins=4, min=0, max=3)
    Tensor([0., 2., 1., 0.])
    """
    x = _t(input, "histc")
    if x.dtype.kind != "f":  # (PyTorch's error: its kernel is histogram_cpu)
        raise NotImplementedError(
            f"histc: \"histogram_cpu\" not implemented for '{_tname(x.dtype)}' (needs a "
            f"floating-point tensor, got dtype {x.dtype})"
        )
    bins = int(bins)
    if bins <= 0:
        raise RuntimeError(f"histc: bins must be > 0, got {bins}")
    lo, hi = float(min), float(max)
    d = x.data.reshape(-1)
    if lo > hi:
        raise RuntimeError(f"histc: max ({hi}) must be larger than or equal to min ({lo})")
    if lo == hi and d.size:
        lo, hi = float(d.min()), float(d.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"histc: range [{lo}, {hi}] is not finite")
    inside = d[(d >= lo) & (d <= hi)].astype(np.float64)
    pos = ((inside - lo) * bins / (hi - lo)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    return _make(np.bincount(pos, minlength=bins).astype(x.dtype), None)


@R.op(
    samples=lambda: [R.Sample((R.randn(20),), {"bins": 4})],
    method=True,
    differentiable=False,
    check=lambda *a, **k: histogram(*a, **k)[0],
)
def histogram(  # noqa: A001, A002
    input: TensorLike, bins: int | Tensor = 100, *, range: tuple[float, float] | None = None,
    weight: Tensor | None = None, density: bool = False,
) -> HistogramResult:
    """``(hist, bin_edges)``: counts (or ``weight`` sums, or a density) in ``bins``
    (a count of equal bins over ``range``, or the edges themselves).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.histogram(autodiff.tensor([1.0, 2.0, 1.0]), bins=2).hist
    Tensor([2., 1.])
    """
    x = _t(input, "histogram")
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"histogram: \"histogram_cpu\" not implemented for '{_tname(x.dtype)}' (needs a "
            f"floating-point tensor, got dtype {x.dtype})"
        )
    d = x.data.reshape(-1)
    b = bins.data if isinstance(bins, Tensor) else bins
    w = (
        None
        if weight is None
        else np.asarray(weight.data if isinstance(weight, Tensor) else weight)
    )
    if w is not None:
        if w.shape != x.data.shape:
            raise RuntimeError(
                f"histogram: weight should have the same shape as input, got {w.shape} "
                f"and {x.data.shape}"
            )
        w = w.reshape(-1)
    if range is not None:
        range = (float(range[0]), float(range[1]))
        if range[0] > range[1]:
            raise RuntimeError(f"histogram: range {range} must have min <= max")
    elif not isinstance(b, np.ndarray) and d.size == 0:
        range = (0.0, 0.0)
    hist, edges = np.histogram(d, bins=b, range=range, weights=w, density=density)
    return HistogramResult(
        _make(hist.astype(x.dtype), None), _make(np.asarray(edges).astype(x.dtype), None)
    )
