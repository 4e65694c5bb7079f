# %% [markdown]
# # 1. Backprop by hand, and by the engine
#
# Backpropagation is the chain rule applied to a graph of small operations, from the
# output back to the inputs. Here we build expressions one operation at a time,
# derive every gradient by hand with the chain rule, and check each one twice:
# against `autodiff`'s `.backward()` and against finite differences.
#
# Everything runs in float64 so that finite differences agree to many digits.

# %%
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Image, display

import autodiff
from autodiff import nn

get_ipython().run_line_magic("matplotlib", "inline")
plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6, 3.2)})
autodiff.set_default_dtype(autodiff.float64)
autodiff.manual_seed(0)


def show(graph):
    """Show a graphviz graph as a PNG (it renders on a repository page too)."""
    display(Image(graph.pipe(format="png")))


def numeric_grad(f, values, eps=1e-6):
    """Central finite differences of a scalar function f(dict of floats) for each key."""
    out = {}
    for k in values:
        up, down = dict(values), dict(values)
        up[k] += eps
        down[k] -= eps
        out[k] = (f(up) - f(down)) / (2 * eps)
    return out

# %% [markdown]
# ## A scalar expression, step by step
#
# $e = a\,b$, $\;d = e + c$, $\;L = d\,f$ with $a=2$, $b=-3$, $c=10$, $f=-2$.

# %%
a = autodiff.tensor(2.0, requires_grad=True)
b = autodiff.tensor(-3.0, requires_grad=True)
c = autodiff.tensor(10.0, requires_grad=True)
f = autodiff.tensor(-2.0, requires_grad=True)

e = a * b
d = e + c
L = d * f
e.retain_grad()  # keep the gradients of the intermediate results too
d.retain_grad()
print("e =", e.item(), " d =", d.item(), " L =", L.item())

# %% [markdown]
# **The chain rule, from the output backwards.** Each local derivative is simple:
#
# | step | local derivative | gradient of $L$ |
# |---|---|---|
# | $L$ | | $\partial L/\partial L = 1$ |
# | $L = d f$ | $\partial L/\partial f = d$, $\partial L/\partial d = f$ | $\partial L/\partial f = d = 4$, $\;\partial L/\partial d = f = -2$ |
# | $d = e + c$ | $\partial d/\partial e = 1$, $\partial d/\partial c = 1$ | $\partial L/\partial e = \partial L/\partial d \cdot 1 = -2$, $\;\partial L/\partial c = -2$ |
# | $e = a b$ | $\partial e/\partial a = b$, $\partial e/\partial b = a$ | $\partial L/\partial a = \partial L/\partial e \cdot b = (-2)(-3) = 6$, $\;\partial L/\partial b = (-2)(2) = -4$ |
#
# A `+` passes the gradient through unchanged to both inputs; a `*` sends each input
# the gradient times *the other* input. The code below computes the same formulas
# from the values, then asks the engine.

# %%
# by hand: exactly the table above, from the forward values
dL_dL = 1.0
dL_df = d.item() * dL_dL
dL_dd = f.item() * dL_dL
dL_de = dL_dd * 1.0
dL_dc = dL_dd * 1.0
dL_da = dL_de * b.item()
dL_db = dL_de * a.item()
by_hand = {"a": dL_da, "b": dL_db, "c": dL_dc, "f": dL_df}

# by the engine
L.backward()
engine = {"a": a.grad.item(), "b": b.grad.item(), "c": c.grad.item(), "f": f.grad.item()}

# by finite differences of the plain-Python function
numeric = numeric_grad(lambda v: (v["a"] * v["b"] + v["c"]) * v["f"],
                       {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0})

for k in by_hand:
    print(f"dL/d{k}: by hand {by_hand[k]:+.6f}   backward {engine[k]:+.6f}   finite diff {numeric[k]:+.6f}")
    assert abs(by_hand[k] - engine[k]) < 1e-12
    assert abs(numeric[k] - engine[k]) < 1e-6
assert by_hand == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
assert e.grad.item() == dL_de and d.grad.item() == dL_dd

# %% [markdown]
# The graph as the engine recorded it. Square boxes are leaves (blue border: they
# require grad), rounded boxes are operations and stand for their output tensor;
# each box shows its value (`data`) and gradient (`grad`), and its fill colour is the
# size of the gradient on a log scale (legend). `L` is `-8` and its own gradient is 1.

