"""Activation layers (with the shrinks, Threshold, PReLU, Softmax2d), Identity, Flatten,
Unflatten and Dropout."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _dtypes
from ..ops import nn_functional as X
from ..tensor import Tensor
from . import functional as F
from .module import Module, Parameter


class _InplaceActivation(Module):
    """An activation with PyTorch's ``inplace`` flag (see ``F.silu``)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ReLU(_InplaceActivation):
    """max(x, 0) elementwise.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.ReLU()(autodiff.tensor([-1.0, 2.0]))
    Tensor([0., 2.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, self.inplace)


class LeakyReLU(_InplaceActivation):
    """x where x > 0, negative_slope * x elsewhere.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.LeakyReLU(0.1)(autodiff.tensor([-1.0, 2.0]))
    Tensor([-0.1,  2. ])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.negative_slope = float(negative_slope)

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace}"


class Sigmoid(Module):
    """1 / (1 + exp(-x)) elementwise.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Sigmoid()(autodiff.tensor([0.0]))
    Tensor([0.5])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    """tanh(x) elementwise.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Tanh()(autodiff.tensor([0.0]))
    Tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class GELU(Module):
    """x * Phi(x); ``approximate="tanh"`` for the tanh approximation.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.GELU()(autodiff.tensor([0.0]))
    Tensor([0.])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + exp(beta x)) / beta, linear above ``threshold``.

    Examples
    --------
    >>> import autodiff
    >>> round(autodiff.nn.Softplus()(autodiff.tensor([0.0])).item(), 4)
    0.6931
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = float(beta), float(threshold)

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class ELU(_InplaceActivation):
    """x where x > 0, alpha * (exp(x) - 1) elsewhere.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.ELU()(autodiff.tensor([1.0]))
    Tensor([1.])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.alpha = float(alpha)

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace}"


