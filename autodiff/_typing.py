"""Type aliases for the public signatures (annotations only: nothing here runs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:  # (the aliases below are strings: these imports never run)
    import numpy as np

    from .device import device
    from .random import Generator
    from .tensor import Tensor

# a dtype as the factories take it: autodiff.float32, numpy.float32, "float32", None
DTypeLike: TypeAlias = Any
# a device: "cpu", autodiff.device("cpu"), or None (the CPU)
DeviceLike: TypeAlias = "str | device | None"
# a shape as PyTorch's factories take it: zeros(2, 3) or zeros((2, 3))
Size: TypeAlias = "int | Sequence[int]"
# a function of Tensors, as gradcheck and autograd.functional take it
TensorFn: TypeAlias = Callable[..., Any]
# one Tensor or several
Tensors: TypeAlias = "Tensor | Sequence[Tensor]"
GeneratorLike: TypeAlias = "Generator | None"
# a Python number (bool included, as PyTorch's Number)
Number: TypeAlias = "int | float | bool"
# an op's operand: a Tensor, or what becomes one (a number, an ndarray, nested lists)
TensorLike: TypeAlias = "Tensor | int | float | bool | np.ndarray | Sequence[Any]"
# one dimension or several; None: all of them
Dims: TypeAlias = "int | Sequence[int] | None"
# a window's size, stride, padding, ...: one int for every spatial dimension, or one each
IntOrTuple: TypeAlias = "int | Sequence[int]"

__all__ = [
    "DTypeLike", "DeviceLike", "Size", "TensorFn", "Tensors", "GeneratorLike", "Number",
    "TensorLike", "Dims", "IntOrTuple",
]
