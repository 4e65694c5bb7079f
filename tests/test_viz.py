"""Tests for autodiff.viz: DOT structure, health marks, modules, rendering, scale."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from _opcount import assert_linear, count_lines

import autodiff
from autodiff import engine, nn, viz

NODE = re.compile(r"^\s*((?:n|m|u)\d+|cut|legend) \[(.*)\]$", re.M)
# the NaN/Inf tests provoke NumPy's warnings on purpose
pytestmark = pytest.mark.filterwarnings(
    "ignore:(divide by zero|invalid value) encountered:RuntimeWarning"
)

EDGE = re.compile(r"^\s*(\w+) -> (\w+)", re.M)


def nodes(dot: str) -> dict:
    """Drawn graph nodes (not the legend): id -> attribute text."""
    return {m.group(1): m.group(2) for m in NODE.finditer(dot) if m.group(1) != "legend"}


def edges(dot: str) -> list:
    return EDGE.findall(dot)


def node_with(dot: str, text: str) -> str:
    """The attribute text of the one node whose label contains ``text``."""
    found = [a for a in nodes(dot).values() if text in a]
    assert len(found) == 1, (text, len(found))
    return found[0]


def op_node(dot: str, name: str) -> str:
    return node_with(dot, f"<B>{name}</B>")


# ------------------------------------------------------------- nn helpers
def mlp_step(bias0: float | None = None, retain: bool = True, watch: bool = True):
    """One training step of nn.MLP(8, [6], 3) with a cross-entropy loss."""
    net = nn.MLP(8, [6], 3)
    if bias0 is not None:
        with autodiff.no_grad():
            net.net[0].bias.data[:] = bias0
    x = autodiff.randn(5, 8)
    loss = nn.CrossEntropyLoss()(net(x), autodiff.tensor([0, 1, 2, 0, 1]))
    if watch:
        viz.watch(loss)
    loss.backward(retain_graph=retain)
    return net, loss, dict(net.named_parameters())


# ------------------------------------------------------------------ basics
def expression():
    a = autodiff.tensor(2.0, requires_grad=True)
    b = autodiff.tensor(-0.5, requires_grad=True)
    c = autodiff.tensor(0.5, requires_grad=True)
    return a, b, c, (a * b + c).tanh()


def test_expression_structure_values_and_grads():
    a, b, c, y = expression()
    params = {"a": a, "b": b, "c": c}
    dot = viz.to_dot(y, params=params)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert len(nodes(dot)) == 6  # a, b, c, mul, add, tanh
    assert len(edges(dot)) == 5
    assert "data -1" in op_node(dot, "mul") and "data -0.5" in op_node(dot, "add")
    assert f"data {math.tanh(-0.5):.4g}" in op_node(dot, "tanh")
    assert "grad" not in op_node(dot, "tanh")  # no backward yet
    ids = {k for k, v in nodes(dot).items() if "<B>a</B>" in v or "<B>b</B>" in v}
    mul = next(k for k, v in nodes(dot).items() if "<B>mul</B>" in v)
    assert {(s, mul) for s in ids} <= set(edges(dot))  # data flows inputs -> op
    viz.watch(y)
    y.backward(retain_graph=True)
    dot = viz.to_dot(y, params=params)
    dy = 1 - math.tanh(-0.5) ** 2
    assert f"grad {dy * -0.5:.4g}" in node_with(dot, "<B>a</B>")
    assert f"grad {dy * 2.0:.4g}" in node_with(dot, "<B>b</B>")
    assert f"grad {dy:.4g}" in op_node(dot, "mul")  # watched op gradient
    assert "peripheries=2" in op_node(dot, "tanh")  # the root is marked


def test_released_graph_still_drawn():
    a, b, c, y = expression()
    y.backward()
    assert y.grad_fn.out is engine._RELEASED
    assert isinstance(y.grad_fn.inputs[0], engine.Node)
    dot = viz.to_dot(y, params={"a": a, "b": b, "c": c})
    assert len(nodes(dot)) == 6 and len(edges(dot)) == 5
    assert "value freed by backward" in op_node(dot, "mul")
    assert "value freed by backward" not in op_node(dot, "tanh")  # the root's value is known
    assert "grad" in node_with(dot, "<B>c</B>")
    assert "retain_graph=True" in dot and "viz.watch" in dot  # subtle notes in the legend


def test_names_shapes_dtypes_and_kinds():
    w = autodiff.randn(4, 5, requires_grad=True)
    x = autodiff.tensor(np.arange(20, dtype=np.float64).reshape(5, 4))
    x.name = "inputs"
    y = x.matmul(w.to(autodiff.float64))
    dot = viz.to_dot(y, params={"layer.weight": w})
    wn = node_with(dot, "<B>layer.weight</B>")
    assert "(4, 5) float32" in wn and "norm " in wn and "min " in wn and "max " in wn
    xn = node_with(dot, "<B>inputs</B>")
    assert "(5, 4) float64" in xn and "dashed" in xn  # constants look different
    assert "bold" in wn and "#08519c" in wn  # leaves needing grad: bold blue border
    assert "rounded" in op_node(dot, "matmul")
    assert "(5, 5) float64" in op_node(dot, "matmul")
    # small tensors list their values, matrices row by row
    s = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    dot = viz.to_dot(s * 2.0, params={"s": s})
    assert "data [1, 2,<BR/>" in node_with(dot, "<B>s</B>").replace("</FONT>", "")
    assert "<B>mul</B>" in dot and ">2<" in op_node(dot, "mul")  # scalar argument shown


def test_op_with_array_attrs_words_its_own_label():
    # cross_entropy's attrs hold the targets and weights: the picture says what they mean
    logits = autodiff.randn(6, 3, requires_grad=True)
    loss = nn.functional.cross_entropy(logits, autodiff.tensor([0, 1, 2, 0, 1, 2]))
    node = op_node(viz.to_dot(loss), "cross_entropy")
    assert "6 targets, mean" in node and "array" not in node


def test_repeated_input_draws_both_edges_and_multiple_roots():
    a = autodiff.tensor([1.0, 2.0], requires_grad=True)
    sq = a + a
    dot = viz.to_dot(sq, params={"a": a})
    assert len(nodes(dot)) == 2 and len(edges(dot)) == 2
    # a * a is recorded as one square op with one input
    dot = viz.to_dot(a * a, params={"a": a})
    assert len(nodes(dot)) == 2 and len(edges(dot)) == 1 and "square" in dot
    y1, y2 = sq.sum(), sq.mean()
    dot = viz.to_dot(y1, y2)
    assert len(nodes(dot)) == 4 and dot.count("peripheries=2") == 2


def test_retain_grad_intermediate_gradient():
    a = autodiff.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = a * 3.0
    h.retain_grad()
    y = (h * h).sum()
    y.backward()
    dot = viz.to_dot(y)
    # h's node is drawn with its retained gradient 2h and its value (h is alive)
    assert "grad [6, -12, 18]" in node_with(dot, "data [3, -6, 9]")


def test_rankdir_and_show_flags():
    a, b, c, y = expression()
    y.backward(retain_graph=True)
    assert "rankdir=LR" in viz.to_dot(y, rankdir="LR")
    dot = viz.to_dot(y, show_data=False, show_grad=False, legend=False)
    assert "data " not in dot and "grad " not in dot and "<B>legend</B>" not in dot
    with pytest.raises(ValueError, match="rankdir must be one of TB, LR, BT, RL"):
        viz.to_dot(y, rankdir="up")


# ------------------------------------------------------------ health marks
def test_nan_source_backward_with_watch():
    # a norm penalty on a zero vector: sqrt'(0) = inf, then 2*b*inf = nan
    b = autodiff.zeros(3, requires_grad=True)
    w = autodiff.ones(3, requires_grad=True)
    loss = (w * 2.0).sum() + (b * b).sum().sqrt()
    viz.watch(loss)
    loss.backward()
    dot = viz.to_dot(loss, params={"b": b, "w": w})
    src = op_node(dot, "sqrt")
    assert "NaN/Inf starts here (backward)" in src
    assert dot.count("NaN/Inf starts here") == 1  # only the first op is blamed
    assert "3 NaN of 3" in node_with(dot, "<B>b</B>")
    # the sum under sqrt receives Inf; the root add and the other branch stay finite
    assert "grad: 1 Inf of 1" in dot
    assert "NaN" not in op_node(dot, "add") and "Inf" not in op_node(dot, "add")
    assert "NaN/Inf" not in node_with(dot, "<B>w</B>")
    assert "op where NaN/Inf starts" in dot  # legend row


def test_nan_without_watch_marks_leaves_only():
    b = autodiff.zeros(3, requires_grad=True)
    loss = (b * b).sum().sqrt()
    loss.backward()
    dot = viz.to_dot(loss, params={"b": b})
    assert "3 NaN of 3" in node_with(dot, "<B>b</B>")
    assert "starts here" not in dot
    assert "viz.watch" in dot


def test_nan_source_forward():
    x = autodiff.tensor([1.0, -1.0], requires_grad=True)
    y = (x.log() * 2.0).sum()
    dot = viz.to_dot(y, params={"x": x})
    assert "NaN/Inf starts here (forward)" in op_node(dot, "log")
    assert "data: 1 NaN of 2" in op_node(dot, "mul")
    assert dot.count("starts here") == 1


def test_dead_relu_and_zero_gradients():
    net, loss, params = mlp_step(bias0=-100.0)  # every first-layer unit dead
    dot = viz.to_dot(loss, params=params)
    assert "dead ReLU: 6/6 units" in op_node(dot, "relu")
    assert "grad is exactly 0" in node_with(dot, "<B>net.0.weight</B>")
    assert "grad is exactly 0" in node_with(dot, "<B>net.0.bias</B>")
    # partial: two of six units dead, read from the output value
    net, loss, params = mlp_step()
    net.net[0].bias.data[:2] = -100.0
    net.zero_grad()
    x = autodiff.randn(5, 8)
    loss = nn.CrossEntropyLoss()(net(x), autodiff.tensor([0, 1, 2, 0, 1]))
    viz.watch(loss)
    loss.backward()  # released: the dead units are read from the input's gradient
    dot = viz.to_dot(loss, params=params)
    relu = op_node(dot, "relu")
    assert "dead ReLU: 2/6 units" in relu and "input grad 0 for every sample" in relu
    assert "grad exactly 0 in 33%" in node_with(dot, "<B>net.0.weight</B>")


def test_gradient_norm_colour_ramp():
    small = autodiff.tensor([1.0, 1.0], requires_grad=True)
    big = autodiff.tensor([1.0, 1.0], requires_grad=True)
    ((small * 1e-7).sum() + (big * 50.0).sum()).backward()
    dot = viz.to_dot(small * 1e-7, big * 50.0, params={"small": small, "big": big})
    fill = re.compile(r'fillcolor="(#[0-9a-f]{6})"')
    cs = fill.search(node_with(dot, "<B>small</B>")).group(1)
    cb = fill.search(node_with(dot, "<B>big</B>")).group(1)
    assert cs != cb
    assert viz._stats.ramp_colour(1e-9, 1e-8, 1e2) == viz._stats.RAMP[0]
    assert viz._stats.ramp_colour(1e3, 1e-8, 1e2) == viz._stats.RAMP[-1]
    assert "gradient norm" in dot  # legend


def test_params_without_gradient():
    used = autodiff.ones(2, requires_grad=True)
    idle = autodiff.ones(2, requires_grad=True)  # in the model, never used
    y = (used * 2.0).sum()
    params = {"used": used, "idle": idle}
    dot = viz.to_dot(y, params=params)
    assert "no grad" not in dot  # no backward yet: nothing to complain about
    y.backward()
    dot = viz.to_dot(y, params=params)
    assert "parameters not in this graph" in dot
    assert "no grad (.grad is None)" in node_with(dot, "<B>idle</B>")
    # a parameter in the graph that got no gradient (its grad was reset)
    z = (used * idle).sum()
    idle.grad = None
    dot = viz.to_dot(z, params=params)
    assert "no grad (.grad is None)" in node_with(dot, "<B>idle</B>")
    assert "no grad" not in node_with(dot, "<B>used</B>")


# ----------------------------------------------------------------- modules
def test_group_modules_clusters():
    net, loss, params = mlp_step()
    dot = viz.to_dot(loss, params=params, group_modules=True)
    # MLP, its Sequential, Linear, ReLU, Linear, and the loss module
    assert dot.count("subgraph cluster_") == 6
    labels = ("MLP", "net: Sequential", "net.0: Linear(8, 6)", "net.1: ReLU", "net.2: Linear(6, 3)")
    for label in labels + ("CrossEntropyLoss",):
        assert f"<B>{label}</B>" in dot, label
    # the first Linear's cluster holds exactly its weight, bias and the fused linear op
    start = dot.index("net.0: Linear(8, 6)")
    block = dot[start : dot.index("}", start)]
    assert len(NODE.findall(block)) == 3
    assert "<B>net.0.weight</B>" in block and "<B>linear</B>" in block
    # clusters nest: MLP { Sequential { Linear ... } }, each opened before its children
    assert dot.index("<B>MLP</B>") < dot.index("net: Sequential") < start
    ungrouped = viz.to_dot(loss, params=params)
    assert len(nodes(ungrouped)) == len(nodes(dot))
    assert sorted(edges(ungrouped)) == sorted(edges(dot))


def test_collapse_modules_one_node_per_module():
    net, loss, params = mlp_step(bias0=-100.0)
    dot = viz.to_dot(loss, params=params, collapse_modules=True)
    mods = {k: v for k, v in nodes(dot).items() if k.startswith("m")}
    assert len(mods) == 4  # Linear, ReLU, Linear, CrossEntropyLoss
    assert len(nodes(dot)) == 5  # and the input batch
    assert "<B>net.0.weight</B>" not in dot and "<B>matmul</B>" not in dot
    lin = node_with(dot, "net.0: Linear(8, 6)")
    assert "box3d" in lin and "params: weight (6, 8), bias (6,)" in lin
    assert "weight.grad is exactly 0" in lin
    assert "dead ReLU: 6/6 units" in node_with(dot, "net.1: ReLU")
    es = edges(dot)
    assert len(es) == len(set(es)) == 4  # x -> Linear -> ReLU -> Linear -> loss
    l0, r1, l2, ce = (
        next(k for k, v in mods.items() if key in v)
        for key in ("net.0:", "net.1:", "net.2:", "CrossEntropyLoss")
    )
    assert (l0, r1) in es and (r1, l2) in es and (l2, ce) in es
    # depth 0: the whole MLP as one node (and the loss module)
    dot0 = viz.to_dot(loss, params=params, collapse_modules=0)
    assert len([k for k in nodes(dot0) if k.startswith("m")]) == 2
    assert "<B>MLP</B>" in dot0 and "dead ReLU: 6/6 units" in dot0
    # collapse and group together: the collapsed layers sit in the MLP/Sequential clusters
    both = viz.to_dot(loss, params=params, collapse_modules=True, group_modules=True)
    assert both.count("subgraph cluster_") == 2


def test_twenty_layer_mlp_collapses_to_a_screen():
    net = nn.MLP(16, [16] * 19, 4)
    loss = nn.CrossEntropyLoss()(net(autodiff.randn(8, 16)), autodiff.randint(0, 4, (8,)))
    loss.backward()
    params = dict(net.named_parameters())
    full = viz.to_dot(loss, params=params)
    dot = viz.to_dot(loss, params=params, collapse_modules=True)
    assert len(nodes(full)) > 80  # 3 per Linear (weight, bias, op), 1 per ReLU, the loss ops
    assert len(nodes(dot)) == 20 + 19 + 1 + 1  # Linears, ReLUs, loss module, input
    assert "net.38: Linear(16, 4)" in dot


def test_module_called_twice_and_shared_parameter():
    lin = nn.Linear(3, 3)
    x = autodiff.randn(2, 3)
    y = lin(lin(x)).sum()
    dot = viz.to_dot(y, group_modules=True)
    assert "Linear(3, 3) (call 1)" in dot and "Linear(3, 3) (call 2)" in dot
    # collapsed: the shared weight is used by both calls, so it is drawn on its own
    dot = viz.to_dot(y, params=dict(lin.named_parameters()), collapse_modules=True)
    assert "<B>weight</B>" in dot and len([k for k in nodes(dot) if k.startswith("m")]) == 2


def test_stand_in_module_recording():
    """Any object whose __call__ records itself like nn.Module is grouped too."""

    class Double:
        def __call__(self, x):
            out = x * 2.0
            viz.record_module_call(self, (x,), out)
            return out

    a = autodiff.ones(2, requires_grad=True)
    y = Double()(a).sum()
    dot = viz.to_dot(y, group_modules=True)
    assert "<B>Double</B>" in dot and dot.count("subgraph cluster_") == 1


# ------------------------------------------------------------------- scale
def test_max_nodes_note():
    x = autodiff.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(200):
        y = y.sin()
    dot = viz.to_dot(y, max_nodes=20)
    ns = nodes(dot)
    assert len(ns) == 21 and "cut" in ns
    assert "181 more nodes and 181 edges not drawn" in ns["cut"]
    assert ("cut", "n19") in edges(dot)
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        viz.to_dot(y, max_nodes=0)


def _mul_chain(n: int):
    x = autodiff.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0001
    return y


def test_hundred_thousand_node_graph():
    # correctness at scale (an iterative walk: no recursion limit); how the
    # work grows is checked by counting, below, not by a wall-clock budget
    y = _mul_chain(100_000)
    dot = viz.to_dot(y)
    assert dot.count(" -> ") == 100_000
    assert dot.count("<B>mul</B>") == 100_000
    y.backward()  # and the released graph
    dot = viz.to_dot(y, max_nodes=100)
    assert "99,901 more nodes" in dot


@pytest.mark.parametrize("released", [False, True], ids=["live", "released"])
@pytest.mark.parametrize("max_nodes", [None, 100])
def test_to_dot_work_grows_linearly(released, max_nodes):
    # lines of autodiff code executed by to_dot at 500, 1000 and 2000 nodes:
    # each doubling must add about twice the previous doubling's work (a
    # quadratic walk would add four times as much)
    counts = {}
    for n in (500, 1000, 2000):
        y = _mul_chain(n)
        if released:
            y.backward()
        kw = {} if max_nodes is None else {"max_nodes": max_nodes}
        counts[n] = count_lines(lambda y=y, kw=kw: viz.to_dot(y, **kw))
    assert_linear(counts)


# --------------------------------------------------------------- rendering
# CI installs Graphviz; on a machine without `dot` these three are skipped (the
# missing-binary error itself is tested below either way)
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)"
)


@needs_dot
def test_render_svg_and_parse():
    a, b, c, y = expression()
    y.backward(retain_graph=True)
    g = viz.draw(y, params={"a": a, "b": b, "c": c})
    assert type(g).__mro__[1].__name__ == "Digraph"
    svg = g.pipe(format="svg").decode()
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    titles = [t.text for t in root.iterfind(".//s:g[@class='node']/s:title", ns)]
    assert sorted(titles) == sorted(["n0", "n1", "n2", "n3", "n4", "n5"])
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "tanh" in texts and "mul" in texts and "grad" in texts
    assert len(root.findall(".//s:g[@class='edge']", ns)) == 5
    assert g.source == viz.to_dot(y, params={"a": a, "b": b, "c": c})


@needs_dot
def test_render_png_file(tmp_path):
    a, b, c, y = expression()
    out = viz.draw(y, format="png", dpi=60).render(tmp_path / "expr", cleanup=True)
    data = open(out, "rb").read()
    assert out.endswith(".png") and data[:4] == b"\x89PNG"


@needs_dot
def test_jupyter_repr():
    a, b, c, y = expression()
    g = viz.draw(y)
    bundle = g._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]
    assert "<svg" in g._repr_svg_()


def test_missing_dot_binary_error(monkeypatch, tmp_path):
    a, b, c, y = expression()
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty dir: `dot` is unfindable
    g = viz.draw(y)
    for call in (
        lambda: g.pipe(format="svg"),
        lambda: g.render(tmp_path / "x", format="png"),
        lambda: g._repr_mimebundle_(),
    ):
        with pytest.raises(viz.GraphvizNotFoundError) as err:
            call()
        msg = str(err.value)
        assert "`dot` program was not found" in msg
        assert "apt-get install graphviz" in msg and "brew install graphviz" in msg
        assert "conda install -c conda-forge graphviz" in msg
    assert viz.to_dot(y).startswith("digraph")  # DOT text still works


def test_bad_inputs_give_clear_errors():
    a, b, c, y = expression()
    with pytest.raises(TypeError, match="root 0 is a ndarray, not an autodiff Tensor"):
        viz.to_dot(np.ones(3))
    with pytest.raises(TypeError, match="root 1 is a float"):
        viz.draw(y, 1.0)
    with pytest.raises(TypeError, match="at least one root"):
        viz.to_dot()
    with pytest.raises(
        ValueError, match=r"unknown format 'bmpx'; valid formats are: svg, png, pdf"
    ):
        viz.draw(y, format="bmpx")
    g = viz.draw(y)
    with pytest.raises(ValueError, match="valid formats are: svg, png, pdf"):
        g.pipe(format="nope")
    with pytest.raises(TypeError, match="params must be a dict"):
        viz.to_dot(y, params=[a])
    assert "<B>a</B>" in viz.to_dot(y, params=iter([("a", a)]))  # pairs are fine too
    with pytest.raises(TypeError, match=r"params\['a'\] is a list"):
        viz.to_dot(y, params={"a": [1]})
    with pytest.raises(TypeError, match="watch\\(\\): root 0"):
        viz.watch("loss")


def test_to_dot_does_not_import_graphviz():
    code = (
        "import sys, autodiff\n"
        "x = autodiff.ones(2, requires_grad=True)\n"
        "autodiff.viz.to_dot((x * 2).sum())\n"
        "print('graphviz' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_empty_tensors_are_drawn():
    # review: a graph with a zero-element tensor raised IndexError in value_lines
    x = autodiff.zeros(0, 3, requires_grad=True)
    y = (x * 2).sum()
    assert "[]" in viz.to_dot(y)
    y.backward()
    assert "[]" in viz.to_dot(y)
