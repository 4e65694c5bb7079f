"""Multi-head attention (``nn.MultiheadAttention``), as PyTorch's."""

from __future__ import annotations

import numpy as np

from .._typing import DTypeLike
from ..engine import no_grad
from ..tensor import Tensor, _make
from . import functional as F
from . import init
from .linear import Linear, _param
from .module import Module


def _canonical_mask(mask, name: str, dtype) -> Tensor | None:
    """None, or a float mask (0 where allowed, -inf where a bool mask is True)."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        raise TypeError(f"MultiheadAttention: {name} must be a Tensor, got {type(mask).__name__}")
    if mask.data.dtype == np.bool_:
        out = np.zeros(mask.shape, dtype=dtype)
        out[mask.data] = -np.inf
        return _make(out, None)
    if mask.data.dtype.kind != "f":
        raise TypeError(
            f"MultiheadAttention: only bool and floating types of {name} are supported, "
            f"got {mask.data.dtype}"
        )
    return mask


class MultiheadAttention(Module):
    """Multi-head attention: ``out_proj(concat_h softmax(Q_h K_h^T / sqrt(d)) V_h)``.

    Parameters follow PyTorch: with ``kdim == vdim == embed_dim`` the input
    projections are packed in ``in_proj_weight`` ``(3 * embed_dim, embed_dim)``;
    otherwise ``q_proj_weight``, ``k_proj_weight`` and ``v_proj_weight`` are
    separate (and ``in_proj_weight`` is None). ``in_proj_bias`` ``(3 *
    embed_dim,)`` and ``out_proj`` (a Linear) complete the layer.

    Parameters
    ----------
    embed_dim, num_heads : int
        Model width and number of heads (``embed_dim % num_heads == 0``).
    dropout : float
        Dropout on the attention weights while training.
    bias : bool
        Biases on the input and output projections.
    add_bias_kv, add_zero_attn : bool
        Not supported (must be False).
    kdim, vdim : int, optional
        Feature sizes of key and value (default ``embed_dim``).
    batch_first : bool
        Inputs and output are ``(N, L, E)`` rather than ``(L, N, E)``.

    Examples
    --------
    >>> import autodiff
    >>> mha = autodiff.nn.MultiheadAttention(8, 2, batch_first=True)
    >>> x = autodiff.randn(3, 5, 8)
    >>> out, weights = mha(x, x, x)
    >>> out.shape, weights.shape
    ((3, 5, 8), (3, 5, 5))
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        dtype: DTypeLike = None,
    ) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} "
                f"and num_heads={num_heads} instead"
            )
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError(
                "MultiheadAttention: add_bias_kv and add_zero_attn are not supported"
            )
        self.embed_dim = int(embed_dim)
        self.kdim = int(kdim) if kdim is not None else self.embed_dim
        self.vdim = int(vdim) if vdim is not None else self.embed_dim
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.num_heads = int(num_heads)
        self.dropout = float(dropout)
        self.batch_first = bool(batch_first)
        self.head_dim = self.embed_dim // self.num_heads
        if self.head_dim * self.num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        E = self.embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = _param(3 * E, E, dtype=dtype)
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.q_proj_weight = _param(E, E, dtype=dtype)
            self.k_proj_weight = _param(E, self.kdim, dtype=dtype)
            self.v_proj_weight = _param(E, self.vdim, dtype=dtype)
            self.in_proj_weight = None
        self.in_proj_bias = _param(3 * E, dtype=dtype) if bias else None
        self.out_proj = Linear(E, E, bias=bias, dtype=dtype)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = False
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            with no_grad():
                init.constant_(self.in_proj_bias, 0.0)
                init.constant_(self.out_proj.bias, 0.0)

    def _in_projection(self, query: Tensor, key: Tensor, value: Tensor):
        E = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E : 2 * E], b[2 * E :])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            wq, wk, wv = w[:E], w[E : 2 * E], w[2 * E :]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` to ``key``/``value``.

        Parameters
        ----------
        query, key, value : Tensor
            ``(L, N, E)``, ``(S, N, kdim)``, ``(S, N, vdim)`` (``(N, L, E)`` etc.
            with ``batch_first``), or unbatched ``(L, E)``, ``(S, kdim)``, ``(S, vdim)``.
        key_padding_mask : Tensor, optional
            ``(N, S)`` (or ``(S,)``): bool True marks keys to ignore; float is added.
        need_weights : bool
            Also return the attention weights.
        attn_mask : Tensor, optional
            ``(L, S)`` or ``(N * num_heads, L, S)``: bool True marks pairs that may
            NOT attend; float is added.
        average_attn_weights : bool
            Average the returned weights over the heads.
        is_causal : bool
            A hint that ``attn_mask`` is the causal mask (it must be given).

        Returns
        -------
        tuple
            ``(output, weights)``: output as ``query``; weights ``(N, L, S)``
            (or ``(N, num_heads, L, S)``), or None when not ``need_weights``.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> mha = nn.MultiheadAttention(8, 2, batch_first=True)
        >>> x = autodiff.randn(4, 5, 8)
        >>> out, w = mha(x, x, x)
        >>> out.shape, w.shape
        ((4, 5, 8), (4, 5, 5))
        """
        for name, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, Tensor):
                raise TypeError(f"MultiheadAttention: {name} must be a Tensor")
        batched = query.ndim == 3
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise AssertionError(
                "query, key and value should all be 2D (unbatched) or 3D (batched), got "
                f"shapes {query.shape}, {key.shape}, {value.shape}"
            )
        if batched and self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        tgt_len, bsz, embed_dim = query.shape
        src_len = key.shape[0]
        H, hd = self.num_heads, self.head_dim
        if embed_dim != self.embed_dim:
            raise AssertionError(
                f"was expecting embedding dimension of {self.embed_dim}, but got {embed_dim}"
            )
        if key.shape[:2] != value.shape[:2] or key.shape[1] != bsz:
            raise AssertionError(
                f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                f"{value.shape[:2]} or the query's batch size {bsz}"
            )
        dtype = query.data.dtype
        key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", dtype)
        if is_causal and attn_mask is None:
            raise RuntimeError(
                "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                "module method `generate_square_subsequent_mask` to create this mask."
            )
        if is_causal and key_padding_mask is None and not need_weights:
            attn_mask = None
        else:
            attn_mask = _canonical_mask(attn_mask, "attn_mask", dtype)
            if key_padding_mask is not None:
                is_causal = False

        q, k, v = self._in_projection(query, key, value)

        if attn_mask is not None:
            if attn_mask.ndim == 2:
                if attn_mask.shape != (tgt_len, src_len):
                    raise RuntimeError(
                        f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                        f"{(tgt_len, src_len)}."
                    )
                attn_mask = attn_mask.unsqueeze(0)
            elif attn_mask.ndim == 3:
                if attn_mask.shape != (bsz * H, tgt_len, src_len):
                    raise RuntimeError(
                        f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                        f"{(bsz * H, tgt_len, src_len)}."
                    )
            else:
                raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")

        # (L, N, E) -> (N * H, L, hd)
        q = q.reshape(tgt_len, bsz * H, hd).transpose(0, 1)
        k = k.reshape(src_len, bsz * H, hd).transpose(0, 1)
        v = v.reshape(src_len, bsz * H, hd).transpose(0, 1)

        if key_padding_mask is not None:
            if key_padding_mask.shape != (bsz, src_len):
                raise AssertionError(
                    f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                    f"{key_padding_mask.shape}"
                )
            kpm = (
                key_padding_mask.reshape(bsz, 1, 1, src_len)
                .expand(bsz, H, 1, src_len)
                .reshape(bsz * H, 1, src_len)
            )
            attn_mask = kpm if attn_mask is None else attn_mask + kpm

        dropout_p = self.dropout if self.training else 0.0

        if need_weights:
            scores = (q * (1.0 / float(np.sqrt(hd)))) @ k.transpose(-2, -1)
            if attn_mask is not None:
                scores = scores + attn_mask
            weights = F.softmax(scores, dim=-1)
            if dropout_p > 0.0:
                weights = F.dropout(weights, p=dropout_p)
            out = weights @ v  # (N * H, L, hd)
            out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
            out = F.linear(out, self.out_proj.weight, self.out_proj.bias)
            out = out.reshape(tgt_len, bsz, embed_dim)
            weights = weights.reshape(bsz, H, tgt_len, src_len)
            if average_attn_weights:
                weights = weights.mean(dim=1)
            if not batched:
                out, weights = out.squeeze(1), weights.squeeze(0)
        else:
            if attn_mask is not None:
                if attn_mask.shape[0] == 1:
                    attn_mask = attn_mask.unsqueeze(0)
                else:
                    attn_mask = attn_mask.reshape(bsz, H, -1, src_len)
            q4 = q.reshape(bsz, H, tgt_len, hd)
            k4 = k.reshape(bsz, H, src_len, hd)
            v4 = v.reshape(bsz, H, src_len, hd)
            out = F.scaled_dot_product_attention(
                q4, k4, v4, attn_mask=attn_mask, dropout_p=dropout_p, is_causal=is_causal
            )
            out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
            out = F.linear(out, self.out_proj.weight, self.out_proj.bias)
            out = out.reshape(tgt_len, bsz, embed_dim)
            weights = None
            if not batched:
                out = out.squeeze(1)
        if batched and self.batch_first:
            out = out.transpose(0, 1)
        return out, weights

    def extra_repr(self) -> str:
        return (
            f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
            f"batch_first={self.batch_first}"
        )


__all__ = ["MultiheadAttention"]