# %%
graph = autodiff.viz.draw(L, params={"a": a, "b": b, "c": c, "f": f}, rankdir="LR")
show(graph)

# %% [markdown]
# ## Then a `tanh`: a single neuron
#
# The neuron $o = \tanh(x_1 w_1 + x_2 w_2 + b)$ with $x = (2, 0)$, $w = (-3, 1)$ and a bias
# chosen so that $n = x_1w_1 + x_2w_2 + b \approx 0.8814$ and $o = \tanh n \approx 0.7071$.
#
# The only new local derivative is $\frac{d}{dn}\tanh n = 1 - \tanh^2 n = 1 - o^2 = 0.5$. So
# $\partial o/\partial n = 0.5$; the sum passes $0.5$ to $b$ and to each product $x_iw_i$;
# each product sends each factor $0.5$ times the other factor:
# $\partial o/\partial w_1 = 0.5\,x_1 = 1$, $\;\partial o/\partial x_1 = 0.5\,w_1 = -1.5$,
# $\;\partial o/\partial w_2 = 0.5\,x_2 = 0$, $\;\partial o/\partial x_2 = 0.5\,w_2 = 0.5$.

# %%
vals = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
t = {k: autodiff.tensor(v, requires_grad=True) for k, v in vals.items()}
n = t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"]
o = n.tanh()
autodiff.viz.watch(o)          # remember every op's gradient for the picture
o.backward(retain_graph=True)  # keep the values for the picture as well

do_dn = 1 - o.item() ** 2
by_hand = {"x1": do_dn * vals["w1"], "w1": do_dn * vals["x1"],
           "x2": do_dn * vals["w2"], "w2": do_dn * vals["x2"], "b": do_dn}
numeric = numeric_grad(lambda v: np.tanh(v["x1"] * v["w1"] + v["x2"] * v["w2"] + v["b"]), vals)
for k in vals:
    print(f"do/d{k:2s}: by hand {by_hand[k]:+.6f}   backward {t[k].grad.item():+.6f}   finite diff {numeric[k]:+.6f}")
    assert abs(by_hand[k] - t[k].grad.item()) < 1e-12
    assert abs(numeric[k] - t[k].grad.item()) < 1e-6
assert abs(o.item() - 2 ** -0.5) < 1e-9 and abs(do_dn - 0.5) < 1e-9
show(autodiff.viz.draw(o, params=t, rankdir="LR", legend=False))

# %% [markdown]
# **The granularity of the operations is up to us.** Write $\tanh n = (e^{2n}-1)/(e^{2n}+1)$
# with `exp`, `-`, `+`, `/`: the graph has more nodes, each with its own simple local
# derivative, and the chain rule through all of them gives the same gradients.

# %%
t2 = {k: autodiff.tensor(v, requires_grad=True) for k, v in vals.items()}
n2 = t2["x1"] * t2["w1"] + t2["x2"] * t2["w2"] + t2["b"]
e2 = (2 * n2).exp()
o2 = (e2 - 1) / (e2 + 1)
o2.backward()
for k in vals:
    assert abs(t2[k].grad.item() - t[k].grad.item()) < 1e-12, k
print("same output:", o2.item(), " same gradients:", {k: round(t2[k].grad.item(), 6) for k in vals})

# %% [markdown]
# ## A tiny MLP: 3 inputs, two hidden layers of 4 tanh units, 1 output
#
# Four examples, targets $\pm 1$, loss $= \sum_i (\hat y_i - y_i)^2$. With matrices the chain
# rule reads the same, one layer at a time. For a layer $z = hW^\top + b$, $h' = \tanh z$:
#
# * $\partial L/\partial z = \partial L/\partial h' \odot (1 - h'^2)$ (elementwise, the tanh rule),
# * $\partial L/\partial W = (\partial L/\partial z)^\top h$, $\;\partial L/\partial b = \sum_{\text{rows}} \partial L/\partial z$,
# * $\partial L/\partial h = (\partial L/\partial z)\, W$ (passed on to the layer below),
#
# starting from $\partial L/\partial \hat y = 2(\hat y - y)$. We write that backward pass in
# plain NumPy and compare every parameter's gradient with the engine's and with finite
# differences.

