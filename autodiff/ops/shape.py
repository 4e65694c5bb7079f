"""Shape ops (views and copies), concatenation, indexing, gather, matmul."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

import numpy as np

from .. import _dtypes
from .._typing import Dims, Size, TensorLike
from ..engine import (
    ALL_THREADS,
    STATE,
    Node,
    apply,
    apply1,
    apply2,
    record,
    record_unary,
    recording,
    sum_to_shape,
)
from ..tensor import Tensor, _make
from ..views import ViewMeta, add_view, kind, rebase_log, share_memory
from . import registry as R
from ._base import as_tensor_arg, cast, normalize_dim, numpy_names, operands
from .xp import NP

# ------------------------------------------- sample inputs of the declarations


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


def _view_of(out: Tensor, x: Tensor, shares: bool = False) -> Tensor:
    """Mark ``out`` as sharing ``x``'s memory (one version counter for both);
    ``shares``: the caller knows it does (basic indexing always gives a view)."""
    if not shares and not np.may_share_memory(out.data, x.data):  # (a reshape may copy)
        return out
    x_kind = kind(x)
    if x_kind or (x.requires_grad and out.grad_fn is None):
        # a view of a detach(), or one made under no_grad: memory, not history, is
        # shared (changing it in place in grad mode may be an error: see inplace.py)
        share_memory(out, x, "no_grad_view" if x_kind in (None, "no_grad_view") else "detach_view")
        return out
    owner = share_memory(out, x).base
    if out.grad_fn is not None:
        # lets backward detect a recorded in-place change of the owner after this
        # view: the node shares the owner's rebase log (not the owner: its memory
        # must be free to go, and it may be gone by backward)
        out.grad_fn.view_rebases = rebase_log(owner)
    if out._data.dtype.kind == "f" and (owner.grad_fn is not None or not owner.requires_grad):
        # (a leaf that requires grad is never changed while recording; a view of
        # another dtype never takes a history: only float tensors require grad)
        add_view(owner, out)
    return out


def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


class ReshapeBackward(Node):
    name = "reshape"
    saves = ()

    @staticmethod
    def forward(x, shape):
        return x.reshape(shape)

    def vjp(self, g, xs, out, xp):
        return (xp.reshape(g, xs[0].shape),)


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), (4,)),
            error=RuntimeError,
            match=r"shape \(2, 3\) \(6 elements\) into \(4,\)",
        )
    ],
    samples=lambda: [R.Sample((R.randn(2, 6), 3, 4)), R.Sample((R.randn(2, 6), (-1,)))],
    method=True,
)
def reshape(x: TensorLike, *shape: Size) -> Tensor:
    """Same data in a new shape (one dimension may be -1).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arange(6).reshape(2, 3).shape
    (2, 3)
    """
    x = as_tensor_arg(x, "reshape")
    shape = _shape_arg(shape)
    try:
        np.empty(x.data.shape, dtype=bool).reshape(shape)
    except ValueError:
        raise RuntimeError(
            f"reshape: cannot reshape a tensor of shape {x.shape} ({x.data.size} elements) "
            f"into {shape}"
        ) from None
    # (the same shape too gives a new view, not x itself: hooks and retain_grad on
    # the result must not land on x, as in PyTorch)
    return _view_of(apply1(ReshapeBackward, x, shape), x)


@R.op(samples=lambda: [R.Sample((R.randn(2, 6), 4, -1))], method=True)
def view(x: Tensor, *shape: Size) -> Tensor:
    """The same memory seen with a new shape; raises where that would need a copy.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arange(6).view(3, -1).shape
    (3, 2)
    """
    x = as_tensor_arg(x, "view")
    shape = _shape_arg(shape)
    probe = x.data.view()
    try:
        probe.shape = shape  # NumPy refuses when the new shape needs a copy
    except ValueError:
        raise RuntimeError(
            f"view: cannot view a tensor of shape {x.shape} ({x.data.size} elements) as {shape}"
        ) from None
    except AttributeError:
        raise RuntimeError(
            f"view: shape {shape} is not compatible with this tensor's memory layout (it is "
            "not contiguous, e.g. after transpose or permute); use .reshape(...) instead"
        ) from None
    return reshape(x, *shape)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3, 4),)),
        R.Sample((R.randn(2, 3, 4),), {"start_dim": 1}),
    ],
    method=True,
)
def flatten(x: TensorLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim``..``end_dim`` into one.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3, 4).flatten(1).shape
    (2, 12)
    """
    x = as_tensor_arg(x, "flatten")
    if x.data.ndim == 0:
        return reshape(x, 1)
    s = normalize_dim(start_dim, x.data.ndim, "flatten")
    e = normalize_dim(end_dim, x.data.ndim, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = x.shape[:s] + (math.prod(x.shape[s : e + 1]),) + x.shape[e + 1 :]
    return reshape(x, shape)


class PermuteBackward(Node):
    name = "permute"
    saves = ()

    @staticmethod
    def forward(x, axes):
        return x.transpose(axes)

    def vjp(self, g, xs, out, xp):
        return (xp.transpose(g, tuple(np.argsort(self.attrs))),)


@R.op(samples=lambda: [R.Sample((R.randn(2, 3, 4), 2, 0, 1))], method=True)
def permute(x: TensorLike, *dims: Size) -> Tensor:
    """Reorder dimensions.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3, 4).permute(2, 0, 1).shape
    (4, 2, 3)
    """
    x = as_tensor_arg(x, "permute")
    dims = _shape_arg(dims)
    if sorted(normalize_dim(d, x.data.ndim, "permute") for d in dims) != list(range(x.data.ndim)):
        raise ValueError(
            f"permute: dims {dims} must list each of the {x.data.ndim} dimensions exactly once"
        )
    axes = tuple(normalize_dim(d, x.data.ndim, "permute") for d in dims)
    return _view_of(apply1(PermuteBackward, x, axes), x)


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 0, 5), error=IndexError, match="dim 5 is out of range"
        )
    ],
    samples=lambda: [R.Sample((R.randn(2, 3), 0, 1)), R.Sample((R.randn(2, 3, 4), -1, 0))],
    method=True,
)
def transpose(x: TensorLike, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3).transpose(0, 1).shape
    (3, 2)
    """
    x = as_tensor_arg(x, "transpose")
    n = x.data.ndim
    if n < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return _view_of(apply1(PermuteBackward, x, tuple(range(n))), x)  # a new view
    d0 = normalize_dim(dim0, n, "transpose")
    d1 = normalize_dim(dim1, n, "transpose")
    axes = list(range(n))
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return _view_of(apply1(PermuteBackward, x, tuple(axes)), x)


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 4), error=IndexError, match="dim 4 is out of range"
        )
    ],
    samples=lambda: [
        R.Sample((R.randn(1, 3, 1),)),
        R.Sample((R.randn(1, 3, 1),), {"dim": 2}),
        R.Sample((R.randn(2, 3),), {"dim": 0}),
    ],
    method=True,
)
@numpy_names(keepdim=False)
def squeeze(x: TensorLike, dim: Dims = None) -> Tensor:
    """Drop dimensions of size 1 (only ``dim``, if given; a no-op if it is not 1).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(1, 3, 1).squeeze().shape, autodiff.zeros(2, 3).squeeze(0).shape
    ((3,), (2, 3))
    """
    x = as_tensor_arg(x, "squeeze")
    if dim is None:
        shape = tuple(s for s in x.shape if s != 1)
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        axes = {normalize_dim(d, x.data.ndim, "squeeze") for d in dims}
        shape = tuple(s for i, s in enumerate(x.shape) if not (i in axes and s == 1))
    return reshape(x, shape)


@R.op(
    samples=lambda: [R.Sample((R.randn(2, 3), 1)), R.Sample((R.randn(2, 3), -1))],
    method=True,
)
@numpy_names(keepdim=False)
def unsqueeze(x: TensorLike, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).unsqueeze(0).shape
    (1, 3)
    """
    x = as_tensor_arg(x, "unsqueeze")
    d = normalize_dim(dim, x.data.ndim + 1, "unsqueeze")
    shape = x.shape[:d] + (1,) + x.shape[d:]
    return reshape(x, shape)


