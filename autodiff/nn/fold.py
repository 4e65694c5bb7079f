"""Fold/Unfold (im2col and back), PixelShuffle/PixelUnshuffle and ChannelShuffle: layers
that move values between spatial positions and channels, over ``nn.functional``."""

from __future__ import annotations

from collections.abc import Sequence

from ..ops import nn_functional as X
from ..tensor import Tensor
from . import functional as F
from .functional import _float
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


# ------------------------------------------------------------ channel shuffle
def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """Interleave the channels of (N, C, *) input from ``groups`` groups (ShuffleNet):
    (N, g, C/g, *) transposed to (N, C/g, g, *).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.channel_shuffle(autodiff.arange(4.0).reshape(1, 4, 1), 2).reshape(-1)
    Tensor([0., 2., 1., 3.])
    """
    x = input if isinstance(input, Tensor) else _float(input, "channel_shuffle: input")
    if x.ndim < 3 or groups < 1 or x.shape[1] % groups:
        raise ValueError(
            f"channel_shuffle: needs (N, C, *) input with C divisible by groups={groups}, "
            f"got shape {x.shape}"
        )
    n, c = x.shape[:2]
    rest = x.shape[2:]
    return x.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle


class ChannelShuffle(Module):
    """:func:`channel_shuffle` as a module.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.ChannelShuffle(2)(autodiff.arange(4.0).reshape(1, 4, 1)).reshape(-1)
    Tensor([0., 2., 1., 3.])
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
