"""The backward pass: ``backward()``, ``autodiff.grad`` and the loop they share.

One call makes one ``_Pass``, which holds all of the pass's bookkeeping (no
node carries any: a hook may run another pass over shared nodes, another thread
a pass of its own). It counts each node's consumers (Kahn's algorithm,
iteratively: graphs may be millions of nodes deep), then runs the loop in
``_Pass.run``: a node runs once all its consumers have, in these steps

    take its gradient -> pre-hooks (capture, tensor hooks) -> check saved values
    -> run its VJP -> send gradients to its inputs -> release saved values

Gradients reaching leaves go to a sink: ``_Accumulate`` adds them into ``.grad``
(``backward``), ``_Capture`` returns them (``autodiff.grad``, which also captures
non-leaves and runs only the VJPs on paths to what it asks for).
"""

from __future__ import annotations

import gc
from typing import Any

import numpy as np

from . import engine as _engine
from ._typing import Tensors
from .engine import (
    _DIRTY,
    _RELEASED,
    ALL_THREADS,
    CLOCK,
    STATE,
    _GradMode,
    apply,
    sum_rows,
    sum_to_shape,
)
from .grad_mode import swap_grad_enabled
from .tensor import POST_HOOKED, Tensor, _make
from .views import grad_fn_at, share_memory, version

_FREED = (
    "Trying to backward through the graph a second time: the values saved for "
    "backward were freed by the first backward. Pass retain_graph=True to the "
    "first backward() (or autodiff.grad) if you need to backward through it again."
)


_SCALAR_ONE: dict = {}  # dtype -> 0-d array of 1, only ever copied


def _seed(t: Tensor, grad, create_graph: bool, what: str = "backward()"):
    if grad is None:
        if t._data.size != 1:
            raise RuntimeError(
                f"{what} needs grad= for a tensor with more than one element (shape "
                f"{t.shape}): pass grad= of that shape (the weights of the outputs) or "
                "reduce it first, e.g. y.sum().backward()"
            )
        data = t._data
        if data.ndim == 0:
            # a fresh copy of a cached 0-d one: ~0.1 us, np.ones costs ~0.6 us
            one = _SCALAR_ONE.get(data.dtype)
            if one is None:
                one = _SCALAR_ONE[data.dtype] = np.ones((), data.dtype)
            ones = one.copy()
        else:
            ones = np.ones(data.shape, data.dtype)
        return _make(ones, None) if create_graph else ones
    if isinstance(grad, Tensor):
        garr = grad._data
    else:
        garr = np.asarray(grad, dtype=t._data.dtype)
    if garr.shape != t.shape:
        raise RuntimeError(
            f"{what}: grad has shape {garr.shape} but the tensor has shape {t.shape}; "
            "they must match exactly"
        )
    if garr.dtype != t._data.dtype:
        garr = garr.astype(t._data.dtype)
    if create_graph:
        if isinstance(grad, Tensor) and garr is grad._data:
            return grad
        return _make(garr, None)
    return garr


def backward(tensor: Tensor, grad=None, retain_graph=None, create_graph=False) -> None:
    """Compute gradients of ``tensor`` and add them into the leaves' ``.grad``."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"backward() needs a Tensor, got {type(tensor).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError(
            "backward(): this tensor does not require grad and has no grad_fn; "
            "create the inputs with requires_grad=True (and not under no_grad)"
        )
    if retain_graph is None:
        retain_graph = create_graph
    seed = _seed(tensor, grad, create_graph)
    run_backward((tensor,), (seed,), retain_graph, create_graph, None)



def grad(
    outputs: Tensors,
    inputs: Tensors,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs`` (leaves or not).

    Does not touch any ``.grad``. Returns a tuple with one Tensor (or None,
    with ``allow_unused=True``) per input.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor(2.0, requires_grad=True)
    >>> (dx,) = autodiff.grad(x ** 3, x, create_graph=True)
    >>> dx.item(), autodiff.grad(dx, x)[0].item()
    (12.0, 12.0)
    """
    single_out = isinstance(outputs, Tensor)
    outputs = (outputs,) if single_out else tuple(outputs)
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs[{i}] is {type(t).__name__}, not a Tensor")
        if not t.requires_grad:
            raise RuntimeError(
                f"grad(): inputs[{i}] does not require grad; create it with requires_grad=True"
            )
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    elif isinstance(grad_outputs, Tensor) or not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = (grad_outputs,)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad(): got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    if retain_graph is None:
        retain_graph = create_graph
    roots, seeds = [], []
    for i, (o, go) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(o, Tensor):
            raise TypeError(f"grad(): outputs[{i}] is {type(o).__name__}, not a Tensor")
        if not o.requires_grad:
            raise RuntimeError(
                f"grad(): outputs[{i}] does not require grad (it does not depend on any "
                "input that requires grad)"
            )
        roots.append(o)
        seeds.append(_seed(o, go, create_graph, "grad()"))
    found = run_backward(tuple(roots), tuple(seeds), retain_graph, create_graph, inputs)
    result = []
    for i in range(len(inputs)):
        g = found[i]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad(): inputs[{i}] was not used to compute the outputs; pass "
                    "allow_unused=True to get None for it"
                )
            result.append(None)
        else:
            if not isinstance(g, Tensor):
                # (a 0-d ufunc result is a NumPy scalar: return an array, as everywhere)
                g = _make(g, None)
            result.append(g)
    return tuple(result)


