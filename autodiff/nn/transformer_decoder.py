"""Transformer decoder and the full model: ``nn.TransformerDecoderLayer``,
``nn.TransformerDecoder`` and ``nn.Transformer``, as PyTorch's (names, order of
parameters, masks, ``norm_first``, ``batch_first``), so a torch ``state_dict`` loads."""

from __future__ import annotations

from collections.abc import Callable

from .._typing import DeviceLike, DTypeLike
from ..tensor import Tensor
from . import init
from .module import Module
from .transformer import (
    TransformerEncoder,
    TransformerEncoderLayer,
    _activation,
    _attend,
    _clones,
    _detect_is_causal_mask,
    _feed_forward,
    _init_layer,
    _init_norms,
    _layer_norm,
    _seq_len,
    generate_square_subsequent_mask,
)


class TransformerDecoderLayer(Module):
    """Self-attention, attention over ``memory``, then a feed-forward block, each
    with a residual and a LayerNorm.

    Post-norm (default): ``x = norm1(x + sa(x)); x = norm2(x + mha(x, memory));
    x = norm3(x + ff(x))``; with ``norm_first`` each block reads ``normK(x)`` and
    adds to ``x``. Submodule and parameter names are PyTorch's (``self_attn``,
    ``multihead_attn``, ``linear1``, ``linear2``, ``norm1``-``norm3``,
    ``dropout``, ``dropout1``-``dropout3``). Parameters as
    :class:`TransformerEncoderLayer`.

    Examples
    --------
    >>> import autodiff
    >>> layer = autodiff.nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    >>> layer(autodiff.randn(3, 4, 8), autodiff.randn(3, 6, 8)).shape
    (3, 4, 8)
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
        attns = ("self_attn", "multihead_attn")
        _init_layer(self, attns, d_model, nhead, dim_feedforward, dropout, bias, batch_first)
        self.norm_first = bool(norm_first)
        _init_norms(self, 3, d_model, layer_norm_eps, bias, dropout)
        self.activation = _activation(activation)
        self.to(device=device, dtype=dtype)

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Decode ``tgt`` attending to ``memory``; masks as in :class:`MultiheadAttention`
        (``tgt_mask`` is the self-attention's ``attn_mask``, ``memory_mask`` the
        cross-attention's; ``*_is_causal`` hint that the matching mask is causal).

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
        >>> layer(autodiff.randn(4, 3, 8), autodiff.randn(5, 3, 8)).shape
        (4, 3, 8)
        """
        x = tgt
        sa, mha = self.self_attn, self.multihead_attn
        if self.norm_first:
            x = x + self.dropout1(
                _attend(sa, h := self.norm1(x), h, tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            )
            x = x + self.dropout2(
                _attend(
                    mha,
                    self.norm2(x),
                    memory,
                    memory_mask,
                    memory_key_padding_mask,
                    memory_is_causal,
                )
            )
            return x + _feed_forward(self, self.norm3(x), self.dropout3)
        x = self.norm1(
            x + self.dropout1(_attend(sa, x, x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        )
        x = self.norm2(
            x
            + self.dropout2(
                _attend(mha, x, memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            )
        )
        return self.norm3(x + _feed_forward(self, x, self.dropout3))


class TransformerDecoder(Module):
    """A stack of ``num_layers`` deep copies of ``decoder_layer``, then ``norm``.

    ``tgt_is_causal=None`` (the default) detects a causal ``tgt_mask``, as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> layer = autodiff.nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
    >>> dec = autodiff.nn.TransformerDecoder(layer, num_layers=2)
    >>> len(dec.layers), dec(autodiff.randn(4, 3, 8), autodiff.randn(6, 3, 8)).shape
    (2, (4, 3, 8))
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers, "TransformerDecoder", "decoder_layer")
        self.num_layers = int(num_layers)
        self.norm = norm

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Run ``tgt`` through every layer (masks as in TransformerDecoderLayer).

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), num_layers=2)
        >>> dec(autodiff.randn(4, 3, 8), autodiff.randn(5, 3, 8)).shape
        (4, 3, 8)
        """
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, _seq_len(self.layers, tgt))
        out = tgt
        for mod in self.layers:
            out = mod(
                out,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=tgt_is_causal,
                memory_is_causal=memory_is_causal,
            )
        if self.norm is not None:
            out = self.norm(out)
        return out


class Transformer(Module):
    """Encoder-decoder Transformer (Vaswani et al.), as ``torch.nn.Transformer``.

    ``encoder``: ``num_encoder_layers`` TransformerEncoderLayers and a final
    LayerNorm; ``decoder``: likewise with TransformerDecoderLayers; matrices are
    initialised Xavier-uniform (as PyTorch). ``custom_encoder``/``custom_decoder``
    replace either stack.

    Examples
    --------
    >>> import autodiff
    >>> model = autodiff.nn.Transformer(8, 2, 1, 1, dim_feedforward=16, batch_first=True)
    >>> src, tgt = autodiff.randn(2, 5, 8), autodiff.randn(2, 3, 8)
    >>> mask = autodiff.nn.Transformer.generate_square_subsequent_mask(3)
    >>> model(src, tgt, tgt_mask=mask).shape
    (2, 3, 8)
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = "relu",
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: DeviceLike = None,
        dtype: DTypeLike = None,
    ) -> None:
        super().__init__()
        kw = dict(
            dim_feedforward=dim_feedforward,
            dropout=dropout,
            activation=activation,
            layer_norm_eps=layer_norm_eps,
            batch_first=batch_first,
            norm_first=norm_first,
            bias=bias,
        )
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, **kw)
            norm = _layer_norm(d_model, layer_norm_eps, bias)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, **kw)
            norm = _layer_norm(d_model, layer_norm_eps, bias)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, norm)
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)
        self.d_model, self.nhead, self.batch_first = int(d_model), int(nhead), bool(batch_first)
        self.to(device=device, dtype=dtype)

    generate_square_subsequent_mask = staticmethod(generate_square_subsequent_mask)

    def forward(
        self,
        src: Tensor,
        tgt: Tensor,
        src_mask: Tensor | None = None,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src`` into memory, then decode ``tgt`` attending to it.

        Shapes ``(S, N, E)`` and ``(T, N, E)`` (``(N, S, E)``, ``(N, T, E)`` with
        ``batch_first``, or unbatched ``(S, E)``, ``(T, E)``); output as ``tgt``.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> model = nn.Transformer(8, 2, 1, 1, dim_feedforward=16, batch_first=True)
        >>> model(autodiff.randn(2, 5, 8), autodiff.randn(2, 4, 8)).shape
        (2, 4, 8)
        """
        batch = 0 if self.batch_first else 1
        if src.ndim == 3 and src.shape[batch] != tgt.shape[batch]:
            raise RuntimeError(
                f"the batch number of src and tgt must be equal (src {src.shape}, tgt "
                f"{tgt.shape}, batch_first={self.batch_first})"
            )
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(
                f"the feature number of src and tgt must be equal to d_model ({self.d_model}), "
                f"got src {src.shape} and tgt {tgt.shape}"
            )
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )


__all__ = ["TransformerDecoderLayer", "TransformerDecoder", "Transformer"]