class ExpandBackward(Node):
    name = "expand"
    saves = ()

    @staticmethod
    def forward(x, shape):
        return np.broadcast_to(x, shape)

    def vjp(self, g, xs, out, xp):
        return (g,)  # the engine sums g back to the input's shape


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), (3, 3)),
            error=ValueError,
            match="only dimensions of size 1 can grow",
        )
    ],
    samples=lambda: [R.Sample((R.randn(3, 1), 2, 3, 4)), R.Sample((R.randn(1, 4), -1, 4))],
    method=True,
)
def expand(x: Tensor, *sizes: Size) -> Tensor:
    """Broadcast to a larger shape without copying (-1 keeps a dimension).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3, 1).expand(3, 4).shape
    (3, 4)
    """
    x = as_tensor_arg(x, "expand")
    sizes = _shape_arg(sizes)
    lead = len(sizes) - x.data.ndim
    if lead < 0:
        raise ValueError(f"expand: {sizes} has fewer dimensions than the tensor's {x.shape}")
    shape = tuple((x.shape[i - lead] if s == -1 else s) for i, s in enumerate(sizes))
    try:
        np.broadcast_shapes(x.shape, shape)
        if np.broadcast_shapes(x.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"expand: cannot expand shape {x.shape} to {sizes}; only dimensions of size 1 can grow"
        ) from None
    if shape == x.data.shape:
        # a new (writable) view, not x itself, as in PyTorch
        return _view_of(apply1(ReshapeBackward, x, shape), x)
    return _view_of(apply1(ExpandBackward, x, shape), x)


