"""Small answers about a tensor or dtype: numel, is_floating_point, is_complex,
is_nonzero, is_signed, is_conj, is_neg, is_inference, is_same_size, the (real-only)
complex parts (conj, resolve_conj, real, imag, angle, ...) and the dtype questions
(result_type, promote_types, can_cast).

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .. import _dtypes
from .._typing import DTypeLike, TensorLike
from ..tensor import Tensor
from . import registry as R
from ._helpers import _UN, _floatish, _s, _t


# --------------------------------------------------------- small answers
@R.op(
    samples=lambda: [_s(R.randn(2, 3))], differentiable=False, check=lambda x: ad.tensor(numel(x))
)
def numel(input: Tensor) -> int:  # noqa: A002
    """The number of elements of ``input``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.numel(autodiff.zeros(2, 3))
    6
    """
    return int(_t(input, "numel").data.size)


@R.op(
    samples=lambda: [_s(R.randn(2, 3))],
    method=True,
    differentiable=False,
    check=lambda x: ad.tensor(is_floating_point(x)),
)
def is_floating_point(input: Tensor) -> bool:  # noqa: A002
    """Whether ``input``'s dtype is a floating-point one.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_floating_point(autodiff.zeros(1)), autodiff.zeros(1).long().is_floating_point()
    (True, False)
    """
    return _t(input, "is_floating_point").data.dtype.kind == "f"


@R.op(
    samples=lambda: [_s(R.randn(2, 3))],
    method=True,
    differentiable=False,
    check=lambda x: ad.tensor(is_complex(x)),
)
def is_complex(input: Tensor) -> bool:  # noqa: A002
    """Whether ``input``'s dtype is complex (never, in autodiff).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_complex(autodiff.zeros(1))
    False
    """
    return _t(input, "is_complex").data.dtype.kind == "c"


@R.op(
    samples=lambda: [_s(R.randn(1))],
    method=True,
    differentiable=False,
    check=lambda x: ad.tensor(is_nonzero(x)),
)
def is_nonzero(input: Tensor) -> bool:  # noqa: A002
    """Whether the single value of a one-element tensor is not zero.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_nonzero(autodiff.tensor([0.5]))
    True
    """
    x = _t(input, "is_nonzero")
    if x.data.size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if x.data.size > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(x.data.reshape(()) != 0)


@R.op(samples=_UN, method=True)
def conj(input: Tensor) -> Tensor:  # noqa: A002
    """The complex conjugate: ``input`` itself (tensors are real here).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(2)
    >>> autodiff.conj(x) is x
    True
    """
    return _t(input, "conj")


@R.op(samples=_UN, method=True)
def conj_physical(input: Tensor) -> Tensor:  # noqa: A002
    """The complex conjugate, materialised: a copy of a real ``input``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.conj_physical(autodiff.tensor([1.0, -2.0]))
    Tensor([ 1., -2.])
    """
    return ad.clone(_t(input, "conj_physical"))


@R.op(samples=_UN, method=True)
def resolve_conj(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` (no lazy conjugation to resolve on real tensors).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.resolve_conj(autodiff.tensor([1.0]))
    Tensor([1.])
    """
    return _t(input, "resolve_conj")


