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

import os
import threading
import traceback

import numpy as np

from .grad_mode import (  # noqa: F401 - re-exported: the ops import grad mode from here
    ALL_THREADS,
    STATE,
    _GradMode,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    no_grad,
    recording,
    set_grad_enabled,
)
from .tensor import Tensor, _make
from .views import meta


class _Clock:
    """The version clock, shared by all threads: advanced by every in-place op;
    nodes remember it to detect later changes of what they saved."""

    __slots__ = ("clock", "lock")

    def __init__(self) -> None:
        self.clock = 0
        self.lock = threading.Lock()

    def tick(self) -> int:
        lock = self.lock  # (two threads' in-place ops must not share a tick)
        lock.acquire()  # (not `with`: half the cost, and nothing here can raise)
        clock = self.clock = self.clock + 1
        lock.release()
        return clock


CLOCK = _Clock()


# ---------------------------------------------------------------------- nodes
class Node:
    """One recorded op application. Subclasses declare one op each.

    Class attributes: ``name`` (the op's name, as drawn) and ``saves``, what the VJP
    reads besides the incoming gradient (see ``_declare_saves``). Subclasses define
    ``forward(*arrays, attrs)`` (static, on ndarrays) and ``vjp(self, g, xs, out, xp)``,
    which returns one gradient per input (or None where ``self.needs`` is False).

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
        # left unset by the engine: the Module calls whose output this node made, as
        # [(module, stops)], set by autodiff.viz's Module-call hook (viz/_modules.py)
        "calls",
        "shape",
        "dtype",
        # set on view ops only (reshape, indexing, ...): the rebase log of the tensor
        # whose memory the output shares (views.rebase_log; not the tensor: its
        # memory must be free to go); read with getattr(node, "view_rebases", ())
        "view_rebases",
        "__weakref__",
    )
    name = "op"
    # a unary op may declare its forward as one NumPy ufunc (ufunc = np.tanh)
    ufunc = None
    # What the VJP reads (PyTorch's saved tensors; chainer's retain_inputs and
    # retain_outputs), declared by every op and checked per op by
    # tests/test_saved_flags.py. A tuple of:
    #   i            input i's value (for every gradient)
    #   "inputs"     every input's value (ops with any number of inputs)
    #   "out"        the forward result
    #   "out_const"  the result only through non-differentiable functions (relu's
    #                out > 0): a second-order pass takes the saved array as it is
    # () means shapes and dtypes only. A dict {i: (k, ...)} says which gradients read
    # input i (mul: {0: (1,), 1: (0,)}): an in-place change of input i then matters
    # only when one of those gradients is needed, as in PyTorch.
    saves: tuple | dict  # (required: a subclass that does not declare it is refused)
    # derived from ``saves`` by _declare_saves, read by the engine and backward
    _uses_out = False
    _out_is_const = False
    _reads_inputs = True
    _keeps_nodes = False  # keep producing nodes, not input Tensors (reads no input)
    _saved_reads = None  # ((i, gradients or None), ...); None: every input, always

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        ufunc = cls.__dict__.get("ufunc")
        if ufunc is not None and "forward" not in cls.__dict__:
            # a unary op whose forward is one NumPy ufunc declares just that
            cls.forward = staticmethod(lambda x, attrs, ufunc=ufunc: ufunc(x))
        _declare_saves(cls)

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
    # (a class attribute Tensor has too, as False: backward's loops read it instead of
    # the two properties above, ~0.1 us a node on deep graphs)
    _stands_in = True

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


_OLD_FLAGS = ("uses_out", "reads_inputs", "out_is_const", "cross_reads", "keeps_nodes")


def _declare_saves(cls) -> None:
    """Check ``cls.saves`` and derive the flags the engine reads from it."""
    old = [f for f in _OLD_FLAGS if f in cls.__dict__]
    if old:
        raise TypeError(
            f"{cls.__name__}: {', '.join(old)} is no longer read; declare what the VJP "
            "reads as saves = (...), e.g. saves = (0,) or saves = ('out',)"
        )
    saves = getattr(cls, "saves", None)
    if saves is None:
        raise TypeError(
            f"{cls.__name__}: declare what its VJP reads, e.g. saves = (0,) (input 0's "
            "value), saves = ('out',) (the result) or saves = () (shapes only)"
        )
    reads = saves if isinstance(saves, dict) else dict.fromkeys(saves)
    for key, grads in reads.items():
        ok = key in ("inputs", "out", "out_const") or (type(key) is int and key >= 0)
        if not ok or not (grads is None or isinstance(grads, tuple)):
            raise TypeError(
                f"{cls.__name__}.saves: {key!r}: {grads!r} is not an input index, "
                "'inputs', 'out' or 'out_const' (with a tuple of gradient indices in a dict)"
            )
    cls._uses_out = "out" in reads or "out_const" in reads
    cls._out_is_const = "out_const" in reads
    indices = tuple((k, g) for k, g in reads.items() if type(k) is int)
    cls._reads_inputs = "inputs" in reads or bool(indices)
    # (an op that uses its result but no input values needs no inputs even for a
    # second-order pass: there its result is a Tensor whose history is the node)
    cls._keeps_nodes = not cls._reads_inputs
    cls._saved_reads = None if "inputs" in reads else indices


class _Released:
    """Stands in for ``node.out`` once backward has freed the node's saved values.

    From then on ``node.inputs`` holds leaf Tensors and upstream Nodes only.
    """

    def __repr__(self) -> str:
        return "<released>"


_RELEASED = _Released()


# Engine policy: a node standing in for its tensor (``_keeps_nodes``) keeps the value
# as ``node.out`` when it has at most this many elements. Holding a few numbers costs
# nothing, and whoever reads the graph later (autodiff.viz prints values of up to this
# size, ``viz._stats.SMALL``) sees every value of a small expression, not "not kept".
# Read by record, record_unary and node_edge (a module global: no call on the hot path).
KEEP_SMALL_VALUES = 16


def node_edge(t: Tensor, fn: Node) -> Node:
    """``fn`` (``t.grad_fn``) standing in for ``t`` in a node's inputs, for ops whose
    VJP reads no values: it learns ``t``'s shape and dtype, and keeps a small value
    (up to ``KEEP_SMALL_VALUES`` elements) as ``out``."""
    data = t._data
    fn.shape = data.shape
    fn.dtype = data.dtype
    if fn.out is None and data.size <= KEEP_SMALL_VALUES:
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
    if type(out) is not np.ndarray:  # (a 0-d result of a ufunc or reduction)
        out = np.asarray(out)
    node = _new(cls)
    if cls._keeps_nodes:
        if len(inputs) == 1:
            # node_edges, inlined for the commonest case (every unary op, x * 2.0)
            x = inputs[0]
            fn = x.grad_fn
            if fn is not None:
                data = x._data
                fn.shape = data.shape
                fn.dtype = data.dtype
                if fn.out is None and data.size <= KEEP_SMALL_VALUES:
                    fn.out = data
                inputs = (fn,)
        else:
            inputs = node_edges(inputs)
    node.inputs = inputs
    node.needs = needs
    node.attrs = attrs
    node.out = out if cls._uses_out else None
    node.clock = CLOCK.clock
    node.hooks = None
    if ALL_THREADS.anomalous and STATE.anomaly:
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
    if type(out) is not np.ndarray or ALL_THREADS.anomalous:
        return record(cls, (x,), _TRUE1, attrs, out)
    node = _new(cls)
    fn = x.grad_fn
    if fn is None or not cls._keeps_nodes:
        node.inputs = (x,)
    else:  # node_edge, inlined
        data = x._data
        fn.shape = data.shape
        fn.dtype = data.dtype
        if fn.out is None and data.size <= KEEP_SMALL_VALUES:
            fn.out = data
        node.inputs = (fn,)
    node.needs = _TRUE1
    node.attrs = attrs
    node.out = out if cls._uses_out else None
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
    if not ALL_THREADS.off or STATE.grad_enabled:
        needs = tuple([t.requires_grad for t in inputs])
        if True in needs:
            return record(cls, inputs, needs, attrs, out)
    return _make(out, None)


def apply1(cls, x: Tensor, attrs=None) -> Tensor:
    """``apply`` for one input, without the generic bookkeeping."""
    out = cls.forward(x._data, attrs)
    if x.requires_grad and (not ALL_THREADS.off or STATE.grad_enabled):
        return record(cls, (x,), (True,), attrs, out)
    return _make(out, None)


def apply2(cls, a: Tensor, b: Tensor, attrs=None) -> Tensor:
    """``apply`` for two inputs."""
    out = cls.forward(a._data, b._data, attrs)
    ra = a.requires_grad
    rb = b.requires_grad
    if (ra or rb) and (not ALL_THREADS.off or STATE.grad_enabled):
        return record(cls, (a, b), (ra, rb), attrs, out)
    return _make(out, None)


def _user_stack() -> list:
    """The creation stack without autodiff's own frames (for anomaly messages)."""
    pkg = os.path.dirname(os.path.abspath(__file__))
    frames = traceback.extract_stack()[:-2]
    return [f for f in frames if not os.path.abspath(f.filename).startswith(pkg)]


