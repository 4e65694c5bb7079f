"""Fold/Unfold (im2col and back) and PixelShuffle/PixelUnshuffle: layers that move
values between spatial positions and channels, over ``nn.functional`` (issue 17)."""

from __future__ import annotations

from collections.abc import Sequence

from ..ops import nn_functional as X
from ..tensor import Tensor
from . import functional as F
from .module import Module


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
