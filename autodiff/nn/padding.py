"""The padding layers (Zero/Constant/Reflection/Replication/CircularPad1d/2d), over
``nn.functional.pad`` (issue 17)."""

from __future__ import annotations

from collections.abc import Sequence

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _Pad(Module):
    mode = "constant"
    n = 2

    def __init__(self, padding: int | Sequence[int], value: float = 0.0) -> None:
        super().__init__()
        pad = (padding,) * (2 * self.n) if isinstance(padding, int) else tuple(padding)
        self.padding, self.value = pad, value

    def forward(self, input: Tensor) -> Tensor:
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


def _pad_class(name: str, mode: str, n: int, doc_example: str, with_value: bool) -> type:
    cls = type(name, (_Pad,), {"mode": mode, "n": n})
    if not with_value:
        cls.__init__ = lambda self, padding: _Pad.__init__(self, padding)  # type: ignore[method-assign]
        cls.__init__.__annotations__ = {"padding": "int | Sequence[int]", "return": "None"}
    cls.__doc__ = f"""Pad the last {n} dimension(s) of the input ({mode!r} mode, as
    :func:`autodiff.nn.functional.pad`); ``padding`` an int or
    ({", ".join(["left, right", "top, bottom"][:n])}).

    Examples
    --------
    >>> import autodiff
    >>> {doc_example}
    """
    cls.__module__ = __name__
    cls.__qualname__ = name
    return cls


ZeroPad1d = _pad_class("ZeroPad1d", "constant", 1,
                       "autodiff.nn.ZeroPad1d(1)(autodiff.ones(1, 2)).shape\n    (1, 4)", False)
ZeroPad2d = _pad_class("ZeroPad2d", "constant", 2,
                       "autodiff.nn.ZeroPad2d(1)(autodiff.ones(1, 2, 2)).shape\n    (1, 4, 4)",
                       False)
ConstantPad1d = _pad_class(
    "ConstantPad1d", "constant", 1,
    "autodiff.nn.ConstantPad1d(1, 3.0)(autodiff.zeros(1, 1))\n    Tensor([[3., 0., 3.]])", True)
ConstantPad2d = _pad_class(
    "ConstantPad2d", "constant", 2,
    "autodiff.nn.ConstantPad2d((1, 0, 0, 0), 3.0)(autodiff.zeros(1, 1, 1))\n"
    "    Tensor([[[3., 0.]]])", True)
ReflectionPad1d = _pad_class(
    "ReflectionPad1d", "reflect", 1,
    "autodiff.nn.ReflectionPad1d(1)(autodiff.tensor([[1.0, 2.0, 3.0]]))\n"
    "    Tensor([[2., 1., 2., 3., 2.]])", False)
ReflectionPad2d = _pad_class(
    "ReflectionPad2d", "reflect", 2,
    "autodiff.nn.ReflectionPad2d(1)(autodiff.ones(1, 2, 2)).shape\n    (1, 4, 4)", False)
ReplicationPad1d = _pad_class(
    "ReplicationPad1d", "replicate", 1,
    "autodiff.nn.ReplicationPad1d(1)(autodiff.tensor([[1.0, 2.0]]))\n"
    "    Tensor([[1., 1., 2., 2.]])", False)
ReplicationPad2d = _pad_class(
    "ReplicationPad2d", "replicate", 2,
    "autodiff.nn.ReplicationPad2d(1)(autodiff.ones(1, 2, 2)).shape\n    (1, 4, 4)", False)
CircularPad1d = _pad_class(
    "CircularPad1d", "circular", 1,
    "autodiff.nn.CircularPad1d(1)(autodiff.tensor([[1.0, 2.0, 3.0]]))\n"
    "    Tensor([[3., 1., 2., 3., 1.]])", False)
CircularPad2d = _pad_class(
    "CircularPad2d", "circular", 2,
    "autodiff.nn.CircularPad2d(1)(autodiff.ones(1, 2, 2)).shape\n    (1, 4, 4)", False)