def _unneeded_nodes(roots, capture_nodes: dict, capture_ids: set) -> set:
    """Nodes whose VJP autodiff.grad need not run: no requested tensor (a captured
    node or leaf) lies below them. A captured node still gets its gradient; its own
    VJP runs only if another requested tensor lies below it (as PyTorch).

    Iterative post-order over the graph: a node leads to a request if it is
    captured, feeds a captured leaf, or feeds a node that leads to one.
    """
    needed: dict = {}  # node -> whether it leads to a requested tensor
    below: set = set()  # nodes with a requested tensor strictly below them
    for root in roots:
        start = root.grad_fn
        if start is None or start in needed:
            continue
        stack = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                for t, need in zip(node.inputs, node.needs):
                    fn = t.grad_fn if need else None
                    if (fn is None and id(t) in capture_ids) or (fn is not None and needed[fn]):
                        below.add(node)
                        break
                needed[node] = node in below or node in capture_nodes
                continue
            if node in needed:
                continue
            stack.append((node, True))
            for t, need in zip(node.inputs, node.needs):
                fn = t.grad_fn if need else None
                if fn is not None and fn not in needed:
                    stack.append((fn, False))
    return {node for node in needed if node not in below}


def _mark_escaped(escaped: set, arr) -> None:
    escaped.add(id(arr))
    base = getattr(arr, "base", None)
    if base is not None:
        escaped.add(id(base))


def unbroadcast(gi, shape, node, t, create_graph):
    if not create_graph and gi.shape[1:] == shape:
        # the common case, a bias broadcast over a batch: no general check needed
        return sum_rows(gi)
    try:
        # a gradient may be larger than its input (broadcast), never smaller
        if np.broadcast_shapes(shape, tuple(gi.shape)) != tuple(gi.shape):
            raise ValueError
        if create_graph:
            return _engine.TS.sum_to(gi, shape)
        return sum_to_shape(gi, shape)
    except ValueError:
        # (the lean path may already have re-pointed the input to its node)
        i = next((k for k, u in enumerate(node.inputs) if u is t or u is t.grad_fn), 0)
        raise RuntimeError(
            f"backward of '{node.name}' returned a gradient of shape {tuple(gi.shape)} for "
            f"input {i} of shape {shape}; the shapes do not broadcast"
        ) from None


