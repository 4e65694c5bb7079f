# %% [markdown]
# # 6. Backprop ninja: every gradient of a BatchNorm MLP, by hand
#
# `loss.backward()` is convenient, and it hides the arithmetic. Here we take a
# character-level language model of the makemore kind (embedding -> linear ->
# batch norm -> tanh -> linear -> cross-entropy), cut its forward pass into some twenty
# small steps, and write the gradient of each step ourselves, from the last one
# back to the embedding table. After each tensor we ask autodiff for its own
# gradient (`retain_grad()` keeps the gradients of intermediate tensors) and print
# the largest difference.
#
# Three parts:
#
# 1. the long way: one hand-written backward line per forward line;
# 2. the short way: the cross-entropy and the batch-norm backward each derived on
#    paper into one expression;
# 3. a training loop that never calls `backward()`.
#
# Everything runs in float64, so hand and machine should agree to ~1e-15: any
# real mistake shows up as a difference of order 1e-2 or more.

# %%
import random
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import autodiff as torch
import autodiff.nn.functional as F

get_ipython().run_line_magic("matplotlib", "inline")
plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6, 3.2)})
DT = torch.float64

# %% [markdown]
# ## The data
#
# `examples/data/names.txt` ships with the repository (a thousand first names).
# Each example is three characters of context and the character that follows;
# `.` marks both the start and the end of a name.

# %%
words = Path("../examples/data/names.txt").read_text().split()
chars = sorted(set("".join(words)))
stoi = {c: i + 1 for i, c in enumerate(chars)}
stoi["."] = 0
itos = {i: c for c, i in stoi.items()}
vocab, block = len(stoi), 3


def dataset(ws):
    X, Y = [], []
    for w in ws:
        ctx = [0] * block
        for c in w + ".":
            X.append(ctx)
            Y.append(stoi[c])
            ctx = ctx[1:] + [stoi[c]]
    return torch.tensor(X), torch.tensor(Y)


random.Random(0).shuffle(words)
cut = int(0.9 * len(words))
Xtr, Ytr = dataset(words[:cut])
Xva, Yva = dataset(words[cut:])
print(f"{len(words)} names, vocabulary {vocab}, {len(Xtr)} training and {len(Xva)} validation examples")

# %% [markdown]
# ## The model and one batch
#
# A 10-dimensional embedding per character, a hidden layer of 64 units with batch
# normalisation and tanh, and an output layer. The parameters are not at their
# usual tidy initial values (biases and the batch-norm gain are random, not 0 and 1):
# a gradient formula that forgets a term then cannot hide behind a zero.

# %%
n_emb, n_hidden, n = 10, 64, 32
g = torch.Generator().manual_seed(1)
C = torch.randn((vocab, n_emb), generator=g, dtype=DT)
W1 = torch.randn((block * n_emb, n_hidden), generator=g, dtype=DT) * (5 / 3) / (block * n_emb) ** 0.5
b1 = torch.randn(n_hidden, generator=g, dtype=DT) * 0.1  # (useless before a batch norm; kept to check its gradient)
W2 = torch.randn((n_hidden, vocab), generator=g, dtype=DT) * 0.1
b2 = torch.randn(vocab, generator=g, dtype=DT) * 0.1
bngain = 1.0 + torch.randn((1, n_hidden), generator=g, dtype=DT) * 0.1
bnbias = torch.randn((1, n_hidden), generator=g, dtype=DT) * 0.1
params = [C, W1, b1, W2, b2, bngain, bnbias]
for p in params:
    p.requires_grad = True
print(sum(p.numel() for p in params), "parameters")

ix = torch.randint(0, Xtr.shape[0], (n,), generator=g)
Xb, Yb = Xtr[ix], Ytr[ix]

# %% [markdown]
# ## The forward pass, one small step at a time
#
# Every line below does one thing, so each has a short derivative. The batch norm
# normalises with the biased variance (divide by n), as `nn.BatchNorm1d` does in
# training mode. The loss is the cross-entropy written out: subtract the row maximum
# (for numerical safety; it changes nothing mathematically), exponentiate, normalise,
# take the log, pick the correct class, average.

