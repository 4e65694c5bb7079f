"""Dropout2d: channel-wise dropout."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class Dropout2d(Module):
    """Zero whole channels of (N, C, H, W) or (C, H, W) input with probability
    ``p`` while training (scaling the rest by 1 / (1 - p)); identity in eval.

    Examples
    --------
    >>> import autodiff
    >>> drop = autodiff.nn.Dropout2d(0.5).eval()
    >>> drop(autodiff.ones(1, 2, 3, 3)).sum().item()
    18.0
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
