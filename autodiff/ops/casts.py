"""Selection and casts: where, masked_fill, to.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import DeviceLike, DTypeLike, Number, TensorLike
from ..device import to_args
from ..engine import (
    Node,
    apply,
    recording,
)
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    as_tensor_arg,
    cast,
    operands,
)


def _where_samples():
    cond = np.array([[True, False, True], [False, False, True]])
    return [
        R.Sample((cond, R.randn(2, 3), R.randn(3, seed=3))),
        R.Sample((cond[0], R.randn(2, 3), 0.5)),
    ]


# ----------------------------------------------------------- where and casts


class WhereBackward(Node):
    name = "where"
    saves = ()

    @staticmethod
    def forward(a, b, cond):
        return np.where(cond, a, b)

    def vjp(self, g, xs, out, xp):
        cond = self.attrs
        ga = xp.where(cond, g, 0.0) if self.needs[0] else None
        gb = xp.where(cond, 0.0, g) if self.needs[1] else None
        return ga, gb


@R.op(
    errors=lambda: [
        R.ErrorInput(
            (
                R.tensor([True, False, True, False], bool),
                R.tensor(np.ones((2, 3))),
                R.tensor(np.ones((2, 3))),
            ),
            error=ValueError,
            match="do not broadcast",
        )
    ],
    samples=_where_samples,
)
def where(condition: TensorLike, input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise choice: ``input`` where ``condition`` holds, else ``other``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([-1.0, 2.0])
    >>> autodiff.where(x > 0, x, 0.0)
    Tensor([0., 2.])
    """
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got dtype {cond.dtype}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        a = as_tensor_arg(input, "where")
        b = other
    else:
        a, b = input, other
    a, b = operands(a, b, "where")
    try:
        out_shape = np.broadcast_shapes(cond.shape, a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"where: condition {cond.shape}, input {a.shape} and other {b.shape} do not "
            "broadcast together"
        ) from None
    del out_shape
    if recording() and (a.requires_grad or b.requires_grad):
        cond = cond.copy()  # the node's own: a later in-place change cannot reach it
    return apply(WhereBackward, (a, b), cond)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(2, 3), np.array([[True, False, True], [False, False, True]]), -1.0))
    ],
    method=True,
)
def masked_fill(input: Tensor, mask: TensorLike, value: Tensor | Number) -> Tensor:
    """Copy of ``input`` with ``value`` where ``mask`` is True.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([1.0, 2.0, 3.0])
    >>> x.masked_fill(x > 1.5, 0.0)
    Tensor([1., 0., 0.])
    """
    input = as_tensor_arg(input, "masked_fill")
    mask_shape = np.shape(mask.data if isinstance(mask, Tensor) else mask)
    try:
        if np.broadcast_shapes(mask_shape, input.shape) != input.shape:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"masked_fill: mask of shape {mask_shape} does not broadcast to the tensor's shape "
            f"{input.shape}"
        ) from None
    if isinstance(value, Tensor):
        value = cast(value, input.data.dtype) if value.data.dtype != input.data.dtype else value
    else:
        value = _make(np.asarray(value, dtype=input.data.dtype), None)
    return where(mask, value, input)


@R.op(
    samples=lambda: [R.Sample((R.randn(3),), check={"eps": 1e-2, "atol": 1e-4})],
    method=True,
    export=False,
    check=lambda x: to(to(x, np.float32), np.float64),
)
def to(
    x: Tensor, *args: Any, dtype: DTypeLike = None, device: DeviceLike = None, copy: bool = False,
    non_blocking: bool = False, memory_format: Any = None,
) -> Tensor:
    """``x`` converted to a dtype; differentiable between floating dtypes.

    Accepts PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
    ``to(other_tensor)``; the only device is the CPU (``non_blocking`` changes nothing).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1.0]).to(autodiff.float64).dtype
    dtype('float64')
    >>> autodiff.tensor([1.0]).to("cpu").dtype
    dtype('float32')
    """
    x = as_tensor_arg(x, "to")
    args = tuple(a.data.dtype if isinstance(a, Tensor) else a for a in args)  # to(other)
    dtype, device = to_args(args, dtype, device)
    out = x if dtype is None else cast(x, dtype)
    return out.clone() if copy and out is x else out
