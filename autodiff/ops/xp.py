"""Two array namespaces with one vocabulary, so a VJP is written once.

``NP`` works on ndarrays (first-order backward: no recording, no Tensor
overhead). ``TS`` works on Tensors through autodiff's own recorded ops (for
``create_graph=True``, so gradients of gradients work for every op).
"""

from __future__ import annotations

import numpy as np

from ..engine import sum_to_shape
from .unary import _sigmoid_np, erf_np


class NP:
    """ndarray namespace."""

    spares_gradients = False  # (see LoopNP)

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    tanh = staticmethod(np.tanh)
    sign = staticmethod(np.sign)
    abs = staticmethod(np.abs)
    matmul = staticmethod(np.matmul)
    expand_dims = staticmethod(np.expand_dims)

    @staticmethod
    def swapaxes(x, a, b):
        # np.swapaxes is a Python-level wrapper; .T is a C attribute
        if x.ndim == 2:
            return x.T
        return x.swapaxes(a, b)

    transpose = staticmethod(np.transpose)
    logical_and = staticmethod(np.logical_and)
    einsum = staticmethod(np.einsum)

    sigmoid = staticmethod(_sigmoid_np)
    erf = staticmethod(erf_np)

    @staticmethod
    def where(cond, a, b):
        return np.where(cond, a, b)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return np.add.reduce(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def broadcast_to(x, shape):
        # materialised: np.broadcast_to is slow for small arrays, and its
        # read-only view would be copied later anyway (leaf .grad is writeable)
        if x.shape == shape:
            return x
        out = np.empty(shape, dtype=x.dtype)
        out[...] = x
        return out

    @staticmethod
    def reshape(x, shape):
        return x.reshape(shape)

    sum_to = staticmethod(sum_to_shape)

    @staticmethod
    def getitem(x, index):
        from .subscript import index_view  # (autodiff.ops.subscript imports this module)

        return index_view(x, index)

    @staticmethod
    def index_add(g, index, shape):
        """zeros(shape) with g scatter-added at ``index`` (repeats add up)."""
        from .subscript import index_target  # (autodiff.ops.subscript imports this module)

        out = np.zeros(shape, dtype=g.dtype)
        np.add.at(*index_target(out, index), g)
        return out

    @staticmethod
    def take_along_axis(x, index, axis):
        return np.take_along_axis(x, index, axis)

    @staticmethod
    def scatter_add_along(g, index, axis, shape):
        out = np.zeros(shape, dtype=g.dtype)
        idx = list(np.indices(index.shape, sparse=True))
        idx[axis] = index
        np.add.at(out, tuple(idx), g)
        return out

    @staticmethod
    def zeros_like(x):
        return np.zeros_like(x)

    @staticmethod
    def astype(x, dtype):
        return x.astype(dtype, copy=False)

    @staticmethod
    def const(x, like):
        """A non-differentiable array operand (masks, index-derived values)."""
        return x

    @staticmethod
    def data(x):
        return x

    @staticmethod
    def pad(x, pad_width):
        return np.pad(x, pad_width)

    @staticmethod
    def concatenate(xs, axis):
        return np.concatenate(xs, axis)


class LoopNP(NP):
    """``NP`` as the first-order backward loop hands it to a VJP: there the gradient
    given is held by the loop's one local unless its reference count says otherwise,
    so ``spare_gradient`` (ops/_base.py) may let the VJP write into it. Any other
    caller of a VJP passes ``NP``, and nothing it holds is written into."""

    spares_gradients = True


class TS:
    """Tensor namespace: filled in by ``autodiff.ops`` once every op exists."""

    spares_gradients = False
