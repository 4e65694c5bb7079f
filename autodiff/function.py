"""User-defined ops: ``autodiff.Function``, as in PyTorch."""

from __future__ import annotations

import numpy as np

from .engine import STATE, Node, _GradMode, record
from .tensor import Tensor, _make


class FunctionCtx:
    """The ``ctx`` passed to ``forward`` and ``backward``."""

    def __init__(self) -> None:
        self.saved_tensors: tuple = ()
        self.needs_input_grad: tuple = ()

    def save_for_backward(self, *tensors) -> None:
        self.saved_tensors = tuple(tensors)

    def mark_non_differentiable(self, *tensors) -> None:  # accepted for compatibility
        pass


class FunctionBackward(Node):
    """Node for a user ``Function``: calls the user's ``backward``."""

    name = "function"

    def vjp(self, g, xs, out, xp):
        fn_cls, ctx, tensor_pos, n_args = self.attrs
        if isinstance(g, Tensor):
            grads = fn_cls.backward(ctx, g)
        else:
            with _GradMode(False):
                grads = fn_cls.backward(ctx, _make(g, None))
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != n_args:
            raise RuntimeError(
                f"{fn_cls.__name__}.backward returned {len(grads)} gradients but forward took "
                f"{n_args} inputs; return one per input (None for non-tensor inputs)"
            )
        result = []
        for k, pos in enumerate(tensor_pos):
            gk = grads[pos]
            if gk is None:
                result.append(None)
                continue
            if not isinstance(gk, Tensor):
                gk = Tensor(np.asarray(gk))
            shape = self.inputs[k].shape
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
            if isinstance(g, Tensor):
                result.append(gk)
            elif gk.data is g:
                result.append(g)  # passed through: the engine knows where g came from
            else:
                # the user may return a saved or otherwise held tensor: copy it, so that
                # no leaf's .grad shares its memory
                result.append(np.array(gk.data))
        return tuple(result)


class Function:
    """Base class for ops with a hand-written backward.

    Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``
    and call ``MyOp.apply(...)``. ``forward`` receives Tensors (not recorded);
    ``backward`` returns one gradient per ``forward`` argument.

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
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward(ctx, ...)")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx()
        tensor_pos = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        inputs = tuple(args[i] for i in tensor_pos)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with _GradMode(False):
            out = cls.forward(ctx, *args, **kwargs)
        if isinstance(out, (tuple, list)):
            raise NotImplementedError(
                f"{cls.__name__}.forward returned {len(out)} outputs; autodiff's Function "
                "supports one output tensor (return a single Tensor, or split into several "
                "Functions)"
            )
        if not isinstance(out, Tensor):
            out = Tensor(np.asarray(out))
        needs = tuple(t.requires_grad for t in inputs)
        if STATE.grad_enabled and True in needs:
            node_cls = type(
                f"{cls.__name__}Backward",
                (FunctionBackward,),
                {"name": cls.__name__, "__slots__": ()},
            )
            return record(node_cls, inputs, needs, (cls, ctx, tensor_pos, len(args)), out.data)
        return _make(out.data, None)
