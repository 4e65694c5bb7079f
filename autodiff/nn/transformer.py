"""Transformer encoder: ``nn.TransformerEncoderLayer`` and ``nn.TransformerEncoder``
(the decoder and ``nn.Transformer`` are in transformer_decoder.py), with PyTorch's
submodule and parameter names (a torch ``state_dict`` loads)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from .. import _dtypes
from .._typing import DeviceLike, DTypeLike
from ..factories import _check_device
from ..tensor import Tensor, _make
from . import functional as F
from .activation import Dropout
from .attention import MultiheadAttention
from .linear import Linear
from .module import Module, ModuleList
from .norm import LayerNorm


def generate_square_subsequent_mask(
    sz: int, device: DeviceLike = None, dtype: DTypeLike = None
) -> Tensor:
    """The float causal mask of size ``(sz, sz)``: -inf above the diagonal, 0 elsewhere.

    Examples
    --------
    >>> from autodiff.nn.transformer import generate_square_subsequent_mask
    >>> generate_square_subsequent_mask(2)
    Tensor([[  0., -inf],
            [  0.,   0.]])
    """
    _check_device(device)
    dtype = _dtypes.default_float() if dtype is None else dtype
    m = np.triu(np.full((sz, sz), -np.inf, dtype=dtype), 1)
    return _make(np.where(np.isneginf(m), m, 0.0).astype(dtype), None)


def _layer_norm(d_model: int, eps: float, bias: bool) -> LayerNorm:
    return LayerNorm(d_model, eps=eps, bias=bias)


def _init_layer(layer, attns: tuple, d_model, nhead, dim_ff, dropout, bias, batch_first) -> None:
    """A layer's attention blocks and feed-forward linears, in PyTorch's order of names."""
    for name in attns:
        mha = MultiheadAttention(d_model, nhead, dropout, bias, batch_first=batch_first)
        setattr(layer, name, mha)
    layer.linear1 = Linear(d_model, dim_ff, bias=bias)
    layer.dropout = Dropout(dropout)
    layer.linear2 = Linear(dim_ff, d_model, bias=bias)


def _init_norms(layer, n: int, d_model, eps, bias, dropout) -> None:
    """``norm1..n`` then ``dropout1..n`` (one per residual block), as PyTorch registers them."""
    for k in range(1, n + 1):
        setattr(layer, f"norm{k}", _layer_norm(d_model, eps, bias))
    for k in range(1, n + 1):
        setattr(layer, f"dropout{k}", Dropout(dropout))


def _activation(activation) -> Callable[[Tensor], Tensor]:
    if isinstance(activation, str):
        if activation == "relu":
            return F.relu
        if activation == "gelu":
            return F.gelu
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    if not callable(activation):
        raise TypeError(f"activation must be 'relu', 'gelu' or a callable, got {activation!r}")
    return activation


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with a residual and LayerNorm.

    Post-norm (default): ``x = norm1(x + sa(x)); x = norm2(x + ff(x))``;
    with ``norm_first``: ``x = x + sa(norm1(x)); x = x + ff(norm2(x))``, where
    ``ff(x) = linear2(dropout(activation(linear1(x))))``. Submodule and
    parameter names are PyTorch's (``self_attn``, ``linear1``, ``linear2``,
    ``norm1``, ``norm2``, ``dropout``, ``dropout1``, ``dropout2``).

    Parameters
    ----------
    d_model, nhead : int
        Model width and number of attention heads.
    dim_feedforward : int
        Hidden width of the feed-forward block.
    dropout : float
        Dropout probability (attention weights, feed-forward, residual branches).
    activation : {"relu", "gelu"} or callable
    layer_norm_eps : float
    batch_first : bool
        Input ``(N, L, E)`` rather than ``(L, N, E)``.
    norm_first : bool
        Pre-norm rather than post-norm.
    bias : bool
        Biases in the linear layers and the layer norms.
    device, dtype
        As PyTorch's: ``"cpu"`` (or None) only; a floating dtype for the parameters.

    Examples
    --------
    >>> import autodiff
    >>> layer = autodiff.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    >>> layer(autodiff.randn(3, 5, 8)).shape
    (3, 5, 8)
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = "relu",
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: DeviceLike = None,
        dtype: DTypeLike = None,
    ) -> None:
        super().__init__()
        _init_layer(
            self, ("self_attn",), d_model, nhead, dim_feedforward, dropout, bias, batch_first
        )
        self.norm_first = bool(norm_first)
        _init_norms(self, 2, d_model, layer_norm_eps, bias, dropout)
        self.activation = _activation(activation)
        self.to(device=device, dtype=dtype)

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src``; masks as in ``MultiheadAttention`` (``src_mask`` is
        its ``attn_mask``, ``is_causal`` a hint that ``src_mask`` is causal).

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> layer(autodiff.randn(3, 5, 8)).shape
        (3, 5, 8)
        """
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal) -> Tensor:
        return self.dropout1(_attend(self.self_attn, x, x, attn_mask, key_padding_mask, is_causal))

    def _ff_block(self, x: Tensor) -> Tensor:
        return _feed_forward(self, x, self.dropout2)