# %%
emb = C[Xb]                                # (n, 3, 10): look up each context character
embcat = emb.view(n, -1)                   # (n, 30): concatenate the three vectors
hprebn = embcat @ W1 + b1                  # (n, 64): hidden layer before batch norm
bnmean = hprebn.sum(0, keepdim=True) / n   # (1, 64)
bndiff = hprebn - bnmean
bndiff2 = bndiff**2
bnvar = bndiff2.sum(0, keepdim=True) / n   # biased variance, as in training mode
bnvar_inv = (bnvar + 1e-5) ** -0.5
bnraw = bndiff * bnvar_inv                 # zero mean, unit variance per unit
hpreact = bngain * bnraw + bnbias
h = torch.tanh(hpreact)                    # (n, 64)
logits = h @ W2 + b2                       # (n, 27)
logit_maxes = logits.max(1, keepdim=True).values
norm_logits = logits - logit_maxes
counts = norm_logits.exp()
counts_sum = counts.sum(1, keepdim=True)
counts_sum_inv = counts_sum**-1
probs = counts * counts_sum_inv
logprobs = probs.log()
loss = -logprobs[torch.arange(n), Yb].mean()

steps = dict(logprobs=logprobs, probs=probs, counts_sum_inv=counts_sum_inv, counts_sum=counts_sum,
             counts=counts, norm_logits=norm_logits, logit_maxes=logit_maxes, logits=logits, h=h,
             hpreact=hpreact, bnraw=bnraw, bnvar_inv=bnvar_inv, bnvar=bnvar, bndiff2=bndiff2,
             bndiff=bndiff, bnmean=bnmean, hprebn=hprebn, embcat=embcat, emb=emb)
for t in steps.values():
    t.retain_grad()
for p in params:
    p.grad = None
loss.backward()
print(f"loss {loss.item():.6f}  (F.cross_entropy says {F.cross_entropy(logits, Yb).item():.6f})")

# %% [markdown]
# A small helper compares a hand-written gradient with autodiff's: exact equality,
# the largest absolute difference, and an assertion that they agree (to 1e-10; in
# float64 they differ by rounding only).

# %%
report = {}


def cmp(name, mine, theirs=None):
    theirs = (steps.get(name) if name in steps else globals()[name]).grad if theirs is None else theirs
    assert mine.shape == theirs.shape, (name, mine.shape, theirs.shape)
    diff = (mine - theirs).abs().max().item()
    exact = bool((mine == theirs).all())
    report[name] = diff
    print(f"{name:15s} | exact {str(exact):5s} | max abs diff {diff:.2e}")
    assert diff < 1e-10, name

# %% [markdown]
# ## Part 1: backward, line by line
#
# Work from the loss back. Three rules do all the work:
#
# - **the chain rule, one step at a time**: the gradient of an input is the local
#   derivative times the gradient of the output;
# - **a tensor used twice gets the sum** of the gradients from both uses
#   (`bndiff` feeds `bndiff2` *and* `bnraw`; `counts_sum_inv`'s `counts` feeds both
#   `counts_sum` and `probs`);
# - **broadcasting forwards is summing backwards**: a `(1, 64)` mean that was
#   broadcast over 32 rows collects the sum over those rows; a `sum(0)` forwards is a
#   broadcast backwards.
#
# The loss is minus the mean of 32 picked entries of `logprobs`: each picked entry gets
# `-1/n`, every other entry gets nothing.

# %%
with torch.no_grad():
    dlogprobs = torch.zeros_like(logprobs)
    dlogprobs[torch.arange(n), Yb] = -1.0 / n
    cmp("logprobs", dlogprobs)
    dprobs = dlogprobs / probs                                 # d log(p) = 1/p
    cmp("probs", dprobs)
    dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)   # broadcast over columns -> sum
    cmp("counts_sum_inv", dcounts_sum_inv)
    dcounts_sum = -counts_sum**-2 * dcounts_sum_inv            # d(1/x) = -1/x^2
    cmp("counts_sum", dcounts_sum)
    dcounts = counts_sum_inv * dprobs + dcounts_sum            # two uses: probs and counts_sum
    cmp("counts", dcounts)
    dnorm_logits = counts * dcounts                            # d exp(x) = exp(x)
    cmp("norm_logits", dnorm_logits)
    dlogit_maxes = -dnorm_logits.sum(1, keepdim=True)
    cmp("logit_maxes", dlogit_maxes)