# ------------------------------------------------------------ array namespace
# VJPs receive ``xp``: NP on ndarrays, or TS (set by autodiff.ops) on Tensors.
NP = None
TS = None
LOOP_NP = None  # NP as the first-order backward loop hands it to VJPs (ops/xp.py)


def set_namespaces(np_ns, tensor_ns, loop_np_ns) -> None:
    global NP, TS, LOOP_NP
    NP, TS, LOOP_NP = np_ns, tensor_ns, loop_np_ns


def namespaces() -> tuple:
    """``(NP, TS)``: the namespaces VJPs run on, first order and recorded."""
    return NP, TS


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


def mark_output_dirty(t: Tensor) -> None:
    """Called by in-place ops before they change ``t``: VJPs that saved it must fail."""
    lock = CLOCK.lock  # (CLOCK.tick() inline: an optimizer step marks every parameter)
    lock.acquire()
    clock = CLOCK.clock = CLOCK.clock + 1
    lock.release()
    m = getattr(t, "_meta", None)  # (views.root() and the version write, inlined: hot)
    if m is not None and m.base is not None:
        t = m.base
        m = getattr(t, "_meta", None)
    if m is None:
        m = meta(t)
    m.version = clock
    fn = t.grad_fn
    if fn is not None and fn._uses_out:
        fn.out = _DIRTY


class _Dirty:
    """Stands in for a saved forward result that an in-place op overwrote."""


_DIRTY = _Dirty()