class Softmax(Module):
    """softmax along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Softmax(dim=1)(autodiff.zeros(1, 2))
    Tensor([[0.5, 0.5]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log_softmax along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.LogSoftmax(dim=1)(autodiff.zeros(1, 1))
    Tensor([[0.]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Identity(Module):
    """Returns its input unchanged (accepts and ignores constructor arguments).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Identity()(autodiff.ones(2))
    Tensor([1., 1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Flatten(Module):
    """Merge dimensions ``start_dim``..``end_dim`` (by default all but the batch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Flatten()(autodiff.zeros(2, 3, 4)).shape
    (2, 12)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into the shape ``unflattened_size`` (the inverse of Flatten).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Unflatten(1, (3, 4))(autodiff.zeros(2, 12)).shape
    (2, 3, 4)
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if isinstance(dim, str):
            raise TypeError("Unflatten: named dimensions are not supported; pass an int dim")
        if not isinstance(unflattened_size, (tuple, list)) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in unflattened_size
        ):
            raise TypeError(
                "unflattened_size must be tuple of ints, but found type "
                f"{type(unflattened_size).__name__}"
            )
        self.dim, self.unflattened_size = int(dim), tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        shape = tuple(input.shape)
        d = self.dim % len(shape) if shape else 0
        sizes = self.unflattened_size
        prod = 1
        for v in sizes:
            prod *= v
        if (-1 not in sizes and prod != shape[d]) or (-1 in sizes and shape[d] % -prod):
            raise RuntimeError(
                f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                f"{self.dim} ({shape[d]}) in the input tensor"
            )
        return input.reshape(shape[:d] + self.unflattened_size + shape[d + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout(Module):
    """Inverted dropout: in training, zero elements with probability ``p`` and
    scale the rest by 1 / (1 - p); the identity in eval mode.

    Examples
    --------
    >>> import autodiff
    >>> drop = autodiff.nn.Dropout(0.5).eval()
    >>> drop(autodiff.ones(3))
    Tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability p must be in [0, 1], got {p}")
        self.p = float(p)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class SiLU(_InplaceActivation):
    """Sigmoid linear unit (swish), ``x * sigmoid(x)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.SiLU()(autodiff.tensor([0.0, 1000.0]))
    Tensor([   0., 1000.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, self.inplace)


class Mish(_InplaceActivation):
    """Mish, ``x * tanh(softplus(x))``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Mish()(autodiff.tensor([0.0, 1000.0]))
    Tensor([   0., 1000.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, self.inplace)


class Hardtanh(Module):
    """``clamp(x, min_val, max_val)``, gradient 0 at and beyond the bounds.

    Parameters
    ----------
    min_val, max_val : float
        The bounds (``max_val`` must be greater).
    inplace : bool
        Make the input take the result in place (recorded, as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Hardtanh(-2.0, 2.0)(autodiff.tensor([-3.0, 1.0, 3.0]))
    Tensor([-2.,  1.,  2.])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        for old, value in (("min_value", min_value), ("max_value", max_value)):
            if value is not None:  # (PyTorch's deprecated names)
                warnings.warn(f"{type(self).__name__}: keyword argument {old} is deprecated "
                              f"and renamed to {old[:3]}_val", FutureWarning, stacklevel=2)
        min_val = min_val if min_value is None else min_value
        max_val = max_val if max_value is None else max_value
        if not max_val > min_val:
            raise ValueError(
                f"{type(self).__name__}: max_val ({max_val}) must be greater than "
                f"min_val ({min_val})"
            )
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace}"


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``, gradient 0 at 0 and at 6 (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.ReLU6()(autodiff.tensor([-1.0, 3.0, 7.0]))
    Tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Hardsigmoid(_InplaceActivation):
    """``clamp(x + 3, 0, 6) / 6``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Hardsigmoid()(autodiff.tensor([-4.0, 0.0, 4.0]))
    Tensor([0. , 0.5, 1. ])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Hardswish(_InplaceActivation):
    """``x * clamp(x + 3, 0, 6) / 6``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Hardswish()(autodiff.tensor([0.0, 4.0]))
    Tensor([0., 4.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)


class SELU(_InplaceActivation):
    """Scaled ELU with PyTorch's constants.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.SELU()(autodiff.tensor([0.0, 1.0]))
    Tensor([0.    , 1.0507])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)


class CELU(Module):
    """x for x > 0, ``alpha * (exp(x / alpha) - 1)`` elsewhere.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.CELU(alpha=2.0)
    CELU(alpha=2.0)
    >>> autodiff.nn.CELU()(autodiff.tensor([1.0]))
    Tensor([1.])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class LogSigmoid(Module):
    """``log(sigmoid(x))``, stable for any finite x.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.LogSigmoid()(autodiff.tensor([-1000.0]))
    Tensor([-1000.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softsign(Module):
    """``x / (1 + |x|)``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Softsign()(autodiff.tensor([1.0]))
    Tensor([0.5])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Softmin(Module):
    """``softmax(-x)`` along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Softmin(dim=1)(autodiff.zeros(1, 2))
    Tensor([[0.5, 0.5]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class GLU(Module):
    """Gated linear unit: ``a * sigmoid(b)`` for the halves a, b of the input along ``dim``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.GLU()(autodiff.tensor([[2.0, 1000.0]]))
    Tensor([[2.]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Hardshrink(Module):
    """:func:`autodiff.hardshrink` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Hardshrink()(autodiff.tensor([0.2, 1.0]))
    Tensor([0., 1.])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = float(lambd)

    def forward(self, input: Tensor) -> Tensor:
        return X.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Softshrink(Module):
    """:func:`autodiff.nn.functional.softshrink` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Softshrink(0.5)(autodiff.tensor([1.0, 0.2]))
    Tensor([0.5, 0. ])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = float(lambd)

    def forward(self, input: Tensor) -> Tensor:
        return X.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Tanhshrink(Module):
    """``x - tanh(x)`` as a layer.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Tanhshrink()(autodiff.tensor([0.0]))
    Tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return X.tanhshrink(input)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Threshold(0.5, -1.0)(autodiff.tensor([0.2, 1.0]))
    Tensor([-1.,  1.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = float(threshold), float(value), inplace

    def forward(self, input: Tensor) -> Tensor:
        return X.threshold(input, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}"


class PReLU(Module):
    """``max(0, x) + weight * min(0, x)`` with a learned ``weight`` (one, or one per
    channel), initialised to ``init``.

    Examples
    --------
    >>> import autodiff
    >>> m = autodiff.nn.PReLU()
    >>> m(autodiff.tensor([-2.0, 1.0]))
    Tensor([-0.5,  1. ], grad_fn=<WhereBackward>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: object = None,
                 dtype: object = None) -> None:
        super().__init__()
        self.num_parameters = int(num_parameters)
        dt = _dtypes.default_float() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(Tensor(np.full(self.num_parameters, init, dtype=dt)))

    def forward(self, input: Tensor) -> Tensor:
        return X.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softmax2d(Module):
    """Softmax over the channels (dimension -3) of a (C, H, W) or (N, C, H, W) input.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Softmax2d()(autodiff.zeros(1, 2, 1, 1)).reshape(-1)
    Tensor([0.5, 0.5])
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(
                f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3)
