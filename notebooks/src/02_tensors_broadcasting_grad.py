# %% [markdown]
# # 2. Tensors, broadcasting and `backward(grad=...)`
#
# What the `grad` argument of `backward` means, why gradients pile up across calls,
# what `retain_graph` is for, how broadcasting is undone in the backward pass, why a
# layer used three times gets three gradients added, and gradients with respect to
# an *input* (a saliency map).

# %%
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Image, display

import autodiff
from autodiff import nn
import autodiff.nn.functional as F

get_ipython().run_line_magic("matplotlib", "inline")
plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6, 3.2)})
autodiff.manual_seed(0)


def show(graph):
    """Show a graphviz graph as a PNG (it renders on a repository page too)."""
    display(Image(graph.pipe(format="png")))

# %% [markdown]
# ## The `grad` argument is a weighting of the outputs
#
# `y = 3a + 2b² + log c` has three outputs, one per element. "The gradient of `y`" is not
# defined until we say how much each output matters. `y.backward(grad=v)` computes the
# gradient of the scalar $\sum_i v_i y_i$: the **vector-Jacobian product** $v^\top J$, i.e.
# $J^\top v$. Here the three outputs get the weights `[0.1, 1.0, 0.0001]`.

# %%
a = autodiff.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = autodiff.tensor([3.0, 4.0, 5.0], requires_grad=True)
c = autodiff.tensor([6.0, 7.0, 8.0], requires_grad=True)
v = autodiff.tensor([0.1, 1.0, 0.0001])

y = 3 * a + 2 * b**2 + autodiff.log(c)
y.backward(grad=v, retain_graph=True)
print("a.grad =", a.grad)
print("b.grad =", b.grad)
print("c.grad =", c.grad)

# by hand: dy_i/da_i = 3, dy_i/db_i = 4 b_i, dy_i/dc_i = 1/c_i, each times v_i
np.testing.assert_allclose(a.grad.data, [0.3, 3.0, 0.0003], rtol=1e-6)
np.testing.assert_allclose(b.grad.data, [1.2, 16.0, 0.002], rtol=1e-6)
np.testing.assert_allclose(c.grad.data, [0.0166667, 0.1428571, 0.0000125], rtol=1e-5)
np.testing.assert_allclose(c.grad.data, v.data / c.data, rtol=1e-6)

# %% [markdown]
# **The same thing, spelled out.** Build the Jacobian $J_{ij} = \partial y_i/\partial x_j$
# explicitly, one row per backward pass with a one-hot `grad` (row $i$ is the gradient of
# output $i$ alone), then multiply: $J^\top v$ is exactly what `backward(grad=v)` gave,
# and so is the gradient of the scalar `(v * y).sum()`.
# The engine never builds $J$ (that would cost one backward per output); it computes
# $J^\top v$ directly in one pass.

# %%
def jacobian(y, x):
    rows = []
    for i in range(y.shape[0]):
        onehot = np.zeros(y.shape, dtype=np.float32)
        onehot[i] = 1.0
        (row,) = autodiff.grad(y, x, grad_outputs=autodiff.tensor(onehot), retain_graph=True)
        rows.append(row.data)
    return np.stack(rows)


for name, x in [("a", a), ("b", b), ("c", c)]:
    J = jacobian(y, x)
    print(f"J wrt {name} =\n{np.round(J, 4)}")
    np.testing.assert_allclose(J.T @ v.data, x.grad.data, rtol=1e-6)

weighted = autodiff.grad((v * y).sum(), [a, b, c])
for g, x in zip(weighted, (a, b, c)):
    np.testing.assert_allclose(g.data, x.grad.data, rtol=1e-6)
print("J^T v == backward(grad=v) == grad of (v*y).sum() for a, b and c")

# %% [markdown]
# Those Jacobians are diagonal (output $i$ depends only on element $i$). With a matrix,
# $y = Mx$, $J = M$ and `backward(grad=v)` gives $M^\top v$: the transpose appears by itself.

# %%
M = autodiff.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
x = autodiff.tensor([1.0, 1.0, 1.0], requires_grad=True)
ym = M @ x
ym.backward(grad=autodiff.tensor([1.0, 10.0]))
print("x.grad =", x.grad, " M^T v =", M.data.T @ np.array([1.0, 10.0]))
np.testing.assert_allclose(jacobian(M @ x, x), M.data)
np.testing.assert_allclose(x.grad.data, M.data.T @ np.array([1.0, 10.0]))

