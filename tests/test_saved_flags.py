"""What each node says it reads in backward is what its VJP reads (issue 16: the
flags ``reads_inputs``, ``uses_out`` and ``cross_reads`` were hand-set and never
checked; a wrong one silently skips a version check or frees a value too early).

For every node of every registered op's sample graph, the VJP is run twice: on the
real saved values, and with every value the node says it does not read replaced
by NaN. The gradients must agree."""

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
        if any(isinstance(t, Node) for t in node.inputs) and node.reads_inputs:
            pytest.fail(f"{node.name}: keeps producing nodes but says it reads input values")
        # (the output's shape: the node's saved result, or its forward run again)
        real_out = node.out if node.uses_out else type(node).forward(*xs, node.attrs)
        if not isinstance(real_out, np.ndarray):
            real_out = np.asarray(real_out)
        g = rng.standard_normal(real_out.shape).astype(real_out.dtype)
        out_arg = node.out if node.uses_out else None
        with np.errstate(all="ignore"):
            expected = node.vjp(g, list(xs), out_arg, NP)
            declared_xs = list(xs) if node.reads_inputs else [_poison(x) for x in xs]
            declared_out = out_arg if node.uses_out else None
            got = node.vjp(g, declared_xs, declared_out, NP)
            for i, (e, r) in enumerate(zip(expected, got)):
                if node.needs[i]:
                    assert _same(e, r), (
                        f"{name}: node '{node.name}' reads input values for input {i}'s "
                        "gradient but says reads_inputs=False"
                    )
            if node.cross_reads:
                # input i's value serves only the other inputs' gradients
                for i in range(len(xs)):
                    if not node.needs[i]:
                        continue
                    poisoned = list(xs)
                    poisoned[i] = _poison(xs[i])
                    got_i = node.vjp(g, poisoned, out_arg, NP)[i]
                    assert _same(expected[i], got_i), (
                        f"{name}: node '{node.name}' says cross_reads, but input {i}'s "
                        f"gradient reads input {i}'s own value"
                    )
        checked += 1
    assert checked or not outs, f"{name}: no node checked"
