"""Square-matrix linear algebra (issue 17): the inverse and the log-determinant have
nodes of their own; det, logdet and solve are built of them, so their gradients
(first and second order) follow. Batched over leading dimensions, as PyTorch's.

Also PyTorch's further linear-algebra names, composed of the declared ops: mm, mv,
inner, addmv, addr, addbmm, chain_matmul, tensordot, kron, cross, cdist, renorm,
matrix_power (bmm, dot, outer, addmm, baddbmm are in products.py)."""

from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

import autodiff as ad

from .._typing import Number, TensorLike
from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import (
    as_tensor_arg,
    normalize_dim,
)
from ._helpers import _s, _t

SlogdetResult = namedtuple("slogdet", ["sign", "logabsdet"])


class LinAlgError(RuntimeError):
    """A matrix the operation cannot handle (a singular one to invert), as PyTorch's
    ``torch.linalg.LinAlgError`` (a RuntimeError).

    Examples
    --------
    >>> import autodiff
    >>> try:
    ...     autodiff.inverse(autodiff.ones(2, 2))
    ... except autodiff.linalg.LinAlgError as e:
    ...     print("singular" in str(e))
    True
    """


def _square(x, name: str) -> Tensor:
    a = as_tensor_arg(x, name)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        dims = f"{a.shape[-2]} by {a.shape[-1]}" if a.ndim >= 2 else f"{a.ndim}-D"
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {dims} matrices")
    if a.data.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{a.data.dtype}")
    return a


def _inv_np(a: np.ndarray, name: str = "linalg.inv") -> np.ndarray:
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise LinAlgError(
            f"{name}: The input matrix is singular (or a matrix of the batch is), so "
            "the inversion could not be completed.") from None


class InverseBackward(Node):
    name = "inverse"
    saves = ("out",)

    @staticmethod
    def forward(x, attrs):
        return _inv_np(x)

    def vjp(self, g, xs, out, xp):
        t = xp.swapaxes(out, -1, -2)
        return (-xp.matmul(xp.matmul(t, g), t),)


class LogabsdetBackward(Node):
    name = "logabsdet"
    saves = (0,)

    @staticmethod
    def forward(x, attrs):
        return np.linalg.slogdet(x)[1]

    def vjp(self, g, xs, out, xp):
        a = xs[0]
        inv = inverse(a) if isinstance(a, Tensor) else _inv_np(a)
        return (xp.reshape(g, tuple(g.shape) + (1, 1)) * xp.swapaxes(inv, -1, -2),)


def _well_conditioned(n: int, seed: int = 0, batch=()) -> R.Arg:
    r = np.random.default_rng(seed)
    return R.Arg(r.standard_normal(batch + (n, n)) * 0.3 + 2.0 * np.eye(n))


@R.op(samples=lambda: [R.Sample((_well_conditioned(3),)),
                       R.Sample((_well_conditioned(2, 1, (2,)),))], method=True)
def inverse(input: Tensor) -> Tensor:  # noqa: A002
    """The inverse of a square matrix (or of each in a batch); a singular one raises.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.inverse(autodiff.tensor([[2.0, 0.0], [0.0, 4.0]]))
    Tensor([[0.5 , 0.  ],
            [0.  , 0.25]])
    """
    return apply1(InverseBackward, _square(input, "linalg.inv"))


@R.op(samples=lambda: [R.Sample((_well_conditioned(3),)),
                       R.Sample((_well_conditioned(2, 1, (2,)),))], method=True,
      check=lambda a: slogdet(a).logabsdet)
def slogdet(input: Tensor) -> tuple:  # noqa: A002
    """``(sign, logabsdet)``: the determinant's sign and the log of its absolute value
    (the gradient flows through ``logabsdet``).

    Examples
    --------
    >>> import autodiff
    >>> s, l = autodiff.slogdet(autodiff.tensor([[-2.0, 0.0], [0.0, 3.0]]))
    >>> s, round(l.item(), 4)
    (Tensor(-1.), 1.7918)
    """
    a = _square(input, "linalg.slogdet")
    sign = _make(np.linalg.slogdet(a.data)[0].astype(a.data.dtype), None)
    logabs = apply1(LogabsdetBackward, a)
    if logabs.requires_grad:  # the sign is in the graph with a zero gradient, as PyTorch's
        sign = ad.add(sign, ad.mul(logabs, 0.0))
    return SlogdetResult(sign, logabs)


@R.op(samples=lambda: [R.Sample((_well_conditioned(3),)),
                       R.Sample((_well_conditioned(2, 1, (2,)),))], method=True)
