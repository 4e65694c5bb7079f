"""Matrix products with PyTorch's semantics (issue 17): bmm, dot, outer, addmm, baddbmm.
(mm, mv, tensordot, ... are in ops/linalg.py.)
"""

from __future__ import annotations

import numpy as np

from .._typing import Number, TensorLike
from ..tensor import Tensor
from . import registry as R
from . import shape as S
from .arithmetic import mul
from .indexing import _t


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
    return mul(S.reshape(a, (-1, 1)), S.reshape(b, (1, -1)))


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
