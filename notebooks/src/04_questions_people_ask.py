# %% [markdown]
# # 4. Questions people ask about backpropagation, answered by experiment
#
# Each section is a question that comes up again and again on forums, a short
# experiment with `autodiff`, a picture, and a one-paragraph answer. The numbers quoted
# in the answers are asserted in the cells, so if the engine (or the answer) were wrong,
# this notebook would fail in CI.
#
# 1. [An L1 penalty on a softmax output is constant: why does it change training?](#l1)
# 2. [Why does inverted dropout scale by 1/(1-p)?](#dropout)
# 3. [Does weight initialisation matter?](#init)
# 4. [The loss goes down but the accuracy does not](#mse)
# 5. [Why does my network always predict the average?](#average)
# 6. [Cross-entropy gives the same loss for two different wrong predictions](#ce)
# 7. [ReLU's derivative at 0, dead ReLUs and leaky ReLU](#relu)
# 8. [Why does binary cross-entropy become NaN?](#bce)
# 9. [Sum or mean reduction?](#reduction)

# %%
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Image, display

import autodiff
from autodiff import nn
import autodiff.nn.functional as F
from autodiff.demo import load_digits_split

get_ipython().run_line_magic("matplotlib", "inline")
plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6, 3.2), "axes.grid": True,
                     "grid.alpha": 0.3})
autodiff.manual_seed(0)
Xtr, ytr, Xte, yte = load_digits_split(seed=0)


def show(graph):
    """Show a graphviz graph as a PNG (it renders on a repository page too)."""
    display(Image(graph.pipe(format="png")))

# %% [markdown]
# <a id="l1"></a>
# ## 1. "An L1 activity penalty on my softmax output is constant (the outputs sum to 1). Why does it change training?"
#
# First measure the gradient of the penalty $\sum_i |p_i|$, $p = \mathrm{softmax}(z)$, with
# respect to the logits $z$.

# %%
z = autodiff.randn(8, 10, dtype=autodiff.float64, requires_grad=True)
F.softmax(3 * z, dim=1).abs().sum().backward()
g64 = np.abs(z.grad.data).max()
z32 = autodiff.tensor(z.data.astype(np.float32), requires_grad=True)
F.softmax(3 * z32, dim=1).abs().sum().backward()
g32 = np.abs(z32.grad.data).max()
print(f"largest |d penalty / d logit|: float64 {g64:.1e}, float32 {g32:.1e}")
assert g64 < 1e-14 and g32 < 1e-5

# %% [markdown]
# Zero, up to rounding: every $p_i > 0$, so $|p_i| = p_i$ and $\sum_i p_i = 1$ whatever the
# logits. Now train a one-hidden-layer net on the digits four ways, with the same seed and
# full-batch SGD: no penalty, L1 on the softmax output, L1 on the **log**-softmax output,
# and L1 on the pre-softmax activations (the logits), each with weight 0.01.

# %%
def train_with_penalty(kind, lam=0.01, steps=150):
    autodiff.manual_seed(0)
    model = nn.MLP(64, [32], 10)
    opt = autodiff.optim.SGD(model.parameters(), lr=0.1)
    X, Y = autodiff.tensor(Xtr), autodiff.tensor(ytr)
    curve = []
    for _ in range(steps):
        opt.zero_grad()
        logits = model(X)
        ce = F.cross_entropy(logits, Y)
        penalty = {
            "none": lambda: 0.0 * ce,
            "L1 on softmax": lambda: F.softmax(logits, dim=1).abs().sum(1).mean(),
            "L1 on log-softmax": lambda: F.log_softmax(logits, dim=1).abs().sum(1).mean(),
            "L1 on logits": lambda: logits.abs().sum(1).mean(),
        }[kind]()
        (ce + lam * penalty).backward()
        opt.step()
        curve.append(ce.item())
    with autodiff.no_grad():
        logits = model(autodiff.tensor(Xte))
    probs = F.softmax(logits, dim=1).data
    weights = np.concatenate([p.data.ravel() for p in model.parameters()])
    return dict(curve=curve, acc=float((probs.argmax(1) == yte).mean()),
                confidence=float(probs.max(1).mean()), logit_size=float(np.abs(logits.data).mean()),
                weights=weights)


runs = {k: train_with_penalty(k) for k in
        ("none", "L1 on softmax", "L1 on log-softmax", "L1 on logits")}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3))
for (k, r), style in zip(runs.items(), ("-", ":", "-", "-")):
    ax1.plot(r["curve"], style, label=k, lw=3 if k == "L1 on softmax" else 1.5)
ax1.set(xlabel="step", ylabel="cross-entropy (train)", yscale="log", title="training curves")
ax1.legend(fontsize=8)
names = list(runs)
ax2.bar(range(4), [runs[k]["confidence"] for k in names], color=["C0", "C1", "C2", "C3"])
ax2.set(xticks=range(4), ylim=(0.6, 0.9), ylabel="mean max probability (test)",
        title="confidence")
ax2.set_xticklabels([k.replace("L1 on ", "L1 on\n") for k in names], fontsize=8)
plt.tight_layout()
plt.show()
for k, r in runs.items():
    diff = np.abs(r["weights"] - runs["none"]["weights"]).max()
    print(f"{k:18s} test acc {r['acc']:.3f}  confidence {r['confidence']:.3f}  "
          f"mean |logit| {r['logit_size']:.2f}  max |weight - unpenalised weight| {diff:.1e}")
none, soft, logsoft, logit = (runs[k] for k in names)
assert np.abs(soft["weights"] - none["weights"]).max() < 1e-6      # same training, up to rounding
assert logsoft["confidence"] < none["confidence"] - 0.03            # log-softmax L1: less confident
assert logit["logit_size"] < none["logit_size"] * 0.85              # logit L1: smaller logits
assert np.abs(logsoft["weights"] - none["weights"]).max() > 1e-2

