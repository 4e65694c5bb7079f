"""The LU factorization with partial pivoting, as ``torch.linalg``'s: ``lu_factor``
(the compact ``LU`` and LAPACK's 1-based ``pivots``), ``lu`` (``P, L, U`` with
``A = P @ L @ U``), ``lu_solve`` and ``lu_unpack``.

The pivots are found in NumPy (they are piecewise constant: no gradient); with them
fixed, ``LU`` is a node whose VJP (PyTorch's, for square matrices) is written in
``xp``, so second order follows. ``lu`` and ``lu_solve`` are built of it and of the
declared ops.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

import autodiff as ad

from ..engine import Node, apply1, recording
from ..tensor import Tensor
from . import registry as R
from ._helpers import _s, _t
from .decompositions import _fns, _matrices, _mT, solve_triangular
from .xp import TS

LUFactorResult = namedtuple("LUFactorResult", ["LU", "pivots"])
LUResult = namedtuple("LUResult", ["P", "L", "U"])


def _factor(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(compact LU, LAPACK's 1-based pivots) of each matrix in ``a``: elimination with
    partial pivoting, a column at a time over the whole batch."""
    lu = np.array(a, dtype=np.float64 if a.dtype.kind != "f" else a.dtype, copy=True)
    m, n = lu.shape[-2:]
    batch = lu.shape[:-2]
    swaps = np.zeros(batch + (min(m, n),), dtype=np.int32)
    rows = np.indices(batch) if batch else ()
    for k in range(min(m, n)):
        pivot = k + np.argmax(np.abs(lu[..., k:, k]), axis=-1)  # (batch)
        swaps[..., k] = pivot + 1  # (LAPACK's 1-based ipiv)
        here = (*rows, np.full(batch, k) if batch else k)
        there = (*rows, pivot)
        row_k, row_p = lu[here].copy(), lu[there].copy()
        lu[here], lu[there] = row_p, row_k
        _eliminate_column(lu, k)
    return lu, swaps


def _order_of(swaps: np.ndarray, m: int) -> np.ndarray:
    """The row order LAPACK's sequential swaps ``swaps`` (1-based) make of 0..m-1."""
    batch = swaps.shape[:-1]
    order = np.broadcast_to(np.arange(m), batch + (m,)).copy()
    flat_order = order.reshape(-1, m)
    for row, piv in zip(flat_order, swaps.reshape(-1, swaps.shape[-1])):
        for k, p in enumerate(piv - 1):
            row[k], row[p] = row[p], row[k]
    return flat_order.reshape(batch + (m,))


def _permutation(order: np.ndarray, dtype) -> np.ndarray:
    """P with ``A = P @ (A's rows in ``order``)``: P[order[i], i] = 1."""
    m = order.shape[-1]
    p = np.zeros(order.shape + (m,), dtype=dtype)
    np.put_along_axis(p, order[..., :, None], 1.0, axis=-1)
    return np.swapaxes(p, -1, -2)


class LuFactorBackward(Node):
    """The compact LU of the rows of A in the order ``attrs`` gives (pivots found)."""

    name = "lu_factor"
    saves = ("out",)

    @staticmethod
    def forward(a, order):
        # (the rows in pivot order: elimination without swaps does what pivoting did)
        return _eliminate(np.take_along_axis(a, order[..., :, None], axis=-2))

    def vjp(self, g, xs, out, xp):
        # A' = L U (A' = A's rows in order): gA' = L^-H (tril(L^H gL, -1) + triu(gU U^H)) U^-H
        # (PyTorch's linalg_lu_backward, square case); then A's rows back in place
        f = _fns(xp)
        n = xp.data(out).shape[-1]
        eye = np.eye(n, dtype=xp.data(out).dtype)
        low = f.tril(out, -1) + eye
        up = _triu(out, xp)
        g_low = f.tril(g, -1)
        g_up = _triu(g, xp)
        phi = f.tril(xp.matmul(_mT(low, xp), g_low), -1) + _triu(xp.matmul(g_up, _mT(up, xp)), xp)
        ga = xp.matmul(xp.matmul(_mT(f.inv(low), xp), phi), _mT(f.inv(up), xp))
        inverse = np.argsort(self.attrs, axis=-1)[..., :, None]
        return (xp.take_along_axis(ga, np.broadcast_to(inverse, xp.data(out).shape), -2),)


