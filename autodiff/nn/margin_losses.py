"""Margin and ranking losses, as PyTorch's: the functional forms (also
``autodiff.nn.functional.<name>``) and their modules (``autodiff.nn.<Name>``).
Built of the declared ops, so their gradients follow; loaded on first use.

Examples
--------
>>> import autodiff
>>> from autodiff.nn import functional as F
>>> F.margin_ranking_loss(autodiff.tensor([1.0]), autodiff.tensor([2.0]), autodiff.tensor([1.0]))
Tensor(1.)
"""

from __future__ import annotations

import autodiff as ad

from ..tensor import Tensor
from .functional import _check_reduction, _float, _float_pair, _reduce, pairwise_distance
from .losses import _Loss


def _target(target, like: Tensor) -> Tensor:
    t = target if isinstance(target, Tensor) else ad.tensor(target)
    return t if t.dtype == like.dtype else t.to(like.dtype)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``: ``target`` 1 says input1
    should rank higher, -1 lower.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x1, x2 = autodiff.tensor([3.0, 1.0]), autodiff.tensor([1.0, 2.0])
    >>> F.margin_ranking_loss(x1, x2, autodiff.tensor([1.0, 1.0]), reduction="none")
    Tensor([0., 1.])
    """
    _check_reduction(reduction, "margin_ranking_loss")
    a, b = _float_pair(input1, input2, "margin_ranking_loss")
    y = _target(target, a)
    return _reduce((-y * (a - b) + margin).clamp(min=0.0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,  # noqa: A002
                         reduction: str = "mean") -> Tensor:
    """``input`` where ``target`` is 1, ``max(0, margin - input)`` where it is -1 (the
    input is usually a distance).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.hinge_embedding_loss(autodiff.tensor([0.3, 0.3]), autodiff.tensor([1.0, -1.0]),
    ...                        reduction="none")
    Tensor([0.3, 0.7])
    """
    _check_reduction(reduction, "hinge_embedding_loss")
    x = _float(input, "hinge_embedding_loss: input")
    y = _target(target, x)
    zero = ad.zeros_like(x)
    below = ad.where(y != 1, (margin - x).clamp(min=0.0), zero)
    return _reduce(below + ad.where(y != -1, x, zero), reduction)


def soft_margin_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    """``log(1 + exp(-target * input))``, the two-class logistic loss for targets
    1 and -1.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> round(F.soft_margin_loss(autodiff.tensor([0.0]), autodiff.tensor([1.0])).item(), 4)
    0.6931
    """
    _check_reduction(reduction, "soft_margin_loss")
    x = _float(input, "soft_margin_loss: input")
    y = _target(target, x)
    return _reduce(ad.nn.functional.softplus(-y * x), reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(input1, input2)`` where ``target`` is 1, ``max(0, cos - margin)`` where
    it is -1; the cosine along the last dimension.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> x = autodiff.tensor([[1.0, 0.0]])
    >>> F.cosine_embedding_loss(x, x, autodiff.tensor([-1.0]))
    Tensor(1.)
    """
    _check_reduction(reduction, "cosine_embedding_loss")
    a, b = _float_pair(input1, input2, "cosine_embedding_loss")
    if a.ndim not in (1, 2) or a.shape != b.shape:
        raise RuntimeError(
            "cosine_embedding_loss: input1 and input2 must be 1-d or 2-d and of one shape, "
            f"got {a.shape} and {b.shape}"
        )
    y = _target(target, a)
    eps = 1e-12  # (PyTorch's: added to each squared norm)
    dot = (a * b).sum(-1)
    cos = dot / ((a * a).sum(-1) + eps).mul((b * b).sum(-1) + eps).sqrt()
    zero = ad.zeros_like(cos)
    loss = ad.where(y == 1, 1.0 - cos, zero) + ad.where(y == -1, (cos - margin).clamp(min=0.0),
                                                         zero)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                        reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the ``p``-norm distance
    (:func:`pairwise_distance`); ``swap`` uses ``min(d(a, n), d(p, n))``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> a, p, n = autodiff.zeros(1, 2), autodiff.zeros(1, 2), autodiff.tensor([[3.0, 4.0]])
    >>> F.triplet_margin_loss(a, p, n, margin=6.0)
    Tensor(1.)
    """
    _check_reduction(reduction, "triplet_margin_loss")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = ad.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp(min=0.0), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                                reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on logits for each of C labels (targets 0 or 1), averaged
    over the labels; ``weight`` (C,) scales each label.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> loss = F.multilabel_soft_margin_loss(autodiff.zeros(1, 2), autodiff.tensor([[1.0, 0.0]]))
    >>> round(loss.item(), 4)
    0.6931
    """
    _check_reduction(reduction, "multilabel_soft_margin_loss")
    x = _float(input, "multilabel_soft_margin_loss: input")
    y = _target(target, x)
    logsig = ad.nn.functional.logsigmoid
    loss = -(y * logsig(x) + (1.0 - y) * logsig(-x))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.sum(-1) / x.shape[-1], reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,  # noqa: A002
                      weight: Tensor | None = None, reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss: for each sample, ``sum over i != y of
    max(0, margin - x[y] + x[i]) ** p`` over the C classes, divided by C; ``weight``
    (C,) scales a sample by its class's weight.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.multi_margin_loss(autodiff.tensor([[0.1, 0.2, 0.4, 0.8]]), autodiff.tensor([3]))
    Tensor(0.325)
    """
    _check_reduction(reduction, "multi_margin_loss")
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: p must be 1 or 2, got {p}")
    x = _float(input, "multi_margin_loss: input")
    if x.ndim not in (1, 2):
        raise ValueError(f"multi_margin_loss: input must be 1-d or 2-d, got {x.ndim}-d")
    rows = x if x.ndim == 2 else x.unsqueeze(0)
    y = (target if isinstance(target, Tensor) else ad.tensor(target)).reshape(-1, 1)
    if y.dtype.kind not in "iu":
        raise TypeError(f"multi_margin_loss: target must be class indices, got dtype {y.dtype}")
    x_y = rows.gather(1, y)
    terms = (margin - x_y + rows).clamp(min=0.0)
    if p == 2:
        terms = terms * terms
    if weight is not None:
        terms = terms * _float(weight, "multi_margin_loss: weight")[y]
    others = ad.ones_like(rows).scatter(1, y, 0.0)  # (the target's own term is left out)
    loss = (terms * others).sum(-1) / rows.shape[-1]
    return _reduce(loss if x.ndim == 2 else loss.reshape(()), reduction)


# ------------------------------------------------------------------- modules
class MarginRankingLoss(_Loss):
    """:func:`margin_ranking_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> loss = autodiff.nn.MarginRankingLoss(margin=0.5)
    >>> loss(autodiff.tensor([1.0]), autodiff.tensor([1.0]), autodiff.tensor([1.0]))
    Tensor(0.5)
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class HingeEmbeddingLoss(_Loss):
    """:func:`hinge_embedding_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.HingeEmbeddingLoss()(autodiff.tensor([0.3]), autodiff.tensor([-1.0]))
    Tensor(0.7)
    """

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return hinge_embedding_loss(input, target, self.margin, self.reduction)


class SoftMarginLoss(_Loss):
    """:func:`soft_margin_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.nn.SoftMarginLoss()(autodiff.zeros(2), autodiff.ones(2)).item(), 4)
    0.6931
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return soft_margin_loss(input, target, self.reduction)


class CosineEmbeddingLoss(_Loss):
    """:func:`cosine_embedding_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 0.0]])
    >>> autodiff.nn.CosineEmbeddingLoss()(x, x, autodiff.tensor([1.0]))
    Tensor(0.)
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)


class TripletMarginLoss(_Loss):
    """:func:`triplet_margin_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> a = autodiff.zeros(1, 2)
    >>> autodiff.nn.TripletMarginLoss()(a, a, autodiff.tensor([[3.0, 4.0]]))
    Tensor(0.)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                   self.swap, self.reduction)


class MultiLabelSoftMarginLoss(_Loss):
    """:func:`multilabel_soft_margin_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> loss = autodiff.nn.MultiLabelSoftMarginLoss()
    >>> round(loss(autodiff.zeros(1, 2), autodiff.tensor([[1.0, 0.0]])).item(), 4)
    0.6931
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return multilabel_soft_margin_loss(input, target, self.weight, self.reduction)


class MultiMarginLoss(_Loss):
    """:func:`multi_margin_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> loss = autodiff.nn.MultiMarginLoss()
    >>> loss(autodiff.tensor([[0.1, 0.2, 0.4, 0.8]]), autodiff.tensor([3]))
    Tensor(0.325)
    """

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.p, self.margin, self.weight = p, margin, weight

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return multi_margin_loss(input, target, self.p, self.margin, self.weight, self.reduction)
