"""Gradient checks against float64 central finite differences."""

from __future__ import annotations

import numpy as np

from ._typing import TensorFn, Tensors
from .backward import grad as autograd_grad
from .tensor import Tensor, _make

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytic and numeric gradients disagree.

    The message names the input, the element and both values.

    Examples
    --------
    >>> import autodiff
    >>> class WrongSin(autodiff.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x.sin()
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return g * x.sin()  # should be cos
    >>> x = autodiff.tensor([0.5], dtype=autodiff.float64, requires_grad=True)
    >>> try:
    ...     autodiff.gradcheck(WrongSin.apply, (x,))
    ... except autodiff.GradcheckError as e:
    ...     print(type(e).__name__, "input 0" in str(e))
    GradcheckError True
    """


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _flat_outputs(outputs) -> list:
    outs = []
    for o in _as_tuple(outputs):
        if isinstance(o, Tensor) and o.data.dtype.kind == "f":
            outs.append(o)
    return outs


def gradcheck(
    fn: TensorFn,
    inputs: Tensors,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Compare ``fn``'s analytic gradients with central finite differences.

    Every float64 input with ``requires_grad`` is perturbed element by element;
    for a random weighting ``v`` of the outputs, the numeric derivative of
    ``sum(v * fn(x))`` must match ``v``'s vector-Jacobian product.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([0.5, 1.5], dtype=autodiff.float64, requires_grad=True)
    >>> autodiff.gradcheck(lambda t: (t * t).sin(), (x,))
    True
    """
    inputs = _as_tuple(inputs)
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    for i in diff:
        if inputs[i].data.dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} has dtype {inputs[i].data.dtype}; finite differences "
                "need float64 inputs (create them with dtype=autodiff.float64)"
            )
    if not diff:
        raise ValueError("gradcheck: no input requires grad")
    rng = np.random.default_rng(seed)
    outs = _flat_outputs(fn(*inputs))
    if not outs or not any(o.requires_grad for o in outs):
        raise GradcheckError("gradcheck: the function's outputs do not require grad")
    weights = [rng.uniform(0.5, 1.5, o.shape) * rng.choice([-1, 1], o.shape) for o in outs]

    def weighted(*xs):
        total = 0.0
        for o, w in zip(_flat_outputs(fn(*xs)), weights):
            total += float(np.sum(o.data.astype(np.float64) * w))
        return total

    live = [(o, w) for o, w in zip(outs, weights) if o.requires_grad]
    analytic = autograd_grad(
        [o for o, _ in live],
        [inputs[i] for i in diff],
        grad_outputs=[_make(w.astype(o.data.dtype), None) for o, w in live],
        allow_unused=True,
        retain_graph=True,
    )
    for k, i in enumerate(diff):
        x = inputs[i]
        a = np.zeros(x.shape) if analytic[k] is None else analytic[k].data
        num = np.zeros(x.shape)
        # element by element through the tensor's own array, so that the perturbations
        # reach it whatever its strides (reshape(-1) of a transposed array is a copy);
        # not under no_grad: fn may itself differentiate (gradgradcheck)
        data = x.data
        for idx in np.ndindex(x.shape):
            orig = data[idx]
            data[idx] = orig + eps
            fp = weighted(*inputs)
            data[idx] = orig - eps
            fm = weighted(*inputs)
            data[idx] = orig
            num[idx] = (fp - fm) / (2 * eps)
        bad = ~np.isclose(a, num, rtol=rtol, atol=atol)
        if bad.any():
            j = int(np.flatnonzero(bad.reshape(-1))[0])
            pos = np.unravel_index(j, x.shape) if x.shape else ()
            msg = (
                f"gradcheck: gradient of input {i} (shape {x.shape}) is wrong at element "
                f"{tuple(int(p) for p in pos)}: analytic {a.reshape(-1)[j]:.8g} vs numeric "
                f"{num.reshape(-1)[j]:.8g} ({int(bad.sum())} of {bad.size} elements differ)"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(
    fn: TensorFn,
    inputs: Tensors,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Check second derivatives: gradcheck the (create_graph) gradient of ``fn``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([0.5, 1.5], dtype=autodiff.float64, requires_grad=True)
    >>> autodiff.gradgradcheck(lambda t: (t ** 3).sum(), (x,))
    True
    """
    inputs = _as_tuple(inputs)
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    rng = np.random.default_rng(seed + 1)
    outs0 = _flat_outputs(fn(*inputs))
    weights = [
        _make(rng.uniform(0.5, 1.5, o.shape) * rng.choice([-1, 1], o.shape), None) for o in outs0
    ]

    def first_grads(*xs):
        outs = [o for o in _flat_outputs(fn(*xs))]
        live = [(o, w) for o, w in zip(outs, weights) if o.requires_grad]
        gs = autograd_grad(
            [o for o, _ in live],
            [xs[i] for i in diff],
            grad_outputs=[w for _, w in live],
            create_graph=True,
            allow_unused=True,
        )
        res = tuple(g for g in gs if g is not None and g.requires_grad)
        if not res:
            # the first derivative is constant: its own derivative must be zero
            return tuple(xs[i] * 0.0 for i in diff)
        return res

    return gradcheck(
        first_grads,
        inputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        seed=seed + 2,
    )