def accumulate_leaf(t: Tensor, g, create_graph: bool, seen_arrays) -> None:
    if create_graph:
        if not isinstance(g, Tensor):
            g = _make(g, None)
        if t.grad is None:
            # a recorded copy, as PyTorch: the same gradient Tensor may reach several
            # leaves (add), or be the seed or a hook's result
            g = g.to(t._data.dtype) if g._data.dtype != t._data.dtype else g.clone()
            t.grad = g
        else:
            t.grad = t.grad + g
        return
    if g.dtype != t._data.dtype:
        g = g.astype(t._data.dtype)
    if t.grad is None:
        # never let .grad share memory with anything else that escapes backward (a
        # seed, another leaf's grad, a read-only broadcast view, an array a hook saw);
        # a fresh array or a view of one (e.g. a transposed matmul result) is kept
        # without copying
        base = g.base
        if type(g) is not np.ndarray:  # a 0-d ufunc result is a (read-only) NumPy scalar
            g = np.array(g)
        elif base is None and id(g) not in seen_arrays:  # fresh: the common case
            seen_arrays.add(id(g))
            t.grad = _make(g, None)
            return
        if (
            not g.flags.writeable
            or id(g) in seen_arrays
            or (base is not None and id(base) in seen_arrays)
        ):
            g = g.copy()
            base = None
        seen_arrays.add(id(g))
        if base is not None:
            seen_arrays.add(id(base))
        t.grad = _make(g, None)
    else:
        t.grad._data = np.asarray(t.grad._data + g)  # (0-d + 0-d is a NumPy scalar)


def run_hooks(hooks, g, create_graph, escaped=None):
    if escaped is not None:
        _mark_escaped(escaped, g)  # the hook may keep it
    as_tensor = g if isinstance(g, Tensor) else _make(g, None)
    # retain_grad() keeps the gradient after every other hook (as PyTorch 2)
    ordered = [h for h in hooks if not getattr(h, "retains", False)]
    ordered += [h for h in hooks if getattr(h, "retains", False)]
    for hook in ordered:
        new = hook(as_tensor)
        if new is not None:
            if not isinstance(new, Tensor):
                new = Tensor(new)
            if new.shape != as_tensor.shape:
                raise RuntimeError(
                    f"hook {hook!r} returned a gradient of shape {new.shape}, expected "
                    f"{as_tensor.shape}"
                )
            as_tensor = new
    if create_graph:
        return as_tensor
    if escaped is not None:
        _mark_escaped(escaped, as_tensor._data)  # a hook's result may be held elsewhere
    return as_tensor._data


def check_view_current(fn, consumer) -> None:
    """Raise if ``fn`` made a view of a tensor that a recorded in-place op then gave
    a new history, and the view was used after that (by ``consumer``, or as a
    backward root): the view's values come from the new history, its recorded
    one is stale. (A change under no_grad keeps the history: nothing to do.)"""
    used_at = CLOCK.clock if consumer is None else consumer.clock
    for clock in getattr(fn, "view_rebases", ()):
        if fn.clock < clock <= used_at:
            used_by = "as the backward root" if consumer is None else f"by '{consumer.name}'"
            raise RuntimeError(
                f"a view made by '{fn.name}' was used {used_by} after the tensor it views "
                "was changed in place, so its recorded history is stale; take the view "
                "after the in-place op, or .clone() the tensor before changing it"
            )


def _inputs_as_recorded(node) -> tuple:
    """``node.inputs`` with each Tensor that took a new history after ``node`` was
    recorded replaced by a stand-in: same values and version counter (a view of
    the same memory owner), and the grad_fn it had when ``node`` used it."""
    inputs = list(node.inputs)
    for i, t in enumerate(inputs):
        rebased, old_fn = grad_fn_at(t, node.clock)
        if rebased:
            stand_in = _make(t._data, old_fn)
            stand_in.requires_grad = t.requires_grad or old_fn is not None
            share_memory(stand_in, t)
            inputs[i] = stand_in
    return tuple(inputs)


def check_saved_values(node) -> None:
    """Raise if a value this node's VJP reads was changed in place since it was recorded."""
    inputs = node.inputs
    reads = node._saved_reads
    if reads is None:  # ("inputs": every input, for every gradient)
        reads = [(i, None) for i in range(len(inputs))] if node._reads_inputs else ()
    needs = node.needs
    for i, grads in reads:
        if i >= len(inputs):  # (an optional input not given, e.g. a bias)
            continue
        if grads is not None and not any(needs[k] for k in grads if k < len(needs)):
            continue  # its value serves only gradients that are not needed
        t = inputs[i]
        if version(t) > node.clock:
            raise RuntimeError(
                f"a tensor of shape {t.shape} needed by the backward of '{node.name}' was "
                "modified by an in-place operation after it was used; use the out-of-place "
                "form (e.g. x = x + 1 instead of x += 1, or .clone() first)"
            )
    if node.out is _DIRTY:
        raise RuntimeError(
            f"the output of '{node.name}', needed by its backward, was modified by an "
            "in-place operation; use the out-of-place form or .clone() first"
        )


