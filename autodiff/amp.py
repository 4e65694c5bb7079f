"""``autodiff.amp``: PyTorch's mixed-precision helpers, as they behave on a CPU.

:class:`GradScaler` scales the loss and unscales the gradients as PyTorch's does
(skipping a step whose gradients hold inf or NaN, growing and backing off the scale);
asked for device ``"cuda"`` (the default, and ``autodiff.cuda.amp.GradScaler``), it
warns and disables itself, as PyTorch does where CUDA is not available.
:class:`autocast` is accepted as a context manager and a decorator; autodiff has no
lower-precision kernels to switch to, so inside it everything runs in the tensors' own
dtypes (PyTorch's CPU autocast would run matmuls in bfloat16).

Examples
--------
>>> import autodiff
>>> scaler = autodiff.amp.GradScaler("cpu", init_scale=8.0)
>>> w = autodiff.ones(2, requires_grad=True)
>>> opt = autodiff.optim.SGD([w], lr=0.1)
>>> scaler.scale((w * w).sum()).backward()
>>> scaler.step(opt)
>>> scaler.update()
>>> w
Tensor([0.8, 0.8], requires_grad=True)
"""

from __future__ import annotations

import functools
import math
import types
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .tensor import Tensor

_READY, _UNSCALED, _STEPPED = 0, 1, 2


