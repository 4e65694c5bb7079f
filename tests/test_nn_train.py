"""End-to-end training: XOR with a 2-8-1 ReLU MLP, and a tiny conv net."""

import numpy as np

import autodiff
from autodiff import nn
from autodiff.nn import functional as F


def _sgd_step(params, lr):
    with autodiff.no_grad():
        for p in params:
            p.sub_(p.grad * lr)
            p.grad = None


def test_xor_reaches_100_percent():
    autodiff.manual_seed(0)
    x = autodiff.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = autodiff.tensor([[0.0], [1.0], [1.0], [0.0]])
    model = nn.MLP(2, 8, 1, activation="relu")
    assert [p.shape for p in model.parameters()] == [(8, 2), (8,), (1, 8), (1,)]
    opt = autodiff.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(300):
        loss = F.binary_cross_entropy_with_logits(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    pred = (model(x).data > 0).astype(np.float32)
    assert (pred == y.data).all(), f"XOR not learned, loss {loss.item():.4f}"
    assert loss.item() < 0.1


def test_xor_with_a_hand_written_sgd_step():
    autodiff.manual_seed(1)
    x = autodiff.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t = autodiff.tensor([0, 1, 1, 0])
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    params = list(model.parameters())
    for _ in range(500):
        loss = F.cross_entropy(model(x), t)
        loss.backward()
        _sgd_step(params, 0.2)
    assert (model(x).argmax(dim=1).data == t.data).all()


def test_small_convnet_learns_and_uses_every_layer():
    autodiff.manual_seed(0)
    r = np.random.default_rng(0)
    # two classes: a bright square in the top-left or the bottom-right corner
    imgs = r.standard_normal((32, 1, 8, 8)).astype(np.float32) * 0.3
    labels = r.integers(0, 2, 32)
    for i, c in enumerate(labels):
        if c == 0:
            imgs[i, 0, :3, :3] += 2.0
        else:
            imgs[i, 0, 5:, 5:] += 2.0
    x, t = autodiff.tensor(imgs), autodiff.tensor(labels)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, stride=2, padding=1),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(4, 2),
    )
    opt = autodiff.optim.SGD(model.parameters(), lr=0.5)
    first = None
    for _ in range(40):
        loss = F.cross_entropy(model(x), t)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.5 * first
    assert (model(x).argmax(dim=1).data == labels).mean() >= 0.9
    assert model(x).dtype == np.float32
