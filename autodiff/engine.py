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
import gc
import os
import threading
import traceback

import numpy as np

from . import tensor as _tensor_module
from .tensor import Tensor, _make, _root, as_ndarray


class _Mode(threading.local):
    """Grad mode and anomaly mode, per thread (as PyTorch's): a thread evaluating under
    ``no_grad``, or running a backward, never turns recording off in another."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False

    def set(self, grad_enabled: bool, anomaly: bool) -> None:
        if grad_enabled is not self.grad_enabled or anomaly is not self.anomaly:
            ALL_THREADS.change(self, grad_enabled, anomaly)


class _AllThreads:
    """What the threads' modes add up to. A thread-local read costs ~35 ns more than
    a slot, so the hot paths test ``all_recording`` (no thread has grad mode off) and
    read their own thread's mode only when it is False; ``record`` reads a thread's
    anomaly flag only while some thread has one."""

    __slots__ = ("all_recording", "any_anomaly", "off", "anomalous", "lock")

    def __init__(self) -> None:
        self.all_recording = True
        self.any_anomaly = False
        self.off = 0  # threads with grad mode off
        self.anomalous = 0  # threads in anomaly mode
        self.lock = threading.Lock()

    def change(self, mode: _Mode, grad_enabled: bool, anomaly: bool) -> None:
        with self.lock:
            self.off += (mode.grad_enabled is True) - (grad_enabled is True)
            self.anomalous += (anomaly is True) - (mode.anomaly is True)
            mode.grad_enabled = grad_enabled
            mode.anomaly = anomaly
            self.all_recording = self.off == 0
            self.any_anomaly = self.anomalous > 0


ALL_THREADS = _AllThreads()
STATE = _Mode()


def recording() -> bool:
    """Whether this thread records ops (its grad mode), cheaply.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff.engine import recording
    >>> with autodiff.no_grad():
    ...     recording()
    False
    """
    return ALL_THREADS.all_recording or STATE.grad_enabled


class _Clock:
    """The version clock, shared by all threads: advanced by every in-place op;
    nodes remember it to detect later changes of what they saved."""

    __slots__ = ("clock", "lock")

    def __init__(self) -> None:
        self.clock = 0
        self.lock = threading.Lock()

    def tick(self) -> int:
        with self.lock:  # (two threads' in-place ops must not share a tick)
            self.clock += 1
            return self.clock


CLOCK = _Clock()


# ------------------------------------------------------------------ grad mode
class _GradMode(contextlib.ContextDecorator):
    def __init__(self, enabled: bool) -> None:
        self.enabled = bool(enabled)

    def __enter__(self):
        self.prev = STATE.grad_enabled
        STATE.set(self.enabled, STATE.anomaly)
        return self

    def __exit__(self, *exc):
        STATE.set(self.prev, STATE.anomaly)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _GradMode(self.enabled):
                return fn(*args, **kwargs)

        return wrapper


def no_grad(orig_func=None) -> _GradMode:
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
    if orig_func is not None:  # used as a bare decorator: @autodiff.no_grad
        return _GradMode(False)(orig_func)
    return _GradMode(False)


def enable_grad(orig_func=None) -> _GradMode:
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
    if orig_func is not None:
        return _GradMode(True)(orig_func)
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
        STATE.set(self.enabled, STATE.anomaly)

    def __enter__(self):
        return self

    def __call__(self, fn):
        STATE.set(self.prev, STATE.anomaly)  # as a decorator it only applies inside fn
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
        STATE.set(STATE.grad_enabled, bool(self.check_nan))
        return self

    def __exit__(self, *exc):
        STATE.set(STATE.grad_enabled, self.prev)
        return False


# ---------------------------------------------------------------------- nodes
class Node:
    """One recorded op application. Subclasses declare one op each.

    Class attributes: ``name`` (the op's name, as drawn), ``uses_out`` (the
    VJP reads the forward result), ``reads_inputs`` (it reads input values,
    not only their shapes), ``out_is_const`` (it uses the result only through
    non-differentiable functions such as ``out > 0``, so a second-order pass
    can take the saved array; otherwise that pass gets the result as a Tensor
    whose history is the node itself, or, for an op that also reads its
    inputs, recomputes it from them). Subclasses define ``forward(*arrays, attrs)``
    (static, on ndarrays) and ``vjp(self, g, xs, out, xp)``, which returns one
    gradient per input (or None where ``self.needs`` is False).

    What a node keeps is what its VJP needs, as PyTorch's saved tensors: an op
    that reads no input values (add, sum, reshape, relu, sigmoid, exp, ...) keeps, in place
    of each non-leaf input Tensor, that tensor's producing node (which then
    records the output's ``shape`` and ``dtype``). The input's array can be
    freed as soon as the user drops it, and the edge is fixed when the op is
    recorded, so a later in-place op on the input cannot re-route gradients
    (an op that reads input values keeps the Tensors; backward checks their
    versions before following their edges).
    Such a node stands in for its output: ``.data`` and ``.grad_fn`` are the
    node itself, ``.shape``, ``.ndim`` and ``.dtype`` describe the output, so
    the backward loop and shape-only VJPs treat it like the tensor.
    """

    __slots__ = (
        "inputs",
        "needs",
        "attrs",
        "out",
        "clock",
        "hooks",
        "tb",
        "calls",
        "shape",
        "dtype",
        # set on view ops only (reshape, indexing, ...): the ``_rebases`` list of the
        # tensor whose memory the output shares (not the tensor: its memory must be
        # free to go); read with getattr(node, "view_rebases", ())
        "view_rebases",
        # the clock of a rebase of that tensor known not to touch this view's memory
        "view_current",
        # set when an in-place change of this node's tensor left views of it on the
        # older history (see inplace._regenerate_views): hooks here would miss them
        "bypassed",
        "__weakref__",
    )
    name = "op"
    uses_out = False
    # False where the VJP uses no input values (only shapes/dtypes): an in-place
    # change of an input after the op then does not invalidate its backward
    reads_inputs = True
    out_is_const = False
    # True where the VJP reads an input's value only for the other inputs' gradients
    # (a * b, a @ b): changing an input in place then matters only if another needs one
    cross_reads = False
    # keep producing nodes, not input Tensors (set per class from the flags above)
    keeps_nodes = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # (an op that uses its result but no input values needs no inputs even for a
        # second-order pass: there its result is a Tensor whose history is the node)
        cls.keeps_nodes = not cls.reads_inputs

    # a node standing in for its output tensor (see the class docstring)
    @property
    def data(self) -> Node:
        return self

    _data = data  # (the name the engine reads on tensors)

    @property
    def grad_fn(self) -> Node:
        return self

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    requires_grad = True

    def hook_list(self) -> list:
        hooks = self.hooks
        if hooks is None:
            hooks = self.hooks = []
        return hooks

    def vjp(self, g, xs, out, xp):  # pragma: no cover - every op overrides
        raise NotImplementedError

    def __repr__(self) -> str:
        # PyTorch-style: <MulBackward>, <LogSoftmaxBackward>, <CubeBackward>
        camel = "".join(p[:1].upper() + p[1:] for p in self.name.split("_"))
        return f"<{camel}Backward>"

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


class _Released:
    """Stands in for ``node.out`` once backward has freed the node's saved values.

    From then on ``node.inputs`` holds leaf Tensors and upstream Nodes only.
    """

    def __repr__(self) -> str:
        return "<released>"


_RELEASED = _Released()


# values up to this many elements stay with their node for graph pictures
KEEP_FOR_PICTURES = 16


def node_edge(t: Tensor, fn: Node) -> Node:
    """``fn`` (``t.grad_fn``) standing in for ``t`` in a node's inputs, for ops whose
    VJP reads no values: it learns ``t``'s shape and dtype, and keeps a small value
    (up to 16 elements, what a graph picture prints) as ``out`` so pictures of small
    expressions show every value."""
    data = t._data
    fn.shape = data.shape
    fn.dtype = data.dtype
    if fn.out is None and data.size <= KEEP_FOR_PICTURES:
        fn.out = data
    return fn


def node_edges(inputs: tuple) -> tuple:
    """``inputs`` with each non-leaf Tensor replaced by its producing node."""
    # (one and two inputs unrolled: this runs for every add, sum, reshape, ...)
    if len(inputs) == 1:
        t = inputs[0]
        fn = t.grad_fn
        return inputs if fn is None else (node_edge(t, fn),)
    if len(inputs) == 2:
        a, b = inputs
        fa = a.grad_fn
        fb = b.grad_fn
        return (a if fa is None else node_edge(a, fa), b if fb is None else node_edge(b, fb))
    edges = list(inputs)
    for i, t in enumerate(inputs):
        if t.grad_fn is not None:
            edges[i] = node_edge(t, t.grad_fn)
    return tuple(edges)


def record(cls, inputs: tuple, needs: tuple, attrs, out: np.ndarray) -> Tensor:
    """Create the output tensor of ``cls`` and its node: the one place op results
    with a history are made (``tensor._make`` makes those without)."""
    if type(out) is not np.ndarray:
        out = as_ndarray(out)
    node = _new(cls)
    if cls.keeps_nodes:
        if len(inputs) == 1:
            # node_edges, inlined for the commonest case (every unary op, x * 2.0)
            x = inputs[0]
            fn = x.grad_fn
            if fn is not None:
                data = x._data
                fn.shape = data.shape
                fn.dtype = data.dtype
                if fn.out is None and data.size <= KEEP_FOR_PICTURES:
                    fn.out = data
                inputs = (fn,)
        else:
            inputs = node_edges(inputs)
    node.inputs = inputs
    node.needs = needs
    node.attrs = attrs
    node.out = out if cls.uses_out else None
    node.clock = CLOCK.clock
    node.hooks = None
    if ALL_THREADS.any_anomaly and STATE.anomaly:
        node.tb = _user_stack()
    t = _new(Tensor)
    t._data = out
    t.requires_grad = True
    t.grad_fn = node
    t._grad = None
    return t


_new = object.__new__


def record_unary(cls, x: Tensor, attrs, out) -> Tensor:
    """``record`` for one input, lean: the hot path of small graphs (x * 2.0, x.tanh()).
    Takes only ndarray results outside anomaly mode; everything else goes to ``record``."""
    if type(out) is not np.ndarray or ALL_THREADS.any_anomaly:
        return record(cls, (x,), _TRUE1, attrs, out)
    node = _new(cls)
    fn = x.grad_fn
    if fn is None or not cls.keeps_nodes:
        node.inputs = (x,)
    else:  # node_edge, inlined
        data = x._data
        fn.shape = data.shape
        fn.dtype = data.dtype
        if fn.out is None and data.size <= KEEP_FOR_PICTURES:
            fn.out = data
        node.inputs = (fn,)
    node.needs = _TRUE1
    node.attrs = attrs
    node.out = out if cls.uses_out else None
    node.clock = CLOCK.clock
    node.hooks = None
    t = _new(Tensor)
    t._data = out
    t.requires_grad = True
    t.grad_fn = node
    t._grad = None
    return t


_TRUE1 = (True,)


def apply(cls, inputs: tuple, attrs=None) -> Tensor:
    """Run ``cls.forward`` on the inputs' arrays and record a node if needed."""
    out = cls.forward(*[t._data for t in inputs], attrs)
    if ALL_THREADS.all_recording or STATE.grad_enabled:
        needs = tuple([t.requires_grad for t in inputs])
        if True in needs:
            return record(cls, inputs, needs, attrs, out)
    return _make(out, None)


