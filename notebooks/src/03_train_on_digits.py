# %% [markdown]
# # 3. Train on real data: the 8x8 digits
#
# scikit-learn ships 1,797 handwritten digits as 8x8 images (nothing is downloaded).
# We train an MLP and a small convolutional net with a plain PyTorch-style loop, and look
# at loss and accuracy curves for the training and the test set, a confusion matrix,
# the test digits the net gets wrong, and the graph of one training step.

# %%
import time

import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Image, display
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import autodiff
from autodiff import nn
import autodiff.nn.functional as F
from autodiff.data import DataLoader, TensorDataset
from autodiff.demo import load_digits_split

get_ipython().run_line_magic("matplotlib", "inline")
plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (6, 3.2)})


def show(graph):
    """Show a graphviz graph as a PNG (it renders on a repository page too)."""
    display(Image(graph.pipe(format="png")))

# %% [markdown]
# The split is stratified (20 % test) and the pixels are standardised with the training
# set's mean and standard deviation. We keep the raw pixels of the test set for pictures.

# %%
Xtr, ytr, Xte, yte = load_digits_split(seed=0)
digits = load_digits()
_, raw_te, _, _ = train_test_split(digits.data, digits.target, test_size=0.2, random_state=0,
                                   stratify=digits.target)
print("train", Xtr.shape, " test", Xte.shape, " classes", np.bincount(ytr))

# %% [markdown]
# One loop for both models: Adam, cross-entropy, mini-batches of 64 from a shuffling
# `DataLoader`; after each epoch, loss and accuracy on the whole training and test sets
# (in `eval()` mode, without recording a graph).

# %%
def evaluate(model, X, y):
    model.eval()
    with autodiff.no_grad():
        logits = model(autodiff.tensor(X))
        loss = F.cross_entropy(logits, autodiff.tensor(y)).item()
    model.train()
    return loss, float((logits.data.argmax(1) == y).mean())


def fit(model, Xtr, ytr, Xte, yte, epochs, lr):
    autodiff.manual_seed(0)  # the DataLoader's shuffling
    loader = DataLoader(TensorDataset(autodiff.tensor(Xtr), autodiff.tensor(ytr)),
                        batch_size=64, shuffle=True)
    opt = autodiff.optim.Adam(model.parameters(), lr=lr)
    hist = {k: [] for k in ("train_loss", "train_acc", "test_loss", "test_acc")}
    start = time.perf_counter()
    for epoch in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()
        for split, X, y in (("train", Xtr, ytr), ("test", Xte, yte)):
            loss, acc = evaluate(model, X, y)
            hist[f"{split}_loss"].append(loss)
            hist[f"{split}_acc"].append(acc)
    print(f"{epochs} epochs in {time.perf_counter() - start:.1f} s; "
          f"test accuracy {hist['test_acc'][-1]:.3f}, train accuracy {hist['train_acc'][-1]:.3f}")
    return hist


def plot_history(hist, title):
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 2.8))
    epochs = np.arange(1, len(hist["train_loss"]) + 1)
    for split, style in (("train", "-"), ("test", "--")):
        ax1.plot(epochs, hist[f"{split}_loss"], style, label=split)
        ax2.plot(epochs, hist[f"{split}_acc"], style, label=split)
    ax1.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title=f"{title}: loss")
    ax2.set(xlabel="epoch", ylabel="accuracy", ylim=(0.8, 1.0), title=f"{title}: accuracy")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## An MLP: 64 pixels → 128 ReLU units → 10 class scores

# %%
autodiff.manual_seed(0)
mlp = nn.MLP(64, [128], 10)
print(mlp)
mlp_hist = fit(mlp, Xtr, ytr, Xte, yte, epochs=15, lr=1e-3)
plot_history(mlp_hist, "MLP")
assert mlp_hist["test_acc"][-1] >= 0.95
assert mlp_hist["train_loss"][-1] < mlp_hist["train_loss"][0] / 5

# %% [markdown]
# ## A small CNN: two 3x3 convolutions with max-pooling, then a linear layer
#
# The convolutions share their weights across the image; pooling halves each side
# (8 → 4 → 2), so the linear layer sees 32 channels of 2x2.

