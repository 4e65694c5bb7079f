"""Shape, indexing, scatter, matrix-product, cumulative, reduction, sorting and
sampling ops with PyTorch's semantics (issue 17).

Most selection ops here (flip, roll, tril, diag, diagonal, repeat, index_select,
masked_select, take_along_dim, ...) are one kind of node: ``out.flat[k] =
x.flat[idx[k]]`` (``idx`` -1: a zero), where ``idx`` is the op applied to
``arange(x.numel()).reshape(x.shape)``. Its VJP adds ``g`` back at ``idx``
(repeated indices add up), which is ``index_add``'s node again, so second order
comes for free. Ops that are views in PyTorch (diagonal, narrow, the pieces of
split/chunk/unbind, unflatten) share ``x``'s memory here too and are marked with
``shape._view_of``, so in-place changes behave as in PyTorch.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from .. import _dtypes, factories
from .._typing import DeviceLike, Dims, DTypeLike, GeneratorLike, Number, Size, TensorLike
from ..engine import Node, apply, apply1, recording
from ..tensor import Tensor, _make
from . import elementwise as E
from . import reductions as Rd
from . import registry as R
from . import shape as S
from ._base import as_tensor_arg, cast, normalize_dim, normalize_dims, numpy_names
from .math import _tname
from .xp import NP

# results with .values/.indices, as torch.return_types (the functional form keeps the
# repr, "sort(values=..., indices=...)")
SortResult = NamedTuple("sort", [("values", Tensor), ("indices", Tensor)])  # noqa: UP014
TopkResult = NamedTuple("topk", [("values", Tensor), ("indices", Tensor)])  # noqa: UP014
CummaxResult = NamedTuple("cummax", [("values", Tensor), ("indices", Tensor)])  # noqa: UP014
CumminResult = NamedTuple("cummin", [("values", Tensor), ("indices", Tensor)])  # noqa: UP014
AminmaxResult = NamedTuple("aminmax", [("min", Tensor), ("max", Tensor)])  # noqa: UP014
HistogramResult = NamedTuple("histogram", [("hist", Tensor), ("bin_edges", Tensor)])  # noqa: UP014


def _t(x, opname: str, argname: str = "input") -> Tensor:
    if isinstance(x, Tensor):
        return x
    try:
        return as_tensor_arg(x, opname)
    except TypeError:
        raise TypeError(
            f"{opname}: argument '{argname}' must be a Tensor, got {type(x).__name__}"
        ) from None


def _int_array(index, opname: str, argname: str = "index") -> np.ndarray:
    """An integer index (Tensor, array or list) as an int64 ndarray of its own."""
    arr = index.data if isinstance(index, Tensor) else np.asarray(index)
    if arr.dtype.kind not in "iu":
        if arr.size == 0 and arr.dtype.kind == "f" and not isinstance(index, Tensor):
            arr = arr.astype(np.int64)  # ([] is a float64 array to NumPy)
        else:
            raise TypeError(
                f"{opname}: argument '{argname}' must be an integer (int64) tensor, got dtype "
                f"{arr.dtype}"
            )
    return arr.astype(np.int64)


def _positions(shape) -> np.ndarray:
    """Each element's flat (C-order) position, in ``shape``."""
    return np.arange(math.prod(shape), dtype=np.int64).reshape(shape)


def _dims(dims) -> tuple:
    if isinstance(dims, (int, np.integer)):
        return (int(dims),)
    return tuple(dims)


# ------------------------------------------------------- selection (gather) ops
class IndexSelectBackward(Node):
    """``out.flat[k] = x.flat[idx[k]]`` (0 where ``idx`` is -1); the base of the
    selection ops below, which differ only in their name."""

    name = "index_select"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        idx, view, holes, _unique = attrs
        if view is not None:
            return view(x)
        if not holes:
            return np.take(x, idx)
        out = np.zeros(idx.shape, dtype=x.dtype)
        keep = idx >= 0
        out[keep] = np.take(x, idx[keep])
        return out

    def vjp(self, g, xs, out, xp):
        idx, _view, holes, unique = self.attrs
        shape = tuple(xs[0].shape)
        size = math.prod(shape)
        ii = idx.reshape(-1)
        if xp is NP:
            gi = g.reshape(-1)
            if holes:
                keep = ii >= 0
                gi, ii = gi[keep], ii[keep]
            flat = np.zeros(size, dtype=g.dtype)
            if unique:
                flat[ii] = gi
            elif g.dtype.kind == "f":
                flat += np.bincount(ii, weights=gi, minlength=size).astype(g.dtype, copy=False)
            else:
                np.add.at(flat, ii, gi)
            return (flat.reshape(shape),)
        gi = xp.reshape(g, (-1,))
        if holes:
            keep = np.flatnonzero(ii >= 0)
            gi, ii = xp.getitem(gi, keep), ii[keep]
        return (xp.reshape(xp.index_add(gi, ii, (size,)), shape),)


class FlipBackward(IndexSelectBackward):
    name = "flip"
    saves = ()


class RollBackward(IndexSelectBackward):
    name = "roll"
    saves = ()


class TrilBackward(IndexSelectBackward):
    name = "tril"
    saves = ()


class TriuBackward(IndexSelectBackward):
    name = "triu"
    saves = ()


class DiagBackward(IndexSelectBackward):
    name = "diag"
    saves = ()


class DiagonalBackward(IndexSelectBackward):
    name = "diagonal"
    saves = ()


class RepeatBackward(IndexSelectBackward):
    name = "repeat"
    saves = ()


class RepeatInterleaveBackward(IndexSelectBackward):
    name = "repeat_interleave"
    saves = ()


class MaskedSelectBackward(IndexSelectBackward):
    name = "masked_select"
    saves = ()


class TakeAlongDimBackward(IndexSelectBackward):
    name = "take_along_dim"
    saves = ()


def _select(cls, x: Tensor, idx: np.ndarray, view=None, unique: bool = False) -> Tensor:
    holes = bool(idx.size) and int(idx.min()) < 0
    out = apply1(cls, x, (idx, view, holes, unique))
    if view is not None:
        S._view_of(out, x)
    return out


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3, 4), (0, 2))),
        R.Sample((R.randn(2, 3), [-1])),
        R.Sample((R.randn(4), 0)),
    ],
    method=True,
    ref=lambda x, dims: np.flip(x, dims),
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 3))), (0, 0)), error=RuntimeError, match="dims"),
        R.ErrorInput((R.tensor(np.ones((2, 3))), (2,)), error=IndexError, match="dim 2"),
    ],
)
def flip(input: TensorLike, dims: Size) -> Tensor:  # noqa: A002 - PyTorch's name
    """Reverse the order of elements along ``dims`` (a copy, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1, 2], [3, 4]]).flip(1)
    Tensor([[2, 1],
            [4, 3]])
    """
    x = _t(input, "flip")
    dims = _dims(dims)
    axes = [normalize_dim(d, x.ndim, "flip") for d in dims]
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"flip: dims {dims} has a dimension more than once")
    pos = _positions(x.shape)
    idx = np.flip(pos, [a for a in axes if x.ndim]).copy()
    return _select(FlipBackward, x, idx, unique=True)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 5), 2, 1)),
        R.Sample((R.randn(2, 3), (1, -4), (0, 1))),
        R.Sample((R.randn(2, 3), 4)),
    ],
    method=True,
    ref=lambda x, shifts, dims=None: np.roll(x, shifts, dims),
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 3))), (1, 2), (0,)), error=RuntimeError, match="shifts"),
    ],
)
def roll(input: TensorLike, shifts: Size, dims: Dims = None) -> Tensor:  # noqa: A002
    """Shift elements circularly along ``dims`` (flattened when ``dims`` is None).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 2, 3, 4]).roll(1)
    Tensor([4, 1, 2, 3])
    """
    x = _t(input, "roll")
    shifts = _dims(shifts)
    pos = _positions(x.shape)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: shifts {shifts} must be one number when dims is not given")
        idx = np.roll(pos.reshape(-1), shifts[0]).reshape(x.shape)
    else:
        dims = _dims(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"roll: shifts {shifts} and dims {dims} must have the same length")
        if x.ndim == 0:
            raise IndexError("roll: a 0-d tensor has no dimension to roll along; omit dims")
        axes = tuple(normalize_dim(d, x.ndim, "roll") for d in dims)
        idx = np.roll(pos, shifts, axes) if x.ndim else pos.copy()
    return _select(RollBackward, x, idx, unique=True)


