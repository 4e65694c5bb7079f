"""Adaptive pooling and upsampling layers (issue 17): thin modules over ``nn.functional``."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class AdaptiveAvgPool2d(Module):
    """Average pooling onto a fixed ``output_size`` (int or pair; None keeps a size).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.AdaptiveAvgPool2d((1, 2))(autodiff.ones(2, 3, 5, 4)).shape
    (2, 3, 1, 2)
    """

    def __init__(self, output_size):
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

    def __init__(self, output_size, return_indices: bool = False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class Upsample(Module):
    """Resize with ``F.interpolate`` (``nearest`` or ``bilinear``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Upsample(scale_factor=2)(autodiff.ones(1, 1, 2, 3)).shape
    (1, 1, 4, 6)
    """

    def __init__(
        self,
        size=None,
        scale_factor=None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ):
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


__all__ = ["AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Upsample"]
