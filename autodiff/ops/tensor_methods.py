"""Tensor's further methods (bound by ops/__init__.py's ``_bind``): storage questions
(stride, nbytes, data_ptr, ...), casts (bfloat16, type_as), H/mH, the random fills
(bernoulli_, exponential_, ...), detach, and the in-place ``name_`` methods built on
the out-of-place ops (``inplace_methods``, ``tensor_methods``).

PyTorch's further names (issue 17), composed of the declared ops, so their gradients
(first and second order) come from the ops they are built of. Each is declared once
here with its samples; the registry-driven tests gradcheck the differentiable ones, and
tests/test_torch_names.py compares every name with PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autodiff as ad

from .._typing import DTypeLike, GeneratorLike, TensorLike
from ..engine import recording
from ..factories import _gen as resolve_gen
from ..tensor import Tensor
from . import registry as R
from ._base import (
    normalize_dim,
)
from ._helpers import _s, _t
from .inplace import copy_, inplace
from .nn_functional import hardshrink, prelu
from .rearrange import t
from .search import argwhere
from .special import _polygamma_method


@R.op(samples=lambda: [_s(R.randn(2, 3))], differentiable=False, check=lambda x: detach(x))
def detach(input: Tensor) -> Tensor:  # noqa: A002
    """``input.detach()``: the same values, out of the graph.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.detach(autodiff.ones(1, requires_grad=True)).requires_grad
    False
    """
    return _t(input, "detach").detach()


def _where_method(self: Tensor, condition: Tensor, y: TensorLike) -> Tensor:
    """``autodiff.where(condition, self, y)``.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([1.0, -1.0])
    >>> x.where(x > 0, 0.0)
    Tensor([1., 0.])
    """
    return ad.where(condition, self, y)


def _sum_to_size(self: Tensor, *size: Any) -> Tensor:
    """``self`` summed over the broadcast dimensions down to ``size``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).sum_to_size(1, 3)
    Tensor([[2., 2., 2.]])
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(int(s) for s in size)
    try:
        if np.broadcast_shapes(shape, self.shape) != self.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(
            f"size {list(shape)} is not expandable to size {list(self.shape)}."
        ) from None
    lead = self.ndim - len(shape)
    out = ad.sum(self, tuple(range(lead))) if lead else self
    dims = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    return ad.sum(out, dims, keepdim=True) if dims else out


# ----------------------------------------------- Tensor's storage questions
def _type_as(self: Tensor, other: Tensor) -> Tensor:
    """``self`` converted to ``other``'s dtype.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).type_as(autodiff.zeros(1, dtype=autodiff.float64)).dtype
    dtype('float64')
    """
    return self.to(other.dtype)


def _element_size(self: Tensor) -> int:
    """Bytes per element.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).element_size()
    4
    """
    return int(self.data.itemsize)


def _nbytes(self: Tensor) -> int:
    """Bytes of the elements (``numel() * element_size()``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).nbytes
    24
    """
    return int(self.data.nbytes)


def _itemsize(self: Tensor) -> int:
    """Bytes per element (a property, as PyTorch's).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1, dtype=autodiff.float64).itemsize
    8
    """
    return int(self.data.itemsize)


def _ndimension(self: Tensor) -> int:
    """Alias of :meth:`Tensor.dim`.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).ndimension()
    2
    """
    return self.data.ndim


def _is_contiguous(self: Tensor, memory_format: object = None) -> bool:
    """Whether the elements lie in memory in row-major order without gaps.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(2, 3)
    >>> x.is_contiguous(), x.t().is_contiguous()
    (True, False)
    """
    return bool(self.data.flags.c_contiguous)


