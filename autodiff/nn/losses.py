"""Loss modules: thin wrappers over ``autodiff.nn.functional``."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(
                f"{type(self).__name__}: reduction must be 'mean', 'sum' or 'none', "
                f"got {reduction!r}"
            )
        self.reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.MSELoss()(autodiff.tensor([1.0, 3.0]), autodiff.tensor([0.0, 0.0]))
    Tensor(5.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.L1Loss()(autodiff.tensor([1.0, -3.0]), autodiff.tensor([0.0, 0.0]))
    Tensor(2.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """Huber loss: quadratic below ``delta``, linear above.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.HuberLoss(delta=1.0)(autodiff.tensor([3.0]), autodiff.tensor([0.0]))
    Tensor(2.5)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits against class indices or probabilities.

    Examples
    --------
    >>> import autodiff
    >>> loss = autodiff.nn.CrossEntropyLoss()
    >>> round(loss(autodiff.zeros(2, 4), autodiff.tensor([0, 3])).item(), 4)
    1.3863
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities at class indices.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.NLLLoss()(autodiff.tensor([[-0.5, -1.0]]), autodiff.tensor([1]))
    Tensor(1.)
    """

    def __init__(
        self, weight: Tensor | None = None, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities (logs clamped at -100).

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.nn.BCELoss()(autodiff.tensor([0.5]), autodiff.tensor([1.0])).item(), 4)
    0.6931
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy, stable for any finite logit.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.BCEWithLogitsLoss()(autodiff.tensor([0.0]), autodiff.tensor([1.0]))
    Tensor(0.6931)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, self.reduction, self.pos_weight
        )


class SmoothL1Loss(_Loss):
    """Smooth L1 loss: quadratic (``0.5 d**2 / beta``) below ``beta``, linear above.

    Parameters
    ----------
    size_average, reduce : None
        PyTorch's deprecated arguments; only None is accepted.
    reduction : {"mean", "sum", "none"}
    beta : float
        The switch point (>= 0; 0 gives the L1 loss).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.SmoothL1Loss(beta=0.5)(autodiff.tensor([3.0]), autodiff.tensor([0.0]))
    Tensor(2.75)
    """

    def __init__(
        self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        F._no_legacy(size_average, reduce, "SmoothL1Loss")
        super().__init__(reduction)
        if beta < 0:
            raise ValueError(f"SmoothL1Loss: beta must be >= 0, got {beta}")
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self) -> str:
        return ""  # (as PyTorch: SmoothL1Loss())


class KLDivLoss(Module):
    """Kullback-Leibler divergence loss of a target from log-probabilities.

    Parameters
    ----------
    size_average, reduce : None
        PyTorch's deprecated arguments; only None is accepted.
    reduction : {"mean", "batchmean", "sum", "none"}
        Use "batchmean" for the KL divergence per sample ("mean" divides by
        every element and warns, as PyTorch).
    log_target : bool
        Whether the target is given as log-probabilities.

    Examples
    --------
    >>> import autodiff
    >>> loss = autodiff.nn.KLDivLoss(reduction="batchmean", log_target=True)
    >>> logp = autodiff.tensor([[0.5, 0.5]]).log()
    >>> loss(logp, logp)
    Tensor(0.)
    """

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        F._no_legacy(size_average, reduce, "KLDivLoss")
        super().__init__()
        if reduction not in F._KL_REDUCTIONS:
            raise ValueError(
                "KLDivLoss: reduction must be 'mean', 'batchmean', 'sum' or 'none', "
                f"got {reduction!r}"
            )
        self.reduction = reduction
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