@R.op(samples=lambda: [R.Sample((R.randn(3), (2, 3)))])
def broadcast_to(x: TensorLike, shape: Size) -> Tensor:
    """Same as ``expand(shape)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.broadcast_to(autodiff.zeros(3), (2, 3)).shape
    (2, 3)
    """
    return expand(x, tuple(shape))


class SumToBackward(Node):
    name = "sum_to"
    saves = ()

    @staticmethod
    def forward(x, shape):
        return np.ascontiguousarray(sum_to_shape(x, shape))

    def vjp(self, g, xs, out, xp):
        return (xp.broadcast_to(g, xs[0].shape),)


@R.op(
    samples=lambda: [R.Sample((R.randn(2, 3, 4), (3, 1))), R.Sample((R.randn(2, 3), (1, 3)))],
    export=False,
)
def sum_to(x, shape) -> Tensor:
    """Sum a broadcast tensor back down to ``shape`` (undoes broadcasting).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ops.shape.sum_to(R.tensor(np.ones((2, 3))), (1, 3))
    Tensor([[2., 2., 2.]])
    """
    x = as_tensor_arg(x, "sum_to")
    shape = tuple(shape)
    if x.data.shape == shape:
        return x
    return apply1(SumToBackward, x, shape)


class CatBackward(Node):
    name = "cat"
    saves = ()

    @staticmethod
    def forward(*arrays_and_attrs):
        *arrays, (axis, _sizes) = arrays_and_attrs
        return np.concatenate(arrays, axis=axis)

    def vjp(self, g, xs, out, xp):
        axis, sizes = self.attrs
        grads = []
        start = 0
        for n in sizes:
            idx = (slice(None),) * axis + (slice(start, start + n),)
            grads.append(xp.getitem(g, idx))
            start += n
        return tuple(grads)


