"""``Tensor[index]``: PyTorch's indices in NumPy's terms (``index_target``, ``index_view``),
``getitem`` and its gradient ``index_add``, ``rows``; ``gather`` and its gradient
``scatter_add_along``, ``take_along``.
"""

from __future__ import annotations

import operator

import numpy as np

from .._typing import TensorLike
from ..engine import (
    ALL_THREADS,
    STATE,
    Node,
    apply1,
    record_unary,
    recording,
)
from ..tensor import Tensor, _make
from ..views import ViewMeta, add_view
from . import registry as R
from ._base import as_tensor_arg, normalize_dim

# ------------------------------------------- sample inputs of the declarations
from .shape import _view_of, reshape
from .xp import NP, TS


def _idx_samples():
    return [
        R.Sample((R.randn(5), [0, 0, 2]), note="repeated indices"),
        R.Sample((R.randn(4, 3), (slice(1, 3), 0)), note="basic"),
        R.Sample(
            (R.randn(4, 3), (np.array([0, 2, 0]), np.array([1, 1, 1]))), note="advanced repeated"
        ),
        R.Sample((R.randn(4, 3), np.array([True, False, True, True])), note="bool mask"),
        R.Sample((R.randn(2, 3, 4), (Ellipsis, 1)), note="ellipsis"),
        R.Sample((R.randn(2, 3), (None, 1)), note="new axis"),
        R.Sample(
            (R.randn(2, 3, 4), (1, slice(None), np.array([3, 0, 3]))),
            note="int and array apart (PyTorch's layout)",
        ),
        R.Sample(
            (R.randn(4, 3, 5), (-2, Ellipsis, np.array([True, False, True, True, False]))),
            note="int, ellipsis, mask",
        ),
    ]


# ----------------------------------------------------------------- indexing
def _convert_index(index):
    """Tensors and lists in an index become ndarrays (advanced indexing); a 0-d
    integer Tensor or array becomes an int, as in PyTorch (``x[t]`` is a view, like
    ``x[3]``), and so do Tensor bounds of a slice (``x[t:t + 8]``)."""
    kind = type(index)
    if kind is int or kind is SplitIndex:
        return index
    if kind is tuple:
        for i in index:  # (x[k, j] with ints: nothing to convert, the common case)
            if type(i) not in _PLAIN:
                return tuple(_convert_index(i) for i in index)
        return index
    if kind is slice:
        if isinstance(index.start, Tensor) or isinstance(index.stop, Tensor):
            return slice(_bound(index.start), _bound(index.stop), _bound(index.step))
        return index
    if isinstance(index, Tensor):
        index = index.data
    if isinstance(index, np.ndarray):
        return int(index) if index.ndim == 0 and index.dtype.kind in "iu" else index
    if isinstance(index, list):
        return np.asarray(index)
    return index


_PLAIN = frozenset({int, type(None), type(Ellipsis)})


def _bound(b):
    """A slice bound as an int (a Tensor's ``__index__`` raises the clear error)."""
    return b if b is None or type(b) is int else operator.index(b)


class SplitIndex(tuple):
    """``(selects, rest)``: an index mixing integers with advanced (array) indices,
    applied as PyTorch does, integers first (``x[selects][rest]``).

    NumPy counts such integers as advanced indices too, which moves the result's
    dimensions to the front when a slice separates them: ``x[0, :, [2, 0, 1]]``
    would come out transposed.
    """


def _is_int_index(i) -> bool:
    """An integer index (a 0-d integer array or Tensor counts, as in PyTorch)."""
    if isinstance(i, np.ndarray):
        return i.ndim == 0 and i.dtype.kind in "iu"
    return isinstance(i, (int, np.integer)) and not isinstance(i, bool)


