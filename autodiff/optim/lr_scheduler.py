"""Learning-rate schedulers: StepLR, ExponentialLR, CosineAnnealingLR, ReduceLROnPlateau.

Each follows PyTorch's formulas (including the recursive ("chainable") form
of CosineAnnealingLR), so learning rates agree with PyTorch's step for step.
Call ``scheduler.step()`` after ``optimizer.step()``.
"""

from __future__ import annotations

import math
from typing import Any

from .optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau"]


def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"a scheduler needs an autodiff.optim.Optimizer, got {type(optimizer).__name__}"
        )


class LRScheduler:
    """Base class: sets each group's ``lr`` from ``get_lr()`` on every ``step()``.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose learning rates are scheduled.
    last_epoch : int
        Index of the last epoch; -1 starts a new schedule.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> opt.step(); sched.step()
    >>> sched.get_last_lr()
    [0.5]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param group {i} has no 'initial_lr', needed to resume a schedule "
                        "with last_epoch >= 0; load the optimizer's state dict first"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for the epoch ``last_epoch`` (already advanced)."""
        raise NotImplementedError  # pragma: no cover - every scheduler overrides

    def step(self) -> None:
        """Advance one epoch and set the new learning rates.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> sched = autodiff.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
        >>> for _ in range(2):
        ...     opt.step(); sched.step()
        >>> sched.get_last_lr()
        [0.1]
        """
        self._step_count += 1
        self.last_epoch += 1
        values = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last ``step()``, one per param group.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=0.1)
        >>> autodiff.optim.lr_scheduler.StepLR(opt, step_size=1).get_last_lr()
        [0.1]
        """
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state (everything but the optimizer), as a dict.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=0.1)
        >>> autodiff.optim.lr_scheduler.StepLR(opt, step_size=3).state_dict()["last_epoch"]
        0
        """
        return {
            k: (list(v) if isinstance(v, list) else v)
            for k, v in self.__dict__.items()
            if k != "optimizer"
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state made by ``state_dict()``.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=0.1)
        >>> s = autodiff.optim.lr_scheduler.StepLR(opt, step_size=3)
        >>> s.load_state_dict({**s.state_dict(), "last_epoch": 5}); s.last_epoch
        5
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"a scheduler state dict must be a dict, not {type(state_dict)}")
        unknown = set(state_dict) - set(self.__dict__) - {"optimizer"}
        if unknown:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict got unknown keys {sorted(unknown)}"
            )
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "optimizer"})

    def _lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    step_size : int
        Period of the decay, in epochs (calls to ``step``).
    gamma : float
        Multiplicative factor.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(4):
    ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size <= 0:
            raise ValueError(f"step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    gamma : float
        Multiplicative factor.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> opt.step(); sched.step(); opt.step(); sched.step()
    >>> sched.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from the base learning rate to ``eta_min`` over ``T_max`` epochs.

    ``lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``,
    computed recursively from the current ``lr`` exactly as PyTorch does (so
    it composes with other changes to ``lr``); past ``T_max`` it rises again.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    T_max : int
        Number of epochs of a half period.
    eta_min : float
        Minimum learning rate.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=2)
    >>> opt.step(); sched.step()
    >>> round(sched.get_last_lr()[0], 6)
    0.5
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max <= 0:
            raise ValueError(f"T_max must be a positive int, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._lrs()
        if self._step_count == 1 and t > 0:
            return [
                eta_min + (base - eta_min) * (1 + math.cos(t * math.pi / T)) / 2
                for base in self.base_lrs
            ]
        if (t - 1 - T) % (2 * T) == 0:
            return [
                lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base, lr in zip(self.base_lrs, self._lrs())
            ]
        return [
            (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (lr - eta_min)
            + eta_min
            for lr in self._lrs()
        ]


class ReduceLROnPlateau:
    """Reduce the learning rate when a metric has stopped improving.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    mode : {"min", "max"}
        Whether the metric should decrease or increase.
    factor : float
        ``new_lr = lr * factor`` (must be < 1).
    patience : int
        Number of epochs without improvement tolerated before reducing.
    threshold : float
        Minimum change that counts as an improvement.
    threshold_mode : {"rel", "abs"}
        Relative (``best * (1 - threshold)``) or absolute threshold.
    cooldown : int
        Epochs to wait after a reduction before counting bad epochs again.
    min_lr : float or list of float
        Lower bound on each group's learning rate.
    eps : float
        Reductions smaller than this are skipped.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    >>> for val_loss in [1.0, 1.0, 1.0]:
    ...     sched.step(val_loss)
    >>> sched.get_last_lr()
    [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: list[float] | float = 0,
        eps: float = 1e-8,
    ) -> None:
        _check_optimizer(optimizer)
        if factor >= 1.0:
            raise ValueError(f"factor must be < 1.0, got {factor}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.optimizer = optimizer
        self.factor = factor
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(
                    f"expected {len(optimizer.param_groups)} min_lrs (one per param group), "
                    f"got {len(min_lr)}"
                )
            self.min_lrs = list(min_lr)
        else:
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.mode = mode
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.cooldown_counter = 0
        self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics: Any) -> None:
        """Record this epoch's metric and reduce the learning rates if it plateaued.

        Parameters
        ----------
        metrics : float or 0-d Tensor
            The monitored quantity (e.g. validation loss).

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> sched = autodiff.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
        >>> sched.step(1.0); sched.step(2.0); sched.get_last_lr()
        [0.1]
        """
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for i, group in enumerate(self.optimizer.param_groups):
                old_lr = float(group["lr"])
                new_lr = max(old_lr * self.factor, self.min_lrs[i])
                if old_lr - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    get_last_lr = LRScheduler.get_last_lr
    state_dict = LRScheduler.state_dict
    load_state_dict = LRScheduler.load_state_dict
