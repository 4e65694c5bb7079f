"""PyTorch's pure aliases: arccosh/arcsinh/arctanh, ger, vdot, split_with_sizes, and
the comparison aliases greater, less, greater_equal, less_equal, not_equal.

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from collections.abc import Sequence

import autodiff as ad

from .._typing import TensorLike
from ..tensor import Tensor
from . import registry as R
from ._base import (
    normalize_dim,
)
from ._helpers import _UN, _s, _t
from .decompositions import qr as _linalg_qr
from .decompositions import svd as _linalg_svd
from .decompositions import svdvals as _svdvals


# ------------------------------------------------------------ more aliases
@R.op(samples=lambda: [_s(R.randn(3, 4, low=1.2, high=3.0))], method=True)
def arccosh(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`acosh`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arccosh(autodiff.tensor([1.0]))
    Tensor([0.])
    """
    return ad.acosh(input)


@R.op(samples=_UN, method=True)
def arcsinh(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`asinh`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arcsinh(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    return ad.asinh(input)


@R.op(samples=lambda: [_s(R.randn(3, 4, low=-0.9, high=0.9))], method=True)
def arctanh(input: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`atanh`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.arctanh(autodiff.tensor([0.0]))
    Tensor([0.])
    """
    return ad.atanh(input)


@R.op(samples=lambda: [_s(R.randn(3), R.randn(4, seed=1))], method=True)
def ger(input: Tensor, vec2: Tensor) -> Tensor:  # noqa: A002
    """Alias of :func:`outer`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ger(autodiff.ones(2), autodiff.ones(3)).shape
    (2, 3)
    """
    return ad.outer(input, vec2)


@R.op(samples=lambda: [_s(R.randn(3), R.randn(3, seed=1))], method=True)
def vdot(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The dot product of two 1-d tensors (the first conjugated: the same here).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.vdot(autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0]))
    Tensor(11.)
    """
    return ad.dot(input, other)


@R.op(
    samples=lambda: [_s(R.randn(5, 2), [2, 3])],
    method=True,
    check=lambda x, s: ad.cat([p.reshape(-1) for p in split_with_sizes(x, s)], 0),
)
def split_with_sizes(input: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple:  # noqa: A002
    """:func:`split` into parts of the given sizes (which must add up to the size).

    Examples
    --------
    >>> import autodiff
    >>> [p.shape for p in autodiff.split_with_sizes(autodiff.zeros(5), [2, 3])]
    [(2,), (3,)]
    """
    x = _t(input, "split_with_sizes")
    d = normalize_dim(dim, x.ndim, "split_with_sizes")
    if builtins.sum(split_sizes) != x.shape[d]:
        raise RuntimeError(
            "split_with_sizes expects split_sizes to sum exactly to "
            f"{x.shape[d]} (input tensor's size at dimension {d}), but got "
            f"split_sizes={list(split_sizes)}"
        )
    return tuple(ad.split(x, list(split_sizes), d))


# ------------------------------------------------------- comparison aliases
_CMP_EXAMPLE = {
    "gt": [False, True],
    "lt": [True, False],
    "ge": [False, True],
    "le": [True, False],
    "ne": [True, True],
}


def _cmp_alias(name: str, base: str):
    def f(input: Tensor, other: TensorLike) -> Tensor:  # noqa: A002
        return getattr(ad, base)(input, other)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""Alias of :func:`{base}`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.{name}(autodiff.tensor([1.0, 2.0]), 1.5).tolist()
    {_CMP_EXAMPLE[base]}
    """
    return R.op(
        name,
        samples=lambda: [_s(R.randn(3, 4), R.randn(4, seed=1))],
        method=True,
        differentiable=False,
    )(f)


greater = _cmp_alias("greater", "gt")
less = _cmp_alias("less", "lt")
greater_equal = _cmp_alias("greater_equal", "ge")
less_equal = _cmp_alias("less_equal", "le")
not_equal = _cmp_alias("not_equal", "ne")


# ------------------------------------------- PyTorch's older decomposition names
SvdResult = namedtuple("SvdResult", ["U", "S", "V"])


def _svd_parts(a: Tensor) -> Tensor:
    u, s, v = svd(a)
    parts = [s, u * u, v * v, ad.matmul(u, v.transpose(-2, -1))]  # (sign-free parts)
    return ad.cat([p.reshape(-1) for p in parts])


@R.op(samples=lambda: [_s(R.randn(4, 3, seed=5)), _s(R.randn(2, 3, seed=6))],
      check=_svd_parts, method=True)
def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> SvdResult:  # noqa: A002
    """PyTorch's older :func:`autodiff.linalg.svd`: ``(U, S, V)`` with ``V`` (not
    ``Vh``), reduced unless ``some=False``; with ``compute_uv=False`` U and V are
    square zeros and only S is computed (its gradient then needs no U or V).

    Examples
    --------
    >>> import autodiff
    >>> U, S, V = autodiff.svd(autodiff.tensor([[0.0, 2.0], [1.0, 0.0]]))
    >>> S
    Tensor([2., 1.])
    """
    if not compute_uv:  # (U and V zero-filled and square, as PyTorch's)
        a = _t(input, "svd")
        m, n = a.shape[-2:]
        s = _svdvals(a)
        return SvdResult(ad.zeros(*a.shape[:-1], m, dtype=a.dtype), s,
                         ad.zeros(*a.shape[:-2], n, n, dtype=a.dtype))
    u, s, vh = _linalg_svd(input, full_matrices=not some)
    return SvdResult(u, s, vh.transpose(-2, -1))


def _qr_parts(a: Tensor) -> Tensor:
    q, r = qr(a)
    return ad.cat([q.reshape(-1), r.reshape(-1)])


@R.op(samples=lambda: [_s(R.randn(4, 3, seed=5)), _s(R.randn(2, 3, seed=6))],
      check=_qr_parts, method=True)
def qr(input: Tensor, some: bool = True) -> tuple:  # noqa: A002
    """PyTorch's older :func:`autodiff.linalg.qr`: reduced unless ``some=False``
    (``mode="complete"``).

    Examples
    --------
    >>> import autodiff
    >>> Q, R = autodiff.qr(autodiff.tensor([[3.0, 1.0], [4.0, 2.0]]))
    >>> Q.shape, R.shape
    ((2, 2), (2, 2))
    """
    return _linalg_qr(input, mode="reduced" if some else "complete")