# %% [markdown]
# `dlogit_maxes` is zero up to rounding (~1e-18): shifting every logit of a row by the
# same amount does not change the softmax, so the loss cannot depend on the shift.
# The max still passes that (zero) gradient to the logit it picked. Then the output
# layer, `logits = h @ W2 + b2`: for a matrix product, each side's gradient is the
# output gradient times the other side, transposed so that the shapes fit.

# %%
with torch.no_grad():
    pick = F.one_hot(logits.max(1).indices, vocab).to(DT)
    dlogits = dnorm_logits + pick * dlogit_maxes              # two uses: norm_logits and the max
    cmp("logits", dlogits)
    dh = dlogits @ W2.T
    cmp("h", dh)
    dW2 = h.T @ dlogits
    cmp("W2", dW2)
    db2 = dlogits.sum(0)
    cmp("b2", db2)
    dhpreact = (1.0 - h**2) * dh                               # d tanh(x) = 1 - tanh(x)^2
    cmp("hpreact", dhpreact)
    dbngain = (bnraw * dhpreact).sum(0, keepdim=True)
    cmp("bngain", dbngain)
    dbnbias = dhpreact.sum(0, keepdim=True)
    cmp("bnbias", dbnbias)

# %% [markdown]
# Into the batch norm. `bndiff` is used twice (in `bndiff2` for the variance and in
# `bnraw`), and so is `hprebn` (in `bndiff` and in the mean): each collects two terms.

# %%
with torch.no_grad():
    dbnraw = bngain * dhpreact
    cmp("bnraw", dbnraw)
    dbnvar_inv = (bndiff * dbnraw).sum(0, keepdim=True)
    cmp("bnvar_inv", dbnvar_inv)
    dbnvar = -0.5 * (bnvar + 1e-5) ** -1.5 * dbnvar_inv
    cmp("bnvar", dbnvar)
    dbndiff2 = torch.ones_like(bndiff2) / n * dbnvar           # sum(0)/n backwards: broadcast
    cmp("bndiff2", dbndiff2)
    dbndiff = bnvar_inv * dbnraw + 2 * bndiff * dbndiff2       # two uses
    cmp("bndiff", dbndiff)
    dbnmean = -dbndiff.sum(0, keepdim=True)
    cmp("bnmean", dbnmean)
    dhprebn = dbndiff + torch.ones_like(hprebn) / n * dbnmean  # two uses
    cmp("hprebn", dhprebn)

# %% [markdown]
# The first layer, and the embedding lookup. `emb = C[Xb]` copied rows of `C`; going
# back, each row of `demb` is added to the row of `C` it came from, and a character
# that appears several times in the batch collects several additions. The loop says
# exactly that, one `+=` per position (this is the "`x[idx] += v` in a loop" idiom
# the benchmarks time). A one-hot matrix product does the same in one line.

# %%
with torch.no_grad():
    dembcat = dhprebn @ W1.T
    cmp("embcat", dembcat)
    dW1 = embcat.T @ dhprebn
    cmp("W1", dW1)
    db1 = dhprebn.sum(0)
    cmp("b1", db1)
    demb = dembcat.view(emb.shape)
    cmp("emb", demb)
    dC = torch.zeros_like(C)
    for k in range(Xb.shape[0]):
        for j in range(Xb.shape[1]):
            dC[Xb[k, j]] += demb[k, j]
    cmp("C", dC)
    onehot = F.one_hot(Xb.view(-1), vocab).to(DT)             # (n*3, 27)
    cmp("C", onehot.T @ demb.view(-1, n_emb))

# %% [markdown]
# Every tensor, from the loss to the embedding table, agrees with autodiff:

# %%
worst = max(report, key=report.get)
print(f"{len(report)} gradients checked; largest difference {report[worst]:.1e} (in d{worst})")