@R.op(
    errors=lambda: [
        R.ErrorInput(
            ([R.tensor(np.ones((2, 3))), R.tensor(np.ones((2, 4)))],),
            error=ValueError,
            match=r"tensors\[1\] has shape \(2, 4\)",
        )
    ],
    samples=lambda: [
        R.Sample((R.randn(2, 3), R.randn(1, 3, seed=1))),
        R.Sample((R.randn(2, 3), R.randn(2, 2, seed=2)), {"dim": 1}),
    ],
    check=lambda *ts, dim=0: cat(list(ts), dim),
)
@numpy_names(keepdim=False)
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cat([autodiff.zeros(2, 3), autodiff.ones(1, 3)]).shape
    (3, 3)
    """
    tensors = _tensor_list(tensors, "cat")
    for i, t in enumerate(tensors):
        if t.data.ndim == 0:
            raise ValueError(
                f"cat: tensors[{i}] is 0-d (a scalar) and cannot be concatenated; use "
                "autodiff.stack to join scalars into a new dimension"
            )
    ref = tensors[0]
    axis = normalize_dim(dim, ref.data.ndim, "cat")
    for i, t in enumerate(tensors):
        if t.data.ndim != ref.data.ndim or any(
            a != b for k, (a, b) in enumerate(zip(t.shape, ref.shape)) if k != axis
        ):
            raise ValueError(
                f"cat: tensors[{i}] has shape {t.shape} but tensors[0] has {ref.shape}; all "
                f"dimensions except dim {dim} must match"
            )
    return apply(CatBackward, tuple(tensors), (axis, tuple(t.shape[axis] for t in tensors)))


def _join_alias_samples():
    return [R.Sample((R.randn(2, 3), R.randn(2, 2, seed=2)), {"axis": 1})]


@R.op(samples=_join_alias_samples, check=lambda *ts, **kw: concat(list(ts), **kw))
@numpy_names(keepdim=False)
def concat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Alias of :func:`cat` (``axis=`` accepted for ``dim=``, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.concat([autodiff.ones(1, 2), autodiff.zeros(1, 2)], axis=1).shape
    (1, 4)
    """
    return cat(tensors, dim)