def _tri(x, diagonal, lower: bool, opname: str, cls) -> Tensor:
    x = _t(x, opname)
    if x.ndim < 2:
        raise RuntimeError(f"{opname}: input must have at least 2 dimensions, got shape {x.shape}")
    pos = _positions(x.shape)
    n, m = x.shape[-2:]
    keep = (
        np.tri(n, m, int(diagonal), dtype=bool)
        if lower
        else ~np.tri(n, m, int(diagonal) - 1, dtype=bool)
    )
    idx = np.where(keep, pos, -1)
    return _select(cls, x, idx, unique=True)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(2, 3, 4), -1)),
        R.Sample((R.randn(3, 3), 1)),
    ],
    method=True,
    ref=lambda x, diagonal=0: np.tril(x, diagonal),
    errors=lambda: [R.ErrorInput((R.tensor([1.0, 2.0]),), error=RuntimeError, match="2 dim")],
)
def tril(input: TensorLike, diagonal: int = 0) -> Tensor:  # noqa: A002
    """The lower triangle of the last two dimensions (the rest zero).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 2).tril()
    Tensor([[1., 0.],
            [1., 1.]])
    """
    return _tri(input, diagonal, True, "tril", TrilBackward)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(2, 3, 4), 2)),
        R.Sample((R.randn(3, 3), -1)),
    ],
    method=True,
    ref=lambda x, diagonal=0: np.triu(x, diagonal),
    errors=lambda: [R.ErrorInput((R.tensor(2.0),), error=RuntimeError, match="2 dim")],
)
def triu(input: TensorLike, diagonal: int = 0) -> Tensor:  # noqa: A002
    """The upper triangle of the last two dimensions (the rest zero).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 2).triu()
    Tensor([[1., 1.],
            [0., 1.]])
    """
    return _tri(input, diagonal, False, "triu", TriuBackward)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3),)),
        R.Sample((R.randn(3), 1)),
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(3, 4), -1)),
    ],
    method=True,
    ref=lambda x, diagonal=0: np.diag(x, diagonal),
    errors=lambda: [R.ErrorInput((R.tensor(np.ones((2, 2, 2))),), error=RuntimeError, match="1-d")],
)
def diag(input: TensorLike, diagonal: int = 0) -> Tensor:  # noqa: A002
    """A 1-d input as the ``diagonal``-th diagonal of a square matrix; a 2-d
    input's ``diagonal``-th diagonal (a copy).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 2]).diag()
    Tensor([[1, 0],
            [0, 2]])
    """
    x = _t(input, "diag")
    k = int(diagonal)
    if x.ndim == 1:
        n = x.shape[0] + builtins.abs(k)
        idx = np.full((n, n), -1, dtype=np.int64)
        r = np.arange(x.shape[0])
        if k >= 0:
            idx[r, r + k] = r
        else:
            idx[r - k, r] = r
        return _select(DiagBackward, x, idx, unique=True)
    if x.ndim == 2:
        idx = np.diagonal(_positions(x.shape), k).copy()
        return _select(DiagBackward, x, idx, unique=True)
    raise RuntimeError(f"diag: input must be 1-d or 2-d, got shape {x.shape}")


