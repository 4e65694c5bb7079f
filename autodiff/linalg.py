"""``autodiff.linalg``: PyTorch's ``torch.linalg`` names that autodiff has.

The inverse, determinants and solve are declared as ops in ``autodiff/ops/linalg.py``,
the decompositions (``cholesky``, ``qr``, ``eigh``, ``svd``) and what is built on
them (``solve_triangular``, ``pinv``, ``lstsq``, ...) in
``autodiff/ops/decompositions.py``: all gradchecked first and second order. The
norms are built of the declared ops.

Examples
--------
>>> import autodiff
>>> A = autodiff.tensor([[2.0, 1.0], [1.0, 3.0]])
>>> autodiff.linalg.det(A)
Tensor(5.)
>>> autodiff.linalg.vector_norm(autodiff.tensor([3.0, 4.0]))
Tensor(5.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import autodiff as _ad

from ._typing import DTypeLike
from .ops.decompositions import (
    cholesky,
    eigh,
    eigvalsh,
    lstsq,
    matrix_rank,
    pinv,
    qr,
    solve_triangular,
    svd,
    svdvals,
)
from .ops.linalg import LinAlgError, det, inverse, slogdet, solve
from .ops.lu import lu, lu_factor, lu_solve
from .ops.matrix_functions import matrix_exp
from .tensor import Tensor

inv = inverse


def _dims(dim, ndim: int):
    if dim is None:
        return None
    return (dim,) if isinstance(dim, int) else tuple(dim)


def vector_norm(
    input: Tensor,
    ord: float = 2,  # noqa: A002 - PyTorch's name
    dim: int | Sequence[int] | None = None,
    keepdim: bool = False,
    *,
    dtype: DTypeLike = None,
) -> Tensor:
    """The ``ord``-norm of ``input`` as a vector (over ``dim``, all by default):
    ``inf``/``-inf`` the largest/smallest absolute value, 0 the count of non-zeros.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.vector_norm(autodiff.tensor([[1.0, -2.0], [2.0, 0.0]]), ord=1)
    Tensor(5.)
    """
    if dtype is not None:
        input = input.to(dtype)
    if input.data.dtype.kind != "f":
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{input.data.dtype}")
    d = _dims(dim, input.ndim)
    if ord == math.inf:
        return _ad.amax(_ad.abs(input), dim=d if d is not None else (), keepdim=keepdim)
    if ord == -math.inf:
        return _ad.amin(_ad.abs(input), dim=d if d is not None else (), keepdim=keepdim)
    if ord == 0:
        nz = (input != 0).to(input.dtype)
        return _ad.sum(nz, d, keepdim)
    if d is None and not keepdim:
        return _ad.norm(input.reshape(-1), ord)
    dims = d if d is not None else tuple(range(input.ndim))
    return _ad.norm(input, ord, dim=dims, keepdim=keepdim)


def matrix_norm(
    input: Tensor,  # noqa: N803 - PyTorch's name
    ord: str | float = "fro",  # noqa: A002
    dim: tuple[int, int] = (-2, -1),
    keepdim: bool = False,
    *,
    dtype: DTypeLike = None,
) -> Tensor:
    """A matrix norm over the two dimensions ``dim``: ``"fro"``, ``"nuc"`` (the sum of
    the singular values), ``2``/``-2`` (the largest/smallest singular value), ``1``/``-1``
    (the largest/smallest column sum of absolute values), ``inf``/``-inf`` (rows).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.matrix_norm(autodiff.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
    Tensor(6.)
    """
    if dtype is not None:
        input = input.to(dtype)  # noqa: N806
    if input.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    d0, d1 = (d % input.ndim for d in dim)
    if ord == "fro":
        return vector_norm(input, 2, (d0, d1), keepdim)
    if ord in (1, -1, math.inf, -math.inf):
        sum_dim, pick_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = _ad.sum(_ad.abs(input), sum_dim, True)
        pick = _ad.amax if ord > 0 else _ad.amin
        out = pick(sums, dim=pick_dim, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1))
    if ord in ("nuc", 2, -2):  # from the singular values of each matrix
        moved = _ad.movedim(input, (d0, d1), (-2, -1))
        s = svdvals(moved)
        out = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            out = out.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
        return out
    raise ValueError(
        f"linalg.matrix_norm: ord={ord!r} is not a matrix norm; use 'fro', 'nuc', 1, -1, 2, "
        "-2, inf or -inf")


def norm(
    input: Tensor,  # noqa: N803
    ord: str | float | None = None,  # noqa: A002
    dim: int | Sequence[int] | None = None,
    keepdim: bool = False,
    *,
    dtype: DTypeLike = None,
) -> Tensor:
    """``torch.linalg.norm``: a vector norm (``dim`` an int, or a 1-d input, or
    ``ord=None`` over everything) or a matrix norm (``dim`` a pair, or a 2-d input
    with ``ord`` given).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.norm(autodiff.tensor([[3.0, 0.0], [0.0, 4.0]]))
    Tensor(5.)
    """
    d = _dims(dim, input.ndim)
    if ord is None:
        return vector_norm(input, 2, d, keepdim, dtype=dtype)
    if (d is not None and len(d) == 2) or (d is None and input.ndim == 2):
        return matrix_norm(input, ord, d if d is not None else (-2, -1), keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: ord={ord!r} needs a matrix (2 dims)")
    if d is None and input.ndim != 1:
        raise RuntimeError(
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {input.ndim}D.")
    return vector_norm(input, ord, d, keepdim, dtype=dtype)


def multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """The product of a chain of matrices (the first may be a row vector and the last a
    column vector, 1-d).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.multi_dot([autodiff.ones(2), autodiff.ones(2, 3),
    ...                            autodiff.ones(3)])
    Tensor(6.)
    """
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    out = ts[0]
    for t in ts[1:]:
        out = _ad.matmul(out, t)
    return out


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:  # noqa: A002
    """The cross product along ``dim`` (the last by default, unlike ``autodiff.cross``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.cross(autodiff.tensor([0.0, 1.0, 0.0]), autodiff.tensor([0.0, 0.0, 1.0]))
    Tensor([1., 0., 0.])
    """
    return _ad.cross(input, other, dim=dim)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product along ``dim`` (broadcasting the rest).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.vecdot(autodiff.ones(2, 3), autodiff.ones(3))
    Tensor([3., 3.])
    """
    return _ad.sum(_ad.mul(x, y), dim)


def matrix_power(input: Tensor, n: int) -> Tensor:  # noqa: N803
    """:func:`autodiff.matrix_power`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.matrix_power(autodiff.eye(2) * 2, 3)
    Tensor([[8., 0.],
            [0., 8.]])
    """
    return _ad.matrix_power(input, n)


def matmul(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """:func:`autodiff.matmul`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.matmul(autodiff.ones(2, 3), autodiff.ones(3)).shape
    (2,)
    """
    return _ad.matmul(input, other)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:  # noqa: N803
    """:func:`autodiff.diagonal` over the last two dimensions by default.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.diagonal(autodiff.eye(3)[None]).shape
    (1, 3)
    """
    return _ad.diagonal(A, offset, dim1, dim2)


def cond(input: Tensor, p: float | str | None = None) -> Tensor:  # noqa: A002 - PyTorch's
    """The condition number of each matrix in ``input`` in the ``p``-norm: the ratio of
    the largest to the smallest singular value for ``p`` None or 2 (their inverse for
    -2), else ``matrix_norm(A, p) * matrix_norm(inv(A), p)`` (square, invertible A).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.linalg.cond(autodiff.tensor([[2.0, 0.0], [0.0, 0.5]]))
    Tensor(4.)
    """
    if p is None or p in (2, -2):
        s = svdvals(input)
        ratio = s[..., 0] / s[..., -1]
        return 1.0 / ratio if p == -2 else ratio
    if p not in ("fro", "nuc", 1, -1, math.inf, -math.inf):
        raise ValueError(
            f"linalg.cond: p must be None, 2, -2, 1, -1, inf, -inf, 'fro' or 'nuc', got {p!r}"
        )
    return matrix_norm(input, p) * matrix_norm(inverse(input), p)


__all__ = ["LinAlgError", "cholesky", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv",
           "lstsq", "lu", "lu_factor", "lu_solve", "matmul", "matrix_exp", "matrix_norm",
           "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve",
           "solve_triangular", "svd", "svdvals", "vecdot", "vector_norm"]
