# %% [markdown]
# # 5. Higher-order gradients and gradient checking
#
# With `create_graph=True` the backward pass is itself recorded as a graph, so it can be
# differentiated again: derivatives of derivatives, Hessian-vector products, and losses
# that contain a gradient (gradient penalties). And `autodiff.gradcheck` compares any
# function's analytic gradient with finite differences: here it catches a deliberately
# wrong custom `autodiff.Function`.
#
# Everything here runs in float64.

# %%
import time

import numpy as np
import matplotlib.pyplot as plt

import autodiff
from autodiff import nn
import autodiff.nn.functional as F

get_ipython().run_line_magic("matplotlib", "inline")
plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6, 3.2), "axes.grid": True,
                     "grid.alpha": 0.3})
autodiff.set_default_dtype(autodiff.float64)
autodiff.manual_seed(0)

# %% [markdown]
# ## The gradient of a gradient
#
# $f(x) = x^3$ at $x = 2$: $f' = 3x^2 = 12$, $f'' = 6x = 12$, $f''' = 6$. Each
# `autodiff.grad(..., create_graph=True)` returns a tensor with its own graph, ready to be
# differentiated again. The third derivative is a constant with no graph back to $x$
# (`requires_grad` is False): that is how the engine says the fourth derivative is zero
# (asking for its gradient raises, as in PyTorch).

# %%
x = autodiff.tensor(2.0, requires_grad=True)
d1, = autodiff.grad(x**3, x, create_graph=True)
d2, = autodiff.grad(d1, x, create_graph=True)
d3, = autodiff.grad(d2, x, create_graph=True)
print("f' =", d1.item(), " f'' =", d2.item(), " f''' =", d3.item(),
      " f''' depends on x:", d3.requires_grad)
assert (d1.item(), d2.item(), d3.item()) == (12.0, 12.0, 6.0)
assert not d3.requires_grad  # a constant: no graph back to x, so the 4th derivative is 0

# %% [markdown]
# On a whole grid at once: $\sin$ and four successive derivatives, each taken from the
# previous one. (For an elementwise function, the gradient of the sum gives every
# point's derivative in one pass.) They should be $\cos, -\sin, -\cos, \sin$.

# %%
xs = autodiff.linspace(-np.pi, np.pi, 200, requires_grad=True)
curves = [xs.sin()]
for _ in range(4):
    (d,) = autodiff.grad(curves[-1].sum(), xs, create_graph=True)
    curves.append(d)
expected = [np.sin, np.cos, lambda t: -np.sin(t), lambda t: -np.cos(t), np.sin]
fig, ax = plt.subplots(figsize=(6, 3))
for k, (c, ref) in enumerate(zip(curves, expected)):
    ax.plot(xs.data, c.data, lw=2.5 if k in (0, 4) else 1.5, ls="--" if k == 4 else "-",
            label=["sin", "1st", "2nd", "3rd", "4th derivative"][k])
    np.testing.assert_allclose(c.data, ref(xs.data), atol=1e-12)
ax.set(xlabel="x", title="sin and its derivatives by repeated autodiff.grad")
ax.legend(fontsize=8, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.22))
plt.tight_layout()
plt.show()
print("largest error of the 4th derivative vs sin:", np.abs(curves[4].data - np.sin(xs.data)).max())

# %% [markdown]
# ## Hessian-vector products
#
# The Hessian $H = \nabla^2 f(w)$ of a function of $n$ parameters has $n^2$ entries, but
# many algorithms (Newton-CG, curvature estimates, influence functions) only need $Hv$.
# Since $Hv = \nabla_w\,(\nabla_w f(w) \cdot v)$, two backward passes give it, without ever
# forming $H$:
#
# ```python
# (g,) = autodiff.grad(f(w), w, create_graph=True)   # keep the graph of the gradient
# (hv,) = autodiff.grad((g * v).sum(), w)            # differentiate g . v once more
# ```
#
# Test function: L2-regularised logistic loss $f(w) = \sum_i \mathrm{softplus}(a_i \cdot w) +
# \tfrac{\lambda}{2}\lVert w\rVert^2$, whose Hessian is known in closed form:
# $H = A^\top \mathrm{diag}(\sigma(Aw)(1 - \sigma(Aw)))\,A + \lambda I$.

# %%
rng = np.random.default_rng(0)
n, m, lam = 6, 20, 0.1
A = autodiff.tensor(rng.normal(size=(m, n)))
w = autodiff.tensor(rng.normal(size=n), requires_grad=True)
v = autodiff.tensor(rng.normal(size=n))


def f(w):
    return F.softplus(A @ w).sum() + 0.5 * lam * (w * w).sum()


def grad_f(w):
    (g,) = autodiff.grad(f(w), w)
    return g.data


def hvp(w, v):
    (g,) = autodiff.grad(f(w), w, create_graph=True)
    (hv,) = autodiff.grad((g * v).sum(), w)
    return hv.data


hv = hvp(w, v)

