"""Square-matrix linear algebra (issue 17): the inverse and the log-determinant have
nodes of their own; det, logdet and solve are built of them, so their gradients
(first and second order) follow. Batched over leading dimensions, as PyTorch's."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

import autodiff as ad

from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg

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
