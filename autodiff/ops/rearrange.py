"""Further shape ops: moving/swapping dims (movedim, swapaxes, t, adjoint), ravel, tile,
rot90/flipud/fliplr, atleast_Nd, stacking (hstack, vstack, dstack, column_stack),
broadcast_tensors, meshgrid, cartesian_prod, matrix builders (block_diag, vander,
diagflat, diag_embed, tril/triu_indices, combinations) and splits (tensor_split,
hsplit, vsplit, dsplit).

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import builtins
import itertools
from typing import Any

import numpy as np

import autodiff as ad

from .. import _dtypes
from .._typing import DeviceLike, DTypeLike
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    normalize_dim,
    numpy_names,
)
from ._helpers import _s, _t


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
    x = _t(input, "movedim")
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
    return _t(input, "ravel").reshape(-1)


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
    x = _t(input, "tile")
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
    x = _t(input, "rot90")
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
    x = _t(input, "fliplr")
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
    return [_t(t, name, "tensors") for t in tensors]


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
    ts = [_t(t, "broadcast_tensors", "tensors") for t in tensors]
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
    ts = [_t(t, "meshgrid", "tensors") for t in tensors]
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
        return _t(tensors[0], "cartesian_prod", "tensors")
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
        t = _t(t, "block_diag", "tensors")
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
    t = _t(x, "vander", "x")
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
    return ad.diag(_t(input, "diagflat").reshape(-1), offset)


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
    x = _t(input, "diag_embed")
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
    x = _t(input, "combinations")
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    if idx.size == 0:
        return ad.zeros(0, dtype=x.dtype) if r else x[:0]
    return x[Tensor(idx)]


@R.op(samples=lambda: [_s(R.randn(2, 3)), _s(R.randn(3, seed=1))], method=True)
def t(input: Tensor) -> Tensor:  # noqa: A002
    """Transpose of a tensor with at most 2 dimensions (itself for 0-d and 1-d).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.t(autodiff.zeros(2, 3)).shape
    (3, 2)
    """
    x = _t(input, "t")
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return ad.transpose(x, 0, 1) if x.ndim == 2 else x


@R.op(samples=lambda: [_s(R.randn(2, 3, 4))], method=True)
def adjoint(input: Tensor) -> Tensor:  # noqa: A002
    """The conjugate transpose of the last two dimensions (their transpose here).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.adjoint(autodiff.zeros(2, 3)).shape
    (3, 2)
    """
    x = _t(input, "adjoint")
    if x.ndim < 2:
        raise RuntimeError(
            "tensor.adjoint() is only supported on matrices or batches of "
            f"matrices. Got {x.ndim}-D tensor."
        )
    return ad.transpose(x, -2, -1)


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
    x = _t(input, "tensor_split")
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
        x = _t(input, "f")
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