def _diagonal_view(offset, d1, d2):
    def view(x):
        d = np.diagonal(x, offset, d1, d2)
        if x.flags.writeable:
            d.setflags(write=True)  # (a view of x's memory, writable as x is)
        return d

    return view


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(3, 4), 1)),
        R.Sample((R.randn(2, 3, 4), -1, 0, -1)),
        R.Sample((R.randn(3, 3), 5)),
    ],
    method=True,
    ref=lambda x, offset=0, dim1=0, dim2=1: np.diagonal(x, offset, dim1, dim2),
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 2))), 0, 1, 1), error=RuntimeError, match="dim1"),
        R.ErrorInput((R.tensor(np.ones(2)),), error=RuntimeError, match="2 dimensions"),
    ],
)
def diagonal(input: TensorLike, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:  # noqa: A002
    """The diagonal of the ``dim1`` x ``dim2`` planes, as a last dimension (a view).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arange(4).reshape(2, 2).diagonal()
    Tensor([0, 3])
    """
    x = _t(input, "diagonal")
    if x.ndim < 2:
        raise RuntimeError(f"diagonal: input must have at least 2 dimensions, got shape {x.shape}")
    a1 = normalize_dim(dim1, x.ndim, "diagonal")
    a2 = normalize_dim(dim2, x.ndim, "diagonal")
    if a1 == a2:
        raise RuntimeError(
            f"diagonal: dim1 ({dim1}) and dim2 ({dim2}) must be different dimensions"
        )
    view = _diagonal_view(int(offset), a1, a2)
    idx = view(_positions(x.shape)).copy()
    return _select(DiagonalBackward, x, idx, view=view, unique=True)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3), 2, 1)),
        R.Sample((R.randn(3), 2, 2)),
        R.Sample((R.randn(2, 3), (1, 1))),
    ],
    method=True,
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 3))), 2), error=RuntimeError, match="sizes"),
    ],
)
def repeat(input: TensorLike, *sizes: Size) -> Tensor:  # noqa: A002
    """Tile ``input`` ``sizes[i]`` times along each dimension (leading ones added).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 2]).repeat(2)
    Tensor([1, 2, 1, 2])
    """
    x = _t(input, "repeat")
    sizes = S._shape_arg(sizes)
    if len(sizes) < x.ndim:
        raise RuntimeError(
            f"repeat: the number of sizes ({len(sizes)}) can not be smaller than the number of "
            f"dimensions of the tensor ({x.ndim})"
        )
    if builtins.any(s < 0 for s in sizes):
        raise RuntimeError(f"repeat: sizes {sizes} must be non-negative")
    pos = _positions(x.shape).reshape((1,) * (len(sizes) - x.ndim) + x.shape)
    idx = np.tile(pos, sizes)
    return _select(RepeatBackward, x, idx, unique=builtins.all(s == 1 for s in sizes))


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3), 2)),
        R.Sample((R.randn(2, 3), np.array([1, 0, 3])), {"dim": 1}),
        R.Sample((R.randn(2, 3), 2), {"dim": -2}),
    ],
    method=True,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), R.tensor([1, 2], np.int64)),
            {"dim": 1},
            error=RuntimeError,
            match="repeats",
        ),
    ],
)
@numpy_names(keepdim=False)  # axis= for dim=, as PyTorch
def repeat_interleave(  # noqa: A002
    input: TensorLike, repeats: Tensor | int | None = None, dim: int | None = None, *,
    output_size: int | None = None,
) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element)
    along ``dim`` (flattened when None). ``repeat_interleave(counts)`` alone gives
    ``arange(len(counts))`` repeated by ``counts``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 2]).repeat_interleave(2)
    Tensor([1, 1, 2, 2])
    """
    if repeats is None:
        counts = _int_array(input, "repeat_interleave", "repeats")
        if counts.ndim != 1 or (counts.size and counts.min() < 0):
            raise RuntimeError("repeat_interleave: repeats must be a 1-d tensor of counts >= 0")
        return _make(np.repeat(np.arange(counts.size, dtype=np.int64), counts), None)
    x = _t(input, "repeat_interleave")
    pos = _positions(x.shape)
    if dim is None:
        pos, axis = pos.reshape(-1), 0
    else:
        axis = normalize_dim(dim, x.ndim, "repeat_interleave")
        if x.ndim == 0:
            pos = pos.reshape(1)
    if isinstance(repeats, (int, np.integer)):
        reps = int(repeats)
        if reps < 0:
            raise RuntimeError(f"repeat_interleave: repeats must be >= 0, got {reps}")
    else:
        reps = _int_array(repeats, "repeat_interleave", "repeats")
        if reps.ndim == 0 or reps.size == 1:
            reps = int(reps.reshape(-1)[0]) if reps.size else reps
        elif reps.ndim != 1 or reps.shape[0] != pos.shape[axis]:
            raise RuntimeError(
                f"repeat_interleave: repeats must have shape ({pos.shape[axis]},) (one count per "
                f"element along dim), got {reps.shape}"
            )
        if not isinstance(reps, int) and reps.size and reps.min() < 0:
            raise RuntimeError("repeat_interleave: repeats must be >= 0")
    idx = np.repeat(pos, reps, axis)
    if output_size is not None and idx.shape[axis] != output_size:
        raise RuntimeError(
            f"repeat_interleave: output_size {output_size} is not the result's size "
            f"{idx.shape[axis]}"
        )
    return _select(RepeatInterleaveBackward, x, idx)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4), np.array([[True, False, True, False]] * 3))),
        R.Sample((R.randn(3, 4), np.array([True, False, True, True]))),
        R.Sample((R.randn(4), np.array([[True, False, False, True], [False] * 4]))),
    ],
    method=True,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), R.tensor([1, 0, 1], np.int64)),
            error=TypeError,
            match="mask",
        ),
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), R.tensor([True, False], bool)),
            error=RuntimeError,
            match="broadcast",
        ),
    ],
)
def masked_select(input: TensorLike, mask: TensorLike) -> Tensor:  # noqa: A002
    """The elements of ``input`` where ``mask`` is True (broadcast together), as 1-d.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([1.0, 2.0, 3.0])
    >>> x.masked_select(x > 1.5)
    Tensor([2., 3.])
    """
    x = _t(input, "masked_select")
    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise TypeError(
            f"masked_select: argument 'mask' must be a bool tensor, got dtype {m.dtype}"
        )
    try:
        shape = np.broadcast_shapes(x.shape, m.shape)
    except ValueError:
        raise RuntimeError(
            f"masked_select: mask of shape {m.shape} and input of shape {x.shape} do not broadcast"
        ) from None
    pos = np.broadcast_to(_positions(x.shape), shape)
    idx = pos[np.broadcast_to(m, shape)]
    return _select(MaskedSelectBackward, x, idx, unique=shape == x.shape)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4), 0, np.array([2, 0, 2]))),
        R.Sample((R.randn(3, 4), -1, np.array([3, 1]))),
        R.Sample((R.randn(3, 4), 1, np.array(2))),
    ],
    method=True,
    ref=lambda x, dim, index: np.take(x, np.reshape(index, -1), dim),
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 1, R.tensor([0.0])), error=TypeError, match="'index'"
        ),
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 1, R.tensor([3], np.int64)),
            error=IndexError,
            match="out of range",
        ),
    ],
)
@numpy_names(keepdim=False)  # axis= for dim=, as PyTorch
def index_select(input: TensorLike, dim: int, index: TensorLike) -> Tensor:  # noqa: A002
    """The slices at ``index`` (1-d, repeats allowed) along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1, 2], [3, 4]]).index_select(0, autodiff.tensor([1, 1]))
    Tensor([[3, 4],
            [3, 4]])
    """
    x = _t(input, "index_select")
    idx = _int_array(index, "index_select")
    if idx.ndim > 1:
        raise RuntimeError(f"index_select: argument 'index' must be 0-d or 1-d, got {idx.shape}")
    idx = idx.reshape(-1)
    axis = normalize_dim(dim, x.ndim, "index_select")
    n = x.shape[axis] if x.ndim else 1
    if x.ndim == 0 and idx.size != 1:
        raise RuntimeError(
            f"index_select: index into a 0-d tensor must have one value, got {idx.size}"
        )
    _check_range(idx, n, "index_select", "index")
    pos = _positions(x.shape)
    out = np.take(pos.reshape(1) if x.ndim == 0 else pos, idx, axis)
    if x.ndim == 0:
        out = out.reshape(())
    return _select(IndexSelectBackward, x, out)


def _check_range(idx, n, opname, argname="index"):
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < -n or hi >= n or (lo < 0 and opname != "take_along_dim"):
            bad = lo if lo < 0 else hi
            raise IndexError(
                f"{opname}: {argname} {bad} is out of range for a dimension of size {n} "
                f"(valid: 0 to {n - 1})"
            )


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4), np.array([[0, 3], [1, 1], [2, 0]]), 1)),
        R.Sample((R.randn(3, 4), np.array([5, 5, 0]))),
        R.Sample((R.randn(3, 1), np.array([[0, 0, 0], [0, 0, 0]]), 0), note="broadcast"),
    ],
    method=True,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), R.tensor([[0.0]]), 1), error=TypeError, match="indices"
        ),
    ],
)
@numpy_names(keepdim=False)  # axis= for dim=, as PyTorch
def take_along_dim(input: TensorLike, indices: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """Values at ``indices`` along ``dim`` (flattened when None); input and
    indices broadcast in the other dimensions.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([[10, 30, 20]])
    >>> x.take_along_dim(x.argsort(dim=1), dim=1)
    Tensor([[10, 20, 30]])
    """
    x = _t(input, "take_along_dim")
    idx = _int_array(indices, "take_along_dim", "indices")
    pos = _positions(x.shape)
    if dim is None:
        pos, idx, axis = pos.reshape(-1), idx.reshape(-1), 0
    else:
        if x.ndim == 0:
            raise IndexError("take_along_dim: a 0-d input has no dimension; pass dim=None")
        axis = normalize_dim(dim, x.ndim, "take_along_dim")
        if idx.ndim != x.ndim:
            raise RuntimeError(
                f"take_along_dim: indices has {idx.ndim} dimensions but input has {x.ndim}"
            )
        if x.ndim == 0:
            pos, idx = pos.reshape(1), idx.reshape(1)
        a = list(pos.shape)
        b = list(idx.shape)
        a[axis] = b[axis] = 1
        try:
            shape = np.broadcast_shapes(tuple(a), tuple(b))
        except ValueError:
            raise RuntimeError(
                f"take_along_dim: input {x.shape} and indices {idx.shape} do not broadcast "
                f"outside dim {dim}"
            ) from None
        pos = np.broadcast_to(pos, shape[:axis] + (pos.shape[axis],) + shape[axis + 1 :])
        idx = np.broadcast_to(idx, shape[:axis] + (idx.shape[axis],) + shape[axis + 1 :])
    _check_range(idx, pos.shape[axis], "take_along_dim", "indices")
    out = np.take_along_axis(pos, idx, axis)
    if x.ndim == 0 and dim is not None:
        out = out.reshape(())
    return _select(TakeAlongDimBackward, x, out)


# -------------------------------------------------------------------- views
def _narrow_index(ndim, axis, start, stop):
    return (slice(None),) * axis + (slice(start, stop),)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 5), 1, 1, 3)),
        R.Sample((R.randn(3, 5), -2, -2, 2)),
    ],
    method=True,
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 3))), 1, 2, 2), error=RuntimeError, match="length"),
        R.ErrorInput((R.tensor(2.0), 0, 0, 1), error=RuntimeError, match="0-d"),
    ],
)
@numpy_names(keepdim=False)  # axis= for dim=, as PyTorch
def narrow(input: TensorLike, dim: int, start: int | Tensor, length: int) -> Tensor:  # noqa: A002
    """``length`` elements from ``start`` along ``dim`` (a view).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arange(5).narrow(0, 1, 2)
    Tensor([1, 2])
    """
    x = _t(input, "narrow")
    if x.ndim == 0:
        raise RuntimeError("narrow: cannot narrow a 0-d tensor")
    axis = normalize_dim(dim, x.ndim, "narrow")
    n = x.shape[axis]
    start = int(start.item() if isinstance(start, Tensor) else start)
    length = int(length)
    if not -n <= start <= n:
        raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {n}")
    if start < 0:
        start += n
    if length < 0 or start + length > n:
        raise RuntimeError(
            f"narrow: start ({start}) + length ({length}) exceeds dimension size ({n}), or "
            "length is negative"
        )
    return S.getitem(x, _narrow_index(x.ndim, axis, start, start + length))


class UnfoldBackward(Node):
    """Windows of ``size`` every ``step`` along ``axis``, as a new last dimension."""

    name = "unfold"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        axis, size, step = attrs
        windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=axis)
        return windows[(slice(None),) * axis + (slice(None, None, step),)]

    def vjp(self, g, xs, out, xp):
        axis, size, step = self.attrs
        shape = xs[0].shape
        n_windows = g.shape[axis]
        gx = None
        for k in range(size):  # window element k of every window: one strided slice
            place = (slice(None),) * axis + (slice(k, k + step * (n_windows - 1) + 1, step),)
            part = xp.index_add(xp.getitem(g, (Ellipsis, k)), place, shape)
            gx = part if gx is None else gx + part
        return (xp.zeros_like(xs[0]) if gx is None else gx,)


@R.op(
    "tensor_unfold",
    samples=lambda: [
        R.Sample((R.randn(7), 0, 3, 2), note="overlapping windows"),
        R.Sample((R.randn(3, 5), 1, 2, 1)),
        R.Sample((R.randn(2, 6, 2), -2, 2, 3), note="gaps between windows"),
        R.Sample((R.randn(4, 3), 0, 4, 1), note="one window"),
    ],
    method="unfold",  # (F.unfold, im2col, is the op registered as "unfold")
    export=False,
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones(7)), 0, 8, 1), error=RuntimeError, match="maximum size"),
        R.ErrorInput((R.tensor(np.ones(7)), 0, 2, 0), error=RuntimeError, match="step is 0"),
        R.ErrorInput((R.tensor(np.ones(7)), 1, 2, 1), error=IndexError, match="out of range"),
    ],
)
def unfold(input: TensorLike, dimension: int, size: int, step: int) -> Tensor:  # noqa: A002
    """Every slice of ``size`` elements along ``dimension``, ``step`` apart, as a new last
    dimension (a read-only view, as ``torch.Tensor.unfold``); overlapping windows add
    up in the gradient.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arange(7.0).unfold(0, 3, 2)
    Tensor([[0., 1., 2.],
            [2., 3., 4.],
            [4., 5., 6.]])
    """
    x = _t(input, "unfold")
    size, step = int(size), int(step)
    if x.ndim == 0:  # (PyTorch: a 0-d tensor has one window of at most one element)
        normalize_dim(dimension, 1, "unfold")
        return unfold(x.reshape(1), 0, size, step).reshape(size)
    axis = normalize_dim(dimension, x.ndim, "unfold")
    n = x.shape[axis]
    if size < 0 or size > n:
        raise RuntimeError(
            f"unfold: maximum size for tensor at dimension {axis} is {n} but size is {size}"
        )
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    return S._view_of(apply1(UnfoldBackward, x, (axis, size, step)), x)


def _pieces_check(fn):
    # (the checks call one function with one result: the pieces, scaled apart, joined)
    def check(*args, **kwargs):
        pieces = fn(*args, **kwargs)
        return S.cat([p.reshape(-1) * float(k + 1) for k, p in enumerate(pieces)], 0)

    return check


@R.op(
    samples=lambda: [
        R.Sample((R.randn(5, 2), 2)),
        R.Sample((R.randn(2, 5), [1, 4]), {"dim": 1}),
        R.Sample((R.randn(2, 6), 3, -1)),
    ],
    method=True,
    check=lambda *a, **k: _pieces_check(split)(*a, **k),
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones(4)), [1, 2]), error=RuntimeError, match="sum"),
        R.ErrorInput((R.tensor(np.ones(4)), 0), error=RuntimeError, match="split_size"),
    ],
)
def split(
    tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0
) -> tuple[Tensor, ...]:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the
    listed sizes; each a view.

    Examples
    --------
    >>> import autodiff
    >>> [p.tolist() for p in autodiff.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    x = _t(tensor, "split", "tensor")
    if x.ndim == 0:
        raise RuntimeError("split: cannot split a 0-d tensor")
    axis = normalize_dim(dim, x.ndim, "split")
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0 and not (size == 0 and n == 0):
            raise RuntimeError(f"split: split_size must be positive, got {size}")
        sizes = [builtins.min(size, n - s) for s in range(0, n, size)] if size else [0]
        if not sizes:
            sizes = [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if builtins.sum(sizes) != n or builtins.any(s < 0 for s in sizes):
            raise RuntimeError(
                f"split: split sizes {sizes} must be non-negative and sum to the size of dim "
                f"{dim} ({n}), but they sum to {builtins.sum(sizes)}"
            )
    out, start = [], 0
    for s in sizes:
        out.append(S.getitem(x, _narrow_index(x.ndim, axis, start, start + s)))
        start += s
    return tuple(out)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(5, 2), 3)),
        R.Sample((R.randn(2, 6), 4, -1)),
    ],
    method=True,
    check=lambda *a, **k: _pieces_check(chunk)(*a, **k),
    errors=lambda: [R.ErrorInput((R.tensor(np.ones(4)), 0), error=RuntimeError, match="chunks")],
)
@numpy_names(keepdim=False)  # axis= for dim=, as PyTorch
def chunk(input: TensorLike, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """At most ``chunks`` views of ``ceil(n / chunks)`` elements along ``dim``
    (fewer when they run out, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> [p.tolist() for p in autodiff.arange(5).chunk(3)]
    [[0, 1], [2, 3], [4]]
    """
    x = _t(input, "chunk")
    if int(chunks) <= 0:
        raise RuntimeError(f"chunk: chunks must be positive, got {chunks}")
    if x.ndim == 0:
        raise RuntimeError("chunk: cannot chunk a 0-d tensor")
    axis = normalize_dim(dim, x.ndim, "chunk")
    n = x.shape[axis]
    size = -(-n // int(chunks))
    return split(x, size if n else 0, axis)


@R.op(
    samples=lambda: [R.Sample((R.randn(3, 2),)), R.Sample((R.randn(2, 3), -1))],
    method=True,
    check=lambda *a, **k: _pieces_check(unbind)(*a, **k),
    errors=lambda: [R.ErrorInput((R.tensor(1.0),), error=IndexError, match="0-d")],
)
@numpy_names(keepdim=False)
def unbind(input: TensorLike, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """The slices along ``dim`` (which goes away), each a view.

    Examples
    --------
    >>> import autodiff
    >>> [r.tolist() for r in autodiff.tensor([[1, 2], [3, 4]]).unbind(1)]
    [[1, 3], [2, 4]]
    """
    x = _t(input, "unbind")
    if x.ndim == 0:
        raise IndexError("unbind: cannot unbind a 0-d tensor (it has no dimension)")
    axis = normalize_dim(dim, x.ndim, "unbind")
    return tuple(S.getitem(x, (slice(None),) * axis + (i,)) for i in range(x.shape[axis]))


@R.op(
    samples=lambda: [R.Sample((R.randn(2, 6), 1, (2, 3))), R.Sample((R.randn(6, 2), 0, (-1, 2)))],
    method=True,
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((2, 6))), 1, (4, 2)), error=RuntimeError, match="sizes"),
    ],
)
def unflatten(input: TensorLike, dim: int, sizes: Sequence[int]) -> Tensor:  # noqa: A002
    """Dimension ``dim`` split into ``sizes`` (one may be -1); a view.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 6).unflatten(1, (2, 3)).shape
    (2, 2, 3)
    """
    x = _t(input, "unflatten")
    if x.ndim == 0:
        raise RuntimeError("unflatten: cannot unflatten a 0-d tensor")
    axis = normalize_dim(dim, x.ndim, "unflatten")
    sizes = tuple(int(s) for s in sizes)
    n = x.shape[axis] if x.ndim else 1
    known = math.prod(s for s in sizes if s != -1)
    if (
        sizes.count(-1) > 1
        or not sizes
        or (n != known if -1 not in sizes else (known == 0 or n % known))
    ):
        raise RuntimeError(
            f"unflatten: sizes {sizes} do not multiply to the size of dim {dim} ({n})"
        )
    sizes = tuple(n // known if s == -1 else s for s in sizes)
    return S.reshape(x, x.shape[:axis] + sizes + x.shape[axis + 1 :])


@R.op(
    samples=lambda: [R.Sample((R.randn(3, 4),))],
    method=True,
    differentiable=False,
)
def nonzero(input: TensorLike, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:  # noqa: A002
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or with
    ``as_tuple`` one 1-d tensor per dimension.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0, 3, 0, 4]).nonzero()
    Tensor([[1],
            [3]])
    """
    x = _t(input, "nonzero")
    if as_tuple:
        data = x.data.reshape(1) if x.ndim == 0 else x.data
        return tuple(_make(i.astype(np.int64), None) for i in np.nonzero(data))
    if x.ndim == 0:
        return _make(np.zeros((int(x.data != 0), 0), np.int64), None)
    return _make(np.argwhere(x.data).astype(np.int64), None)


