"""In-place parameter initialisation with PyTorch's formulas.

Every function fills its tensor in place (under ``no_grad``), draws from
autodiff's global generator (so ``autodiff.manual_seed`` makes it repeatable)
and returns the tensor.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..engine import no_grad
from ..factories import generator
from ..tensor import Tensor

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid", "identity")  # fmt: skip


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    Examples
    --------
    >>> from autodiff.nn import init
    >>> round(init.calculate_gain("relu"), 4), init.calculate_gain("tanh")
    (1.4142, 1.6666666666666667)
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(t: Tensor) -> tuple[int, int]:
    if t.ndim < 2:
        raise ValueError(
            f"fan in and fan out need a tensor with at least 2 dimensions, got shape {t.shape}"
        )
    receptive = int(np.prod(t.shape[2:])) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def _fan(t: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(t)
    return fan_in if mode == "fan_in" else fan_out


def _zero_element(t: Tensor) -> bool:
    """PyTorch's kaiming_*: a tensor with no elements is left alone, with a warning."""
    if isinstance(t, Tensor) and t.data.size == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def _fill(t: Tensor, values: np.ndarray) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"init: expected a Tensor, got {type(t).__name__}")
    with no_grad():
        t.copy_(Tensor(np.asarray(values, dtype=t.data.dtype)))
    return t


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with samples from U(a, b).

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.nn.init.uniform_(autodiff.empty(3, 3), -0.1, 0.1)
    >>> bool((w.abs() <= 0.1).all())
    True
    """
    return _fill(tensor, generator().uniform(a, b, size=tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with samples from N(mean, std**2).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.init.normal_(autodiff.empty(2, 2), std=0.01).shape
    (2, 2)
    """
    return _fill(tensor, generator().normal(mean, std, size=tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.init.constant_(autodiff.empty(2), 0.5)
    Tensor([0.5, 0.5])
    """
    return _fill(tensor, np.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.init.zeros_(autodiff.ones(2))
    Tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.init.ones_(autodiff.zeros(2))
    Tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.nn.init.xavier_uniform_(autodiff.empty(30, 20))
    >>> bool((w.abs() <= (6 / 50) ** 0.5).all())
    True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot normal: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.init.xavier_normal_(autodiff.empty(30, 20)).shape
    (30, 20)
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std)


def kaiming_uniform_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    Examples
    --------
    >>> import autodiff, math
    >>> w = autodiff.nn.init.kaiming_uniform_(autodiff.empty(8, 16), a=math.sqrt(5))
    >>> bool((w.abs() <= 1 / 4).all())
    True
    """
    if _zero_element(tensor):
        return tensor
    fan = _fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He normal: N(0, std**2) with std = gain / sqrt(fan).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.init.kaiming_normal_(autodiff.empty(8, 16), nonlinearity="relu").shape
    (8, 16)
    """
    if _zero_element(tensor):
        return tensor
    fan = _fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std)


__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
]
