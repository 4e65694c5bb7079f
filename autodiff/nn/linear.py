"""Linear (and LazyLinear), MLP, Embedding and Bilinear layers."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .. import _dtypes
from .._typing import DTypeLike
from ..engine import no_grad
from ..factories import empty
from ..ops.einsum import einsum
from ..tensor import Tensor
from . import functional as F
from . import init
from .activation import ELU, GELU, Dropout, Identity, LeakyReLU, ReLU, Sigmoid, Softplus, Tanh
from .module import Module, Parameter, Sequential, UninitializedParameter


def _param(*shape: int, dtype=None) -> Parameter:
    return Parameter(empty(*shape, dtype=dtype or _dtypes.default_float()))


class Linear(Module):
    """y = x @ weight.T + bias, weight (out_features, in_features).

    Initialised as PyTorch: kaiming_uniform(a=sqrt(5)) for the weight (that is
    U(-1/sqrt(in), 1/sqrt(in))) and U(-1/sqrt(in), 1/sqrt(in)) for the bias.

    Examples
    --------
    >>> import autodiff
    >>> fc = autodiff.nn.Linear(64, 32)
    >>> fc.weight.shape, fc(autodiff.ones(8, 64)).shape
    ((32, 64), (8, 32))
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, dtype: DTypeLike = None
    ) -> None:
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = _param(self.out_features, self.in_features, dtype=dtype)
        self.bias = _param(self.out_features, dtype=dtype) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weights with PyTorch's default initialisation.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> layer = nn.Linear(3, 2)
        >>> with autodiff.no_grad():
        ...     _ = layer.weight.fill_(0.0)
        >>> layer.reset_parameters()
        >>> bool((layer.weight != 0).any())
        True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._name()} expects a Tensor, got {type(input).__name__}")
        if input.ndim == 0 or input.shape[-1] != self.in_features:
            raise ValueError(
                f"{self._name()} expects input with {self.in_features} features in its last "
                f"dimension, got shape {input.shape}"
            )
        return F.linear(input, self.weight, self.bias)

    def _name(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class LazyLinear(Linear):
    """``Linear`` whose ``in_features`` is read from its first input (PyTorch's
    LazyLinear): its weight and bias are ``UninitializedParameter`` until then, and the
    first call initialises them as ``Linear`` does and makes the module a ``Linear``.

    Examples
    --------
    >>> import autodiff
    >>> fc = autodiff.nn.LazyLinear(4)
    >>> fc.weight
    <UninitializedParameter>
    >>> fc(autodiff.ones(2, 3)).shape, type(fc).__name__, fc.weight.shape
    ((2, 4), 'Linear', (4, 3))
    """

    def __init__(self, out_features: int, bias: bool = True, dtype: DTypeLike = None) -> None:
        Module.__init__(self)
        self.in_features, self.out_features = 0, int(out_features)
        self.weight = UninitializedParameter(dtype=dtype)
        self.bias = UninitializedParameter(dtype=dtype) if bias else None

    def reset_parameters(self) -> None:
        """Nothing before the first call (no shape yet); afterwards ``Linear``'s.

        Examples
        --------
        >>> from autodiff import nn
        >>> layer = nn.LazyLinear(2)
        >>> layer.reset_parameters()
        >>> layer.weight
        <UninitializedParameter>
        """
        if not isinstance(self.weight, UninitializedParameter):
            super().reset_parameters()

    def forward(self, input: Tensor) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"LazyLinear expects a Tensor, got {type(input).__name__}")
        if input.ndim == 0:
            raise ValueError("LazyLinear expects input with at least one dimension, got 0-d")
        if isinstance(self.weight, UninitializedParameter):
            self.in_features = int(input.shape[-1])
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.__class__ = Linear  # (PyTorch's cls_to_become)
            self.reset_parameters()
        else:  # (filled by load_state_dict: its shape is the checkpoint's)
            self.in_features = int(self.weight.shape[1])
            self.__class__ = Linear
        return self.forward(input)


_ACTIVATIONS: dict[str, Callable[[], Module]] = {
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "gelu": GELU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "softplus": Softplus,
    "identity": Identity,
    "linear": Identity,
}