# %% [markdown]
# **Answer.** It does not change training, and the experiment shows it: the penalty's
# gradient is zero to rounding (at most 2.4e-16 in float64 and 1.8e-7 in float32, as
# printed above: a few units of each dtype's machine epsilon), and the net
# trained with it ends with the same weights as the one without, to within 1e-6 (the
# dotted curve lies on the blue one). If you saw a change, the penalty was not on the
# softmax output: on the log-softmax it is $-\sum_i \log p_i$, a pull towards the uniform
# distribution (like label smoothing; here the mean top probability drops from 0.84 to
# about 0.77); on the logits it shrinks them (mean |logit| down by a fifth), which
# also softens the predictions. Other real causes: a different random seed or data order
# between the runs, or outputs that do not sum to 1 (sigmoids for multi-label outputs),
# where the penalty is not constant.
#
# <a id="dropout"></a>
# ## 2. "Why does inverted dropout scale the kept units by 1/(1-p)? What if I don't?"
#
# Dropout with $p = 0.5$ zeroes half the units in training. Measure the mean activation
# that the next layer sees, in training and at test time (where nothing is dropped).

# %%
p = 0.5
autodiff.manual_seed(1)
h = autodiff.rand(20000, 64)  # some positive activations, mean 0.5
drop = nn.Dropout(p)
drop.train()
mean_train_inverted = drop(h).data.mean()
drop.eval()
mean_test = drop(h).data.mean()
mask = np.random.default_rng(123).random(h.shape) >= p
mean_train_plain = (h.data * mask).mean()  # dropout without the 1/(1-p)
print(f"test time (no dropout):           {mean_test:.4f}")
print(f"training, inverted (x 1/(1-p)):   {mean_train_inverted:.4f}")
print(f"training, plain mask only:        {mean_train_plain:.4f}")
assert abs(mean_train_inverted / mean_test - 1) < 0.01
assert abs(mean_train_plain / mean_test - (1 - p)) < 0.01

# %% [markdown]
# So without the scaling the next layer is trained on inputs half as large as those it
# gets at test time. Train the same net (64 → 256 ReLU → dropout → 10) with inverted dropout,
# with the plain mask (and nothing done at test time), and with the plain mask plus the
# classic fix of multiplying by $(1-p)$ at test time.

# %%
class PlainDropout(nn.Module):
    """Dropout without rescaling; optionally scales by (1 - p) at test time instead."""

    def __init__(self, p, scale_at_test=False):
        super().__init__()
        self.p, self.scale_at_test = p, scale_at_test
        self.rng = np.random.default_rng(0)

    def forward(self, x):
        if self.training:
            keep = (self.rng.random(x.shape) >= self.p).astype(np.float32)
            return x * autodiff.tensor(keep)
        return x * (1 - self.p) if self.scale_at_test else x


