"""User-defined ops: ``autodiff.Function``, as in PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import Node, _GradMode, record, recording
from .tensor import Tensor, _make

__all__ = ["Function", "FunctionCtx"]


class FunctionCtx:
    """The ``ctx`` passed to a ``Function``'s ``forward`` and ``backward``.

    ``forward`` stores what ``backward`` needs with ``save_for_backward``;
    ``backward`` reads ``saved_tensors``, and ``needs_input_grad`` (one bool per
    ``forward`` argument) to skip gradients nobody asked for. Other attributes
    may be set freely (``ctx.k = 3``).

    Examples
    --------
    >>> import autodiff
    >>> class Scale(autodiff.Function):
    ...     @staticmethod
    ...     def forward(ctx, x, k):
    ...         ctx.k = k
    ...         return x * k
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         print(ctx.needs_input_grad)
    ...         return g * ctx.k, None
    >>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> Scale.apply(x, 3.0).sum().backward()
    (True, False)
    >>> x.grad
    Tensor([3., 3.])
    """

    def __init__(self) -> None:
        self.saved_tensors: tuple = ()
        self.needs_input_grad: tuple = ()

    def save_for_backward(self, *tensors: Tensor) -> None:
        """Keep ``tensors`` for ``backward``, which reads them as ``ctx.saved_tensors``.

        A saved input or output changed in place before ``backward`` runs makes
        ``backward`` raise, as in PyTorch.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import FunctionCtx
        >>> ctx = FunctionCtx()
        >>> ctx.save_for_backward(autodiff.ones(2))
        >>> len(ctx.saved_tensors)
        1
        """
        self.saved_tensors = tuple(tensors)

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Accepted for PyTorch compatibility; does nothing here.

        Integer and bool outputs are never differentiable in autodiff; a float
        output whose gradient ``backward`` ignores simply gets none.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.FunctionCtx().mark_non_differentiable(autodiff.ones(2))
        """
        pass


class FunctionBackward(Node):
    """Node for a user ``Function``: calls the user's ``backward``."""

    name = "function"
    saves = ("inputs",)

    def vjp(self, g, xs, out, xp):
        fn_cls, ctx, tensor_pos, n_args = self.attrs
        return _call_backward(self, fn_cls, ctx, tensor_pos, n_args, (g,), g)


def _call_backward(node, fn_cls, ctx, tensor_pos, n_args, out_grads, g_ref):
    """Run the user's ``backward`` and check its gradients; ``g_ref`` is the array
    the engine passed in (a gradient returned as is needs no copy)."""
    if isinstance(g_ref, Tensor):
        grads = fn_cls.backward(ctx, *out_grads)
    else:
        with _GradMode(False):
            grads = fn_cls.backward(ctx, *[_make(g, None) for g in out_grads])
    if not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) != n_args:
        raise RuntimeError(
            f"{fn_cls.__name__}.backward returned {len(grads)} gradients but forward took "
            f"{n_args} inputs; return one per input (None for non-tensor inputs)"
        )
    for pos, gk in enumerate(grads):
        if gk is not None and pos not in tensor_pos:
            raise RuntimeError(
                f"{fn_cls.__name__}.backward returned a gradient for input {pos}, which is "
                "not a Tensor; return None in that position"
            )
    result = []
    for k, pos in enumerate(tensor_pos):
        gk = grads[pos]
        if gk is None:
            result.append(None)
            continue
        if not isinstance(gk, Tensor):
            gk = Tensor(np.asarray(gk))
        shape = node.inputs[k].shape
        # like PyTorch: the gradient may be a broadcast of the input's shape (it is
        # summed back), never smaller or incompatible
        if gk.shape != shape:
            try:
                ok = np.broadcast_shapes(gk.shape, shape) == gk.shape
            except ValueError:
                ok = False
            if not ok:
                raise RuntimeError(
                    f"{fn_cls.__name__}.backward returned a gradient of shape {gk.shape} "
                    f"for input {pos} of shape {shape}; return one of the input's shape"
                )
        if isinstance(g_ref, Tensor):
            result.append(gk)
        elif gk.data is g_ref:
            result.append(g_ref)  # passed through: the engine knows where it came from
        else:
            # the user may return a saved or otherwise held tensor: copy it, so that
            # no leaf's .grad shares its memory
            result.append(np.array(gk.data))
    return tuple(result)


class MultiFunctionBackward(Node):
    """Node for a user ``Function`` with several outputs.

    Its own output is internal: the float outputs raveled and concatenated. Each
    user-visible output is a ``SelectOutputBackward`` of it, so the engine sees
    ordinary one-output nodes and sums the outputs' gradients into one array,
    which this node splits again for the user's ``backward(ctx, *grads)``
    (outputs that were not used get zeros, as PyTorch materialises them).
    """

    name = "function"
    saves = ("inputs",)

    def vjp(self, g, xs, out, xp):
        fn_cls, ctx, tensor_pos, n_args, layout, n_outputs = self.attrs
        out_grads = [None] * n_outputs
        for i, start, stop, shape, _dtype in layout:
            out_grads[i] = xp.reshape(xp.getitem(g, (slice(start, stop),)), shape)
        return _call_backward(self, fn_cls, ctx, tensor_pos, n_args, tuple(out_grads), g)


class SelectOutputBackward(Node):
    """One output of a multi-output Function: a slice of the packed outputs."""

    name = "output"
    saves = ("inputs",)

    @staticmethod
    def forward(packed, attrs):
        start, stop, shape, dtype = attrs
        return packed[start:stop].reshape(shape).astype(dtype)

    def vjp(self, g, xs, out, xp):
        start, stop, shape, dtype = self.attrs
        packed = xs[0]
        flat = xp.reshape(g, (-1,))
        if flat.dtype != packed.dtype:
            flat = xp.astype(flat, packed.dtype)
        return (xp.index_add(flat, (slice(start, stop),), tuple(packed.shape)),)


