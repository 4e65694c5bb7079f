"""``autodiff.autograd``: PyTorch's ``torch.autograd`` namespace.

``grad``, ``Function``, ``gradcheck``, ``gradgradcheck`` are autodiff's own;
``backward`` runs one pass over several outputs; ``functional`` has ``jacobian``,
``hessian``, ``vjp``, ``jvp``, ``hvp`` and ``vhp``.

Examples
--------
>>> import autodiff
>>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
>>> autodiff.autograd.grad((x * x).sum(), x)
(Tensor([2., 4.]),)
"""

from __future__ import annotations

from typing import Any

from .._typing import Tensors
from ..backward import grad
from ..checks import gradcheck, gradgradcheck
from ..function import Function, FunctionCtx
from ..tensor import Tensor
from . import functional


def backward(
    tensors: Tensors,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Tensors | None = None,
) -> None:
    """Accumulate the gradients of ``tensors`` (weighted by ``grad_tensors``) into the
    leaves' ``.grad``, as ``torch.autograd.backward``.

    Parameters
    ----------
    tensors : Tensor or sequence of Tensor
    grad_tensors : Tensor or sequence of (Tensor or None), optional
        One per tensor; None for a single-element tensor.
    retain_graph, create_graph : bool
        As ``Tensor.backward``.
    inputs : Tensor or sequence of Tensor, optional
        Accumulate only into these (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> autodiff.autograd.backward([(x * 3).sum(), (x * x).sum()])
    >>> x.grad
    Tensor([5., 7.])
    """
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = (grad_tensors,)
    grad_tensors = tuple(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(
            f"autograd.backward: got {len(tensors)} tensors and {len(grad_tensors)} grad_tensors"
        )
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        grads = grad(
            tensors, inputs, grad_tensors, retain_graph=retain_graph,
            create_graph=create_graph, allow_unused=True,
        )
        for t, g in zip(inputs, grads):
            if g is not None:
                t.grad = g if t.grad is None else t.grad + g
        return
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        last = i == len(tensors) - 1
        keep = retain_graph if last else True
        t.backward(g, retain_graph=keep, create_graph=create_graph)


__all__ = [
    "Function",
    "FunctionCtx",
    "backward",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
]