def det(input: Tensor) -> Tensor:  # noqa: A002
    """The determinant (of each matrix in a batch): ``sign * exp(logabsdet)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.det(autodiff.tensor([[2.0, 1.0], [1.0, 3.0]]))
    Tensor(5.)
    """
    a = _square(input, "linalg.det")
    sign = _make(np.linalg.slogdet(a.data)[0].astype(a.data.dtype), None)
    return ad.mul(sign, ad.exp(apply1(LogabsdetBackward, a)))


@R.op(samples=lambda: [R.Sample((_well_conditioned(3),))], method=True)
def logdet(input: Tensor) -> Tensor:  # noqa: A002
    """The log of the determinant: NaN where it is negative, -inf where it is 0.

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.logdet(autodiff.tensor([[2.0, 0.0], [0.0, 3.0]])).item(), 4)
    1.7918
    """
    a = _square(input, "logdet")
    logabs = apply1(LogabsdetBackward, a)
    nan = Tensor(np.where(np.linalg.slogdet(a.data)[0] < 0, np.nan, 0.0).astype(a.data.dtype))
    return ad.add(logabs, nan)


@R.op(samples=lambda: [R.Sample((_well_conditioned(3), R.randn(3, 2, seed=1))),
                       R.Sample((_well_conditioned(3, 2), R.randn(3, seed=3)))],
      export=False)
def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:  # noqa: N803 - PyTorch's names
    """``X`` with ``A @ X = B`` (``X @ A = B`` for ``left=False``); a 1-d ``B`` is a
    vector.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.solve(autodiff.tensor([[2.0, 0.0], [0.0, 4.0]]),
    ...                       autodiff.tensor([2.0, 2.0]))
    Tensor([1. , 0.5])
    """
    a = _square(A, "linalg.solve")
    b = as_tensor_arg(B, "linalg.solve")
    inv = inverse(a)
    if not left:
        return ad.matmul(b, inv)
    if b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1]):
        return ad.matmul(inv, b.unsqueeze(-1)).squeeze(-1)
    return ad.matmul(inv, b)


__all__ = ["LinAlgError", "inverse", "slogdet", "det", "logdet", "solve"]


# ------------------------------------------------------------- linear algebra
@R.op(samples=lambda: [_s(R.randn(2, 3), R.randn(3, 4, seed=1))], method=True)
def mm(input: Tensor, mat2: Tensor) -> Tensor:  # noqa: A002
    """Matrix product of two 2-d tensors.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.mm(autodiff.ones(2, 3), autodiff.ones(3, 1))
    Tensor([[3.],
            [3.]])
    """
    a, b = _t(input, "mm"), _t(mat2, "mm", "mat2")
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return ad.matmul(a, b)


@R.op(samples=lambda: [_s(R.randn(2, 3), R.randn(3, seed=1))], method=True)
def mv(input: Tensor, vec: Tensor) -> Tensor:  # noqa: A002
    """Matrix-vector product.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.mv(autodiff.ones(2, 3), autodiff.ones(3))
    Tensor([3., 3.])
    """
    a, v = _t(input, "mv"), _t(vec, "mv", "vec")
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {a.ndim}, {a.ndim}, {v.ndim}")
    return ad.matmul(a, v)


@R.op(
    samples=lambda: [_s(R.randn(3), R.randn(3, seed=1)), _s(R.randn(2, 3), R.randn(4, 3, seed=2))],
    method=True,
)
def inner(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Sum of products over the last dimension of both (a scalar factor: a product).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.inner(autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0]))
    Tensor(11.)
    """
    a, b = _t(input, "inner"), _t(other, "inner", "other")
    if a.ndim == 0 or b.ndim == 0:
        return ad.mul(a, b)
    return tensordot(a, b, ([-1], [-1]))


@R.op(
    samples=lambda: [
        _s(R.randn(2), R.randn(2, 3, seed=1), R.randn(3, seed=2)),
        _s(R.randn(2), R.randn(2, 3, seed=3), R.randn(3, seed=4), beta=0.5, alpha=2.0),
    ],
    method=True,
)
def addmv(
    input: Tensor, mat: Tensor, vec: Tensor, *, beta: Number = 1, alpha: Number = 1
) -> Tensor:  # noqa: A002
    """``beta * input + alpha * (mat @ vec)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addmv(autodiff.ones(2), autodiff.ones(2, 3), autodiff.ones(3), alpha=2)
    Tensor([7., 7.])
    """
    return _beta_alpha(input, mv(mat, vec), beta, alpha, "addmv")


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3), R.randn(2, seed=1), R.randn(3, seed=2)),
        _s(R.randn(3), R.randn(2, seed=3), R.randn(3, seed=4), beta=0.0),
    ],
    method=True,
)
def addr(
    input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Number = 1, alpha: Number = 1
) -> Tensor:  # noqa: A002
    """``beta * input + alpha * outer(vec1, vec2)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addr(autodiff.zeros(2, 2), autodiff.ones(2), autodiff.tensor([1.0, 2.0]))
    Tensor([[1., 2.],
            [1., 2.]])
    """
    return _beta_alpha(input, ad.outer(vec1, vec2), beta, alpha, "addr")


@R.op(
    samples=lambda: [_s(R.randn(2, 4), R.randn(3, 2, 3, seed=1), R.randn(3, 3, 4, seed=2))],
    method=True,
)
def addbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Number = 1, alpha: Number = 1
) -> Tensor:  # noqa: A002
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.addbmm(autodiff.zeros(1, 1), autodiff.ones(2, 1, 3), autodiff.ones(2, 3, 1))
    Tensor([[6.]])
    """
    return _beta_alpha(input, ad.sum(ad.bmm(batch1, batch2), 0), beta, alpha, "addbmm")


