"""Bags of embeddings, as PyTorch's: ``F.embedding_bag`` and ``nn.EmbeddingBag`` sum,
average or take the largest of the embeddings of each bag of indices, without
making the (bags, indices, dim) tensor a user would build with ``Embedding``.

Here it is built (a bag's indices padded to the longest bag and masked), of the
declared ops: the gradient follows, repeated indices add up in it. Loaded on first use.

Examples
--------
>>> import autodiff
>>> from autodiff.nn import functional as F
>>> F.embedding_bag(autodiff.tensor([[0, 2], [1, 1]]), autodiff.eye(3), mode="sum")
Tensor([[1., 0., 1.],
        [0., 2., 0.]])
"""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .._typing import DTypeLike
from ..engine import no_grad
from ..factories import empty
from ..tensor import Tensor, _make
from . import init
from .functional import _embedding_renorm_, embedding
from .module import Module, Parameter

_MODES = ("sum", "mean", "max")


def _indices(x, what: str) -> np.ndarray:
    idx = x.data if isinstance(x, Tensor) else np.asarray(x)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding_bag: {what} must be an integer tensor, got dtype {idx.dtype}")
    return idx


def _bags(idx: np.ndarray, offsets, include_last_offset: bool) -> tuple:
    """(positions into the flat input, mask of real entries): each (bags, longest bag)."""
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "embedding_bag: a 2-D input is a batch of bags of one length (a bag a row), "
                "so offsets must be None"
            )
        bags, length = idx.shape
        positions = np.arange(idx.size).reshape(bags, length)
        return positions, np.ones((bags, length), dtype=bool)
    if idx.ndim != 1:
        raise ValueError(
            f"embedding_bag: input must be 1-D (with offsets) or 2-D, got {idx.ndim}-D"
        )
    if offsets is None:
        raise ValueError(
            "embedding_bag: a 1-D input needs offsets, a 1-D tensor of where each bag starts"
        )
    off = _indices(offsets, "offsets").astype(np.int64)
    if off.ndim != 1:
        raise ValueError(f"embedding_bag: offsets must be 1-D, got shape {off.shape}")
    if off.size and off[0] != 0:
        raise RuntimeError(
            f"embedding_bag: offsets[0] must be 0 (the first bag starts the input), got {off[0]}"
        )
    if np.any(np.diff(off) < 0):
        raise RuntimeError(f"embedding_bag: offsets must not decrease, got {off.tolist()}")
    if off.size and off[-1] > idx.size:
        raise RuntimeError(
            f"embedding_bag: offsets[-1] is {off[-1]}, beyond the input's length {idx.size}"
        )
    if include_last_offset:
        starts, ends = off[:-1], off[1:]
    else:
        starts, ends = off, np.append(off[1:], idx.size)
    counts = ends - starts
    length = int(counts.max()) if counts.size else 0
    steps = np.arange(length)
    mask = steps < counts[:, None]
    return np.where(mask, starts[:, None] + steps, 0), mask