# ------------------------------------------------------------------ scatter
class ScatterBackward(Node):
    """``self`` with ``src`` (or a value) written, added or reduced at flat positions
    ``pos`` (sum, mean and replace: linear, reading no values)."""

    name = "scatter"
    saves = ()

    @staticmethod
    def forward(*arrays_and_attrs):
        *arrays, a = arrays_and_attrs
        return _scatter_np(arrays[0], arrays[1] if len(arrays) > 1 else None, a)

    def vjp(self, g, xs, out, xp):
        a = self.attrs
        mode, pos, spos, incl = a["mode"], a["pos"], a["spos"], a["include_self"]
        shape = tuple(xs[0].shape)
        gs = gsrc = None
        if self.needs[0]:
            if mode == "sum" and incl:
                gs = g
            elif mode == "mean":
                w = np.where(a["touched"], (1.0 / a["count"]) if incl else 0.0, 1.0)
                gs = g * w.reshape(shape).astype(g.dtype)
            else:
                gs = g * (~a["touched"]).reshape(shape).astype(g.dtype)
        if len(xs) > 1 and self.needs[1]:
            gsel = xp.getitem(xp.reshape(g, (-1,)), pos)
            if mode == "mean":
                gsel = gsel * (1.0 / a["count"][pos]).astype(g.dtype)
            gsrc = _place(xp, gsel, spos, tuple(xs[1].shape))
        return (gs, gsrc) if len(xs) > 1 else (gs,)


