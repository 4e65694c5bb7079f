'''Docstrings of the Tensor methods that autodiff/ops/__init__.py binds as lambdas
(conversions and PyTorch's aliases) and of the comparison ops.

They live here so that ``help(Tensor.float)`` and the API reference say what each
does; a method that already has a docstring of its own keeps it. The examples run
in tests/test_doctests.py (which collects Tensor's methods wherever they are bound).
'''

from __future__ import annotations

from .ops import eq, ge, gt, le, lt, ne
from .tensor import Tensor

_COMPARE = """Elementwise ``{a} {sym} {b}`` as a bool Tensor (``autodiff.{name}(a, b)``,
``a.{name}(b)`` or ``a {sym} b``); never differentiable.

``b`` may be a Tensor (broadcast against ``a``) or a number. Dtypes are compared
as PyTorch promotes them: an int tensor against a float compares in the float's
dtype.

Parameters
----------
a, b : Tensor or number
    The operands (at least one a Tensor).

Returns
-------
Tensor
    dtype ``bool``, the broadcast shape of ``a`` and ``b``.

Examples
--------
>>> import autodiff
>>> x = autodiff.tensor([1.0, 2.0, 3.0])
>>> autodiff.{name}(x, 2.0)
Tensor({example})
>>> x.{name}(autodiff.tensor([3.0, 2.0, 1.0])).dtype
dtype('bool')
"""

_COMPARISONS = {
    lt: ("<", "[ True, False, False]"),
    le: ("<=", "[ True,  True, False]"),
    gt: (">", "[False, False,  True]"),
    ge: (">=", "[False,  True,  True]"),
    eq: ("==", "[False,  True, False]"),
    ne: ("!=", "[ True, False,  True]"),
}


def _cast(method: str, dtype: str, torch_name: str) -> str:
    return f"""This tensor as {dtype} (``self.to(autodiff.{torch_name})``); ``self`` when it
already is. The copy stays in the graph: gradients flow back through it (for
floating dtypes).

Returns
-------
Tensor

Examples
--------
>>> import autodiff
>>> autodiff.tensor([1.7, -2.2]).{method}().dtype
dtype('{dtype}')
"""


_NEW = """A new tensor of ``size`` filled with {what}, with this tensor's dtype unless
``dtype`` is given (PyTorch's ``Tensor.{name}``).

Parameters
----------
*size : int or a tuple of ints
    The shape (``t.{name}(2, 3)`` or ``t.{name}((2, 3))``).
dtype : dtype, optional
device : "cpu", optional
requires_grad : bool, default False

Examples
--------
>>> import autodiff
>>> t = autodiff.zeros(1, dtype=autodiff.float64)
>>> t.{name}(2, 3).shape, t.{name}(2).dtype
((2, 3), dtype('float64'))
"""

DOCS = {
    "float": _cast("float", "float32", "float32"),
    "double": _cast("double", "float64", "float64"),
    "half": _cast("half", "float16", "float16"),
    "long": _cast("long", "int64", "int64"),
    "int": _cast("int", "int32", "int32"),
    "bool": _cast("bool", "bool", "bool"),
    "contiguous": """This tensor if it is C-contiguous, else a C-contiguous copy that stays
in the graph (as PyTorch's, which never shares memory with the original then).

Examples
--------
>>> import autodiff
>>> x = autodiff.ones(2, 3)
>>> x.contiguous() is x, x.T.contiguous().data.flags.c_contiguous
(True, True)
""",
    "expand_as": """``self.expand(*other.shape)``: a broadcast view of this tensor in
``other``'s shape (its gradient is summed back to this shape).

Examples
--------
>>> import autodiff
>>> autodiff.tensor([[1.0], [2.0]]).expand_as(autodiff.zeros(2, 3))
Tensor([[1., 1., 1.],
        [2., 2., 2.]])
""",
    "reshape_as": """``self.reshape(other.shape)``.

Examples
--------
>>> import autodiff
>>> autodiff.arange(6).reshape_as(autodiff.zeros(2, 3)).shape
(2, 3)
""",
    "new_zeros": _NEW.format(what="zeros", name="new_zeros"),
    "new_ones": _NEW.format(what="ones", name="new_ones"),
    "new_empty": _NEW.format(what="zeros (autodiff never hands out uninitialised memory)",
                             name="new_empty"),
    "T": """The tensor with its dimensions reversed (the transpose of a matrix).

Examples
--------
>>> import autodiff
>>> autodiff.zeros(2, 3, 4).T.shape
(4, 3, 2)
""",
    "mT": """The tensor with its last two dimensions swapped (a batch of matrices,
each transposed).

Examples
--------
>>> import autodiff
>>> autodiff.zeros(5, 2, 3).mT.shape
(5, 3, 2)
""",
}
# view_as is reshape_as: autodiff has no stride views of arbitrary memory
DOCS["view_as"] = DOCS["reshape_as"]


def _document() -> None:
    for fn, (sym, example) in _COMPARISONS.items():
        if not fn.__doc__:
            fn.__doc__ = _COMPARE.format(a="a", b="b", sym=sym, name=fn.__name__,
                                         example=example)
    for name, doc in DOCS.items():
        member = vars(Tensor).get(name)
        if member is not None and not member.__doc__:
            member.__doc__ = doc


_document()
