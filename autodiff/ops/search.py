"""Searching and counting: bincount, unique/unique_consecutive, searchsorted, bucketize,
argwhere, isin, msort.

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .._typing import TensorLike
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    normalize_dim,
)
from ._helpers import _s, _t


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
    x = _t(input, "bincount")
    if x.ndim != 1 or x.data.dtype.kind not in "iub":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if x.data.size and x.data.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _make(np.bincount(x.data, minlength=minlength).astype(np.int64), None)
    w = _t(weights, "bincount", "weights")
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
    x = _t(input, "unique")
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
    x = _t(input, "unique_consecutive")
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
    seq = _t(sorted_sequence, "searchsorted", "sorted_sequence")
    scalar = not isinstance(input, Tensor)
    vals = _t(input, "searchsorted")
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
        sd = np.take_along_axis(sd, _t(sorter, "searchsorted", "sorter").data, axis=-1)
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
    b = _t(boundaries, "bucketize", "boundaries")
    if b.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    return searchsorted(b, input, out_int32=out_int32, right=right)


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