@R.op(samples=_join_alias_samples, check=lambda *ts, **kw: concatenate(list(ts), **kw))
@numpy_names(keepdim=False)
def concatenate(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Alias of :func:`cat`, NumPy's name (``axis=`` or ``dim=``, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.concatenate([autodiff.ones(2), autodiff.zeros(1)], axis=0)
    Tensor([1., 1., 0.])
    """
    return cat(tensors, dim)


class StackBackward(Node):
    name = "stack"
    saves = ()

    @staticmethod
    def forward(*arrays_and_attrs):
        *arrays, axis = arrays_and_attrs
        if axis == 0:
            # (np.array copies the equal-shaped arrays into one block, as np.stack
            # does, without its per-array Python: 3 us against 11 us for 32 rows)
            return np.array(arrays)
        return np.stack(arrays, axis=axis)

    def vjp(self, g, xs, out, xp):
        axis = self.attrs
        return tuple(xp.getitem(g, (slice(None),) * axis + (i,)) for i in range(len(xs)))


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3), R.randn(2, 3, seed=1))),
        R.Sample((R.randn(2, 3), R.randn(2, 3, seed=2)), {"dim": 2}),
    ],
    check=lambda *ts, dim=0: stack(list(ts), dim),
)
@numpy_names(keepdim=False)
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dimension.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.stack([autodiff.zeros(3), autodiff.ones(3)], dim=1).shape
    (3, 2)
    """
    kind = type(tensors)
    if (kind is list or kind is tuple) and tensors:
        # the common case, Tensors of one shape and dtype: no conversion or casting
        first = tensors[0]
        if isinstance(first, Tensor):
            dtype = first._data.dtype
            arrays = [t._data for t in tensors if isinstance(t, Tensor) and t._data.dtype is dtype]
            if len(arrays) == len(tensors):
                shape = first._data.shape
                axis = normalize_dim(dim, len(shape) + 1, "stack")
                try:  # (unequal shapes: NumPy refuses them, the general path says which)
                    out = StackBackward.forward(*arrays, axis)
                except ValueError:
                    out = None
                if out is not None and out.shape == (*shape[:axis], len(arrays), *shape[axis:]):
                    if not ALL_THREADS.off or STATE.grad_enabled:
                        needs = tuple([t.requires_grad for t in tensors])
                        if True in needs:
                            return record(StackBackward, tuple(tensors), needs, axis, out)
                    return _make(out, None)
    tensors = _tensor_list(tensors, "stack")
    ref = tensors[0]
    for i, t in enumerate(tensors):
        if t.shape != ref.shape:
            raise ValueError(
                f"stack: tensors[{i}] has shape {t.shape} but tensors[0] has {ref.shape}; "
                "stack needs equal shapes"
            )
    axis = normalize_dim(dim, ref.data.ndim + 1, "stack")
    return apply(StackBackward, tuple(tensors), axis)


def _tensor_list(tensors, opname):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{opname}: expected a list or tuple of tensors")
    if not tensors:
        raise ValueError(f"{opname}: expected a non-empty list of tensors")
    ts = [as_tensor_arg(t, opname) for t in tensors]
    dtype = ts[0].data.dtype
    if any(t.data.dtype != dtype for t in ts):
        target = _dtypes.result_type(*[(t.data.dtype, 2) for t in ts])
        ts = [cast(t, target) for t in ts]
    return ts


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
        if xp is NP and type(index) is tuple and _is_basic(index):
            # a basic index picks each element once: an assignment, not np.add.at
            gx = np.zeros(xs[0].shape, dtype=g.dtype)
            gx[index] = g
            return (gx,)
        if (
            xp is NP
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
    >>> autodiff.ops.shape.index_add(autodiff.ones(3), [0, 0, 2], (3,))
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
def gather(x: TensorLike, dim: int, index: Tensor) -> Tensor:
    """Values along ``dim`` at ``index``: ``out[i][j] = x[i][index[i][j]]`` for dim=1.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> x.gather(1, autodiff.tensor([[1], [0]]))
    Tensor([[2.],
            [3.]])
    """
    x = as_tensor_arg(x, "gather")
    idx = index.data if isinstance(index, Tensor) else np.asarray(index)
    if x.data.ndim == 0 and idx.ndim == 0:  # PyTorch allows the 0-d case
        return reshape(gather(reshape(x, 1), dim, idx.reshape(1)), ())
    if idx.dtype.kind not in "iu":
        raise TypeError(f"gather: index must be an integer tensor, got dtype {idx.dtype}")
    if idx.ndim != x.data.ndim:
        raise ValueError(
            f"gather: index has {idx.ndim} dimensions but the input has {x.data.ndim}; "
            "they must have the same number"
        )
    axis = normalize_dim(dim, x.data.ndim, "gather")
    for d in range(idx.ndim):
        if d != axis and idx.shape[d] > x.shape[d]:
            raise ValueError(
                f"gather: index shape {idx.shape} is larger than input shape {x.shape} in "
                f"dimension {d}"
            )
    if idx.size:
        # negative indices are out of range too (as PyTorch: no wrap-around)
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= x.shape[axis]:
            raise IndexError(
                f"gather: index {lo if lo < 0 else hi} is out of bounds for dim {dim} of size "
                f"{x.shape[axis]} (index values must be in [0, {x.shape[axis]}))"
            )
    if x.requires_grad and recording():
        idx = idx.copy()  # the node's own (see _own_index)
    return apply1(GatherBackward, x, (axis, idx))


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
    >>> autodiff.ops.shape.scatter_add_along(autodiff.ones(2, 1), np.array([[1], [1]]), 1, (2, 2))
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


# ------------------------------------------------------------------- matmul
def _same_dtype(opname: str, da: np.dtype, db: np.dtype) -> None:
    """Matrix products do not promote (as PyTorch): operands of two dtypes raise."""
    if da != db:
        raise RuntimeError(
            f"{opname}: expected both operands to have the same dtype, but got {da} and {db} "
            "(as PyTorch, matrix products do not promote; convert one with .to(dtype), "
            ".double() or .float())"
        )


class MatmulBackward(Node):
    name = "matmul"
    saves = {0: (1,), 1: (0,)}

    @staticmethod
    def forward(a, b, attrs):
        return a @ b

    def vjp(self, g, xs, out, xp):
        a, b = xs
        na, nb = a.ndim, b.ndim
        if na == 2 and nb == 2 and xp is NP:  # the common case, first order: no dispatch
            needs = self.needs
            return (g @ b.T if needs[0] else None), (a.T @ g if needs[1] else None)
        ga = gb = None
        if na == 1 and nb == 1:
            return (g * b if self.needs[0] else None), (g * a if self.needs[1] else None)
        if na == 1:  # (k,) @ (..., k, n) -> (..., n)
            g2 = xp.expand_dims(g, -2)
            if self.needs[0]:
                ga = xp.matmul(g2, xp.swapaxes(b, -1, -2))  # (..., 1, k)
                ga = xp.reshape(xp.sum_to(ga, (1, a.shape[0])), a.shape)
            if self.needs[1]:
                gb = xp.matmul(xp.reshape(a, (a.shape[0], 1)), g2)
            return ga, gb
        if nb == 1:  # (..., m, k) @ (k,) -> (..., m)
            g2 = xp.expand_dims(g, -1)
            if self.needs[0]:
                ga = xp.matmul(g2, xp.reshape(b, (1, b.shape[0])))
            if self.needs[1]:
                gb = xp.matmul(xp.swapaxes(a, -1, -2), g2)  # (..., k, 1)
                gb = xp.reshape(xp.sum_to(gb, (b.shape[0], 1)), b.shape)
            return ga, gb
        if self.needs[0]:
            ga = xp.matmul(g, xp.swapaxes(b, -1, -2))
        if self.needs[1]:
            gb = xp.matmul(xp.swapaxes(a, -1, -2), g)
        return ga, gb


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), R.tensor(np.ones((2, 3)))),
            error=ValueError,
            match="cannot be multiplied",
        )
    ],
    samples=lambda: [
        R.Sample((R.randn(2, 3), R.randn(3, 4, seed=1))),
        R.Sample((R.randn(3), R.randn(3, seed=1))),
        R.Sample((R.randn(3), R.randn(2, 3, 4, seed=1))),
        R.Sample((R.randn(2, 5, 3), R.randn(3, seed=1))),
        R.Sample((R.randn(2, 1, 2, 3), R.randn(4, 3, 2, seed=1))),
        R.Sample((R.randn(2, 3), R.randn(5, 3, 4, seed=1))),
    ],
    method=True,
)
def matmul(a: TensorLike, b: TensorLike) -> Tensor:
    """Matrix product with NumPy's rules (1-D operands, batched and broadcast).

    Examples
    --------
    >>> import autodiff
    >>> (R.tensor(np.ones((2, 3))) @ autodiff.ones(3, 4)).shape
    (2, 4)
    """
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        da = a.data
        db = b.data
        # fast path: two matrices of one dtype that fit
        if da.ndim == 2 and db.ndim == 2 and da.dtype == db.dtype and da.shape[1] == db.shape[0]:
            out = da @ db
            ra = a.requires_grad
            rb = b.requires_grad
            if (ra or rb) and (not ALL_THREADS.off or STATE.grad_enabled):
                return record(MatmulBackward, (a, b), (ra, rb), None, out)
            return _make(out, None)
        _same_dtype("matmul", da.dtype, db.dtype)
    a, b = operands(a, b, "matmul")
    if a.data.ndim == 0 or b.data.ndim == 0:
        raise ValueError(
            f"matmul: both operands need at least one dimension, got shapes {a.shape} and "
            f"{b.shape}; use * for scalars"
        )
    ka = a.shape[-1]
    kb = b.shape[0] if b.data.ndim == 1 else b.shape[-2]
    if ka != kb:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied ({ka} != {kb}: the "
            "last dimension of the first must equal the "
            + ("first" if b.data.ndim == 1 else "second-to-last")
            + " of the second)"
        )
    try:
        return apply2(MatmulBackward, a, b)
    except ValueError:
        raise ValueError(
            f"matmul: batch dimensions of {a.shape} and {b.shape} do not broadcast"
        ) from None