def _recompute(node):
    """The forward result as a recorded Tensor, for create_graph VJPs."""
    with _GradMode(True):
        return apply(type(node), tuple(node.inputs), node.attrs)


def check_anomaly(node, in_grads) -> None:
    for i, gi in enumerate(in_grads):
        if gi is None:
            continue
        arr = gi._data if isinstance(gi, Tensor) else gi
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            kind = "NaN" if np.isnan(arr).any() else "Inf"
            where = ""
            tb = getattr(node, "tb", None)
            if tb:
                f = tb[-1]
                where = (
                    f"\nthe op was created at {f.filename}:{f.lineno}, in {f.name}\n    {f.line}"
                )
            else:
                where = "\n(the op was created outside detect_anomaly(), so its line is unknown)"
            raise RuntimeError(
                f"backward of '{node.name}' produced {kind} in the gradient of its input {i}"
                + where
            )


try:
    # what np.errstate sets (NumPy >= 2); setting it directly costs ~0.15 us a pass,
    # np.errstate ~0.65 us (a small graph's backward is ~5 us). NumPy's private names:
    # tried once here, np.errstate if they are missing or answer differently
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj

    _extobj_contextvar.reset(_extobj_contextvar.set(_make_extobj(all="ignore")))
except Exception:  # pragma: no cover - NumPy 1.x, or a NumPy that changed them
    _extobj_contextvar = _make_extobj = None


def run_backward(roots, seeds, retain_graph, create_graph, capture):
    """The backward pass. With ``capture`` (a tuple of tensors) gradients are
    returned for those tensors instead of accumulated into leaves."""
    prev_mode = swap_grad_enabled(bool(create_graph))  # (this thread's mode only)
    # backward makes no reference cycles: pausing the cyclic GC spares it from
    # rescanning the (possibly huge) live graph while gradients are allocated
    gc_was_on = gc.isenabled()
    gc.disable()
    # VJPs may divide by zero or overflow as the forward did: no warnings (np.errstate)
    if _make_extobj is None:  # pragma: no cover - NumPy 1.x
        quiet = np.errstate(all="ignore")
        quiet.__enter__()
    else:
        quiet = _extobj_contextvar.set(_make_extobj(all="ignore"))
    try:
        if capture is None:
            sink = _Accumulate(create_graph, seeds)
        else:
            sink = _Capture(create_graph, seeds, capture, roots)
        pass_ = _Pass(sink, retain_graph, create_graph)
        pass_.count_dependencies(roots, seeds)
        pass_.run()
        return sink.finish()
    finally:
        if _make_extobj is None:  # pragma: no cover
            quiet.__exit__(None, None, None)
        else:
            _extobj_contextvar.reset(quiet)
        swap_grad_enabled(prev_mode)
        if gc_was_on:
            gc.enable()