def train_dropout(drop_layer, epochs=15):
    autodiff.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), drop_layer, nn.Linear(256, 10))
    opt = autodiff.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        for idx in np.array_split(rng.permutation(len(Xtr)), len(Xtr) // 64):
            opt.zero_grad()
            F.cross_entropy(model(autodiff.tensor(Xtr[idx])), autodiff.tensor(ytr[idx])).backward()
            opt.step()
    X = autodiff.tensor(Xte)
    out = {}
    with autodiff.no_grad():
        for mode in ("train", "eval"):
            model.train(mode == "train")
            hidden = model[2](model[1](model[0](X))).data
            logits = model(X)
            out[mode] = dict(hidden=hidden.mean(), logit=np.abs(logits.data).mean(),
                             loss=F.cross_entropy(logits, autodiff.tensor(yte)).item(),
                             acc=float((logits.data.argmax(1) == yte).mean()))
    return out


variants = {"inverted (nn.Dropout)": nn.Dropout(p), "plain mask": PlainDropout(p),
            "plain mask, x(1-p) at test": PlainDropout(p, scale_at_test=True)}
results = {k: train_dropout(v) for k, v in variants.items()}
fig, ax = plt.subplots(figsize=(7, 2.8))
for j, (k, r) in enumerate(results.items()):
    ax.bar(j - 0.2, r["train"]["hidden"], 0.4, color="C0", label="training" if j == 0 else None)
    ax.bar(j + 0.2, r["eval"]["hidden"], 0.4, color="C1", label="test time" if j == 0 else None)
ax.set(xticks=range(3), ylabel="mean input to last layer", title="what the last layer sees")
ax.set_xticklabels(list(results), fontsize=9)
ax.legend()
plt.tight_layout()
plt.show()
for k, r in results.items():
    ratio = r["eval"]["hidden"] / r["train"]["hidden"]
    print(f"{k:27s} test/train mean activation {ratio:.2f}   test |logit| {r['eval']['logit']:.2f}   "
          f"test loss {r['eval']['loss']:.3f}   test acc {r['eval']['acc']:.3f}")
inv, plain, fixed = results.values()
assert abs(inv["eval"]["hidden"] / inv["train"]["hidden"] - 1) < 0.05
assert abs(plain["eval"]["hidden"] / plain["train"]["hidden"] - 2) < 0.1
assert abs(fixed["eval"]["hidden"] / fixed["train"]["hidden"] - 1) < 0.05
assert plain["eval"]["logit"] > 1.6 * fixed["eval"]["logit"]           # logits ~2x larger
assert abs(plain["eval"]["acc"] - fixed["eval"]["acc"]) <= 0.01          # argmax barely cares
assert plain["eval"]["loss"] >= fixed["eval"]["loss"]

# %% [markdown]
# **Answer.** A dropped-out layer's expected output is $(1-p)$ times its full output.
# Scaling the kept units by $1/(1-p)$ in training makes the expectation equal to what
# the layer outputs at test time, when nothing is dropped, so the next layer sees the
# same scale in both (ratio 1.00 above) and the model can be used as is in `eval()` mode.
# Without the scaling, the test-time inputs of the next layer are $1/(1-p) = 2$ times
# larger than anything it was trained on (ratio 2 above), and the logits come out about
# twice as large (mean |logit| 6.35 instead of 3.18): the predicted probabilities are more
# extreme than the ones it was trained to give. In this small ReLU net that costs little
# (same accuracy, test loss 0.158 instead of 0.156), because scaling a ReLU layer's input
# mostly scales the logits and `argmax` ignores scale; with a saturating or normalising
# layer after the dropout, or calibrated probabilities as the goal, the mismatch matters
# more. Multiplying by $(1-p)$ at test time (the original 2014 recipe) restores the
# match; inverted dropout does the same work in training so inference is untouched.
#
# <a id="init"></a>
# ## 3. "Does weight initialisation matter?"
#
# A 10-layer MLP (64 units per hidden layer) with ReLU or tanh, biases zero and the
# weights drawn four ways: all zeros, $N(0, 1)$, Glorot (Xavier) normal
# ($\mathrm{std} = \sqrt{2/(\mathrm{fan_{in}} + \mathrm{fan_{out}})}$) and He (Kaiming) normal
# ($\mathrm{std} = \sqrt{2/\mathrm{fan_{in}}}$). One forward and backward pass of 256 digits:
# the standard deviation of each layer's activations and of each layer's weight gradient.

# %%
SCHEMES = ("zeros", "N(0,1)", "Glorot", "He")


def deep_mlp(activation, scheme, depth=10, width=64):
    autodiff.manual_seed(0)
    layers, fan_in = [], 64
    for _ in range(depth - 1):
        layers += [nn.Linear(fan_in, width), nn.ReLU() if activation == "relu" else nn.Tanh()]
        fan_in = width
    model = nn.Sequential(*layers, nn.Linear(fan_in, 10))
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.bias)
            {"zeros": lambda w: nn.init.zeros_(w),
             "N(0,1)": lambda w: nn.init.normal_(w, 0.0, 1.0),
             "Glorot": lambda w: nn.init.xavier_normal_(w),
             "He": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu")}[scheme](m.weight)
    return model


def layer_stats(model):
    h, acts = autodiff.tensor(Xtr[:256]), []
    for m in model:
        h = m(h)
        if not isinstance(m, nn.Linear):
            acts.append(h.data)
    F.cross_entropy(h, autodiff.tensor(ytr[:256])).backward()
    grads = [m.weight.grad.data.std() for m in model if isinstance(m, nn.Linear)]
    return acts, grads


stats = {(a, s): layer_stats(deep_mlp(a, s)) for a in ("relu", "tanh") for s in SCHEMES}
fig, axes = plt.subplots(2, 2, figsize=(9, 5.5))
for col, act in enumerate(("relu", "tanh")):
    for s in SCHEMES:
        acts, grads = stats[(act, s)]
        a_std = np.array([a.std() for a in acts])
        g_std = np.array(grads)
        if s == "zeros":  # exactly zero: nothing to show on a log scale
            axes[0, col].plot([], [], label="zeros: all exactly 0")
            axes[1, col].plot([], [], label="zeros: all exactly 0")
            continue
        axes[0, col].semilogy(range(1, 10), a_std, "o-", ms=3, label=s)
        axes[1, col].semilogy(range(1, 11), g_std, "o-", ms=3, label=s)
    axes[0, col].set(title=f"{act}: activation std per layer", xlabel="hidden layer")
    axes[1, col].set(title=f"{act}: weight-gradient std per layer", xlabel="layer")
    axes[0, col].legend(fontsize=8)
    axes[1, col].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %%
def std_of(act, s, layer):
    return stats[(act, s)][0][layer].std()


for act in ("relu", "tanh"):
    for s in SCHEMES:
        acts, grads = stats[(act, s)]
        sat = np.mean([(np.abs(a) > 0.99).mean() for a in acts]) if act == "tanh" else float("nan")
        print(f"{act} {s:7s} activation std layer 1 -> 9: {acts[0].std():9.3g} -> {acts[-1].std():9.3g}"
              f"   grad std layer 1 / 10: {grads[0]:8.2g} / {grads[-1]:8.2g}"
              + (f"   saturated |a|>0.99: {sat:.0%}" if act == "tanh" else ""))
for act in ("relu", "tanh"):  # zeros: every hidden activation and every weight gradient is exactly 0
    acts, grads = stats[(act, "zeros")]
    assert all((a == 0).all() for a in acts) and all(g == 0 for g in grads)
assert std_of("relu", "N(0,1)", 8) > 1e5 * std_of("relu", "N(0,1)", 0)   # explodes
assert std_of("relu", "Glorot", 8) < 0.1 * std_of("relu", "Glorot", 0)   # fades by ~1/sqrt(2) per layer
assert 0.5 < std_of("relu", "He", 8) / std_of("relu", "He", 0) < 2       # preserved
assert np.mean([(np.abs(a) > 0.99).mean() for a in stats[("tanh", "N(0,1)")][0]]) > 0.5  # saturated

# %% [markdown]
# And 150 steps of SGD with momentum (lr 0.01, batches of 64) from each start:

# %%
def short_training(act, s, steps=150):
    model = deep_mlp(act, s)
    opt = autodiff.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    curve = []
    for _ in range(steps):
        idx = rng.integers(0, len(Xtr), 64)
        opt.zero_grad()
        loss = F.cross_entropy(model(autodiff.tensor(Xtr[idx])), autodiff.tensor(ytr[idx]))
        loss.backward()
        opt.step()
        curve.append(loss.item())
    return np.array(curve)


with np.errstate(all="ignore"):
    curves = {(a, s): short_training(a, s) for a in ("relu", "tanh") for s in SCHEMES}
fig, axes = plt.subplots(1, 2, figsize=(9, 3))
for ax, act in zip(axes, ("relu", "tanh")):
    for s in SCHEMES:
        c = curves[(act, s)]
        label = s if np.isfinite(c).all() else f"{s}: NaN/inf from step {np.argmin(np.isfinite(c))}"
        ax.plot(np.where(np.isfinite(c), c, np.nan), label=label)
    ax.set(yscale="log", ylim=(0.02, 50), xlabel="step", ylabel="cross-entropy (batch)",
           title=f"10-layer {act} MLP")
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
final = {k: c[-20:].mean() for k, c in curves.items()}
for k, v in final.items():
    print(f"{k[0]} {k[1]:7s} mean loss of the last 20 steps: {v:.3f}")
for act in ("relu", "tanh"):
    assert abs(final[(act, "zeros")] - np.log(10)) < 0.01  # stuck at chance: log(10) = 2.303
assert not np.isfinite(final[("relu", "N(0,1)")]) or final[("relu", "N(0,1)")] > 10
assert final[("relu", "He")] < 0.2 and final[("relu", "He")] < final[("relu", "Glorot")]
assert final[("tanh", "Glorot")] < 0.2 and final[("tanh", "N(0,1)")] > 1.0

# %% [markdown]
# **Answer.** Yes, enormously, and the statistics show why. **Zeros**: every hidden unit
# computes the same thing (here exactly 0) and gets the same gradient (here exactly 0), so
# the symmetry never breaks: only the last bias learns, and the loss sits at $\log 10$.
# **N(0, 1)**: with 64 inputs each layer multiplies the scale by about $\sqrt{64/2}$ (ReLU),
# so activations grow by ~$10^{6}$ over 9 layers and training blows up at once; with tanh
# the units saturate at ±1, the gradients are useless and the loss barely moves.
# **Glorot** keeps the variance for a linear or tanh-like unit (tanh trains well), but a ReLU
# halves the variance, so a ReLU net's signal fades layer by layer. **He** doubles the
# variance to compensate for the ReLU: the activation scale stays flat through all 10
# layers, and the ReLU net trains best. Rule of thumb: He for ReLU, Glorot for tanh, never
# zeros (or any constant) for weights; biases may start at zero.
#
# <a id="mse"></a>
# ## 4. "The loss goes down but the accuracy does not"
#
# Five points with one feature, `x = [0, 0, 2, 2, 9]`, `y = [0, 0, 1, 1, 0]`. A simple rule,
# "class 1 when $x > 1$", gets 4 of 5 right (all but $x = 9$). Fit $z = wx + b$ three ways with
# gradient descent (3,000 steps, lr 0.05, float64): a linear output with MSE (predict 1 when
# $z > 0.5$), a sigmoid output with MSE, and a sigmoid output with (binary) cross-entropy
# (both predict 1 when $\sigma(z) > 0.5$, i.e. $z > 0$).

# %%
x5 = autodiff.tensor([0.0, 0.0, 2.0, 2.0, 9.0], dtype=autodiff.float64)
y5 = autodiff.tensor([0.0, 0.0, 1.0, 1.0, 0.0], dtype=autodiff.float64)
rule_acc = float(((x5.data > 1) == (y5.data == 1)).mean())


def fit_5(kind, steps=3000, lr=0.05, features=lambda x: [x]):
    feats = features(x5)
    ws = [autodiff.tensor(0.0, dtype=autodiff.float64, requires_grad=True) for _ in feats]
    b = autodiff.tensor(0.0, dtype=autodiff.float64, requires_grad=True)
    opt = autodiff.optim.SGD(ws + [b], lr=lr)
    losses, accs = [], []

    def logit(feats):
        return sum(w * f for w, f in zip(ws, feats)) + b

    for _ in range(steps):
        opt.zero_grad()
        z = logit(feats)
        if kind == "linear + MSE":
            loss, pred = F.mse_loss(z, y5), z.data > 0.5
        elif kind == "sigmoid + MSE":
            loss, pred = F.mse_loss(z.sigmoid(), y5), z.data > 0
        else:
            loss, pred = F.binary_cross_entropy_with_logits(z, y5), z.data > 0
        loss.backward()
        opt.step()
        losses.append(loss.item())
        accs.append(float((pred == (y5.data == 1)).mean()))
    return dict(loss=np.array(losses), acc=np.array(accs), logit=logit, w=[w.item() for w in ws], b=b.item())


kinds = ("linear + MSE", "sigmoid + MSE", "sigmoid + cross-entropy")
fits = {k: fit_5(k) for k in kinds}
fig, axes = plt.subplots(1, 3, figsize=(11, 3))
# the three accuracy curves coincide: a wide pale line, a dashed one and a dotted one
# on top of each other keep all three visible
acc_styles = [dict(lw=6, alpha=0.35), dict(lw=2, ls="--"), dict(lw=1.5, ls=":", color="C2")]
for (k, r), style in zip(fits.items(), acc_styles):
    axes[0].plot(r["loss"] / r["loss"][0], label=k)
    axes[1].plot(r["acc"], label=k, **style)
axes[0].set(xlabel="step", ylabel="loss / initial loss", title="the loss goes down...")
axes[1].axhline(rule_acc, color="grey", ls="-.", lw=1, label="rule x > 1")
axes[1].set(xlabel="step", ylabel="accuracy", ylim=(0.0, 1.05),
            title="...the accuracy does not (all three: 0.6)")
axes[1].legend(fontsize=7, loc="lower right")  # below the curves, clear of them
xs = np.linspace(-1, 10, 200)
xs_t = autodiff.tensor(xs)
with autodiff.no_grad():
    axes[2].plot(xs, fits["linear + MSE"]["logit"]([xs_t]).data, label="linear + MSE: z")
    axes[2].plot(xs, fits["sigmoid + MSE"]["logit"]([xs_t]).sigmoid().data, label="sigmoid + MSE: σ(z)")
    axes[2].plot(xs, fits["sigmoid + cross-entropy"]["logit"]([xs_t]).sigmoid().data,
                 label="sigmoid + CE: σ(z)")
axes[2].axhline(0.5, color="grey", lw=0.8)
axes[2].axvline(1, color="k", ls="--", lw=1)
axes[2].scatter(x5.data, y5.data, c="k", zorder=3)
axes[2].set(xlabel="x", ylim=(-0.1, 1.1), title="fits (dashed: x = 1)")
axes[2].legend(fontsize=7)
plt.tight_layout()
plt.show()
for k, r in fits.items():
    print(f"{k:24s} loss {r['loss'][0]:.4f} -> {r['loss'][-1]:.4f}   accuracy {r['acc'][0]:.1f} -> "
          f"{r['acc'][-1]:.1f}   w = {r['w'][0]:+.4f}, b = {r['b']:+.4f}")
print("rule x > 1: accuracy", rule_acc)
assert rule_acc == 0.8
for r in fits.values():
    assert r["loss"][-1] < 0.96 * r["loss"][0]
    assert r["acc"][-1] == 0.6 and r["acc"].max() == 0.6 and r["w"][0] < 0  # never better than "always 0"

# %% [markdown]
# A model that *can* express the answer behaves as expected: add the feature $x^2$ and the
# same cross-entropy training reaches 100 % accuracy.

# %%
quad = fit_5("sigmoid + cross-entropy", steps=3000, lr=0.05, features=lambda x: [x, x * x / 10])
print(f"with x and x^2/10: loss {quad['loss'][0]:.3f} -> {quad['loss'][-1]:.3f}, "
      f"accuracy {quad['acc'][-1]:.1f}")
assert quad["acc"][-1] == 1.0

# %% [markdown]
# **Answer.** The loss is not the accuracy. Every one of these models can only draw one
# threshold on $x$ with class 1 on one side, and the best such rule ($x > 1$, 80 %) puts
# the point at $x = 9$ on the wrong side, *far* from the threshold. MSE charges that
# point the square of its distance, so the linear fit tilts down ($w < 0$) and predicts 0
# everywhere; cross-entropy charges it roughly linearly in $wx + b$, still far more than
# the two near misses, so it also settles on a slightly decreasing curve that predicts 0
# everywhere. All three losses fall steadily while the accuracy stays at 60 %, the
# accuracy of "always 0": gradient descent is doing its job on a loss whose minimum
# simply is not the most accurate rule. Cross-entropy is usually the better choice for
# classification (its gradient $\sigma(z) - y$ does not vanish on confident mistakes, as
# the sigmoid + MSE gradient does), but neither can beat a model that cannot express the
# answer; give it the capacity (here $x^2$) and loss and accuracy improve together.
#
# <a id="average"></a>
# ## 5. "Why does my network always predict the average?"
#
# A regression problem: $y = 5000 + 1000 \sin(x/100)$ plus noise, $x$ from 0 to 600, fitted by
# an MLP 1 → 32 → 32 → 1 with ReLUs and MSE, 500 full-batch steps. We measure $R^2$ (1 is a
# perfect fit, 0 is what predicting the mean gives) and the share of first-layer units
# whose input is below zero for every example (dead, for a ReLU). Three ways to get a flat line, and their cures.

# %%
rng = np.random.default_rng(0)
x_raw = rng.uniform(0, 600, (256, 1)).astype(np.float32)
y_raw = (5000 + 1000 * np.sin(x_raw / 100) + rng.normal(0, 50, x_raw.shape)).astype(np.float32)
x_std = (x_raw - x_raw.mean()) / x_raw.std()
y_std = (y_raw - y_raw.mean()) / y_raw.std()


def fit_regression(X, Y, optimizer="sgd", lr=0.1, activation="relu", bias_init=None, steps=500):
    autodiff.manual_seed(0)
    model = nn.MLP(1, [32, 32], 1, activation=activation)
    if bias_init is not None:
        for m in model.net[:-1]:
            if isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, bias_init)
    opt = (autodiff.optim.SGD if optimizer == "sgd" else autodiff.optim.Adam)(model.parameters(), lr=lr)
    Xt, Yt = autodiff.tensor(X), autodiff.tensor(Y)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            opt.zero_grad()
            F.mse_loss(model(Xt), Yt).backward()
            opt.step()
    with autodiff.no_grad():
        pred = model(Xt).data
        first_pre = model.net[0](Xt).data  # input of the first layer's activation
    return dict(pred=pred, r2=float(1 - ((pred - Y) ** 2).mean() / Y.var()),
                dead=float((first_pre.max(0) <= 0).mean()), pred_std=float(pred.std() / Y.std()))