def _torch_index(index):
    """``index`` as given, or a ``SplitIndex`` where NumPy's order would differ."""
    if not isinstance(index, tuple) or not any(isinstance(i, np.ndarray) for i in index):
        return index
    if not any(_is_int_index(i) for i in index):
        return index
    selects, rest = [], []
    for i in index:
        if _is_int_index(i):
            selects.append(int(i))
        elif i is None or isinstance(i, (bool, np.bool_)):
            rest.append(i)  # uses no dimension of x
        elif i is Ellipsis:
            selects.append(Ellipsis)
            rest.append(Ellipsis)
        elif isinstance(i, np.ndarray):
            # a boolean mask spans as many dimensions as it has
            selects.extend([slice(None)] * (i.ndim if i.dtype == np.bool_ else 1))
            rest.append(i)
        else:
            selects.append(slice(None))
            rest.append(i)
    return SplitIndex((tuple(selects), tuple(rest)))


def index_target(arr: np.ndarray, index) -> tuple:
    """``(view, idx)`` such that ``view[idx]`` is ``arr[index]`` with PyTorch's
    layout, and assigning to it (or ``np.add.at``) writes into ``arr``.

    Examples
    --------
    >>> import numpy as np
    >>> arr = np.zeros((2, 3, 4))
    >>> view, idx = index_target(arr, _torch_index((0, slice(None), np.array([1, 3]))))
    >>> view[idx] = 1.0
    >>> arr[0].sum(), view[idx].shape
    (np.float64(6.0), (3, 2))
    """
    if type(index) is SplitIndex:
        return arr[index[0]], index[1]
    return arr, index


def index_view(arr: np.ndarray, index) -> np.ndarray:
    """``arr[index]`` with PyTorch's layout (see ``SplitIndex``).

    Examples
    --------
    >>> import numpy as np
    >>> arr = np.arange(24).reshape(2, 3, 4)
    >>> index_view(arr, _torch_index((0, slice(None), np.array([1, 3])))).shape
    (3, 2)
    >>> arr[0, :, np.array([1, 3])].shape  # NumPy's own rule
    (2, 3)
    """
    if type(index) is SplitIndex:
        return arr[index[0]][index[1]]
    return arr[index]


def _own_index(index):
    """``index`` with its arrays copied: a recorded op keeps its own, so that changing
    the caller's index array (or Tensor) in place later cannot change the gradient."""
    if type(index) is SplitIndex:
        return SplitIndex((index[0], _own_index(index[1])))
    if isinstance(index, tuple):
        return tuple(i.copy() if isinstance(i, np.ndarray) else i for i in index)
    return index.copy() if isinstance(index, np.ndarray) else index


_BASIC = frozenset({int, slice, type(None), type(Ellipsis)})
_new = object.__new__


