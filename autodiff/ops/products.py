"""Matrix products with PyTorch's semantics (issue 17): matmul, linear, bmm, dot, outer,
addmm, baddbmm.
(mm, mv, tensordot, ... are in ops/linalg.py.)
"""

from __future__ import annotations

import numpy as np

from .. import _dtypes
from .._typing import Number, TensorLike
from ..engine import (
    ALL_THREADS,
    STATE,
    Node,
    apply,
    apply2,
    record,
)
from ..tensor import Tensor, _make
from . import registry as R
from . import shape as S
from ._base import as_tensor_arg, cast, operands
from ._helpers import _t
from .arithmetic import mul
from .xp import TS


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
        if na == 2 and nb == 2 and xp is not TS:  # the common case, first order: no dispatch
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
def matmul(input: TensorLike, other: TensorLike) -> Tensor:
    """Matrix product with NumPy's rules (1-D operands, batched and broadcast).

    Examples
    --------
    >>> import autodiff
    >>> (autodiff.ones(2, 3) @ autodiff.ones(3, 4)).shape
    (2, 4)
    """
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        da = input._data
        db = other._data
        # fast path: two matrices of one dtype that fit
        if da.ndim == 2 and db.ndim == 2 and da.dtype == db.dtype and da.shape[1] == db.shape[0]:
            out = da @ db
            ra = input.requires_grad
            rb = other.requires_grad
            if (ra or rb) and (not ALL_THREADS.off or STATE.grad_enabled):
                return record(MatmulBackward, (input, other), (ra, rb), None, out)
            return _make(out, None)
        _same_dtype("matmul", da.dtype, db.dtype)
    input, other = operands(input, other, "matmul")
    if input.data.ndim == 0 or other.data.ndim == 0:
        raise ValueError(
            f"matmul: both operands need at least one dimension, got shapes {input.shape} and "
            f"{other.shape}; use * for scalars"
        )
    ka = input.shape[-1]
    kb = other.shape[0] if other.data.ndim == 1 else other.shape[-2]
    if ka != kb:
        raise ValueError(
            f"matmul: shapes {input.shape} and {other.shape} cannot be multiplied ({ka} != {kb}: "
            "the last dimension of the first must equal the "
            + ("first" if other.data.ndim == 1 else "second-to-last")
            + " of the second)"
        )
    try:
        return apply2(MatmulBackward, input, other)
    except ValueError:
        raise ValueError(
            f"matmul: batch dimensions of {input.shape} and {other.shape} do not broadcast"
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
    >>> autodiff.ops.products.linear(autodiff.ones(2, 3), autodiff.ones(4, 3)).shape
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
    _same_dtype(opname, out[0].dtype, out[1].dtype)
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
    return matmul(a, b)


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
    return matmul(a, b)


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
        _same_dtype(opname, inp.dtype, prod.dtype)
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
    return _scaled_sum("addmm", input, matmul(a, b), beta, alpha)


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