# %%
X = autodiff.tensor([[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]])
y = autodiff.tensor([[1.0], [-1.0], [-1.0], [1.0]])
mlp = nn.MLP(3, [4, 4], 1, activation="tanh")
params = dict(mlp.named_parameters())

loss = ((mlp(X) - y) ** 2).sum()
autodiff.viz.watch(loss)          # for the picture below: every op's gradient...
loss.backward(retain_graph=True)  # ...and every op's value
print("loss:", loss.item())

# the same forward and backward by hand, in NumPy
W1, b1, W2, b2, W3, b3 = (p.data for p in mlp.parameters())
Xn, yn = X.data, y.data
h1 = np.tanh(Xn @ W1.T + b1)
h2 = np.tanh(h1 @ W2.T + b2)
yhat = h2 @ W3.T + b3
dyhat = 2 * (yhat - yn)
grads = {"net.4.weight": dyhat.T @ h2, "net.4.bias": dyhat.sum(0)}
dz2 = (dyhat @ W3) * (1 - h2**2)
grads |= {"net.2.weight": dz2.T @ h1, "net.2.bias": dz2.sum(0)}
dz1 = (dz2 @ W2) * (1 - h1**2)
grads |= {"net.0.weight": dz1.T @ Xn, "net.0.bias": dz1.sum(0)}


def loss_of(params_np):
    g1 = np.tanh(Xn @ params_np["net.0.weight"].T + params_np["net.0.bias"])
    g2 = np.tanh(g1 @ params_np["net.2.weight"].T + params_np["net.2.bias"])
    return float((((g2 @ params_np["net.4.weight"].T + params_np["net.4.bias"]) - yn) ** 2).sum())


worst_hand, worst_fd = 0.0, 0.0
for name, p in params.items():
    base = {k: v.data.copy() for k, v in params.items()}
    fd = np.zeros_like(p.data)
    for idx in np.ndindex(p.shape):
        up = {k: v.copy() for k, v in base.items()}
        down = {k: v.copy() for k, v in base.items()}
        up[name][idx] += 1e-6
        down[name][idx] -= 1e-6
        fd[idx] = (loss_of(up) - loss_of(down)) / 2e-6
    worst_hand = max(worst_hand, np.abs(grads[name] - p.grad.data).max())
    worst_fd = max(worst_fd, np.abs(fd - p.grad.data).max())
    print(f"{name:13s} shape {str(p.shape):7s} |grad| {np.linalg.norm(p.grad.data):.4f}")
n_params = sum(p.data.size for p in params.values())
print(f"{n_params} parameters; largest difference backward vs by hand: {worst_hand:.1e}, "
      f"vs finite differences: {worst_fd:.1e}")
assert worst_hand < 1e-12 and worst_fd < 1e-6

# %% [markdown]
# The graph of that loss, each `Linear` and `Tanh` call drawn as a cluster, with the
# gradient of every intermediate result (`show_data=False` leaves the values out to keep
# it readable). Each `Linear` is a single `linear` op, $hW^\top + b$, whose backward is
# the three formulas above.

# %%
show(autodiff.viz.draw(loss, params=params | {"X": X, "y": y}, group_modules=True,
                       show_data=False, legend=False))

# %% [markdown]
# ## And training is just repeating it
#
# Gradient descent: step every parameter against its gradient, clear the gradients,
# repeat.

# %%
losses = []
for step in range(100):
    mlp.zero_grad()
    loss = ((mlp(X) - y) ** 2).sum()
    loss.backward()
    with autodiff.no_grad():
        for p in mlp.parameters():
            p -= 0.05 * p.grad
    losses.append(loss.item())
with autodiff.no_grad():
    pred = mlp(X)
print("loss: first", round(losses[0], 4), "last", round(losses[-1], 5))
print("predictions:", np.round(pred.data.ravel(), 3), " targets:", y.data.ravel())
assert losses[-1] < 0.01 and losses[-1] < losses[0] / 100
assert (np.sign(pred.data) == y.data).all()

fig, ax = plt.subplots(figsize=(5, 2.6))
ax.semilogy(losses)
ax.set(xlabel="step", ylabel="loss (log scale)", title="tiny MLP, gradient descent, lr 0.05")
ax.grid(alpha=0.3)
plt.show()