def _is_basic(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    for i in items:  # (a loop, not all(): this runs on every x[i])
        if type(i) not in _BASIC and not isinstance(i, (int, np.integer, slice)):
            return False
    return True


def _basic_slice(s: slice):
    """``s`` with 0-d integer Tensor bounds made ints; None if a bound is of
    another type (the general path handles it)."""
    start, stop, step = s.start, s.stop, s.step
    plain = True
    for b in (start, stop, step):
        kind = type(b)
        if kind is Tensor:
            plain = False
        elif kind is not int and b is not None:
            return None
    if plain:
        return s
    if type(start) is Tensor:  # (Tensor.__index__, inlined for a 0-d integer bound)
        d = start._data
        start = int(d) if not d.ndim and d.dtype.kind in "iu" else operator.index(start)
    if type(stop) is Tensor:
        d = stop._data
        stop = int(d) if not d.ndim and d.dtype.kind in "iu" else operator.index(stop)
    return slice(start, stop, _bound(step))


def _basic_index(index):
    """``index`` as NumPy's basic index with a trailing ``...`` (so that an all-int
    index gives a 0-d view, as PyTorch's, not a NumPy scalar) when it holds only
    ints, slices with int or Tensor bounds, None, one ``...`` and 0-d integer
    Tensors; None for anything else, which ``getitem``'s general path converts.
    (``x[t:t + 8]`` and ``x[k, j]`` in loops take this path.)"""
    kind = type(index)
    if kind is int:
        return (index, Ellipsis)
    if kind is tuple:
        parts = []
        ellipsis = False
        for i in index:
            kind = type(i)
            if kind is int or i is None:
                parts.append(i)
            elif kind is slice:
                i = _basic_slice(i)
                if i is None:
                    return None
                parts.append(i)
            elif kind is Tensor:
                d = i._data
                if d.ndim or d.dtype.kind not in "iu":
                    return None
                parts.append(int(d))
            elif i is Ellipsis and not ellipsis:
                ellipsis = True
                parts.append(i)
            else:
                return None
        if not ellipsis:
            parts.append(Ellipsis)
        return tuple(parts)
    if kind is slice:
        index = _basic_slice(index)
        return None if index is None else (index, Ellipsis)
    if kind is Tensor:
        d = index._data
        if d.ndim or d.dtype.kind not in "iu":
            return None
        return (int(d), Ellipsis)
    if index is None or index is Ellipsis:
        return (index, Ellipsis) if index is None else (Ellipsis,)
    return None


def rows(x: Tensor) -> list:
    """``[x[0], x[1], ...]``, views, as ``iter(x)`` gives them (PyTorch unbinds ``x``
    eagerly too); the rows of a tensor that does not require grad are made in one
    loop, with ``getitem``'s bookkeeping for each.

    Examples
    --------
    >>> import autodiff
    >>> [r.tolist() for r in rows(autodiff.arange(4).reshape(2, 2))]
    [[0, 1], [2, 3]]
    """
    data = x._data
    m = getattr(x, "_meta", None)
    if x.requires_grad or (m is not None and m.kind):
        return [getitem(x, i) for i in range(data.shape[0])]
    owner = x if m is None or m.base is None else m.base
    track = data.dtype.kind == "f" and (owner.grad_fn is not None or not owner.requires_grad)
    out = []
    for i in range(data.shape[0]):
        t = _new(Tensor)
        t._data = data[i, ...]
        t.requires_grad = False
        t.grad_fn = None
        t._grad = None
        t._meta = ViewMeta(owner)
        if track:
            add_view(owner, t)
        out.append(t)
    return out


class GetItemBackward(Node):
    name = "getitem"
    saves = ()

    @staticmethod
    def forward(x, index):
        return index_view(x, index)

    def vjp(self, g, xs, out, xp):
        index = self.attrs
        if xp is not TS and type(index) is tuple and _is_basic(index):
            # a basic index picks each element once: an assignment, not np.add.at
            gx = np.zeros(xs[0].shape, dtype=g.dtype)
            gx[index] = g
            return (gx,)
        if (
            xp is not TS
            and type(index) is np.ndarray
            and index.dtype.kind in "iu"
            and g.dtype.kind == "f"
            and 0 < index.size
            and xs[0].shape[0] * index.size <= _ONE_HOT_MAX
        ):
            gx = _rows_by_one_hot(g, index, xs[0].shape)
            if gx is not None:
                return (gx,)
        return (xp.index_add(g, index, xs[0].shape),)


# GetItemBackward sums rows picked by an integer array as a product with a one-hot
# matrix of up to this many elements (an embedding's gradient, of a small table)
_ONE_HOT_MAX = 1 << 16


def _rows_by_one_hot(g: np.ndarray, index: np.ndarray, shape: tuple) -> np.ndarray | None:
    """``np.add.at(zeros(shape), index, g)`` for an integer array picking rows, as
    ``one_hot(index).T @ g``: 2x faster than np.add.at for ~100 rows of a small table.
    None where a value is not finite (0 * inf would spread NaN to other rows: the
    caller then adds with np.add.at). The forward checked that ``index`` fits."""
    rows = index.reshape(-1)
    m = rows.size
    one_hot = np.zeros((shape[0], m), dtype=g.dtype)
    one_hot[rows, np.arange(m)] = 1  # (negative rows count from the end, as indices)
    gx = np.empty(shape, dtype=g.dtype)  # (an array of its own: it may become .grad as is)
    np.matmul(one_hot, g.reshape(m, -1), out=gx.reshape(shape[0], -1))
    # (one sum tells: it is finite unless a value is not, or the sum overflows)
    return gx if np.isfinite(np.add.reduce(gx, axis=None)) else None


@R.op(samples=_idx_samples, export=False)
def getitem(x, index) -> Tensor:
    """``x[index]``: basic and advanced indexing; repeated indices add up in the gradient.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> x[[0, 0, 2]].sum().backward()
    >>> x.grad
    Tensor([2., 0., 1.])
    """
    basic_index = _basic_index(index)
    if basic_index is not None:
        try:
            arr = x._data[basic_index]
        except IndexError:
            pass  # (the general path below says what is wrong)
        else:
            if x.requires_grad:
                if not ALL_THREADS.off or STATE.grad_enabled:
                    out = record_unary(GetItemBackward, x, basic_index, arr)
                else:
                    out = _make(arr, None)
                _view_of(out, x, shares=True)
                m = out._meta
                if m.base is x and x._data.flags.c_contiguous:
                    # where the view sits in x, as inplace._place caches it: the index
                    # itself (distinct elements), saving the search an in-place change
                    # of the view (x[i] += v) would make
                    m.place = (x._data, arr, basic_index, True)
                return out
            # _view_of for an x that does not require grad, inlined (x[k, j] in loops)
            out = _new(Tensor)
            out._data = arr
            out.requires_grad = False
            out.grad_fn = None
            out._grad = None
            m = getattr(x, "_meta", None)
            if m is None:
                owner = x
            elif m.kind:
                return _view_of(out, x, shares=True)
            else:
                owner = x if m.base is None else m.base
            out._meta = ViewMeta(owner)
            if arr.dtype.kind == "f" and (owner.grad_fn is not None or not owner.requires_grad):
                add_view(owner, out)
            return out
    index = shown = _torch_index(_convert_index(index))
    basic = _is_basic(index)
    if basic:
        # an all-integer index gives a NumPy scalar copy, and PyTorch a 0-d view: with a
        # trailing ``...`` NumPy gives the view
        parts = index if type(index) is tuple else (index,)
        if Ellipsis not in parts:
            index = (*parts, Ellipsis)
    elif x.requires_grad and recording():
        index = _own_index(index)
    try:  # (the forward is index_view alone: an IndexError there is the user's index)
        out = apply1(GetItemBackward, x, index)
    except IndexError as err:
        raise IndexError(
            f"index {shown!r} is invalid for a tensor of shape {x.shape}: {err}"
        ) from None
    if basic:
        _view_of(out, x, shares=True)
    return out


class IndexAddBackward(Node):
    """zeros(shape) with g scatter-added at index: the adjoint of getitem."""

    name = "index_add"
    saves = ()

    @staticmethod
    def forward(g, attrs):
        index, shape = attrs
        return NP.index_add(g, index, shape)

    def vjp(self, gg, xs, out, xp):
        return (xp.getitem(gg, self.attrs[0]),)


@R.op(
    "index_add_into_zeros",  # (autodiff.index_add is PyTorch's, in ops/indexed.py)
    samples=lambda: [
        R.Sample((R.randn(3), [0, 0, 2], (4,))),
        R.Sample((R.randn(2, 3), (slice(0, 2),), (4, 3))),
    ],
    export=False,
)
def index_add(g, index, shape) -> Tensor:
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeats add up).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ops.subscript.index_add(autodiff.ones(3), [0, 0, 2], (3,))
    Tensor([2., 0., 1.])
    """
    g = as_tensor_arg(g, "index_add")
    return apply1(IndexAddBackward, g, (_torch_index(_convert_index(index)), tuple(shape)))


class GatherBackward(Node):
    name = "gather"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        axis, index = attrs
        return np.take_along_axis(_crop(x, index.shape, axis), index, axis)

    def vjp(self, g, xs, out, xp):
        axis, index = self.attrs
        return (xp.scatter_add_along(g, index, axis, xs[0].shape),)


def _crop(x, shape, axis):
    # PyTorch's gather lets the index be smaller than the input off ``axis``
    sl = tuple(slice(0, n) if i != axis else slice(None) for i, n in enumerate(shape))
    return x[sl]


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 1, R.tensor([[3]], np.int64)),
            error=IndexError,
            match="index 3 is out of bounds for dim 1",
        )
    ],
    samples=lambda: [
        R.Sample((R.randn(3, 4), 1, np.array([[0, 0], [1, 3], [2, 2]]))),
        R.Sample((R.randn(3, 4), 0, np.array([[0, 2, 2, 1], [0, 0, 1, 1]]))),
        R.Sample((R.randn(3, 4), 1, np.array([[1], [0]]))),
    ],
    method=True,
)
def gather(input: TensorLike, dim: int, index: Tensor) -> Tensor:
    """Values along ``dim`` at ``index``: ``out[i][j] = x[i][index[i][j]]`` for dim=1.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> x.gather(1, autodiff.tensor([[1], [0]]))
    Tensor([[2.],
            [3.]])
    """
    input = as_tensor_arg(input, "gather")
    idx = index.data if isinstance(index, Tensor) else np.asarray(index)
    if input.data.ndim == 0 and idx.ndim == 0:  # PyTorch allows the 0-d case
        return reshape(gather(reshape(input, 1), dim, idx.reshape(1)), ())
    if idx.dtype.kind not in "iu":
        raise TypeError(f"gather: index must be an integer tensor, got dtype {idx.dtype}")
    if idx.ndim != input.data.ndim:
        raise ValueError(
            f"gather: index has {idx.ndim} dimensions but the input has {input.data.ndim}; "
            "they must have the same number"
        )
    axis = normalize_dim(dim, input.data.ndim, "gather")
    for d in range(idx.ndim):
        if d != axis and idx.shape[d] > input.shape[d]:
            raise ValueError(
                f"gather: index shape {idx.shape} is larger than input shape {input.shape} in "
                f"dimension {d}"
            )
    if idx.size:
        # negative indices are out of range too (as PyTorch: no wrap-around)
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= input.shape[axis]:
            raise IndexError(
                f"gather: index {lo if lo < 0 else hi} is out of bounds for dim {dim} of size "
                f"{input.shape[axis]} (index values must be in [0, {input.shape[axis]}))"
            )
    if input.requires_grad and recording():
        idx = idx.copy()  # the node's own (see _own_index)
    return apply1(GatherBackward, input, (axis, idx))


class ScatterAddAlongBackward(Node):
    """zeros(shape) with g added along ``axis`` at index: the adjoint of gather."""

    name = "scatter_add"
    saves = ()

    @staticmethod
    def forward(g, attrs):
        index, axis, shape = attrs
        return NP.scatter_add_along(g, index, axis, shape)

    def vjp(self, gg, xs, out, xp):
        index, axis, shape = self.attrs
        return (xp.take_along_axis(gg, index, axis),)


def scatter_add_along(g, index, axis, shape) -> Tensor:
    """Zeros of ``shape`` with ``g`` added along ``axis`` at ``index`` (gather's adjoint).

    Examples
    --------
    >>> import autodiff, numpy as np
    >>> autodiff.ops.subscript.scatter_add_along(
    ...     autodiff.ones(2, 1), np.array([[1], [1]]), 1, (2, 2))
    Tensor([[0., 1.],
            [0., 1.]])
    """
    g = as_tensor_arg(g, "scatter_add")
    return apply1(ScatterAddAlongBackward, g, (np.asarray(index), axis, tuple(shape)))


class TakeAlongBackward(Node):
    name = "take_along"
    saves = ()

    @staticmethod
    def forward(x, attrs):
        index, axis = attrs
        return np.take_along_axis(_crop(x, index.shape, axis), index, axis)

    def vjp(self, g, xs, out, xp):
        index, axis = self.attrs
        return (xp.scatter_add_along(g, index, axis, xs[0].shape),)


# ---------------------------------------------------------------- registry


R.register(
    "scatter_add_along",
    scatter_add_along,
    lambda: [R.Sample((R.randn(3, 2), np.array([[0, 0], [1, 3], [2, 2]]), 1, (3, 4)))],
)


@R.op(
    samples=lambda: [R.Sample((R.randn(3, 4), np.array([[0, 0], [1, 3], [2, 2]]), 1))],
    export=False,
)
def take_along(x, index, axis) -> Tensor:
    x = as_tensor_arg(x, "take_along")
    return apply1(TakeAlongBackward, x, (np.asarray(index), axis))
