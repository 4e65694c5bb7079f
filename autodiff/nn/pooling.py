"""Pooling, unpooling and upsampling layers: thin modules over ``nn.functional``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from .._typing import IntOrTuple
from ..ops import nn_functional as X
from ..tensor import Tensor
from . import functional as F
from .conv import _ntuple
from .module import Module


class MaxPool2d(Module):
    """Max over sliding windows (stride defaults to kernel_size), as ``F.max_pool2d``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.MaxPool2d(2)(autodiff.zeros(1, 3, 8, 8)).shape
    (1, 3, 4, 4)
    >>> autodiff.nn.MaxPool2d(3, stride=2, ceil_mode=True)
    MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True)
    """

    def __init__(self, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
                 padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(MaxPool2d):
    """Max over sliding windows of (N, C, L) input, as ``F.max_pool1d``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.MaxPool1d(3, stride=2)(autodiff.zeros(2, 4, 9)).shape
    (2, 4, 4)
    """

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)  # fmt: skip


class AvgPool2d(Module):
    """Mean over sliding windows (stride defaults to kernel_size), as ``F.avg_pool2d``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AvgPool2d(2)(autodiff.ones(1, 1, 4, 4))
    Tensor([[[[1., 1.],
              [1., 1.]]]])
    """

    def __init__(
        self,
        kernel_size: IntOrTuple,
        stride: IntOrTuple | None = None,
        padding: IntOrTuple = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _single(v) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


class AvgPool1d(Module):
    """Mean over sliding windows of (N, C, L) input, as ``F.avg_pool1d``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AvgPool1d(2)
    AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))
    >>> autodiff.nn.AvgPool1d(2)(autodiff.ones(1, 1, 5))
    Tensor([[[1., 1.]]])
    """

    def __init__(self, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
                 padding: IntOrTuple = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(kernel_size if stride is None else stride)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(Module):
    """The partial inverse of ``MaxPool2d``, as ``F.max_unpool2d``;
    ``forward(input, indices, output_size=None)``.

    Examples
    --------
    >>> import autodiff
    >>> pool, unpool = autodiff.nn.MaxPool2d(2, return_indices=True), autodiff.nn.MaxUnpool2d(2)
    >>> out, idx = pool(autodiff.randn(1, 1, 5, 5))
    >>> unpool(out, idx, output_size=(5, 5)).shape
    (1, 1, 5, 5)
    """

    _dims = 2

    def __init__(
        self, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0
    ) -> None:
        super().__init__()
        n, cls = self._dims, type(self).__name__
        self.kernel_size = _ntuple(kernel_size, n, f"{cls}: kernel_size")
        self.stride = _ntuple(kernel_size if stride is None else stride, n, f"{cls}: stride")
        self.padding = _ntuple(padding, n, f"{cls}: padding")

    def forward(
        self, input: Tensor, indices: Tensor, output_size: Sequence[int] | None = None
    ) -> Tensor:
        unpool = F.max_unpool2d if self._dims == 2 else F.max_unpool1d
        return unpool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(MaxUnpool2d):
    """The partial inverse of ``MaxPool1d``, as ``F.max_unpool1d``.

    Examples
    --------
    >>> import autodiff
    >>> out, idx = autodiff.nn.MaxPool1d(2, return_indices=True)(autodiff.randn(1, 2, 6))
    >>> autodiff.nn.MaxUnpool1d(2)(out, idx).shape
    (1, 2, 6)
    """

    _dims = 1


class AdaptiveAvgPool2d(Module):
    """Average pooling onto a fixed ``output_size`` (int or pair; None keeps a size).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AdaptiveAvgPool2d((1, 2))(autodiff.ones(2, 3, 5, 4)).shape
    (2, 3, 1, 2)
    """

    def __init__(self, output_size: int | None | Sequence[int | None]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max pooling onto a fixed ``output_size``; ``return_indices`` as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AdaptiveMaxPool2d(1)(autodiff.arange(4.0).reshape(1, 1, 2, 2))
    Tensor([[[[3.]]]])
    """

    def __init__(
        self, output_size: int | None | Sequence[int | None], return_indices: bool = False
    ) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class Upsample(Module):
    """Resize with ``F.interpolate`` (any of its modes; ``antialias`` is not supported).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Upsample(scale_factor=2)(autodiff.ones(1, 1, 2, 3)).shape
    (1, 1, 4, 6)
    """

    def __init__(
        self,
        size: IntOrTuple | None = None,
        scale_factor: float | Sequence[float] | None = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, int) else scale_factor
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(
            input,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


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


__all__ = [
    "MaxPool2d",
    "MaxPool1d",
    "AvgPool2d",
    "AvgPool1d",
    "MaxUnpool2d",
    "MaxUnpool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "Upsample",
    "AdaptiveAvgPool1d",
]


def adaptive_max_pool1d(input: Tensor, output_size: int,  # noqa: A002
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max pooling of (N, C, L) or (C, L) input onto ``output_size`` positions;
    ``return_indices`` also gives each maximum's position in L (int64).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.adaptive_max_pool1d(autodiff.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    Tensor([[[3., 2.]]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"adaptive_max_pool1d: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (2, 3):
        raise ValueError(f"adaptive_max_pool1d: expected 2D or 3D input, got {input.ndim}D")
    size = _ntuple(output_size, 1, "adaptive_max_pool1d: output_size")[0]
    out = F.adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


class AdaptiveMaxPool1d(Module):
    """:func:`adaptive_max_pool1d` as a module.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AdaptiveMaxPool1d(1)(autodiff.tensor([[[1.0, 3.0, 2.0]]]))
    Tensor([[[3.]]])
    """

    def __init__(self, output_size: int, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor) -> Tensor | tuple[Tensor, Tensor]:  # noqa: A002
        return adaptive_max_pool1d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


def upsample(input: Tensor, size: IntOrTuple | None = None,  # noqa: A002
             scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """PyTorch's deprecated name of :func:`interpolate` (with its warning).

    Examples
    --------
    >>> import warnings, autodiff
    >>> from autodiff.nn import functional as F
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample(autodiff.ones(1, 1, 2), scale_factor=2).shape
    (1, 1, 4)
    """
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate "
                  "instead.", UserWarning, stacklevel=2)
    return F.interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: IntOrTuple | None = None,  # noqa: A002
                     scale_factor: float | Sequence[float] | None = None) -> Tensor:
    """PyTorch's deprecated ``interpolate(..., mode="nearest")`` (with its warning).

    Examples
    --------
    >>> import warnings, autodiff
    >>> from autodiff.nn import functional as F
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample_nearest(autodiff.ones(1, 1, 2, 2), 4).shape
    (1, 1, 4, 4)
    """
    warnings.warn("nn.functional.upsample_nearest is deprecated. Use "
                  "nn.functional.interpolate instead.", UserWarning, stacklevel=2)
    return F.interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: IntOrTuple | None = None,  # noqa: A002
                      scale_factor: float | Sequence[float] | None = None) -> Tensor:
    """PyTorch's deprecated ``interpolate(..., mode="bilinear", align_corners=True)``
    (with its warning).

    Examples
    --------
    >>> import warnings, autodiff
    >>> from autodiff.nn import functional as F
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample_bilinear(autodiff.ones(1, 1, 2, 2), scale_factor=2).shape
    (1, 1, 4, 4)
    """
    warnings.warn("nn.functional.upsample_bilinear is deprecated. Use "
                  "nn.functional.interpolate instead.", UserWarning, stacklevel=2)
    return F.interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


class UpsamplingNearest2d(Upsample):
    """:class:`Upsample` with ``mode="nearest"`` (PyTorch's older layer).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.UpsamplingNearest2d(scale_factor=2)(autodiff.ones(1, 1, 2, 2)).shape
    (1, 1, 4, 4)
    """

    def __init__(self, size: IntOrTuple | None = None,
                 scale_factor: float | Sequence[float] | None = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """:class:`Upsample` with ``mode="bilinear", align_corners=True`` (PyTorch's older
    layer).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.UpsamplingBilinear2d(size=3)(autodiff.ones(1, 1, 2, 2)).shape
    (1, 1, 3, 3)
    """

    def __init__(self, size: IntOrTuple | None = None,
                 scale_factor: float | Sequence[float] | None = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
