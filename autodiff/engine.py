"""The autograd engine: graph nodes, grad mode, and the backward pass.

A node is created only when grad mode is on and some input requires grad.
It holds its inputs (Tensors), its op's non-tensor arguments (``attrs``) and,
for ops whose VJP reuses the forward result, that result as an ndarray. A
node never refers to its output Tensor, so dropping the last reference to a
graph frees it at once by reference counting (no cycles for the GC to chase).

``backward`` sorts the graph iteratively (Kahn's algorithm on consumer
counts), runs each node's VJP once all its consumers have contributed, undoes
broadcasting centrally (``sum_to``) and accumulates into leaves. First-order
VJPs run on raw ndarrays (``NP`` namespace); with ``create_graph=True`` the
same VJP code runs on Tensors, so the backward pass is itself recorded.
"""

from __future__ import annotations

import contextlib
import functools
import os
import traceback

import numpy as np

from .tensor import Tensor, _make


class _State:
    __slots__ = ("grad_enabled", "anomaly", "clock")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        # advanced by every in-place op; nodes remember it to detect later changes
        self.clock = 0


STATE = _State()


# ------------------------------------------------------------------ grad mode
class _GradMode(contextlib.ContextDecorator):
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __enter__(self):
        self.prev = STATE.grad_enabled
        STATE.grad_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        STATE.grad_enabled = self.prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _GradMode(self.enabled):
                return fn(*args, **kwargs)

        return wrapper


def no_grad() -> _GradMode:
    """Context manager and decorator that turns off graph recording.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.ones(2, requires_grad=True)
    >>> with autodiff.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Context manager and decorator that turns graph recording back on.

    Examples
    --------
    >>> import autodiff
    >>> with autodiff.no_grad():
    ...     with autodiff.enable_grad():
    ...         y = autodiff.ones(1, requires_grad=True) * 2
    >>> y.requires_grad
    True
    """
    return _GradMode(True)


class set_grad_enabled(_GradMode):
    """Turn recording on or off; usable as a function, context manager or decorator.

    Examples
    --------
    >>> import autodiff
    >>> with autodiff.set_grad_enabled(False):
    ...     autodiff.is_grad_enabled()
    False
    """

    def __init__(self, mode: bool) -> None:
        # like PyTorch, calling it as a plain function takes effect immediately
        super().__init__(bool(mode))
        self.prev = STATE.grad_enabled
        STATE.grad_enabled = self.enabled

    def __enter__(self):
        return self

    def __call__(self, fn):
        STATE.grad_enabled = self.prev  # as a decorator it only applies inside fn
        return super().__call__(fn)


def is_grad_enabled() -> bool:
    """Whether operations are being recorded.

    Examples
    --------
    >>> import autodiff
    >>> autodiff.is_grad_enabled()
    True
    """
    return STATE.grad_enabled


class detect_anomaly(contextlib.ContextDecorator):
    """Raise as soon as a backward step produces NaN or Inf, naming the op and
    the user's line that created it.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([0.0], requires_grad=True)
    >>> with autodiff.detect_anomaly():
    ...     y = x.sqrt()
    ...     try:
    ...         y.sum().backward()
    ...     except RuntimeError as err:
    ...         print(str(err).splitlines()[0])
    backward of 'sqrt' produced Inf in the gradient of its input 0
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = STATE.anomaly
        STATE.anomaly = self.check_nan
        return self

    def __exit__(self, *exc):
        STATE.anomaly = self.prev
        return False


# ---------------------------------------------------------------------- nodes
class Node:
    """One recorded op application. Subclasses declare one op each.

    Class attributes: ``name`` (the op's name, as drawn), ``uses_out`` (the
    VJP reads the forward result). Subclasses define ``forward(*arrays,
    attrs)`` (static, on ndarrays) and ``vjp(self, g, xs, out, xp)``, which
    returns one gradient per input (or None where ``self.needs`` is False).
    """

    __slots__ = ("inputs", "needs", "attrs", "out", "clock", "hooks", "tb", "calls", "__weakref__")
    name = "op"
    uses_out = False

    def hook_list(self) -> list:
        hooks = self.hooks
        if hooks is None:
            hooks = self.hooks = []
        return hooks

    def vjp(self, g, xs, out, xp):  # pragma: no cover - every op overrides
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    @property
    def next_functions(self) -> tuple:
        """The nodes (or leaf tensors) that feed this one, as in PyTorch."""
        out = []
        for t in self.inputs:
            if isinstance(t, Node):
                out.append(t)
            elif isinstance(t, Tensor):
                out.append(t.grad_fn if t.grad_fn is not None else t)
        return tuple(out)


class _Released(tuple):
    """A node's inputs after backward freed them: leaves and upstream nodes only."""

    __slots__ = ()


