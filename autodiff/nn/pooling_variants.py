"""PyTorch's further pooling: power-average pooling (``lp_pool1d/2d``, ``LPPool1d/2d``)
and the ``*_with_indices`` names, built of the declared ops. The functional forms
are also ``autodiff.nn.functional.<name>``; loaded on first use.

Examples
--------
>>> import autodiff
>>> from autodiff.nn import functional as F
>>> F.lp_pool1d(autodiff.tensor([[[3.0, 4.0]]]), 2, 2)
Tensor([[[5.]]])
"""

from __future__ import annotations

from .._typing import IntOrTuple
from ..tensor import Tensor
from . import functional as F
from .conv import _ntuple
from .functional import _float
from .module import Module


# ------------------------------------------------------------- power pooling
def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int,  # noqa: A002
              stride: int | None = None, ceil_mode: bool = False) -> Tensor:
    """``(sum over each window of x ** p) ** (1 / p)`` of (N, C, L) input, p =
    ``norm_type`` (PyTorch's: an average pool times the window size).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.lp_pool1d(autodiff.tensor([[[1.0, 1.0, 2.0, 2.0]]]), 1, 2)
    Tensor([[[2., 4.]]])
    """
    x = _float(input, "lp_pool1d: input")
    k = _ntuple(kernel_size, 1, "lp_pool1d: kernel_size")[0]
    pooled = F.avg_pool1d(x.pow(norm_type), k, stride, 0, ceil_mode)
    return (pooled.sign() * F.relu(pooled.abs())).mul(k).pow(1.0 / norm_type)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: IntOrTuple,  # noqa: A002
              stride: IntOrTuple | None = None, ceil_mode: bool = False) -> Tensor:
    """:func:`lp_pool1d` over the last two dimensions of (N, C, H, W) input.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.lp_pool2d(autodiff.ones(1, 1, 2, 2), 2, 2)
    Tensor([[[[2.]]]])
    """
    x = _float(input, "lp_pool2d: input")
    kh, kw = _ntuple(kernel_size, 2, "lp_pool2d: kernel_size")
    pooled = F.avg_pool2d(x.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return (pooled.sign() * F.relu(pooled.abs())).mul(kh * kw).pow(1.0 / norm_type)


class LPPool1d(Module):
    """:func:`lp_pool1d` as a module.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.LPPool1d(2, 2)(autodiff.tensor([[[3.0, 4.0]]]))
    Tensor([[[5.]]])
    """

    def __init__(self, norm_type: float, kernel_size: int, stride: int | None = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return lp_pool1d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class LPPool2d(LPPool1d):
    """:func:`lp_pool2d` as a module.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.LPPool2d(2, 2)(autodiff.ones(1, 1, 2, 2))
    Tensor([[[[2.]]]])
    """

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return lp_pool2d(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


# ------------------------------------------------------- pooling with indices
def max_pool1d_with_indices(input: Tensor, *args: object, **kwargs: object) -> tuple:  # noqa: A002
    """``max_pool1d(..., return_indices=True)``, PyTorch's other name.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.max_pool1d_with_indices(autodiff.tensor([[[1.0, 3.0]]]), 2)[1]
    Tensor([[[1]]])
    """
    return F.max_pool1d(input, *args, **{**kwargs, "return_indices": True})


def max_pool2d_with_indices(input: Tensor, *args: object, **kwargs: object) -> tuple:  # noqa: A002
    """``max_pool2d(..., return_indices=True)``, PyTorch's other name.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.max_pool2d_with_indices(autodiff.arange(4.0).reshape(1, 1, 2, 2), 2)[1]
    Tensor([[[[3]]]])
    """
    return F.max_pool2d(input, *args, **{**kwargs, "return_indices": True})


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: object,  # noqa: A002
                                     return_indices: bool = False) -> tuple:
    """``adaptive_max_pool2d(..., return_indices=True)``, PyTorch's other name (its
    ``return_indices`` is accepted and ignored, as there).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.adaptive_max_pool2d_with_indices(autodiff.arange(4.0).reshape(1, 1, 2, 2), 1)[1]
    Tensor([[[[3]]]])
    """
    return F.adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: int,  # noqa: A002
                                     return_indices: bool = False) -> tuple:
    """``adaptive_max_pool1d(..., return_indices=True)``, PyTorch's other name (its
    ``return_indices`` is accepted and ignored, as there).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.adaptive_max_pool1d_with_indices(autodiff.tensor([[[1.0, 3.0]]]), 1)[1]
    Tensor([[[1]]])
    """
    return F.adaptive_max_pool1d(input, output_size, True)


__all__ = [
    "LPPool1d", "LPPool2d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "lp_pool1d", "lp_pool2d", "max_pool1d_with_indices",
    "max_pool2d_with_indices",
]
