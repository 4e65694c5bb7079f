"""Shape ops (views and copies) and joining: reshape, view, flatten, permute, transpose,
squeeze/unsqueeze, expand, broadcast_to, sum_to, cat/concat/concatenate, stack.
"""

from __future__ import annotations

import math
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
    record,
    sum_to_shape,
)
from ..tensor import Tensor, _make
from ..views import add_view, kind, rebase_log, share_memory
from . import registry as R
from ._base import as_tensor_arg, cast, normalize_dim, numpy_names


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


def _sizes_or_keyword(sizes: tuple, keyword, opname: str, name: str) -> tuple:
    """The sizes given one by one (or as one tuple), or by keyword: not both."""
    if keyword is None:
        return sizes
    if sizes:
        raise TypeError(f"{opname}() got multiple values for argument '{name}'")
    return (keyword,)


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
def reshape(input: TensorLike, *sizes: Size, shape: Size | None = None) -> Tensor:
    """Same data in a new shape (one dimension may be -1): given as ints, a tuple, or
    PyTorch's keyword ``shape=``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.arange(6)
    >>> x.reshape(2, 3).shape, autodiff.reshape(x, shape=(3, 2)).shape
    ((2, 3), (3, 2))
    """
    input = as_tensor_arg(input, "reshape")
    shape = _shape_arg(_sizes_or_keyword(sizes, shape, "reshape", "shape"))
    try:
        np.empty(input.data.shape, dtype=bool).reshape(shape)
    except ValueError:
        raise RuntimeError(
            f"reshape: cannot reshape a tensor of shape {input.shape} ({input.data.size} elements) "
            f"into {shape}"
        ) from None
    # (the same shape too gives a new view, not x itself: hooks and retain_grad on
    # the result must not land on x, as in PyTorch)
    return _view_of(apply1(ReshapeBackward, input, shape), input)


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
def flatten(input: TensorLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim``..``end_dim`` into one.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3, 4).flatten(1).shape
    (2, 12)
    """
    input = as_tensor_arg(input, "flatten")
    if input.data.ndim == 0:
        return reshape(input, 1)
    s = normalize_dim(start_dim, input.data.ndim, "flatten")
    e = normalize_dim(end_dim, input.data.ndim, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = input.shape[:s] + (math.prod(input.shape[s : e + 1]),) + input.shape[e + 1 :]
    return reshape(input, shape)


class PermuteBackward(Node):
    name = "permute"
    saves = ()

    @staticmethod
    def forward(x, axes):
        return x.transpose(axes)

    def vjp(self, g, xs, out, xp):
        return (xp.transpose(g, tuple(np.argsort(self.attrs))),)


@R.op(samples=lambda: [R.Sample((R.randn(2, 3, 4), 2, 0, 1))], method=True)
def permute(input: TensorLike, *order: Size, dims: Size | None = None) -> Tensor:
    """Reorder dimensions: given as ints, a tuple, or PyTorch's keyword ``dims=``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3, 4).permute(2, 0, 1).shape
    (4, 2, 3)
    """
    input = as_tensor_arg(input, "permute")
    dims = _shape_arg(_sizes_or_keyword(order, dims, "permute", "dims"))
    ndim = input.data.ndim
    if sorted(normalize_dim(d, ndim, "permute") for d in dims) != list(range(ndim)):
        raise ValueError(
            f"permute: dims {dims} must list each of the {input.data.ndim} dimensions exactly once"
        )
    axes = tuple(normalize_dim(d, input.data.ndim, "permute") for d in dims)
    return _view_of(apply1(PermuteBackward, input, axes), input)


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (R.tensor(np.ones((2, 3))), 0, 5), error=IndexError, match="dim 5 is out of range"
        )
    ],
    samples=lambda: [R.Sample((R.randn(2, 3), 0, 1)), R.Sample((R.randn(2, 3, 4), -1, 0))],
    method=True,
)
def transpose(input: TensorLike, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3).transpose(0, 1).shape
    (3, 2)
    """
    input = as_tensor_arg(input, "transpose")
    n = input.data.ndim
    if n < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return _view_of(apply1(PermuteBackward, input, tuple(range(n))), input)  # a new view
    d0 = normalize_dim(dim0, n, "transpose")
    d1 = normalize_dim(dim1, n, "transpose")
    axes = list(range(n))
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return _view_of(apply1(PermuteBackward, input, tuple(axes)), input)


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
def squeeze(input: TensorLike, dim: Dims = None) -> Tensor:
    """Drop dimensions of size 1 (only ``dim``, if given; a no-op if it is not 1).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(1, 3, 1).squeeze().shape, autodiff.zeros(2, 3).squeeze(0).shape
    ((3,), (2, 3))
    """
    input = as_tensor_arg(input, "squeeze")
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        axes = {normalize_dim(d, input.data.ndim, "squeeze") for d in dims}
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in axes and s == 1))
    return reshape(input, shape)


@R.op(
    samples=lambda: [R.Sample((R.randn(2, 3), 1)), R.Sample((R.randn(2, 3), -1))],
    method=True,
)
@numpy_names(keepdim=False)
def unsqueeze(input: TensorLike, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(3).unsqueeze(0).shape
    (1, 3)
    """
    input = as_tensor_arg(input, "unsqueeze")
    d = normalize_dim(dim, input.data.ndim + 1, "unsqueeze")
    shape = input.shape[:d] + (1,) + input.shape[d:]
    return reshape(input, shape)


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
def broadcast_to(input: TensorLike, size: Size) -> Tensor:
    """Same as ``expand(shape)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.broadcast_to(autodiff.zeros(3), (2, 3)).shape
    (2, 3)
    """
    return expand(input, tuple(size))


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
    >>> autodiff.ops.shape.sum_to(autodiff.ones(2, 3), (1, 3))
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


_ = _make  # re-exported for ops built on this module
