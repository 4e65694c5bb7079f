"""Negative log-likelihood losses of a Poisson and a Gaussian, as PyTorch's: the
functional forms (also ``autodiff.nn.functional.<name>``) and their modules
(``autodiff.nn.<Name>``). Built of the declared ops; loaded on first use.

Examples
--------
>>> import autodiff
>>> from autodiff.nn import functional as F
>>> F.poisson_nll_loss(autodiff.tensor([0.0]), autodiff.tensor([1.0]))
Tensor(1.)
"""

from __future__ import annotations

import math

import numpy as np

import autodiff as ad

from ..tensor import Tensor, _make
from .functional import _check_reduction, _pair_args, _reduce
from .losses import _Loss


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True,  # noqa: A002
                     full: bool = False, eps: float = 1e-8,
                     reduction: str = "mean") -> Tensor:
    """Poisson negative log-likelihood: ``exp(input) - target * input`` with
    ``log_input`` (the input is the log of the rate), else
    ``input - target * log(input + eps)``; ``full`` adds Stirling's approximation of
    ``log(target!)`` where the target is above 1.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.poisson_nll_loss(autodiff.tensor([2.0]), autodiff.tensor([1.0]), log_input=False)
    Tensor(1.3069)
    """
    _check_reduction(reduction, "poisson_nll_loss")
    x, y = _pair_args(input, target, "poisson_nll_loss")
    loss = ad.exp(x) - y * x if log_input else x - y * ad.log(x + eps)
    if full:  # (where the target is above 1; a log of 1 elsewhere keeps gradients finite)
        above = y > 1
        safe = ad.where(above, y, ad.ones_like(y))
        stirling = safe * ad.log(safe) - safe + 0.5 * ad.log(2 * math.pi * safe)
        loss = loss + ad.where(above, stirling, ad.zeros_like(y))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float,  # noqa: A002
                      full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """Gaussian negative log-likelihood with predicted mean ``input`` and variance
    ``var``: ``0.5 * (log(var) + (input - target)**2 / var)`` (``full``: plus
    ``0.5 * log(2 pi)``). ``var`` has the input's shape, or one dimension fewer, or a
    last dimension of 1 (one variance for all of a sample's values); values below
    ``eps`` are raised to it (in value only, as PyTorch: the gradient passes).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.gaussian_nll_loss(autodiff.tensor([1.0]), autodiff.tensor([1.0]), autodiff.tensor([1.0]))
    Tensor(0.)
    """
    _check_reduction(reduction, "gaussian_nll_loss")
    x, y = _pair_args(input, target, "gaussian_nll_loss")
    v = var if isinstance(var, Tensor) else ad.full_like(x, float(var))
    if v.dtype != x.dtype:
        v = v.to(x.dtype)
    if v.shape != x.shape:
        if v.shape == x.shape[:-1]:
            v = v.unsqueeze(-1)
        elif not (v.shape == x.shape[:-1] + (1,)):
            raise ValueError(
                f"gaussian_nll_loss: var of shape {v.shape} does not fit input of shape "
                f"{x.shape}: give the input's shape, one dimension fewer, or a last "
                "dimension of 1"
            )
    if (v.data < 0).any():
        raise ValueError("gaussian_nll_loss: var has negative entry/entries")
    lift = np.maximum(v.data, eps) - v.data  # (added in value only: the gradient passes)
    v = v + _make(lift.astype(v.data.dtype, copy=False), None)
    loss = 0.5 * (ad.log(v) + (x - y) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


class PoissonNLLLoss(_Loss):
    """:func:`poisson_nll_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.PoissonNLLLoss()(autodiff.tensor([0.0]), autodiff.tensor([1.0]))
    Tensor(1.)
    """

    def __init__(self, log_input: bool = True, full: bool = False, eps: float = 1e-8,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return poisson_nll_loss(log_input, target, self.log_input, self.full, self.eps,
                                self.reduction)


class GaussianNLLLoss(_Loss):
    """:func:`gaussian_nll_loss` as a module.

    Examples
    --------
    >>> import autodiff
    >>> one = autodiff.tensor([1.0])
    >>> autodiff.nn.GaussianNLLLoss()(one, one, one)
    Tensor(0.)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:  # noqa: A002
        return gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)
