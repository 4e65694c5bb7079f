"""RNNCell and LSTMCell (one time step; loop over time yourself)."""

from __future__ import annotations

import math

from ..factories import zeros
from ..tensor import Tensor
from . import functional as F
from . import init
from .linear import _param
from .module import Module


class _CellBase(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool, gates: int) -> None:
        super().__init__()
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.bias = bias
        self.weight_ih = _param(gates * self.hidden_size, self.input_size)
        self.weight_hh = _param(gates * self.hidden_size, self.hidden_size)
        self.bias_ih = _param(gates * self.hidden_size) if bias else None
        self.bias_hh = _param(gates * self.hidden_size) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _check(self, input: Tensor, hx: Tensor | None, what: str) -> tuple[Tensor, bool]:
        name = f"{type(self).__name__}({self.input_size}, {self.hidden_size})"
        if not isinstance(input, Tensor):
            raise TypeError(f"{name} expects a Tensor, got {type(input).__name__}")
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise ValueError(
                f"{name} expects input of shape (N, {self.input_size}) or ({self.input_size},), "
                f"got shape {input.shape}"
            )
        single = input.ndim == 1
        if single:
            input = input.reshape(1, self.input_size)
        if hx is not None:
            expect = (self.hidden_size,) if single else (input.shape[0], self.hidden_size)
            if hx.shape != expect:
                raise ValueError(f"{name}: {what} must have shape {expect}, got {hx.shape}")
        return input, single

    def _zeros(self, input: Tensor) -> Tensor:
        return zeros(input.shape[0], self.hidden_size, dtype=input.dtype)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        nl = getattr(self, "nonlinearity", "tanh")
        if nl != "tanh":
            s += f", nonlinearity={nl!r}"
        return s


class RNNCell(_CellBase):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or relu.

    Examples
    --------
    >>> import autodiff
    >>> cell = autodiff.nn.RNNCell(4, 8)
    >>> h = cell(autodiff.zeros(3, 4))
    >>> cell(autodiff.zeros(3, 4), h).shape
    (3, 8)
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh"
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}"
            )
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, single = self._check(input, hx, "hx")
        h = self._zeros(x) if hx is None else (hx.reshape(1, -1) if single else hx)
        pre = F.linear(x, self.weight_ih, self.bias_ih) + F.linear(h, self.weight_hh, self.bias_hh)
        out = pre.tanh() if self.nonlinearity == "tanh" else pre.relu()
        return out.reshape(self.hidden_size) if single else out


class LSTMCell(_CellBase):
    """One LSTM step; gates in PyTorch's order i, f, g, o. Returns (h', c').

    i, f, o = sigmoid(.), g = tanh(.) of x W_ih^T + b_ih + h W_hh^T + b_hh;
    c' = f c + i g; h' = o tanh(c'). ``hx=(h, c)`` defaults to zeros.

    Examples
    --------
    >>> import autodiff
    >>> cell = autodiff.nn.LSTMCell(4, 8)
    >>> h, c = cell(autodiff.zeros(3, 4))
    >>> h, c = cell(autodiff.zeros(3, 4), (h, c))
    >>> h.shape, c.shape
    ((3, 8), (3, 8))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias, 4)

    def forward(
        self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("LSTMCell: hx must be a tuple (h, c) of two tensors")
        x, single = self._check(input, None if hx is None else hx[0], "h")
        if hx is None:
            h = c = self._zeros(x)
        else:
            self._check(input, hx[1], "c")
            h, c = hx
            if single:
                h, c = h.reshape(1, -1), c.reshape(1, -1)
        gates = F.linear(x, self.weight_ih, self.bias_ih) + F.linear(
            h, self.weight_hh, self.bias_hh
        )
        n = self.hidden_size
        i = gates[:, :n].sigmoid()
        f = gates[:, n : 2 * n].sigmoid()
        g = gates[:, 2 * n : 3 * n].tanh()
        o = gates[:, 3 * n :].sigmoid()
        c2 = f * c + i * g
        h2 = o * c2.tanh()
        if single:
            return h2.reshape(n), c2.reshape(n)
        return h2, c2