cases = [
    ("unscaled x and y, SGD lr 1e-5", x_raw, y_raw, {"lr": 1e-5}),
    ("cure: standardise x and y, SGD lr 0.1", x_std, y_std, {"lr": 0.1}),
    ("too large a learning rate: Adam lr 1", x_std, y_std, {"optimizer": "adam", "lr": 1.0}),
    ("cure: Adam lr 0.01", x_std, y_std, {"optimizer": "adam", "lr": 0.01}),
    ("dead ReLUs: hidden biases start at -3, Adam", x_std, y_std,
     {"optimizer": "adam", "lr": 0.01, "bias_init": -3.0}),
    ("half a cure: LeakyReLU, same start", x_std, y_std,
     {"optimizer": "adam", "lr": 0.01, "bias_init": -3.0, "activation": "leaky_relu"}),
    ("cure: the default initialisation", x_std, y_std, {"optimizer": "adam", "lr": 0.01}),
]
avg = {name: fit_regression(X, Y, **kw) | {"X": X, "Y": Y} for name, X, Y, kw in cases}
fig, axes = plt.subplots(1, 3, figsize=(11, 3))
for ax, group in zip(axes, [(0, 1), (2, 3), (4, 5, 6)]):
    for j, color in zip(group, ("C3", "C2", "C0")):
        name = cases[j][0]
        r = avg[name]
        order = np.argsort(r["X"][:, 0])
        pred = r["pred"][order, 0]
        if j == 0:  # show the unscaled fit in standardised units, like its cure
            pred = (pred - y_raw.mean()) / y_raw.std()
        ax.plot(x_std[order, 0], pred, color=color, lw=2, label=f"{name}\n$R^2$ = {r['r2']:.2f}")
    ax.scatter(x_std[:, 0], y_std[:, 0], s=4, c="k", alpha=0.4)
    ax.set(xlabel="x (standardised)", ylabel="y (standardised)")
    ax.legend(fontsize=7, loc="lower left")
