"""Differences and the trapezoid rule: diff, trapezoid/trapz, cumulative_trapezoid.

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import builtins

import autodiff as ad

from ..tensor import Tensor
from . import registry as R
from ._base import (
    normalize_dim,
    numpy_names,
)
from ._helpers import _s, _t


@R.op(samples=lambda: [_s(R.randn(3, 4))], method=True)
@numpy_names(keepdim=False)
def diff(
    input: Tensor,
    n: int = 1,
    dim: int = -1,
    prepend: Tensor | None = None,  # noqa: A002
    append: Tensor | None = None,
) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (after joining ``prepend`` and
    ``append``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.diff(autodiff.tensor([1.0, 4.0, 9.0]))
    Tensor([3., 5.])
    """
    x = _t(input, "diff")
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = normalize_dim(dim, x.ndim, "diff")
    parts = [t for t in (prepend, x, append) if t is not None]
    if len(parts) > 1:
        parts = [
            p
            if isinstance(p, Tensor) and p.ndim
            else ad.broadcast_to(
                _t(p, "diff", "prepend/append"), x.shape[:d] + (1,) + x.shape[d + 1 :]
            )
            for p in parts
        ]
        x = ad.cat(parts, d)
    for _ in range(n):
        m = x.shape[d]
        if m == 0:
            break
        if x.data.dtype.kind == "b":
            x = ad.logical_xor(ad.narrow(x, d, 1, m - 1), ad.narrow(x, d, 0, m - 1))
        else:
            x = ad.sub(ad.narrow(x, d, 1, m - 1), ad.narrow(x, d, 0, m - 1))
    return x


@R.op(samples=lambda: [_s(R.randn(5)), _s(R.randn(2, 5, seed=1), dx=0.5, dim=1)])
def trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1
) -> Tensor:
    """Integral of ``y`` along ``dim`` by the trapezoidal rule (spacing ``dx`` or
    sample points ``x``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.trapezoid(autodiff.tensor([1.0, 2.0, 3.0]))
    Tensor(4.)
    """
    yt = _t(y, "trapezoid", "y")
    d = normalize_dim(dim, yt.ndim, "trapezoid")
    m = yt.shape[d]
    if m == 0:
        return ad.sum(yt, d)
    avg = ad.mul(ad.add(ad.narrow(yt, d, 1, m - 1), ad.narrow(yt, d, 0, m - 1)), 0.5)
    if x is not None:
        xt = _t(x, "trapezoid", "x")
        if xt.ndim == 1:
            shape = [1] * yt.ndim
            shape[d] = -1
            xt = xt.reshape(shape)
            dd = d
        else:
            dd = d
        spacing = diff(xt, dim=dd)
        return ad.sum(ad.mul(avg, spacing), d)
    return ad.mul(ad.sum(avg, d), 1.0 if dx is None else dx)


@R.op(samples=lambda: [_s(R.randn(5))])
def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """Alias of :func:`trapezoid`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.trapz(autodiff.tensor([1.0, 2.0, 3.0]))
    Tensor(4.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


@R.op(samples=lambda: [_s(R.randn(5)), _s(R.randn(2, 5, seed=1), dx=0.5)])
def cumulative_trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1
) -> Tensor:
    """The running trapezoidal integral of ``y`` along ``dim`` (one fewer element).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.cumulative_trapezoid(autodiff.tensor([1.0, 2.0, 3.0]))
    Tensor([1.5, 4. ])
    """
    yt = _t(y, "cumulative_trapezoid", "y")
    d = normalize_dim(dim, yt.ndim, "cumulative_trapezoid")
    m = yt.shape[d]
    avg = ad.mul(
        ad.add(
            ad.narrow(yt, d, 1, builtins.max(m - 1, 0)), ad.narrow(yt, d, 0, builtins.max(m - 1, 0))
        ),
        0.5,
    )
    if x is not None:
        xt = _t(x, "cumulative_trapezoid", "x")
        if xt.ndim == 1:
            shape = [1] * yt.ndim
            shape[d] = -1
            xt = xt.reshape(shape)
        avg = ad.mul(avg, diff(xt, dim=d))
    elif dx is not None:
        avg = ad.mul(avg, dx)
    return ad.cumsum(avg, d)
