"""Type aliases for the public signatures (annotations only: nothing here runs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:  # (the aliases below are strings: these imports never run)
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

__all__ = ["DTypeLike", "DeviceLike", "Size", "TensorFn", "Tensors", "GeneratorLike"]
