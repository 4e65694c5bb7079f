"""A small character-level GPT, written as in Karpathy's "Let's build GPT: from scratch".

Token + position embeddings, ``n_layer`` transformer blocks (pre-LayerNorm
causal self-attention with a ``tril`` mask per head, then an MLP, each with a
residual connection), a final LayerNorm and a linear head; trained with AdamW
on a few KB of text shipped in ``examples/data``, then sampled with
``torch.topk`` + ``torch.multinomial``.

The code is PyTorch code: swap the three ``autodiff`` imports below for
``import torch; import torch.nn as nn; from torch.nn import functional as F`` and
it runs unchanged (``tests/test_examples.py`` does exactly that and checks that
both give the same losses and gradients)::

    python examples/gpt.py --steps 1000
    python examples/gpt.py --sdpa          # F.scaled_dot_product_attention(is_causal=True)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import autodiff as torch  # noqa: E402
import autodiff.nn as nn  # noqa: E402
from autodiff.nn import functional as F  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "tiny_tales.txt"


def load_text(path=DATA) -> str:
    return Path(path).read_text()


def make_codec(text: str):
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    itos = dict(enumerate(chars))

    def encode(s):
        return [stoi[c] for c in s]

    def decode(ids):
        return "".join(itos[i] for i in ids)

    return chars, encode, decode


class Head(nn.Module):
    """One head of causal self-attention."""

    def __init__(self, n_embd, head_size, block_size, dropout):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer("tril", torch.tril(torch.ones(block_size, block_size)))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        B, T, C = x.shape
        k = self.key(x)  # (B, T, hs)
        q = self.query(x)  # (B, T, hs)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5  # (B, T, T)
        wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
        wei = F.softmax(wei, dim=-1)
        wei = self.dropout(wei)
        v = self.value(x)  # (B, T, hs)
        return wei @ v


class MultiHeadAttention(nn.Module):
    """Several heads in parallel, concatenated and projected back."""

    def __init__(self, n_embd, n_head, block_size, dropout):
        super().__init__()
        head_size = n_embd // n_head
        self.heads = nn.ModuleList(
            [Head(n_embd, head_size, block_size, dropout) for _ in range(n_head)]
        )
        self.proj = nn.Linear(head_size * n_head, n_embd)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        out = torch.cat([h(x) for h in self.heads], dim=-1)
        return self.dropout(self.proj(out))


class CausalSelfAttention(nn.Module):
    """The same attention, batched over heads with F.scaled_dot_product_attention."""

    def __init__(self, n_embd, n_head, block_size, dropout):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=False)
        self.proj = nn.Linear(n_embd, n_embd)
        self.dropout = dropout
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.proj(y))


class FeedForward(nn.Module):
    def __init__(self, n_embd, dropout):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_embd, 4 * n_embd),
            nn.ReLU(),
            nn.Linear(4 * n_embd, n_embd),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        return self.net(x)


class Block(nn.Module):
    """Transformer block: communication (attention) then computation (MLP)."""

    def __init__(self, n_embd, n_head, block_size, dropout, sdpa=False):
        super().__init__()
        attn = CausalSelfAttention if sdpa else MultiHeadAttention
        self.sa = attn(n_embd, n_head, block_size, dropout)
        self.ffwd = FeedForward(n_embd, dropout)
        self.ln1 = nn.LayerNorm(n_embd)
        self.ln2 = nn.LayerNorm(n_embd)

    def forward(self, x):
        x = x + self.sa(self.ln1(x))
        x = x + self.ffwd(self.ln2(x))
        return x


class GPTLanguageModel(nn.Module):
    def __init__(
        self,
        vocab_size,
        block_size=32,
        n_embd=32,
        n_head=4,
        n_layer=2,
        dropout=0.0,
        sdpa=False,
    ):
        super().__init__()
        self.block_size = block_size
        self.token_embedding_table = nn.Embedding(vocab_size, n_embd)
        self.position_embedding_table = nn.Embedding(block_size, n_embd)
        self.blocks = nn.Sequential(
            *[Block(n_embd, n_head, block_size, dropout, sdpa) for _ in range(n_layer)]
        )
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        tok_emb = self.token_embedding_table(idx)  # (B, T, C)
        pos_emb = self.position_embedding_table(torch.arange(T))  # (T, C)
        x = tok_emb + pos_emb
        x = self.blocks(x)
        x = self.ln_f(x)
        logits = self.lm_head(x)  # (B, T, vocab_size)
        if targets is None:
            return logits, None
        B, T, C = logits.shape
        loss = F.cross_entropy(logits.view(B * T, C), targets.view(B * T))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None, generator=None):
        for _ in range(max_new_tokens):
            idx_cond = idx[:, -self.block_size :]
            logits, _ = self(idx_cond)
            logits = logits[:, -1, :] / temperature  # (B, vocab_size)
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("inf")
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1, generator=generator)  # (B, 1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def get_batch(data, block_size, batch_size, generator=None):
    ix = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    x = torch.stack([data[i : i + block_size] for i in ix.tolist()])
    y = torch.stack([data[i + 1 : i + block_size + 1] for i in ix.tolist()])
    return x, y


@torch.no_grad()
def estimate_loss(model, splits, block_size, batch_size, eval_iters, generator=None):
    model.eval()
    out = {}
    for name, data in splits.items():
        losses = torch.zeros(eval_iters)
        for k in range(eval_iters):
            X, Y = get_batch(data, block_size, batch_size, generator)
            _, loss = model(X, Y)
            losses[k] = loss.item()
        out[name] = losses.mean().item()
    model.train()
    return out


def main(
    steps: int = 1000,
    seed: int = 1337,
    batch_size: int = 16,
    block_size: int = 32,
    n_embd: int = 32,
    n_head: int = 4,
    n_layer: int = 2,
    dropout: float = 0.0,
    lr: float = 3e-3,
    sdpa: bool = False,
    eval_iters: int = 10,
    eval_interval: int = 200,
    n_samples: int = 3,
    sample_len: int = 120,
    top_k: int | None = 10,
) -> dict:
    text = load_text()
    chars, encode, decode = make_codec(text)
    data = torch.tensor(encode(text), dtype=torch.long)
    n = int(0.9 * len(data))
    splits = {"train": data[:n], "val": data[n:]}

    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = GPTLanguageModel(len(chars), block_size, n_embd, n_head, n_layer, dropout, sdpa)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{len(text)} characters, vocab {len(chars)}, {n_params} parameters")
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)

    first = estimate_loss(model, splits, block_size, batch_size, eval_iters, g)
    print(f"step {0:5d}  train {first['train']:.4f}  val {first['val']:.4f}")
    for it in range(steps):
        xb, yb = get_batch(splits["train"], block_size, batch_size, g)
        _, loss = model(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if (it + 1) % eval_interval == 0 and it + 1 != steps:
            losses = estimate_loss(model, splits, block_size, batch_size, eval_iters, g)
            print(f"step {it + 1:5d}  train {losses['train']:.4f}  val {losses['val']:.4f}")

    final = estimate_loss(model, splits, block_size, batch_size, eval_iters, g)
    print(f"final loss: train {final['train']:.4f}  val {final['val']:.4f}")
    context = torch.tensor([encode("\n")] * n_samples, dtype=torch.long)
    out = model.generate(context, sample_len, top_k=top_k, generator=g)
    samples = [decode(row[1:]) for row in out.tolist()]
    for s in samples:
        print("---")
        print(s)
    return {"first_loss": first["train"], "train_loss": final["train"], "samples": samples}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--block-size", type=int, default=32)
    p.add_argument("--n-embd", type=int, default=32)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-layer", type=int, default=2)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--sdpa", action="store_true", help="F.scaled_dot_product_attention heads")
    p.add_argument("--top-k", type=int, default=10)
    p.add_argument("--samples", type=int, default=3)
    return p.parse_args(argv)


if __name__ == "__main__":
    a = parse_args()
    main(
        steps=a.steps,
        seed=a.seed,
        batch_size=a.batch_size,
        block_size=a.block_size,
        n_embd=a.n_embd,
        n_head=a.n_head,
        n_layer=a.n_layer,
        dropout=a.dropout,
        lr=a.lr,
        sdpa=a.sdpa,
        top_k=a.top_k,
        n_samples=a.samples,
    )
