"""Memory sharing and in-place history: one ``ViewMeta`` object per tensor.

A tensor that never shares memory and is never changed in place carries no
metadata at all (its ``_meta`` slot stays unset: op results skip the store).
The first view, detach or in-place change gives it a ``ViewMeta``:

- ``base``: the tensor owning the memory this one shares (None for the owner).
  Views of views point at the owner, so there is one version counter per memory.
- ``kind``: how it shares memory without sharing history: ``"detach"`` (made by
  ``detach()``), ``"detach_view"`` (a view of one), ``"no_grad_view"`` (a view made
  under no_grad of a tensor that requires grad); None for a tracked view or owner.
- ``version``: the clock of the last in-place change of the memory (kept on the
  owner's object: that is the counter every view reads).
- ``rebases``: clocks at which a recorded in-place op gave the owner a new history;
  the nodes of its views share this list (``Node.view_rebases``), so backward can
  tell a view used after such a change without keeping the owner alive.
- ``views``: weak references to the owner's live tracked views; a recorded in-place
  change gives each of them a new history (``ops/inplace.regenerate_views``).
- ``prior_fns``: ``(clock, grad_fn)`` before each of this tensor's rebases, so a node
  recorded earlier follows the history the tensor had when the node used it.
- ``place``: where a view sits in its owner, cached by ``ops/inplace._place`` as
  ``(owner array, view array, index, whether its elements are distinct)``.

This module knows nothing of nodes or ops: the engine, backward and the in-place
ops read and write these fields through the functions below.

Examples
--------
>>> import autodiff
>>> from autodiff.views import root, version
>>> x = autodiff.zeros(4)
>>> v = x[1:3]
>>> root(v) is x, version(x)
(True, 0)
>>> v.add_(1.0)
Tensor([1., 1.])
>>> version(x) > 0 and version(x) == version(v)
True
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tensor import Tensor


class ViewMeta:
    """A tensor's memory-sharing and in-place history (see the module docstring).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.views import meta
    >>> x = autodiff.zeros(3)
    >>> m = meta(x)
    >>> m.base is None, m.version, m.kind
    (True, 0, None)
    """

    __slots__ = ("base", "kind", "version", "rebases", "views", "prior_fns", "place")

    def __init__(self, base: Tensor | None = None, kind: str | None = None) -> None:
        self.base = base
        self.kind = kind
        self.version = 0
        self.rebases: list | None = None
        self.views: list | None = None
        self.prior_fns: list | None = None
        self.place: tuple | None = None

    def __repr__(self) -> str:
        what = "owner" if self.base is None else f"view of shape {self.base.shape}'s memory"
        return f"ViewMeta({what}, kind={self.kind!r}, version={self.version})"


def meta(t: Tensor) -> ViewMeta:
    """``t``'s metadata, made on first use."""
    m = getattr(t, "_meta", None)
    if m is None:
        m = t._meta = ViewMeta()
    return m


def root(t: Tensor) -> Tensor:
    """The tensor owning the memory ``t`` views (``t`` itself if not a view)."""
    m = getattr(t, "_meta", None)
    if m is None or m.base is None:
        return t
    return m.base


def is_view(t: Tensor) -> bool:
    """True if ``t`` shares another tensor's memory (a view, or a detach())."""
    m = getattr(t, "_meta", None)
    return m is not None and m.base is not None


def kind(t: Tensor) -> str | None:
    """How ``t`` shares memory without sharing history (see ``ViewMeta.kind``)."""
    m = getattr(t, "_meta", None)
    return None if m is None else m.kind


def version(t: Tensor) -> int:
    """The clock of the last in-place change of ``t``'s memory (0: never changed)."""
    m = getattr(root(t), "_meta", None)
    return 0 if m is None else m.version


def share_memory(out: Tensor, of: Tensor, kind: str | None = None) -> ViewMeta:
    """Mark ``out`` as sharing ``of``'s memory (one version counter for both)."""
    m = out._meta = ViewMeta(root(of), kind)
    return m


def rebase_log(t: Tensor) -> list:
    """``t``'s list of clocks at which a recorded in-place op gave it a new grad_fn
    (view nodes of ``t`` share it; see backward.check_view_current)."""
    m = meta(t)
    if m.rebases is None:
        m.rebases = []
    return m.rebases


def add_view(owner: Tensor, view: Tensor) -> None:
    """Remember ``view`` (weakly) so that an in-place change of ``owner`` while
    recording can give it a new history; dead references are dropped each time
    the list doubles, so a long-lived tensor viewed every step keeps a short list."""
    m = meta(owner)
    if m.views is None:
        m.views = [weakref.ref(view)]
        return
    m.views.append(weakref.ref(view))
    n = len(m.views)
    if n >= 64 and not n & (n - 1):
        m.views = [ref for ref in m.views if ref() is not None]


def live_views(owner: Tensor) -> list:
    """``owner``'s live tracked views (dead references are dropped)."""
    m = getattr(owner, "_meta", None)
    if m is None or not m.views:
        return []
    pairs = [(ref, ref()) for ref in m.views]
    m.views = [ref for ref, view in pairs if view is not None]
    return [view for _, view in pairs if view is not None]


def push_prior_fn(t: Tensor, clock: int, grad_fn: Any) -> None:
    """Remember that ``t`` had history ``grad_fn`` until ``clock``."""
    m = meta(t)
    if m.prior_fns is None:
        m.prior_fns = []
    m.prior_fns.append((clock, grad_fn))


def grad_fn_at(t: Tensor, clock: int) -> tuple[bool, Any]:
    """``(True, fn)`` if ``t`` took a new history after ``clock``, ``fn`` being the
    one it had at ``clock``; ``(False, None)`` if its current history is that one."""
    m = getattr(t, "_meta", None)
    prior = None if m is None else m.prior_fns
    if not prior or prior[-1][0] <= clock:
        return False, None
    return True, next(fn for when, fn in prior if when > clock)
