"""Connectionist temporal classification: ``F.ctc_loss`` and ``nn.CTCLoss``, as
PyTorch's. Loaded on first use.

The loss of a sample is -log p(target | input), summed over every alignment of the
target (blanks between and around its labels, repeats merged) to the input's frames,
by the forward (alpha) recursion in log space; the gradient is -(the posterior
occupancy of each label at each frame), from the forward and backward (beta)
recursions. One node, its VJP on ndarrays; recorded (create_graph), the gradient is a
node whose own derivative is refused, as PyTorch's.

Examples
--------
>>> import autodiff
>>> from autodiff.nn import functional as F
>>> log_probs = autodiff.full((3, 1, 2), 0.5).log()  # 3 frames, classes {blank, a}
>>> F.ctc_loss(log_probs, autodiff.tensor([[1]]), [3], [1], reduction="sum")
Tensor(0.2877)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import autodiff as ad

from ..engine import Node, apply, apply1
from ..ops import registry as R
from ..ops.xp import TS
from ..tensor import Tensor
from .module import Module

_NEG_INF = -np.inf


def _logsumexp(stacked: np.ndarray, axis: int = 0) -> np.ndarray:
    """log(sum(exp)) along ``axis``, -inf where every term is -inf (no warning)."""
    top = stacked.max(axis=axis, keepdims=True)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.exp(stacked - safe).sum(axis=axis, keepdims=True)) + safe
    return np.squeeze(out, axis=axis)


def _shift(a: np.ndarray, by: int) -> np.ndarray:
    """``a`` moved ``by`` places along its last axis (positive: right), -inf filled."""
    out = np.full_like(a, _NEG_INF)
    if by > 0:
        out[..., by:] = a[..., :-by]
    else:
        out[..., :by] = a[..., -by:]
    return out


class _Alignments:
    """The extended targets (a blank around and between labels) of a batch, and the
    forward and backward recursions over them, in float64."""

    def __init__(self, lp: np.ndarray, ext: np.ndarray, ext_len: np.ndarray,
                 frames: np.ndarray) -> None:
        self.frames, self.ext, self.ext_len = frames, ext, ext_len
        steps, batch = lp.shape[:2]
        # each frame's log-probability of each extended label: (T, N, S')
        self.emit = lp[:, np.arange(batch)[:, None], ext].astype(np.float64)
        positions = np.arange(ext.shape[1])
        self.valid = positions < ext_len[:, None]  # (N, S')
        # s may follow s - 2 (skipping a blank) where labels s and s - 2 differ
        self.skip = np.zeros(ext.shape, dtype=bool)
        self.skip[:, 2:] = (ext[:, 2:] != ext[:, :-2]) & (positions[2:] % 2 == 1)
        self.emit[:, ~self.valid] = _NEG_INF

    def forward(self) -> np.ndarray:
        """alpha[t, n, s]: log p of the prefixes that reach s at frame t (with t)."""
        emit, skip = self.emit, self.skip
        alpha = np.full(emit.shape, _NEG_INF)
        alpha[0, :, :2] = emit[0, :, :2]
        for t in range(1, emit.shape[0]):
            prev = alpha[t - 1]
            jump = np.where(skip, _shift(prev, 2), _NEG_INF)
            alpha[t] = _logsumexp(np.stack([prev, _shift(prev, 1), jump])) + emit[t]
        return alpha

    def backward(self) -> np.ndarray:
        """beta[t, n, s]: log p of the suffixes from s at frame t (with t) to the end."""
        emit, skip, frames = self.emit, self.skip, self.frames
        beta = np.full(emit.shape, _NEG_INF)
        rows = np.arange(emit.shape[1])
        last = self.ext_len - 1
        # (np.roll-free "from s + 2": the jump into s + 2 is allowed where skip[s + 2])
        skip_from = _shift(skip.astype(np.float64), -2) > 0
        for t in range(emit.shape[0] - 1, -1, -1):
            ending = frames - 1 == t
            if t + 1 < emit.shape[0]:
                nxt = beta[t + 1]
                jump = np.where(skip_from, _shift(nxt, -2), _NEG_INF)
                beta[t] = _logsumexp(np.stack([nxt, _shift(nxt, -1), jump])) + emit[t]
                beta[t][frames - 1 < t] = _NEG_INF
            if ending.any():
                start = np.full(emit.shape[1:], _NEG_INF)
                start[rows, last] = emit[t, rows, last]
                has_label = last > 0
                start[rows[has_label], last[has_label] - 1] = emit[t, rows[has_label],
                                                                  last[has_label] - 1]
                beta[t][ending] = start[ending]
        return beta

    def nll(self, alpha: np.ndarray) -> np.ndarray:
        rows = np.arange(alpha.shape[1])
        final = alpha[self.frames - 1, rows]  # (N, S')
        last = self.ext_len - 1
        ends = [final[rows, last], np.where(last > 0, final[rows, np.maximum(last - 1, 0)],
                                            _NEG_INF)]
        nll = -_logsumexp(np.stack(ends))
        # no frames: a probability of 1 for an empty target, else 0 (PyTorch's 0 and inf)
        return np.where(self.frames == 0, np.where(self.ext_len == 1, 0.0, np.inf), nll)


class CtcLossBackward(Node):
    """Per-sample CTC losses (N,) of log-probabilities (T, N, C)."""

    name = "ctc_loss"
    saves = (0,)

    @staticmethod
    def forward(lp, attrs):
        ext, ext_len, frames, zero_infinity = attrs
        paths = _Alignments(lp, ext, ext_len, frames)
        nll = paths.nll(paths.forward())
        if zero_infinity:
            nll = np.where(np.isinf(nll), 0.0, nll)
        return nll.astype(lp.dtype)

    def vjp(self, g, xs, out, xp):
        if xp is TS:  # (recorded: a node of its own, whose derivative is refused)
            return (apply(CtcGradientBackward, (xs[0], g), self.attrs),)
        return (_gradient(xs[0], g, self.attrs),)


class CtcGradientBackward(Node):
    """CTC's gradient as a recorded value (a ``create_graph`` backward): like PyTorch's,
    it cannot be differentiated again."""

    name = "ctc_loss_backward"
    saves = ()

    @staticmethod
    def forward(lp, g, attrs):
        return _gradient(lp, g, attrs)

    def vjp(self, g, xs, out, xp):
        raise RuntimeError(
            "ctc_loss: the derivative of its gradient is not implemented (a second "
            "derivative through ctc_loss), as in PyTorch"
        )


def _gradient(lp: np.ndarray, g: np.ndarray, attrs) -> np.ndarray:
    """d(sum of g * losses) / d log_probs: -g * (each label's posterior occupancy)."""
    ext, ext_len, frames, zero_infinity = attrs
    paths = _Alignments(lp, ext, ext_len, frames)
    alpha, beta = paths.forward(), paths.backward()
    nll = paths.nll(alpha)
    # posterior occupancy of extended label s at frame t: alpha * beta / (p * emit)
    with np.errstate(invalid="ignore"):
        occupancy = np.exp(alpha + beta - paths.emit + nll[None, :, None])
    occupancy[~np.isfinite(occupancy)] = 0.0
    grad = np.zeros(lp.shape, dtype=np.float64)
    steps, batch = lp.shape[:2]
    t_idx = np.arange(steps)[:, None, None]
    n_idx = np.arange(batch)[None, :, None]
    np.add.at(grad, (t_idx, n_idx, ext[None, :, :]), -occupancy * paths.valid[None])
    scale = np.asarray(g, dtype=np.float64)
    if zero_infinity:
        scale = np.where(np.isinf(nll), 0.0, scale)
    return (grad * scale[None, :, None]).astype(lp.dtype)


def _lengths(values, count: int, what: str) -> np.ndarray:
    arr = values.numpy() if isinstance(values, Tensor) else np.asarray(values)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"ctc_loss: {what} must hold integers, got dtype {arr.dtype}")
    arr = arr.reshape(-1).astype(np.int64)
    if arr.size != count:
        raise ValueError(f"ctc_loss: {what} must have one entry a sample ({count}), got "
                         f"{arr.size}")
    return arr


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Tensor | Sequence[int] | int,
    target_lengths: Tensor | Sequence[int] | int,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """The CTC loss of ``log_probs`` (T, N, C), or (T, C) unbatched, usually a
    log_softmax over C, against ``targets``: (N, S) padded, or the targets of all
    samples concatenated (1-D), ``target_lengths`` saying how many each has. Sample n
    uses its first ``input_lengths[n]`` frames.

    ``reduction`` "mean" divides each loss by its target length, then averages over
    the batch (as PyTorch); "sum" adds them up; "none" returns them. With
    ``zero_infinity`` an impossible alignment (an input too short for its target)
    costs 0 with gradient 0 instead of inf.

    The gradient is the loss's own: -(each label's posterior occupancy). PyTorch's
    differs by ``exp(log_probs)`` (porting.md row 14), which cancels through a
    log_softmax: a model's gradients are the same.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn import functional as F
    >>> lp = autodiff.randn(6, 2, 4).log_softmax(dim=-1)
    >>> F.ctc_loss(lp, autodiff.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2]).shape
    ()
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"ctc_loss: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if not isinstance(log_probs, Tensor) or log_probs.ndim not in (2, 3):
        raise ValueError("ctc_loss: log_probs must be a Tensor of shape (T, N, C) or (T, C)")
    if log_probs.dtype.kind != "f":
        raise TypeError(f"ctc_loss: log_probs must be floating point, got {log_probs.dtype}")
    single = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if single else log_probs
    steps, batch, classes = lp.shape
    if not 0 <= blank < classes:
        raise ValueError(f"ctc_loss: blank must be in [0, {classes}), got {blank}")
    frames = _lengths(input_lengths, batch, "input_lengths")
    lengths = _lengths(target_lengths, batch, "target_lengths")
    if frames.min(initial=0) < 0 or frames.max(initial=0) > steps:
        raise ValueError(f"ctc_loss: input_lengths must be in [0, {steps}] (the frames), got "
                         f"{frames.tolist()}")
    tg = targets.numpy() if isinstance(targets, Tensor) else np.asarray(targets)
    if tg.dtype.kind not in "iu":
        raise TypeError(f"ctc_loss: targets must hold integers, got dtype {tg.dtype}")
    if tg.ndim == 1:  # (the targets of all samples, one after another)
        flat = tg.reshape(-1)
        if flat.size < lengths.sum():
            raise ValueError(f"ctc_loss: targets hold {flat.size} labels, target_lengths "
                             f"{lengths.sum()}")
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        rows = [flat[s:s + n] for s, n in zip(starts, lengths)]
    else:
        if tg.ndim != 2 or tg.shape[0] != batch or lengths.max(initial=0) > tg.shape[1]:
            raise ValueError(
                f"ctc_loss: targets must be (N, S) padded with S >= every target length, or "
                f"1-D holding the concatenated targets; got shape {tg.shape} for target_lengths "
                f"{lengths.tolist()}"
            )
        rows = [tg[n, :lengths[n]] for n in range(batch)]
    width = 2 * int(lengths.max(initial=0)) + 1
    ext = np.full((batch, width), blank, dtype=np.int64)
    for n, row in enumerate(rows):
        if row.size and (row.min() < 0 or row.max() >= classes or (row == blank).any()):
            raise ValueError(f"ctc_loss: the labels of sample {n} must be in [0, {classes}) "
                             f"and not the blank ({blank}), got {row.tolist()}")
        ext[n, 1:2 * row.size:2] = row
    losses = apply1(CtcLossBackward, lp, (ext, 2 * lengths + 1, frames, bool(zero_infinity)))
    if reduction == "none":
        return losses.squeeze(0) if single else losses
    if reduction == "sum":
        return losses.sum()
    divisor = ad.tensor(np.maximum(lengths, 1).astype(losses.dtype))
    return (losses / divisor).mean()


class CTCLoss(Module):
    """The CTC loss as a module, as ``F.ctc_loss``.

    Examples
    --------
    >>> import autodiff
    >>> loss = autodiff.nn.CTCLoss(blank=0, zero_infinity=True)
    >>> lp = autodiff.randn(5, 1, 3).log_softmax(dim=-1)
    >>> loss(lp, autodiff.tensor([[1, 2]]), [5], [2]).shape
    ()
    """

    def __init__(self, blank: int = 0, reduction: str = "mean",
                 zero_infinity: bool = False) -> None:
        super().__init__()
        self.blank, self.reduction, self.zero_infinity = blank, reduction, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor,
                input_lengths: Tensor | Sequence[int] | int,
                target_lengths: Tensor | Sequence[int] | int) -> Tensor:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                        self.reduction, self.zero_infinity)


def _ctc_samples() -> list:
    padded = np.array([[1, 2, 2], [3, 1, 1], [2, 2, 2]])
    return [
        R.Sample((R.randn(7, 3, 4), padded, [7, 6, 7], [3, 2, 1]), {"reduction": "sum"}),
        R.Sample((R.randn(5, 2, 3, seed=1), np.array([2, 1, 1]), [5, 4], [1, 2]),
                 {"reduction": "none", "blank": 0}, note="concatenated targets"),
        R.Sample((R.randn(6, 1, 3, seed=2), np.array([[2, 2]]), [6], [2]),
                 {"blank": 1, "zero_infinity": True}, note="blank 1, mean"),
    ]


# (a route for the gradchecks: log_probs need not be normalised for the loss's own
# gradient; first order only, as PyTorch's)
R.register("ctc_loss", ctc_loss, _ctc_samples, second_order=False)