class _Pass:
    """One backward pass. ``pending`` maps each node reached to its entry
    ``[consumers still to run, gradient so far, node]``; ``ready`` is a stack of
    the entries of nodes whose consumers have all run."""

    __slots__ = (
        "sink",
        "retain_graph",
        "create_graph",
        "anomaly",
        "xp",
        "pending",
        "ready",
        "lean",
        "leaf_counts",
    )

    def __init__(self, sink, retain_graph: bool, create_graph: bool) -> None:
        self.sink = sink
        self.retain_graph = retain_graph
        self.create_graph = create_graph
        # (this thread's anomaly mode, read once: a thread-local read costs ~35 ns)
        self.anomaly = bool(ALL_THREADS.anomalous) and STATE.anomaly
        self.xp = _engine.TS if create_graph else _engine.NP
        self.pending: dict = {}
        self.ready: list = []
        # first order, no anomaly checks: VJPs on ndarrays, the loop's inlined paths
        self.lean = not create_graph and not self.anomaly
        # id(leaf) -> consumers still to run, for leaves with post-accumulate hooks
        # (only while some tensor has one: counting leaf edges is not free)
        self.leaf_counts = {} if isinstance(sink, _Accumulate) and sink.post_hooked else None

    # ------------------------------------------------------------ the loop
    def run(self) -> None:
        """Run each node once all its consumers have: the backward loop, step by step."""
        if self.lean:
            return self.run_lean()  # (the same steps, inlined: first order only)
        ready = self.ready
        while ready:
            entry = ready.pop()
            node, g = entry[2], entry[1]
            entry[1] = None  # (the pass keeps the entry, not the gradient)
            if g is None or self.needs_no_vjp(node):
                self.pass_over(node, g)
                continue
            g = self.pre_hooks(node, g)
            if node.clock < CLOCK.clock:  # (only an in-place op since can change a value)
                check_saved_values(node)
            in_grads = self.run_vjp(node, g)
            g = None
            self.send(node, in_grads)
            if not self.retain_graph:
                release_saved(node)
            in_grads = None  # nothing of this node outlives it (peak memory)

    def run_lean(self) -> None:
        """``run`` for a first-order pass without anomaly checks, every step inline:
        a method call costs ~70 ns, and small graphs are mostly this loop (the
        benchmarks' micrograd_demo and small_ops backward: ~0.3 us a node less, the
        one-input case unrolled). tests/test_engine.py checks that both loops give
        the same gradients on every declared op."""
        sink = self.sink
        skip = sink.skip  # nodes whose VJP need not run (autodiff.grad), or None
        captured = sink.captured  # non-leaves whose gradient is asked for, or None
        retain = self.retain_graph
        # id(leaf) -> [leaf, gradient so far] (None: leaves with post-accumulate hooks)
        leaf_grads = sink.leaf_grads if self.leaf_counts is None else None
        pending = self.pending
        ready = self.ready
        pop, push = ready.pop, ready.append
        xp = _engine.LOOP_NP  # (NP, saying: the gradient a VJP is given is this loop's)
        while ready:
            entry = pop()
            node, g = entry[2], entry[1]
            entry[1] = None  # (the pass keeps the entry, not the gradient)
            if g is None or (skip and node in skip):
                self.pass_over(node, g)
                continue
            if node.hooks or (captured and node in captured):
                g = self.pre_hooks(node, g)
            if node.clock < CLOCK.clock:  # (only an in-place op since can change a value)
                check_saved_values(node)
            inputs = node.inputs
            if len(inputs) == 1:
                t = inputs[0]
                if t._stands_in:  # (a node standing in for its output: its own data)
                    data = fn = t
                else:
                    data = t._data
                    fn = t.grad_fn
                gi = node.vjp(g, (data,), node.out, xp)[0]
                if not retain:
                    if fn is not None and fn is not t:
                        node.inputs = (fn,)
                    node.out = _RELEASED
                if gi is None:
                    self.consumer_done(fn, t)
                    continue
                if gi.shape != data.shape:
                    gi = unbroadcast(gi, data.shape, node, t, False)
                if fn is None:
                    if leaf_grads is None:
                        self.leaf_arrived(t, gi)
                        continue
                    entry = leaf_grads.get(id(t))  # (the sink's leaf(), inlined)
                    if entry is None:
                        leaf_grads[id(t)] = [t, gi]
                    else:
                        entry[1] = entry[1] + gi
                    continue
                entry = pending[fn]
                prev = entry[1]
                entry[1] = gi if prev is None else prev + gi
                gi = None  # (the entry holds it alone: its VJP may reuse it, ops/_base.py)
                entry[0] -= 1
                if entry[0] == 0:
                    push(entry)
                continue
            t = data = gi = None  # (nothing of the one-input path outlives it: peak memory)
            # (a node standing in for its output is its own data and grad_fn: read
            # directly, not through those properties, ~50 ns each)
            if len(inputs) == 2:
                a, b = inputs
                xs = (a if a._stands_in else a._data, b if b._stands_in else b._data)
                in_grads = node.vjp(g, xs, node.out, xp)
                a = b = xs = None
            else:
                in_grads = node.vjp(g, [t._data for t in inputs], node.out, xp)
            g = None
            for t, gi, need in zip(inputs, in_grads, node.needs):
                if not need:
                    continue
                if t._stands_in:
                    fn = t
                    shape = t.shape
                else:
                    fn = t.grad_fn
                    shape = t._data.shape
                if gi is None:  # (a zero gradient)
                    self.consumer_done(fn, t)
                    continue
                if gi.shape != shape:
                    gi = unbroadcast(gi, shape, node, t, False)
                if fn is not None:
                    entry = pending[fn]
                    prev = entry[1]
                    entry[1] = gi if prev is None else prev + gi
                    entry[0] -= 1
                    if entry[0] == 0:
                        push(entry)
                elif leaf_grads is not None:  # (the sink's leaf(), inlined)
                    entry = leaf_grads.get(id(t))
                    if entry is None:
                        leaf_grads[id(t)] = [t, gi]
                    else:
                        entry[1] = entry[1] + gi
                else:
                    self.leaf_arrived(t, gi)
            if not retain:
                if not node._keeps_nodes:  # (the others hold only leaves and nodes already)
                    release_inputs(node)
                node.out = _RELEASED
            in_grads = gi = t = None  # nothing of this node outlives it (peak memory)

    # ----------------------------------------------------------- the steps
    def count_dependencies(self, roots, seeds) -> None:
        """Seed the roots and count each node's consumers, iteratively."""
        pending = self.pending
        stack = []
        for t, s in zip(roots, seeds):
            node = t.grad_fn
            if node is None:
                self.sink.leaf(t, s)
                continue
            if node.clock < CLOCK.clock:  # (only an in-place op since can stale a view)
                check_view_current(node, None)
            entry = pending.get(node)
            if entry is None:
                pending[node] = [0, s, node]
                stack.append(node)
            else:
                entry[1] = entry[1] + s
        starts = list(stack)
        released = []  # nodes whose saved values are gone: an error if their VJP must run
        clock_now = CLOCK.clock
        leaf_counts = self.leaf_counts
        pop, push, find = stack.pop, stack.append, pending.get  # (~20 ns an edge less)
        while stack:
            node = pop()
            if node.out is _RELEASED:
                released.append(node)
            clock = node.clock
            if clock < clock_now or False in node.needs:
                inputs = _inputs_with_edges(node)
            else:
                inputs = node.inputs
            for t in inputs:
                fn = t if t._stands_in else t.grad_fn
                if fn is None:
                    if leaf_counts is not None and getattr(t, "_post_hooks", None):
                        leaf_counts[id(t)] = leaf_counts.get(id(t), 0) + 1
                    continue
                if fn.clock < clock:
                    check_view_current(fn, node)
                entry = find(fn)
                if entry is None:
                    pending[fn] = [1, None, fn]
                    push(fn)
                else:
                    entry[0] += 1
        self.sink.plan()
        skip = self.sink.skip
        for node in released:
            if not skip or node not in skip:
                raise RuntimeError(_FREED + f" (op '{node.name}')")
        for node in starts:
            if pending[node][0] == 0:
                self.ready.append(pending[node])

    def needs_no_vjp(self, node) -> bool:
        """True for a node below nothing ``autodiff.grad`` asked for."""
        skip = self.sink.skip
        return bool(skip) and node in skip

    def pass_over(self, node, g) -> None:
        """A node whose VJP does not run: no gradient reached it (every consumer's
        VJP returned None, a zero gradient), or nothing asked for lies below it.
        Its gradient may still be asked for; its inputs' counts are released."""
        if g is not None:
            self.sink.at_node(node, g, hooked=True)
        for t, need in zip(node.inputs, node.needs):
            if need:
                self.consumer_done(t.grad_fn, t)
        if g is None and not self.retain_graph:
            release_saved(node)  # as a node that ran would

    def pre_hooks(self, node, g):
        """Capture the gradient as it arrives (autodiff.grad), then run the hooks
        of the tensor this node made, which may replace it."""
        captured = self.sink.captured
        if captured and node in captured:
            self.sink.at_node(node, g, hooked=False)
        if node.hooks:
            g = run_hooks(node.hooks, g, self.create_graph, self.sink.escaped)
        return g

    def run_vjp(self, node, g) -> tuple:
        """The node's input gradients (one per input, None where not needed)."""
        inputs = node.inputs
        if self.create_graph:
            out = None
            if node._uses_out:
                if node._out_is_const:
                    out = node.out
                elif node._reads_inputs:
                    out = _recompute(node)
                else:
                    # the saved result, differentiable through this very node (as
                    # PyTorch's saved outputs): no input values are needed
                    out = _make(node.out, node)
            in_grads = node.vjp(g, inputs, out, self.xp)
        elif len(inputs) == 2:
            in_grads = node.vjp(g, (inputs[0]._data, inputs[1]._data), node.out, self.xp)
        else:
            in_grads = node.vjp(g, [t._data for t in inputs], node.out, self.xp)
        if self.anomaly:
            check_anomaly(node, in_grads)
        return in_grads

    def send(self, node, in_grads) -> None:
        """Add each input's gradient to its producer's entry (or give a leaf's to the
        sink), summed back to the input's shape where the VJP broadcast it."""
        pending = self.pending
        for t, gi, need in zip(node.inputs, in_grads, node.needs):
            if not need:
                continue
            fn = t.grad_fn
            if gi is None:  # (a zero gradient)
                self.consumer_done(fn, t)
                continue
            shape = t._data.shape
            if gi.shape != shape:
                gi = unbroadcast(gi, shape, node, t, self.create_graph)
            if fn is None:
                self.leaf_arrived(t, gi)
                continue
            entry = pending[fn]
            prev = entry[1]
            entry[1] = gi if prev is None else prev + gi
            entry[0] -= 1
            if entry[0] == 0:
                self.ready.append(entry)

    def consumer_done(self, fn, t=None) -> None:
        """One consumer of ``fn`` (the node that made ``t``; None for a leaf) has run
        (and sent its gradient, if any)."""
        if fn is not None:
            entry = self.pending[fn]
            entry[0] -= 1
            if entry[0] == 0:
                self.ready.append(entry)
        elif self.leaf_counts is not None and t is not None:
            self.leaf_done(t)

    def leaf_arrived(self, t: Tensor, g) -> None:
        """A gradient for leaf ``t`` (counted while some leaves have post-accumulate
        hooks: those run as soon as the leaf's gradient is complete)."""
        self.sink.leaf(t, g)
        if self.leaf_counts is not None:
            self.leaf_done(t)

    def leaf_done(self, t: Tensor) -> None:
        counts = self.leaf_counts
        n = counts.get(id(t))
        if n is None:
            return
        if n > 1:
            counts[id(t)] = n - 1
        else:
            del counts[id(t)]
            self.sink.complete(t)


