"""``autodiff.autograd.functional``: ``jacobian``, ``hessian``, ``vjp``, ``jvp``,
``hvp`` and ``vhp`` of a function, as ``torch.autograd.functional``.

Built on reverse mode: a Jacobian is one vector-Jacobian product per output
element; ``jvp`` and ``hvp`` use the double-vjp trick (the VJP is linear in its
vector, so differentiating it again gives the forward product).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import grad_mode
from .._typing import TensorFn, Tensors
from ..backward import grad as _grad
from ..ops.shape import stack
from ..tensor import Tensor, _make


def _as_tuple(x, what: str):
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"autograd.functional: {what} must be a Tensor or a tuple of Tensors, "
                f"got {type(t).__name__} at position {i}"
            )
    return is_tuple, items


def _prepare(inputs, create_graph: bool):
    # as PyTorch: the inputs become fresh tensors requiring grad (kept in the caller's
    # graph only with create_graph)
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(t.data.dtype.kind == "f"))
    return tuple(out)


def _zeros(t: Tensor) -> Tensor:
    return _make(np.zeros(t.data.shape, t.data.dtype), None)


def _grads(outputs, inputs, vs, create_graph: bool, retain: bool = True):
    outputs = tuple(o for o in outputs)
    needed = [i for i, o in enumerate(outputs) if o.requires_grad]
    if not needed:
        return tuple(_zeros(t) for t in inputs)
    gs = _grad(
        tuple(outputs[i] for i in needed),
        inputs,
        tuple(vs[i] for i in needed),
        retain_graph=retain,
        create_graph=create_graph,
        allow_unused=True,
    )
    return tuple(_zeros(t) if g is None else g for g, t in zip(gs, inputs))


def _finish(items, create_graph: bool):
    return tuple(t if create_graph else t.detach() for t in items)


def _call(func, inputs):
    with grad_mode.enable_grad():
        return func(*inputs)


def _check_v(v, like, what):
    _, vs = _as_tuple(v, what)
    if len(vs) != len(like):
        raise RuntimeError(
            f"autograd.functional: {what} has {len(vs)} tensors, expected {len(like)}"
        )
    for a, b in zip(vs, like):
        if a.shape != b.shape:
            raise RuntimeError(
                f"autograd.functional: {what} has shape {a.shape} where {b.shape} is expected"
            )
    return vs


def vjp(
    func: TensorFn, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), v^T J)``: the vector-Jacobian product at ``inputs``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.autograd.functional import vjp
    >>> out, g = vjp(lambda x: x ** 2, autodiff.tensor([1.0, 2.0]), autodiff.ones(2))
    >>> g
    Tensor([2., 4.])
    """
    in_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare(inputs, create_graph)
    outputs = _call(func, inputs)
    out_tuple, outs = _as_tuple(outputs, "func's outputs")
    if v is None:
        if len(outs) != 1 or outs[0].data.size != 1:
            raise RuntimeError(
                "autograd.functional.vjp: v can be omitted only when func returns a "
                "single-element tensor"
            )
        vs = (_make(np.ones(outs[0].data.shape, outs[0].data.dtype), None),)
    else:
        vs = _check_v(v, outs, "v")
    res = _grads(outs, inputs, vs, create_graph)
    outs = _finish(outs, create_graph)
    res = _finish(res, create_graph)
    return (outs if out_tuple else outs[0]), (res if in_tuple else res[0])