def embedding_bag(
    input: Tensor,  # noqa: A002 - PyTorch's name
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """One row a bag: the sum, mean or max of the ``weight`` rows its indices name.

    A 2-D ``input`` holds a bag a row; a 1-D one is cut into bags where ``offsets``
    say (each bag's start; with ``include_last_offset`` the last entry is the end).
    An empty bag gives zeros. Indices equal to ``padding_idx`` are left out (also of
    a mean's count). ``per_sample_weights`` (input's shape, ``mode="sum"`` only)
    weigh each embedding; ``max_norm`` renormalises the rows used, in place, and
    ``scale_grad_by_freq`` divides a row's gradient by its count, as ``F.embedding``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> w = autodiff.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    >>> F.embedding_bag(autodiff.tensor([0, 1, 2]), w, autodiff.tensor([0, 2]))
    Tensor([[0.5, 0.5],
            [2. , 2. ]])
    """
    if mode not in _MODES:
        raise ValueError(f"embedding_bag: mode must be one of sum, mean or max, got {mode!r}")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse=True is not supported; use sparse=False")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights are only supported with mode='sum' (got "
            f"mode={mode!r}), as in PyTorch"
        )
    if scale_grad_by_freq and mode == "max":
        raise ValueError("embedding_bag: max mode does not support scaling the gradient by the "
                         "frequency")
    idx = _indices(input, "input")
    positions, mask = _bags(idx, offsets, include_last_offset)
    flat = idx.reshape(-1)
    bag_idx = flat[positions] if flat.size else np.zeros(positions.shape, np.int64)
    if padding_idx is not None:
        num = weight.shape[0]
        if not -num <= padding_idx < num:
            raise ValueError(
                f"embedding_bag: padding_idx {padding_idx} is out of range for {num} embeddings"
            )
        mask &= bag_idx != padding_idx % num
    used = bag_idx[mask]
    if max_norm is not None:  # (the rows the bags use, not the padding's stand-ins)
        _embedding_renorm_(weight, used, float(max_norm), float(norm_type))
    rows = embedding(ad.tensor(bag_idx), weight)  # (bags, longest bag, dim)
    if scale_grad_by_freq and rows.requires_grad:
        uniq, counts = np.unique(used, return_counts=True)
        freq = np.ones(bag_idx.shape)
        freq[mask] = counts[np.searchsorted(uniq, used)]
        scale = (1.0 / freq).astype(rows.dtype)[..., None]
        rows.register_hook(lambda g: g * scale)
    keep = _make(mask[..., None], None)
    if mode == "max":
        if not mask.shape[1]:  # (every bag empty: zeros, still of weight's graph)
            return rows.sum(dim=1)
        # (ties: the first; NaN skipped, as PyTorch's)
        usable = keep & _make(~np.isnan(rows.data), None)
        largest = ad.where(usable, rows, float("-inf")).max(dim=1)[0]
        return ad.where(_make(~mask.any(axis=1)[:, None], None), 0.0, largest)
    picked = ad.where(keep, rows, 0.0)
    if per_sample_weights is not None:
        psw = per_sample_weights if isinstance(per_sample_weights, Tensor) else ad.tensor(
            per_sample_weights)
        if tuple(psw.shape) != idx.shape:
            raise ValueError(
                f"embedding_bag: per_sample_weights must have the input's shape {idx.shape}, "
                f"got {tuple(psw.shape)}"
            )
        picked = picked * psw.reshape(-1)[ad.tensor(positions)].unsqueeze(-1).to(rows.dtype)
    total = picked.sum(dim=1)
    if mode == "sum":
        return total
    counts = np.maximum(mask.sum(axis=1), 1).astype(rows.dtype)[:, None]
    return total / _make(counts, None)


class EmbeddingBag(Module):
    """A lookup table whose rows are summed, averaged or maxed per bag of indices
    (``F.embedding_bag``); initialised N(0, 1) with the ``padding_idx`` row zero, as
    PyTorch's.

    Examples
    --------
    >>> import autodiff
    >>> bag = autodiff.nn.EmbeddingBag(10, 3, mode="sum")
    >>> bag(autodiff.tensor([1, 2, 4, 5, 4]), autodiff.tensor([0, 2])).shape
    (2, 3)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Tensor | None = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        dtype: DTypeLike = None,
    ) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if mode not in _MODES:
            raise ValueError(f"EmbeddingBag: mode must be one of sum, mean or max, got {mode!r}")
        if padding_idx is not None and not -num_embeddings <= padding_idx < num_embeddings:
            raise ValueError(
                f"EmbeddingBag: padding_idx {padding_idx} must be within num_embeddings "
                f"({num_embeddings})"
            )
        self.max_norm, self.norm_type, self.mode = max_norm, norm_type, mode
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        self.include_last_offset = include_last_offset
        self.padding_idx = None if padding_idx is None else padding_idx % num_embeddings
        if _weight is None:
            self.weight = Parameter(empty(self.num_embeddings, self.embedding_dim, dtype=dtype))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (self.num_embeddings, self.embedding_dim):
                raise ValueError(
                    f"EmbeddingBag: _weight of shape {tuple(_weight.shape)} does not match "
                    f"({num_embeddings}, {embedding_dim})"
                )
            self.weight = Parameter(_weight)

    def reset_parameters(self) -> None:
        """Re-draw the weight from N(0, 1), the ``padding_idx`` row zero.

        Examples
        --------
        >>> import autodiff
        >>> bag = autodiff.nn.EmbeddingBag(4, 2, padding_idx=0)
        >>> bag.reset_parameters()
        >>> bag.weight[0].tolist()
        [0.0, 0.0]
        """
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """An EmbeddingBag holding ``embeddings`` (rows, dim), frozen by default.

        Examples
        --------
        >>> import autodiff
        >>> bag = autodiff.nn.EmbeddingBag.from_pretrained(autodiff.eye(3), mode="sum")
        >>> bag(autodiff.tensor([[0, 1]])).tolist(), bag.weight.requires_grad
        ([[1.0, 1.0, 0.0]], False)
        """
        if embeddings.ndim != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings must be 2-D, got "
                             f"{embeddings.ndim}-D")
        rows, dim = embeddings.shape
        bag = cls(rows, dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx)
        bag.weight.requires_grad = not freeze
        return bag

    def forward(self, input: Tensor, offsets: Tensor | None = None,  # noqa: A002
                per_sample_weights: Tensor | None = None) -> Tensor:
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.mode, self.sparse, per_sample_weights,
                             self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        text += f", mode='{self.mode}'"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
