"""Activation layers, Identity, Flatten and Dropout."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class ReLU(Module):
    """max(x, 0) elementwise.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.ReLU()(autodiff.tensor([-1.0, 2.0]))
    Tensor([0., 2.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input)


class LeakyReLU(Module):
    """x where x > 0, negative_slope * x elsewhere.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.LeakyReLU(0.1)(autodiff.tensor([-1.0, 2.0]))
    Tensor([-0.1,  2. ])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


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


class ELU(Module):
    """x where x > 0, alpha * (exp(x) - 1) elsewhere.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.ELU()(autodiff.tensor([1.0]))
    Tensor([1.])
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


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

    def __init__(self, *args, **kwargs) -> None:
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

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability p must be in [0, 1], got {p}")
        self.p = float(p)

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace=False"