def _triu(x, xp):
    return ad.triu(x) if xp is TS else np.triu(x)


def _eliminate(a: np.ndarray) -> np.ndarray:
    """The compact LU of each matrix in ``a`` by elimination in row order (no swaps)."""
    lu = np.array(a, copy=True)
    for k in range(min(lu.shape[-2:])):
        _eliminate_column(lu, k)
    return lu


def _eliminate_column(lu: np.ndarray, k: int) -> None:
    """Column k's multipliers below the diagonal, and the update of the rows below."""
    head = lu[..., k, k]
    with np.errstate(divide="ignore", invalid="ignore"):  # (a zero pivot: a singular A)
        factors = np.where(head[..., None] != 0, lu[..., k + 1:, k] / head[..., None], 0.0)
    lu[..., k + 1:, k] = factors
    lu[..., k + 1:, k + 1:] -= factors[..., :, None] * lu[..., k, None, k + 1:]


def _general_square(n: int, seed: int = 0, batch: tuple = ()) -> R.Arg:
    return R.Arg(np.random.default_rng(seed).standard_normal(batch + (n, n)))


def _lu_parts(a: Tensor) -> Tensor:
    """lu_factor's compact LU (for the gradchecks: the pivots have no gradient)."""
    return lu_factor(a).LU


@R.op(
    samples=lambda: [_s(_general_square(3)), _s(_general_square(3, 1, (2,)))],
    check=_lu_parts,
    export=False,
)
def lu_factor(A: Tensor, *, pivot: bool = True) -> LUFactorResult:  # noqa: N803 - PyTorch's
    """The LU factorization with partial pivoting of each matrix in ``A``, compact:
    ``LU`` holds L below its diagonal (whose ones are implied) and U on and above it;
    ``pivots`` (int32, 1-based, as LAPACK's) says which row was swapped with row i.

    Examples
    --------
    >>> import autodiff
    >>> LU, pivots = autodiff.linalg.lu_factor(autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]))
    >>> LU, pivots
    (Tensor([[3.    , 4.    ],
            [0.3333, 0.6667]]), Tensor([2, 2], dtype=int32))
    """
    if not pivot:
        raise ValueError("linalg.lu_factor: LU without pivoting is not supported on the CPU, "
                         "as PyTorch's; use pivot=True")
    a = _matrices(A, "linalg.lu_factor")
    m, n = a.shape[-2:]
    _, swaps = _factor(a.data)
    order = _order_of(swaps, m)
    if m != n and a.requires_grad and recording():
        raise RuntimeError(
            "linalg.lu_factor: the gradient of the LU of a non-square matrix is not "
            "supported; factor a square matrix, or call it under autodiff.no_grad()"
        )
    lu = apply1(LuFactorBackward, a, order)
    return LUFactorResult(lu, ad.tensor(swaps.astype(np.int32)))


def _packed_sample(n: int, seed: int, batch: tuple = ()) -> R.Sample:
    a = np.random.default_rng(seed).standard_normal(batch + (n, n))
    _, swaps = _factor(a)
    return _s(R.Arg(_eliminate(np.take_along_axis(a, _order_of(swaps, n)[..., :, None], -2))),
              swaps)


