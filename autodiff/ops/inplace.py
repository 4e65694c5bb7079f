"""In-place ops (``add_``, ``x[idx] = v``, ...) with version counters.

While recording, an in-place op on a non-leaf is rewritten as its out-of-place
form applied to a snapshot of the old value, and the tensor takes over the new
node (as PyTorch rebases ``grad_fn``). Every in-place op bumps the version of
the tensor's storage, so a backward that needs the old values raises instead
of computing a wrong gradient.
"""

from __future__ import annotations

import numpy as np

from .._typing import Number, TensorLike
from .._update import BLOCK_BYTES, scaled_inplace
from ..engine import (
    ALL_THREADS,
    CLOCK,
    STATE,
    Node,
    apply2,
    mark_output_dirty,
    no_grad,
    record,
    recording,
)
from ..tensor import Tensor, _make, _RetainGrad
from ..views import is_view, kind, live_views, meta, push_prior_fn, rebase_log, root
from . import registry as R
from ._base import as_tensor_arg, operands
from .arithmetic import add, check_alpha, div, mul, sub
from .casts import where
from .parameterised import clamp
from .shape import expand, reshape
from .subscript import (
    GetItemBackward,
    _basic_index,
    _convert_index,
    _own_index,
    _torch_index,
    index_target,
    index_view,
)


def _snapshot(t: Tensor) -> Tensor:
    old = _make(t.data.copy(), t.grad_fn)
    old.requires_grad = t.requires_grad
    return old


def inplace(t: Tensor, opname: str, out_of_place, other=None, replaces: bool = False) -> Tensor:
    """Apply ``out_of_place(t)`` and store the result into ``t`` itself.

    ``replaces``: the new value does not depend on the old one (fill_, copy_); while
    recording, ``t`` still becomes a non-leaf whose history passes a zero gradient
    to its old value, as in PyTorch.
    """
    if not isinstance(t, Tensor):
        raise TypeError(f"{opname}: expected a Tensor")
    other_rg = isinstance(other, Tensor) and other.requires_grad
    grad_mode = not ALL_THREADS.off or STATE.grad_enabled  # (recording(), inlined)
    if grad_mode and t.requires_grad and t.grad_fn is None:
        raise RuntimeError(
            f"{opname}: a leaf tensor that requires grad cannot be changed in place while "
            "gradients are recorded (it would invalidate its gradient); wrap the update in "
            "`with autodiff.no_grad():` or use the out-of-place form"
        )
    records = grad_mode and (t.requires_grad or other_rg)
    if grad_mode and kind(t):
        _refuse_untracked(t, opname, records)
    if records and is_view(t):
        return _inplace_on_view(t, opname, out_of_place)
    if not t.data.flags.writeable:
        raise RuntimeError(
            f"{opname}: this tensor's memory is read-only (it was made by expand/broadcast); "
            ".clone() it first"
        )
    if records:
        old = _snapshot(t)
        res = out_of_place(old)
        if replaces:
            res = where(np.ones(t.data.shape, dtype=bool), res, old)
    else:
        with no_grad():
            res = out_of_place(t)
    if res.shape != t.shape:
        raise RuntimeError(
            f"{opname}: the result has shape {res.shape} but an in-place op must keep the "
            f"tensor's shape {t.shape}"
        )
    mark_output_dirty(t)
    if res.data.dtype != t.data.dtype and not np.can_cast(
        res.data.dtype, t.data.dtype, "same_kind"
    ):
        raise TypeError(
            f"{opname}: result dtype {res.data.dtype} cannot be stored in place into a tensor "
            f"of dtype {t.data.dtype}"
        )
    np.copyto(t.data, res.data, casting="same_kind")
    if records and res.grad_fn is not None:
        _rebase(t, res.grad_fn)
        _regenerate_views(t, None)
    return t


def _refuse_untracked(t: Tensor, opname: str, recording: bool) -> None:
    """Raise for an in-place change, in grad mode, of a tensor that shares memory but
    not history with one that requires grad: a view made under no_grad (PyTorch
    refuses any change of it), or a detach() or a view of one changed with a value
    that requires grad (PyTorch records that on the detached tensor alone; autodiff
    refuses it)."""
    no_grad_view = kind(t) == "no_grad_view"
    if no_grad_view and root(t).requires_grad:
        raise RuntimeError(
            f"{opname}: this view was made under no_grad of a tensor that requires grad, "
            "so it shares memory, not history, with it; changing it in place in grad "
            "mode would make that tensor's gradient wrong. .clone() it first, or make "
            "the change under `with autodiff.no_grad():`"
        )
    if not no_grad_view and recording:
        raise RuntimeError(
            f"{opname}: this tensor was made by detach() (or is a view of one): it shares "
            "memory, not history, with the tensor it was detached from, and changing it "
            "in place with a value that requires grad is not supported. .clone() it "
            "first"
        )