plt.tight_layout()
plt.show()
for name, *_ in cases:
    r = avg[name]
    print(f"{name:44s} R^2 {r['r2']:+.3f}   prediction std / target std {r['pred_std']:.3f}   "
          f"first-layer units below 0 for all x {r['dead']:.0%}")
bad_unscaled, cure_scaled, bad_lr, cure_lr, bad_dead, leaky, cure_init = (avg[c[0]] for c in cases)
for bad in (bad_unscaled, bad_lr, bad_dead):
    assert abs(bad["r2"]) < 0.05 and bad["pred_std"] < 0.2  # a flat line at the mean
assert abs(bad_unscaled["pred"].mean() - y_raw.mean()) < 0.02 * y_raw.mean()
assert bad_unscaled["dead"] > 0.8 and bad_dead["dead"] == 1.0
assert cure_scaled["r2"] > 0.95 and cure_lr["r2"] > 0.95 and cure_init["r2"] > 0.95
assert 0.5 < leaky["r2"] < 0.9 and leaky["dead"] > 0.9  # learns, but stays (almost) linear

# %% [markdown]
# **Answer.** Predicting the mean is the best *constant* answer under MSE, and a network
# falls back to it whenever its hidden units stop carrying information about $x$: the
# output bias then learns the mean and that is all. Three common ways to get there.
# **Unscaled data**: with $y \approx 5000$ and $x$ up to 600, the first gradients are huge
# (the initial MSE is about $2.5\cdot10^7$); any learning rate big enough to move the
# output to 5000 throws most first-layer ReLUs into the region where they are 0 for every
# input (over 80 % dead here), and the rest is a constant. Standardising $x$ and $y$ fixes it.
# **Too large a learning rate**: the same collapse on well-scaled data, from overshooting
# steps; a smaller learning rate fixes it. **Dead ReLUs** from the start (here biases
# of -3 put every unit below zero for all inputs): a dead unit has zero gradient and never
# recovers, so only the output bias learns. LeakyReLU keeps a small slope below zero, so
# gradients still flow and the output follows $x$ again ($R^2 \approx 0.7$), but here
# nearly all units stay below zero, where a leaky ReLU is linear: the net is a straight
# line. The real cure is not to start dead: with the default initialisation the same
# training fits the curve.
#
# <a id="ce"></a>
# ## 6. "Cross-entropy gives the same loss for two different wrong predictions. How can it learn?"
#
# Three classes, the true class is 0. Prediction A puts 0.7 on class 1; prediction B
# spreads 0.4 / 0.4 over classes 1 and 2. Both give the true class 0.2.

