"""Stochastic gradient descent, with momentum and Nesterov momentum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import _storage
from .._update import scaled_inplace
from ..tensor import Tensor
from .optimizer import Optimizer, _check_nonneg, required


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's update rule.

    With gradient ``g`` (plus ``weight_decay * p``) and ``b`` the momentum
    buffer (``b = g`` on the first step)::

        b = momentum * b + (1 - dampening) * g
        g = g + momentum * b  if nesterov else  b
        p = p - lr * g

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float
        Learning rate (required).
    momentum : float
        Momentum factor (0 disables momentum).
    dampening : float
        Dampening of the momentum.
    weight_decay : float
        L2 penalty added to the gradient.
    nesterov : bool
        Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    Tensor([ 0.8, -1.6], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = required,  # type: ignore[assignment]
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict, index: int) -> None:
        super()._check_group(group, index)
        _check_nonneg("momentum", group["momentum"], index)
        _check_nonneg("dampening", group["dampening"], index)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"Nesterov momentum requires a momentum > 0 and zero dampening (param group "
                f"{index} has momentum={group['momentum']}, dampening={group['dampening']})"
            )

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict) -> None:
        lr = group["lr"]
        weight_decay = group["weight_decay"]
        momentum = group["momentum"]
        if weight_decay != 0:
            g = g + weight_decay * p
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = _storage.copy(g)
            else:
                buf *= momentum
                buf += (1.0 - group["dampening"]) * g
            g = g + momentum * buf if group["nesterov"] else buf
        if not scaled_inplace(np.subtract, p, g, lr):
            p -= lr * g