# %% [markdown]
# ## Gradients accumulate across calls; clear them yourself
#
# `backward` **adds** into `.grad`. That is on purpose: a parameter used in several
# places, a loss made of several terms backpropagated separately, or a large batch split
# into micro-batches all need their contributions summed. The price is that a training
# loop must clear the gradients before each step (`optimizer.zero_grad()`,
# `model.zero_grad()`, or `t.grad = None`), or each step uses the sum of all the previous
# gradients.

# %%
w = autodiff.tensor([1.0, -2.0], requires_grad=True)
loss = (w**2).sum()  # gradient 2w = [2, -4]
history = []
for call in range(3):
    loss.backward(retain_graph=True)
    history.append(w.grad.data.copy())
    print(f"after backward call {call + 1}: w.grad = {w.grad}")
np.testing.assert_allclose(history, [[2, -4], [4, -8], [6, -12]])

w.grad = None  # clear
loss.backward(retain_graph=True)
np.testing.assert_allclose(w.grad.data, [2, -4])
print("after clearing and one more call:", w.grad)

# %% [markdown]
# ## `retain_graph`: the graph is freed by `backward`
#
# To save memory, `backward` frees the values the graph saved for it (here `w` for
# `w**2`). A second backward through the same graph then fails with a clear message;
# pass `retain_graph=True` to the first call if you need another pass (as above).

# %%
loss = (w**2).sum()
loss.backward()
try:
    loss.backward()
    raise AssertionError("the second backward should have failed")
except RuntimeError as err:
    message = str(err)
print(message)
assert "retain_graph=True" in message

# %% [markdown]
# ## Broadcasting, and how its gradients are summed back
#
# `x` of shape (3, 1) times `w` of shape (4,) gives a (3, 4) result: `x` is repeated along
# the columns and `w` along the rows. Every repetition is a use, and uses add up: the
# gradient of a broadcast input is the output gradient **summed over the broadcast
# axes**, back to the input's shape. With `loss = (x * w + bias).sum()`:
# `w.grad[j]` $=\sum_i x_i$, `x.grad[i]` $= \sum_j w_j$, and `bias.grad[j]` $= 3$ (three rows).

# %%
x = autodiff.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
w = autodiff.tensor([1.0, 10.0, 100.0, 1000.0], requires_grad=True)
bias = autodiff.tensor([0.0, 0.0, 0.0, 0.0], requires_grad=True)
out = x * w + bias
loss = out.sum()
loss.backward(retain_graph=True)
print("out.shape =", out.shape)
print("w.grad    =", w.grad, "  (sum of x = 6)")
print("x.grad    =", x.grad.tolist(), "  (sum of w = 1111)")
print("bias.grad =", bias.grad, "  (3 rows)")
assert w.grad.shape == w.shape and x.grad.shape == x.shape
np.testing.assert_allclose(w.grad.data, np.full(4, x.data.sum()))
np.testing.assert_allclose(x.grad.data, np.full((3, 1), w.data.sum()))
np.testing.assert_allclose(bias.grad.data, [3, 3, 3, 3])
show(autodiff.viz.draw(loss, params={"x": x, "w": w, "bias": bias}, rankdir="LR", legend=False))

# %% [markdown]
# ## A module used three times gets the sum of three gradients
#
# Apply the same `Linear` three times, `out = lin(lin(lin(x)))`. Its weight appears in the
# graph three times; the chain rule gives one contribution per use, and the engine
# accumulates them into the single `.grad`. To see it, build three independent copies
# with the same values: their three gradients add up exactly to the shared one.

# %%
autodiff.manual_seed(1)
lin = nn.Linear(3, 3)
xin = autodiff.randn(5, 3)
shared_loss = lin(lin(lin(xin))).tanh().sum()
shared_loss.backward(retain_graph=True)

copies = [nn.Linear(3, 3) for _ in range(3)]
for cp in copies:
    cp.load_state_dict(lin.state_dict())
copies_loss = copies[2](copies[1](copies[0](xin))).tanh().sum()
copies_loss.backward()

per_use = [cp.weight.grad.data for cp in copies]
for k, g in enumerate(per_use):
    print(f"use {k + 1}: |dW| = {np.linalg.norm(g):.4f}")
print(f"sum of the three: {np.linalg.norm(sum(per_use)):.4f}   shared weight's grad: "
      f"{np.linalg.norm(lin.weight.grad.data):.4f}")
