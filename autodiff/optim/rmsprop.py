"""RMSprop."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import _storage
from ..tensor import Tensor
from .optimizer import Optimizer, _check_nonneg, _lerp_


class RMSprop(Optimizer):
    """RMSprop (Hinton), PyTorch's update rule.

    With gradient ``g`` (plus ``weight_decay * p``)::

        v = alpha * v + (1 - alpha) * g * g
        a = mean of g, as v (centered only);   d = sqrt(v - a * a) or sqrt(v), plus eps
        b = momentum * b + g / d;   p = p - lr * b        (momentum > 0)
        p = p - lr * g / d                                 (otherwise)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float
        Learning rate.
    alpha : float
        Smoothing constant of the squared-gradient average.
    eps : float
        Added to the denominator.
    weight_decay : float
        L2 penalty added to the gradient.
    momentum : float
        Momentum factor.
    centered : bool
        Normalise by an estimate of the gradient's variance instead of its
        second moment.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> opt = autodiff.optim.RMSprop([w], lr=0.01)
    >>> w.sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)  # 1 - 0.01 / sqrt(0.01)
    0.9
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict, index: int) -> None:
        super()._check_group(group, index)
        _check_nonneg("momentum", group["momentum"], index)
        _check_nonneg("alpha", group["alpha"], index)

    def _init_state(self, p: Tensor, group: dict) -> dict[str, Any]:
        square_avg = _storage.zeros(p.data.shape, p.data.dtype)
        state: dict[str, Any] = {"step": 0, "square_avg": square_avg}
        if group["momentum"] > 0:
            state["momentum_buffer"] = _storage.zeros(p.data.shape, p.data.dtype)
        if group["centered"]:
            state["grad_avg"] = _storage.zeros(p.data.shape, p.data.dtype)
        return state

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict) -> None:
        alpha = group["alpha"]
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1.0 - alpha) * (g * g)
        if group["centered"]:
            grad_avg = state.setdefault("grad_avg", _storage.zeros(p.shape, p.dtype))
            _lerp_(grad_avg, g, 1.0 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if group["momentum"] > 0:
            buf = state.setdefault("momentum_buffer", _storage.zeros(p.shape, p.dtype))
            buf *= group["momentum"]
            buf += g / avg
            p -= group["lr"] * buf
        else:
            p -= group["lr"] * (g / avg)