class Function:
    """Base class for ops with a hand-written backward.

    Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``
    and call ``MyOp.apply(...)``. ``forward`` receives Tensors (not recorded) and
    returns a Tensor or a tuple of them; ``backward`` receives one gradient per
    output and returns one gradient per ``forward`` argument.

    Examples
    --------
    >>> import autodiff
    >>> class Square(autodiff.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return 2 * x * g
    >>> x = autodiff.tensor([3.0], requires_grad=True)
    >>> Square.apply(x).backward()
    >>> x.grad
    Tensor([6.])
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        """Compute the outputs from the arguments (override it, as a staticmethod).

        Receives Tensors, not recorded (grad mode is off inside); returns a Tensor
        or a tuple of them. See the class's example.

        Examples
        --------
        >>> import autodiff
        >>> try:
        ...     autodiff.Function.apply(autodiff.ones(1))
        ... except NotImplementedError as e:
        ...     print(e)
        a Function subclass must define forward(ctx, ...)
        """
        raise NotImplementedError("a Function subclass must define forward(ctx, ...)")

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Tensor) -> Any:
        """Gradients of the inputs from the outputs' gradients (override it, as a
        staticmethod): one per ``forward`` argument, None for non-Tensor ones.

        A gradient of the wrong shape raises a clear error naming the input.

        Examples
        --------
        >>> import autodiff
        >>> class Bad(autodiff.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         return g.sum()
        >>> x = autodiff.ones(3, requires_grad=True)
        >>> try:
        ...     Bad.apply(x).sum().backward()
        ... except RuntimeError as e:
        ...     print(str(e)[:62])
        Bad.backward returned a gradient of shape () for input 0 of sh
        """
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` on ``args`` and record one node whose backward is ``backward``.

        Returns what ``forward`` returned (a Tensor, or a tuple of Tensors).

        Examples
        --------
        >>> import autodiff
        >>> class Cube(autodiff.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return 3 * x * x * g
        >>> x = autodiff.tensor([2.0], dtype=autodiff.float64, requires_grad=True)
        >>> autodiff.gradcheck(Cube.apply, (x,))
        True
        """
        ctx = FunctionCtx()
        tensor_pos = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        inputs = tuple(args[i] for i in tensor_pos)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with _GradMode(False):
            out = cls.forward(ctx, *args, **kwargs)
        if isinstance(out, (tuple, list)):
            return cls._apply_multi(ctx, inputs, tensor_pos, len(args), tuple(out))
        if not isinstance(out, Tensor):
            out = Tensor(np.asarray(out))
        needs = tuple(t.requires_grad for t in inputs)
        # an integer or bool result is not differentiable (as in PyTorch)
        if recording() and True in needs and out.data.dtype.kind in "fc":
            body = {"name": cls.__name__, "__slots__": ()}
            if any(isinstance(t, Tensor) and t.data is out.data for t in ctx.saved_tensors):
                # backward reads the output: an in-place change of it must fail backward
                # (the engine marks such a node's saved output dirty), as in PyTorch
                body.update(saves=("inputs", "out_const"))
            node_cls = type(f"{cls.__name__}Backward", (FunctionBackward,), body)
            return record(node_cls, inputs, needs, (cls, ctx, tensor_pos, len(args)), out.data)
        return _make(out.data, None)

    @classmethod
    def _apply_multi(cls, ctx, inputs, tensor_pos, n_args, outs) -> tuple:
        outs = tuple(o if isinstance(o, Tensor) else Tensor(np.asarray(o)) for o in outs)
        needs = tuple(t.requires_grad for t in inputs)
        floats = [i for i, o in enumerate(outs) if o.data.dtype.kind == "f"]
        if not (recording() and True in needs and floats):
            return tuple(_make(o.data, None) for o in outs)
        common = np.result_type(*[outs[i].data.dtype for i in floats])
        layout, start = [], 0
        for i in floats:
            size = outs[i].data.size
            layout.append((i, start, start + size, outs[i].shape, outs[i].data.dtype))
            start += size
        packed = np.concatenate([outs[i].data.astype(common).reshape(-1) for i in floats])
        node_cls = type(
            f"{cls.__name__}Backward",
            (MultiFunctionBackward,),
            {"name": cls.__name__, "__slots__": ()},
        )
        attrs = (cls, ctx, tensor_pos, n_args, tuple(layout), len(outs))
        hub = record(node_cls, inputs, needs, attrs, packed)
        body = {"name": cls.__name__, "__slots__": ()}
        select_cls = type(  # so every output shows grad_fn=<NameBackward>, as PyTorch
            f"{cls.__name__}OutputBackward", (SelectOutputBackward,), body
        )
        # an output that backward reads (saved): an in-place change of it must fail
        # backward, so its node keeps it and the engine marks it dirty (as one output)
        saved_cls = type(
            f"{cls.__name__}OutputBackward",
            (SelectOutputBackward,),
            dict(body, saves=("inputs", "out_const")),
        )
        saved = [t.data for t in ctx.saved_tensors if isinstance(t, Tensor)]
        result = [_make(o.data, None) for o in outs]  # integer outputs carry no gradient
        for i, lo, hi, shape, dtype in layout:
            data = outs[i].data
            node_cls = saved_cls if any(s is data for s in saved) else select_cls
            result[i] = record(node_cls, (hub,), (True,), (lo, hi, shape, dtype), data)
        return tuple(result)