class LinearBackward(Node):
    """``x @ w.T (+ b)`` fused: contiguous weight gradients and one node per layer."""

    name = "linear"
    saves = {0: (1,), 1: (0,)}

    @staticmethod
    def forward(x, w, *rest):
        *bias, _attrs = rest
        out = x @ w.T
        if bias:
            out += bias[0]
        return out

    def vjp(self, g, xs, out, xp):
        x, w = xs[0], xs[1]
        needs = self.needs
        gx = xp.matmul(g, w) if needs[0] else None
        gw = None
        if needs[1]:
            if x.ndim == 2:
                gw = xp.matmul(xp.swapaxes(g, -1, -2), x)  # (out, in), C-contiguous
            else:
                g2 = xp.reshape(g, (-1, g.shape[-1]))
                x2 = xp.reshape(x, (-1, x.shape[-1]))
                gw = xp.matmul(xp.swapaxes(g2, -1, -2), x2)
        if len(xs) == 3:
            return gx, gw, (g if needs[2] else None)  # the engine sums g down to (out,)
        return gx, gw


@R.op(
    samples=lambda: [
        R.Sample((R.randn(4, 3), R.randn(5, 3, seed=1), R.randn(5, seed=2))),
        R.Sample((R.randn(4, 3), R.randn(5, 3, seed=1))),
        R.Sample((R.randn(2, 4, 3), R.randn(5, 3, seed=1), R.randn(5, seed=2)), note="batched"),
        R.Sample((R.randn(3), R.randn(5, 3, seed=1), R.randn(5, seed=2)), note="1-d input"),
    ],
    export=False,
)
def linear(x, weight, bias=None) -> Tensor:
    """``x @ weight.T + bias`` with weight of shape (out_features, in_features).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ops.shape.linear(R.tensor(np.ones((2, 3))), autodiff.ones(4, 3)).shape
    (2, 4)
    """
    x = as_tensor_arg(x, "linear")
    w = as_tensor_arg(weight, "linear")
    if w.data.ndim != 2:
        raise ValueError(f"linear: weight must be 2-d (out_features, in_features), got {w.shape}")
    if x.data.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: weight of shape {w.shape} expects input with {w.shape[1]} features in its "
            f"last dimension, got shape {x.shape}"
        )
    inputs = (x, w) if bias is None else (x, w, as_tensor_arg(bias, "linear"))
    if bias is not None and inputs[2].shape not in ((w.shape[0],), ()):
        raise ValueError(
            f"linear: bias must have shape ({w.shape[0]},) for weight {w.shape}, got "
            f"{inputs[2].shape}"
        )
    dtype = x.data.dtype
    if any(t.data.dtype != dtype for t in inputs) or dtype.kind != "f":
        for t in inputs[1:]:
            _same_dtype("linear", dtype, t.data.dtype)
        target = _dtypes.result_type(*[(t.data.dtype, 2) for t in inputs])
        if target.kind != "f":
            target = _dtypes.default_float()
        inputs = tuple(cast(t, target) for t in inputs)
    return apply(LinearBackward, inputs, None)


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


_ = _make  # re-exported for ops built on this module