np.testing.assert_allclose(sum(per_use), lin.weight.grad.data, rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(sum(cp.bias.grad.data for cp in copies), lin.bias.grad.data,
                           rtol=1e-5, atol=1e-6)
assert not np.allclose(per_use[0], per_use[1])  # the three contributions differ

# %% [markdown]
# In the picture the three calls are three clusters, all drawing on the same
# `weight` and `bias` leaves (drawn inside one of the clusters): three outgoing edges
# each, three gradients added.

# %%
show(autodiff.viz.draw(shared_loss, params={"weight": lin.weight, "bias": lin.bias},
                       group_modules=True, show_data=False, legend=False))

# %% [markdown]
# ## Gradients with respect to the input: a saliency map
#
# Gradients are not only for parameters. `autodiff.grad(score, image)` asks: which pixels,
# nudged, would change the class score most? We train a small conv net on the 8x8 digits
# for a few seconds, then take the gradient of the predicted class's score (its logit)
# with respect to each test image.

# %%
from autodiff.demo import load_digits_split

Xtr, ytr, Xte, yte = load_digits_split()
Xtr, Xte = Xtr.reshape(-1, 1, 8, 8), Xte.reshape(-1, 1, 8, 8)
autodiff.manual_seed(0)
net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(8 * 4 * 4, 10))
opt = autodiff.optim.Adam(net.parameters(), lr=1e-2)
rng = np.random.default_rng(0)
for epoch in range(5):
    for idx in np.array_split(rng.permutation(len(Xtr)), len(Xtr) // 64):
        opt.zero_grad()
        F.cross_entropy(net(autodiff.tensor(Xtr[idx])), autodiff.tensor(ytr[idx])).backward()
        opt.step()
net.eval()
with autodiff.no_grad():
    acc = (net(autodiff.tensor(Xte)).data.argmax(1) == yte).mean()
print(f"test accuracy after 5 short epochs: {acc:.3f}")
assert acc > 0.9

# %%
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()  # the same split as load_digits_split(), raw pixels for display
_, raw_te, _, yte_raw = train_test_split(digits.data, digits.target, test_size=0.2,
                                         random_state=0, stratify=digits.target)
assert (yte_raw == yte).all()

picks = [int(np.flatnonzero(yte == d)[0]) for d in (0, 2, 3, 4, 7, 9)]
fig, axes = plt.subplots(2, len(picks), figsize=(9, 3.8))
gains = []
for col, i in enumerate(picks):
    image = autodiff.tensor(Xte[i : i + 1], requires_grad=True)
    logits = net(image)
    cls = int(logits.data.argmax())
    score = logits[0, cls]
    (g,) = autodiff.grad(score, image)  # d score / d pixel
    assert g.shape == image.shape
    # first-order check: a small step along the gradient raises the score by about eps*|g|^2
    eps = 0.01
    with autodiff.no_grad():
        moved = net(autodiff.tensor(Xte[i : i + 1] + eps * g.data))[0, cls]
    gains.append((moved.item() - score.item(), eps * float((g.data**2).sum())))
    axes[0, col].imshow(raw_te[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    axes[0, col].set_title(f"label {yte[i]}, pred {cls}", fontsize=9)
    lim = np.abs(g.data).max()
    axes[1, col].imshow(g.data[0, 0], cmap="bwr", vmin=-lim, vmax=lim)
    axes[1, col].set_title("d score / d pixel", fontsize=8)
for ax in axes.ravel():
    ax.set_xticks([]), ax.set_yticks([])
fig.suptitle("top: test digits; bottom: gradient of the predicted class's score "
             "(red: more ink raises it, blue: less ink raises it)", fontsize=9)
plt.tight_layout()
plt.show()
for actual, predicted in gains:
    print(f"score gain for a step of 0.01 along the gradient: {actual:.4f} "
          f"(first-order prediction {predicted:.4f})")
    assert actual > 0 and abs(actual - predicted) < 0.2 * predicted

# %% [markdown]
# Strongly coloured pixels are those the predicted class's score is most sensitive to:
# red where more ink would make the net surer of its answer, blue where ink counts
# against it (pixels whose ink would turn the digit into a look-alike). The gradient is
# taken with respect to the standardised pixels the net sees. It is a local, linear
# explanation of one prediction, not a proof of what the net "looks at". The check under the picture confirms what the
# gradient means: moving the image a little along it raises the score by
# $\varepsilon\,\lVert g\rVert^2$ to first order.