def _inputs_with_edges(node) -> list:
    """The inputs ``node`` sends gradients to, as recorded, after an in-place op or
    where some input needs no gradient."""
    inputs = node.inputs
    if node.clock < CLOCK.clock and node._reads_inputs:
        # an in-place op ran since this node was recorded: an input it gave a new
        # history (x.mul_(...), or a view regenerated from its base's new one)
        # must lead back to the history this node used, as PyTorch's edges do
        # (its new one may even lead to this node: a cycle). Whether the node may
        # still read that input's value is the version check's business.
        inputs = node.inputs = _inputs_as_recorded(node)
    # an input that needed no gradient had no grad_fn when recorded: one it took
    # since (an in-place op, or requires_grad switched off after it had one) is not
    # this node's edge
    return [t for t, need in zip(inputs, node.needs) if need]


def release_saved(node) -> None:
    """Free what backward saved; keep the structure (leaves and upstream nodes)."""
    if not node._keeps_nodes:  # (its inputs are already leaves and nodes)
        release_inputs(node)
    node.out = _RELEASED


def release_inputs(node) -> None:
    """Replace the non-leaf Tensors in ``node.inputs`` by their producing nodes."""
    inputs = node.inputs
    if len(inputs) == 1:  # (the common cases, without a list's frame)
        fn = inputs[0].grad_fn
        if fn is not None:
            node.inputs = (fn,)
    elif len(inputs) == 2:
        a, b = inputs
        fa, fb = a.grad_fn, b.grad_fn
        node.inputs = (a if fa is None else fa, b if fb is None else fb)
    else:
        node.inputs = tuple([t if t.grad_fn is None else t.grad_fn for t in inputs])


