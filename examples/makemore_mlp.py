"""makemore, MLP edition: a character-level name model with BatchNorm, in autodiff.

Karpathy's "makemore part 3" model (Bengio et al. 2003 + BatchNorm): each name is
padded with ``.``, the previous ``block_size`` characters are looked up in an
embedding table ``C``, concatenated, and pushed through Linear -> BatchNorm1d ->
tanh layers to logits over the next character; the loss is ``F.cross_entropy``.

The code is PyTorch code: swap the three ``autodiff`` imports below for
``import torch; import torch.nn as nn; from torch.nn import functional as F`` and
it runs unchanged (``tests/test_examples.py`` does exactly that and checks that
both give the same losses and gradients)::

    python examples/makemore_mlp.py --steps 2000
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import autodiff as torch  # noqa: E402
import autodiff.nn as nn  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "names.txt"


def load_words(path=DATA) -> list[str]:
    return Path(path).read_text().split()


def make_vocab(words):
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    itos = {i: s for s, i in stoi.items()}
    return stoi, itos


def build_dataset(words, stoi, block_size: int):
    """(X, Y): every context of ``block_size`` characters and the character after it."""
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return torch.tensor(X), torch.tensor(Y)


def build_model(
    vocab_size: int, block_size: int = 3, n_embd: int = 10, n_hidden: int = 64, n_layers: int = 2
) -> nn.Sequential:
    """C -> flatten -> [Linear -> BatchNorm1d -> tanh] * n_layers -> Linear."""
    layers = [nn.Embedding(vocab_size, n_embd), nn.Flatten()]
    fan_in = n_embd * block_size
    for _ in range(n_layers):
        # no bias: the BatchNorm after it has its own
        layers += [nn.Linear(fan_in, n_hidden, bias=False), nn.BatchNorm1d(n_hidden), nn.Tanh()]
        fan_in = n_hidden
    layers.append(nn.Linear(fan_in, vocab_size))
    model = nn.Sequential(*layers)
    with torch.no_grad():
        layers[-1].weight *= 0.1  # a less confident last layer at init
    return model


def train_step(model, optimizer, Xb, Yb) -> float:
    logits = model(Xb)
    loss = F.cross_entropy(logits, Yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, X, Y) -> float:
    model.eval()
    loss = F.cross_entropy(model(X), Y).item()
    model.train()
    return loss


@torch.no_grad()
def sample(model, itos, block_size: int, n: int = 10, generator=None) -> list[str]:
    model.eval()
    out = []
    for _ in range(n):
        context, name = [0] * block_size, []
        while True:
            logits = model(torch.tensor([context]))
            probs = F.softmax(logits, dim=1)
            ix = torch.multinomial(probs, num_samples=1, generator=generator).item()
            if ix == 0 or len(name) >= 20:
                break
            name.append(itos[ix])
            context = context[1:] + [ix]
        out.append("".join(name))
    model.train()
    return out


def main(
    steps: int = 3000,
    seed: int = 42,
    batch_size: int = 32,
    lr: float = 0.1,
    block_size: int = 3,
    n_embd: int = 10,
    n_hidden: int = 64,
    n_layers: int = 2,
    n_samples: int = 10,
    print_every: int = 500,
) -> dict:
    words = load_words()
    random.Random(seed).shuffle(words)
    stoi, itos = make_vocab(words)
    n1 = int(0.9 * len(words))
    Xtr, Ytr = build_dataset(words[:n1], stoi, block_size)
    Xva, Yva = build_dataset(words[n1:], stoi, block_size)

    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = build_model(len(stoi), block_size, n_embd, n_hidden, n_layers)
    print(
        f"{len(words)} words, vocab {len(stoi)}, {len(Xtr)} training examples, "
        f"{sum(p.numel() for p in model.parameters())} parameters"
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    first_loss = evaluate(model, Xtr, Ytr)
    print(f"step {0:5d}  train {first_loss:.4f}")
    for i in range(steps):
        ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)
        if i == int(0.75 * steps):
            for group in optimizer.param_groups:
                group["lr"] = lr / 10  # step decay, as in the lecture
        loss = train_step(model, optimizer, Xtr[ix], Ytr[ix])
        if (i + 1) % print_every == 0 or i + 1 == steps:
            print(f"step {i + 1:5d}  batch loss {loss:.4f}")

    train_loss, val_loss = evaluate(model, Xtr, Ytr), evaluate(model, Xva, Yva)
    print(f"final loss: train {train_loss:.4f}  val {val_loss:.4f}")
    names = sample(model, itos, block_size, n_samples, generator=g)
    print("samples:", " ".join(names))
    return {
        "first_loss": first_loss,
        "train_loss": train_loss,
        "val_loss": val_loss,
        "samples": names,
    }


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--block-size", type=int, default=3)
    p.add_argument("--n-embd", type=int, default=10)
    p.add_argument("--n-hidden", type=int, default=64)
    p.add_argument("--n-layers", type=int, default=2)
    p.add_argument("--samples", type=int, default=10)
    return p.parse_args(argv)


if __name__ == "__main__":
    a = parse_args()
    main(
        steps=a.steps,
        seed=a.seed,
        batch_size=a.batch_size,
        lr=a.lr,
        block_size=a.block_size,
        n_embd=a.n_embd,
        n_hidden=a.n_hidden,
        n_layers=a.n_layers,
        n_samples=a.samples,
    )
