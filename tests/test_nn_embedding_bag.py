"""F.embedding_bag and nn.EmbeddingBag against PyTorch: every mode, both input forms,
offsets with empty bags and include_last_offset, padding_idx, per_sample_weights,
max_norm and scale_grad_by_freq; values, the weight's gradient and its renormalised
values; PyTorch's errors."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

import autodiff  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

RNG = np.random.default_rng(5)
W = RNG.standard_normal((10, 3))
FLAT = [1, 2, 4, 5, 4, 3, 2, 9]

BAGS = {
    "offsets": dict(input=FLAT, offsets=[0, 4]),
    "empty-bags": dict(input=FLAT, offsets=[0, 4, 8, 8]),
    "last-offset": dict(input=FLAT, offsets=[0, 3, 8], include_last_offset=True),
    "2-d": dict(input=[[1, 2, 4], [5, 4, 3]]),
    "padding": dict(input=FLAT, offsets=[0, 4], padding_idx=4),
    "padding-only-bag": dict(input=[4, 4, 1], offsets=[0, 2], padding_idx=4),
    "max_norm": dict(input=FLAT, offsets=[0, 4], max_norm=1.0),
    "freq-one-count": dict(input=[2, 2, 5, 5], offsets=[0, 1], scale_grad_by_freq=True),
}


def _run(lib, fn, bag, mode, dtype):
    w = lib.tensor(W.astype(dtype), requires_grad=True)
    offsets = bag.get("offsets")
    kwargs = {k: v for k, v in bag.items() if k not in ("input", "offsets")}
    out = fn(lib.tensor(bag["input"]), w, None if offsets is None else lib.tensor(offsets),
             mode=mode, **kwargs)
    upstream = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(dtype)
    out.backward(lib.tensor(upstream))
    return out.detach().numpy(), w.grad.numpy(), w.detach().numpy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    ("name", "mode"),
    # (max mode refuses scale_grad_by_freq: an error case below)
    [(n, m) for n in BAGS for m in ("sum", "mean", "max")
     if not (m == "max" and BAGS[n].get("scale_grad_by_freq"))],
)
def test_embedding_bag_matches_pytorch(name, mode, dtype):
    bag = BAGS[name]
    ours = _run(autodiff, F.embedding_bag, bag, mode, dtype)
    theirs = _run(torch, TF.embedding_bag, bag, mode, dtype)
    tol = 1e-6 if dtype == np.float32 else 1e-12
    for what, a, b in zip(("values", "weight gradient", "weight after"), ours, theirs):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=what)
        assert a.dtype == b.dtype, what


def test_per_sample_weights_match_pytorch():
    grads = []
    for lib, fn in ((autodiff, F.embedding_bag), (torch, TF.embedding_bag)):
        w = lib.tensor(W, requires_grad=True)
        psw = lib.tensor(np.linspace(-1, 2, 8), requires_grad=True)
        out = fn(lib.tensor(FLAT), w, lib.tensor([0, 3]), mode="sum", per_sample_weights=psw)
        (out * lib.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])).sum().backward()
        grads.append((out.detach().numpy(), w.grad.numpy(), psw.grad.numpy()))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_scale_grad_by_freq_divides_each_rows_gradient_by_its_count():
    # PyTorch 2.13's CPU kernel divides some rows by another index's count (pytorch
    # issue #190063, fixed after 2.13); its documented rule, which its GPU kernels and
    # F.embedding follow, is checked here by hand: row 1 twice, row 3 once
    w = autodiff.ones(4, 1, requires_grad=True)
    F.embedding_bag(autodiff.tensor([1, 1, 3]), w, autodiff.tensor([0]), mode="sum",
                    scale_grad_by_freq=True).sum().backward()
    assert w.grad[:, 0].tolist() == [0.0, 1.0, 0.0, 1.0]
    w = autodiff.ones(4, 1, requires_grad=True)
    F.embedding_bag(autodiff.tensor([[1, 1, 3]]), w, mode="mean",
                    scale_grad_by_freq=True).sum().backward()
    np.testing.assert_allclose(w.grad[:, 0].numpy(), [0.0, 1 / 3, 0.0, 1 / 3])


def test_embedding_bag_module_matches_pytorch():
    ours = autodiff.nn.EmbeddingBag(10, 3, mode="max", padding_idx=2)
    theirs = torch.nn.EmbeddingBag(10, 3, mode="max", padding_idx=2)
    assert repr(ours) == repr(theirs)
    assert ours.weight[2].tolist() == [0.0, 0.0, 0.0] and ours.weight.dtype == np.float32
    with autodiff.no_grad():
        ours.weight.copy_(autodiff.tensor(theirs.weight.detach().numpy()))
    x, offsets = [1, 2, 4, 5, 4, 3, 2, 9], [0, 4]
    a = ours(autodiff.tensor(x), autodiff.tensor(offsets))
    b = theirs(torch.tensor(x), torch.tensor(offsets))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
    frozen = autodiff.nn.EmbeddingBag.from_pretrained(autodiff.eye(3), mode="sum")
    assert frozen(autodiff.tensor([[0, 2]])).tolist() == [[1.0, 0.0, 1.0]]
    assert not frozen.weight.requires_grad


def tensor_of(fn, values):
    """A tensor of the library whose embedding_bag ``fn`` is."""
    return (torch if fn is TF.embedding_bag else autodiff).tensor(values)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda M, w: M(tensor_of(M, [1, 2]), w, tensor_of(M, [1])), RuntimeError,
         "offsets\\[0\\]"),
        (lambda M, w: M(tensor_of(M, [[1, 2]]), w, tensor_of(M, [0])), ValueError, "2-?D"),
        (lambda M, w: M(tensor_of(M, [1, 2]), w), ValueError, "offsets"),
        (lambda M, w: M(tensor_of(M, [1, 2]), w, tensor_of(M, [0]), mode="avg"), ValueError,
         "mode"),
        (lambda M, w: M(tensor_of(M, [1, 2]), w, tensor_of(M, [0]), mode="mean",
                        per_sample_weights=tensor_of(M, [1.0, 1.0])), NotImplementedError,
         "per_sample_weights"),
        (lambda M, w: M(tensor_of(M, [1, 2]), w, tensor_of(M, [0]), mode="max",
                        scale_grad_by_freq=True), ValueError, "max mode"),
        (lambda M, w: M(tensor_of(M, [1, 2]), w, tensor_of(M, [0, 3]), include_last_offset=True),
         RuntimeError, "offsets\\[-1\\]"),
    ],
    ids=["first-offset", "2-d-with-offsets", "1-d-without", "mode", "psw-not-sum",
         "max-freq", "last-offset-too-large"],
)
def test_embedding_bag_errors_as_pytorch(call, error, message):
    with pytest.raises(error, match=message):
        call(F.embedding_bag, autodiff.tensor(W))
    with pytest.raises(error):
        call(TF.embedding_bag, torch.tensor(W))


def test_embedding_bag_refuses_what_pytorch_misreports():
    with pytest.raises(RuntimeError, match="offsets must not decrease"):
        F.embedding_bag(autodiff.tensor(FLAT), autodiff.tensor(W), autodiff.tensor([0, 5, 3]))
    with pytest.raises(TypeError, match="input must be an integer tensor, got dtype float32"):
        F.embedding_bag(autodiff.tensor([1.0]), autodiff.tensor(W), autodiff.tensor([0]))


def test_max_mode_gives_a_tie_to_the_first_as_pytorch():
    w = np.array([[1.0, 2.0], [1.0, 0.0], [0.0, 2.0]])
    grads = []
    for lib, fn in ((autodiff, F.embedding_bag), (torch, TF.embedding_bag)):
        t = lib.tensor(w, requires_grad=True)
        fn(lib.tensor([0, 1, 2]), t, lib.tensor([0]), mode="max").sum().backward()
        grads.append(t.grad.tolist())
    assert grads[0] == grads[1] == [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]


def test_max_mode_empty_bags_and_nan_as_pytorch():
    # every bag empty: zeros that still belong to weight's graph (a zero gradient);
    # NaN entries are skipped by max, as PyTorch's
    w = W.copy()
    w[1, 0] = np.nan
    for inputs, offsets in (([], [0, 0]), ([0, 1, 2], [0, 3])):
        results = []
        for lib, fn in ((autodiff, F.embedding_bag), (torch, TF.embedding_bag)):
            t = lib.tensor(w, requires_grad=True)
            out = fn(lib.tensor(inputs, dtype=lib.int64), t, lib.tensor(offsets), mode="max")
            out.sum().backward()
            results.append((out.detach().numpy(), t.grad.numpy()))
        for a, b in zip(*results):
            np.testing.assert_array_equal(a, b)
