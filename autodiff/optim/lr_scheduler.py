"""Learning-rate schedulers: LambdaLR, StepLR, MultiStepLR, LinearLR, ExponentialLR,
CosineAnnealingLR, CosineAnnealingWarmRestarts, OneCycleLR, SequentialLR and
ReduceLROnPlateau.

Each follows PyTorch's formulas (including the recursive ("chainable") forms,
and the closed forms used by ``step(epoch)`` and by SequentialLR at its
milestones), so learning rates agree with PyTorch's step for step. Call
``scheduler.step()`` after ``optimizer.step()``.
"""

from __future__ import annotations

import math
import types
import warnings
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from .optimizer import Optimizer

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "StepLR",
    "MultiStepLR",
    "LinearLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
    "SequentialLR",
    "ReduceLROnPlateau",
]

_EPOCH_DEPRECATION = (
    "The epoch parameter in `scheduler.step()` is deprecated (as in PyTorch): call "
    "`scheduler.step()` without it; with an epoch the closed form is used where there is one"
)


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
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and take the constructor's step (epoch 0)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for the epoch ``last_epoch`` (already advanced).

        ``step()`` calls it and writes the rates into the optimizer's groups;
        read the current ones with ``get_last_lr()``.

        Examples
        --------
        >>> from autodiff import nn, optim
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
        >>> sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        >>> opt.step()
        >>> sched.step()
        >>> sched.get_last_lr()
        [0.5]
        """
        raise NotImplementedError  # pragma: no cover - every scheduler overrides

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and set the new learning rates.

        ``epoch`` (deprecated, as in PyTorch) jumps to that epoch, with the closed
        form of the schedule where it has one.

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
        if epoch is not None:
            warnings.warn(_EPOCH_DEPRECATION, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed = getattr(self, "_get_closed_form_lr", None)
            values = closed() if closed is not None else self.get_lr()
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

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


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

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


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

    def _get_closed_form_lr(self) -> list[float]:
        return [
            self.eta_min
            + (base - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
            for base in self.base_lrs
        ]


def _positive_int(value: Any, name: str, cls: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{cls}: {name} must be a positive int, got {value!r}")


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list:
    """``value`` once per param group (a list or tuple must have one per group)."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have one value per param group: got {len(value)} values for "
                f"{len(optimizer.param_groups)} param groups"
            )
        return list(value)
    return [value] * len(optimizer.param_groups)