def _stride(self: Tensor, dim: int | None = None) -> tuple | int:
    """Elements to skip to the next index in each dimension (0 where expanded).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).t().stride()
    (1, 3)
    """
    d = self.data
    st = tuple(int(s // d.itemsize) for s in d.strides) if d.ndim else ()
    if dim is None:
        return st
    return st[normalize_dim(dim, d.ndim, "stride")]


def _root(a: np.ndarray) -> np.ndarray:
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _storage_offset(self: Tensor) -> int:
    """Elements between the start of the storage and this tensor's first element.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3)[:, 1:].storage_offset()
    1
    """
    d = self.data
    root = _root(d)
    return int(
        (d.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // d.itemsize
    )


def _data_ptr(self: Tensor) -> int:
    """The address of the first element.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(3)
    >>> x[1:].data_ptr() - x.data_ptr()
    4
    """
    return int(self.data.__array_interface__["data"][0])


def _get_device(self: Tensor) -> int:
    """-1: the tensor is on the CPU (PyTorch's answer for a CPU tensor).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).get_device()
    -1
    """
    return -1


def _pin_memory(self: Tensor, device: object = None) -> Tensor:
    """Refused, as PyTorch without an accelerator.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).pin_memory()
    Traceback (most recent call last):
    RuntimeError: Cannot access accelerator device when none is available.
    """
    raise RuntimeError("Cannot access accelerator device when none is available.")


def _is_pinned(self: Tensor, device: object = None) -> bool:
    """False: no memory is pinned (there is no accelerator).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).is_pinned()
    False
    """
    return False


def _share_memory_(self: Tensor) -> Tensor:
    """``self`` (processes share it by pickling its array; nothing to move).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(1)
    >>> x.share_memory_() is x
    True
    """
    return self


def _cast_method(name: str, dtype: DTypeLike, example: str):
    def f(self: Tensor, memory_format: object = None) -> Tensor:
        return self.to(dtype)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""``self.to({example})``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([1.5, -2.0]).{name}().dtype
    dtype('{np.dtype(dtype).name}')
    """
    return f


def _bfloat16(self: Tensor, memory_format: object = None) -> Tensor:
    """``self.to(autodiff.bfloat16)``: refused, NumPy has no bfloat16.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).bfloat16()  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    TypeError: autodiff has no bfloat16 (NumPy has none); use autodiff.float32, ...
    """
    return self.to(ad.bfloat16)


def _H(self: Tensor) -> Tensor:
    """The conjugate transpose of a matrix (its transpose: tensors here are real).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2, 3).H.shape
    (3, 2)
    """
    if self.ndim not in (0, 2):
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor."
        )
    return t(self)


def _mH(self: Tensor) -> Tensor:
    """The conjugate transpose of the last two dimensions (their transpose, tensors
    being real here).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(4, 2, 3).mH.shape
    (4, 3, 2)
    """
    if self.ndim < 2:
        raise RuntimeError(
            "tensor.mH is only supported on matrices or batches of matrices. "
            f"Got {self.ndim}-D tensor."
        )
    return ad.transpose(self, -2, -1)


def _shape_inplace(name: str, method: str, example: str):
    def f(self: Tensor, *args: object) -> Tensor:
        if self.requires_grad and (ad.is_grad_enabled()):
            raise RuntimeError(
                f"{name}: changing the shape of a tensor that requires grad in place is "
                f"not supported here; use the out-of-place {method}()"
            )
        new = getattr(Tensor, method)(self, *args)
        self._data = new.data
        return self

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"""In-place :meth:`Tensor.{method}`: ``self`` takes the new shape (a
    tensor that requires grad is refused while recording).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2, 3).{name}({example}).shape
    {
        tuple(
            getattr(
                np.zeros((2, 3)),
                {
                    "t": "transpose",
                    "transpose": "transpose",
                    "squeeze": "squeeze",
                    "unsqueeze": "reshape",
                }[method],
            )(
                *{"t": (), "transpose": (1, 0), "squeeze": (), "unsqueeze": ((1, 2, 3),)}[method]
            ).shape
        )
    }
    """
    return f


def _fill(self: Tensor, values) -> Tensor:
    # (as PyTorch: on a leaf that requires grad this raises outside no_grad)
    return copy_(self, Tensor(np.asarray(values, dtype=self.data.dtype)))


def _bernoulli_(
    self: Tensor, p: float | Tensor = 0.5, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with 0/1 samples, 1 with probability ``p`` (a number or a tensor).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.empty(3).bernoulli_(1.0)
    Tensor([1., 1., 1.])
    """
    pr = p.data if isinstance(p, Tensor) else p
    draw = resolve_gen(generator).random(self.data.shape) < pr
    return _fill(self, draw)


def _exponential_(self: Tensor, lambd: float = 1.0, *, generator: GeneratorLike = None) -> Tensor:
    """Fill in place with exponential samples of rate ``lambd``.

    Examples
    --------
    >>> import autodiff
    >>> bool((autodiff.empty(5).exponential_(2.0) >= 0).all())
    True
    """
    return _fill(self, resolve_gen(generator).exponential(1.0 / lambd, self.data.shape))


