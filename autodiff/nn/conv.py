"""Conv1d, Conv2d, ConvTranspose1d/2d layers (the pooling layers are in ``pooling.py``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .._typing import IntOrTuple
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


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(v, n: int, name: str) -> tuple:
    if isinstance(v, int):
        return (v,) * n
    try:
        t = tuple(int(a) for a in v)
    except (TypeError, ValueError):
        t = ()
    if len(t) != n:
        raise TypeError(f"{name} must be an int or a tuple of {n} ints, got {v!r}")
    return t


class _ConvNd(Module):
    """Shared constructor, initialisation and repr of the conv layers (as PyTorch's _ConvNd)."""

    _dims = 2
    _transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrTuple,
        stride: IntOrTuple = 1,
        padding: IntOrTuple | str = 0,
        dilation: IntOrTuple = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        output_padding: IntOrTuple = 0,
    ) -> None:
        super().__init__()
        cls, n = type(self).__name__, self._dims
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.groups = int(groups)
        if self.groups < 1:
            raise ValueError(f"{cls}: groups must be a positive integer, got {groups!r}")
        if self.in_channels % self.groups:
            raise ValueError(f"{cls}: in_channels must be divisible by groups")
        if self.out_channels % self.groups:
            raise ValueError(f"{cls}: out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"{cls}: padding_mode must be one of {_PADDING_MODES}, but got "
                f"padding_mode={padding_mode!r}"
            )
        if self._transposed and padding_mode != "zeros":
            raise ValueError(f'{cls}: only "zeros" padding mode is supported')
        self.padding_mode = padding_mode
        self.kernel_size = _ntuple(kernel_size, n, f"{cls}: kernel_size")
        self.stride = _ntuple(stride, n, f"{cls}: stride")
        self.dilation = _ntuple(dilation, n, f"{cls}: dilation")
        self.output_padding = _ntuple(output_padding, n, f"{cls}: output_padding")
        if isinstance(padding, str):
            if padding not in ("same", "valid") or self._transposed:
                raise ValueError(
                    f"{cls}: invalid padding string {padding!r}, should be one of "
                    "{'valid', 'same'}"
                    + (" (not for transposed convolutions)" if self._transposed else "")
                )
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{cls}: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _ntuple(padding, n, f"{cls}: padding")
        for what, v, low in (("kernel_size", self.kernel_size, 1), ("stride", self.stride, 1),
                             ("dilation", self.dilation, 1),
                             ("output_padding", self.output_padding, 0)):  # fmt: skip
            if min(v) < low:
                raise ValueError(f"{cls}: {what} must be >= {low}, got {v}")
        if not isinstance(self.padding, str) and min(self.padding) < 0:
            raise ValueError(f"{cls}: padding must be >= 0, got {self.padding}")
        self._reversed_padding_repeated_twice = self._pad_amounts()
        if self._transposed:
            shape = (self.in_channels, self.out_channels // self.groups)
        else:
            shape = (self.out_channels, self.in_channels // self.groups)
        self.weight = _param(*shape, *self.kernel_size)
        self.bias = _param(self.out_channels) if bias else None
        self.reset_parameters()

    def _pad_amounts(self) -> tuple:
        """F.pad's amounts (last dimension first) for a padding_mode other than zeros."""
        if self.padding == "valid":
            return (0, 0) * self._dims
        amounts = []
        for i in reversed(range(self._dims)):
            if self.padding == "same":  # as PyTorch: any odd pixel goes on the right
                total = self.dilation[i] * (self.kernel_size[i] - 1)
                amounts += [total // 2, total - total // 2]
            else:
                amounts += [self.padding[i]] * 2
        return tuple(amounts)

    def _padded(self, input: Tensor):
        """``(input, padding)`` for the convolution: with a padding_mode other than zeros,
        the input padded by F.pad and padding 0, as PyTorch."""
        if self.padding_mode == "zeros":
            return input, self.padding
        x = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
        return x, (0,) * self._dims

    def reset_parameters(self) -> None:
        """Re-draw the weights with PyTorch's default initialisation.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> layer = nn.Conv2d(1, 2, 3)
        >>> with autodiff.no_grad():
        ...     _ = layer.weight.fill_(0.0)
        >>> layer.reset_parameters()
        >>> bool((layer.weight != 0).any())
        True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def _check_input(self, input) -> None:
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__} expects a Tensor, got {type(input).__name__}")
        n = self._dims
        name = (
            f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
            f"kernel_size={self.kernel_size})"
        )
        axes = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}[n]
        if input.ndim not in (n + 1, n + 2):
            raise ValueError(
                f"{name} expects a {n + 2}-d input {axes} (or {n + 1}-d unbatched), got shape "
                f"{input.shape}"
            )
        if input.shape[-n - 1] != self.in_channels:
            raise ValueError(
                f"{name} expects input with {self.in_channels} channels (dimension {-n - 1}), "
                f"got shape {input.shape}"
            )

    def extra_repr(self) -> str:
        n = self._dims
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """2-d convolution over NCHW input; weight (out_channels, in_channels/groups, kh, kw).

    Initialised as PyTorch (kaiming_uniform(a=sqrt(5)); bias U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) with fan_in = in_channels/groups * kh * kw). ``padding`` may
    be "same" or "valid".

    Examples
    --------
    >>> import autodiff
    >>> conv = autodiff.nn.Conv2d(1, 16, 3, padding=1)
    >>> conv(autodiff.zeros(2, 1, 28, 28)).shape
    (2, 16, 28, 28)
    >>> autodiff.nn.Conv2d(4, 6, 3, padding="same", dilation=2, groups=2)
    Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple,
                 stride: IntOrTuple = 1, padding: IntOrTuple | str = 0,
                 dilation: IntOrTuple = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros") -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode)  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        x, padding = self._padded(input)
        return F.conv2d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    """1-d convolution over NCL input; weight (out_channels, in_channels/groups, k).

    Initialised as PyTorch, like :class:`Conv2d`.

    Examples
    --------
    >>> import autodiff
    >>> conv = autodiff.nn.Conv1d(4, 6, 3, stride=2)
    >>> conv
    Conv1d(4, 6, kernel_size=(3,), stride=(2,))
    >>> conv(autodiff.zeros(2, 4, 9)).shape
    (2, 6, 4)
    """

    _dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple,
                 stride: IntOrTuple = 1, padding: IntOrTuple | str = 0,
                 dilation: IntOrTuple = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros") -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode)  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        x, padding = self._padded(input)
        p = padding if isinstance(padding, str) else padding[0]
        return F.conv1d(x, self.weight, self.bias, self.stride[0], p, self.dilation[0], self.groups)


class _ConvTransposeNd(_ConvNd):
    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple,
                 stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                 output_padding: IntOrTuple = 0, groups: int = 1, bias: bool = True,
                 dilation: IntOrTuple = 1,
                 padding_mode: str = "zeros") -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding)  # fmt: skip

    def _output_padding(self, input: Tensor, output_size) -> tuple:
        if output_size is None:
            return self.output_padding
        n = self._dims
        output_size = tuple(int(v) for v in output_size)[-n:]
        if len(output_size) != n:
            raise ValueError(f"{type(self).__name__}: output_size must have {n} or more elements")
        res = []
        for i in range(n):
            size = input.shape[-n + i]
            lo = ((size - 1) * self.stride[i] - 2 * self.padding[i]
                  + self.dilation[i] * (self.kernel_size[i] - 1) + 1)  # fmt: skip
            hi = lo + self.stride[i] - 1
            if not lo <= output_size[i] <= hi:
                raise ValueError(
                    f"{type(self).__name__}: requested an output size of {output_size}, but "
                    f"valid sizes along dimension {i} range from {lo} to {hi}"
                )
            res.append(output_size[i] - lo)
        return tuple(res)


