"""Selection (gather) ops with PyTorch's semantics (issue 17), and the helpers the
other index-based op modules share (views.py, scatter.py, cumulative.py, ...).

Most selection ops here (flip, roll, tril, diag, diagonal, repeat, index_select,
masked_select, take_along_dim, ...) are one kind of node: ``out.flat[k] =
x.flat[idx[k]]`` (``idx`` -1: a zero), where ``idx`` is the op applied to
``arange(x.numel()).reshape(x.shape)``. Its VJP adds ``g`` back at ``idx``
(repeated indices add up), which is ``index_add``'s node again, so second order
comes for free. Ops that are views in PyTorch (diagonal here; narrow, the pieces of
split/chunk/unbind, unflatten in views.py) share ``x``'s memory here too and are marked with
``shape._view_of``, so in-place changes behave as in PyTorch.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .._typing import Dims, Size, TensorLike
from ..engine import Node, apply1, recording
from ..tensor import Tensor, _make
from . import registry as R
from . import shape as S
from ._base import normalize_dim, numpy_names
from ._helpers import _t
from .xp import TS


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
        if xp is not TS:
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


_ = recording  # (re-exported for ops built on this module)