@R.op(samples=_UN, method=True)
def resolve_neg(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` (no lazy negation to resolve).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.resolve_neg(autodiff.tensor([1.0]))
    Tensor([1.])
    """
    return _t(input, "resolve_neg")


@R.op(samples=_UN)
def real(input: Tensor) -> Tensor:  # noqa: A002
    """The real part: ``input`` itself (tensors are real here).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.real(autodiff.tensor([1.5]))
    Tensor([1.5])
    """
    return _t(input, "real")


@R.op(samples=lambda: [_s(R.randn(3))], differentiable=False, check=lambda x: imag(x))
def imag(input: Tensor) -> Tensor:  # noqa: A002
    """The imaginary part: refused on real tensors, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.imag(autodiff.ones(1))
    Traceback (most recent call last):
    RuntimeError: imag is not implemented for tensors with non-complex dtypes.
    """
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


R.REGISTRY["imag"].samples = lambda: []


@R.op(samples=lambda: [_s(R.away_from_zero(3, 4))], method=True)
def angle(input: Tensor) -> Tensor:  # noqa: A002
    """The argument: 0 for values >= 0, pi for negative ones (NaN stays NaN); its
    gradient is zero.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.angle(autodiff.tensor([2.0, -1.0]))
    Tensor([0.    , 3.1416])
    """
    x = _floatish(_t(input, "angle", "angle"))
    vals = np.where(x.data < 0, np.pi, 0.0).astype(x.data.dtype)
    vals = np.where(np.isnan(x.data), np.nan, vals).astype(x.data.dtype)
    return ad.add(ad.mul(x, 0.0), Tensor(vals)) if x.requires_grad else Tensor(vals)


def _pred_method(name: str, fn, doc_example: str, doc_out: str, nargs: int = 1):
    def f(input: Tensor, *args: object) -> bool:  # noqa: A002
        return fn(_t(input, "f"), *args)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""PyTorch's ``{name}`` (a Python bool).

    Examples
    --------
    >>> import autodiff
    >>> {doc_example}
    {doc_out}
    """
    return R.op(
        name,
        samples=lambda: [_s(*[R.randn(2, 3, seed=k) for k in range(nargs)])],
        method=True,
        differentiable=False,
        check=lambda *a: ad.tensor(f(*a)),
    )(f)


is_signed = _pred_method(
    "is_signed",
    lambda x: x.data.dtype.kind in "if",
    "autodiff.ones(1).is_signed(), autodiff.ones(1).to(autodiff.uint8).is_signed()",
    "(True, False)",
)
is_conj = _pred_method("is_conj", lambda x: False, "autodiff.ones(1).is_conj()", "False")
is_neg = _pred_method("is_neg", lambda x: False, "autodiff.ones(1).is_neg()", "False")
is_inference = _pred_method(
    "is_inference", lambda x: False, "autodiff.ones(1).is_inference()", "False"
)
is_same_size = _pred_method(
    "is_same_size",
    lambda x, y: x.shape == _t(y, "is_same_size", "other").shape,
    "autodiff.ones(2).is_same_size(autodiff.zeros(2))",
    "True",
    2,
)


# ------------------------------------------------------- dtype questions
def _dt(x):
    if isinstance(x, Tensor):
        return x.data.dtype, (2 if x.ndim else 1)
    if isinstance(x, (bool, np.bool_)):
        return np.dtype(np.bool_), 0
    if isinstance(x, (int, np.integer)):
        return np.dtype(np.int64), 0
    if isinstance(x, (float, np.floating)):
        return _dtypes.default_float(), 0
    return np.dtype(x), 2


def result_type(tensor: TensorLike, other: TensorLike) -> np.dtype:
    """The dtype PyTorch's promotion gives ``tensor`` op ``other`` (Tensors or
    Python numbers).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.result_type(autodiff.tensor([1, 2]), 1.0)
    dtype('float32')
    """
    (a, ra), (b, rb) = _dt(tensor), _dt(other)
    if ra == 0 and rb == 0:  # two Python numbers
        return a if _dtypes.rank(a) >= _dtypes.rank(b) else b
    if ra == 0 or rb == 0:
        t, n = (b, a) if ra == 0 else (a, b)
        return (
            t
            if _dtypes.rank(n) <= _dtypes.rank(t)
            else (_dtypes.default_float() if n.kind == "f" else np.dtype(np.int64))
        )
    return np.dtype(_dtypes.result_type((a, ra), (b, rb)))


def promote_types(type1: DTypeLike, type2: DTypeLike) -> np.dtype:
    """The smallest dtype both ``type1`` and ``type2`` convert to (PyTorch's table).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.promote_types(autodiff.int32, autodiff.float32)
    dtype('float32')
    """
    return np.dtype(_dtypes.result_type((np.dtype(type1), 2), (np.dtype(type2), 2)))


def can_cast(from_: DTypeLike, to: DTypeLike) -> bool:
    """Whether PyTorch's type promotion allows the cast (no float to integer, no
    number to bool).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.can_cast(autodiff.float64, autodiff.int32)
    False
    """
    f, t = np.dtype(from_), np.dtype(to)
    order = {"b": 0, "u": 1, "i": 1, "f": 2}
    return order[f.kind] <= order[t.kind]