def _random_(
    self: Tensor, from_: int = 0, to: int | None = None, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with integers in ``[from_, to)`` (``random_(to)``: ``[0, to)``).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.empty(5).random_(3)
    >>> bool(((x >= 0) & (x < 3) & (x == x.floor())).all())
    True
    """
    if to is None:
        from_, to = 0, from_
    return _fill(self, resolve_gen(generator).integers(from_, to, self.data.shape))


def _geometric_(self: Tensor, p: float, *, generator: GeneratorLike = None) -> Tensor:
    """Fill in place with geometric samples (trials to the first success, >= 1).

    Examples
    --------
    >>> import autodiff
    >>> bool((autodiff.empty(4).geometric_(0.5) >= 1).all())
    True
    """
    return _fill(self, resolve_gen(generator).geometric(p, self.data.shape))


def _log_normal_(
    self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with ``exp`` of normal samples of ``mean`` and ``std``.

    Examples
    --------
    >>> import autodiff
    >>> bool((autodiff.empty(4).log_normal_() > 0).all())
    True
    """
    return _fill(self, resolve_gen(generator).lognormal(mean, std, self.data.shape))


def _cauchy_(
    self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator: GeneratorLike = None
) -> Tensor:
    """Fill in place with Cauchy samples of ``median`` and scale ``sigma``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.empty(3).cauchy_().shape
    (3,)
    """
    return _fill(self, median + sigma * resolve_gen(generator).standard_cauchy(self.data.shape))


def _bernoulli(self: Tensor, p: float | None = None, *, generator: GeneratorLike = None) -> Tensor:
    """:func:`autodiff.bernoulli` of ``self``'s probabilities (or of ``p``).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.0, 1.0]).bernoulli()
    Tensor([0., 1.])
    """
    return ad.bernoulli(self, p, generator=generator)


def _is_cpu(self: Tensor) -> bool:
    """True: every tensor is on the CPU.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(1).is_cpu
    True
    """
    return True


def _broadcast_to_method(self: Tensor, size: Any) -> Tensor:
    """:func:`autodiff.broadcast_to` of ``self``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(3).broadcast_to((2, 3)).shape
    (2, 3)
    """
    return ad.broadcast_to(self, size)


def _argwhere_method(self: Tensor) -> Tensor:
    """:func:`autodiff.argwhere` of ``self``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.0, 2.0]).argwhere()
    Tensor([[1]])
    """
    return argwhere(self)


def _hardshrink_method(self: Tensor, lambd: float = 0.5) -> Tensor:
    """:func:`autodiff.hardshrink` of ``self``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([0.2, 1.0]).hardshrink()
    Tensor([0., 1.])
    """
    return hardshrink(self, lambd)


def _prelu_method(self: Tensor, weight: Tensor) -> Tensor:
    """:func:`autodiff.prelu` of ``self``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([-2.0, 1.0]).prelu(autodiff.tensor([0.5]))
    Tensor([-1.,  1.])
    """
    return prelu(self, weight)


def _real_prop(self: Tensor) -> Tensor:
    """The real part: ``self`` (tensors are real here).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(1)
    >>> x.real is x
    True
    """
    return self


def tensor_methods() -> dict:
    """``{name: method or property}``: Tensor's further PyTorch methods that are not
    ops (storage questions, casts, shape changes in place); ops/__init__ binds them."""
    return {
        "type_as": _type_as,
        "element_size": _element_size,
        "nbytes": property(_nbytes),
        "itemsize": property(_itemsize),
        "ndimension": _ndimension,
        "is_contiguous": _is_contiguous,
        "stride": _stride,
        "storage_offset": _storage_offset,
        "data_ptr": _data_ptr,
        "get_device": _get_device,
        "pin_memory": _pin_memory,
        "is_pinned": _is_pinned,
        "share_memory_": _share_memory_,
        "char": _cast_method("char", np.int8, "autodiff.int8"),
        "byte": _cast_method("byte", np.uint8, "autodiff.uint8"),
        "short": _cast_method("short", np.int16, "autodiff.int16"),
        "bfloat16": _bfloat16,
        "H": property(_H),
        "mH": property(_mH),
        "t_": _shape_inplace("t_", "t", ""),
        "transpose_": _shape_inplace("transpose_", "transpose", "0, 1"),
        "squeeze_": _shape_inplace("squeeze_", "squeeze", ""),
        "unsqueeze_": _shape_inplace("unsqueeze_", "unsqueeze", "0"),
        "polygamma": _polygamma_method,
        "where": _where_method,
        "sum_to_size": _sum_to_size,
        "is_cpu": property(_is_cpu),
        "swapaxes_": _shape_inplace("swapaxes_", "transpose", "0, 1"),
        "swapdims_": _shape_inplace("swapdims_", "transpose", "0, 1"),
        "broadcast_to": _broadcast_to_method,
        "argwhere": _argwhere_method,
        "hardshrink": _hardshrink_method,
        "prelu": _prelu_method,
        "real": property(_real_prop),
        "bernoulli": _bernoulli,
        "bernoulli_": _bernoulli_,
        "exponential_": _exponential_,
        "random_": _random_,
        "geometric_": _geometric_,
        "log_normal_": _log_normal_,
        "cauchy_": _cauchy_,
    }


# ---------------------------------------------------------- in-place methods
# name_: (out-of-place method, example input, example arguments). Each is
# ``inplace(t, name_, lambda x: x.<method>(*args, **kwargs))`` (autodiff/ops/inplace.py):
# the version checks, leaf refusal and views work as for add_.
_INPLACE = {
    "index_add_": ("index_add", "[1.0, 2.0, 3.0]", "0, autodiff.tensor([0, 0]), autodiff.ones(2)"),
    "index_copy_": ("index_copy", "[1.0, 2.0, 3.0]", "0, autodiff.tensor([2]), autodiff.ones(1)"),
    "index_fill_": ("index_fill", "[1.0, 2.0, 3.0]", "0, autodiff.tensor([1]), -1.0"),
    "masked_fill_": (
        "masked_fill",
        "[1.0, -2.0, 3.0]",
        "autodiff.tensor([True, False, True]), 0.0",
    ),
    "scatter_": ("scatter", "[1.0, 2.0, 3.0]", "0, autodiff.tensor([2]), autodiff.tensor([9.0])"),
    "scatter_add_": (
        "scatter_add",
        "[1.0, 2.0, 3.0]",
        "0, autodiff.tensor([2, 2]), autodiff.tensor([1.0, 1.0])",
    ),
    "sqrt_": ("sqrt", "[1.0, 4.0]", ""),
    "rsqrt_": ("rsqrt", "[1.0, 4.0]", ""),
    "exp_": ("exp", "[0.0, 1.0]", ""),
    "expm1_": ("expm1", "[0.0, 1.0]", ""),
    "log_": ("log", "[1.0, 2.0]", ""),
    "log1p_": ("log1p", "[0.0, 1.0]", ""),
    "log2_": ("log2", "[1.0, 8.0]", ""),
    "log10_": ("log10", "[1.0, 100.0]", ""),
    "sin_": ("sin", "[0.0, 1.0]", ""),
    "cos_": ("cos", "[0.0, 1.0]", ""),
    "tan_": ("tan", "[0.0, 1.0]", ""),
    "tanh_": ("tanh", "[0.0, 1.0]", ""),
    "sigmoid_": ("sigmoid", "[0.0, 1.0]", ""),
    "relu_": ("relu", "[-1.0, 1.0]", ""),
    "abs_": ("abs", "[-1.0, 1.0]", ""),
    "neg_": ("neg", "[-1.0, 1.0]", ""),
    "negative_": ("neg", "[-1.0, 1.0]", ""),
    "sign_": ("sign", "[-2.0, 3.0]", ""),
    "square_": ("square", "[-2.0, 3.0]", ""),
    "reciprocal_": ("reciprocal", "[2.0, 4.0]", ""),
    "floor_": ("floor", "[-1.5, 1.5]", ""),
    "ceil_": ("ceil", "[-1.5, 1.5]", ""),
    "round_": ("round", "[-1.4, 1.6]", ""),
    "trunc_": ("trunc", "[-1.5, 1.5]", ""),
    "frac_": ("frac", "[-1.5, 1.5]", ""),
    "erf_": ("erf", "[0.0, 1.0]", ""),
    "erfinv_": ("erfinv", "[0.0, 0.5]", ""),
    "clamp_min_": ("clamp_min", "[-1.0, 1.0]", "0.0"),
    "clamp_max_": ("clamp_max", "[-1.0, 1.0]", "0.0"),
    "clip_": ("clip", "[-2.0, 2.0]", "-1.0, 1.0"),
    "pow_": ("pow", "[2.0, 3.0]", "2"),
    "fmod_": ("fmod", "[5.0, -5.0]", "3.0"),
    "remainder_": ("remainder", "[5.0, -5.0]", "3.0"),
    "lerp_": ("lerp", "[0.0, 1.0]", "autodiff.tensor([2.0, 3.0]), 0.5"),
    "addcmul_": (
        "addcmul",
        "[1.0, 2.0]",
        "autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0])",
    ),
    "addcdiv_": (
        "addcdiv",
        "[1.0, 2.0]",
        "autodiff.tensor([1.0, 2.0]), autodiff.tensor([2.0, 4.0])",
    ),
    "tril_": ("tril", "[[1.0, 2.0], [3.0, 4.0]]", ""),
    "triu_": ("triu", "[[1.0, 2.0], [3.0, 4.0]]", ""),
    "nan_to_num_": ("nan_to_num", "[float('nan'), 1.0]", ""),
    "logit_": ("logit", "[0.25, 0.5]", ""),
    "sinc_": ("sinc", "[0.5, 1.0]", ""),
    "deg2rad_": ("deg2rad", "[90.0, 180.0]", ""),
    "rad2deg_": ("rad2deg", "[1.0, 2.0]", ""),
    "xlogy_": ("xlogy", "[1.0, 2.0]", "2.0"),
    "hypot_": ("hypot", "[3.0, 5.0]", "autodiff.tensor([4.0, 12.0])"),
    "atan2_": ("atan2", "[1.0, 2.0]", "autodiff.tensor([1.0, 1.0])"),
    "copysign_": ("copysign", "[1.0, 2.0]", "-1.0"),
    "float_power_": ("float_power", "[1.0, 2.0]", "2.0"),
    "absolute_": ("absolute", "[-1.0, 1.0]", ""),
    "acos_": ("acos", "[0.0, 0.5]", ""),
    "arccos_": ("arccos", "[0.0, 0.5]", ""),
    "asin_": ("asin", "[0.0, 0.5]", ""),
    "arcsin_": ("arcsin", "[0.0, 0.5]", ""),
    "atan_": ("atan", "[0.0, 0.5]", ""),
    "arctan_": ("arctan", "[0.0, 0.5]", ""),
    "acosh_": ("acosh", "[1.0, 2.0]", ""),
    "arccosh_": ("arccosh", "[1.0, 2.0]", ""),
    "asinh_": ("asinh", "[0.0, 0.5]", ""),
    "arcsinh_": ("arcsinh", "[0.0, 0.5]", ""),
    "atanh_": ("atanh", "[0.0, 0.5]", ""),
    "arctanh_": ("arctanh", "[0.0, 0.5]", ""),
    "arctan2_": ("arctan2", "[1.0, 2.0]", "autodiff.tensor([1.0, 1.0])"),
    "sinh_": ("sinh", "[0.0, 0.5]", ""),
    "cosh_": ("cosh", "[0.0, 0.5]", ""),
    "exp2_": ("exp2", "[0.0, 3.0]", ""),
    "erfc_": ("erfc", "[0.0, 0.5]", ""),
    "digamma_": ("digamma", "[1.0, 2.5]", ""),
    "lgamma_": ("lgamma", "[1.0, 2.5]", ""),
    "mvlgamma_": ("mvlgamma", "[2.0, 2.5]", "2"),
    "fix_": ("fix", "[-1.5, 1.5]", ""),
    "sgn_": ("sgn", "[-1.5, 1.5]", ""),
    "divide_": ("divide", "[3.0, 4.0]", "2.0"),
    "true_divide_": ("true_divide", "[3.0, 4.0]", "2.0"),
    "floor_divide_": ("floor_divide", "[3.0, -4.0]", "2.0"),
    "multiply_": ("multiply", "[3.0, 4.0]", "2.0"),
    "subtract_": ("subtract", "[3.0, 4.0]", "2.0"),
    "ldexp_": ("ldexp", "[1.0, 2.0]", "autodiff.tensor([1, 2])"),
    "nextafter_": ("nextafter", "[1.0, 2.0]", "autodiff.tensor([2.0, 1.0])"),
    "heaviside_": ("heaviside", "[-1.0, 0.0]", "autodiff.tensor([0.5])"),
    "cumsum_": ("cumsum", "[1.0, 2.0]", "0"),
    "cumprod_": ("cumprod", "[1.0, 2.0]", "0"),
    "renorm_": ("renorm", "[[3.0, 4.0], [0.3, 0.4]]", "2, 0, 1.0"),
    "masked_scatter_": (
        "masked_scatter",
        "[1.0, 2.0]",
        "autodiff.tensor([True, False]), autodiff.tensor([5.0])",
    ),
    "conj_physical_": ("conj_physical", "[1.0, 2.0]", ""),
    "addmm_": ("addmm", "[[1.0, 2.0]]", "autodiff.ones(1, 3), autodiff.ones(3, 2)"),
    "addmv_": ("addmv", "[1.0, 2.0]", "autodiff.ones(2, 3), autodiff.ones(3)"),
    "addr_": ("addr", "[[1.0, 2.0]]", "autodiff.ones(1), autodiff.ones(2)"),
    "addbmm_": ("addbmm", "[[1.0, 2.0]]", "autodiff.ones(2, 1, 3), autodiff.ones(2, 3, 2)"),
    "baddbmm_": ("baddbmm", "[[[1.0, 2.0]]]", "autodiff.ones(1, 1, 3), autodiff.ones(1, 3, 2)"),
    "scatter_reduce_": (
        "scatter_reduce",
        "[1.0, 2.0, 3.0]",
        "0, autodiff.tensor([0, 0]), autodiff.tensor([5.0, 1.0]), 'amax'",
    ),
    "index_put_": (
        "index_put",
        "[1.0, 2.0, 3.0]",
        "(autodiff.tensor([0, 2]),), autodiff.tensor([5.0, 6.0])",
    ),
    "put_": ("put", "[[1.0, 2.0], [3.0, 4.0]]", "autodiff.tensor([3]), autodiff.tensor([9.0])"),
}


def _inplace_method(name: str, method: str, example_input: str, example_args: str):
    def fn(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        out_of_place = getattr(Tensor, method)
        other = next((a for a in args if isinstance(a, Tensor)), None)
        return inplace(self, name, lambda x: out_of_place(x, *args, **kwargs), other)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""In-place :meth:`Tensor.{method}`: ``self`` takes the result (same shape).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor({example_input})
    >>> y = x.clone().{name}({example_args})
    >>> bool(autodiff.equal(y, x.{method}({example_args})))
    True
    """
    return fn


# in-place comparisons: self takes 1 where the comparison holds, else 0, in its own dtype
_COMPARISONS_INPLACE = (
    "eq ne lt le gt ge greater greater_equal less less_equal not_equal".split()
)


def _comparison_inplace_method(method: str):
    name = method + "_"

    def fn(self: Tensor, other: Any) -> Tensor:
        compare = getattr(Tensor, method)

        def result(x: Tensor) -> Tensor:
            out = compare(x, other)
            if (isinstance(other, Tensor) and other.requires_grad and recording()
                    and x.dtype.kind == "f"):
                out = out + other * 0.0  # (other's history too: a zero gradient, as PyTorch)
            return out

        # replaces: the result does not depend on self's values differentiably; while
        # recording, self's new history passes a zero gradient to its old value (as
        # PyTorch's LtBackward and the like)
        return inplace(self, name, result, other, replaces=True)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""In-place :meth:`Tensor.{method}`: ``self`` becomes 1 where it holds and 0
    elsewhere, keeping its dtype (as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([1.0, 2.0, 3.0])
    >>> y = x.clone().{name}(2.0)
    >>> y.dtype == x.dtype, bool(autodiff.equal(y, x.{method}(2.0).float()))
    (True, True)
    """
    return fn


def inplace_methods() -> dict:
    """``{name_: method}``: the further in-place Tensor methods (ops/__init__ binds them)."""
    methods = {name: _inplace_method(name, *spec) for name, spec in _INPLACE.items()}
    for method in _COMPARISONS_INPLACE:
        methods[method + "_"] = _comparison_inplace_method(method)
    return methods