def jvp(
    func: TensorFn, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), J v)``: the Jacobian-vector product at ``inputs`` (by the
    double-vjp trick).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.autograd.functional import jvp
    >>> out, t = jvp(lambda x: x ** 2, autodiff.tensor([1.0, 2.0]), autodiff.ones(2))
    >>> t
    Tensor([2., 4.])
    """
    in_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare(inputs, create_graph)
    if v is None:
        if len(inputs) != 1 or inputs[0].data.size != 1:
            raise RuntimeError(
                "autograd.functional.jvp: v can be omitted only when the input is a "
                "single-element tensor"
            )
        vs = (_make(np.ones(inputs[0].data.shape, inputs[0].data.dtype), None),)
    else:
        vs = _check_v(v, inputs, "v")
    outputs = _call(func, inputs)
    out_tuple, outs = _as_tuple(outputs, "func's outputs")
    with grad_mode.enable_grad():
        us = tuple(_zeros(o).requires_grad_() for o in outs)  # the dummy vectors
        gs = _grads(outs, inputs, us, create_graph=True)
        pairs = [(g, v) for g, v in zip(gs, vs) if g.requires_grad]
        if pairs:
            res = _grad(
                tuple(g for g, _ in pairs), us, tuple(v for _, v in pairs),
                retain_graph=True, create_graph=create_graph, allow_unused=True,
            )
            res = tuple(_zeros(u) if r is None else r for r, u in zip(res, us))
        else:
            res = tuple(_zeros(u) for u in us)
    outs = _finish(outs, create_graph)
    res = _finish(res, create_graph)
    return (outs if out_tuple else outs[0]), (res if out_tuple else res[0])


def jacobian(func: TensorFn, inputs: Tensors, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: for one output and one input a Tensor
    of shape ``output.shape + input.shape``; tuples of them for tuples (indexed
    ``[output][input]``), as PyTorch.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, autodiff.tensor([1.0, 2.0]))
    Tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(
            f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}"
        )
    in_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare(inputs, create_graph)
    outputs = _call(func, inputs)
    out_tuple, outs = _as_tuple(outputs, "func's outputs")
    rows = []
    for o in outs:
        per_input = [[] for _ in inputs]
        flat = o.reshape(-1) if o.requires_grad else None
        for k in range(o.data.size):
            if flat is None:
                gs = tuple(_zeros(t) for t in inputs)
            else:
                gs = _grads((flat[k],), inputs, (None,), create_graph)
            for j, g in enumerate(gs):
                per_input[j].append(g)
        row = []
        for j, t in enumerate(inputs):
            if per_input[j]:
                block = stack(per_input[j]).reshape(o.shape + t.shape)
            else:
                block = _make(np.zeros(o.shape + t.shape, t.data.dtype), None)
            row.append(block if create_graph else block.detach())
        rows.append(tuple(row))
    if not in_tuple:
        rows = [r[0] for r in rows]
    return tuple(rows) if out_tuple else rows[0]


def hessian(func: TensorFn, inputs: Tensors, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar ``func`` at ``inputs``: a Tensor of shape
    ``input.shape + input.shape``, or a tuple of tuples for a tuple of inputs.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), autodiff.tensor([1.0, 2.0]))
    Tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    in_tuple, inputs = _as_tuple(inputs, "inputs")

    def first(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out.data.size != 1:
            raise RuntimeError("hessian: func must return a single-element Tensor")
        gs = _grads((out.reshape(()),), xs, (None,), create_graph=True)
        return gs

    res = jacobian(first, inputs, create_graph=create_graph, strict=strict)
    return res if in_tuple else res[0][0]


def vhp(
    func: TensorFn, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensor, Any]:
    """``(func(*inputs), v^T H)`` for a scalar ``func``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.autograd.functional import vhp
    >>> vhp(lambda x: (x ** 3).sum(), autodiff.tensor([1.0, 2.0]), autodiff.ones(2))[1]
    Tensor([ 6., 12.])
    """
    in_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare(inputs, create_graph)
    out = _call(func, inputs)
    if not isinstance(out, Tensor) or out.data.size != 1:
        raise RuntimeError("vhp/hvp: func must return a single-element Tensor")
    if v is None:
        if len(inputs) != 1 or inputs[0].data.size != 1:
            raise RuntimeError("vhp/hvp: v can be omitted only for a single-element input")
        vs = (_make(np.ones(inputs[0].data.shape, inputs[0].data.dtype), None),)
    else:
        vs = _check_v(v, inputs, "v")
    with grad_mode.enable_grad():
        gs = _grads((out.reshape(()),), inputs, (None,), create_graph=True)
        pairs = [(g, w) for g, w in zip(gs, vs) if g.requires_grad]
        if pairs:
            res = _grad(
                tuple(g for g, _ in pairs), inputs, tuple(w for _, w in pairs),
                retain_graph=True, create_graph=create_graph, allow_unused=True,
            )
            res = tuple(_zeros(t) if r is None else r for r, t in zip(res, inputs))
        else:
            res = tuple(_zeros(t) for t in inputs)
    res = _finish(res, create_graph)
    out = out if create_graph else out.detach()
    return out, (res if in_tuple else res[0])


def hvp(
    func: TensorFn, inputs: Tensors, v: Tensors | None = None, create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensor, Any]:
    """``(func(*inputs), H v)`` for a scalar ``func`` (the Hessian is symmetric,
    so this is ``vhp``'s product, as PyTorch's double-backward trick gives).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.autograd.functional import hvp
    >>> hvp(lambda x: (x ** 3).sum(), autodiff.tensor([1.0, 2.0]), autodiff.ones(2))[1]
    Tensor([ 6., 12.])
    """
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict)


__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]