class ScatterAddBackward(ScatterBackward):
    name = "scatter_add"
    saves = ()


class ScatterReduceBackward(ScatterBackward):
    name = "scatter_reduce"
    saves = ()


class ScatterReduceMaxBackward(Node):
    """scatter_reduce with amax/amin: the gradient is shared evenly by every element
    (of self, if included, and of src) equal to the result, as PyTorch."""

    name = "scatter_reduce"
    saves = (0, 1, "out")

    @staticmethod
    def forward(self_, src, a):
        return _scatter_np(self_, src, a)

    def vjp(self, g, xs, out, xp):
        a = self.attrs
        pos, spos = a["pos"], a["spos"]
        x = xp.data(xs[0]).reshape(-1)
        s = xp.data(xs[1]).reshape(-1)[spos]
        res = xp.data(out).reshape(-1)
        # (as PyTorch, self counts among the ties also when not included; its own
        # gradient is then zeroed)
        self_is = (x == res) | (np.isnan(x) & np.isnan(res))
        value = res[pos]
        src_is = (s == value) | (np.isnan(s) & np.isnan(value))
        n = self_is.astype(np.float64) + np.bincount(
            pos, weights=src_is.astype(np.float64), minlength=x.size
        )
        n = np.where(n == 0, 1.0, n)
        shape = tuple(xs[0].shape)
        ws = self_is / n
        if not a["include_self"]:
            ws = np.where(a["touched"], 0.0, ws)
        gs = g * ws.reshape(shape).astype(g.dtype) if self.needs[0] else None
        gsrc = None
        if self.needs[1]:
            gsel = xp.getitem(xp.reshape(g, (-1,)), pos) * (src_is / n[pos]).astype(g.dtype)
            gsrc = _place(xp, gsel, spos, tuple(xs[1].shape))
        return gs, gsrc


class ScatterReduceProdBackward(Node):
    """scatter_reduce with prod; zeros handled as PyTorch (the product of the others)."""

    name = "scatter_reduce"
    saves = (0, 1, "out")

    @staticmethod
    def forward(self_, src, a):
        return _scatter_np(self_, src, a)

    def vjp(self, g, xs, out, xp):
        a = self.attrs
        pos, spos = a["pos"], a["spos"]
        x, src = xs
        shape, sshape = tuple(x.shape), tuple(src.shape)
        xv = xp.data(x)
        gs = gsrc = None
        if self.needs[0]:
            zero = xv == 0
            masked_self = xp.where(zero, 1.0, x) if zero.any() else x
            masked_result = _scatter_prod(xp, masked_self, src, a) if zero.any() else out
            gs = g * masked_result / masked_self
            if not a["include_self"]:
                gs = gs * (~a["touched"]).reshape(shape).astype(g.dtype)
        if self.needs[1]:
            sflat = xp.reshape(src, (-1,))
            ssel = xp.getitem(sflat, spos)
            sv = xp.data(src).reshape(-1)[spos]
            src_zero = sv == 0
            nz = np.bincount(pos, weights=src_zero.astype(np.float64), minlength=math.prod(shape))
            single = src_zero & (nz[pos] == 1)
            gres = xp.getitem(xp.reshape(g * out, (-1,)), pos)
            gsel = gres / xp.where(src_zero, 1.0, ssel) if src_zero.any() else gres / ssel
            if single.any():
                full_single = np.zeros(math.prod(sshape), dtype=bool)
                full_single[spos] = single
                masked_src = xp.where(full_single.reshape(sshape), 1.0, src)
                msr = _scatter_prod(xp, x, masked_src, a)
                alt = xp.getitem(xp.reshape(g * msr, (-1,)), pos)
                gsel = xp.where(single, alt, gsel)
            gsrc = _place(xp, gsel, spos, sshape)
        return gs, gsrc


def _scatter_prod(xp, x, src, a):
    if xp is NP:
        return _scatter_np(x, src, a)
    return apply(ScatterReduceProdBackward, (x, src), a)


def _place(xp, gsel, spos, shape):
    """zeros(shape) with ``gsel`` at the flat positions ``spos`` (distinct)."""
    size = math.prod(shape)
    if xp is NP:
        out = np.zeros(size, dtype=gsel.dtype)
        out[spos] = gsel
        return out.reshape(shape)
    return xp.reshape(xp.index_add(gsel, spos, (size,)), shape)


def _scatter_np(self_, src, a):
    mode, pos, spos = a["mode"], a["pos"], a["spos"]
    out = np.array(self_, copy=True).reshape(-1)
    vals = a["value"] if src is None else np.ascontiguousarray(src).reshape(-1)[spos]
    if mode == "replace":
        out[pos] = vals
        return out.reshape(self_.shape)
    touched = a["touched"]
    if not a["include_self"]:
        kind = out.dtype.kind
        if mode in ("sum", "mean"):
            init = 0
        elif mode == "prod":
            init = 1
        elif kind == "f":
            init = -np.inf if mode == "amax" else np.inf
        elif kind == "b":
            init = mode == "amin"
        else:
            info = np.iinfo(out.dtype)
            init = info.min if mode == "amax" else info.max
        out[touched] = init
    ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.fmax, "amin": np.fmin}
    if mode in ("amax", "amin") and out.dtype.kind == "f":
        # NaN wins, as PyTorch (fmax/fmin keep the NaN only where both are)
        nan_at = np.zeros(out.size, dtype=bool)
        nan_at[pos[np.isnan(vals)]] = True
        ufunc[mode].at(out, pos, vals)
        out[nan_at] = np.nan
    else:
        ufunc[mode].at(out, pos, vals)
    if mode == "mean":
        count = a["count"]
        if out.dtype.kind == "f":
            out = out / count.astype(out.dtype)
        else:
            out = out // count.astype(out.dtype)
    return out.reshape(self_.shape)


def _scatter_attrs(opname, x: Tensor, dim, index, src_shape, mode, include_self, value=None):
    idx = _int_array(index, opname)
    axis = normalize_dim(dim, x.ndim, opname)
    xshape = x.shape if x.ndim else (1,)
    if idx.ndim == 0:
        idx = idx.reshape(1) if x.ndim <= 1 else idx
    if idx.ndim != len(xshape) and idx.size:
        raise RuntimeError(
            f"{opname}: index has {idx.ndim} dimensions but self has {x.ndim}; they must have "
            "the same number"
        )
    if idx.size:
        for d in range(idx.ndim):
            if d != axis and idx.shape[d] > xshape[d]:
                raise RuntimeError(
                    f"{opname}: index {idx.shape} is larger than self {x.shape} in dimension {d}"
                )
            if src_shape is not None and idx.shape[d] > (src_shape or (1,))[d]:
                raise RuntimeError(
                    f"{opname}: index {idx.shape} is larger than src {src_shape} in dimension {d}"
                )
        _check_range(idx, xshape[axis], opname)
        sl = tuple(slice(0, n) if i != axis else slice(None) for i, n in enumerate(idx.shape))
        pos = np.take_along_axis(_positions(xshape)[sl], idx, axis).reshape(-1)
        if src_shape is not None:
            ssl = tuple(slice(0, n) for n in idx.shape)
            spos = _positions(src_shape or (1,))[ssl].reshape(-1)
        else:
            spos = np.zeros(0, np.int64)
    else:
        pos = spos = np.zeros(0, np.int64)
    size = math.prod(x.shape)
    count = np.bincount(pos, minlength=size).astype(np.float64)
    touched = count > 0
    if include_self:
        count += 1.0
    count = np.where(count == 0, 1.0, count)
    return {
        "mode": mode,
        "pos": pos,
        "spos": spos,
        "include_self": include_self,
        "touched": touched,
        "count": count,
        "value": value,
    }


def _scatter_samples(reduce=None):
    idx = np.array([[0, 1, 0], [2, 2, 1]])
    out = [
        R.Sample((R.randn(3, 4), 0, idx, R.randn(2, 3, seed=1)), note="repeated"),
        R.Sample((R.randn(3, 4), -1, np.array([[3], [0]]), R.randn(2, 2, seed=2))),
    ]
    if reduce is not None:
        for k in range(len(out)):
            out[k].args = out[k].args + (reduce,)
    return out