class GradScaler:
    """Loss scaling for mixed precision, as ``torch.amp.GradScaler``.

    Parameters
    ----------
    device : str
        ``"cpu"`` scales; ``"cuda"`` (PyTorch's default) warns and disables the scaler,
        as PyTorch does without CUDA.
    init_scale, growth_factor, backoff_factor, growth_interval : as PyTorch
        The scale starts at ``init_scale``, is multiplied by ``backoff_factor`` after a
        step whose gradients were not finite (that step is skipped) and by
        ``growth_factor`` after ``growth_interval`` finite steps in a row.
    enabled : bool
        ``False``: every method passes through (``scale`` returns its input).

    Examples
    --------
    >>> import autodiff
    >>> s = autodiff.amp.GradScaler("cpu", init_scale=4.0)
    >>> s.scale(autodiff.tensor(1.5))
    Tensor(6.)
    >>> s.get_scale()
    4.0
    """

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        if enabled and str(device).startswith("cuda"):
            warnings.warn(
                "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  "
                "Disabling.",
                stacklevel=2,
            )
            enabled = False
        if growth_factor <= 1.0:
            raise ValueError("The growth factor must be > 1.0.")
        if not 0.0 < backoff_factor < 1.0:
            raise ValueError("The backoff factor must be < 1.0.")
        self._device = str(device)
        self._enabled = bool(enabled)
        self._scale = float(init_scale)
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._growth_tracker = 0
        self._per_optimizer: dict[int, list] = {}  # id -> [stage, found_inf]

    def is_enabled(self) -> bool:
        """Whether the scaler scales (False when disabled or asked for CUDA).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.amp.GradScaler("cpu").is_enabled()
        True
        """
        return self._enabled

    def scale(self, outputs: Any) -> Any:
        """``outputs`` (a Tensor, or nested lists/tuples of them) times the scale.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.amp.GradScaler("cpu", init_scale=2.0).scale([autodiff.tensor(1.0)])
        [Tensor(2.)]
        """
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            return outputs * self._scale
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _state(self, optimizer) -> list:
        return self._per_optimizer.setdefault(id(optimizer), [_READY, False])

    def unscale_(self, optimizer: Any) -> None:
        """Divide the gradients of ``optimizer``'s parameters by the scale (in place)
        and note whether any is inf or NaN; at most once between updates.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> s = autodiff.amp.GradScaler("cpu", init_scale=4.0)
        >>> s.scale(w.sum()).backward()
        >>> s.unscale_(autodiff.optim.SGD([w], lr=1.0))
        >>> w.grad
        Tensor([1.])
        """
        if not self._enabled:
            return
        state = self._state(optimizer)
        if state[0] == _UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last "
                "update()."
            )
        if state[0] == _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv = 1.0 / self._scale
        found = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                data = g.data
                if not np.isfinite(data).all():
                    found = True
                g.data = (data * np.asarray(inv, dtype=data.dtype)).astype(data.dtype)
        state[0], state[1] = _UNSCALED, found

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """Unscale (if not done yet), then ``optimizer.step()`` unless a gradient was
        inf or NaN (the step is skipped and None returned).

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(1, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=1.0)
        >>> s = autodiff.amp.GradScaler("cpu")
        >>> s.scale(w.sum() * float("inf")).backward()
        >>> s.step(opt) is None and w.item() == 1.0   # skipped
        True
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError(
                "Closure use is not currently supported if GradScaler is enabled."
            )
        state = self._state(optimizer)
        if state[0] == _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state[0] == _READY:
            self.unscale_(optimizer)
        state[0] = _STEPPED
        if state[1]:
            return None
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Back off the scale if a step was skipped, else grow it every
        ``growth_interval`` steps; or set ``new_scale``.

        Examples
        --------
        >>> import autodiff
        >>> s = autodiff.amp.GradScaler("cpu", init_scale=4.0)
        >>> s.update(2.0)
        >>> s.get_scale()
        2.0
        """
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale.item() if isinstance(new_scale, Tensor) else new_scale)
        else:
            found = any(st[1] for st in self._per_optimizer.values())
            if not self._per_optimizer:
                raise AssertionError("No inf checks were recorded prior to update.")
            if found:
                self._scale *= self._backoff_factor
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    grown = self._scale * self._growth_factor
                    if math.isfinite(np.float32(grown)):
                        self._scale = grown
                    self._growth_tracker = 0
        self._per_optimizer = {}

    def get_scale(self) -> float:
        """The current scale (1.0 when disabled).

        Examples
        --------
        >>> import autodiff
        >>> autodiff.amp.GradScaler("cpu").get_scale()
        65536.0
        """
        return self._scale if self._enabled else 1.0

    def get_growth_factor(self) -> float:
        """The factor the scale grows by.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.amp.GradScaler("cpu").get_growth_factor()
        2.0
        """
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        """Set the factor the scale grows by.

        Examples
        --------
        >>> import autodiff
        >>> s = autodiff.amp.GradScaler("cpu"); s.set_growth_factor(3.0)
        >>> s.get_growth_factor()
        3.0
        """
        self._growth_factor = float(new_factor)

    def get_backoff_factor(self) -> float:
        """The factor the scale backs off by.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.amp.GradScaler("cpu").get_backoff_factor()
        0.5
        """
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        """Set the factor the scale backs off by.

        Examples
        --------
        >>> import autodiff
        >>> s = autodiff.amp.GradScaler("cpu"); s.set_backoff_factor(0.25)
        >>> s.get_backoff_factor()
        0.25
        """
        self._backoff_factor = float(new_factor)

    def get_growth_interval(self) -> int:
        """The number of finite steps between growths.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.amp.GradScaler("cpu").get_growth_interval()
        2000
        """
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        """Set the number of finite steps between growths.

        Examples
        --------
        >>> import autodiff
        >>> s = autodiff.amp.GradScaler("cpu"); s.set_growth_interval(10)
        >>> s.get_growth_interval()
        10
        """
        self._growth_interval = int(new_interval)

    def state_dict(self) -> dict:
        """The scaler's state, as PyTorch's keys (empty when disabled).

        Examples
        --------
        >>> import autodiff
        >>> sorted(autodiff.amp.GradScaler("cpu").state_dict())
        ['_growth_tracker', 'backoff_factor', 'growth_factor', 'growth_interval', 'scale']
        """
        if not self._enabled:
            return {}
        return {
            "scale": self._scale,
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._growth_tracker,
        }

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a :meth:`state_dict`.

        Examples
        --------
        >>> import autodiff
        >>> s = autodiff.amp.GradScaler("cpu"); s.load_state_dict({"scale": 8.0})
        >>> s.get_scale()
        8.0
        """
        if not self._enabled:
            return
        if not state_dict:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved from a "
                "disabled instance of GradScaler."
            )
        self._scale = float(state_dict["scale"])
        self._growth_factor = float(state_dict.get("growth_factor", self._growth_factor))
        self._backoff_factor = float(state_dict.get("backoff_factor", self._backoff_factor))
        self._growth_interval = int(state_dict.get("growth_interval", self._growth_interval))
        self._growth_tracker = int(state_dict.get("_growth_tracker", 0))


class autocast:  # noqa: N801 - PyTorch's name
    """``torch.autocast``, accepted: a context manager and a decorator that changes
    nothing here (autodiff has no lower-precision kernels to switch to; tensors keep
    their dtypes). ``device_type="cuda"`` warns and disables it, as PyTorch without CUDA.

    Examples
    --------
    >>> import autodiff
    >>> with autodiff.autocast("cpu", dtype=autodiff.bfloat16):
    ...     y = autodiff.ones(2) @ autodiff.ones(2)
    >>> y.dtype
    dtype('float32')
    """

    def __init__(
        self,
        device_type: str = "cuda",
        dtype: Any = None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ) -> None:
        if not isinstance(device_type, str):
            raise ValueError(
                f"Expected `device_type` of type `str`, got: `{type(device_type)}`"
            )
        if enabled and device_type.startswith("cuda"):
            warnings.warn(
                "User provided device_type of 'cuda', but CUDA is not available. Disabling",
                stacklevel=2,
            )
            enabled = False
        self.device_type = device_type
        self.fast_dtype = dtype
        self._enabled = bool(enabled)

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapped


def is_autocast_available(device_type: str) -> bool:
    """Whether ``autocast`` accepts ``device_type`` (the CPU: yes; it changes nothing).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.amp.is_autocast_available("cpu")
    True
    """
    return device_type == "cpu"


__all__ = ["GradScaler", "autocast", "is_autocast_available"]


class _CudaGradScaler(GradScaler):
    """``torch.cuda.amp.GradScaler``: :class:`GradScaler` for device ``"cuda"``, which
    warns and disables itself here (no CUDA), as PyTorch does without CUDA.

    Examples
    --------
    >>> import warnings, autodiff
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     autodiff.cuda.amp.GradScaler(enabled=True).is_enabled()
    False
    """

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval,
                         enabled)


def _cuda_autocast(enabled: bool = True, dtype: Any = None,
                   cache_enabled: bool = True) -> autocast:
    """``torch.cuda.amp.autocast``: :class:`autocast` for device ``"cuda"`` (disabled,
    with PyTorch's warning, when enabled: there is no CUDA).

    Examples
    --------
    >>> import autodiff
    >>> with autodiff.cuda.amp.autocast(enabled=False):
    ...     pass
    """
    return autocast("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


cuda_amp = types.SimpleNamespace(GradScaler=_CudaGradScaler, autocast=_cuda_autocast)
