"""Every node class an op can record is gradchecked: it appears in the graph of some
registered op's samples (so tests/test_ops_gradcheck.py checks its VJP, first and
second order, and tests/test_saved_flags.py what it reads)."""


from _samples import materialise, recorded_outputs  # noqa: E402

from autodiff.engine import Node
from autodiff.ops.registry import REGISTRY

# nodes made by autodiff.Function for user-defined ops: tests/test_function*.py
# checks them on user ops; no built-in op records them
NOT_OPS = {"FunctionBackward", "MultiFunctionBackward", "SelectOutputBackward",
           # ctc_loss's gradient recorded by a create_graph backward, whose own derivative
           # raises, as PyTorch's: tests/test_nn_ctc.py
           "CtcGradientBackward"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _node_classes_in(out):
    found, stack, seen = set(), [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        found.add(type(node))
        stack.extend(t if isinstance(t, Node) else t.grad_fn for t in node.inputs)
    return found


def test_every_node_class_is_reached_by_a_registered_sample():
    reached = set()
    for info in REGISTRY.values():
        for sample in info.samples():
            out = info.fn(*materialise(sample), **sample.kwargs)
            for t in recorded_outputs(out):
                reached |= _node_classes_in(t)
    unreached = sorted(
        f"{c.__module__}.{c.__name__}"
        for c in set(_subclasses(Node)) - reached
        if c.__name__ not in NOT_OPS
    )
    assert not unreached, (
        "node classes no registered sample reaches (give their op samples that record "
        f"them): {unreached}"
    )