def record(cls, inputs: tuple, needs: tuple, attrs, out: np.ndarray) -> Tensor:
    """Create the output tensor of ``cls`` and, when needed, its node."""
    node = _new(cls)
    node.inputs = inputs
    node.needs = needs
    node.attrs = attrs
    node.out = out if cls.uses_out else None
    node.clock = STATE.clock
    node.hooks = None
    node.tb = _user_stack() if STATE.anomaly else None
    t = _new(Tensor)
    t.data = out
    t.requires_grad = True
    t.grad_fn = node
    t.grad = None
    t._base = None
    t._version = 0
    t._hooks = None
    t.name = None
    return t


_new = object.__new__


def apply(cls, inputs: tuple, attrs=None) -> Tensor:
    """Run ``cls.forward`` on the inputs' arrays and record a node if needed."""
    out = cls.forward(*[t.data for t in inputs], attrs)
    if STATE.grad_enabled:
        needs = tuple([t.requires_grad for t in inputs])
        if True in needs:
            return record(cls, inputs, needs, attrs, out)
    return _make(out, None)


def apply1(cls, x: Tensor, attrs=None) -> Tensor:
    """``apply`` for one input, without the generic bookkeeping."""
    out = cls.forward(x.data, attrs)
    if x.requires_grad and STATE.grad_enabled:
        return record(cls, (x,), (True,), attrs, out)
    return _make(out, None)


def apply2(cls, a: Tensor, b: Tensor, attrs=None) -> Tensor:
    """``apply`` for two inputs."""
    out = cls.forward(a.data, b.data, attrs)
    ra = a.requires_grad
    rb = b.requires_grad
    if (ra or rb) and STATE.grad_enabled:
        return record(cls, (a, b), (ra, rb), attrs, out)
    return _make(out, None)


def _user_stack() -> list:
    """The creation stack without autodiff's own frames (for anomaly messages)."""
    pkg = os.path.dirname(os.path.abspath(__file__))
    frames = traceback.extract_stack()[:-2]
    return [f for f in frames if not os.path.abspath(f.filename).startswith(pkg)]


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
        (t.grad_fn if t.grad_fn is not None else t) for t in inputs if isinstance(t, Tensor)
    )
    try:
        node.calls.append((module, stops))
    except AttributeError:  # first call recorded on this node
        node.calls = [(module, stops)]


# ------------------------------------------------------------ array namespace
# VJPs receive ``xp``: NP on ndarrays, or TS (set by autodiff.ops) on Tensors.
NP = None
TS = None


def set_namespaces(np_ns, tensor_ns) -> None:
    global NP, TS
    NP, TS = np_ns, tensor_ns


