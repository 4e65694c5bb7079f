"""Workload ``micrograd_demo``: micrograd's own demo, one training step (float64).

MLP(2, [16, 16, 1]) (ReLU hidden layers, linear output, as micrograd's MLP)
on 100 two-moons points (``make_moons(n_samples=100, noise=0.1,
random_state=1)``, y in {-1, 1}); loss = ``mean(relu(1 - y * score))`` +
1e-4 * sum of squares of all parameters (weights and biases, as micrograd's
demo does); then ``p -= 0.01 * grad``. micrograd runs on scalars (its own
Value/MLP), every other engine on tensors.
"""

from __future__ import annotations

import numpy as np

from ..common import Context, Result, run_case

SIZES = [2, 16, 16, 1]
ALPHA = 1e-4
LR = 0.01


def make_data() -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Two moons, labels in {-1, 1} as a column, and micrograd-style initial parameters."""
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=100, noise=0.1, random_state=1)
    y = (y * 2 - 1).astype(np.float64)[:, None]
    rng = np.random.default_rng(2)
    params: list[np.ndarray] = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params += [rng.uniform(-1, 1, (fan_in, fan_out)), np.zeros(fan_out)]
    return x.astype(np.float64), y, params


class NumpyDemo:
    """Hand-written forward and backward."""

    def __init__(self) -> None:
        self.x, self.y, params = make_data()
        self.params = [p.copy() for p in params]

    def _grads(self) -> tuple[float, list[np.ndarray]]:
        ps, acts, h = self.params, [self.x], self.x
        for i in range(3):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i < 2:
                h = np.maximum(h, 0.0)
            acts.append(h)
        margin = 1.0 - self.y * h
        n = len(self.x)
        loss = np.maximum(margin, 0.0).mean() + ALPHA * sum(float((p * p).sum()) for p in ps)
        g = (margin > 0) * (-self.y / n)
        grads: list[np.ndarray] = [None] * 6  # type: ignore[list-item]
        for i in reversed(range(3)):
            grads[2 * i] = acts[i].T @ g + 2 * ALPHA * ps[2 * i]
            grads[2 * i + 1] = g.sum(axis=0) + 2 * ALPHA * ps[2 * i + 1]
            if i > 0:
                g = (g @ ps[2 * i].T) * (acts[i] > 0)
        return float(loss), grads

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss, grads = self._grads()
        self._update(grads)
        return loss, grads

    def _update(self, grads: list[np.ndarray]) -> None:
        for p, g in zip(self.params, grads):
            p -= LR * g

    def step(self) -> None:
        self._update(self._grads()[1])


class TensorDemo:
    """autodiff, PyTorch and MyGrad on tensors: one code path."""

    def __init__(self, engine: str) -> None:
        x, y, params = make_data()
        self.engine = engine
        if engine == "autodiff":
            import autodiff as lib

            self.params = [lib.tensor(p.copy(), requires_grad=True) for p in params]
        elif engine == "torch":
            import torch as lib

            self.params = [lib.tensor(p.copy(), requires_grad=True) for p in params]
        else:
            import mygrad as lib

            self.params = [lib.tensor(p.copy()) for p in params]
        self.lib = lib
        self.x, self.y = lib.tensor(x), lib.tensor(y)

    def loss(self):  # noqa: ANN201 - a Tensor of the engine in use
        """The step's loss (recorded by the engine, not yet differentiated)."""
        ps, h = self.params, self.x
        relu = (lambda t: self.lib.maximum(t, 0.0)) if self.engine == "mygrad" else None
        for i in range(3):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i < 2:
                h = relu(h) if relu else h.relu()
        margin = 1.0 - self.y * h
        data_loss = (relu(margin) if relu else margin.relu()).mean()
        reg = (ps[0] * ps[0]).sum()
        for p in ps[1:]:
            reg = reg + (p * p).sum()
        return data_loss + ALPHA * reg

    def _forward_backward(self) -> float:
        loss = self.loss()
        loss.backward()
        return float(loss.item())

    def _update(self) -> None:
        if self.engine == "mygrad":
            for p in self.params:
                p.data -= LR * p.grad
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


class AutogradDemo:
    """HIPS autograd: ``value_and_grad`` of the loss."""

    def __init__(self) -> None:
        import autograd.numpy as anp
        from autograd import value_and_grad

        x, y, params = make_data()
        self.params = [p.copy() for p in params]

        def loss_fn(ps: list) -> object:
            h = x
            for i in range(3):
                h = anp.dot(h, ps[2 * i]) + ps[2 * i + 1]
                if i < 2:
                    h = anp.maximum(h, 0.0)
            data = anp.mean(anp.maximum(1.0 - y * h, 0.0))
            return data + ALPHA * sum(anp.sum(p * p) for p in ps)

        self.vg = value_and_grad(loss_fn)

    def _run(self) -> tuple[float, list[np.ndarray]]:
        loss, grads = self.vg(self.params)
        self.params = [p - LR * g for p, g in zip(self.params, grads)]
        return float(loss), list(grads)

    def check(self) -> tuple[float, list[np.ndarray]]:
        return self._run()

    def step(self) -> None:
        self._run()


class MicrogradDemo:
    """micrograd's own scalar Value and MLP, as in its demo notebook."""

    def __init__(self) -> None:
        from micrograd.engine import Value
        from micrograd.nn import MLP

        x, y, params = make_data()
        self.model = MLP(SIZES[0], SIZES[1:])
        for layer, w, b in zip(self.model.layers, params[0::2], params[1::2]):
            for j, neuron in enumerate(layer.neurons):
                for i, wi in enumerate(neuron.w):
                    wi.data = float(w[i, j])
                neuron.b.data = float(b[j])
        self.inputs = [[Value(float(v)) for v in row] for row in x]
        self.y = [float(v) for v in y[:, 0]]

    def _forward_backward(self) -> float:
        model = self.model
        scores = [model(row) for row in self.inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        return float(total.data)

    def _update(self) -> None:
        for p in self.model.parameters():
            p.data -= LR * p.grad

    def _grads(self) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for layer in self.model.layers:
            out.append(np.array([[wi.grad for wi in n.w] for n in layer.neurons]).T)
            out.append(np.array([n.b.grad for n in layer.neurons]))
        return out

    def check(self) -> tuple[float, list[np.ndarray]]:
        loss = self._forward_backward()
        grads = self._grads()
        self._update()
        return loss, grads

    def step(self) -> None:
        self._forward_backward()
        self._update()


def run(ctx: Context) -> list[Result]:
    """Time one demo training step per engine (ms/step)."""
    builders = {
        "numpy": NumpyDemo,
        "autodiff": lambda: TensorDemo("autodiff"),
        "torch": lambda: TensorDemo("torch"),
        "autograd": AutogradDemo,
        "mygrad": lambda: TensorDemo("mygrad"),
        "micrograd": MicrogradDemo,
    }
    case = "MLP(2,[16,16,1]) 100 moons"
    return run_case(ctx, "micrograd_demo", case, "ms/step", 1e3, builders, dtype=np.float64)
