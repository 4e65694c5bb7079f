"""What each node says it saves (``Node.saves``) is what its VJP reads (issue 16: a
wrong declaration silently skips a version check or frees a value too early).

For every node of every registered op's sample graph, the VJP is run on the real
saved values and again, for each gradient, with every value the node says that
gradient does not read replaced by NaN. The gradients must agree."""

import numpy as np
import pytest
from _samples import materialise, op_cases, recorded_outputs  # noqa: E402

from autodiff.engine import NP, Node
from autodiff.ops.registry import REGISTRY


def _graph_nodes(outputs):
    seen, stack, nodes = set(), [t.grad_fn for t in outputs if t.grad_fn is not None], []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        for t in node.inputs:
            fn = t if isinstance(t, Node) else t.grad_fn
            if fn is not None:
                stack.append(fn)
    return nodes


def _value(t):
    """The array a node input holds (a Node stands in for a value no VJP may read)."""
    if isinstance(t, Node):
        return np.full(t.shape, np.nan, t.dtype)
    return t.data


def _poison(a):
    """NaN in place of a float array's values (other values are left: indices)."""
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return np.full(a.shape, np.nan, a.dtype)
    return a


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def _reads(node) -> dict:
    """{input index: the gradients that read it (None: all)} from ``node.saves``."""
    saves = node.saves
    items = saves.items() if isinstance(saves, dict) else ((k, None) for k in saves)
    reads = {}
    for key, grads in items:
        if key == "inputs":
            reads.update(dict.fromkeys(range(len(node.inputs))))
        elif type(key) is int:
            reads[key] = grads
    return reads


@pytest.mark.parametrize("name,k", op_cases(lambda info: info.differentiable))
def test_nodes_read_only_what_they_declare(name, k):
    info = REGISTRY[name]
    sample = info.samples()[k]
    out = info.fn(*materialise(sample), **sample.kwargs)
    outs = [t for t in recorded_outputs(out)]
    rng = np.random.default_rng(0)
    checked = 0
    for node in _graph_nodes(outs):
        xs = [_value(t) for t in node.inputs]
        reads = _reads(node)
        if any(isinstance(t, Node) for t in node.inputs) and reads:
            pytest.fail(f"{node.name}: keeps producing nodes but says it reads input values")
        uses_out = "out" in node.saves or "out_const" in node.saves
        # (the output's shape: the node's saved result, or its forward run again)
        real_out = node.out if uses_out else type(node).forward(*xs, node.attrs)
        if not isinstance(real_out, np.ndarray):
            real_out = np.asarray(real_out)
        g = rng.standard_normal(real_out.shape).astype(real_out.dtype)
        out_arg = node.out if uses_out else None
        with np.errstate(all="ignore"):
            expected = node.vjp(g, list(xs), out_arg, NP)
            for k_grad, e in enumerate(expected):
                if not node.needs[k_grad]:
                    continue
                # every input the declaration says gradient k_grad does not read: NaN
                declared_xs = [
                    x if i in reads and (reads[i] is None or k_grad in reads[i]) else _poison(x)
                    for i, x in enumerate(xs)
                ]
                got = node.vjp(g, declared_xs, out_arg, NP)[k_grad]
                assert _same(e, got), (
                    f"{name}: node '{node.name}' reads an input value for input {k_grad}'s "
                    f"gradient that saves = {node.saves!r} does not declare"
                )
        checked += 1
    assert checked or not outs, f"{name}: no node checked"


def test_saves_is_required_and_checked():
    with pytest.raises(TypeError, match="declare what its VJP reads"):
        type("NoSaves", (Node,), {"name": "x"})
    with pytest.raises(TypeError, match="uses_out is no longer read"):
        type("OldFlag", (Node,), {"name": "x", "saves": (), "uses_out": True})
    with pytest.raises(TypeError, match="is not an input index"):
        type("BadSaves", (Node,), {"name": "x", "saves": ("output",)})
    with pytest.raises(TypeError, match="is not an input index"):
        type("BadDict", (Node,), {"name": "x", "saves": {0: 1}})
    node_cls = type("Fine", (Node,), {"name": "x", "saves": {0: (1,), "out": None}})
    assert node_cls._uses_out and node_cls._reads_inputs and not node_cls._keeps_nodes
    assert node_cls._saved_reads == ((0, (1,)),)


# ---- differential: which in-place changes after an op fail its backward (vs PyTorch)
_TWO_INPUT_OPS = {
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "matmul": lambda lib, a, b: a @ b,
    "pow": lambda lib, a, b: lib.pow(a, b),
    "lerp": lambda lib, a, b: lib.lerp(a, b, 0.25),
    "atan2": lambda lib, a, b: lib.atan2(a, b),
}


def _inplace_after_op(lib, op, needs, changed):
    """Run ``op`` on two (2, 2) inputs (requiring grad as ``needs`` says), change input
    ``changed`` in place afterwards, and backward: None if it runs, else the error type."""
    base = [np.array([[1.5, 2.0], [0.5, 3.0]]), np.array([[0.5, 1.25], [2.0, 0.75]])]
    leaves = [lib.tensor(v, requires_grad=n) for v, n in zip(base, needs)]
    # non-leaf copies where grad is needed (a leaf requiring grad cannot change in place)
    ins = [t * 1.0 if n else t for t, n in zip(leaves, needs)]
    out = op(lib, *ins)
    ins[changed].add_(1.0)
    try:
        out.sum().backward()
    except RuntimeError:
        return RuntimeError
    return None


@pytest.mark.parametrize("opname", sorted(_TWO_INPUT_OPS))
@pytest.mark.parametrize("needs", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("changed", [0, 1])
def test_inplace_after_op_fails_backward_as_in_torch(opname, needs, changed):
    torch = pytest.importorskip("torch")
    import autodiff

    op = _TWO_INPUT_OPS[opname]
    expected = _inplace_after_op(torch, op, needs, changed)
    got = _inplace_after_op(autodiff, op, needs, changed)
    assert got is expected, (
        f"{opname} with requires_grad={needs}, input {changed} changed in place: "
        f"torch {'raises' if expected else 'runs'}, autodiff {'raises' if got else 'runs'}"
    )