def _src_or_value(opname, x, src, value):
    if src is not None and value is not None:
        raise TypeError(f"{opname}: give src or value, not both")
    if src is None and value is None:
        raise TypeError(f"{opname}: missing argument 'src' (or 'value')")
    if isinstance(src, (int, float, bool)) and not isinstance(src, Tensor):
        src, value = None, src
    if src is not None:
        src = _t(src, opname, "src")
        if src.dtype != x.dtype:
            raise RuntimeError(
                f"{opname}: expected self and src to have the same dtype, got {x.dtype} and "
                f"{src.dtype}"
            )
    return src, value


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4), 0, np.array([[0, 1, 2], [2, 0, 1]]), R.randn(2, 3, seed=1))),
        R.Sample((R.randn(3, 4), 1, np.array([[3], [0]]), R.randn(2, 2, seed=2))),
        R.Sample((R.randn(3, 4), 1, np.array([[3], [0]])), {"value": 2.5}),
    ],
    method=True,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 1, R.tensor([[3]], np.int64), R.tensor(np.ones((1, 1)))),
            error=IndexError,
            match="index 3 is out of range",
        ),
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 1, R.tensor([[0]], np.int64), R.tensor([[1]], np.int64)),
            error=RuntimeError,
            match="same dtype",
        ),
    ],
)
def scatter(  # noqa: A002
    input: TensorLike, dim: int, index: Tensor, src: TensorLike | None = None, *,
    value: Number | None = None, reduce: str | None = None,
) -> Tensor:
    """A copy of ``input`` with ``src[i][j]`` (or ``value``) written at
    ``[index[i][j]][j]`` (for dim=0). Where ``index`` repeats a position, which
    value lands is undefined in PyTorch; here the last one does.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).scatter(0, autodiff.tensor([2, 0]), autodiff.tensor([5.0, 7.0]))
    Tensor([7., 0., 5.])
    """
    x = _t(input, "scatter")
    src, value = _src_or_value("scatter", x, src, value)
    if reduce is not None:
        modes = {"add": "sum", "multiply": "prod"}
        if reduce not in modes:
            raise RuntimeError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
        if src is None:
            src = _make(np.full(np.shape(_int_array(index, "scatter")), value, x.dtype), None)
        return scatter_reduce(x, dim, index, src, modes[reduce])
    a = _scatter_attrs(
        "scatter", x, dim, index, src.shape if src is not None else None, "replace", True, value
    )
    if src is None:
        a["value"] = np.asarray(value).astype(x.dtype)
        return apply1(ScatterBackward, x, a)
    return apply(ScatterBackward, (x, src), a)


@R.op(samples=_scatter_samples, method=True)
def scatter_add(input: TensorLike, dim: int, index: Tensor, src: TensorLike) -> Tensor:  # noqa: A002
    """A copy of ``input`` with ``src[i][j]`` added at ``[index[i][j]][j]`` (for
    dim=0); repeated positions add up.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).scatter_add(0, autodiff.tensor([2, 2]), autodiff.tensor([5.0, 7.0]))
    Tensor([ 0.,  0., 12.])
    """
    x = _t(input, "scatter_add")
    src, _ = _src_or_value("scatter_add", x, src, None)
    a = _scatter_attrs("scatter_add", x, dim, index, src.shape, "sum", True)
    return apply(ScatterAddBackward, (x, src), a)


_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _scatter_reduce_samples():
    out = []
    for reduce in _REDUCES:
        for incl in (True, False):
            for s in _scatter_samples(reduce):
                s.kwargs = {"include_self": incl}
                out.append(s)
    # (amax/amin: values apart, so no ties; prod: away from zero)
    for s in out:
        if s.args[-1] in ("amax", "amin"):
            s.args = (
                R.distinct(3, 4),
                *s.args[1:3],
                R.distinct(*np.shape(s.args[3].value), seed=9),
                s.args[4],
            )
        if s.args[-1] == "prod":
            s.args = (
                R.away_from_zero(3, 4),
                *s.args[1:3],
                R.away_from_zero(*np.shape(s.args[3].value), seed=4),
                s.args[4],
            )
    return out


@R.op(
    samples=_scatter_reduce_samples,
    method=True,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones(3)), 0, R.tensor([0], np.int64), R.tensor([1.0]), "median"),
            error=RuntimeError,
            match="reduce",
        ),
    ],
)
def scatter_reduce(  # noqa: A002
    input: TensorLike, dim: int, index: Tensor, src: TensorLike, reduce: str, *,
    include_self: bool = True,
) -> Tensor:
    """A copy of ``input`` with the ``src`` values sent to each position by ``index``
    reduced there with ``reduce`` ('sum', 'prod', 'mean', 'amax', 'amin'), the
    position's own value included when ``include_self``. Gradients as PyTorch's:
    amax/amin share among ties, prod handles zeros.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.zeros(2)
    >>> x.scatter_reduce(0, autodiff.tensor([0, 0, 1]), autodiff.tensor([1.0, 3.0, 5.0]), "mean",
    ...                  include_self=False)
    Tensor([2., 5.])
    """
    x = _t(input, "scatter_reduce")
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # (PyTorch accepts these)
    if reduce not in _REDUCES:
        raise RuntimeError(
            f"scatter_reduce: reduce must be one of {', '.join(_REDUCES)}, got {reduce!r}"
        )
    src, _ = _src_or_value("scatter_reduce", x, src, None)
    a = _scatter_attrs("scatter_reduce", x, dim, index, src.shape, reduce, bool(include_self))
    cls = {
        "amax": ScatterReduceMaxBackward,
        "amin": ScatterReduceMaxBackward,
        "prod": ScatterReduceProdBackward,
    }.get(reduce, ScatterReduceBackward)
    return apply(cls, (x, src), a)


# --------------------------------------------------------- matrix products
def _mm_args(opname, *pairs):
    out = []
    for t, argname, nd in pairs:
        t = _t(t, opname, argname)
        if t.ndim != nd:
            raise RuntimeError(
                f"{opname}: argument '{argname}' must be {nd}-d, got shape {t.shape}"
            )
        out.append(t)
    S._same_dtype(opname, out[0].dtype, out[1].dtype)
    return out


@R.op(
    samples=lambda: [R.Sample((R.randn(2, 3, 4), R.randn(2, 4, 5, seed=1)))],
    method=True,
    ref=np.matmul,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3, 4))), R.tensor(np.ones((3, 4, 5)))),
            error=RuntimeError,
            match="batch",
        ),
        R.ErrorInput(
            (R.tensor(np.ones((3, 4))), R.tensor(np.ones((4, 5)))), error=RuntimeError, match="3-d"
        ),
    ],
)
def bmm(input: TensorLike, mat2: TensorLike) -> Tensor:  # noqa: A002
    """Batched matrix product of (b, n, m) and (b, m, p).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.bmm(autodiff.ones(2, 3, 4), autodiff.ones(2, 4, 5)).shape
    (2, 3, 5)
    """
    a, b = _mm_args("bmm", (input, "input", 3), (mat2, "mat2", 3))
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"bmm: shapes {a.shape} and {b.shape} do not fit (batch sizes must match and "
            "input's last dimension must equal mat2's second)"
        )
    return S.matmul(a, b)


@R.op(
    samples=lambda: [R.Sample((R.randn(4), R.randn(4, seed=1)))],
    method=True,
    ref=np.dot,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones(3)), R.tensor(np.ones(4))), error=RuntimeError, match="same number"
        ),
    ],
)
def dot(input: TensorLike, tensor: TensorLike) -> Tensor:  # noqa: A002
    """Inner product of two 1-d tensors.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1.0, 2.0]).dot(autodiff.tensor([3.0, 4.0]))
    Tensor(11.)
    """
    a, b = _mm_args("dot", (input, "input", 1), (tensor, "tensor", 1))
    if a.shape != b.shape:
        raise RuntimeError(
            f"dot: both tensors must have the same number of elements, got {a.shape[0]} and "
            f"{b.shape[0]}"
        )
    return S.matmul(a, b)


@R.op(
    samples=lambda: [R.Sample((R.randn(3), R.randn(4, seed=1)))],
    method=True,
    ref=np.outer,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((3, 1))), R.tensor(np.ones(4))), error=RuntimeError, match="1-d"
        ),
    ],
)
def outer(input: TensorLike, vec2: TensorLike) -> Tensor:  # noqa: A002
    """Outer product of two 1-d tensors: out[i, j] = input[i] * vec2[j].

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1, 2]).outer(autodiff.tensor([3, 4]))
    Tensor([[3, 4],
            [6, 8]])
    """
    a, b = _t(input, "outer"), _t(vec2, "outer", "vec2")
    for t, nm in ((a, "input"), (b, "vec2")):
        if t.ndim != 1:
            raise RuntimeError(f"outer: argument '{nm}' must be 1-d, got shape {t.shape}")
    return E.mul(S.reshape(a, (-1, 1)), S.reshape(b, (1, -1)))