def _rebase(t: Tensor, node: Node) -> None:
    """Give ``t`` the history ``node`` (a recorded in-place change of it, or of the
    memory it views). Nodes recorded before keep the history they used (backward
    reads ``views.grad_fn_at``); a retain_grad() moves to the new history, as PyTorch's."""
    old = t.grad_fn
    push_prior_fn(t, CLOCK.clock, old)
    if old is not None and old.hooks:
        moved = [h for h in old.hooks if isinstance(h, _RetainGrad) and h.ref() is t]
        if moved:
            old.hooks[:] = [h for h in old.hooks if h not in moved]
            node.hook_list().extend(moved)
    t.grad_fn = node
    t.requires_grad = True
    if not is_view(t):
        # when: backward tells view nodes made before this from those made after
        rebase_log(t).append(CLOCK.clock)  # (a list its views' nodes share)


def view_positions(
    view: np.ndarray, base: np.ndarray, overlapping: bool = False
) -> np.ndarray | None:
    """Where each element of ``view`` (a NumPy view into ``base``'s memory) sits in
    ``base``, as flat C-order indices shaped like ``view``; None when that cannot be
    told (another dtype, memory ``base`` does not hold), or when elements overlap
    (an expansion) unless ``overlapping``.

    Examples
    --------
    >>> import numpy as np
    >>> b = np.zeros((2, 3))
    >>> view_positions(b[:, 1], b), view_positions(b.T[::2], b)
    (array([1, 4]), array([[0, 3],
           [2, 5]]))
    """
    item = base.itemsize
    if view.dtype != base.dtype or base.size == 0:
        return None if view.size else np.zeros(view.shape, np.intp)
    start = base.__array_interface__["data"][0]
    offset = view.__array_interface__["data"][0] - start
    if offset % item or any(s % item for s in view.strides + base.strides):
        return None
    mem = _element_offsets(view, offset // item)
    if base.flags.c_contiguous:  # memory order is C order (the common case)
        flat = mem
        valid = mem.size == 0 or (mem.min() >= 0 and mem.max() < base.size)
    else:  # any other layout: look each offset up among the base's own
        base_mem = _element_offsets(base, 0).reshape(-1)
        order = np.argsort(base_mem, kind="stable")
        sorted_mem = base_mem[order]
        at = np.clip(np.searchsorted(sorted_mem, mem), 0, base.size - 1)
        valid = bool(np.all(sorted_mem[at] == mem))
        flat = order[at]
    if not valid:
        return None
    if not overlapping and np.unique(flat).size != flat.size:
        return None  # overlapping elements (a stride of 0): no single place to write
    return flat


def _element_offsets(a: np.ndarray, start: int) -> np.ndarray:
    """Each element's memory offset, in elements, from ``start``, shaped like ``a``."""
    mem = np.full(a.shape, start, np.intp)
    for axis, (n, stride) in enumerate(zip(a.shape, a.strides)):
        shape = [1] * a.ndim
        shape[axis] = n
        mem += (np.arange(n, dtype=np.intp) * (stride // a.itemsize)).reshape(shape)
    return mem


def _base_index(positions: np.ndarray, base: Tensor) -> tuple | None:
    """An index that picks ``positions`` (flat C-order, shaped like the view) from
    ``base``: one int array per axis; None for a 0-d base (it has no axis)."""
    return np.unravel_index(positions, base.shape) if base.data.ndim else None


def _view_place(t: Tensor, base: Tensor, opname: str) -> tuple:
    """Where view ``t`` lies in ``base``, once the in-place change is known to be allowed."""
    if base.requires_grad and base.grad_fn is None:
        raise RuntimeError(
            f"{opname}: this is a view of a leaf tensor that requires grad; changing it in "
            "place while gradients are recorded would invalidate the leaf's gradient. Wrap "
            "the change in `with autodiff.no_grad():`, or change a .clone()"
        )
    if not t.data.flags.writeable:
        raise RuntimeError(
            f"{opname}: this tensor's memory is read-only (it was made by expand/broadcast); "
            ".clone() it first"
        )
    if base.data.ndim == 0:
        raise RuntimeError(
            f"{opname}: changing a view of a 0-d tensor in place while recording "
            "gradients is not supported; change the 0-d tensor itself"
        )
    index = _place(t, base, overlapping=False)
    if index is None:
        raise RuntimeError(
            f"{opname}: cannot tell which elements of its base (of shape {base.shape}) this "
            "view covers (it overlaps itself); "
            "use the out-of-place form, or .clone() the view first"
        )
    return index


def _inplace_on_view(t: Tensor, opname: str, out_of_place) -> Tensor:
    """An in-place op on a view while recording, as PyTorch's CopySlices does it.

    The base gets a new history, ``setitem(base, positions, new values)``, and the
    view a new one, ``base[positions]``: gradients reach the base's old history
    everywhere but the view's elements, and the values the op depended on.
    """
    base = root(t)
    index = _view_place(t, base, opname)
    # the view's current value, with the base's current history (the view's own
    # recorded history may be stale: its base may have changed in place since)
    if base.requires_grad:
        old = record(GetItemBackward, (base,), (True,), index, t.data.copy())
    else:
        old = _make(t.data.copy(), None)
    # (fill_/copy_: the setitem below already passes the old values a zero gradient)
    res = out_of_place(old)
    if res.shape != t.shape:
        raise RuntimeError(
            f"{opname}: the result has shape {res.shape} but an in-place op must keep the "
            f"tensor's shape {t.shape}"
        )
    if res.data.dtype != t.data.dtype and not np.can_cast(
        res.data.dtype, t.data.dtype, "same_kind"
    ):
        raise TypeError(
            f"{opname}: result dtype {res.data.dtype} cannot be stored in place into a tensor "
            f"of dtype {t.data.dtype}"
        )
    node = None
    if res.requires_grad or base.requires_grad:
        needs = (base.requires_grad, res.requires_grad)
        # a base without history enters as a shape-only constant, not itself (whose
        # grad_fn is about to be this very node: a reference cycle)
        old_base = base
        if not base.requires_grad:
            old_base = _make(np.broadcast_to(np.zeros((), base.data.dtype), base.shape), None)
        # (recorded before the change, as the ops of the new values are: it reads
        # its inputs as they were)
        node = record(SetItemBackward, (old_base, res), needs, index, base.data).grad_fn
    mark_output_dirty(t)
    np.copyto(t.data, res.data, casting="same_kind")
    if node is None:
        return t  # nothing to record: the new values need no gradient
    _rebase(base, node)
    _view_history(t, base, index)
    _regenerate_views(base, t)
    return t


def _place(view: Tensor, base: Tensor, overlapping: bool = True) -> tuple | None:
    """The index that picks ``view``'s elements out of ``base`` (cached on the view:
    a view's place in its memory never changes); None if it cannot be told, or if
    elements overlap (an expansion) unless ``overlapping``."""
    m = meta(view)
    cached = m.place
    if cached is None or cached[0] is not base._data or cached[1] is not view._data:
        positions = view_positions(view._data, base._data, overlapping=True)
        index = None if positions is None else _base_index(positions, base)
        unique = positions is not None and np.unique(positions).size == positions.size
        cached = m.place = (base._data, view._data, index, unique)
    index, unique = cached[2], cached[3]
    return index if unique or overlapping else None


def _view_history(view: Tensor, base: Tensor, index: tuple) -> None:
    """Give ``view`` the history ``base[index]`` from ``base``'s current one."""
    node = record(GetItemBackward, (base,), (True,), index, view.data).grad_fn
    node.view_rebases = rebase_log(base)
    _rebase(view, node)


def _regenerate_views(base: Tensor, done: Tensor | None) -> None:
    """After a recorded in-place op gave ``base`` a new history, give every live
    view of it a history from the new one, as PyTorch regenerates a view on use
    (``done``, the view changed, has one already): gradients through any view then
    pass the base's new node and its hooks. A view whose place in ``base`` cannot
    be told keeps its history, and backward raises if it is used after the change."""
    for view in live_views(base):
        if view is done or kind(view):
            continue
        # (an expansion reads elements more than once: its gradient adds them up)
        index = _place(view, base)
        if index is not None:
            _view_history(view, base, index)


class SetItemBackward(Node):
    """``out = x.copy(); out[index] = v``."""

    name = "setitem"
    saves = ()

    @staticmethod
    def forward(x, v, index):
        out = x.copy()
        view, idx = index_target(out, index)
        view[idx] = v
        return out

    def vjp(self, g, xs, out, xp):
        index = self.attrs
        x = xs[0]
        gx = gv = None
        if self.needs[0]:
            mask = np.zeros(x.shape, dtype=bool)
            view, idx = index_target(mask, index)
            view[idx] = True
            gx = xp.where(mask, 0.0, g)
        if self.needs[1]:
            gv = xp.getitem(g, index)
        return gx, gv


def _setitem_operands(x, index, value) -> tuple:
    """``(x, v, index)``: the operands promoted and the index converted, after checking
    that ``value`` fits ``x[index]``."""
    x, v = operands(x, value, "setitem")
    index = _torch_index(_convert_index(index))
    target_shape = index_view(x.data, index).shape
    if v.shape != target_shape:
        lead = v.data.ndim - len(target_shape)
        if lead > 0 and all(n == 1 for n in v.shape[:lead]):
            # as PyTorch: a value's leading 1-dims may go (x[0] = row of shape (1, n))
            v = reshape(v, v.shape[lead:])
        try:
            np.broadcast_to(v.data, target_shape)
        except ValueError:
            raise ValueError(
                f"setitem: value of shape {tuple(v.shape)} does not broadcast to x[{index!r}] "
                f"of shape {target_shape} (leading 1-dims of the value may be dropped, no others)"
            ) from None
    return x, v, index


def setitem_outofplace(x, index, value) -> Tensor:
    """``x`` with ``value`` written at ``index`` (out of place).

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ops.inplace.setitem_outofplace(autodiff.zeros(3), 1, 5.0)
    Tensor([0., 5., 0.])
    """
    x, v, index = _setitem_operands(x, index, value)
    if recording() and (x.requires_grad or v.requires_grad):
        index = _own_index(index)
    return apply2(SetItemBackward, x, v, index)


def _setitem_direct(t: Tensor, index, value) -> bool:
    """Write ``value`` at ``index`` straight into ``t``'s memory when nothing is
    recorded (a loop of ``x[i] += v`` would otherwise copy all of ``t`` each time);
    False when the general path must run (recording, read-only memory, promotion,
    a tensor that shares memory but not history)."""
    if recording() and (t.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
        return False
    data = t.data
    if not data.flags.writeable or kind(t):
        return False
    x, v, index = _setitem_operands(t, index, value)
    if x is not t:  # (the value's dtype promoted x: the general path says what is wrong)
        return False
    view, idx = index_target(data, index)
    view[idx] = v.data
    mark_output_dirty(t)
    return True


def _setitem_basic(t: Tensor, index, value) -> bool:
    """``t[index] = value`` straight into memory for a basic index (``_basic_index``:
    ints, slices, None, ``...``, 0-d integer Tensors) and a value of ``t``'s dtype (a
    Tensor, or a Python number into a float tensor) when nothing is recorded; NumPy's
    assignment broadcasts as PyTorch's (a value's leading 1-dims may go). False when
    ``_setitem_direct`` or the general path must run (they also say what is wrong)."""
    idx = _basic_index(index)
    if idx is None:
        return False
    data = t._data
    if isinstance(value, Tensor):
        v = value._data
        if v.dtype is not data.dtype:
            return False
        needs_grad = t.requires_grad or value.requires_grad
    elif (type(value) is float or type(value) is int) and data.dtype.kind == "f":
        v = value
        needs_grad = t.requires_grad
    else:
        return False
    if needs_grad and (not ALL_THREADS.off or STATE.grad_enabled):
        return False
    m = getattr(t, "_meta", None)
    if (m is not None and m.kind) or not data.flags.writeable:
        return False
    try:
        data[idx] = v
    except (IndexError, ValueError):
        return False  # (nothing was written)
    mark_output_dirty(t)
    return True


def _writes_itself_back(t: Tensor, index, value) -> bool:
    """While recording, ``t[index] = value`` where ``value`` is a tracked view of
    ``t``'s memory at exactly ``t[index]`` (the write-back Python does after
    ``t[i] += v``, whose in-place add already gave ``t`` its new history): the values
    do not change and neither does the function ``t``'s history computes, so only the
    version is bumped (as PyTorch's copy_ bumps it), without a snapshot of ``t`` and a
    second setitem node. False for anything else (the general path runs)."""
    if not isinstance(value, Tensor) or value._data.dtype is not t._data.dtype:
        return False
    mt = getattr(t, "_meta", None)
    mv = getattr(value, "_meta", None)
    if mt is None or mv is None or mt.base is not None or mt.kind or mv.kind:
        return False  # (t must own its memory, value be a tracked view of it)
    if mv.base is not t or (t.requires_grad and t.grad_fn is None):
        return False  # (a leaf that requires grad: the general path refuses it)
    idx = _basic_index(index)
    if idx is None or not t._data.flags.writeable:
        return False
    try:
        target = t._data[idx]
    except IndexError:
        return False
    v = value._data
    if (
        target.shape != v.shape
        or target.strides != v.strides
        or target.__array_interface__["data"][0] != v.__array_interface__["data"][0]
    ):
        return False
    mark_output_dirty(t)
    return True


def setitem(t: Tensor, index, value) -> None:
    if isinstance(t, Tensor) and (
        _setitem_basic(t, index, value)
        or _setitem_direct(t, index, value)
        or _writes_itself_back(t, index, value)
    ):
        return
    inplace(t, "setitem", lambda x: setitem_outofplace(x, index, value), value)


R.register(
    "setitem",
    setitem_outofplace,
    lambda: [
        R.Sample((R.randn(4, 3), (slice(1, 3),), R.randn(3, seed=4))),
        R.Sample((R.randn(5), np.array([0, 3]), R.randn(2, seed=5))),
        R.Sample(
            (R.randn(2, 3, 4), (0, slice(None), np.array([2, 0])), R.randn(3, 2, seed=6)),
            note="int and array apart (PyTorch's layout)",
        ),
        R.Sample((R.randn(3, 4), 0, R.randn(1, 4, seed=7)), note="leading 1 dropped"),
        R.Sample((R.randn(3, 4), (slice(None), 1), R.randn(1, 1, 3, seed=8)), note="1s dropped"),
        R.Sample((R.randn(3, 4), (slice(None), slice(1, 3)), R.randn(3, 1, seed=9)), note="bcast"),
        R.Sample((R.randn(3, 4), (1, 2), R.randn(1, 1, seed=10)), note="one element"),
    ],
)


_OTHER_TYPES = (int, float, complex, np.ndarray, np.generic, list, tuple)


def _direct(t, opname: str, ufunc, other, alpha=1):
    """In-place ufunc on ``t.data`` when nothing is recorded (optimizer updates).

    Returns None when the op must be recorded (or needs the general path).
    """
    if not isinstance(t, Tensor):
        raise TypeError(f"{opname}: expected a Tensor")
    if not isinstance(other, Tensor) and not isinstance(other, _OTHER_TYPES):
        # (None: a .grad not computed yet, p.sub_(p.grad) before any backward)
        raise TypeError(
            f"{opname}: argument 'other' must be a Tensor or a number, got "
            f"{type(other).__name__}"
        )
    if not ALL_THREADS.off or STATE.grad_enabled:  # (recording(), inlined)
        if t.requires_grad or (isinstance(other, Tensor) and other.requires_grad):
            return None
        m = getattr(t, "_meta", None)
        if m is not None and m.kind:  # (kind(t), inlined)
            _refuse_untracked(t, opname, False)
    if isinstance(other, Tensor):
        o = other._data  # (not the .data property: an optimizer step's hot path)
    elif isinstance(other, (list, tuple)):
        o = np.asarray(other)  # (a list times alpha would repeat the list)
    else:
        o = other
    data = t._data
    if alpha != 1:
        if data.nbytes > BLOCK_BYTES and scaled_inplace(ufunc, data, o, alpha):
            mark_output_dirty(t)
            return t
        o = o * alpha
    try:
        ufunc(data, o, out=data)  # (ufuncs cast "same_kind" by default)
    except ValueError:
        if not data.flags.writeable:
            raise RuntimeError(
                f"{opname}: this tensor's memory is read-only (it was made by expand/broadcast); "
                ".clone() it first"
            ) from None
        raise RuntimeError(
            f"{opname}: a value of shape {np.shape(o)} does not broadcast to this tensor's "
            f"shape {t.shape}; an in-place op must keep the tensor's shape"
        ) from None
    except TypeError:
        if alpha != 1:
            check_alpha(data.dtype, alpha)  # a float alpha on an integer tensor: PyTorch's error
        if ufunc is np.subtract and data.dtype == np.bool_ and np.result_type(o) == np.bool_:
            raise TypeError(
                f"{opname}: subtracting bool tensors is not supported (as in PyTorch); to "
                "invert a mask use ~mask, to take differences use "
                ".to(int64) first"
            ) from None
        raise TypeError(
            f"{opname}: the result of dtype {np.result_type(data, o)} cannot be stored in place "
            f"into a tensor of dtype {data.dtype}"
        ) from None
    mark_output_dirty(t)
    return t


def add_(t: Tensor, other: TensorLike, alpha: Number = 1) -> Tensor:
    """In-place ``t += alpha * other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2).add_(2.0)
    Tensor([3., 3.])
    """
    if type(alpha) is not float and (alpha != 1 or type(alpha) is bool) and isinstance(t, Tensor):
        check_alpha(t._data.dtype, alpha)  # (a float alpha: checked by _direct if it fails)
    if _direct(t, "add_", np.add, other, alpha) is not None:
        return t
    return inplace(t, "add_", lambda x: add(x, other if alpha == 1 else mul(other, alpha)), other)


def sub_(t: Tensor, other: TensorLike, alpha: Number = 1) -> Tensor:
    """In-place ``t -= alpha * other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2).sub_(2.0)
    Tensor([-1., -1.])
    """
    if type(alpha) is not float and (alpha != 1 or type(alpha) is bool) and isinstance(t, Tensor):
        check_alpha(t._data.dtype, alpha)  # (a float alpha: checked by _direct if it fails)
    if _direct(t, "sub_", np.subtract, other, alpha) is not None:
        return t
    return inplace(t, "sub_", lambda x: sub(x, other if alpha == 1 else mul(other, alpha)), other)


def mul_(t: Tensor, other: TensorLike) -> Tensor:
    """In-place ``t *= other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2).mul_(3.0)
    Tensor([3., 3.])
    """
    if _direct(t, "mul_", np.multiply, other) is not None:
        return t
    return inplace(t, "mul_", lambda x: mul(x, other), other)


def div_(t: Tensor, other: TensorLike) -> Tensor:
    """In-place ``t /= other``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2).div_(4.0)
    Tensor([0.25, 0.25])
    """
    if t.data.dtype.kind == "f" and _direct(t, "div_", np.true_divide, other) is not None:
        return t
    return inplace(t, "div_", lambda x: div(x, other), other)


def zero_(t: Tensor) -> Tensor:
    """Fill with zeros in place.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.ones(2).zero_()
    Tensor([0., 0.])
    """
    return fill_(t, 0)


def fill_(t: Tensor, value: Tensor | Number) -> Tensor:
    """Fill with ``value`` in place.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2).fill_(7.0)
    Tensor([7., 7.])
    """
    if isinstance(value, Tensor):
        if value.data.ndim != 0:
            raise RuntimeError(
                f"fill_: the value must be a number or a 0-d tensor, got shape {value.shape}"
            )
        return inplace(t, "fill_", lambda x: expand(value, x.shape), value, replaces=True)
    return inplace(t, "fill_", lambda x: _make(np.full_like(x.data, value), None), replaces=True)


def copy_(t: Tensor, src: TensorLike) -> Tensor:
    """Copy ``src`` (broadcast to this shape) into this tensor in place.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.zeros(2).copy_(autodiff.tensor([1.0, 2.0]))
    Tensor([1., 2.])
    """
    if isinstance(src, (int, float, np.number)) and not isinstance(src, np.complexfloating):
        # a number is converted to t's dtype directly (no rounding through float32)
        src = _make(np.asarray(src, dtype=t.data.dtype), None)
    src = as_tensor_arg(src, "copy_")

    def replace(x):
        s = expand(src, x.shape) if src.shape != x.shape else src
        return s if s.data.dtype == x.data.dtype else s.to(x.data.dtype)

    return inplace(t, "copy_", replace, src, replaces=True)


def clamp_(  # noqa: A002
    t: Tensor, min: Tensor | Number | None = None, max: Tensor | Number | None = None
) -> Tensor:
    """In-place ``clamp``.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.tensor([-1.0, 2.0]).clamp_(min=0.0)
    Tensor([0., 2.])
    """
    return inplace(t, "clamp_", lambda x: clamp(x, min, max))
