"""Reductions with PyTorch's semantics (issue 17) besides ops/reductions.py's: prod,
amax/amin/aminmax, all/any, var_mean/std_mean.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._typing import Dims, DTypeLike, TensorLike
from ..engine import Node, apply1
from ..tensor import Tensor, _make
from . import reductions as Rd
from . import registry as R
from . import shape as S
from ._base import normalize_dim, normalize_dims, numpy_names
from ._helpers import _t
from .cumulative import _cum_dtype, _flip_x, cumprod
from .xp import NP, TS

AminmaxResult = NamedTuple("aminmax", [("min", Tensor), ("max", Tensor)])  # noqa: UP014


# ---------------------------------------------------------------- reductions
class ProdBackward(Node):
    """Product over one dim or all; the gradient is the product of the other
    elements (exact where there are zeros, as PyTorch)."""

    name = "prod"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axis, keepdim = attrs
        return np.asarray(np.prod(x, axis=axis, keepdims=keepdim))

    def vjp(self, g, xs, out, xp):
        axis, keepdim = self.attrs
        x = xs[0]
        shape = tuple(x.shape)
        axes = None if axis is None else (axis,)
        gb = Rd._expand_back(g, axes, keepdim, shape, xp)
        if not (xp.data(x) == 0).any():
            return (gb * Rd._expand_back(out, axes, keepdim, shape, xp) / x,)
        xl = xp.reshape(x, (-1,)) if axis is None else x
        ax = 0 if axis is None else axis
        n = xl.shape[ax]
        one = np.ones(tuple(1 if d == ax else s for d, s in enumerate(xl.shape)), x.dtype)
        one = one if xp is not TS else _make(one, None)

        def part(k0, k1):
            return xp.getitem(xl, (slice(None),) * ax + (slice(k0, k1),))

        left = xp.concatenate([one, part(0, n - 1)], ax)
        right = xp.concatenate([part(1, n), one], ax)
        cp = np.cumprod if xp is not TS else cumprod
        others = cp(left, ax) * _flip_x(xp, cp(_flip_x(xp, right, ax), ax), ax)
        if axis is None:
            others = xp.reshape(others, shape)
        return (gb * others,)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(3, 4), 1)),
        R.Sample((R.randn(3, 4), 0), {"keepdim": True}),
        R.Sample(
            (R.Arg(np.array([[2.0, 0.0, 3.0], [0.0, 1.5, 0.0], [1.0, 2.0, -1.0]])), 1), note="zeros"
        ),
        R.Sample((R.Arg(np.array([2.0, 0.0, 3.0, -1.0])),), note="one zero"),
    ],
    method=True,
    ref=lambda x, dim=None, keepdim=False: np.prod(x, axis=dim, keepdims=keepdim),
    errors=lambda: [R.ErrorInput((R.tensor(np.ones((2, 3))), 2), error=IndexError, match="dim 2")],
)
@numpy_names
def prod(  # noqa: A002
    input: TensorLike, dim: int | None = None, keepdim: bool = False, *, dtype: DTypeLike = None
) -> Tensor:
    """Product of all elements, or along ``dim``; gradients exact at zeros.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]).prod(1)
    Tensor([ 2., 12.])
    """
    x = _cum_dtype(_t(input, "prod"), dtype, "prod")
    if dim is None:
        return apply1(ProdBackward, x, (None, False))
    if isinstance(dim, (tuple, list)):
        raise TypeError("prod: dim must be one int (PyTorch's prod reduces one dim or all)")
    axis = normalize_dim(dim, x.ndim, "prod")
    if x.ndim == 0:
        return apply1(ProdBackward, x, (None, False))
    return apply1(ProdBackward, x, (axis, bool(keepdim)))


class AmaxBackward(Node):
    """amax/amin: ties share the gradient evenly (as PyTorch)."""

    name = "amax"
    saves = (0, "out")

    @staticmethod
    def forward(x, attrs):
        axes, keepdim, is_min = attrs
        return np.asarray((np.min if is_min else np.max)(x, axis=axes, keepdims=keepdim))

    def vjp(self, g, xs, out, xp):
        axes, keepdim, _ = self.attrs
        x = xs[0]
        shape = tuple(x.shape)
        xv = xp.data(x)
        ob = np.broadcast_to(Rd._expand_back(xp.data(out), axes, keepdim, shape, NP), shape)
        # as PyTorch: where the result is NaN no element equals it, and the slice's
        # gradient is 0 / 0 (NaN)
        mask = xv == ob
        count = np.add.reduce(mask, axis=axes, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = (mask / count).astype(g.dtype)
        return (Rd._expand_back(g, axes, keepdim, shape, xp) * w,)


class AminBackward(AmaxBackward):
    name = "amin"
    saves = (0, "out")


def _amaxmin(x, dim, keepdim, is_min, opname):
    x = _t(x, opname)
    axes = normalize_dims(dim, x.ndim, opname)
    if x.data.size == 0:
        for a in axes if axes is not None else range(x.ndim):
            if x.shape[a] == 0:
                raise IndexError(
                    f"{opname}: expected reduction dim {a} to have non-zero size (input shape "
                    f"{x.shape})"
                )
    if x.ndim == 0 and keepdim:
        axes = None
    return apply1(AminBackward if is_min else AmaxBackward, x, (axes, bool(keepdim), is_min))


def _amax_samples():
    return [
        R.Sample((R.distinct(3, 4),)),
        R.Sample((R.distinct(3, 4), 1)),
        R.Sample((R.distinct(2, 3, 4), (0, -1), True)),
        R.Sample((R.Arg(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.5]])), 1), note="ties"),
    ]


@R.op(
    samples=_amax_samples,
    method=True,
    ref=lambda x, dim=(), keepdim=False: np.max(x, axis=dim or None, keepdims=keepdim),
    errors=lambda: [
        R.ErrorInput((R.tensor(np.ones((0, 3))), 0), error=IndexError, match="non-zero size")
    ],
)
@numpy_names
def amax(input: TensorLike, dim: Dims = (), keepdim: bool = False) -> Tensor:  # noqa: A002
    """Largest values over ``dim`` (an int or tuple; all when empty); ties share the
    gradient evenly.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1, 5], [4, 2]]).amax(1)
    Tensor([5, 4])
    """
    return _amaxmin(input, dim, keepdim, False, "amax")


@R.op(
    samples=_amax_samples,
    method=True,
    ref=lambda x, dim=(), keepdim=False: np.min(x, axis=dim or None, keepdims=keepdim),
)
@numpy_names
def amin(input: TensorLike, dim: Dims = (), keepdim: bool = False) -> Tensor:  # noqa: A002
    """Smallest values over ``dim`` (an int or tuple; all when empty); ties share the
    gradient evenly.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1, 5], [4, 2]]).amin(0)
    Tensor([1, 2])
    """
    return _amaxmin(input, dim, keepdim, True, "amin")


@R.op(
    samples=lambda: [R.Sample((R.distinct(3, 4),)), R.Sample((R.distinct(3, 4),), {"dim": 1})],
    method=True,
    check=lambda *a, **k: S.stack(list(aminmax(*a, **k))),
)
@numpy_names
def aminmax(input: TensorLike, *, dim: int | None = None, keepdim: bool = False) -> AminmaxResult:  # noqa: A002
    """``(min, max)`` over all elements or along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([3, 1, 2]).aminmax()
    aminmax(min=Tensor(1), max=Tensor(3))
    """
    x = _t(input, "aminmax")
    d = () if dim is None else dim
    return AminmaxResult(amin(x, d, keepdim), amax(x, d, keepdim))


def _logical(x, dim, keepdim, fn, opname):
    x = _t(x, opname)
    axes = normalize_dims(dim, x.ndim, opname)
    out = np.asarray(fn(x.data, axis=axes, keepdims=bool(keepdim)))
    if x.dtype == np.uint8:
        return _make(out.astype(np.uint8), None)  # (PyTorch keeps uint8)
    return _make(out, None)


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.Arg(np.array([[1.0, 0.0], [2.0, 3.0]])), 1)),
        R.Sample((R.Arg(np.array([[1.0, 0.0], [2.0, 3.0]])), -2, True)),
    ],
    method=True,
    differentiable=False,
)
@numpy_names
def all(input: TensorLike, dim: Dims = None, keepdim: bool = False) -> Tensor:  # noqa: A001, A002
    """Whether every element (along ``dim``) is non-zero; a bool tensor.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[1, 0], [2, 3]]).all(1)
    Tensor([False,  True])
    """
    return _logical(input, dim, keepdim, np.all, "all")


@R.op(
    samples=lambda: [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.Arg(np.array([[0.0, 0.0], [2.0, 0.0]])), 1)),
    ],
    method=True,
    differentiable=False,
)
@numpy_names
def any(input: TensorLike, dim: Dims = None, keepdim: bool = False) -> Tensor:  # noqa: A001, A002
    """Whether some element (along ``dim``) is non-zero; a bool tensor.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([[0, 0], [2, 0]]).any(1)
    Tensor([False,  True])
    """
    return _logical(input, dim, keepdim, np.any, "any")


def _moments_samples():
    return [
        R.Sample((R.randn(3, 4),)),
        R.Sample((R.randn(3, 4),), {"dim": 1, "keepdim": True}),
        R.Sample((R.randn(3, 4),), {"dim": (0, 1), "correction": 0}),
    ]


@R.op(samples=_moments_samples, check=lambda *a, **k: S.stack(list(var_mean(*a, **k))))
@numpy_names
def var_mean(  # noqa: A002
    input: TensorLike, dim: Dims = None, unbiased: bool | None = None, keepdim: bool = False, *,
    correction: float | None = None,
) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``dim`` (Bessel's correction by default, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.var_mean(autodiff.tensor([1.0, 2.0, 3.0]))
    (Tensor(1.), Tensor(2.))
    """
    x = _t(input, "var_mean")
    return (Rd.var(x, dim, unbiased, keepdim, correction=correction), Rd.mean(x, dim, keepdim))


@R.op(samples=_moments_samples, check=lambda *a, **k: S.stack(list(std_mean(*a, **k))))
@numpy_names
def std_mean(  # noqa: A002
    input: TensorLike, dim: Dims = None, unbiased: bool | None = None, keepdim: bool = False, *,
    correction: float | None = None,
) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``dim`` (Bessel's correction by default, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.std_mean(autodiff.tensor([1.0, 2.0, 3.0]))
    (Tensor(1.), Tensor(2.))
    """
    x = _t(input, "std_mean")
    return (Rd.std(x, dim, unbiased, keepdim, correction=correction), Rd.mean(x, dim, keepdim))