class LambdaLR(LRScheduler):
    """Set each group's learning rate to its initial one times ``lr_lambda(epoch)``.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    lr_lambda : callable or list of callables
        ``epoch -> factor``, one for all groups or one per group.
    last_epoch : int
        -1 to start a new schedule.

    Notes
    -----
    ``state_dict()`` saves the ``__dict__`` of callable objects but not of plain
    functions or lambdas (as PyTorch): those stay as constructed.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1.0 / (epoch + 1))
    >>> lrs = []
    >>> for _ in range(3):
    ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.5, 0.3333333333333333, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(
                    f"LambdaLR: expected {len(optimizer.param_groups)} lr_lambdas (one per "
                    f"param group), but got {len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be callable, got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """The state; ``lr_lambdas`` holds callable objects' ``__dict__`` (None for functions).

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> s = autodiff.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.5**e)
        >>> s.state_dict()["lr_lambdas"]
        [None]
        """
        state = {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
            for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state made by ``state_dict()`` (callable objects' attributes too).

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> s = autodiff.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.5**e)
        >>> s.load_state_dict({**s.state_dict(), "last_epoch": 4}); s.last_epoch
        4
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"a scheduler state dict must be a dict, not {type(state_dict)}")
        fns = state_dict.get("lr_lambdas", [None] * len(self.lr_lambdas))
        if len(fns) != len(self.lr_lambdas):
            raise ValueError(
                f"LambdaLR.load_state_dict: {len(fns)} lr_lambdas states for "
                f"{len(self.lr_lambdas)} lr_lambdas"
            )
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "lr_lambdas"})
        for fn, attrs in zip(self.lr_lambdas, fns):
            if attrs is not None:
                fn.__dict__.update(attrs)


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each milestone epoch.

    A milestone given ``n`` times multiplies by ``gamma ** n``.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    milestones : iterable of int
        Epoch indices (increasing, as PyTorch expects).
    gamma : float
        Multiplicative factor.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> lrs = []
    >>> for _ in range(4):
    ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        milestones = sorted(self.milestones.elements())
        n = bisect_right(milestones, self.last_epoch)
        return [base * self.gamma**n for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor going linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs (then constant).

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    start_factor : float
        The factor at epoch 0, in (0, 1].
    end_factor : float
        The factor from ``total_iters`` on, in [0, 1].
    total_iters : int
        Number of epochs of the ramp.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(4):
    ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                f"LinearLR: start_factor must be greater than 0 and at most 1, got {start_factor}"
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(f"LinearLR: end_factor must be between 0 and 1, got {end_factor}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in self._lrs()]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._lrs()
        step = self.end_factor - self.start_factor
        ratio = 1.0 + step / (self.total_iters * self.start_factor + (self.last_epoch - 1) * step)
        return [lr * ratio for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        frac = min(self.total_iters, self.last_epoch) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * frac
        return [base * factor for base in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing with warm restarts (SGDR), as PyTorch.

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``, where
    ``T_cur`` counts epochs since the last restart and the period ``T_i`` starts
    at ``T_0`` and is multiplied by ``T_mult`` at each restart. ``step(epoch)``
    may be called with fractional epochs (e.g. ``epoch + i / iters``).

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    T_0 : int
        Epochs until the first restart.
    T_mult : int
        Factor of the period after each restart (>= 1).
    eta_min : float
        Minimum learning rate.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> sched = autodiff.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
    >>> lrs = []
    >>> for _ in range(4):
    ...     opt.step(); sched.step(); lrs.append(round(sched.get_last_lr()[0], 6))
    >>> lrs
    [0.5, 1.0, 0.5, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        if isinstance(T_0, bool) or not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(
                f"CosineAnnealingWarmRestarts: expected a positive int T_0, got {T_0!r}"
            )
        if isinstance(T_mult, bool) or not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(
                f"CosineAnnealingWarmRestarts: expected an int T_mult >= 1, got {T_mult!r}"
            )
        if isinstance(eta_min, bool) or not isinstance(eta_min, (float, int)):
            raise ValueError(
                f"CosineAnnealingWarmRestarts: expected a float or int eta_min, got {eta_min!r} "
                f"of type {type(eta_min).__name__}"
            )
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [
            self.eta_min
            + (base - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
            for base in self.base_lrs
        ]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to ``epoch`` (which may be fractional).

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> sched = autodiff.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4)
        >>> sched.step(2.0); sched.get_last_lr()
        [0.5]
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(
                    f"CosineAnnealingWarmRestarts: expected a non-negative epoch, got {epoch}"
                )
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._lrs()


class OneCycleLR(LRScheduler):
    """The 1cycle policy: the learning rate rises from ``max_lr / div_factor`` to
    ``max_lr`` over ``pct_start`` of the steps, then falls to ``initial_lr /
    final_div_factor``; momentum (or Adam's beta1) cycles inversely.

    Call ``step()`` after every batch; stepping beyond ``total_steps`` raises.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer.
    max_lr : float or list of float
        Peak learning rate (per group).
    total_steps : int, optional
        Steps in the cycle; else ``epochs * steps_per_epoch``.
    epochs, steps_per_epoch : int, optional
        Give both when ``total_steps`` is not given.
    pct_start : float
        Fraction of the cycle spent increasing the learning rate.
    anneal_strategy : {"cos", "linear"}
        How to interpolate within a phase.
    cycle_momentum : bool
        Cycle momentum between ``max_momentum`` and ``base_momentum``.
    base_momentum, max_momentum : float or list of float
        Momentum bounds.
    div_factor : float
        ``initial_lr = max_lr / div_factor``.
    final_div_factor : float
        ``min_lr = initial_lr / final_div_factor``.
    three_phase : bool
        Rise, symmetric fall to ``initial_lr``, then annihilate to ``min_lr``.
    last_epoch : int
        Index of the last batch; -1 to start.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> sched = autodiff.optim.lr_scheduler.OneCycleLR(
    ...     opt, max_lr=1.0, total_steps=4, anneal_strategy="linear", pct_start=0.5)
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(3):
    ...     opt.step(); sched.step(); lrs.append(round(sched.get_last_lr()[0], 6))
    >>> lrs
    [0.04, 1.0, 0.500002, 4e-06]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if total_steps is not None:
            _positive_int(total_steps, "total_steps", "OneCycleLR")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            _positive_int(epochs, "epochs", "OneCycleLR")
            _positive_int(steps_per_epoch, "steps_per_epoch", "OneCycleLR")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(
                "OneCycleLR: give either total_steps or both epochs and steps_per_epoch"
            )
        if three_phase:
            self._schedule_phases = [
                {
                    "end_step": float(pct_start * self.total_steps) - 1,
                    "start_lr": "initial_lr",
                    "end_lr": "max_lr",
                    "start_momentum": "max_momentum",
                    "end_momentum": "base_momentum",
                },
                {
                    "end_step": float(2 * pct_start * self.total_steps) - 2,
                    "start_lr": "max_lr",
                    "end_lr": "initial_lr",
                    "start_momentum": "base_momentum",
                    "end_momentum": "max_momentum",
                },
                {
                    "end_step": self.total_steps - 1,
                    "start_lr": "initial_lr",
                    "end_lr": "min_lr",
                    "start_momentum": "max_momentum",
                    "end_momentum": "max_momentum",
                },
            ]
        else:
            self._schedule_phases = [
                {
                    "end_step": float(pct_start * self.total_steps) - 1,
                    "start_lr": "initial_lr",
                    "end_lr": "max_lr",
                    "start_momentum": "max_momentum",
                    "end_momentum": "base_momentum",
                },
                {
                    "end_step": self.total_steps - 1,
                    "start_lr": "max_lr",
                    "end_lr": "min_lr",
                    "start_momentum": "base_momentum",
                    "end_momentum": "max_momentum",
                },
            ]
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"OneCycleLR: expected a float pct_start in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        self._anneal_func_type = anneal_strategy
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for m, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = m / div_factor
                group["max_lr"] = m
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    "OneCycleLR: the optimizer must have momentum or betas (beta1) with "
                    "cycle_momentum=True"
                )
            self.use_beta1 = "betas" in optimizer.defaults
            max_ms = _per_group("max_momentum", optimizer, max_momentum)
            base_ms = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for m, b, group in zip(max_ms, base_ms, optimizer.param_groups):
                    if self.use_beta1:
                        group["betas"] = (m, *group["betas"][1:])
                    else:
                        group["momentum"] = m
                    group["max_momentum"] = m
                    group["base_momentum"] = b
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {step} times; the specified number of total steps "
                f"is {self.total_steps}"
            )
        lrs = []
        last = len(self._schedule_phases) - 1
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end = phase["end_step"]
                if step <= end or i == last:
                    pct = (step - start) / (end - start)
                    lr = self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    if self.cycle_momentum:
                        momentum = self._anneal(
                            group[phase["start_momentum"]], group[phase["end_momentum"]], pct
                        )
                    break
                start = phase["end_step"]
            lrs.append(lr)
            if self.cycle_momentum:
                if self.use_beta1:
                    group["betas"] = (momentum, *group["betas"][1:])
                else:
                    group["momentum"] = momentum
        return lrs


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after another, switching at the ``milestones`` epochs.

    At a milestone the next scheduler restarts at its epoch 0 (its closed form
    where it has one), exactly as PyTorch does.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer every scheduler belongs to.
    schedulers : list of LRScheduler
        The schedulers (not ReduceLROnPlateau).
    milestones : list of int
        One fewer than the schedulers: the epochs where the next one takes over.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.optim import lr_scheduler as S
    >>> w = autodiff.ones(1, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=1.0)
    >>> warmup = S.LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> decay = S.ExponentialLR(opt, gamma=0.5)
    >>> sched = S.SequentialLR(opt, [warmup, decay], milestones=[2])
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(4):
    ...     opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        if len(schedulers) < 1:
            raise ValueError("SequentialLR: expects at least one scheduler, but got none")
        for i, sched in enumerate(schedulers):
            if not hasattr(sched, "optimizer"):
                raise TypeError(
                    f"SequentialLR: the scheduler at index {i} should have `optimizer` as its "
                    "attribute"
                )
            if isinstance(sched, ReduceLROnPlateau):
                raise ValueError(
                    "SequentialLR: does not support ReduceLROnPlateau (its step needs a metric), "
                    f"but got one at index {i}"
                )
            if sched.optimizer is not optimizer:
                raise ValueError(
                    "SequentialLR: expects all schedulers to belong to the same optimizer, but "
                    f"the scheduler {type(sched).__name__} at index {i} has another one"
                )
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "SequentialLR: expects one milestone fewer than schedulers, but got "
                f"{len(schedulers)} schedulers and {len(milestones)} milestones"
            )
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self.recursive_undo()
        idx = bisect_right(self._milestones, 0)
        self._schedulers[idx]._initial_step()
        self._last_lr = self._schedulers[idx].get_last_lr()

    def recursive_undo(self, sched: Any = None) -> None:
        """Undo the step each scheduler took when it was constructed.

        ``SequentialLR`` calls it itself (as PyTorch's); it is public because
        PyTorch's is.

        Examples
        --------
        >>> from autodiff import nn, optim
        >>> from autodiff.optim import lr_scheduler as L
        >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0)
        >>> first = L.LinearLR(opt, 0.5, total_iters=2)
        >>> s = L.SequentialLR(opt, [first, L.ExponentialLR(opt, 0.9)], [2])
        >>> s.get_last_lr()
        [0.5]
        """
        sched = self if sched is None else sched
        if hasattr(sched, "_schedulers"):
            for s in sched._schedulers:
                self.recursive_undo(s)
        elif hasattr(sched, "last_epoch"):
            sched.last_epoch -= 1

    def step(self) -> None:  # type: ignore[override]
        """Advance one epoch with the scheduler in charge of it.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff.optim import lr_scheduler as S
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> sched = S.SequentialLR(opt, [S.StepLR(opt, 1, 0.5)], milestones=[])
        >>> opt.step(); sched.step(); sched.get_last_lr()
        [0.5]
        """
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        sched = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            sched._update_lr(0)
        else:
            sched.step()
        self._last_lr = sched.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The state, with each scheduler's own state dict under ``_schedulers``.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff.optim import lr_scheduler as S
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> sched = S.SequentialLR(opt, [S.StepLR(opt, 1, 0.5)], milestones=[])
        >>> sched.state_dict()["_schedulers"][0]["step_size"]
        1
        """
        state = {k: v for k, v in super().state_dict().items() if k != "_schedulers"}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state made by ``state_dict()``, the schedulers' too.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff.optim import lr_scheduler as S
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> sched = S.SequentialLR(opt, [S.StepLR(opt, 1, 0.5)], milestones=[])
        >>> sched.load_state_dict(sched.state_dict()); sched.last_epoch
        0
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"a scheduler state dict must be a dict, not {type(state_dict)}")
        subs = state_dict.get("_schedulers", [])
        if len(subs) != len(self._schedulers):
            raise ValueError(
                f"SequentialLR.load_state_dict: {len(subs)} scheduler states for "
                f"{len(self._schedulers)} schedulers"
            )
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "_schedulers"})
        for sched, sub in zip(self._schedulers, subs):
            sched.load_state_dict(sub)


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