# --------------------------------------------------------------------- sinks
class _Sink:
    """Where leaf gradients go. Collects them during the pass (a leaf reached by
    several paths gets their sum); ``finish`` delivers them."""

    __slots__ = ("create_graph", "leaf_grads", "escaped", "skip", "captured", "post_hooked")

    def __init__(self, create_graph: bool, seeds) -> None:
        self.create_graph = create_graph
        self.skip = None  # nodes whose VJP need not run
        self.captured = None  # non-leaf node -> where its gradient is asked for
        self.leaf_grads: dict = {}  # id(leaf) -> [leaf, gradient] (int keys hash fastest)
        # ids of arrays that escape backward (seeds, arrays user hooks saw or returned):
        # a leaf's .grad must never share memory with them (see accumulate_leaf)
        self.escaped = None
        if not create_graph:
            escaped = self.escaped = set()
            for s in seeds:
                _mark_escaped(escaped, s)
        # whether any leaf has post-accumulate hooks (read once a pass; _Accumulate
        # runs them)
        self.post_hooked = len(POST_HOOKED) > 0

    def leaf(self, t: Tensor, g) -> None:
        entry = self.leaf_grads.get(id(t))
        if entry is None:
            self.leaf_grads[id(t)] = [t, g]
        else:
            entry[1] = entry[1] + g

    def plan(self) -> None:
        """Called once the graph is counted (and its edges fixed as recorded)."""

    def at_node(self, node, g, hooked: bool) -> None:
        """A non-leaf's gradient, as it arrives (only ``_Capture`` keeps it)."""