# 1. against the closed-form Hessian
s = 1 / (1 + np.exp(-(A.data @ w.data)))
H_exact = A.data.T @ np.diag(s * (1 - s)) @ A.data + lam * np.eye(n)
# 2. against central finite differences of the gradient along v
eps = 1e-5
hv_fd = (grad_f(autodiff.tensor(w.data + eps * v.data, requires_grad=True))
         - grad_f(autodiff.tensor(w.data - eps * v.data, requires_grad=True))) / (2 * eps)
# 3. the full Hessian by autodiff, one row per component of the gradient
(g,) = autodiff.grad(f(w), w, create_graph=True)
H_auto = np.stack([autodiff.grad(g[i], w, retain_graph=True)[0].data for i in range(n)])

print("Hv (double backward):    ", np.round(hv, 6))
print("H v (closed-form H):     ", np.round(H_exact @ v.data, 6))
print("finite differences of grad:", np.round(hv_fd, 6))
print(f"max |Hv - H_exact v| = {np.abs(hv - H_exact @ v.data).max():.1e}, "
      f"max |Hv - FD| = {np.abs(hv - hv_fd).max():.1e}, "
      f"max |H_auto - H_exact| = {np.abs(H_auto - H_exact).max():.1e}, "
      f"asymmetry of H_auto = {np.abs(H_auto - H_auto.T).max():.1e}")
np.testing.assert_allclose(hv, H_exact @ v.data, rtol=1e-10, atol=1e-12)
np.testing.assert_allclose(hv, hv_fd, rtol=1e-6, atol=1e-7)
np.testing.assert_allclose(H_auto, H_exact, rtol=1e-10, atol=1e-12)
assert np.abs(H_auto - H_auto.T).max() < 1e-12

# %% [markdown]
# **What Hessian-vector products are good for**: the largest eigenvalue of $H$ (the
# sharpest curvature, which bounds the stable learning rate of gradient descent at
# $2/\lambda_{\max}$) by power iteration, using only $Hv$; compared with `numpy.linalg.eigvalsh`
# of the explicit Hessian.

# %%
u = rng.normal(size=n)
estimates = []
for _ in range(30):
    hu = hvp(w, autodiff.tensor(u))
    estimates.append(float(u @ hu / (u @ u)))  # Rayleigh quotient
    u = hu / np.linalg.norm(hu)
lam_max = np.linalg.eigvalsh(H_exact).max()
fig, ax = plt.subplots(figsize=(5, 2.6))
ax.plot(estimates, "o-", ms=3, label="power iteration with Hv")
ax.axhline(lam_max, color="k", ls="--", lw=1, label="eigvalsh(H).max()")
ax.set(xlabel="iteration", ylabel="estimate of λ_max", title="largest Hessian eigenvalue")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
print(f"power iteration: {estimates[-1]:.6f}   eigvalsh: {lam_max:.6f}")
assert abs(estimates[-1] - lam_max) < 1e-6 * lam_max

# %% [markdown]
# And the cost: one Hessian-vector product is two backward passes, while the explicit
# Hessian needs one backward pass per parameter. For $n = 400$ parameters:

# %%
n_big = 400
A_big = autodiff.tensor(rng.normal(size=(200, n_big)))
w_big = autodiff.tensor(rng.normal(size=n_big) * 0.05, requires_grad=True)
v_big = autodiff.tensor(rng.normal(size=n_big))


def f_big(w):
    return F.softplus(A_big @ w).sum() + 0.5 * lam * (w * w).sum()


t0 = time.perf_counter()
(g_big,) = autodiff.grad(f_big(w_big), w_big, create_graph=True)
(hv_big,) = autodiff.grad((g_big * v_big).sum(), w_big)
t_hvp = time.perf_counter() - t0
t0 = time.perf_counter()
(g_big,) = autodiff.grad(f_big(w_big), w_big, create_graph=True)
H_big = np.stack([autodiff.grad(g_big[i], w_big, retain_graph=True)[0].data for i in range(n_big)])
t_full = time.perf_counter() - t0
print(f"one Hv: {t_hvp * 1e3:.1f} ms;  the full {n_big}x{n_big} Hessian: {t_full * 1e3:.0f} ms "
      f"({t_full / t_hvp:.0f} times as long)")
np.testing.assert_allclose(H_big @ v_big.data, hv_big.data, rtol=1e-9, atol=1e-9)
assert t_full > 3 * t_hvp  # loose: timings vary between machines

# %% [markdown]
# ## A gradient penalty
#
# Some losses contain a gradient. The WGAN-GP critic, for instance, is pushed towards
# unit gradient norm with respect to its *input*: $P = \mathbb{E}_x\,(\lVert \nabla_x D(x)\rVert - 1)^2$.
# Training on $P$ needs $\partial P/\partial\theta$, a derivative of a gradient, so the inner
# gradient is taken with `create_graph=True`. Below, a small critic $D: \mathbb{R}^2 \to \mathbb{R}$
# is trained on the penalty alone.