def _scaled_sum(opname, inp, prod, beta, alpha):
    inp = _t(inp, opname)
    if inp.dtype != prod.dtype:
        S._same_dtype(opname, inp.dtype, prod.dtype)
    try:
        np.broadcast_shapes(inp.shape, prod.shape)
        if np.broadcast_shapes(inp.shape, prod.shape) != prod.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(
            f"{opname}: input of shape {inp.shape} does not broadcast to the product's {prod.shape}"
        ) from None
    term = prod if alpha == 1 else prod * alpha
    if beta == 0:  # input is ignored (its NaNs too), as PyTorch
        return term
    return (inp if beta == 1 else inp * beta) + term


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 4), R.randn(2, 3, seed=1), R.randn(3, 4, seed=2))),
        R.Sample(
            (R.randn(4), R.randn(2, 3, seed=1), R.randn(3, 4, seed=2)), {"beta": 0.5, "alpha": -2.0}
        ),
    ],
    method=True,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones(3)), R.tensor(np.ones((2, 3))), R.tensor(np.ones((3, 4)))),
            error=RuntimeError,
            match="broadcast",
        ),
    ],
)
def addmm(  # noqa: A002
    input: TensorLike, mat1: TensorLike, mat2: TensorLike, *, beta: Number = 1,
    alpha: Number = 1,
) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``; with beta 0, input is ignored.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addmm(autodiff.ones(2), autodiff.ones(2, 3), autodiff.ones(3, 2))
    Tensor([[4., 4.],
            [4., 4.]])
    """
    a, b = _mm_args("addmm", (mat1, "mat1", 2), (mat2, "mat2", 2))
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"addmm: mat1 {a.shape} and mat2 {b.shape} cannot be multiplied")
    return _scaled_sum("addmm", input, S.matmul(a, b), beta, alpha)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3, 4), R.randn(2, 3, 5, seed=1), R.randn(2, 5, 4, seed=2))),
        R.Sample(
            (R.randn(1, 4), R.randn(2, 3, 5, seed=1), R.randn(2, 5, 4, seed=2)),
            {"beta": 2.0, "alpha": 0.5},
        ),
    ],
    method=True,
)
def baddbmm(  # noqa: A002
    input: TensorLike, batch1: TensorLike, batch2: TensorLike, *, beta: Number = 1,
    alpha: Number = 1,
) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)``; with beta 0, input is ignored.

    Examples
    --------
    >>> import autodiff
    >>> a, b = autodiff.ones(2, 3, 4), autodiff.ones(2, 4, 5)
    >>> autodiff.baddbmm(autodiff.zeros(2, 3, 5), a, b).shape
    (2, 3, 5)
    """
    return _scaled_sum("baddbmm", input, bmm(batch1, batch2), beta, alpha)


# ------------------------------------------------------- cumulative ops
def _flip_x(xp, t, axis):
    if xp is NP:
        return np.flip(t, axis)
    return flip(t, axis)


def _cumsum_x(xp, t, axis):
    if xp is NP:
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
        c = np.cumprod(others, -1) if xp is NP else cumprod(others, -1)
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
    values = S.gather(x, axis, idx)
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
        if xp is NP:
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


# ---------------------------------------------------------------- reductions
class ProdBackward(Node):
    """Product over one dim or all; the gradient is the product of the other
    elements (exact where there are zeros, as PyTorch)."""

    name = "prod"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axis, keepdim = attrs
        return np.asarray(np.prod(x, axis=axis, keepdims=keepdim))

    def vjp(self, g, xs, out, xp):
        axis, keepdim = self.attrs
        x = xs[0]
        shape = tuple(x.shape)
        axes = None if axis is None else (axis,)
        gb = Rd._expand_back(g, axes, keepdim, shape, xp)
        if not (xp.data(x) == 0).any():
            return (gb * Rd._expand_back(out, axes, keepdim, shape, xp) / x,)
        xl = xp.reshape(x, (-1,)) if axis is None else x
        ax = 0 if axis is None else axis
        n = xl.shape[ax]
        one = np.ones(tuple(1 if d == ax else s for d, s in enumerate(xl.shape)), x.dtype)
        one = one if xp is NP else _make(one, None)

        def part(k0, k1):
            return xp.getitem(xl, (slice(None),) * ax + (slice(k0, k1),))

        left = xp.concatenate([one, part(0, n - 1)], ax)
        right = xp.concatenate([part(1, n), one], ax)
        cp = np.cumprod if xp is NP else cumprod
        others = cp(left, ax) * _flip_x(xp, cp(_flip_x(xp, right, ax), ax), ax)
        if axis is None:
            others = xp.reshape(others, shape)
        return (gb * others,)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(3, 4), 1)),
        R.Sample((R.randn(3, 4), 0), {"keepdim": True}),
        R.Sample(
            (R.Arg(np.array([[2.0, 0.0, 3.0], [0.0, 1.5, 0.0], [1.0, 2.0, -1.0]])), 1), note="zeros"
        ),
        R.Sample((R.Arg(np.array([2.0, 0.0, 3.0, -1.0])),), note="one zero"),
    ],
    method=True,
    ref=lambda x, dim=None, keepdim=False: np.prod(x, axis=dim, keepdims=keepdim),
    errors=lambda: [R.ErrorInput((R.tensor(np.ones((2, 3))), 2), error=IndexError, match="dim 2")],
)
@numpy_names
def prod(  # noqa: A002
    input: TensorLike, dim: int | None = None, keepdim: bool = False, *, dtype: DTypeLike = None
) -> Tensor:
    """Product of all elements, or along ``dim``; gradients exact at zeros.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]).prod(1)
    Tensor([ 2., 12.])
    """
    x = _cum_dtype(_t(input, "prod"), dtype, "prod")
    if dim is None:
        return apply1(ProdBackward, x, (None, False))
    if isinstance(dim, (tuple, list)):
        raise TypeError("prod: dim must be one int (PyTorch's prod reduces one dim or all)")
    axis = normalize_dim(dim, x.ndim, "prod")
    if x.ndim == 0:
        return apply1(ProdBackward, x, (None, False))
    return apply1(ProdBackward, x, (axis, bool(keepdim)))


class AmaxBackward(Node):
    """amax/amin: ties share the gradient evenly (as PyTorch)."""

    name = "amax"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axes, keepdim, is_min = attrs
        return np.asarray((np.min if is_min else np.max)(x, axis=axes, keepdims=keepdim))

    def vjp(self, g, xs, out, xp):
        axes, keepdim, _ = self.attrs
        x = xs[0]
        shape = tuple(x.shape)
        xv = xp.data(x)
        ob = np.broadcast_to(Rd._expand_back(xp.data(out), axes, keepdim, shape, NP), shape)
        # as PyTorch: where the result is NaN no element equals it, and the slice's
        # gradient is 0 / 0 (NaN)
        mask = xv == ob
        count = np.add.reduce(mask, axis=axes, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = (mask / count).astype(g.dtype)
        return (Rd._expand_back(g, axes, keepdim, shape, xp) * w,)


class AminBackward(AmaxBackward):
    name = "amin"
    saves = (0, "out")


def _amaxmin(x, dim, keepdim, is_min, opname):
    x = _t(x, opname)
    axes = normalize_dims(dim, x.ndim, opname)
    if x.data.size == 0:
        for a in axes if axes is not None else range(x.ndim):
            if x.shape[a] == 0:
                raise IndexError(
                    f"{opname}: expected reduction dim {a} to have non-zero size (input shape "
                    f"{x.shape})"
                )
    if x.ndim == 0 and keepdim:
        axes = None
    return apply1(AminBackward if is_min else AmaxBackward, x, (axes, bool(keepdim), is_min))


def _amax_samples():
    return [
        R.Sample((R.distinct(3, 4),)),
        R.Sample((R.distinct(3, 4), 1)),
        R.Sample((R.distinct(2, 3, 4), (0, -1), True)),
        R.Sample((R.Arg(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.5]])), 1), note="ties"),
    ]


@R.op(
    samples=_amax_samples,
    method=True,
    ref=lambda x, dim=(), keepdim=False: np.max(x, axis=dim or None, keepdims=keepdim),
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((0, 3))), 0), error=IndexError, match="non-zero size")
    ],
)
@numpy_names
def amax(input: TensorLike, dim: Dims = (), keepdim: bool = False) -> Tensor:  # noqa: A002
    """Largest values over ``dim`` (an int or tuple; all when empty); ties share the
    gradient evenly.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1, 5], [4, 2]]).amax(1)
    Tensor([5, 4])
    """
    return _amaxmin(input, dim, keepdim, False, "amax")