class MLP(Module):
    """Multilayer perceptron: Linear layers with an activation (and dropout) between.

    The layers live in a Sequential ``net``, so parameters are named
    ``net.0.weight``, ``net.0.bias``, ...

    Parameters
    ----------
    in_features, out_features : int
    hidden_features : int or sequence of int
        One hidden width, or one per hidden layer.
    activation : str or callable returning a Module
        "relu", "tanh", "sigmoid", "gelu", "leaky_relu", "elu", "softplus", "identity".
    dropout : float
        Dropout probability after each hidden activation (0 for none).

    Examples
    --------
    >>> import autodiff
    >>> mlp = autodiff.nn.MLP(2, [8, 8], 1)
    >>> mlp(autodiff.zeros(5, 2)).shape, len(mlp.net)
    ((5, 1), 5)
    """

    def __init__(
        self,
        in_features: int,
        hidden_features: int | Sequence[int],
        out_features: int,
        activation: str | Callable[[], Module] = "relu",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        hidden = [hidden_features] if isinstance(hidden_features, int) else list(hidden_features)
        if isinstance(activation, str):
            if activation not in _ACTIVATIONS:
                raise ValueError(
                    f"MLP: unknown activation {activation!r}; choose one of "
                    f"{', '.join(sorted(_ACTIVATIONS))} or pass a Module class"
                )
            make = _ACTIVATIONS[activation]
        elif callable(activation):
            make = activation
        else:
            raise TypeError(f"MLP: activation must be a str or a callable, got {activation!r}")
        layers: list[Module] = []
        width = in_features
        for h in hidden:
            layers.append(Linear(width, h))
            layers.append(make())
            if dropout > 0:
                layers.append(Dropout(dropout))
            width = h
        layers.append(Linear(width, out_features))
        self.net = Sequential(*layers)

    def forward(self, input: Tensor) -> Tensor:
        return self.net(input)


class Embedding(Module):
    """A lookup table: integer indices -> rows of ``weight`` (num_embeddings, embedding_dim).

    Initialised N(0, 1) (as PyTorch); the ``padding_idx`` row starts at zero
    and gets no gradient. Repeated indices add up in the gradient. With
    ``max_norm``, looked-up rows are renormalised in place (see ``F.embedding``).

    Examples
    --------
    >>> import autodiff
    >>> emb = autodiff.nn.Embedding(10, 3, max_norm=1.0)
    >>> emb(autodiff.tensor([[1, 2], [1, 9]])).shape
    (2, 2, 3)
    >>> bool(emb.weight[1].norm() <= 1.0)
    True
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Tensor | None = None,
        _freeze: bool = False,
    ):
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None and not -num_embeddings <= padding_idx < num_embeddings:
            raise ValueError(
                f"Embedding: padding_idx {padding_idx} must be within num_embeddings "
                f"({num_embeddings})"
            )
        if sparse:
            raise NotImplementedError("Embedding: sparse=True is not supported; use sparse=False")
        self.padding_idx = None if padding_idx is None else padding_idx % num_embeddings
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = _param(self.num_embeddings, self.embedding_dim)
            init.normal_(self.weight)
            if self.padding_idx is not None:
                with no_grad():
                    self.weight[self.padding_idx] = 0.0
        else:
            if tuple(_weight.shape) != (self.num_embeddings, self.embedding_dim):
                raise ValueError(
                    f"Embedding: _weight of shape {tuple(_weight.shape)} does not match "
                    f"({num_embeddings}, {embedding_dim})"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding holding a copy of ``embeddings`` (2-d); frozen by default.

        Examples
        --------
        >>> import autodiff
        >>> emb = autodiff.nn.Embedding.from_pretrained(autodiff.eye(3))
        >>> emb(autodiff.tensor([2])), emb.weight.requires_grad
        (Tensor([[0., 0., 1.]]), False)
        """
        if embeddings.ndim != 2:
            raise ValueError(
                f"Embedding.from_pretrained: embeddings must be 2-d, got shape {embeddings.shape}"
            )
        rows, cols = embeddings.shape
        return cls(
            rows,
            cols,
            padding_idx,
            max_norm,
            norm_type,
            scale_grad_by_freq,
            sparse,
            _weight=embeddings,
            _freeze=freeze,
        )

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(
            input,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.sparse,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        return s


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """``y[..., k] = input1 @ weight[k] @ input2 + bias[k]``: weight (out, in1, in2).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> F.bilinear(autodiff.ones(1, 2), autodiff.ones(1, 3), autodiff.ones(4, 2, 3)).shape
    (1, 4)
    """
    for name, t in (("input1", input1), ("input2", input2), ("weight", weight)):
        if not isinstance(t, Tensor):
            raise TypeError(f"bilinear: {name} must be a Tensor, got {type(t).__name__}")
    if weight.ndim != 3 or input1.shape[-1] != weight.shape[1] or (
        input2.shape[-1] != weight.shape[2]
    ):
        raise RuntimeError(
            f"bilinear: weight of shape {weight.shape} does not fit input1 {input1.shape} and "
            f"input2 {input2.shape}: it must be (out_features, {input1.shape[-1]}, "
            f"{input2.shape[-1]})"
        )
    out = einsum("...i,kij,...j->...k", input1, weight, input2)
    return out if bias is None else out + bias


class Bilinear(Module):
    """``y = x1 @ A @ x2 + b`` for each output feature, as PyTorch's ``nn.Bilinear``
    (weight (out, in1, in2) and bias uniform in +-1/sqrt(in1)).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.nn.Bilinear(2, 3, 4)(autodiff.ones(5, 2), autodiff.ones(5, 3)).shape
    (5, 4)
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: object = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        self.weight = _param(out_features, in1_features, in2_features, dtype=dtype)
        self.bias = _param(out_features, dtype=dtype) if bias else None
        bound = 1.0 / math.sqrt(in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