class _Accumulate(_Sink):
    """``backward()``: leaf gradients are added into ``.grad`` (after their hooks),
    at the end of the pass, or as soon as they are complete for leaves with
    post-accumulate hooks (which then run: DistributedDataParallel starts its
    all-reduce there, overlapping the rest of backward)."""

    __slots__ = ()

    def finish(self) -> None:
        escaped = self.escaped
        plain = escaped is not None and not self.post_hooked  # first order, no post hooks
        for t, g in self.leaf_grads.values():
            if (
                plain
                and t._grad is None
                and type(g) is np.ndarray
                and g.base is None
                and id(g) not in escaped
                and g.dtype == t._data.dtype
                and not getattr(t, "_hooks", None)
            ):
                # the common case, inline: a fresh array becomes .grad, uncopied
                escaped.add(id(g))
                t._grad = _make(g, None)
            else:
                self.deliver(t, g)
        self.leaf_grads = None

    def complete(self, t: Tensor) -> None:
        """All of ``t``'s gradient has arrived: deliver it now."""
        entry = self.leaf_grads.pop(id(t), None)
        if entry is not None:
            self.deliver(t, entry[1])

    def deliver(self, t: Tensor, g) -> None:
        hooks = getattr(t, "_hooks", None)
        if hooks:
            g = run_hooks(hooks, g, self.create_graph, self.escaped)
        accumulate_leaf(t, g, self.create_graph, self.escaped)
        if self.post_hooked:
            # (a slot read that fails costs ~0.3 us, an unset one formats an error)
            for hook in list(getattr(t, "_post_hooks", ())):
                hook(t)


class _Capture(_Sink):
    """``autodiff.grad``: the gradients of the requested tensors are returned, and
    only the VJPs on paths to them run (as PyTorch)."""

    __slots__ = ("capture", "found", "roots")

    def __init__(self, create_graph: bool, seeds, capture: tuple, roots) -> None:
        super().__init__(create_graph, seeds)
        self.capture = capture
        self.found = [None] * len(capture)
        self.captured = {}  # node -> indices into capture of the tensors it made
        for i, t in enumerate(capture):
            if t.grad_fn is not None:
                self.captured.setdefault(t.grad_fn, []).append(i)
        self.roots = roots

    def plan(self) -> None:
        self.skip = _unneeded_nodes(self.roots, self.captured, {id(t) for t in self.capture})

    def at_node(self, node, g, hooked: bool) -> None:
        indices = self.captured.get(node)
        if indices is None:
            return
        if hooked and node.hooks:
            # its VJP does not run: PyTorch returns the hooked value. Where it runs
            # (something asked for lies below), the gradient as it arrived.
            g = run_hooks(node.hooks, g, self.create_graph, self.escaped)
        for i in indices:
            self.found[i] = g

    def finish(self) -> list:
        for i, t in enumerate(self.capture):
            entry = self.leaf_grads.get(id(t))
            if t.grad_fn is None and entry is not None:
                g = entry[1]
                hooks = getattr(t, "_hooks", None)
                if hooks:
                    g = run_hooks(hooks, g, self.create_graph, self.escaped)
                self.found[i] = g
        return self.found


