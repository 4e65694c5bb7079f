"""Adagrad."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, _check_nonneg


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), PyTorch's update rule.

    With gradient ``g`` (plus ``weight_decay * p``) at step ``t``::

        s = s + g * g
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float
        Learning rate.
    lr_decay : float
        Learning-rate decay per step.
    weight_decay : float
        L2 penalty added to the gradient.
    initial_accumulator_value : float
        Starting value of the sum of squared gradients ``s``.
    eps : float
        Added to the denominator.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> opt = autodiff.optim.Adagrad([w], lr=0.1)
    >>> (w * 2.0).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)  # 1 - 0.1 * 2 / sqrt(4)
    0.9
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict, index: int) -> None:
        super()._check_group(group, index)
        _check_nonneg("lr_decay", group["lr_decay"], index)
        _check_nonneg("initial_accumulator_value", group["initial_accumulator_value"], index)

    def _init_state(self, p: Tensor, group: dict) -> dict[str, Any]:
        return {
            "step": 0,
            "sum": np.full_like(p.data, group["initial_accumulator_value"]),
        }

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict) -> None:
        state["step"] += 1
        step = state["step"]
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        clr = group["lr"] / (1.0 + (step - 1) * group["lr_decay"])
        state_sum = state["sum"]
        state_sum += g * g
        std = np.sqrt(state_sum)
        std += group["eps"]
        p -= clr * (g / std)