# %%
autodiff.manual_seed(0)
cnn = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 2 * 2, 10),
)
Xtr_img, Xte_img = Xtr.reshape(-1, 1, 8, 8), Xte.reshape(-1, 1, 8, 8)
n_mlp = sum(p.data.size for p in mlp.parameters())
n_cnn = sum(p.data.size for p in cnn.parameters())
print(f"parameters: MLP {n_mlp}, CNN {n_cnn}")
cnn_hist = fit(cnn, Xtr_img, ytr, Xte_img, yte, epochs=12, lr=3e-3)
plot_history(cnn_hist, "CNN")
assert cnn_hist["test_acc"][-1] >= 0.95
assert n_cnn < n_mlp

# %% [markdown]
# Both reach over 95 % test accuracy in seconds; the CNN does better with fewer
# parameters (its 3x3 filters are reused at every position of the image). The training loss keeps falling after the test loss flattens: the
# gap between the curves is the overfitting on 1,437 training images.
#
# ## Which digits get confused?
#
# The confusion matrix counts test images by true class (rows) and predicted class
# (columns); the diagonal is what is right.

# %%
def predict(model, X):
    model.eval()
    with autodiff.no_grad():
        return model(autodiff.tensor(X)).data.argmax(1)


fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, (name, model, X) in zip(axes, [("MLP", mlp, Xte), ("CNN", cnn, Xte_img)]):
    pred = predict(model, X)
    cm = np.zeros((10, 10), dtype=int)
    np.add.at(cm, (yte, pred), 1)
    assert cm.sum() == len(yte) and np.trace(cm) == (pred == yte).sum()
    ax.imshow(cm, cmap="Blues")
    for i in range(10):
        for j in range(10):
            if cm[i, j]:
                ax.text(j, i, cm[i, j], ha="center", va="center", fontsize=7,
                        color="white" if cm[i, j] > 20 else "black")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true",
           title=f"{name}: {np.trace(cm)} of {cm.sum()} right")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The test digits the CNN gets wrong
#
# Each with its true label, the prediction and the probability the net gave it.
# Several are hard for a person too at 8x8 pixels.

# %%
cnn.eval()
with autodiff.no_grad():
    probs = F.softmax(cnn(autodiff.tensor(Xte_img)), dim=1).data
pred = probs.argmax(1)
wrong = np.flatnonzero(pred != yte)
print(f"{len(wrong)} of {len(yte)} test digits misclassified")
assert len(wrong) == round((1 - cnn_hist["test_acc"][-1]) * len(yte))
shown = wrong[:12]
fig, axes = plt.subplots(1, len(shown), figsize=(1.0 * len(shown), 1.6), squeeze=False)
for ax, i in zip(axes[0], shown):
    ax.imshow(raw_te[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{yte[i]}→{pred[i]}\n{probs[i, pred[i]]:.2f}", fontsize=8)
    ax.set_xticks([]), ax.set_yticks([])
plt.tight_layout()
plt.show()

# %% [markdown]
# ## One training step's graph
#
# The forward and backward pass of one mini-batch of 8 through the CNN, with
# `collapse_modules=True`: each module call (`Conv2d`, `ReLU`, ...) is one 3-d box showing
# its output's shape and statistics and the gradient norm of its parameters; below the
# model, `cross_entropy` as one op (log-softmax, each label's entry and the mean in one
# node, whose VJP is softmax minus the one-hot labels, scaled by 1/N).
# The colours are the gradients' norms (legend); a ReLU with units that are zero for every
# image in the batch would be marked as dead. The trained net is nearly sure of these 8
# training images, so the loss and the gradients are small.

# %%
cnn.train()
xb, yb = autodiff.tensor(Xtr_img[:8]), autodiff.tensor(ytr[:8])
step_loss = F.cross_entropy(cnn(xb), yb)
autodiff.viz.watch(step_loss)          # remember each op's gradient for the picture
step_loss.backward(retain_graph=True)  # and keep the values
graph = autodiff.viz.draw(step_loss, params=dict(cnn.named_parameters()) | {"images": xb, "labels": yb},
                          collapse_modules=True)
show(graph)
assert all(p.grad is not None for p in cnn.parameters())
cnn.zero_grad()