def _beta_alpha(input: TensorLike, prod, beta: Number, alpha: Number, name: str) -> Tensor:
    x = _t(input, name)
    if alpha != 1:
        prod = ad.mul(prod, alpha)
    if beta == 0:  # input is ignored (NaN in it does not propagate), as PyTorch
        shape = np.broadcast_shapes(x.shape, prod.shape)
        return ad.broadcast_to(prod, shape) if prod.shape != shape else prod
    return ad.add(x if beta == 1 else ad.mul(x, beta), prod)


@R.op(
    samples=lambda: [_s(R.randn(2, 3), R.randn(3, 4, seed=1), R.randn(4, 2, seed=2))],
    check=lambda *ts: chain_matmul(*ts),
)
def chain_matmul(*matrices: Tensor) -> Tensor:
    """Product of 2-d tensors, left to right (deprecated in PyTorch for linalg.multi_dot).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.chain_matmul(autodiff.ones(2, 3), autodiff.ones(3, 1)).shape
    (2, 1)
    """
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    out = matrices[0]
    for m in matrices[1:]:
        out = mm(out, m)
    return out


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3, 4), R.randn(3, 4, 5, seed=1)),
        _s(R.randn(2, 3), R.randn(3, 2, seed=2), dims=([1, 0], [0, 1])),
        _s(R.randn(3, 2), R.randn(2, 4, seed=3), 1),
    ]
)
def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contract ``a``'s last ``dims`` dimensions with ``b``'s first (or the pairs
    ``dims = (dims_a, dims_b)``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensordot(autodiff.ones(2, 3), autodiff.ones(3, 4), dims=1).shape
    (2, 4)
    """
    a, b = _t(a, "tensordot", "a"), _t(b, "tensordot", "b")
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    da = [normalize_dim(d, a.ndim, "tensordot") for d in da]
    db = [normalize_dim(d, b.ndim, "tensordot") for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[i]} in "
                f"dim {i} and second has size {b.shape[j]} in dim {j}"
            )
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    la = list(letters[: a.ndim])
    lb = list(letters[a.ndim : a.ndim + b.ndim])
    for i, j in zip(da, db):
        lb[j] = la[i]
    out = [c for k, c in enumerate(la) if k not in da] + [
        c for k, c in enumerate(lb) if k not in db
    ]
    return ad.einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b)


@R.op(
    samples=lambda: [
        _s(R.randn(2, 3), R.randn(2, 2, seed=1)),
        _s(R.randn(3), R.randn(2, 2, seed=2)),
    ],
    method=True,
)
def kron(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Kronecker product.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.kron(autodiff.eye(2), autodiff.ones(1, 2))
    Tensor([[1., 1., 0., 0.],
            [0., 0., 1., 1.]])
    """
    a, b = _t(input, "kron"), _t(other, "kron", "other")
    n = builtins.max(a.ndim, b.ndim)
    a = a.reshape((1,) * (n - a.ndim) + a.shape)
    b = b.reshape((1,) * (n - b.ndim) + b.shape)
    ash, bsh = a.shape, b.shape
    ai = a.reshape(tuple(x for s in ash for x in (s, 1)))
    bi = b.reshape(tuple(x for s in bsh for x in (1, s)))
    return ad.mul(ai, bi).reshape(tuple(p * q for p, q in zip(ash, bsh)))


@R.op(
    samples=lambda: [
        _s(R.randn(4, 3), R.randn(4, 3, seed=1)),
        _s(R.randn(3, 5), R.randn(3, 5, seed=2), dim=0),
    ],
    method=True,
)
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """Cross product of 3-vectors along ``dim`` (by default the first dimension of
    size 3, as PyTorch's ``torch.cross``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cross(autodiff.tensor([1.0, 0.0, 0.0]), autodiff.tensor([0.0, 1.0, 0.0]))
    Tensor([0., 0., 1.])
    """
    a, b = _t(input, "cross"), _t(other, "cross", "other")
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = np.broadcast_shapes(a.shape, b.shape)
    a, b = ad.broadcast_to(a, shape), ad.broadcast_to(b, shape)
    if dim is None:
        dims3 = [i for i, s in enumerate(shape) if s == 3]
        if not dims3:
            raise RuntimeError("no dimension of size 3 in input")
        d = dims3[0]
    else:
        d = normalize_dim(dim, len(shape), "cross")
        if shape[d] != 3:
            raise RuntimeError(
                f"linalg.cross: inputs dimension {d} must have length 3. Got {a.shape[d]} "
                f"and {b.shape[d]}"
            )

    def c(t, i):
        return ad.narrow(t, d, i, 1)

    parts = [
        ad.sub(ad.mul(c(a, 1), c(b, 2)), ad.mul(c(a, 2), c(b, 1))),
        ad.sub(ad.mul(c(a, 2), c(b, 0)), ad.mul(c(a, 0), c(b, 2))),
        ad.sub(ad.mul(c(a, 0), c(b, 1)), ad.mul(c(a, 1), c(b, 0))),
    ]
    return ad.cat(parts, d)


@R.op(
    samples=lambda: [
        _s(R.randn(3, 2), R.randn(4, 2, seed=1)),
        _s(R.randn(2, 3, 2, seed=2), R.randn(2, 4, 2, seed=3), p=1.0),
    ]
)
def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """Pairwise ``p``-norm distances between the rows of ``x1`` and ``x2`` (batched).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cdist(autodiff.tensor([[0.0, 0.0]]), autodiff.tensor([[3.0, 4.0]]))
    Tensor([[5.]])
    """
    a, b = _t(x1, "cdist", "x1"), _t(x2, "cdist", "x2")
    if a.ndim < 2 or b.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {a.ndim}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: {b.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = ad.sub(a.unsqueeze(-2), b.unsqueeze(-3))
    if p == 0:
        return ad.sum((diff != 0).to(diff.dtype), -1)
    if p == float("inf"):
        return ad.amax(ad.abs(diff), -1)
    return ad.norm(diff, p, dim=-1)


@R.op(
    samples=lambda: [_s(R.randn(3, 4), 2, 0, 1.0), _s(R.randn(3, 4, seed=1), 1, 1, 0.5)],
    method=True,
)
def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:  # noqa: A002
    """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to it.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.renorm(autodiff.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
    Tensor([[0.6, 0.8],
            [0.3, 0.4]])
    """
    x = _t(input, "renorm")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = normalize_dim(dim, x.ndim, "renorm")
    others = tuple(i for i in range(x.ndim) if i != d)
    norms = ad.norm(x, p, dim=others, keepdim=True) if others else ad.abs(x)
    big = Tensor(norms.data > maxnorm)
    scale = ad.where(big, ad.div(maxnorm, ad.add(norms, 1e-7)), ad.ones_like(norms))
    return ad.mul(x, scale)


@R.op(
    samples=lambda: [
        _s(R.randn(3, 3), 3),
        _s(R.randn(2, 2, 2, seed=1), 0),
        _s(R.randn(3, 3, seed=2), 1),
        _s(_well_conditioned(3, 4), -2),
    ],
    method=True,
)
def matrix_power(input: Tensor, n: int) -> Tensor:  # noqa: A002
    """``input`` (a square matrix, or a batch) to the integer power ``n``, by repeated
    squaring; a negative ``n`` is the inverse's power (a singular matrix raises).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.matrix_power(autodiff.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
    Tensor([[1., 3.],
            [0., 1.]])
    """
    x = _t(input, "matrix_power")
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{x.shape[-2] if x.ndim >= 2 else ''} by {x.shape[-1] if x.ndim else ''} matrices"
        )
    if n < 0:  # the inverse's power (a singular matrix raises, as PyTorch)
        return matrix_power(inverse(x), -n)
    if n == 0:
        eye = np.broadcast_to(np.eye(x.shape[-1], dtype=x.data.dtype), x.shape)
        return (
            ad.add(ad.mul(x, 0.0), Tensor(np.ascontiguousarray(eye)))
            if x.requires_grad
            else Tensor(np.ascontiguousarray(eye))
        )
    result = None
    base = x
    while n:
        if n & 1:
            result = base if result is None else ad.matmul(result, base)
        n >>= 1
        if n:
            base = ad.matmul(base, base)
    return result
