"""Predicates (``isnan isinf isfinite``) and logical ops (``logical_and/or/xor/not``):
non-differentiable results, with PyTorch 2.13's semantics.
"""

from __future__ import annotations

import numpy as np

from .._typing import TensorLike
from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg, check_broadcast

# ------------------------------------------------ predicates, logical ops
from .math import _check_tensor


def _pred(np_fn, nonfloat_value: bool, name: str):
    def pred(input: TensorLike) -> Tensor:  # noqa: A002
        x = as_tensor_arg(input, name)
        d = x._data
        if d.dtype.kind == "f":
            return _make(np.asarray(np_fn(d)), None)
        return _make(np.full(d.shape, nonfloat_value), None)

    pred.__name__ = pred.__qualname__ = name
    return pred


def _pred_samples():
    return [
        R.Sample((R.Arg(np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.5])),)),
        R.Sample((R.tensor([1, 2], np.int64),), note="int"),
    ]


isnan = R.op("isnan", samples=_pred_samples, method=True, differentiable=False)(
    _pred(np.isnan, False, "isnan")
)
isnan.__doc__ = """True where ``input`` is NaN (never for integer and bool tensors).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isnan(autodiff.tensor([1.0, float("nan")]))
    Tensor([False,  True])
    """
isinf = R.op("isinf", samples=_pred_samples, method=True, differentiable=False)(
    _pred(np.isinf, False, "isinf")
)
isinf.__doc__ = """True where ``input`` is +inf or -inf.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isinf(autodiff.tensor([1.0, float("-inf")]))
    Tensor([False,  True])
    """
isfinite = R.op("isfinite", samples=_pred_samples, method=True, differentiable=False)(
    _pred(np.isfinite, True, "isfinite")
)
isfinite.__doc__ = """True where ``input`` is neither infinite nor NaN.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.isfinite(autodiff.tensor([1.0, float("inf")]))
    Tensor([ True, False])
    """


def _two_tensors(a, b, opname):
    _check_tensor(a, opname)
    _check_tensor(b, opname, "other")
    check_broadcast(opname, a.shape, b.shape)
    return a._data, b._data


def _logical(np_fn, name):
    def logical(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
        da, db = _two_tensors(input, other, name)
        return _make(np.asarray(np_fn(da, db)), None)

    logical.__name__ = logical.__qualname__ = name
    logical.__doc__ = f"""Elementwise logical {name[8:]} of the truth values (nonzero) of two
    tensors of any dtypes; a bool result.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.{name}(autodiff.tensor([0.0, 1.0]), autodiff.tensor([1, 1])).tolist()
    {np_fn([0.0, 1.0], [1, 1]).tolist()!r}
    """
    return R.op(
        name,
        samples=lambda: [
            R.Sample(
                (
                    R.Arg(np.array([[0.0, 1.5, -0.0], [np.nan, 0.0, 2.0]])),
                    R.Arg(np.array([1.0, 0.0, 0.0])),
                )
            ),
            R.Sample(
                (R.tensor([0, 3, 0], np.int64), R.tensor([True, True, False], bool)),
                note="int, bool",
            ),
        ],
        method=True,
        differentiable=False,
        errors=lambda: [
            R.ErrorInput((R.tensor([1.0]), 2), error=TypeError, match="must be Tensor, not int"),
        ],
    )(logical)


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


@R.op(
    samples=lambda: [
        R.Sample((R.Arg(np.array([0.0, -0.0, 1.5, np.nan])),)),
        R.Sample((R.tensor([0, 3], np.int64),), note="int"),
    ],
    method=True,
    differentiable=False,
)
def logical_not(input: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise logical not of the truth values (nonzero) of a tensor; a bool result.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.logical_not(autodiff.tensor([0.0, 2.0]))
    Tensor([ True, False])
    """
    return _make(np.asarray(np.logical_not(as_tensor_arg(input, "logical_not")._data)), None)
