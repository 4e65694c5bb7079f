"""Recurrent layers: the cells RNNCell, LSTMCell, GRUCell (one time step) and the
multi-layer, optionally bidirectional sequence modules RNN, LSTM, GRU."""

from __future__ import annotations

import math
import warnings

from ..factories import zeros
from ..ops.shape import cat, stack
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
        """Every parameter U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch.

        Examples
        --------
        >>> from autodiff import nn
        >>> cell = nn.LSTMCell(3, 16)
        >>> cell.reset_parameters()
        >>> max(float(p.abs().max()) for p in cell.parameters()) <= 0.25  # 1/sqrt(16)
        True
        """
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


class GRUCell(_CellBase):
    """One GRU step; gates in PyTorch's order r, z, n. Returns h'.

    r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr), z likewise,
    n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)), h' = (1 - z) n + z h.

    Examples
    --------
    >>> import autodiff
    >>> cell = autodiff.nn.GRUCell(4, 8)
    >>> h = cell(autodiff.zeros(3, 4))
    >>> cell(autodiff.zeros(3, 4), h).shape
    (3, 8)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias, 3)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, single = self._check(input, hx, "hx")
        h = self._zeros(x) if hx is None else (hx.reshape(1, -1) if single else hx)
        out = _gru_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return out.reshape(self.hidden_size) if single else out


def _gru_step(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    gh = F.linear(h, w_hh, b_hh)
    n = h.shape[-1]
    r = (gi[..., :n] + gh[..., :n]).sigmoid()
    z = (gi[..., n : 2 * n] + gh[..., n : 2 * n]).sigmoid()
    c = (gi[..., 2 * n :] + r * gh[..., 2 * n :]).tanh()
    return (1.0 - z) * c + z * h


def _lstm_step(gi, h, c, w_hh, b_hh):
    gates = gi + F.linear(h, w_hh, b_hh)
    n = h.shape[-1]
    i = gates[..., :n].sigmoid()
    f = gates[..., n : 2 * n].sigmoid()
    g = gates[..., 2 * n : 3 * n].tanh()
    o = gates[..., 3 * n :].sigmoid()
    c2 = f * c + i * g
    return o * c2.tanh(), c2


class _RNNBase(Module):
    _gates = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
    ) -> None:
        super().__init__()
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, (int, float))
            or not 0 <= dropout <= 1
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                UserWarning,
                stacklevel=3,
            )
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size:
            raise NotImplementedError("LSTM: proj_size > 0 is not supported by autodiff")
        self.mode = mode
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.num_layers, self.bias = int(num_layers), bool(bias)
        self.batch_first, self.dropout = bool(batch_first), float(dropout)
        self.bidirectional, self.proj_size = bool(bidirectional), 0
        g = self._gates[mode] * self.hidden_size
        dirs = 2 if self.bidirectional else 1
        self._flat_weights_names: list[str] = []
        for layer in range(self.num_layers):
            size_in = self.input_size if layer == 0 else self.hidden_size * dirs
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                names = [f"weight_ih{sfx}", f"weight_hh{sfx}"]
                setattr(self, names[0], _param(g, size_in))
                setattr(self, names[1], _param(g, self.hidden_size))
                if self.bias:
                    names += [f"bias_ih{sfx}", f"bias_hh{sfx}"]
                    setattr(self, names[2], _param(g))
                    setattr(self, names[3], _param(g))
                self._flat_weights_names += names
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch.

        Examples
        --------
        >>> from autodiff import nn
        >>> rnn = nn.GRU(3, 4)
        >>> rnn.reset_parameters()
        >>> all(float(p.abs().max()) <= 0.5 for p in rnn.parameters())
        True
        """
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def flatten_parameters(self) -> None:
        """A no-op (PyTorch compacts cuDNN weights here).

        Examples
        --------
        >>> from autodiff import nn
        >>> nn.LSTM(3, 4).flatten_parameters()
        """

    @property
    def all_weights(self) -> list[list[Tensor]]:
        """The parameters per layer and direction, each in PyTorch's order.

        Examples
        --------
        >>> from autodiff import nn
        >>> w = nn.LSTM(3, 4, num_layers=2).all_weights
        >>> len(w), [tuple(p.shape) for p in w[0]]
        (2, [(16, 3), (16, 4), (16,), (16,)])
        """
        k = 4 if self.bias else 2
        names = self._flat_weights_names
        return [[getattr(self, n) for n in names[i : i + k]] for i in range(0, len(names), k)]

    def _check_hidden(self, h: Tensor, expect: tuple, what: str) -> None:
        if not isinstance(h, Tensor):
            raise TypeError(f"{what} must be a Tensor, got {type(h).__name__}")
        if tuple(h.shape) != expect:
            raise RuntimeError(f"Expected {what} size {expect}, got {list(h.shape)}")

    def forward(
        self, input: Tensor, hx: Tensor | tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor | tuple[Tensor, Tensor]]:
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name} expects a Tensor input, got {type(input).__name__}")
        if input.ndim not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {input.shape[-1]}"
            )
        lstm = self.mode == "LSTM"
        batched = input.ndim == 3
        if lstm and hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"{name}: hx must be a tuple (h_0, c_0) of two tensors")
        hs = [] if hx is None else (list(hx) if lstm else [hx])
        if not batched:
            for h in hs:
                if isinstance(h, Tensor) and h.ndim != 2:
                    raise RuntimeError(
                        f"For unbatched 2-D input, hx should also be 2-D but got {h.ndim}-D tensor"
                    )
            input = input.unsqueeze(1)
            hs = [h.unsqueeze(1) if isinstance(h, Tensor) else h for h in hs]
        else:
            for h in hs:
                if isinstance(h, Tensor) and h.ndim != 3:
                    raise RuntimeError(
                        f"For batched 3-D input, hx should also be 3-D but got {h.ndim}-D tensor"
                    )
            if self.batch_first:
                input = input.transpose(0, 1)
        seq, batch = input.shape[0], input.shape[1]
        dirs = 2 if self.bidirectional else 1
        expect = (self.num_layers * dirs, batch, self.hidden_size)
        if hx is None:
            h0 = zeros(*expect, dtype=input.dtype)
            c0 = zeros(*expect, dtype=input.dtype) if lstm else None
        else:
            for i, h in enumerate(hs):
                self._check_hidden(h, expect, f"hidden[{i}]" if lstm else "hidden")
            h0, c0 = hs[0], (hs[1] if lstm else None)
        x = input
        h_n, c_n = [], []
        k = 4 if self.bias else 2
        names = self._flat_weights_names
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0 and self.training:
                x = F.dropout(x, self.dropout, training=True)
            outs = []
            for d in range(dirs):
                idx = layer * dirs + d
                w = [getattr(self, n) for n in names[idx * k : (idx + 1) * k]]
                w_ih, w_hh = w[0], w[1]
                b_ih, b_hh = (w[2], w[3]) if self.bias else (None, None)
                gi = F.linear(x, w_ih, b_ih)
                h = h0[idx]
                c = c0[idx] if lstm else None
                steps = range(seq - 1, -1, -1) if d else range(seq)
                ys = [None] * seq
                for t in steps:
                    if lstm:
                        h, c = _lstm_step(gi[t], h, c, w_hh, b_hh)
                    elif self.mode == "GRU":
                        h = _gru_step(gi[t], h, w_hh, b_hh)
                    else:
                        pre = gi[t] + F.linear(h, w_hh, b_hh)
                        h = pre.tanh() if self.mode == "RNN_TANH" else pre.relu()
                    ys[t] = h
                outs.append(
                    stack(ys, 0) if seq else zeros(0, batch, self.hidden_size, dtype=x.dtype)
                )
                h_n.append(h)
                c_n.append(c)
            x = outs[0] if dirs == 1 else cat(outs, -1)
        out = x
        hn = stack(h_n, 0)
        cn = stack(c_n, 0) if lstm else None
        if not batched:
            out, hn = out.squeeze(1), hn.squeeze(1)
            cn = cn.squeeze(1) if lstm else None
        elif self.batch_first:
            out = out.transpose(0, 1)
        return (out, (hn, cn)) if lstm else (out, hn)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout != 0:
            s += f", dropout={self.dropout:g}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(_RNNBase):
    """A multi-layer Elman RNN, h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    Arguments, parameter names (``weight_ih_l{k}[_reverse]`` ...) and shapes as
    PyTorch: input ``(L, N, input_size)`` (``(N, L, input_size)`` with
    ``batch_first``) or unbatched ``(L, input_size)``; returns ``(output, h_n)``
    with output ``(L, N, D * hidden_size)`` and h_n ``(D * num_layers, N,
    hidden_size)``. ``dropout`` acts on the outputs of all but the last layer
    while training.

    Examples
    --------
    >>> import autodiff
    >>> rnn = autodiff.nn.RNN(4, 8, num_layers=2, bidirectional=True)
    >>> out, h = rnn(autodiff.zeros(5, 3, 4))
    >>> out.shape, h.shape
    ((5, 3, 16), (4, 3, 8))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__(
            "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
        )


class LSTM(_RNNBase):
    """A multi-layer LSTM (gates i, f, g, o, as PyTorch). Returns ``(output, (h_n, c_n))``.

    Same arguments, parameter names and shapes as :class:`RNN` (without
    ``nonlinearity``); ``hx`` is an optional tuple ``(h_0, c_0)``.
    ``proj_size`` > 0 is not supported.

    Examples
    --------
    >>> import autodiff
    >>> lstm = autodiff.nn.LSTM(4, 8, batch_first=True)
    >>> out, (h, c) = lstm(autodiff.zeros(3, 5, 4))
    >>> out.shape, h.shape, c.shape
    ((3, 5, 8), (1, 3, 8), (1, 3, 8))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
        )


class GRU(_RNNBase):
    """A multi-layer GRU (gates r, z, n, as PyTorch). Returns ``(output, h_n)``.

    Same arguments, parameter names and shapes as :class:`RNN` (without
    ``nonlinearity``).

    Examples
    --------
    >>> import autodiff
    >>> gru = autodiff.nn.GRU(4, 8)
    >>> out, h = gru(autodiff.zeros(5, 4))   # unbatched
    >>> out.shape, h.shape
    ((5, 8), (1, 8))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        super().__init__(
            "GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        )