# %% [markdown]
# ## Part 2: the short way
#
# ### Cross-entropy in one line
#
# Write `p = softmax(l)` for one row of logits and `y` for its label. The row's loss
# is `-log p_y = -l_y + log sum_j exp(l_j)`. Differentiate with respect to `l_i`: the
# first term gives `-1` when `i = y` and 0 otherwise, the second gives
# `exp(l_i) / sum_j exp(l_j) = p_i`. So the gradient is `p_i - [i = y]`, divided by
# `n` for the mean over the batch: the softmax, minus one at the right class. Twelve
# lines of part 1 collapse into two.

# %%
with torch.no_grad():
    dlogits_fast = F.softmax(logits, 1)
    dlogits_fast[torch.arange(n), Yb] -= 1
    dlogits_fast /= n
    cmp("logits", dlogits_fast)

# %% [markdown]
# Why training pushes where it does: in each row the gradient pulls the correct logit
# up by `1 - p_y` and pushes every other logit down by its probability, and these
# sum to zero across the row. Rows the model already gets right (p_y near 1) barely
# move. Here are the gradients of the first eight rows (times n), the correct class
# marked by the dark cell:

# %%
fig, ax = plt.subplots(figsize=(7, 2.6))
im = ax.imshow((dlogits_fast[:8] * n).numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
ax.set_xlabel("class (character)")
ax.set_ylabel("example")
ax.set_xticks(range(vocab), [itos[i] for i in range(vocab)], fontsize=7)
fig.colorbar(im, ax=ax, shrink=0.8)
ax.set_title("n * dloss/dlogits: softmax minus one-hot")
plt.show()
print("row sums:", [round(v, 12) for v in dlogits_fast.sum(1)[:4].tolist()])

# %% [markdown]
# ### Batch norm in one expression
#
# Per hidden unit, with `x` the column of `hprebn` over the batch, `m` its mean,
# `v` its (biased) variance, `r = 1/sqrt(v + eps)` and `xhat = (x - m) r`:
# `y = gain * xhat + bias`. Given `dy` (our `dhpreact`), let `dxhat = gain * dy`.
# Each `x_i` reaches the loss three ways: directly through `xhat_i`, through the mean
# `m` (which moves every `xhat_j`), and through the variance `v` (which moves every
# `xhat_j` too). Adding up the three paths and using `sum_j (x_j - m) = 0`:
#
# `dx_i = r * (dxhat_i - mean_j(dxhat_j) - xhat_i * mean_j(dxhat_j * xhat_j))`
#
# Read it as: take the incoming gradient, remove its mean (the mean path), remove its
# component along `xhat` (the variance path), and scale by `1/std`. A gradient that
# would only shift or stretch the batch is exactly what normalisation throws away.

# %%
with torch.no_grad():
    dxhat = bngain * dhpreact
    dhprebn_fast = bnvar_inv * (dxhat - dxhat.mean(0, keepdim=True)
                                - bnraw * (dxhat * bnraw).mean(0, keepdim=True))
    cmp("hprebn", dhprebn_fast)

# %% [markdown]
# The same check against the library's own batch norm, `F.batch_norm` in training mode.
# autodiff computes its normalisation as one node whose backward is exactly this
# expression (the gain and the bias are two more small nodes), instead of the six
# nodes of part 1:

# %%
x = hprebn.detach().clone().requires_grad_(True)
y = F.batch_norm(x, None, None, bngain.detach().view(-1), bnbias.detach().view(-1), training=True, eps=1e-5)
y.backward(dhpreact)
cmp("hprebn", dhprebn_fast, x.grad)

# %% [markdown]
# ## Part 3: train with the hand-written gradients
#
# The same model, trained for 1,000 steps of SGD (learning rate 0.1, then 0.01 for the
# last quarter) with the short-way gradients; no graph is recorded at all (everything
# runs under `no_grad`). Once every 500 steps we also run autodiff's backward on the
# same batch and check that it agrees, so the loop keeps checking itself. The batch
# norm keeps running statistics for evaluation, as `nn.BatchNorm1d` does.

# %%
def forward(Xb, train=True, stats=None):
    embcat = C[Xb].view(Xb.shape[0], -1)
    hprebn = embcat @ W1 + b1
    if train:
        mean, var = hprebn.mean(0, keepdim=True), hprebn.var(0, keepdim=True, unbiased=False)
    else:
        mean, var = stats
    r = (var + 1e-5) ** -0.5
    bnraw = (hprebn - mean) * r
    h = torch.tanh(bngain * bnraw + bnbias)
    return embcat, hprebn, mean, var, r, bnraw, h, h @ W2 + b2


def hand_gradients(Xb, Yb, cache):
    embcat, hprebn, mean, var, r, bnraw, h, logits = cache
    m = Xb.shape[0]
    dlogits = F.softmax(logits, 1)
    dlogits[torch.arange(m), Yb] -= 1
    dlogits /= m
    dhpreact = (1.0 - h**2) * (dlogits @ W2.T)
    dxhat = bngain * dhpreact
    dhprebn = r * (dxhat - dxhat.mean(0, keepdim=True) - bnraw * (dxhat * bnraw).mean(0, keepdim=True))
    demb = (dhprebn @ W1.T).view(-1, n_emb)
    dC = F.one_hot(Xb.view(-1), vocab).to(DT).T @ demb
    return [dC, embcat.T @ dhprebn, dhprebn.sum(0), h.T @ dlogits, dlogits.sum(0),
            (bnraw * dhpreact).sum(0, keepdim=True), dhpreact.sum(0, keepdim=True)]


running = [torch.zeros((1, n_hidden), dtype=DT), torch.ones((1, n_hidden), dtype=DT)]
losses, steps_n = [], 1000
for i in range(steps_n):
    ix = torch.randint(0, Xtr.shape[0], (n,), generator=g)
    Xb, Yb = Xtr[ix], Ytr[ix]
    if i % 500 == 0:  # autodiff's gradients on this batch, to compare
        for p in params:
            p.grad = None
        F.cross_entropy(forward(Xb)[-1], Yb).backward()
        auto = [p.grad for p in params]
    with torch.no_grad():
        cache = forward(Xb)
        loss = F.cross_entropy(cache[-1], Yb)
        grads = hand_gradients(Xb, Yb, cache)
        if i % 500 == 0:
            worst = max((a - b).abs().max().item() for a, b in zip(grads, auto))
            print(f"step {i:4d}  loss {loss.item():.4f}  hand vs autodiff: max diff {worst:.1e}")
            assert worst < 1e-10
        lr = 0.1 if i < 750 else 0.01
        for p, grad in zip(params, grads):
            p -= lr * grad
        running[0] = 0.9 * running[0] + 0.1 * cache[2]
        running[1] = 0.9 * running[1] + 0.1 * cache[3] * n / (n - 1)
    losses.append(loss.item())

# %% [markdown]
# The batch loss is noisy (32 examples a step); its running average falls steadily:

# %%
avg = np.convolve(losses, np.ones(50) / 50, mode="valid")
plt.plot(losses, alpha=0.3, label="batch loss")
plt.plot(np.arange(49, len(losses)), avg, label="average of 50")
plt.xlabel("step")
plt.ylabel("cross-entropy")
plt.legend()
plt.show()

with torch.no_grad():
    split_loss = {name: F.cross_entropy(forward(X, False, running)[-1], Y).item()
                  for name, X, Y in (("train", Xtr, Ytr), ("val", Xva, Yva))}
print({k: round(v, 4) for k, v in split_loss.items()}, " (uniform guessing:", round(np.log(vocab), 4), ")")
assert split_loss["train"] < 2.6 and split_loss["val"] < 2.7

# %% [markdown]
# A few names drawn from the trained model (evaluation mode: the running statistics
# normalise a batch of one):

# %%
out = []
with torch.no_grad():
    for _ in range(8):
        ctx, name = [0] * block, ""
        while len(name) < 15:
            logits = forward(torch.tensor([ctx]), False, running)[-1]
            c = torch.multinomial(F.softmax(logits, 1), 1, generator=g).item()
            if c == 0:
                break
            name += itos[c]
            ctx = ctx[1:] + [c]
        out.append(name)
print(" ".join(out))

# %% [markdown]
# What to take away: autograd is no magic. Each gradient here is a line or two of
# algebra, and the fused forms (softmax minus one-hot; the batch-norm projection) are
# both shorter and cheaper than the step-by-step chain, which is why libraries
# implement them as single backward nodes.
