"""Workload ``cnn_step``: a small CNN training step (ms/step).

Batch 64, 1x28x28 -> Conv 3x3, 16 channels (no padding, stride 1) -> ReLU ->
MaxPool 2x2 -> flatten (NCHW order) -> Linear 2704->10 -> cross-entropy ->
SGD (lr 0.01). The hand-written NumPy version uses im2col. autodiff runs only
when ``autodiff.nn.functional`` has ``conv2d`` and ``max_pool2d``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..common import Context, Result, run_case

BATCH, CH, K = 64, 16, 3
LR = 0.01


def make_data(batch: int = BATCH) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Images, labels and initial parameters ``[Wc (16,1,3,3), bc, Wl (2704,10), bl]``."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    params = [
        (rng.standard_normal((CH, 1, K, K)) * np.sqrt(2 / 9)).astype(np.float32),
        (rng.standard_normal(CH) * 0.01).astype(np.float32),
        (rng.standard_normal((CH * 13 * 13, 10)) * np.sqrt(1 / 2704)).astype(np.float32),
        (rng.standard_normal(10) * 0.01).astype(np.float32),
    ]
    return x, y, params


class NumpyCNN:
    """Hand-written im2col forward and backward."""

    def __init__(self) -> None:
        self.x, self.y, params = make_data()
        self.params = [p.copy() for p in params]
        n = len(self.x)
        win = sliding_window_view(self.x, (K, K), axis=(2, 3))  # (n, 1, 26, 26, 3, 3)
        self.cols = np.ascontiguousarray(win.transpose(0, 2, 3, 1, 4, 5)).reshape(
            n * 26 * 26, K * K
        )

    def _grads(self) -> tuple[float, list[np.ndarray]]:
        wc, bc, wl, bl = self.params
        n = len(self.x)
        conv = self.cols @ wc.reshape(CH, K * K).T + bc  # (n*676, 16), NHWC
        act = np.maximum(conv, 0.0).reshape(n, 13, 2, 13, 2, CH)
        pooled = act.max(axis=(2, 4))  # (n, 13, 13, 16)
        flat = pooled.transpose(0, 3, 1, 2).reshape(n, -1)
        logits = flat @ wl + bl
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(s[:, 0]) - shifted[rows, self.y]))
        g = e / s
        g[rows, self.y] -= 1.0
        g *= np.float32(1.0 / n)
        d_wl, d_bl = flat.T @ g, g.sum(axis=0)
        d_pooled = (g @ wl.T).reshape(n, CH, 13, 13).transpose(0, 2, 3, 1)
        mask = act == pooled[:, :, None, :, None, :]
        d_act = (mask * d_pooled[:, :, None, :, None, :]).reshape(n * 676, CH)
        d_conv = d_act * (conv > 0)
        d_wc = (d_conv.T @ self.cols).reshape(CH, 1, K, K)
        return loss, [d_wc, d_conv.sum(axis=0), d_wl, d_bl]

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss, grads = self._grads()
        self._update(grads)
        return loss, grads

    def _update(self, grads: list[np.ndarray]) -> None:
        for p, g in zip(self.params, grads):
            p -= np.float32(LR) * g

    def step(self) -> None:
        self._update(self._grads()[1])


class TensorCNN:
    """autodiff (``autodiff.nn.functional``), PyTorch and MyGrad."""

    def __init__(self, engine: str) -> None:
        x, y, params = make_data()
        self.engine = engine
        if engine == "mygrad":
            import mygrad

            self.params = [mygrad.tensor(p.copy()) for p in params]
            self.x, self.y = x, y
            self.lib = mygrad
            return
        lib = __import__(engine)
        if engine == "autodiff":
            import autodiff.nn.functional as F  # noqa: N812
        else:
            import torch.nn.functional as F  # noqa: N812
        self.lib, self.F = lib, F
        self.params = [lib.tensor(p.copy(), requires_grad=True) for p in params]
        self.x, self.y = lib.tensor(x), lib.tensor(y)

    def _forward_backward(self) -> float:
        wc, bc, wl, bl = self.params
        if self.engine == "mygrad":
            from mygrad.nnet.layers import conv_nd, max_pool
            from mygrad.nnet.losses import softmax_crossentropy

            h = conv_nd(self.x, wc, stride=1) + bc.reshape(1, CH, 1, 1)
            h = max_pool(self.lib.maximum(h, 0.0), (2, 2), 2)
            loss = softmax_crossentropy(h.reshape(len(self.x), -1) @ wl + bl, self.y)
        else:
            F = self.F  # noqa: N806
            h = F.max_pool2d(F.conv2d(self.x, wc, bc).relu(), 2)
            loss = F.cross_entropy(h.reshape(h.shape[0], -1) @ wl + bl, self.y)
        loss.backward()
        return float(loss.item())

    def _update(self) -> None:
        if self.engine == "mygrad":
            for p in self.params:
                p.data -= np.float32(LR) * p.grad
            return
        with self.lib.no_grad():
            for p in self.params:
                p.sub_(p.grad, alpha=LR)
                p.grad = None

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._forward_backward()
        grads = [
            np.array(p.grad if self.engine == "mygrad" else p.grad.numpy(), copy=True)
            for p in self.params
        ]
        self._update()
        return loss, grads

    def step(self) -> None:
        self._forward_backward()
        self._update()


def _autodiff_builder() -> object:
    try:
        import autodiff.nn.functional as F  # noqa: N812
    except ImportError:
        return "autodiff.nn.functional does not exist yet"
    missing = [n for n in ("conv2d", "max_pool2d", "cross_entropy") if not hasattr(F, n)]
    if missing:
        return f"autodiff.nn.functional lacks {', '.join(missing)}"
    return lambda: TensorCNN("autodiff")


def run(ctx: Context) -> list[Result]:
    """Check and time one CNN step per engine."""
    builders = {
        "numpy": NumpyCNN,
        "autodiff": _autodiff_builder(),
        "torch": lambda: TensorCNN("torch"),
        "autograd": "HIPS autograd has no conv op (it would be the NumPy im2col code)",
        "mygrad": lambda: TensorCNN("mygrad"),
        "micrograd": "scalar engine: not applicable",
    }
    return run_case(ctx, "cnn_step", f"batch={BATCH} conv3x3x16", "ms/step", 1e3, builders)
