"""Gradient clipping; parameters to and from one flat vector."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..ops.shape import cat
from ..tensor import Tensor, _make


def _params(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients in place so their joint norm is at most ``max_norm``.

    The norm is taken over all gradients together, as if concatenated; the
    gradients are multiplied by ``max_norm / (total_norm + 1e-6)`` when that is
    below 1. Returns the total norm (before clipping) as a 0-d Tensor.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn.utils import clip_grad_norm_
    >>> w = autodiff.tensor([3.0, 4.0], requires_grad=True)
    >>> (w * w).sum().backward()   # grad (6, 8): norm 10
    >>> clip_grad_norm_([w], 1.0).item()
    10.0
    >>> round(float((w.grad * w.grad).sum().sqrt()), 4)
    1.0
    """
    params = [p for p in _params(parameters) if p.grad is not None]
    norm_type = float(norm_type)
    if not params:
        return _make(np.asarray(0.0, dtype=np.float32), None)
    dtype = params[0].grad.data.dtype
    if norm_type == np.inf:
        total = max(float(np.max(np.abs(p.grad.data))) if p.grad.data.size else 0.0 for p in params)
    else:
        total = float(
            sum(float(np.sum(np.abs(p.grad.data.astype(np.float64)) ** norm_type)) for p in params)
            ** (1.0 / norm_type)
        )
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
            f"{total}, so they cannot be clipped; pass error_if_nonfinite=False to skip this check"
        )
    coef = float(max_norm) / (total + 1e-6)
    if not coef >= 1.0:  # (a NaN norm makes every gradient NaN, as in PyTorch)
        for p in params:
            p.grad.data *= np.asarray(coef, dtype=p.grad.data.dtype)
    return _make(np.asarray(total, dtype=dtype), None)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient element to [-clip_value, clip_value] in place.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn.utils import clip_grad_value_
    >>> w = autodiff.tensor([3.0], requires_grad=True)
    >>> (w * w).sum().backward(); clip_grad_value_([w], 1.0); w.grad
    Tensor([1.])
    """
    for p in _params(parameters):
        np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """Concatenate the flattened parameters into one 1-d Tensor (differentiable).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn.utils import parameters_to_vector
    >>> lin = autodiff.nn.Linear(3, 2)
    >>> parameters_to_vector(lin.parameters()).shape
    (8,)
    """
    if isinstance(parameters, Tensor):
        raise TypeError("parameters_to_vector: expected an iterable of Tensors, got a Tensor")
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-d ``vec`` into the parameters' data, in order.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.nn.utils import vector_to_parameters
    >>> lin = autodiff.nn.Linear(1, 1)
    >>> vector_to_parameters(autodiff.tensor([2.0, 3.0]), lin.parameters())
    >>> lin.weight.item(), lin.bias.item()
    (2.0, 3.0)
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    data = vec.data.reshape(-1)
    pointer = 0
    for p in parameters:
        n = p.data.size
        if pointer + n > data.size:
            raise RuntimeError(
                f"vector_to_parameters: the vector has {data.size} elements, too few for "
                "the parameters"
            )
        p.data = data[pointer : pointer + n].reshape(p.shape).astype(p.data.dtype, copy=True)
        pointer += n


__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]
