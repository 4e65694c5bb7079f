"""Module calls recorded on the graph (``node.calls``): membership, nesting, names."""

from __future__ import annotations

from ..nn import module as _nn_module
from ..tensor import Tensor
from ._graph import Graph


def record_module_call(module, inputs, output) -> None:
    """Remember that ``module`` turned ``inputs`` into ``output`` (for graph drawing).

    Stored on the output's node as ``node.calls``: a list of ``(module, stops)``
    where ``stops`` holds, for each tensor input, its node (or the tensor itself
    for a leaf). The nodes between the output and the stops are the module's.
    Costs one attribute store per Module call and nothing per op.
    """
    if not isinstance(output, Tensor):
        return
    node = output.grad_fn
    if node is None:
        return
    stops = tuple(
        [(t.grad_fn if t.grad_fn is not None else t) for t in inputs if isinstance(t, Tensor)]
    )
    calls = getattr(node, "calls", None)  # (not try/except: a raise costs ~1 us a call)
    if calls is None:  # the first call recorded on this node
        node.calls = [(module, stops)]
    else:
        calls.append((module, stops))


def _on_module_call(module, args: tuple, kwargs: dict, out) -> None:
    """``nn.Module.__call__``'s hook: record the call on each output tensor's node,
    its tensor arguments (also those in lists and tuples) as the stops."""
    if not kwargs and len(args) == 1 and isinstance(out, Tensor) and isinstance(args[0], Tensor):
        record_module_call(module, args, out)  # the common call, layer(x)
        return
    inputs = []
    for a in (*args, *kwargs.values()):
        if isinstance(a, Tensor):
            inputs.append(a)
        elif isinstance(a, (tuple, list)):
            inputs.extend(t for t in a if isinstance(t, Tensor))
    if isinstance(out, Tensor):
        record_module_call(module, inputs, out)
    elif isinstance(out, tuple):
        for o in out:
            record_module_call(module, inputs, o)


_nn_module.CALL_HOOKS.append(_on_module_call)


class Call:
    """One recorded ``module(...)`` call and the graph items it produced."""

    __slots__ = ("module", "order", "out", "members", "parent", "children", "depth", "label")

    def __init__(self, module, order: int, out: int, members: set) -> None:
        self.module = module
        self.order = order
        self.out = out
        self.members = members
        self.parent: Call | None = None
        self.children: list = []
        self.depth = 0
        self.label = ""


def find_calls(graph: Graph) -> list:
    """Every module call whose output is in ``graph``, with its members: the
    items reachable backwards from the output without passing its stops."""
    calls: list = []
    ins = graph.ins
    index = graph.index
    for i, obj in enumerate(graph.objs):
        if not graph.is_op[i]:
            continue
        recorded = getattr(obj, "calls", None)
        if not recorded:
            continue
        for module, stops in recorded:
            stopset = {index[id(s)] for s in stops if id(s) in index}
            if i in stopset:  # the module returned its input unchanged
                continue
            members = {i}
            stack = [i]
            while stack:
                k = stack.pop()
                for s in ins[k]:
                    if s not in members and s not in stopset:
                        members.add(s)
                        if graph.is_op[s]:
                            stack.append(s)
            calls.append(Call(module, len(calls), i, members))
    _nest(calls)
    return calls


def _nest(calls: list) -> None:
    """Parent of a call: the smallest later-sized call containing all its members."""
    ordered = sorted(calls, key=lambda c: (len(c.members), c.order))
    for k, c in enumerate(ordered):
        for d in ordered[k + 1 :]:
            if c.out in d.members and c.members <= d.members:
                c.parent = d
                d.children.append(c)
                break
    for c in calls:
        p, d = c.parent, 0
        while p is not None:
            p, d = p.parent, d + 1
        c.depth = d


def owners(graph: Graph, calls: list) -> dict:
    """item -> the innermost (smallest) call that contains it."""
    own: dict = {}
    for c in sorted(calls, key=lambda c: (len(c.members), c.order)):
        for m in c.members:
            if m not in own:
                own[m] = c
    return own


def collapsed_calls(calls: list, collapse) -> set:
    """The calls drawn as one node: with ``collapse=True`` the innermost ones
    (no nested calls: each Linear, ReLU...); with an int ``d``, those at
    nesting depth ``d`` (0 = outermost), or innermost ones above it."""
    if collapse is True:
        return {c for c in calls if not c.children}
    d = int(collapse)
    return {c for c in calls if c.depth == d or (c.depth < d and not c.children)}


def name_modules(calls: list, params: dict | None) -> None:
    """Label each call ``qualified.name: Class(args)``; names come from the
    ``params`` keys (``named_parameters`` suffixes) and ``named_children``."""
    names: dict = {}  # id(module) -> qualified name ("" for the model itself)
    modules = {id(c.module): c.module for c in calls}
    if params:
        by_id = {id(t): n for n, t in params.items()}
        for m in modules.values():
            named = getattr(m, "named_parameters", None)
            if named is None:
                continue
            try:
                local = list(named())
            except Exception:  # a user's module may do anything
                continue
            for lname, p in local:
                q = by_id.get(id(p))
                if q is not None and (q == lname or q.endswith("." + lname)):
                    names[id(m)] = q[: len(q) - len(lname)].rstrip(".")
                    break
    stack = [m for m in modules.values() if id(m) in names]
    seen_ids = set()
    while stack:
        m = stack.pop()
        if id(m) in seen_ids:
            continue
        seen_ids.add(id(m))
        kids = getattr(m, "named_children", None)
        if kids is None:
            continue
        try:
            children = list(kids())
        except Exception:
            continue
        for cname, child in children:
            if id(child) not in names:
                base = names[id(m)]
                names[id(child)] = f"{base}.{cname}" if base else cname
            stack.append(child)
    counts: dict = {}
    for c in sorted(calls, key=lambda c: c.order):
        counts[id(c.module)] = counts.get(id(c.module), 0) + 1
    seen: dict = {}
    for c in sorted(calls, key=lambda c: c.out, reverse=True):  # forward order, roughly
        m = c.module
        desc = type(m).__name__ + _args(m)
        qual = names.get(id(m))
        label = f"{qual}: {desc}" if qual else desc
        if counts[id(m)] > 1:
            seen[id(m)] = seen.get(id(m), 0) + 1
            label += f" (call {seen[id(m)]})"
        c.label = label


def _args(m) -> str:
    inf, outf = getattr(m, "in_features", None), getattr(m, "out_features", None)
    if isinstance(inf, int) and isinstance(outf, int):
        return f"({inf}, {outf})"
    extra = getattr(m, "extra_repr", None)
    if callable(extra):
        try:
            text = str(extra())
        except Exception:
            return ""
        if text and len(text) <= 30 and "\n" not in text:
            return f"({text})"
    return ""
