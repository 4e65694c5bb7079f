"""Indexed reads and writes built of the declared ops: index_add/index_copy/index_fill,
take, narrow_copy, index_put/put, select, and the scatters slice_scatter,
select_scatter, diagonal_scatter, masked_scatter.

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .._typing import Number
from ..tensor import Tensor
from . import registry as R
from ._base import (
    normalize_dim,
    numpy_names,
)
from ._helpers import _s, _t
from .math import _tname


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
    idx = _t(index, name, "index")
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
    x, src = _t(input, "index_add"), _t(source, "index_add", "source")
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
    x, src = _t(input, "index_copy"), _t(source, "index_copy", "source")
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
    x = _t(input, "index_fill")
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
    x = _t(input, "take")
    idx = _t(index, "take", "index")
    if idx.data.dtype.kind not in "iu":
        raise IndexError(f"take(): Expected a long tensor for index, but got {idx.dtype}")
    n = x.data.size
    if ((idx.data >= n) | (idx.data < -n)).any():
        raise IndexError(
            f"out of range: tried to access index {int(idx.data.max())} on a "
            f"tensor of {n} elements."
        )
    return x.reshape(-1)[idx.reshape(-1)].reshape(idx.shape)


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
    x = _t(input, "index_put")
    idx = tuple(indices)
    v = _t(values, "index_put", "values")
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
    x = _t(input, "put")
    i = _t(index, "put", "index")
    n = x.data.size
    if ((i.data >= n) | (i.data < -n)).any():
        raise IndexError(
            f"out of range: tried to access index {int(i.data.max())} on a tensor of {n} elements."
        )
    flat = index_put(
        x.reshape(-1),
        (Tensor(np.where(i.data < 0, i.data + n, i.data).reshape(-1)),),
        _t(source, "put", "source").reshape(-1),
        accumulate,
    )
    return flat.reshape(x.shape)


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
    x = _t(input, "select")
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


# ------------------------------------------------------------- scatters
def _embed(x: Tensor, index, src, name: str) -> Tensor:
    """A copy of ``x`` with ``x[index]`` replaced by ``src`` (gradients to both)."""
    out = ad.clone(x)
    view_shape = out[index].shape
    s = _t(src, name, "src")
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
    x = _t(input, "slice_scatter")
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
    x = _t(input, "select_scatter")
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
    x = _t(input, "diagonal_scatter")
    s = _t(src, "diagonal_scatter", "src")
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
    x = _t(input, "masked_scatter")
    m = _t(mask, "masked_scatter", "mask")
    if m.data.dtype != np.bool_:
        raise RuntimeError(
            f"masked_scatter_ only supports boolean masks, but got mask with dtype "
            f"{_tname(m.dtype)}"
        )
    shape = np.broadcast_shapes(x.shape, m.shape)
    mk = np.broadcast_to(m.data, shape)
    x = ad.broadcast_to(x, shape) if x.shape != shape else x
    k = int(mk.sum())
    src = _t(source, "masked_scatter", "source").reshape(-1)
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