@R.op(
    samples=lambda: [_packed_sample(3, 0), _packed_sample(2, 1, (2,))],
    check=lambda lu, swaps: (lambda r: (r.P @ r.L).sum() + (r.U * r.U).sum())(
        lu_unpack(lu, ad.tensor(swaps))),
)
def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,  # noqa: N803
              unpack_pivots: bool = True) -> LUResult:
    """``P, L, U`` from ``lu_factor``'s compact form (``A = P @ L @ U``).

    Examples
    --------
    >>> import autodiff
    >>> A = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> P, L, U = autodiff.lu_unpack(*autodiff.linalg.lu_factor(A))
    >>> bool(autodiff.allclose(P @ L @ U, A))
    True
    """
    lu = _t(LU_data, "lu_unpack", "LU_data")
    m, n = lu.shape[-2:]
    k = min(m, n)
    low = up = perm = None
    if unpack_data:
        eye = ad.tensor(np.eye(m, k, dtype=lu.data.dtype))
        low = ad.tril(lu[..., :, :k], -1) + eye
        up = ad.triu(lu[..., :k, :])
    if unpack_pivots:
        swaps = _t(LU_pivots, "lu_unpack", "LU_pivots").data.astype(np.int64)
        perm = ad.tensor(_permutation(_order_of(swaps, m), lu.data.dtype))
    return LUResult(perm, low, up)


@R.op(
    samples=lambda: [_s(_general_square(3)), _s(_general_square(2, 2, (3,)))],
    check=lambda a: (lambda r: r.L.sum() + (r.U * r.U).sum())(lu(a)),
    export=False,
)
def lu(A: Tensor, *, pivot: bool = True) -> LUResult:  # noqa: N803 - PyTorch's name
    """``P, L, U`` with ``A = P @ L @ U``: P a permutation, L unit lower triangular,
    U upper triangular (``lu_factor``, unpacked).

    Examples
    --------
    >>> import autodiff
    >>> P, L, U = autodiff.linalg.lu(autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]))
    >>> U
    Tensor([[3.    , 4.    ],
            [0.    , 0.6667]])
    """
    return lu_unpack(*lu_factor(A, pivot=pivot))


@R.op(
    samples=lambda: [
        _s(_general_square(3), R.randn(3, 2, seed=4)),
        _s(_general_square(3, 5), R.randn(2, 3, seed=6), left=False),
        _s(_general_square(3, 7), R.randn(3, 1, seed=8), adjoint=True),
    ],
    check=lambda a, b, **kw: lu_solve(*lu_factor(a), b, **kw),
    export=False,
)
def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,  # noqa: N803
             adjoint: bool = False) -> Tensor:
    """``X`` with ``A @ X = B`` (``X @ A = B`` for ``left=False``; A's adjoint for
    ``adjoint=True``), given ``lu_factor(A)``.

    Examples
    --------
    >>> import autodiff
    >>> A = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> autodiff.linalg.lu_solve(*autodiff.linalg.lu_factor(A), autodiff.tensor([[5.0], [11.0]]))
    Tensor([[1.],
            [2.]])
    """
    p, low, up = lu_unpack(LU, pivots)
    b = _t(B, "linalg.lu_solve", "B")
    if b.ndim < 2:
        raise RuntimeError("linalg.lu_solve: B must have at least 2 dimensions (a matrix)")
    if left and not adjoint:  # A = P L U: X = U^-1 L^-1 P^T B
        y = solve_triangular(low, p.mT @ b, upper=False, unitriangular=True)
        return solve_triangular(up, y, upper=True)
    if left:  # A^H X = B: U^H L^H P^T X = B
        y = solve_triangular(up.mT, b, upper=False)
        return p @ solve_triangular(low.mT, y, upper=True, unitriangular=True)
    if not adjoint:  # X A = B: X P L U = B
        y = solve_triangular(up, b, upper=True, left=False)
        return solve_triangular(low, y, upper=False, left=False, unitriangular=True) @ p.mT
    # X A^H = B: X U^H L^H P^T = B
    y = solve_triangular(low.mT, b @ p, upper=True, left=False, unitriangular=True)
    return solve_triangular(up.mT, y, upper=False, left=False)
