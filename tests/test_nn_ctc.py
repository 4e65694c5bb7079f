"""F.ctc_loss and nn.CTCLoss against PyTorch: losses and the gradients reaching the
logits through log_softmax, every reduction, zero_infinity, padded and concatenated
targets, repeated labels, short inputs, unbatched input, float32; the gradient with
respect to the log-probabilities themselves against finite differences (PyTorch's
differs there by exp(log_probs): porting.md row 14); errors."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

import autodiff  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

RNG = np.random.default_rng(23)
T, N, C = 12, 4, 5
LOGITS = RNG.standard_normal((T, N, C))
PADDED = np.array([[1, 2, 2, 9], [3, 1, 4, 4], [2, 2, 2, 2], [1, 9, 9, 9]])  # 9: padding
TARGET_LENGTHS = [3, 4, 2, 1]
INPUT_LENGTHS = [12, 10, 9, 1]


def _both(targets, input_lengths, target_lengths, dtype=np.float64, logits=LOGITS,
          **kwargs):
    """(ours, theirs): (loss, gradient of the logits) for one upstream gradient."""
    results = []
    for lib, fn in ((autodiff, F.ctc_loss), (torch, TF.ctc_loss)):
        x = lib.tensor(logits.astype(dtype), requires_grad=True)
        as_tensor = torch.tensor if lib is torch else autodiff.tensor
        loss = fn(x.log_softmax(-1), as_tensor(targets), as_tensor(input_lengths),
                  as_tensor(target_lengths), **kwargs)
        upstream = np.random.default_rng(1).standard_normal(tuple(loss.shape)).astype(dtype)
        loss.backward(lib.tensor(upstream))
        results.append((loss.detach().numpy(), x.grad.numpy()))
    return results


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_matches_pytorch(reduction, zero_infinity, dtype):
    targets = np.where(PADDED == 9, 1, PADDED)
    ours, theirs = _both(targets, INPUT_LENGTHS, TARGET_LENGTHS, dtype, reduction=reduction,
                         zero_infinity=zero_infinity)
    tol = 2e-5 if dtype == np.float32 else 1e-10
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_concatenated_targets_blank_and_an_impossible_alignment_match_pytorch():
    # sample 1 needs 5 frames for [2, 2, 2] (a blank between repeats) but has 3: inf,
    # or 0 with zero_infinity; the blank is class 4 here
    flat = [1, 3, 2, 2, 2, 0]
    lengths = [2, 3, 1]
    logits = LOGITS[:, :3]
    for zero_infinity in (False, True):
        ours, theirs = _both(flat, [12, 3, 7], lengths, logits=logits, blank=4,
                             reduction="none", zero_infinity=zero_infinity)
        np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10)
        assert ours[0][1] == (0.0 if zero_infinity else np.inf)
        if zero_infinity:  # (torch's gradient of an infinite loss is NaN: not compared)
            np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)


def test_unbatched_input_matches_pytorch():
    logits = LOGITS[:, 0]  # (T, C)
    ours, theirs = _both([1, 2, 1], 12, 3, logits=logits, reduction="none")
    assert ours[0].shape == theirs[0].shape == ()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_the_gradient_of_the_log_probabilities_is_the_losss_own():
    lp = autodiff.tensor(LOGITS[:6, :2], requires_grad=True).log_softmax(-1).detach()
    lp.requires_grad = True
    targets = autodiff.tensor([[1, 2], [3, 3]])

    def f(x):
        return F.ctc_loss(x, targets, [6, 6], [2, 2], reduction="sum")

    assert autodiff.gradcheck(f, (lp,))
    # PyTorch's gradient here is this one plus exp(log_probs) (porting.md row 14)
    f(lp).backward()
    t = torch.tensor(lp.detach().numpy(), requires_grad=True)
    TF.ctc_loss(t, torch.tensor([[1, 2], [3, 3]]), torch.tensor([6, 6]), torch.tensor([2, 2]),
                reduction="sum").backward()
    np.testing.assert_allclose(lp.grad.numpy() + np.exp(lp.detach().numpy()), t.grad.numpy(),
                               rtol=1e-10, atol=1e-12)


def test_the_module_and_second_order():
    loss = autodiff.nn.CTCLoss(blank=0, reduction="sum", zero_infinity=True)
    x = autodiff.tensor(LOGITS, requires_grad=True)
    value = loss(x.log_softmax(-1), autodiff.tensor(np.where(PADDED == 9, 1, PADDED)),
                 INPUT_LENGTHS, TARGET_LENGTHS)
    assert np.isfinite(value.item())
    (g,) = autodiff.grad(value, x, retain_graph=True)
    (recorded,) = autodiff.grad(value, x, create_graph=True)  # (as PyTorch: allowed...)
    np.testing.assert_allclose(recorded.detach().numpy(), g.numpy(), rtol=1e-12)
    with pytest.raises(RuntimeError, match="derivative of its gradient is not implemented"):
        autodiff.grad(recorded.square().sum(), x)  # (...but not differentiated again)
    t = torch.tensor(LOGITS, requires_grad=True)
    tv = torch.nn.CTCLoss(reduction="sum", zero_infinity=True)(
        t.log_softmax(-1), torch.tensor(np.where(PADDED == 9, 1, PADDED)),
        torch.tensor(INPUT_LENGTHS), torch.tensor(TARGET_LENGTHS))
    (tg,) = torch.autograd.grad(tv, t, create_graph=True)
    with pytest.raises(RuntimeError, match="not implemented"):
        torch.autograd.grad(tg.square().sum(), t)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"reduction": "avg"}, ValueError, "reduction"),
        ({"blank": 7}, ValueError, "blank must be in"),
        ({"input_lengths": [13, 1, 1, 1]}, ValueError, "input_lengths must be in"),
        ({"target_lengths": [3, 4]}, ValueError, "one entry a sample"),
        ({"targets": [[1, 0, 2, 2]] * 4}, ValueError, "not the blank"),
        ({"targets": [[1, 2]] * 4}, ValueError, "padded"),
    ],
    ids=["reduction", "blank", "input-too-long", "lengths-count", "blank-label", "short-pad"],
)
def test_ctc_loss_errors(kwargs, error, message):
    args = {"targets": [[1, 2, 2, 1], [3, 1, 4, 4], [2, 2, 2, 2], [1, 1, 1, 1]],
            "input_lengths": INPUT_LENGTHS, "target_lengths": TARGET_LENGTHS, **kwargs}
    lp = autodiff.tensor(LOGITS).log_softmax(-1)
    with pytest.raises(error, match=message):
        F.ctc_loss(lp, autodiff.tensor(args.pop("targets")), **args)


def test_samples_without_frames_as_pytorch():
    # no frames: 0 for an empty target, inf otherwise (0 with zero_infinity)
    logits = LOGITS[:5, :3, :3]
    for zero_infinity in (False, True):
        ours, theirs = _both([[1], [1], [2]], [0, 0, 4], [0, 1, 1], logits=logits,
                             reduction="none", zero_infinity=zero_infinity)
        np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10)
        if zero_infinity:
            np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)