# %%
target = autodiff.tensor([0])
preds = {"A": [0.2, 0.7, 0.1], "B": [0.2, 0.4, 0.4]}
ce_results = {}
for name, probs in preds.items():
    logits = autodiff.tensor([np.log(probs)], requires_grad=True)
    loss = F.cross_entropy(logits, target)
    loss.backward()
    after = F.cross_entropy(logits.detach() - 1.0 * logits.grad, target).item()  # one step, lr 1
    ce_results[name] = dict(loss=loss.item(), grad=logits.grad.data[0], after=after,
                            p_after=F.softmax(logits.detach() - logits.grad, dim=1).data[0])
    print(f"{name}: p = {probs}  loss = {loss.item():.4f}  d loss / d logits = "
          f"{np.round(logits.grad.data[0], 4)}  loss after one step: {after:.4f}")
A, B = ce_results["A"], ce_results["B"]
assert abs(A["loss"] - B["loss"]) < 1e-6 and abs(A["loss"] + np.log(0.2)) < 1e-6
for name, probs in preds.items():  # the gradient is softmax(z) - onehot(y)
    np.testing.assert_allclose(ce_results[name]["grad"], np.array(probs) - [1, 0, 0], atol=1e-6)
assert not np.allclose(A["grad"], B["grad"])
assert A["after"] < A["loss"] and B["after"] < B["loss"] and abs(A["after"] - B["after"]) > 0.05

fig, axes = plt.subplots(1, 2, figsize=(8, 2.8))
for k, name in enumerate(("A", "B")):
    axes[0].bar(np.arange(3) + (k - 0.5) * 0.4, preds[name], 0.4, label=f"{name}: loss {ce_results[name]['loss']:.3f}")
    axes[1].bar(np.arange(3) + (k - 0.5) * 0.4, ce_results[name]["grad"], 0.4, label=name)
axes[0].set(xticks=range(3), xlabel="class (true: 0)", ylabel="probability", title="predictions")
axes[1].set(xticks=range(3), xlabel="class", title="gradient of the loss wrt the logits")
axes[1].axhline(0, color="k", lw=0.8)
for ax in axes:
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# **Answer.** Cross-entropy only reads the probability of the true class, $-\log p_y$, so
# both predictions cost $-\log 0.2 = 1.609$. But the loss is a function of the logits, and
# its gradient $\partial L/\partial z = \mathrm{softmax}(z) - \mathrm{onehot}(y)$ involves every
# class: both raise the true logit by the same 0.8, but A pushes down the logit of its
# confident wrong class 1 by 0.7 while B pushes classes 1 and 2 down by 0.4 each. One
# step of gradient descent (lr 1) lowers both losses, by different amounts (to 0.69 and
# 0.79 here). Equal losses do not mean equal gradients; the loss surface is not
# flat around either point. (And over a data set the losses of different examples
# differ anyway: equal losses of two predictions for one example are a curiosity.)
#
# <a id="relu"></a>
# ## 7. ReLU's derivative at 0, dead ReLUs and leaky ReLU
#
# ReLU is not differentiable at 0. Like PyTorch, autodiff uses 0 there (any value in
# [0, 1] is a valid subgradient); central finite differences give the average, 0.5.

# %%
pts = autodiff.tensor([-1.0, 0.0, 1e-6, 1.0], requires_grad=True)
pts.relu().sum().backward()
fd0 = ((autodiff.tensor(1e-3).relu() - autodiff.tensor(-1e-3).relu()) / 2e-3).item()
print("relu'(x) at x = -1, 0, 1e-6, 1:", pts.grad.tolist(), "  central difference at 0:", round(fd0, 3))
assert pts.grad.tolist() == [0.0, 0.0, 1.0, 1.0] and abs(fd0 - 0.5) < 1e-3
pts2 = autodiff.tensor([-1.0, 0.0, 1.0], requires_grad=True)
F.leaky_relu(pts2, 0.01).sum().backward()
print("leaky_relu'(x) at -1, 0, 1:", [round(g, 6) for g in pts2.grad.tolist()])
np.testing.assert_allclose(pts2.grad.data, [0.01, 0.01, 1.0])

# %% [markdown]
# A unit is **dead** when its ReLU input is negative for every example: its output is 0,
# its gradient is 0, so its incoming weights never change again. Build a small layer of
# 6 units and push the bias of three of them far below zero (as a too-large step can).
# The graph picture marks the ReLU with dead units, and the gradient rows of the dead
# units' weights are exactly zero. With a leaky ReLU the same units still get a gradient.

# %%
autodiff.manual_seed(3)
xb = autodiff.randn(16, 4)
layer1, layer2 = nn.Linear(4, 6), nn.Linear(6, 1)
with autodiff.no_grad():
    layer1.bias[:3] = -10.0  # units 0, 1, 2: input < 0 for every example
