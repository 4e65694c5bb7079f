"""Gradient health: where NaN/Inf first appears, dead ReLUs, missing gradients.

The rules (also in ``autodiff.viz``'s docstring):

* An op is where NaN/Inf **starts (forward)** when its output value is known
  and holds NaN or Inf while every input value is known and finite.
* An op is where NaN/Inf **starts (backward)** when the gradient arriving at
  it is finite (known, or it is a root: ``backward()`` seeds it with ones) but
  one of its inputs has a known non-finite gradient that no other consumer of
  that input is known to have passed on (no other consumer's own gradient is
  known to be non-finite). Gradients of ops are known only for ops recorded
  with :func:`autodiff.viz.watch` before the backward, or tensors on which
  ``retain_grad()`` was called; leaves' gradients are their ``.grad``.
* A ``relu`` has **dead units** when some feature (last axis; channel axis of
  a 4-d tensor) is exactly 0 for every sample in the batch; that is read from
  its output when known, otherwise from the gradient its input received
  (exactly 0 for every sample).
* A parameter (in ``params``) **received no gradient** when its ``.grad`` is
  None although another parameter of the same drawing has one (so a backward
  did run).
"""

from __future__ import annotations

import numpy as np

from ._graph import Graph
from ._stats import Summary


def nan_sources(graph: Graph, V: list, G: list) -> dict:
    """op item -> "forward" or "backward", following the rules above."""
    out: dict = {}
    ins = graph.ins
    users = None
    roots = set(graph.root_items)
    for i, v in enumerate(V):
        if v is not None and not v.finite and graph.is_op[i]:
            if all(V[s] is not None and V[s].finite for s in ins[i]) and all(
                _finite_const(c) for c in graph.consts.get(i, ())
            ):
                out[i] = "forward"
    bad = [i for i, g in enumerate(G) if g is not None and not g.finite]
    if bad:
        users = graph.users
    for s in bad:
        consumers = users[s]
        for i in consumers:
            gi = G[i]
            arriving_ok = (gi is not None and gi.finite) or (gi is None and i in roots)
            if not arriving_ok:
                continue
            others_bad = any(u != i and G[u] is not None and not G[u].finite for u in consumers)
            if not others_bad and i not in out:
                out[i] = "backward"
    return out


def _finite_const(t) -> bool:
    v = t.data
    return v.dtype.kind not in "fc" or bool(np.isfinite(v).all())


def dead_units(graph: Graph, i: int, V: list, G: list) -> tuple[int, int, str] | None:
    """(dead, total, how) for a relu op, or None when unknown / not a relu."""
    if not graph.is_op[i] or graph.objs[i].name != "relu":
        return None
    v: Summary | None = V[i]
    if v is not None and v.units:
        return v.dead, v.units, "output 0 for every sample"
    ins = graph.ins[i]
    if ins:
        g = G[ins[0]]
        if g is not None and g.units:
            return g.dead, g.units, "input grad 0 for every sample"
    return None
