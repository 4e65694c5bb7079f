"""The examples in examples/ train, and match PyTorch step for step.

Each example is loaded twice: as written (``import autodiff as torch``) and with
its autodiff imports swapped for PyTorch's, which is the whole port. Both copies
get the same initial weights and the same batches; the losses and every
parameter gradient must agree to float64 precision for three training steps.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import autodiff

torch = pytest.importorskip("torch")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SWAPS = {
    "import autodiff as torch ": "import torch ",
    "import autodiff.nn as nn ": "import torch.nn as nn ",
    "from autodiff.nn import functional as F ": "from torch.nn import functional as F ",
}


def load_example(name: str, backend: str):
    """Import examples/<name>.py; with backend="torch", on PyTorch instead of autodiff."""
    source = (EXAMPLES / f"{name}.py").read_text()
    if backend == "torch":
        for old, new in SWAPS.items():
            assert old in source, old
            source = source.replace(old, new)
    mod_name = f"_example_{name}_{backend}"
    spec = importlib.util.spec_from_loader(mod_name, loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(EXAMPLES / f"{name}.py")
    sys.modules[mod_name] = module  # dataclasses and friends look it up
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


@pytest.fixture
def float64():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    autodiff.set_default_dtype(autodiff.float64)
    yield
    torch.set_default_dtype(old)
    autodiff.set_default_dtype(autodiff.float32)


def copy_weights(ad_model, pt_model):
    """Load autodiff's state dict into the torch model (same keys, same shapes)."""
    state = {
        k: torch.from_numpy(np.array(v.numpy(), copy=True))
        for k, v in ad_model.state_dict().items()
    }
    pt_state = pt_model.state_dict()
    assert state.keys() == pt_state.keys()
    for k in state:
        assert tuple(state[k].shape) == tuple(pt_state[k].shape), k
        state[k] = state[k].to(pt_state[k].dtype)
    pt_model.load_state_dict(state)


def assert_same_grads(ad_model, pt_model, rtol=1e-8, atol=1e-12):
    ad_params = dict(ad_model.named_parameters())
    pt_params = dict(pt_model.named_parameters())
    assert ad_params.keys() == pt_params.keys()
    for name, p in pt_params.items():
        assert p.grad is not None, name
        np.testing.assert_allclose(
            ad_params[name].grad.numpy(), p.grad.numpy(), rtol=rtol, atol=atol, err_msg=name
        )


def assert_same_state(ad_model, pt_model, rtol=1e-8, atol=1e-12):
    pt_state = pt_model.state_dict()
    for name, v in ad_model.state_dict().items():
        np.testing.assert_allclose(
            v.numpy(), pt_state[name].numpy(), rtol=rtol, atol=atol, err_msg=name
        )


# ---------------------------------------------------------------- makemore MLP


def test_makemore_mlp_matches_torch(float64):
    ad = load_example("makemore_mlp", "autodiff")
    pt = load_example("makemore_mlp", "torch")
    assert pt.torch is torch and ad.torch is autodiff

    words = ad.load_words()[:200]
    stoi, _ = ad.make_vocab(ad.load_words())
    block_size = 4
    X, Y = ad.build_dataset(words, stoi, block_size)
    Xp, Yp = pt.build_dataset(words, stoi, block_size)
    np.testing.assert_array_equal(X.numpy(), Xp.numpy())

    autodiff.manual_seed(0)
    ad_model = ad.build_model(len(stoi), block_size, n_embd=6, n_hidden=20, n_layers=2)
    pt_model = pt.build_model(len(stoi), block_size, n_embd=6, n_hidden=20, n_layers=2)
    copy_weights(ad_model, pt_model)
    ad_opt = autodiff.optim.SGD(ad_model.parameters(), lr=0.1)
    pt_opt = torch.optim.SGD(pt_model.parameters(), lr=0.1)

    rng = np.random.default_rng(0)
    for _ in range(3):
        ix = rng.integers(0, len(X), size=32)
        ad_loss = ad.F.cross_entropy(ad_model(X[autodiff.tensor(ix)]), Y[autodiff.tensor(ix)])
        pt_loss = pt.F.cross_entropy(pt_model(Xp[torch.from_numpy(ix)]), Yp[torch.from_numpy(ix)])
        np.testing.assert_allclose(ad_loss.item(), pt_loss.item(), rtol=1e-10)
        for opt, loss in ((ad_opt, ad_loss), (pt_opt, pt_loss)):
            opt.zero_grad()
            loss.backward()
        assert_same_grads(ad_model, pt_model)
        ad_opt.step()
        pt_opt.step()
        assert_same_state(ad_model, pt_model)  # weights and BatchNorm running stats

    # eval mode (running statistics) agrees too
    np.testing.assert_allclose(
        ad.evaluate(ad_model, X, Y), pt.evaluate(pt_model, Xp, Yp), rtol=1e-10
    )


