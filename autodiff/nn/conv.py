"""Conv2d, MaxPool2d and AvgPool2d layers (NCHW)."""

from __future__ import annotations

import math

from ..tensor import Tensor
from . import functional as F
from . import init
from .linear import _param
from .module import Module


def _pair(v, name: str) -> tuple[int, int]:
    if isinstance(v, int):
        return (v, v)
    try:
        a, b = v
        return (int(a), int(b))
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an int or a pair of ints, got {v!r}") from None


class Conv2d(Module):
    """2-d convolution over NCHW input; weight (out_channels, in_channels, kh, kw).

    Initialised as PyTorch (kaiming_uniform(a=sqrt(5)); bias U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) with fan_in = in_channels * kh * kw).

    Examples
    --------
    >>> import autodiff
    >>> conv = autodiff.nn.Conv2d(1, 16, 3, padding=1)
    >>> conv(autodiff.zeros(2, 1, 28, 28)).shape
    (2, 16, 28, 28)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _pair(kernel_size, "Conv2d: kernel_size")
        self.stride = _pair(stride, "Conv2d: stride")
        self.padding = _pair(padding, "Conv2d: padding")
        for what, v, low in (("kernel_size", self.kernel_size, 1), ("stride", self.stride, 1),
                             ("padding", self.padding, 0)):  # fmt: skip
            if min(v) < low:
                raise ValueError(f"Conv2d: {what} must be >= {low}, got {v}")
        self.weight = _param(self.out_channels, self.in_channels, *self.kernel_size)
        self.bias = _param(self.out_channels) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weights with PyTorch's default initialisation."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"Conv2d expects a Tensor, got {type(input).__name__}")
        name = f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size})"
        if input.ndim not in (3, 4):
            raise ValueError(
                f"{name} expects a 4-d input (N, C, H, W) (or 3-d (C, H, W)), got shape "
                f"{input.shape}"
            )
        if input.shape[-3] != self.in_channels:
            raise ValueError(
                f"{name} expects input with {self.in_channels} channels (dimension -3), got "
                f"shape {input.shape}"
            )
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.bias is None:
            s += ", bias=False"
        return s


class MaxPool2d(Module):
    """Max over kernel_size windows (stride defaults to kernel_size).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.MaxPool2d(2)(autodiff.zeros(1, 3, 8, 8)).shape
    (1, 3, 4, 4)
    """

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, input: Tensor) -> Tensor:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """Mean over kernel_size windows (stride defaults to kernel_size).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AvgPool2d(2)(autodiff.ones(1, 1, 4, 4))
    Tensor([[[[1., 1.],
              [1., 1.]]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad: bool = True):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.count_include_pad
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