class ConvTranspose2d(_ConvTransposeNd):
    """2-d transposed convolution; weight (in_channels, out_channels/groups, kh, kw).

    ``forward(input, output_size=None)``: ``output_size`` picks the output
    padding, as PyTorch. Initialised as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> up = autodiff.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1)
    >>> up
    ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))
    >>> up(autodiff.zeros(1, 4, 5, 5)).shape
    (1, 2, 10, 10)
    """

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        self._check_input(input)
        return F.conv_transpose2d(
            input, self.weight, self.bias, self.stride, self.padding,
            self._output_padding(input, output_size), self.groups, self.dilation,
        )  # fmt: skip


class ConvTranspose1d(_ConvTransposeNd):
    """1-d transposed convolution; weight (in_channels, out_channels/groups, k).

    Examples
    --------
    >>> import autodiff
    >>> up = autodiff.nn.ConvTranspose1d(4, 2, 3, stride=2)
    >>> up
    ConvTranspose1d(4, 2, kernel_size=(3,), stride=(2,))
    >>> up(autodiff.zeros(1, 4, 5)).shape
    (1, 2, 11)
    """

    _dims = 1

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        self._check_input(input)
        return F.conv_transpose1d(
            input, self.weight, self.bias, self.stride[0], self.padding[0],
            self._output_padding(input, output_size)[0], self.groups, self.dilation[0],
        )  # fmt: skip