def test_makemore_mlp_main_trains(capsys):
    ad = load_example("makemore_mlp", "autodiff")
    out = ad.main(steps=200, seed=0, n_hidden=32, n_samples=3, print_every=100)
    assert out["train_loss"] < out["first_loss"] - 0.2
    assert len(out["samples"]) == 3 and all(isinstance(s, str) for s in out["samples"])
    text = capsys.readouterr().out
    assert "final loss" in text and "samples:" in text


# ---------------------------------------------------------------- GPT


@pytest.mark.parametrize("sdpa", [False, True], ids=["tril-heads", "sdpa"])
def test_gpt_matches_torch(float64, sdpa):
    ad = load_example("gpt", "autodiff")
    pt = load_example("gpt", "torch")
    text = ad.load_text()
    chars, encode, _ = ad.make_codec(text)
    data = np.array(encode(text), dtype=np.int64)

    block_size, batch_size = 8, 4
    autodiff.manual_seed(0)
    kw = dict(block_size=block_size, n_embd=16, n_head=2, n_layer=2, dropout=0.0, sdpa=sdpa)
    ad_model = ad.GPTLanguageModel(len(chars), **kw)
    pt_model = pt.GPTLanguageModel(len(chars), **kw)
    copy_weights(ad_model, pt_model)  # includes each head's tril buffer
    ad_opt = autodiff.optim.AdamW(ad_model.parameters(), lr=1e-2)
    pt_opt = torch.optim.AdamW(pt_model.parameters(), lr=1e-2)

    rng = np.random.default_rng(1)
    for _ in range(3):
        ix = rng.integers(0, len(data) - block_size, size=batch_size)
        xb = np.stack([data[i : i + block_size] for i in ix])
        yb = np.stack([data[i + 1 : i + block_size + 1] for i in ix])
        _, ad_loss = ad_model(autodiff.tensor(xb), autodiff.tensor(yb))
        _, pt_loss = pt_model(torch.from_numpy(xb), torch.from_numpy(yb))
        np.testing.assert_allclose(ad_loss.item(), pt_loss.item(), rtol=1e-10)
        for opt, loss in ((ad_opt, ad_loss), (pt_opt, pt_loss)):
            opt.zero_grad(set_to_none=True)
            loss.backward()
        assert_same_grads(ad_model, pt_model)
        ad_opt.step()
        pt_opt.step()
        assert_same_state(ad_model, pt_model)

    # generation: the same top-k filtered distribution at every position
    ctx = xb[:2]
    ad_logits, _ = ad_model(autodiff.tensor(ctx))
    pt_logits, _ = pt_model(torch.from_numpy(ctx))
    np.testing.assert_allclose(ad_logits.detach().numpy(), pt_logits.detach().numpy(), rtol=1e-8)
    out = ad_model.generate(autodiff.tensor(ctx), 5, top_k=3)
    assert tuple(out.shape) == (2, block_size + 5)
    np.testing.assert_array_equal(out.numpy()[:, :block_size], ctx)


def test_gpt_main_trains(capsys):
    ad = load_example("gpt", "autodiff")
    out = ad.main(
        steps=60,
        seed=0,
        batch_size=8,
        block_size=16,
        n_embd=16,
        n_head=2,
        eval_iters=4,
        eval_interval=30,
        n_samples=2,
        sample_len=20,
    )
    assert out["train_loss"] < out["first_loss"] - 0.5
    assert len(out["samples"]) == 2 and all(len(s) == 20 for s in out["samples"])
    text = capsys.readouterr().out
    assert "final loss" in text