target_r = autodiff.randn(16, 1)
loss_relu = F.mse_loss(layer2(layer1(xb).relu()), target_r)
loss_relu.backward(retain_graph=True)
dead_rows = np.abs(layer1.weight.grad.data).sum(1)
print("|grad| of each unit's incoming weights (ReLU):      ", np.round(dead_rows, 4))
show(autodiff.viz.draw(loss_relu, params={"layer1.weight": layer1.weight, "layer1.bias": layer1.bias,
                                          "layer2.weight": layer2.weight, "layer2.bias": layer2.bias,
                                          "x": xb, "target": target_r},
                       legend=False))
dot = autodiff.viz.to_dot(loss_relu, params={"w": layer1.weight})
assert "dead ReLU: 3/6 units" in dot
assert (dead_rows[:3] == 0).all() and (dead_rows[3:] > 0).all()

layer1.zero_grad()
F.mse_loss(layer2(F.leaky_relu(layer1(xb), 0.01)), target_r).backward()
leaky_rows = np.abs(layer1.weight.grad.data).sum(1)
print("|grad| of each unit's incoming weights (leaky ReLU):", np.round(leaky_rows, 4))
assert (leaky_rows > 0).all()

# %% [markdown]
# **Answer.** The derivative at exactly 0 is a convention (0 here and in PyTorch) and
# practically never matters: an input lands on exactly 0.0 rarely, and any value in [0, 1]
# would do. What matters is a unit that is *below* 0 for all inputs: it passes no
# gradient, so no optimiser step can revive it. The picture shows it
# (`dead ReLU: 3/6 units`, from the ReLU's output being 0 for all 16 examples in
# those columns), and the gradient confirms it (the first three rows are exactly 0). Leaky
# ReLU (slope 0.01 below 0) keeps a small gradient flowing, so such units can recover;
# sensible initialisation and learning rates keep most units alive with a plain ReLU too.
#
# <a id="bce"></a>
# ## 8. "Why does my binary cross-entropy become NaN?"
#
# The textbook formula $-[y \log p + (1-y) \log(1-p)]$ with $p = \sigma(z)$, in float32, for
# three confident logits: $z = 40$ with $y = 0$ (very wrong), $z = 40$ with $y = 1$ (very right),
# $z = -120$ with $y = 1$ (very wrong).

# %%
z = autodiff.tensor([40.0, 40.0, -120.0], requires_grad=True)
yb = autodiff.tensor([0.0, 1.0, 1.0])
p = z.sigmoid()
print("sigmoid(z) in float32:", p.data, " 1 - p:", (1 - p).data)
with np.errstate(all="ignore"):
    naive_each = -(yb * p.log() + (1 - yb) * (1 - p).log())
    naive = naive_each.mean()
    naive.backward()
print("naive formula, per example:", naive_each.data, " mean:", naive.item(), " grad:", z.grad.data)
assert np.isinf(naive_each.data[0]) and np.isnan(naive_each.data[1]) and np.isinf(naive_each.data[2])
assert np.isnan(naive.item()) and np.isnan(z.grad.data).all()

# %% [markdown]
# $\sigma(40)$ rounds to exactly 1.0 in float32 and $\sigma(-120)$ to exactly 0.0, so
# $\log 0 = -\infty$, and $0 \cdot (-\infty)$ (the term the label should switch off) is NaN.
# `detect_anomaly` names the op where the backward first produced it:

# %%
z.grad = None
try:
    with np.errstate(all="ignore"), autodiff.detect_anomaly():
        (-(yb * z.sigmoid().log() + (1 - yb) * (1 - z.sigmoid()).log())).mean().backward()
    raise AssertionError("detect_anomaly should have raised")
except RuntimeError as err:
    anomaly = str(err)
print(anomaly)
assert "nan" in anomaly.lower() or "inf" in anomaly.lower()

# %% [markdown]
# `F.binary_cross_entropy` clamps each log at -100, as PyTorch does, so it never returns
# NaN, but it is not exact either. `F.binary_cross_entropy_with_logits` takes $z$ itself and
# uses the log-sum-exp form $\max(z, 0) - zy + \log(1 + e^{-|z|})$, which is exact for any
# finite logit, with the gradient $\sigma(z) - y$.

# %%
def loss_and_grad(fn):
    zz = autodiff.tensor([40.0, 40.0, -120.0], requires_grad=True)
    each = fn(zz, reduction="none")
    each.sum().backward()
    return each.data, zz.grad.data


clamped, clamped_grad = loss_and_grad(lambda zz, **kw: F.binary_cross_entropy(zz.sigmoid(), yb, **kw))
exact, exact_grad = loss_and_grad(lambda zz, **kw: F.binary_cross_entropy_with_logits(zz, yb, **kw))
print("clamped BCE of sigmoid(z):", clamped, " gradient:", clamped_grad)
print("BCE with logits:          ", exact, " gradient:", exact_grad)
np.testing.assert_allclose(clamped, [100.0, 0.0, 100.0])
np.testing.assert_allclose(exact, [40.0, 0.0, 120.0], rtol=1e-6, atol=1e-6)
np.testing.assert_allclose(exact_grad, [1.0, 0.0, -1.0], atol=1e-6)
assert np.isfinite(clamped_grad).all() and np.abs(clamped_grad[[0, 2]]).max() < 1e-3

zs = np.linspace(-5, 60, 400).astype(np.float32)
zt = autodiff.tensor(zs, requires_grad=True)
y0 = autodiff.zeros(len(zs))
with np.errstate(all="ignore"):
    naive_curve = (-(1 - zt.sigmoid()).log()).data
clamp_curve = F.binary_cross_entropy(zt.sigmoid(), y0, reduction="none").data
exact_curve = F.binary_cross_entropy_with_logits(zt, y0, reduction="none").data
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(zs, exact_curve, lw=3, alpha=0.5, label="with_logits (exact: softplus(z))")
ax.plot(zs, clamp_curve, "--", label="binary_cross_entropy(sigmoid(z)) (clamped at 100)")
ax.plot(zs, np.where(np.isfinite(naive_curve), naive_curve, np.nan), label="naive -log(1 - sigmoid(z)) (inf right of the dotted line)")
first_inf = zs[np.argmax(~np.isfinite(naive_curve))]
ax.axvline(first_inf, color="C2", ls=":", lw=1)
ax.set(xlabel="logit z (label y = 0)", ylabel="loss", ylim=(0, 110), title="float32 BCE for y = 0")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
print(f"the naive formula becomes inf from z = {first_inf:.1f} on (sigmoid(z) == 1.0 in float32)")
assert 15 < first_inf < 20

