"""Pictures of a computation graph that explain its backward pass.

``to_dot`` gives Graphviz DOT text (no Graphviz needed); ``draw`` gives a
``graphviz.Digraph`` that Jupyter shows inline and ``.render()`` writes as
SVG, PNG or PDF. ``watch`` makes the next backward remember every op's
gradient, so the picture can show gradients inside the graph, not only at
the leaves.

What a picture shows
--------------------
* Op nodes (rounded boxes) are labelled with the op's name and stand for
  the op's output: its shape and dtype, its values when it has at most 16
  elements (else norm, min and max), and its gradient when known. After a
  plain ``backward()`` the intermediate values are freed; the picture says
  so in grey italics (``backward(retain_graph=True)`` keeps them).
* Leaves (square boxes): those that require grad (parameters, inputs) have a
  bold blue border, constants a dashed grey one. Names come from ``params``
  (e.g. ``dict(model.named_parameters())``) or the tensor's ``.name``.
  One-element constants (``y * 1.0001``) are folded into their op's label.
* The fill colour is the gradient's norm on a log scale (``norm_range``),
  grey for a gradient that is exactly zero, red for NaN/Inf.

Gradient health rules
---------------------
* NaN/Inf **starts here (forward)**: the op's output value holds NaN or Inf
  while all its input values are known and finite.
* NaN/Inf **starts here (backward)**: the gradient arriving at the op is
  finite (known, or the op is a root, which ``backward()`` seeds with ones)
  while an input's known gradient is non-finite and no other consumer of
  that input is known to carry a non-finite gradient. Op gradients are known
  after :func:`watch` (or ``retain_grad()`` on the tensor); without them only
  leaves can be marked.
* **Dead ReLU**: a ``relu`` whose output is exactly 0 for every sample in
  some units (last axis; channels for 4-d); read from its output when known,
  else from its input's gradient.
* **No grad**: a parameter in ``params`` whose ``.grad`` is None after a
  backward ran (some other parameter has a gradient). Parameters in
  ``params`` that the graph never uses are drawn apart, in a dashed box.

Module calls
------------
Importing ``autodiff.viz`` (``import autodiff`` does) adds a hook to
``Module.__call__`` that records each call on its output's node
(``record_module_call``; any callable can record itself with it). With
``group_modules=True`` every call is a labelled cluster (``net.0:
Linear(64, 32)``); with ``collapse_modules=True`` every innermost call (each
Linear, ReLU, ...) is drawn as one node, and ``collapse_modules=d`` collapses
the calls at nesting depth ``d`` (0 = outermost).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (annotations only: graphviz is imported when rendering)
    import graphviz

from ..tensor import Tensor
from ._dot import build_lines, check_options
from ._graph import GradProbe  # noqa: F401 - for advanced use
from ._graph import watch as _watch
from ._modules import record_module_call  # noqa: F401 - for Module-like callables
from ._render import (  # noqa: F401 - INSTALL_HELP for tests and docs
    FORMATS,
    INSTALL_HELP,
    GraphvizNotFoundError,
    check_format,
    digraph_class,
)

__all__ = ["to_dot", "draw", "watch", "GraphvizNotFoundError", "FORMATS"]


def to_dot(
    *roots: Tensor,
    params: dict | None = None,
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str = "TB",
    group_modules: bool = False,
    collapse_modules: bool | int = False,
    max_nodes: int | None = None,
    inline_scalars: bool = True,
    legend: bool = True,
    norm_range: tuple[float, float] = (1e-8, 1e2),
    dpi: float | None = None,
) -> str:
    """The graph behind ``roots`` as Graphviz DOT text (Graphviz not needed).

    Parameters
    ----------
    *roots : Tensor
        The outputs to draw (e.g. a loss); their graphs are walked backwards.
    params : dict of str -> Tensor, optional
        Names for leaves, e.g. ``dict(model.named_parameters())``; also names
        module clusters and lists parameters the graph does not use.
    show_data, show_grad : bool
        Show values / gradients (and gradient health marks).
    rankdir : {"TB", "LR", "BT", "RL"}
        Direction the data flows: top to bottom, left to right, ...
    group_modules : bool
        Draw each recorded Module call as a labelled cluster.
    collapse_modules : bool or int
        Draw each innermost Module call (True) or each call at that nesting
        depth (int) as one node.
    max_nodes : int, optional
        Draw at most this many nodes (those nearest the roots) and a note
        saying how many nodes and edges were left out.
    inline_scalars : bool
        Fold one-element constants into their op's label.
    legend : bool
        Add a legend of the shapes and colours used.
    norm_range : (float, float)
        Gradient norms mapped to the ends of the colour ramp (log scale).
    dpi : float, optional
        Resolution for bitmap output.

    Returns
    -------
    str
        DOT source.

    Examples
    --------
    >>> import autodiff
    >>> a = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (a * a).sum()
    >>> dot = autodiff.viz.to_dot(y, params={"a": a})
    >>> dot.startswith("digraph"), "square" in dot, "<B>a</B>" in dot
    (True, True, True)
    """
    o = check_options(
        roots,
        params,
        show_data,
        show_grad,
        rankdir,
        group_modules,
        collapse_modules,
        max_nodes,
        inline_scalars,
        legend,
        norm_range,
        dpi,
    )
    return "digraph autodiff {\n" + "".join(build_lines(roots, o)) + "}\n"


def draw(
    *roots: Tensor,
    params: dict | None = None,
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str = "TB",
    group_modules: bool = False,
    collapse_modules: bool | int = False,
    max_nodes: int | None = None,
    inline_scalars: bool = True,
    legend: bool = True,
    norm_range: tuple[float, float] = (1e-8, 1e2),
    dpi: float | None = None,
    format: str = "svg",  # noqa: A002 - graphviz's name
) -> graphviz.Digraph:
    """The graph behind ``roots`` as a ``graphviz.Digraph``.

    Shown inline in Jupyter (SVG). ``.render("name", format="png")`` writes
    a file and ``.pipe(format="svg")`` returns the bytes; both need
    Graphviz's ``dot`` program and raise :class:`GraphvizNotFoundError`,
    saying how to install it, where it is missing. Takes the options of
    :func:`to_dot`, plus ``format`` (one of ``FORMATS``), the default output
    format of ``.render()``.

    Returns
    -------
    graphviz.Digraph

    Examples
    --------
    >>> import autodiff
    >>> a = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> (a * 3).sum().backward()
    >>> g = autodiff.viz.draw(a * 3, params={"a": a}, format="png")
    >>> g.format, "mul" in g.source
    ('png', True)
    """
    fmt = check_format(format)
    o = check_options(
        roots,
        params,
        show_data,
        show_grad,
        rankdir,
        group_modules,
        collapse_modules,
        max_nodes,
        inline_scalars,
        legend,
        norm_range,
        dpi,
    )
    lines = build_lines(roots, o)
    g = digraph_class()(name="autodiff", format=fmt)
    g.body = lines
    return g


def watch(*roots: Tensor) -> int:
    """Remember every op's gradient during the next backward through ``roots``.

    Call it after the forward pass and before ``backward()``; the pictures
    then colour every op by its gradient's norm and can say which op a NaN
    or Inf started at. Only a summary is kept (norm, min, max, NaN/Inf and
    zero counts, the values of tensors of up to 16 elements). Returns the
    number of op nodes watched.

    Examples
    --------
    >>> import autodiff
    >>> x = autodiff.tensor([0.0, 1.0], requires_grad=True)
    >>> loss = x.sqrt().sum()
    >>> autodiff.viz.watch(loss)
    2
    >>> loss.backward()
    >>> "NaN/Inf starts here (backward)" in autodiff.viz.to_dot(loss)
    True
    """
    for k, r in enumerate(roots):
        if not isinstance(r, Tensor):
            raise TypeError(f"watch(): root {k} is a {type(r).__name__}, not an autodiff Tensor")
    return _watch(roots)
