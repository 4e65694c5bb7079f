"""Ops that are views in PyTorch, and share ``x``'s memory here too (marked with
``shape._view_of``, so in-place changes behave as in PyTorch): narrow, unfold, split,
chunk, unbind, unflatten (issue 17).
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence

import numpy as np

from .._typing import TensorLike
from ..engine import Node, apply1
from ..tensor import Tensor
from . import registry as R
from . import shape as S
from ._base import normalize_dim, numpy_names
from ._helpers import _t
from .subscript import getitem


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
    return getitem(x, _narrow_index(x.ndim, axis, start, start + length))


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
        out.append(getitem(x, _narrow_index(x.ndim, axis, start, start + s)))
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
    return tuple(getitem(x, (slice(None),) * axis + (i,)) for i in range(x.shape[axis]))


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