def apply1(cls, x: Tensor, attrs=None) -> Tensor:
    """``apply`` for one input, without the generic bookkeeping."""
    out = cls.forward(x._data, attrs)
    if x.requires_grad and (ALL_THREADS.all_recording or STATE.grad_enabled):
        return record(cls, (x,), (True,), attrs, out)
    return _make(out, None)


def apply2(cls, a: Tensor, b: Tensor, attrs=None) -> Tensor:
    """``apply`` for two inputs."""
    out = cls.forward(a._data, b._data, attrs)
    ra = a.requires_grad
    rb = b.requires_grad
    if (ra or rb) and (ALL_THREADS.all_recording or STATE.grad_enabled):
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


_ONES: dict = {}  # (rows, dtype) -> read-only vector of ones, for sum_rows


def sum_rows(g: np.ndarray) -> np.ndarray:
    """``g.sum(axis=0)``; for a float32/float64 batch of up to 4096 rows as
    ``ones @ g`` (BLAS).

    A bias gradient: BLAS sums a (128, 256) batch 2-3x faster than
    ``np.add.reduce``, and as accurately there; over many more rows NumPy's
    pairwise sum rounds better (BLAS adds in long runs), so it sums those.

    Examples
    --------
    >>> import numpy as np
    >>> sum_rows(np.arange(6.0).reshape(3, 2))
    array([6., 9.])
    """
    if g.ndim == 2 and g.shape[0] <= 4096 and (g.dtype == np.float32 or g.dtype == np.float64):
        key = (g.shape[0], g.dtype)
        ones = _ONES.get(key)
        if ones is None:
            if len(_ONES) > 64:  # (batch sizes vary little; bound it anyway)
                _ONES.clear()
            ones = _ONES[key] = np.ones(g.shape[0], g.dtype)
            ones.flags.writeable = False
        return ones @ g
    return np.add.reduce(g, axis=0)