@R.op(
    samples=_amax_samples,
    method=True,
    ref=lambda x, dim=(), keepdim=False: np.min(x, axis=dim or None, keepdims=keepdim),
)
@numpy_names
def amin(input: TensorLike, dim: Dims = (), keepdim: bool = False) -> Tensor:  # noqa: A002
    """Smallest values over ``dim`` (an int or tuple; all when empty); ties share the
    gradient evenly.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1, 5], [4, 2]]).amin(0)
    Tensor([1, 2])
    """
    return _amaxmin(input, dim, keepdim, True, "amin")


@R.op(
    samples=lambda: [R.Sample((R.distinct(3, 4),)), R.Sample((R.distinct(3, 4),), {"dim": 1})],
    method=True,
    check=lambda *a, **k: S.stack(list(aminmax(*a, **k))),
)
@numpy_names
def aminmax(input: TensorLike, *, dim: int | None = None, keepdim: bool = False) -> AminmaxResult:  # noqa: A002
    """``(min, max)`` over all elements or along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([3, 1, 2]).aminmax()
    aminmax(min=Tensor(1), max=Tensor(3))
    """
    x = _t(input, "aminmax")
    d = () if dim is None else dim
    return AminmaxResult(amin(x, d, keepdim), amax(x, d, keepdim))


def _logical(x, dim, keepdim, fn, opname):
    x = _t(x, opname)
    axes = normalize_dims(dim, x.ndim, opname)
    out = np.asarray(fn(x.data, axis=axes, keepdims=bool(keepdim)))
    if x.dtype == np.uint8:
        return _make(out.astype(np.uint8), None)  # (PyTorch keeps uint8)
    return _make(out, None)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.Arg(np.array([[1.0, 0.0], [2.0, 3.0]])), 1)),
        R.Sample((R.Arg(np.array([[1.0, 0.0], [2.0, 3.0]])), -2, True)),
    ],
    method=True,
    differentiable=False,
)
@numpy_names
def all(input: TensorLike, dim: Dims = None, keepdim: bool = False) -> Tensor:  # noqa: A001, A002
    """Whether every element (along ``dim``) is non-zero; a bool tensor.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1, 0], [2, 3]]).all(1)
    Tensor([False,  True])
    """
    return _logical(input, dim, keepdim, np.all, "all")


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.Arg(np.array([[0.0, 0.0], [2.0, 0.0]])), 1)),
    ],
    method=True,
    differentiable=False,
)
@numpy_names
def any(input: TensorLike, dim: Dims = None, keepdim: bool = False) -> Tensor:  # noqa: A001, A002
    """Whether some element (along ``dim``) is non-zero; a bool tensor.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[0, 0], [2, 0]]).any(1)
    Tensor([False,  True])
    """
    return _logical(input, dim, keepdim, np.any, "any")


def _moments_samples():
    return [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(3, 4),), {"dim": 1, "keepdim": True}),
        R.Sample((R.randn(3, 4),), {"dim": (0, 1), "correction": 0}),
    ]


@R.op(samples=_moments_samples, check=lambda *a, **k: S.stack(list(var_mean(*a, **k))))
@numpy_names
def var_mean(  # noqa: A002
    input: TensorLike, dim: Dims = None, unbiased: bool | None = None, keepdim: bool = False, *,
    correction: float | None = None,
) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``dim`` (Bessel's correction by default, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.var_mean(autodiff.tensor([1.0, 2.0, 3.0]))
    (Tensor(1.), Tensor(2.))
    """
    x = _t(input, "var_mean")
    return (Rd.var(x, dim, unbiased, keepdim, correction=correction), Rd.mean(x, dim, keepdim))


@R.op(samples=_moments_samples, check=lambda *a, **k: S.stack(list(std_mean(*a, **k))))
@numpy_names
def std_mean(  # noqa: A002
    input: TensorLike, dim: Dims = None, unbiased: bool | None = None, keepdim: bool = False, *,
    correction: float | None = None,
) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``dim`` (Bessel's correction by default, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.std_mean(autodiff.tensor([1.0, 2.0, 3.0]))
    (Tensor(1.), Tensor(2.))
    """
    x = _t(input, "std_mean")
    return (Rd.std(x, dim, unbiased, keepdim, correction=correction), Rd.mean(x, dim, keepdim))


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
    return SortResult(S.gather(x, axis, idx), _make(idx.astype(np.int64), None))


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
    return TopkResult(S.gather(x, axis, idx), _make(idx.astype(np.int64), None))


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


# ---------------------------------------------------------------- sampling
def _rng(generator):
    if generator is None:
        return factories.generator()
    if isinstance(generator, np.random.Generator):
        return generator
    for attr in ("numpy_generator", "_numpy", "_rng", "rng", "_gen"):
        g = getattr(generator, attr, None)
        if callable(g) and not isinstance(g, np.random.Generator):
            g = g()
        if isinstance(g, np.random.Generator):
            return g
    raise TypeError(
        f"generator must be an autodiff.Generator or a numpy.random.Generator, got "
        f"{type(generator).__name__}"
    )


@R.op(
    samples=lambda: [
        R.Sample((R.randn(5, low=0.1, high=1.0), 3)),
        R.Sample((R.randn(2, 4, low=0.1, high=1.0), 6, True)),
    ],
    method=True,
    differentiable=False,
    errors=lambda: [
        R.ErrorInput((R.tensor([1.0, 0.0, 1.0]), 4), error=RuntimeError, match="replacement"),
        R.ErrorInput((R.tensor([1.0, -1.0]), 1), error=RuntimeError, match="negative"),
        R.ErrorInput((R.tensor([0.0, 0.0]), 1), error=RuntimeError, match="sum"),
    ],
)
def multinomial(  # noqa: A002
    input: TensorLike, num_samples: int, replacement: bool = False, *,
    generator: GeneratorLike = None,
) -> Tensor:
    """Indices drawn from the categories weighted by ``input`` (1-d, or 2-d: one row
    per draw set); without ``replacement`` each category at most once.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.0, 1.0, 0.0]).multinomial(2, replacement=True)
    Tensor([1, 1])
    """
    x = _t(input, "multinomial")
    if x.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: input must be 1-d or 2-d, got shape {x.shape}")
    if x.dtype.kind != "f":
        raise RuntimeError(f"multinomial: input must be floating point, got dtype {x.dtype}")
    n = int(num_samples)
    if n <= 0:
        raise RuntimeError(f"multinomial: num_samples must be positive, got {n}")
    p = x.data.reshape(-1, x.shape[-1]).astype(np.float64)
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError("multinomial: probability tensor contains inf, nan or a negative value")
    sums = p.sum(-1)
    if (sums <= 0).any():
        raise RuntimeError("multinomial: invalid distribution (the sum of probabilities is <= 0)")
    if not replacement and n > p.shape[1]:
        raise RuntimeError(
            f"multinomial: cannot draw {n} samples without replacement from {p.shape[1]} "
            "categories; pass replacement=True or fewer samples"
        )
    rng = _rng(generator)
    out = np.empty((p.shape[0], n), np.int64)
    for r in range(p.shape[0]):
        if replacement:
            out[r] = rng.choice(p.shape[1], size=n, replace=True, p=p[r] / sums[r])
        else:
            # as PyTorch: the largest p / Exp(1) keys; zero-weight categories come
            # last, in random order, once the others are drawn
            with np.errstate(divide="ignore"):
                keys = np.where(p[r] > 0, p[r] / rng.exponential(size=p.shape[1]), 0.0)
            keys = np.where(p[r] > 0, keys, -rng.random(p.shape[1]))
            out[r] = np.argsort(-keys, kind="stable")[:n]
    return _make(out.reshape(x.shape[:-1] + (n,)), None)


@R.op(
    samples=lambda: [R.Sample((5,))],
    differentiable=False,
    errors=lambda: [R.ErrorInput((-1,), error=RuntimeError, match="n must be")],
)
def randperm(
    n: int, *, generator: GeneratorLike = None, dtype: DTypeLike = None,
    device: DeviceLike = None, requires_grad: bool = False,
) -> Tensor:
    """A random permutation of 0..n-1 (int64 by default).

    Examples
    --------
    >>> import autodiff
    >>> sorted(autodiff.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    if device not in (None, "cpu") and str(device) != "cpu":
        raise RuntimeError(f"randperm: only device 'cpu' is available, got {device!r}")
    n = int(n)
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    out = _rng(generator).permutation(n).astype(np.dtype(dtype) if dtype is not None else np.int64)
    t = _make(out, None)
    return t.requires_grad_() if requires_grad else t


_ = recording  # (re-exported for ops built on this module)