# %% [markdown]
# **Answer.** Because $\sigma(z)$ rounds to exactly 0 or 1 once $|z|$ is larger than about 17
# (float32; about 37 in float64), and then $\log 0 = -\infty$, the loss is infinite, and
# $0 \cdot (-\infty)$ and $\infty - \infty$ make NaN, which spreads to every gradient. Clamping
# the logs (PyTorch's and autodiff's `binary_cross_entropy`) prevents the NaN, but the loss
# saturates at 100 and its gradient vanishes for exactly the most wrong predictions (here
# ~0 instead of ±1): a badly wrong example stops teaching the model. The cure is to never
# take the sigmoid yourself: give the logits to `binary_cross_entropy_with_logits`
# (`BCEWithLogitsLoss`), which computes the same loss in a form that cannot overflow, exact
# for any finite $z$ (40 and 120 above), with the healthy gradient $\sigma(z) - y$. The
# same holds for `cross_entropy` on logits versus `log(softmax(z))`.
#
# <a id="reduction"></a>
# ## 9. "Sum or mean reduction?"
#
# Linear regression on $N$ samples with 5 standard-normal features, from the same start,
# with `reduction="mean"` and `reduction="sum"`, plain SGD with lr 0.1 for 100 steps, for
# N = 8, 64 and 512.

# %%
def regression_run(N, reduction, lr, steps=100, optimizer="sgd"):
    rng = np.random.default_rng(N)
    X = autodiff.tensor(rng.normal(size=(N, 5)))
    w_true = np.array([1.0, -2.0, 0.5, 3.0, 0.0])
    Y = autodiff.tensor(X.data @ w_true + 0.1 * rng.normal(size=N))
    w = autodiff.zeros(5, dtype=autodiff.float64, requires_grad=True)  # X.dtype: @ does not promote
    opt = (autodiff.optim.SGD if optimizer == "sgd" else autodiff.optim.Adam)([w], lr=lr)
    mean_losses, grad_norms = [], []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            opt.zero_grad()
            loss = F.mse_loss(X @ w, Y, reduction=reduction)
            loss.backward()
            grad_norms.append(np.linalg.norm(w.grad.data))
            mean_losses.append(loss.item() / (N if reduction == "sum" else 1))
            opt.step()
    return dict(first_loss=mean_losses[0] * (N if reduction == "sum" else 1), curve=np.array(mean_losses),
                grad0=grad_norms[0], w=w.data.copy(), X=X.data)


Ns = (8, 64, 512)
red = {(N, r): regression_run(N, r, lr=0.1) for N in Ns for r in ("mean", "sum")}
scaled = {N: regression_run(N, "sum", lr=0.1 / N) for N in Ns}
fig, axes = plt.subplots(1, 2, figsize=(9, 3))
for N in Ns:
    axes[0].plot(red[(N, "mean")]["curve"], label=f"N={N}")
    c = red[(N, "sum")]["curve"]
    axes[1].plot(np.where(np.isfinite(c) & (c < 1e30), c, np.nan), label=f"N={N}")  # up to 1e30
axes[0].set(yscale="log", xlabel="step", ylabel="mean squared error", title='reduction="mean", lr 0.1')
axes[1].set(yscale="log", xlabel="step", title='reduction="sum", lr 0.1 (shown as mean)')
for ax in axes:
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
for N in Ns:
    m, s = red[(N, "mean")], red[(N, "sum")]
    print(f"N={N:4d}  first loss: mean {m['first_loss']:7.2f}  sum {s['first_loss']:9.1f}   "
          f"first |grad|: mean {m['grad0']:6.2f}  sum {s['grad0']:9.1f}   "
          f"final MSE: mean {m['curve'][-1]:.4f}  sum {s['curve'][-1]:.3g}")
    assert abs(s["first_loss"] / m["first_loss"] - N) < 1e-3 * N
    assert abs(s["grad0"] / m["grad0"] - N) < 1e-3 * N
    assert m["curve"][-1] < 0.02  # mean: converges for every N
    assert not (s["curve"][-1] < 1.0)  # sum: diverges (inf or NaN)
    np.testing.assert_allclose(scaled[N]["w"], m["w"], rtol=1e-4, atol=1e-5)  # sum with lr/N == mean
    # gradient descent on a quadratic is stable for lr < 2 / (largest Hessian eigenvalue)
    XtX = m["X"].T @ m["X"]
    limit_mean = 2 / np.linalg.eigvalsh(2 * XtX / N).max()
    limit_sum = 2 / np.linalg.eigvalsh(2 * XtX).max()
    print(f"        largest stable lr: mean {limit_mean:.3f}, sum {limit_sum:.5f} (= mean's / N)")
    assert limit_mean > 0.1 > limit_sum and abs(limit_mean / limit_sum - N) < 1e-6 * N
adam_mean = regression_run(512, "mean", lr=0.05, optimizer="adam")["w"]
adam_sum = regression_run(512, "sum", lr=0.05, optimizer="adam")["w"]
print("Adam, N=512: max |w_sum - w_mean| =", np.abs(adam_sum - adam_mean).max())
assert np.abs(adam_sum - adam_mean).max() < 1e-7  # equal but for Adam's eps and rounding

# %% [markdown]
# **Answer.** With `sum`, the loss and its gradient are $N$ times the `mean` ones (exactly,
# as measured), so the loss grows with the data set or batch size while the model's
# quality does not change. For plain SGD the gradient's size is the step's size: `sum`
# with learning rate $\eta$ is `mean` with $\eta N$. Gradient descent on this quadratic
# loss is stable for $\eta < 2/\lambda_{\max}$ of the Hessian: 0.34 to 0.88 under
# `mean` whatever N, but $N$ times smaller under `sum` (0.042 already at N = 8),
# so lr 0.1 converges under `mean` and diverges under `sum` for every N here; `sum`
# with lr $0.1/N$ reproduces `mean` with lr 0.1 step for step. `mean` keeps the learning rate independent of the batch size,
# which is why it is the default. Adam divides by a running gradient scale, so it barely
# notices the difference: the weights differ by about 2e-9 here (printed above), the
# trace of Adam's `eps` and of rounding.
