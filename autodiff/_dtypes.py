"""Dtypes, the default floating dtype, and PyTorch's type-promotion rules."""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
float16 = np.dtype(np.float16)
int64 = np.dtype(np.int64)
int32 = np.dtype(np.int32)
bool_ = np.dtype(np.bool_)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)


class _NoBfloat16:
    """``autodiff.bfloat16``: NumPy has no bfloat16, so using it raises a clear error.

    Examples
    --------
    >>> import autodiff
    >>> try:
    ...     autodiff.zeros(2, dtype=autodiff.bfloat16)
    ... except TypeError as err:
    ...     print(str(err).split(";")[0])
    autodiff has no bfloat16 (NumPy has none)
    """

    _MSG = (
        "autodiff has no bfloat16 (NumPy has none); use autodiff.float32, or "
        "autodiff.float16 for half precision"
    )

    @property
    def dtype(self):
        raise TypeError(self._MSG)

    def __repr__(self) -> str:
        return "autodiff.bfloat16"

    def __eq__(self, other) -> bool:
        return other is self

    __hash__ = object.__hash__


bfloat16 = _NoBfloat16()

_default = [float32]


def set_default_dtype(d: DTypeLike) -> None:
    """Set the dtype that Python floats and float factories produce.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.set_default_dtype(autodiff.float64)
    >>> autodiff.tensor([1.0]).dtype
    dtype('float64')
    >>> autodiff.set_default_dtype(autodiff.float32)
    """
    dtype = np.dtype(d)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype needs a floating dtype, got {dtype}")
    _default[0] = dtype


def get_default_dtype() -> np.dtype:
    """Return the current default floating dtype (float32 unless changed).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.get_default_dtype()
    dtype('float32')
    """
    return _default[0]


def default_float() -> np.dtype:
    """The default floating dtype (what ``autodiff.get_default_dtype()`` returns):
    float32 unless ``set_default_dtype`` changed it.

    Examples
    --------
    >>> from autodiff._dtypes import default_float
    >>> default_float()
    dtype('float32')
    """
    return _default[0]


# category ranks: bool < integer < floating
_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}


def rank(dtype: np.dtype) -> int:
    return _RANK.get(dtype.kind, 3)


def is_floating(dtype: np.dtype) -> bool:
    return dtype.kind == "f"


def result_type(*operands) -> np.dtype:
    """PyTorch promotion over (dtype, tier) pairs.

    tier 2: tensors with dimensions, 1: 0-d tensors, 0: Python scalars.
    A lower tier only matters when its category is higher than every
    higher tier's; Python floats then give the default dtype.
    """
    best_rank = -1
    best_tier = -1
    dtypes: list[np.dtype] = []
    for dtype, tier in operands:
        r = rank(dtype)
        if r > best_rank or (r == best_rank and tier > best_tier):
            best_rank, best_tier = r, tier
    # promote among operands of the winning category at the highest tier present for it
    dtypes = [d for d, t in operands if rank(d) == best_rank and t == best_tier]
    if best_tier == 0:
        if best_rank == 2:
            return default_float()
        if best_rank == 1:
            return int64
        return bool_
    return np.result_type(*dtypes)


def finfo(type: DTypeLike = None) -> np.finfo:  # noqa: A002 - PyTorch's name
    """The limits of a floating dtype (the default one when not given): ``eps``,
    ``max``, ``min``, ``tiny``, ``bits``, ``resolution``, as ``numpy.finfo``.

    Examples
    --------
    >>> import autodiff
    >>> float(autodiff.finfo(autodiff.float32).eps)
    1.1920928955078125e-07
    """
    dt = default_float() if type is None else np.dtype(type)
    if dt.kind != "f":
        raise TypeError(f"finfo: needs a floating dtype, got {dt}; use iinfo for integers")
    return np.finfo(dt)


def iinfo(type: DTypeLike) -> np.iinfo:  # noqa: A002 - PyTorch's name
    """The limits of an integer dtype (``min``, ``max``, ``bits``), as ``numpy.iinfo``.

    Examples
    --------
    >>> import autodiff
    >>> int(autodiff.iinfo(autodiff.int64).max)
    9223372036854775807
    """
    dt = np.dtype(type)
    if dt.kind not in "iub":
        raise TypeError(f"iinfo: needs an integer dtype, got {dt}; use finfo for floats")
    return np.iinfo(np.uint8 if dt.kind == "b" else dt)