def sum_to_shape(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Undo broadcasting: sum ``g`` down to ``shape``."""
    gshape = g.shape
    if gshape == shape:
        return g
    if gshape[1:] == shape:  # the common case: a bias broadcast over a batch
        return sum_rows(g)
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1
    )
    if axes:
        g = np.add.reduce(g, axis=axes, keepdims=True)
    if lead:
        g = g.reshape(shape)
    return g


# ------------------------------------------------------------------- backward
_FREED = (
    "Trying to backward through the graph a second time: the values saved for "
    "backward were freed by the first backward. Pass retain_graph=True to the "
    "first backward() (or autodiff.grad) if you need to backward through it again."
)


_BYPASSED = (
    "a tensor made by '{}' has a hook (or retain_grad, or autodiff.grad asks for it), "
    "but it was changed in place in part while more than 16 views of it were alive; "
    "their gradients reach the older history directly and would miss the hook. Take "
    "the views after the change, or hook a .clone()"
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


_tensor_module._engine_backward = backward


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
            if not isinstance(g, Tensor):
                # (a 0-d ufunc result is a NumPy scalar: return an array, as everywhere)
                g = _make(g, None)
            result.append(g)
    return tuple(result)


def run_backward(roots, seeds, retain_graph, create_graph, capture):
    """The backward pass. With ``capture`` (a tuple of tensors) gradients are
    returned for those tensors instead of accumulated into leaves."""
    xp = TS if create_graph else NP
    prev_mode = STATE.grad_enabled
    STATE.set(bool(create_graph), STATE.anomaly)
    # backward makes no reference cycles: pausing the cyclic GC spares it from
    # rescanning the (possibly huge) live graph while gradients are allocated
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        with np.errstate(all="ignore"):
            return _run(roots, seeds, retain_graph, create_graph, capture, xp)
    finally:
        STATE.set(prev_mode, STATE.anomaly)
        if gc_was_on:
            gc.enable()


def _run(roots, seeds, retain_graph, create_graph, capture, xp):
    # This pass's bookkeeping, never stored on nodes (a hook may run another pass
    # over shared nodes, another thread a pass of its own): for each node reached,
    # [consumers still to run, the gradient accumulated so far, the node] (one entry,
    # not two dicts: one lookup per edge; the ready stack holds entries too)
    pending: dict = {}
    leaf_grads: dict = {}  # id(leaf) -> [leaf, gradient] (int keys hash fastest)
    # ids of arrays that escape backward (seeds, arrays user hooks saw or returned):
    # a leaf's .grad must never share memory with them (see _accumulate_leaf)
    escaped = None
    if not create_graph:
        escaped = set()
        for s in seeds:
            _mark_escaped(escaped, s)
    ready = []
    stack = []
    for t, s in zip(roots, seeds):
        node = t.grad_fn
        if node is None:
            _add_leaf(leaf_grads, t, s)
            continue
        if node.clock < CLOCK.clock:  # (only an in-place op since can make a view stale)
            _check_view_current(node, None)
        entry = pending.get(node)
        if entry is None:
            pending[node] = [0, s, node]
            stack.append(node)
        else:
            entry[1] = entry[1] + s
    # count consumers, iteratively (graphs may be millions of nodes deep)
    order = list(stack)
    clock_now = CLOCK.clock
    released = []  # nodes whose saved values are gone: an error if their VJP must run
    while stack:
        node = stack.pop()
        inputs = node.inputs
        if node.out is _RELEASED:
            released.append(node)
        changed = node.clock < clock_now
        if changed and node.reads_inputs:
            # an in-place op ran since this node was recorded: an input it gave a new
            # history (x.mul_(...), or a view regenerated from its base's new one)
            # must lead back to the history this node used, as PyTorch's edges do
            # (its new one may even lead to this node: a cycle). Whether the node may
            # still read that input's value is the version check's business.
            inputs = node.inputs = _inputs_as_recorded(node)
        if changed or False in node.needs:
            # an input that needed no gradient had no grad_fn when recorded: one it
            # took since (an in-place op, or requires_grad switched off after it had
            # one) is not this node's edge
            inputs = [t for t, need in zip(inputs, node.needs) if need]
        for t in inputs:
            fn = t.grad_fn
            if fn is not None:
                if fn.clock < node.clock:
                    _check_view_current(fn, node)
                entry = pending.get(fn)
                if entry is None:
                    pending[fn] = [1, None, fn]
                    stack.append(fn)
                else:
                    entry[0] += 1
    for node in order:
        entry = pending[node]
        if entry[0] == 0:
            ready.append(entry)
    del order

    capture_nodes = None
    found = None
    skip = None
    if capture is not None:
        found = [None] * len(capture)
        capture_nodes = {}
        for i, t in enumerate(capture):
            if t.grad_fn is not None:
                capture_nodes.setdefault(t.grad_fn, []).append(i)
        # autodiff.grad: run only the VJPs on paths to the requested tensors
        skip = _unneeded_nodes(roots, capture_nodes, {id(t) for t in capture})
    for node in released:
        if not skip or node not in skip:
            raise RuntimeError(_FREED + f" (op '{node.name}')")
    released = None
    anomaly = STATE.anomaly
    clock = CLOCK  # (read per node: a hook may change a saved value)
    pop = ready.pop
    push = ready.append

    while ready:
        entry = pop()
        node = entry[2]
        g = entry[1]
        entry[1] = None  # (the pass keeps the entry, not the gradient)
        if g is None or (skip and node in skip):
            # no gradient reached this node (every consumer's VJP returned None, a
            # zero gradient), or no requested tensor lies below: only release
            # consumers' counts, so that nodes with other consumers still run
            if g is not None and capture_nodes is not None and node in capture_nodes:
                if node.hooks:  # (its VJP does not run: PyTorch returns the hooked value)
                    g = _run_hooks(node.hooks, g, create_graph, escaped)
                for i in capture_nodes[node]:
                    found[i] = g
            for t, need in zip(node.inputs, node.needs):
                if need:
                    _consumer_done(t.grad_fn, pending, push)
            if g is None and not retain_graph:
                _release_saved(node)  # as a node that ran would
            continue
        captured = capture_nodes is not None and node in capture_nodes
        if captured or node.hooks:
            if getattr(node, "bypassed", False):
                raise RuntimeError(_BYPASSED.format(node.name))
            if captured:
                # autodiff.grad returns a non-leaf's gradient as it arrived when its
                # VJP runs (something requested lies below); its hooks change what
                # flows on. As PyTorch, whose leaves and skipped nodes return the
                # hooked value.
                for i in capture_nodes[node]:
                    found[i] = g
            if node.hooks:
                g = _run_hooks(node.hooks, g, create_graph, escaped)
        inputs = node.inputs
        if node.clock < clock.clock:
            _check_versions(node)
        if not create_graph and len(inputs) == 1:
            # the common case, kept lean: one input, first order
            t = inputs[0]
            data = t._data
            gi = node.vjp(g, (data,), node.out, xp)[0]
            fn = t.grad_fn
            if not retain_graph:
                # free what backward saved; keep the structure (leaves and upstream nodes)
                if fn is not None and fn is not t:
                    node.inputs = (fn,)
                node.out = _RELEASED
            if gi is None:
                _consumer_done(fn, pending, push)
                continue
            if anomaly:
                _check_anomaly(node, (gi,))
            if gi.shape != data.shape:
                gi = _unbroadcast(gi, data.shape, node, t, create_graph)
            if fn is None:
                entry = leaf_grads.get(id(t))
                if entry is None:
                    leaf_grads[id(t)] = [t, gi]
                else:
                    entry[1] = entry[1] + gi
                continue
            entry = pending[fn]
            prev = entry[1]
            entry[1] = gi if prev is None else prev + gi
            n = entry[0] - 1
            entry[0] = n
            if n == 0:
                push(entry)
            continue
        # drop references the lean path left behind (an activation), so that it can be
        # freed before this VJP allocates: peak memory is the point here
        t = data = None
        if create_graph:
            out = None
            if node.uses_out:
                if node.out_is_const:
                    out = node.out
                elif node.reads_inputs:
                    out = _recompute(node)
                else:
                    # the saved result, differentiable through this very node (as
                    # PyTorch's saved outputs): no input values are needed
                    out = _make(node.out, node)
            in_grads = node.vjp(g, inputs, out, xp)
            out = None
        elif len(inputs) == 2:
            in_grads = node.vjp(g, (inputs[0]._data, inputs[1]._data), node.out, xp)
        else:
            # (not a list comprehension in the hot path: in Python 3.11 each costs a frame)
            in_grads = node.vjp(g, [t._data for t in inputs], node.out, xp)
        if anomaly:
            _check_anomaly(node, in_grads)
        for t, gi, need in zip(inputs, in_grads, node.needs):
            if not need:
                continue
            if gi is None:
                _consumer_done(t.grad_fn, pending, push)
                continue
            if gi.shape != t._data.shape:
                gi = _unbroadcast(gi, t._data.shape, node, t, create_graph)
            fn = t.grad_fn
            if fn is None:
                entry = leaf_grads.get(id(t))
                if entry is None:
                    leaf_grads[id(t)] = [t, gi]
                else:
                    entry[1] = entry[1] + gi
                continue
            entry = pending[fn]
            prev = entry[1]
            entry[1] = gi if prev is None else prev + gi
            n = entry[0] - 1
            entry[0] = n
            if n == 0:
                push(entry)
        if not retain_graph:
            if node.keeps_nodes:
                pass  # its inputs are already leaves and nodes (see node_edges)
            elif len(inputs) == 2:
                a, b = inputs
                fa = a.grad_fn
                fb = b.grad_fn
                node.inputs = (a if fa is None else fa, b if fb is None else fb)
                a = b = fa = fb = None
            else:
                _release_saved(node)
            node.out = _RELEASED
        in_grads = gi = t = None  # nothing of this node outlives it (peak memory)

    if capture is not None:
        for i, t in enumerate(capture):
            entry = leaf_grads.get(id(t))
            if t.grad_fn is None and entry is not None:
                g = entry[1]
                hooks = getattr(t, "_hooks", None)
                if hooks:
                    g = _run_hooks(hooks, g, create_graph, escaped)
                found[i] = g
        return found
    for t, g in leaf_grads.values():
        hooks = getattr(t, "_hooks", None)
        if hooks:
            g = _run_hooks(hooks, g, create_graph, escaped)
        elif (
            not create_graph
            and t._grad is None
            and type(g) is np.ndarray
            and g.base is None
            and g.dtype == t._data.dtype
            and id(g) not in escaped
        ):
            # _accumulate_leaf's common case, inlined: a fresh array becomes .grad
            escaped.add(id(g))
            t._grad = _make(g, None)
            continue
        _accumulate_leaf(t, g, create_graph, escaped)
    return None


def _consumer_done(fn, pending: dict, push) -> None:
    """One consumer of ``fn`` has run without passing it a gradient (a VJP's None)."""
    if fn is not None:
        entry = pending[fn]
        entry[0] -= 1
        if entry[0] == 0:
            push(entry)


def _release_saved(node) -> None:
    """Free what backward saved; keep the structure (leaves and upstream nodes)."""
    if not node.keeps_nodes:  # (its inputs are already leaves and nodes)
        node.inputs = tuple([t if t.grad_fn is None else t.grad_fn for t in node.inputs])
    node.out = _RELEASED


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


def _add_leaf(leaf_grads: dict, t: Tensor, g) -> None:
    entry = leaf_grads.get(id(t))
    if entry is None:
        leaf_grads[id(t)] = [t, g]
    else:
        entry[1] = entry[1] + g


def _unbroadcast(gi, shape, node, t, create_graph):
    if not create_graph and gi.shape[1:] == shape:
        # the common case, a bias broadcast over a batch: no general check needed
        return sum_rows(gi)
    try:
        # a gradient may be larger than its input (broadcast), never smaller
        if np.broadcast_shapes(shape, tuple(gi.shape)) != tuple(gi.shape):
            raise ValueError
        if create_graph:
            return TS.sum_to(gi, shape)
        return sum_to_shape(gi, shape)
    except ValueError:
        # (the lean path may already have re-pointed the input to its node)
        i = next((k for k, u in enumerate(node.inputs) if u is t or u is t.grad_fn), 0)
        raise RuntimeError(
            f"backward of '{node.name}' returned a gradient of shape {tuple(gi.shape)} for "
            f"input {i} of shape {shape}; the shapes do not broadcast"
        ) from None


def _accumulate_leaf(t: Tensor, g, create_graph: bool, seen_arrays) -> None:
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
        t.grad._data = as_ndarray(t.grad._data + g)


def _run_hooks(hooks, g, create_graph, escaped=None):
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


def _check_view_current(fn, consumer) -> None:
    """Raise if ``fn`` made a view of a tensor that a recorded in-place op then gave
    a new history, and the view was used after that (by ``consumer``, or as a
    backward root): the view's values come from the new history, its recorded
    one is stale. (A change under no_grad keeps the history: nothing to do.)"""
    used_at = CLOCK.clock if consumer is None else consumer.clock
    current = getattr(fn, "view_current", fn.clock)
    for clock in getattr(fn, "view_rebases", ()):
        if current < clock <= used_at:
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
        prior = getattr(t, "_prior_fns", None)
        if prior and prior[-1][0] > node.clock:
            old_fn = next(fn for clock, fn in prior if clock > node.clock)
            stand_in = _make(t._data, old_fn)
            stand_in.requires_grad = t.requires_grad or old_fn is not None
            stand_in._base = _root(t)
            inputs[i] = stand_in
    return tuple(inputs)


def _check_versions(node) -> None:
    needs = node.needs
    for i, t in enumerate(node.inputs if node.reads_inputs else ()):
        if node.cross_reads and not any(n for k, n in enumerate(needs) if k != i):
            continue  # its value serves only the other inputs' gradients: none needed
        root = _root(t)
        if getattr(root, "_version", 0) > node.clock:
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


def mark_output_dirty(t: Tensor) -> None:
    """Called by in-place ops before they change ``t``: VJPs that saved it must fail."""
    clock = CLOCK.tick()
    root = _root(t)
    root._version = clock
    fn = root.grad_fn
    if fn is not None and fn.uses_out:
        fn.out = _DIRTY


class _Dirty:
    """Stands in for a saved forward result that an in-place op overwrote."""


_DIRTY = _Dirty()
