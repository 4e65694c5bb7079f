"""Workload ``gpt_step``: one training step of a tiny GPT (ms/step).

The model of ``examples/gpt.py`` (token and position ``nn.Embedding``, 2 blocks
of pre-LayerNorm causal self-attention with 4 ``tril``-masked heads and a
ReLU MLP, residuals, a final LayerNorm, a linear head; ``F.cross_entropy``) at
its defaults: n_embd 32, block 32, batch 16 (quick: block 8, batch 4), on
``examples/data/tiny_tales.txt``; ``optim.AdamW`` (lr 3e-3), float32. The
example is PyTorch code: it is loaded once as written (autodiff) and once with
its three imports swapped for PyTorch's, and both start from the same weights
and batches (drawn once, cycled). There is no hand-written NumPy step: the
rows are checked against PyTorch's first step instead (loss and every gradient).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from ..common import REPO_ROOT, Context, Result, run_case

EXAMPLE = Path(REPO_ROOT) / "examples" / "gpt.py"
BATCH, BLOCK, N_BATCHES, LR = 16, 32, 8, 3e-3
QUICK_BATCH, QUICK_BLOCK = 4, 8  # a quick run's smoke sizes
SWAPS = {
    "import autodiff as torch ": "import torch ",
    "import autodiff.nn as nn ": "import torch.nn as nn ",
    "from autodiff.nn import functional as F ": "from torch.nn import functional as F ",
}


def load_gpt(engine: str):
    """examples/gpt.py as a module, on autodiff (as written) or on PyTorch."""
    name = f"_bench_gpt_{engine}"
    if name in sys.modules:
        return sys.modules[name]
    source = EXAMPLE.read_text()
    if engine == "torch":
        for old, new in SWAPS.items():
            if old not in source:
                raise RuntimeError(f"examples/gpt.py no longer has the line {old!r} to swap")
            source = source.replace(old, new)
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(EXAMPLE)
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102
    return module


def make_data(
    batch: int = BATCH, block: int = BLOCK, seed: int = 0
) -> tuple[int, list[tuple[np.ndarray, np.ndarray]], dict]:
    """Vocabulary size, ``N_BATCHES`` (inputs, targets) batches of the text, and the
    initial weights (the autodiff model's state dict, as arrays)."""
    ex = load_gpt("autodiff")
    text = ex.load_text()
    chars, encode, _ = ex.make_codec(text)
    data = np.array(encode(text), dtype=np.int64)
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(N_BATCHES):
        ix = rng.integers(0, len(data) - block, batch)
        x = np.stack([data[i : i + block] for i in ix])
        y = np.stack([data[i + 1 : i + block + 1] for i in ix])
        batches.append((x, y))
    ex.torch.manual_seed(seed)
    model = ex.GPTLanguageModel(len(chars), block_size=block)
    state = {k: np.array(v.numpy(), copy=True) for k, v in model.state_dict().items()}
    return len(chars), batches, state


_DATA: dict[tuple, tuple] = {}


class GPTStep:
    """examples/gpt.py's model and training step, in autodiff or PyTorch."""

    def __init__(self, engine: str, batch: int = BATCH, block: int = BLOCK) -> None:
        if (batch, block) not in _DATA:
            _DATA[batch, block] = make_data(batch, block)
        vocab, batches, state = _DATA[batch, block]
        ex = load_gpt(engine)
        lib = ex.torch
        self.model = ex.GPTLanguageModel(vocab, block_size=block)
        self.model.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
        self.batches = [(lib.tensor(x), lib.tensor(y)) for x, y in batches]
        self.params = list(self.model.parameters())
        self.opt = lib.optim.AdamW(self.params, lr=LR)
        self.k = 0

    def _step(self) -> float:
        xb, yb = self.batches[self.k % N_BATCHES]
        self.k += 1
        _, loss = self.model(xb, yb)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return loss.item()

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._step()
        return loss, [np.array(p.grad.numpy(), copy=True) for p in self.params]

    def step(self) -> None:
        self._step()


def run(ctx: Context) -> list[Result]:
    """Check autodiff against PyTorch's first step and time both."""
    batch, block = (QUICK_BATCH, QUICK_BLOCK) if ctx.quick else (BATCH, BLOCK)
    builders = {
        "numpy": "no hand-written NumPy step (rows are checked against PyTorch)",
        "autodiff": lambda: GPTStep("autodiff", batch, block),
        "torch": lambda: GPTStep("torch", batch, block),
        "autograd": "no nn modules",
        "mygrad": "no nn modules",
        "micrograd": "scalar engine: not applicable",
    }
    case = f"batch={batch} block={block} n_embd=32 4 heads 2 layers"
    return run_case(ctx, "gpt_step", case, "ms/step", 1e3, builders, reference="torch")
