"""PyTorch's further layers (issue 17): modules around functions that exist already
(pixel shuffles, shrinks, PReLU, padding, fold/unfold, distances, RMSNorm)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _dtypes
from ..ops import nn_functional as X
from ..tensor import Tensor
from . import functional as F
from .module import Module, Parameter


class PixelShuffle(Module):
    """:func:`autodiff.pixel_shuffle` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.PixelShuffle(2)(autodiff.zeros(1, 4, 2, 2)).shape
    (1, 1, 4, 4)
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = int(upscale_factor)

    def forward(self, input: Tensor) -> Tensor:
        return X.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """:func:`autodiff.pixel_unshuffle` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.PixelUnshuffle(2)(autodiff.zeros(1, 1, 4, 4)).shape
    (1, 4, 2, 2)
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = int(downscale_factor)

    def forward(self, input: Tensor) -> Tensor:
        return X.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class Hardshrink(Module):
    """:func:`autodiff.hardshrink` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Hardshrink()(autodiff.tensor([0.2, 1.0]))
    Tensor([0., 1.])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = float(lambd)

    def forward(self, input: Tensor) -> Tensor:
        return X.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Softshrink(Module):
    """:func:`autodiff.nn.functional.softshrink` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Softshrink(0.5)(autodiff.tensor([1.0, 0.2]))
    Tensor([0.5, 0. ])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = float(lambd)

    def forward(self, input: Tensor) -> Tensor:
        return X.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Tanhshrink(Module):
    """``x - tanh(x)`` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Tanhshrink()(autodiff.tensor([0.0]))
    Tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return X.tanhshrink(input)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Threshold(0.5, -1.0)(autodiff.tensor([0.2, 1.0]))
    Tensor([-1.,  1.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = float(threshold), float(value), inplace

    def forward(self, input: Tensor) -> Tensor:
        return X.threshold(input, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}"


class PReLU(Module):
    """``max(0, x) + weight * min(0, x)`` with a learned ``weight`` (one, or one per
    channel), initialised to ``init``.

    Examples
    --------
    >>> import autodiff
    >>> m = autodiff.nn.PReLU()
    >>> m(autodiff.tensor([-2.0, 1.0]))
    Tensor([-0.5,  1. ], grad_fn=<WhereBackward>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: object = None,
                 dtype: object = None) -> None:
        super().__init__()
        self.num_parameters = int(num_parameters)
        dt = _dtypes.default_float() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(Tensor(np.full(self.num_parameters, init, dtype=dt)))

    def forward(self, input: Tensor) -> Tensor:
        return X.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class AdaptiveAvgPool1d(Module):
    """:func:`autodiff.adaptive_avg_pool1d` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AdaptiveAvgPool1d(2)(autodiff.tensor([[[1.0, 2.0, 3.0, 4.0]]]))
    Tensor([[[1.5, 3.5]]])
    """

    def __init__(self, output_size: int) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return X.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class PairwiseDistance(Module):
    """:func:`autodiff.nn.functional.pairwise_distance` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.PairwiseDistance()(autodiff.zeros(1, 2), autodiff.tensor([[3.0, 4.0]]))
    Tensor([5.])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """:func:`autodiff.nn.functional.cosine_similarity` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.CosineSimilarity(dim=0)(autodiff.ones(2), autodiff.ones(2))
    Tensor(1.)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class Fold(Module):
    """:func:`autodiff.nn.functional.fold` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Fold((3, 3), 2)(autodiff.ones(1, 4, 4)).shape
    (1, 1, 3, 3)
    """

    def __init__(self, output_size: int | Sequence[int], kernel_size: int | Sequence[int],
                 dilation: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                 stride: int | Sequence[int] = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)


class Unfold(Module):
    """:func:`autodiff.nn.functional.unfold` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Unfold(2)(autodiff.ones(1, 1, 3, 3)).shape
    (1, 4, 4)
    """

    def __init__(self, kernel_size: int | Sequence[int], dilation: int | Sequence[int] = 1,
                 padding: int | Sequence[int] = 0, stride: int | Sequence[int] = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = (
            kernel_size, dilation, padding, stride)

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)


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


class Softmax2d(Module):
    """Softmax over the channels (dimension -3) of a (C, H, W) or (N, C, H, W) input.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Softmax2d()(autodiff.zeros(1, 2, 1, 1)).reshape(-1)
    Tensor([0.5, 0.5])
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(
                f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3)


class RMSNorm(Module):
    """Root-mean-square normalisation over the last dimensions ``normalized_shape``,
    with a learned per-element scale (``elementwise_affine``).

    Examples
    --------
    >>> import autodiff
    >>> m = autodiff.nn.RMSNorm(2, eps=0.0)
    >>> m(autodiff.tensor([[3.0, 4.0]]))
    Tensor([[0.8485, 1.1314]], grad_fn=<MulBackward>)
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: object = None,
                 dtype: object = None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
            normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.elementwise_affine = elementwise_affine
        dt = _dtypes.default_float() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(Tensor(np.ones(shape, dtype=dt))) if elementwise_affine \
            else None

    def forward(self, input: Tensor) -> Tensor:
        return X.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


__all__ = [
    "AdaptiveAvgPool1d", "CircularPad1d", "CircularPad2d", "ConstantPad1d", "ConstantPad2d",
    "CosineSimilarity", "Fold", "Hardshrink", "PReLU", "PairwiseDistance", "PixelShuffle",
    "PixelUnshuffle", "RMSNorm", "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d",
    "ReplicationPad2d", "Softmax2d", "Softshrink", "Tanhshrink", "Threshold", "Unfold",
    "ZeroPad1d", "ZeroPad2d",
]  # fmt: skip
