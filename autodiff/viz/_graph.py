"""Walking a graph into a flat, index-based form (iteratively: graphs may be huge)."""

from __future__ import annotations

import numpy as np

from ..engine import _RELEASED, Node
from ..tensor import Tensor, _RetainGrad
from ._stats import Summary, summarize


class GradProbe:
    """A node hook (installed by :func:`autodiff.viz.watch`) that keeps a
    summary of the gradient arriving at its node during backward."""

    __slots__ = ("summary",)

    def __init__(self) -> None:
        self.summary: Summary | None = None

    def __call__(self, g: Tensor):
        self.summary = summarize(g.data)
        return None


class Graph:
    """Items (op nodes and leaf tensors) numbered in breadth-first order from
    the roots, and the data edges between them (``src -> dst`` op)."""

    def __init__(self, roots: tuple, inline_scalars: bool) -> None:
        objs: list = []  # Node or leaf Tensor; the list keeps ids stable
        is_op: list = []
        index: dict = {}
        edges: list = []
        outs: dict = {}  # op item -> its known output Tensor
        consts: dict = {}  # op item -> scalar constant tensors folded into its label
        released: set = set()
        self.root_items: list = []
        for r in roots:
            fn = r.grad_fn
            key = r if fn is None else fn
            j = index.get(id(key))
            if j is None:
                j = len(objs)
                objs.append(key)
                is_op.append(fn is not None)
                index[id(key)] = j
            if fn is not None:
                outs[j] = r
            if j not in self.root_items:
                self.root_items.append(j)
        queue = [j for j in self.root_items if is_op[j]]
        head = 0
        append_edge = edges.append
        while head < len(queue):
            i = queue[head]
            head += 1
            node = objs[i]
            inputs = node.inputs
            if node.out is _RELEASED:
                released.add(i)
            for t in inputs:
                if isinstance(t, Node):
                    key, op, tensor = t, True, None
                else:
                    fn = t.grad_fn
                    if fn is None:
                        if inline_scalars and not t.requires_grad and t.data.size == 1:
                            consts.setdefault(i, []).append(t)
                            continue
                        key, op, tensor = t, False, None
                    else:
                        key, op, tensor = fn, True, t
                j = index.get(id(key))
                if j is None:
                    j = len(objs)
                    objs.append(key)
                    is_op.append(op)
                    index[id(key)] = j
                    if op:
                        queue.append(j)
                if tensor is not None and j not in outs:
                    outs[j] = tensor
                append_edge((j, i))
        self.objs = objs
        self.is_op = is_op
        self.index = index
        self.edges = edges
        self.outs = outs
        self.consts = consts
        self.released = released
        self._ins = None
        self._users = None

    def __len__(self) -> int:
        return len(self.objs)

    def _adjacency(self) -> None:
        n = len(self.objs)
        ins: list = [[] for _ in range(n)]
        users: list = [[] for _ in range(n)]
        for s, d in self.edges:
            ins[d].append(s)
            users[s].append(d)
        self._ins, self._users = ins, users

    @property
    def ins(self) -> list:
        """``ins[i]``: the items feeding op ``i`` (one per input, in order)."""
        if self._ins is None:
            self._adjacency()
        return self._ins

    @property
    def users(self) -> list:
        """``users[i]``: the ops that consume item ``i``."""
        if self._users is None:
            self._adjacency()
        return self._users

    # ------------------------------------------------- values and gradients
    def tensor_of(self, i: int) -> Tensor | None:
        """The Tensor item ``i`` stands for, if still known."""
        obj = self.objs[i]
        if not self.is_op[i]:
            return obj
        t = self.outs.get(i)
        if t is None and obj.hooks:
            for h in obj.hooks:
                if isinstance(h, _RetainGrad):
                    t = h.ref()
                    if t is not None:
                        break
        return t

    def value(self, i: int) -> np.ndarray | None:
        """The value of item ``i`` (an op's output), or None if it was freed."""
        t = self.tensor_of(i)
        if t is not None:
            return t.data
        out = getattr(self.objs[i], "out", None)
        if isinstance(out, (np.ndarray, np.generic)):  # not None, not a dirtied marker
            return np.asarray(out)
        return None

    def grad_summary(self, i: int) -> Summary | None:
        """The gradient of item ``i``: a leaf's ``.grad``, a watched op's probe,
        or a ``retain_grad()`` tensor's ``.grad``."""
        obj = self.objs[i]
        if self.is_op[i]:
            if obj.hooks:
                for h in obj.hooks:
                    if isinstance(h, GradProbe) and h.summary is not None:
                        return h.summary
            t = self.tensor_of(i)
            if t is None or t.grad is None:
                return None
            return summarize(t.grad.data)
        g = obj.grad
        return None if g is None else summarize(g.data)


def watch(roots: tuple) -> int:
    """Install a :class:`GradProbe` on every op node reachable from ``roots``."""
    g = Graph(roots, inline_scalars=True)
    n = 0
    for i, obj in enumerate(g.objs):
        if g.is_op[i]:
            hooks = obj.hook_list()
            if not any(isinstance(h, GradProbe) for h in hooks):
                hooks.append(GradProbe())
            n += 1
    return n