# %%
autodiff.manual_seed(0)
critic = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
for mod in critic:  # small weights: a nearly flat critic, far from unit gradient norm
    if isinstance(mod, nn.Linear):
        with autodiff.no_grad():
            mod.weight.mul_(0.3)
points = autodiff.tensor(rng.uniform(-2, 2, size=(256, 2)))


def input_grad_norms(create_graph):
    xin = points.detach().requires_grad_()
    (gx,) = autodiff.grad(critic(xin).sum(), xin, create_graph=create_graph)
    return ((gx * gx).sum(dim=1) + 1e-12).sqrt()


before = input_grad_norms(False).data
opt = autodiff.optim.Adam(critic.parameters(), lr=1e-2)
penalties = []
for step in range(200):
    opt.zero_grad()
    penalty = ((input_grad_norms(True) - 1) ** 2).mean()
    penalty.backward()  # through the gradient: second-order derivatives of the critic
    opt.step()
    penalties.append(penalty.item())
after = input_grad_norms(False).data
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 2.8))
ax1.semilogy(penalties)
ax1.set(xlabel="step", ylabel="penalty", title="E (|grad_x D| - 1)^2")
bins = np.linspace(0, 1.1, 45)
ax2.hist(before, bins=bins, alpha=0.6, label="before")
ax2.hist(after, bins=bins, alpha=0.6, label="after 200 steps")
ax2.axvline(1, color="k", ls="--", lw=1)
ax2.set(xlabel="|grad_x D(x)|", title="input-gradient norms over 256 points")
ax2.legend(fontsize=8)
plt.tight_layout()
plt.show()
print(f"penalty {penalties[0]:.3f} -> {penalties[-1]:.5f};  |grad_x D|: mean {before.mean():.4f} -> "
      f"{after.mean():.3f}, largest distance from 1: {np.abs(after - 1).max():.3f}")
assert penalties[-1] < 0.01 * penalties[0]
assert abs(after.mean() - 1) < 0.01 and np.abs(after - 1).max() < 0.1 and before.mean() < 0.1

# %% [markdown]
# Is $\partial P/\partial\theta$ right? `gradcheck` compares it with finite differences, for
# the critic's first weight matrix (the penalty as a function of that matrix, the rest held
# fixed, on 16 of the points). A wrong second derivative anywhere in the critic's ops
# would show up here.

# %%
W1, b1 = critic[0].weight, critic[0].bias
xs_small = points[:16].detach()


def penalty_of(W):
    xin = xs_small.detach().requires_grad_()
    h = F.linear(xin, W, b1.detach()).tanh()
    out = critic[4](critic[3](critic[2](h)))
    (gx,) = autodiff.grad(out.sum(), xin, create_graph=True)
    return (((gx * gx).sum(dim=1) + 1e-12).sqrt() - 1).pow(2).mean()


W_check = W1.detach().requires_grad_()
print("gradcheck of dP/dW1:", autodiff.gradcheck(penalty_of, (W_check,)))
assert autodiff.gradcheck(penalty_of, (W_check,))

# %% [markdown]
# ## `gradcheck` catching a wrong custom `Function`
#
# A custom op declares its own backward. Here is $x \mapsto x^2 \sin x$ with a typical
# mistake: the product rule is applied, but the derivative of $x^2$ is written as $x$
# instead of $2x$.

# %%
class WrongSquareSin(autodiff.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x.sin()

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x.sin() + x * x * x.cos())  # BUG: d(x^2)/dx is 2x, not x


class SquareSin(autodiff.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x.sin()

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (2 * x * x.sin() + x * x * x.cos())


xc = autodiff.randn(5, requires_grad=True)
y_wrong = WrongSquareSin.apply(xc)
y_right = SquareSin.apply(xc)
np.testing.assert_allclose(y_wrong.data, y_right.data)  # the forward passes agree
try:
    autodiff.gradcheck(WrongSquareSin.apply, (xc,))
    raise AssertionError("gradcheck should have failed")
except Exception as err:
    message = f"{type(err).__name__}: {err}"
print(message)
assert "input 0" in message and "analytic" in message and "numeric" in message
assert autodiff.gradcheck(WrongSquareSin.apply, (xc,), raise_exception=False) is False

# %% [markdown]
# The message names the input, the first element that disagrees, the analytic value
# (from `backward`) and the numeric one (central differences in float64), and how many
# elements differ. The corrected op passes, and since its backward is written with
# differentiable tensor operations it also passes `gradgradcheck` (second derivatives
# through the custom backward):

# %%
print("gradcheck:", autodiff.gradcheck(SquareSin.apply, (xc,)),
      " gradgradcheck:", autodiff.gradgradcheck(SquareSin.apply, (xc,)))
assert autodiff.gradcheck(SquareSin.apply, (xc,)) and autodiff.gradgradcheck(SquareSin.apply, (xc,))

# and the analytic gradient matches the formula (2x sin x + x^2 cos x)
(gx,) = autodiff.grad(SquareSin.apply(xc).sum(), xc)
np.testing.assert_allclose(gx.data, 2 * xc.data * np.sin(xc.data) + xc.data**2 * np.cos(xc.data))
