"""Adam and AdamW."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import _storage
from ..tensor import Tensor
from .optimizer import Optimizer, _lerp_


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2014), PyTorch's update rule.

    With gradient ``g`` (plus ``weight_decay * p``, or for AdamW ``p`` first
    scaled by ``1 - lr * weight_decay``) at step ``t``::

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)                       (amsgrad only)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float
        Learning rate.
    betas : tuple of float
        Decay rates of the first and second moment averages, each in [0, 1).
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty added to the gradient.
    amsgrad : bool
        Use the maximum of past second moments (AMSGrad).

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = autodiff.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.data.round(4)
    array([ 0.9, -1.9], dtype=float32)
    """

    _decoupled = False

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check_group(self, group: dict, index: int) -> None:
        super()._check_group(group, index)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        group["betas"] = tuple(betas)
        for i, b in enumerate(betas):
            if isinstance(b, bool) or not isinstance(b, (int, float, np.floating)):
                raise TypeError(f"betas[{i}] must be a number, got {type(b).__name__}")
            if not 0.0 <= b < 1.0:
                raise ValueError(
                    f"invalid beta parameter at index {i}: {b}; each beta must be in [0, 1)"
                )

    def _init_state(self, p: Tensor, group: dict) -> dict[str, Any]:
        state: dict[str, Any] = {
            "step": 0,
            "exp_avg": _storage.zeros(p.data.shape, p.data.dtype),
            "exp_avg_sq": _storage.zeros(p.data.shape, p.data.dtype),
        }
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = _storage.zeros(p.data.shape, p.data.dtype)
        return state

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"]
        state["step"] += 1
        step = state["step"]
        if weight_decay != 0:
            if self._decoupled:
                p *= 1.0 - lr * weight_decay
            else:
                g = g + weight_decay * p
        exp_avg = state["exp_avg"]
        exp_avg_sq = state["exp_avg_sq"]
        _lerp_(exp_avg, g, 1.0 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1.0 - beta2) * (g * g)
        bias_correction1 = 1.0 - beta1**step
        bias_correction2_sqrt = (1.0 - beta2**step) ** 0.5
        step_size = lr / bias_correction1
        if group["amsgrad"]:
            max_sq = state.get("max_exp_avg_sq")
            if max_sq is None:  # amsgrad switched on after some steps
                max_sq = state["max_exp_avg_sq"] = _storage.zeros(p.shape, p.dtype)
            np.maximum(max_sq, exp_avg_sq, out=max_sq)
            denom = np.sqrt(max_sq)
        else:
            denom = np.sqrt(exp_avg_sq)
        denom /= bias_correction2_sqrt
        denom += group["eps"]
        p -= step_size * (exp_avg / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter), PyTorch's rule.

    Each step first scales the parameters by ``1 - lr * weight_decay``, then
    applies the Adam update without any penalty in the gradient.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float
        Learning rate.
    betas : tuple of float
        Decay rates of the moment averages.
    eps : float
        Added to the denominator.
    weight_decay : float
        Decoupled weight decay coefficient (default 1e-2).
    amsgrad : bool
        Use the maximum of past second moments.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> opt = autodiff.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)  # 1 * (1 - 0.1 * 0.5) - 0.1
    0.85
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
