"""Bitwise ops (``bitwise_and/or/xor/not``, ``bitwise_left_shift/right_shift``) on
integer and bool tensors: non-differentiable results, with PyTorch 2.13's semantics.
"""

from __future__ import annotations

import numpy as np

from .._typing import TensorLike
from ..tensor import Tensor, _make
from . import registry as R
from ._base import as_tensor_arg

# ---------------------------------------------------------------- bitwise
from .math import _binary_operands, _check_tensor, _not_implemented


def _int_operands(a, b, opname, kernel, allow_bool=True):
    _check_tensor(a, opname)
    a, b = _binary_operands(a, b, opname)
    dt = a._data.dtype
    if dt.kind not in ("biu" if allow_bool else "iu"):
        raise _not_implemented(kernel, dt)
    return a._data, b._data


def _bitwise(np_fn, name):
    def bitwise(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
        da, db = _int_operands(input, other, name, f"{name}_cpu")
        return _make(np.asarray(np_fn(da, db)), None)

    bitwise.__name__ = bitwise.__qualname__ = name
    bitwise.__doc__ = f"""Elementwise bitwise {name[8:]} of integer or bool tensors (a Python int
    operand too); floating tensors raise, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.{name}(autodiff.tensor([12, 10]), autodiff.tensor([10, 6])).tolist()
    {np.asarray(np_fn([12, 10], [10, 6])).tolist()!r}
    """
    return R.op(
        name,
        samples=lambda: [
            R.Sample(
                (R.tensor([[12, -3, 0], [7, 255, -128]], np.int64), R.tensor([10, 6, -1], np.int64))
            ),
            R.Sample(
                (R.tensor([True, False, True], bool), R.tensor([True, True, False], bool)),
                note="bool",
            ),
            R.Sample((R.tensor([5, 9], np.int32), 3), note="int32, scalar"),
        ],
        method=True,
        differentiable=False,
        errors=lambda: [
            R.ErrorInput(
                (R.tensor([1.0]), R.tensor([1.0])),
                error=NotImplementedError,
                match=f"{name}_cpu\" not implemented for 'Float'",
            )
        ],
    )(bitwise)


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")


@R.op(
    samples=lambda: [
        R.Sample((R.tensor([[12, -3, 0]], np.int64),)),
        R.Sample((R.tensor([True, False], bool),), note="bool"),
    ],
    method=True,
    differentiable=False,
    errors=lambda: [
        R.ErrorInput(
            (R.tensor([1.0]),),
            error=NotImplementedError,
            match="bitwise_not_cpu\" not implemented for 'Float'",
        )
    ],
)
def bitwise_not(input: TensorLike) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise bitwise not (``~``) of an integer tensor; logical not of a bool one.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.bitwise_not(autodiff.tensor([0, 5])).tolist()
    [-1, -6]
    """
    x = as_tensor_arg(input, "bitwise_not")
    if x._data.dtype.kind not in "biu":
        raise _not_implemented("bitwise_not_cpu", x._data.dtype)
    return _make(np.asarray(np.invert(x._data)), None)


def _shift(a, s, left: bool):
    """PyTorch's shifts: a shift by a negative amount or by the width or more gives 0
    (left) or the sign fill (right)."""
    bits = a.dtype.itemsize * 8
    out_of_range = (s < 0) | (s >= bits)
    amount = np.where(out_of_range, 0, s).astype(a.dtype, copy=False)
    if left:
        with np.errstate(over="ignore"):
            shifted = np.left_shift(a, amount)
        return np.asarray(np.where(out_of_range, 0, shifted).astype(a.dtype, copy=False))
    fill = np.where(a < 0, -1, 0) if a.dtype.kind == "i" else 0
    shifted = np.right_shift(a, amount)
    return np.asarray(np.where(out_of_range, fill, shifted).astype(a.dtype, copy=False))


def _shift_op(left: bool, name: str, kernel: str):
    def shift(input: TensorLike, other: TensorLike) -> Tensor:  # noqa: A002
        da, db = _int_operands(input, other, name, kernel, allow_bool=False)
        return _make(_shift(da, db, left), None)

    shift.__name__ = shift.__qualname__ = name
    example = "[12, -28, 0]" if left else "[0, -2, 0]"
    shift.__doc__ = f"""Elementwise arithmetic {"left" if left else "right"} shift of an integer
    tensor by ``other`` bits (PyTorch's: a shift by a negative amount or by the width or
    more gives {"0" if left else "0 or -1"}).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.{name}(autodiff.tensor([3, -7, 0]), 2).tolist()
    {example}
    """
    return R.op(
        name,
        samples=lambda: [
            R.Sample(
                (R.tensor([[3, -7, 0], [1, -1, 100]], np.int64), R.tensor([2, 64, -1], np.int64))
            ),
            R.Sample((R.tensor([5, -9], np.int32), 3), note="int32, scalar"),
            R.Sample((R.tensor([5, 200], np.uint8), R.tensor([1, 9], np.uint8)), note="uint8"),
        ],
        method=True,
        differentiable=False,
        errors=lambda: [
            R.ErrorInput(
                (R.tensor([1.0]), 1),
                error=NotImplementedError,
                match=f"{kernel}\" not implemented for 'Float'",
            ),
            R.ErrorInput(
                (R.tensor([True], bool), R.tensor([True], bool)),
                error=NotImplementedError,
                match=f"{kernel}\" not implemented for 'Bool'",
            ),
        ],
    )(shift)


bitwise_left_shift = _shift_op(True, "bitwise_left_shift", "lshift_cpu")
bitwise_right_shift = _shift_op(False, "bitwise_right_shift", "rshift_cpu")