def sum_to_shape(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Undo broadcasting: sum ``g`` down to ``shape``."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if lead:
        g = g.reshape(shape)
    return g


# ------------------------------------------------------------------- backward
_FREED = (
    "Trying to backward through the graph a second time: the values saved for "
    "backward were freed by the first backward. Pass retain_graph=True to the "
    "first backward() (or autodiff.grad) if you need to backward through it again."
)


def _seed(t: Tensor, grad, create_graph: bool, what: str = "backward()"):
    if grad is None:
        if t.data.size != 1:
            raise RuntimeError(
                f"{what} needs grad= for a tensor with more than one element (shape "
                f"{t.shape}): pass grad= of that shape (the weights of the outputs) or "
                "reduce it first, e.g. y.sum().backward()"
            )
        return _make(np.ones_like(t.data), None) if create_graph else np.ones_like(t.data)
    if isinstance(grad, Tensor):
        garr = grad.data
    else:
        garr = np.asarray(grad, dtype=t.data.dtype)
    if garr.shape != t.shape:
        raise RuntimeError(
            f"{what}: grad has shape {garr.shape} but the tensor has shape {t.shape}; "
            "they must match exactly"
        )
    if garr.dtype != t.data.dtype:
        garr = garr.astype(t.data.dtype)
    if create_graph:
        if isinstance(grad, Tensor) and garr is grad.data:
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
    outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False
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
            result.append(g if isinstance(g, Tensor) else _make(g, None))
    return tuple(result)


def _add(a, b):
    return a + b


def run_backward(roots, seeds, retain_graph, create_graph, capture):
    """The backward pass. With ``capture`` (a tuple of tensors) gradients are
    returned for those tensors instead of accumulated into leaves."""
    xp = TS if create_graph else NP
    prev_mode = STATE.grad_enabled
    STATE.grad_enabled = bool(create_graph)
    try:
        return _run(roots, seeds, retain_graph, create_graph, capture, xp)
    finally:
        STATE.grad_enabled = prev_mode


def _run(roots, seeds, retain_graph, create_graph, capture, xp):
    grads: dict = {}  # node or leaf tensor -> gradient so far
    deps: dict = {}  # node -> consumers not yet run
    ready = []
    for t, s in zip(roots, seeds):
        key = t.grad_fn if t.grad_fn is not None else t
        grads[key] = grads[key] + s if key in grads else s
    # count consumers, iteratively (graphs may be millions of nodes deep)
    stack = [t.grad_fn for t in roots if t.grad_fn is not None]
    seen = set(stack)
    while stack:
        node = stack.pop()
        inputs = node.inputs
        if type(inputs) is _Released:
            raise RuntimeError(_FREED + f" (op '{node.name}')")
        for t in inputs:
            fn = t.grad_fn
            if fn is not None:
                if fn in deps:
                    deps[fn] += 1
                else:
                    deps[fn] = 1
                if fn not in seen:
                    seen.add(fn)
                    stack.append(fn)
    for node in seen:
        if node not in deps:
            ready.append(node)
    del seen

    capture_nodes = None
    found = None
    if capture is not None:
        found = [None] * len(capture)
        capture_nodes = {}
        for i, t in enumerate(capture):
            if t.grad_fn is not None:
                capture_nodes.setdefault(t.grad_fn, []).append(i)
    anomaly = STATE.anomaly
    clock_now = STATE.clock
    leaf_grads: dict = {}

    while ready:
        node = ready.pop()
        g = grads.pop(node)
        if node.hooks:
            g = _run_hooks(node.hooks, g, create_graph)
        if capture_nodes is not None and node in capture_nodes:
            for i in capture_nodes[node]:
                found[i] = g
        inputs = node.inputs
        if node.clock < clock_now:
            _check_versions(node)
        if create_graph:
            xs = inputs
            out = _recompute(node) if node.uses_out else None
        else:
            xs = [t.data for t in inputs]
            out = node.out
        in_grads = node.vjp(g, xs, out, xp)
        if anomaly:
            _check_anomaly(node, in_grads)
        needs = node.needs
        for i, t in enumerate(inputs):
            if not needs[i]:
                continue
            gi = in_grads[i]
            if gi is None:
                continue
            if gi.shape != t.data.shape:
                gi = _unbroadcast(gi, t.data.shape, node, i, create_graph)
            fn = t.grad_fn
            if fn is None:
                if t in leaf_grads:
                    leaf_grads[t] = leaf_grads[t] + gi
                else:
                    leaf_grads[t] = gi
                continue
            if fn in grads:
                grads[fn] = grads[fn] + gi
            else:
                grads[fn] = gi
            n = deps[fn] - 1
            deps[fn] = n
            if n == 0:
                ready.append(fn)
        if not retain_graph:
            node.inputs = _Released([t if t.grad_fn is None else t.grad_fn for t in inputs])
            node.out = None
    # seeds given directly for leaves
    for key, g in grads.items():
        if isinstance(key, Tensor):
            leaf_grads[key] = leaf_grads[key] + g if key in leaf_grads else g

    if capture is not None:
        for i, t in enumerate(capture):
            if t.grad_fn is None and t in leaf_grads:
                g = leaf_grads[t]
                if t._hooks:
                    g = _run_hooks(t._hooks, g, create_graph)
                found[i] = g
        return found
    seen_arrays = {id(s) for s in (seeds if not create_graph else ())}
    for t, g in leaf_grads.items():
        if t._hooks:
            g = _run_hooks(t._hooks, g, create_graph)
        _accumulate_leaf(t, g, create_graph, seen_arrays)
    return None


def _unbroadcast(gi, shape, node, i, create_graph):
    try:
        if create_graph:
            return TS.sum_to(gi, shape)
        return sum_to_shape(gi, shape)
    except ValueError:
        raise RuntimeError(
            f"backward of '{node.name}' returned a gradient of shape {tuple(gi.shape)} for "
            f"input {i} of shape {shape}; the shapes do not broadcast"
        ) from None


def _accumulate_leaf(t: Tensor, g, create_graph: bool, seen_arrays: set) -> None:
    if create_graph:
        if not isinstance(g, Tensor):
            g = _make(g, None)
        if g.data.dtype != t.data.dtype:
            g = g.to(t.data.dtype)
        t.grad = g if t.grad is None else t.grad + g
        return
    if g.dtype != t.data.dtype:
        g = g.astype(t.data.dtype)
    if t.grad is None:
        # never alias an array held elsewhere (a seed, another leaf's grad, a view)
        if g.base is not None or not g.flags.writeable or id(g) in seen_arrays:
            g = g.copy()
        seen_arrays.add(id(g))
        t.grad = _make(g, None)
    else:
        t.grad.data = t.grad.data + g


def _run_hooks(hooks, g, create_graph):
    as_tensor = g if isinstance(g, Tensor) else _make(g, None)
    for hook in list(hooks):
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
    return as_tensor if create_graph else as_tensor.data


def _check_versions(node) -> None:
    for t in node.inputs:
        root = t._base if t._base is not None else t
        if root._version > node.clock:
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


def _check_anomaly(node, in_grads) -> None:
    for i, gi in enumerate(in_grads):
        if gi is None:
            continue
        arr = gi.data if isinstance(gi, Tensor) else gi
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            kind = "NaN" if np.isnan(arr).any() else "Inf"
            where = ""
            if node.tb:
                f = node.tb[-1]
                where = (
                    f"\nthe op was created at {f.filename}:{f.lineno}, in {f.name}\n    {f.line}"
                )
            else:
                where = "\n(the op was created outside detect_anomaly(), so its line is unknown)"
            raise RuntimeError(
                f"backward of '{node.name}' produced {kind} in the gradient of its input {i}"
                + where
            )


def mark_output_dirty(t: Tensor) -> None:
    """Called by in-place ops before they change ``t``: VJPs that saved it must fail."""
    STATE.clock += 1
    root = t._base if t._base is not None else t
    root._version = STATE.clock
    fn = root.grad_fn
    if fn is not None and fn.uses_out:
        fn.out = _DIRTY


class _Dirty:
    """Stands in for a saved forward result that an in-place op overwrote."""


_DIRTY = _Dirty()