def _feed_forward(layer: Module, x: Tensor, dropout: Module) -> Tensor:
    """``dropout(linear2(dropout(activation(linear1(x)))))``: a layer's feed-forward block."""
    return dropout(layer.linear2(layer.dropout(layer.activation(layer.linear1(x)))))


def _attend(attn: Module, x, mem, attn_mask, key_padding_mask, is_causal) -> Tensor:
    return attn(
        x,
        mem,
        mem,
        attn_mask=attn_mask,
        key_padding_mask=key_padding_mask,
        need_weights=False,
        is_causal=is_causal,
    )[0]


def _detect_is_causal_mask(mask, is_causal, size: int) -> bool:
    make_causal = is_causal is True
    if is_causal is None and mask is not None:
        if mask.data.dtype == np.bool_:
            causal = np.triu(np.ones((size, size), dtype=bool), 1)
        else:
            causal = generate_square_subsequent_mask(size, dtype=mask.data.dtype).data
        make_causal = mask.shape == causal.shape and bool(np.all(mask.data == causal))
    return make_causal


def _seq_len(layers: ModuleList, x: Tensor) -> int:
    """The sequence length of ``x`` as the first layer reads it (batch_first or not)."""
    first = layers[0] if len(layers) else None
    batch_first = bool(getattr(getattr(first, "self_attn", None), "batch_first", False))
    return x.shape[1 if batch_first and x.ndim == 3 else 0]


def _clones(layer: Module, n: int, who: str, what: str) -> ModuleList:
    if not isinstance(layer, Module):
        raise TypeError(f"{who}: {what} must be a Module, got {type(layer).__name__}")
    return ModuleList([copy.deepcopy(layer) for _ in range(int(n))])


class TransformerEncoder(Module):
    """A stack of ``num_layers`` deep copies of ``encoder_layer``, then ``norm``.

    Parameters
    ----------
    encoder_layer : TransformerEncoderLayer
        Copied (``copy.deepcopy``) into ``layers``; the copies start equal.
    num_layers : int
    norm : Module, optional
        Applied to the output of the last layer.
    enable_nested_tensor, mask_check : bool
        Accepted as PyTorch's (they steer its nested-tensor fast path); no effect here.

    Examples
    --------
    >>> import autodiff
    >>> layer = autodiff.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    >>> enc = autodiff.nn.TransformerEncoder(layer, num_layers=2)
    >>> len(enc.layers), enc(autodiff.randn(5, 3, 8)).shape
    (2, (5, 3, 8))
    """

    def __init__(
        self,
        encoder_layer: Module,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        # (enable_nested_tensor and mask_check steer PyTorch's nested-tensor fast
        # path; accepted for ported code, they change nothing here)
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers, "TransformerEncoder", "encoder_layer")
        self.num_layers = int(num_layers)
        self.norm = norm

    def forward(
        self,
        src: Tensor,
        mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        """Run ``src`` through every layer (masks as in TransformerEncoderLayer).

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
        >>> enc = nn.TransformerEncoder(layer, num_layers=2)
        >>> enc(autodiff.randn(5, 3, 8)).shape
        (5, 3, 8)
        """
        is_causal = _detect_is_causal_mask(mask, is_causal, _seq_len(self.layers, src))
        out = src
        for mod in self.layers:
            out = mod(
                out, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask
            )
        if self.norm is not None:
            out = self.norm(out)
        return out


__all__ = ["TransformerEncoderLayer", "TransformerEncoder", "generate_square_subsequent_mask"]
