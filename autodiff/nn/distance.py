"""PairwiseDistance and CosineSimilarity, over ``nn.functional`` (issue 17)."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


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
