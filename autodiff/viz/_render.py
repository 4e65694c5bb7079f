"""Rendering through the ``graphviz`` package (imported only here, only when drawing)."""

from __future__ import annotations

FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "gif", "webp", "ps", "eps", "dot", "json", "plain")

INSTALL_HELP = (
    "Graphviz's `dot` program was not found on PATH, so the graph cannot be rendered. "
    "Install Graphviz itself (the Python package alone is not enough): "
    "Debian/Ubuntu `sudo apt-get install graphviz`, macOS `brew install graphviz`, "
    "conda `conda install -c conda-forge graphviz`; then restart Python. "
    "autodiff.viz.to_dot(...) still gives the DOT text without it."
)


class GraphvizNotFoundError(RuntimeError):
    """Raised when rendering needs Graphviz's ``dot`` program and it is missing.

    The message says how to install it (``apt-get install graphviz``, ...);
    ``viz.to_dot`` needs no Graphviz and always works.

    Examples
    --------
    >>> from autodiff.viz import GraphvizNotFoundError
    >>> issubclass(GraphvizNotFoundError, RuntimeError)
    True
    """


def check_format(fmt) -> str:
    if not isinstance(fmt, str) or fmt.lower() not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; valid formats are: {', '.join(FORMATS)}")
    return fmt.lower()


_CLASS = None


def digraph_class():
    """A ``graphviz.Digraph`` subclass whose rendering raises a clear error
    (:class:`GraphvizNotFoundError`) when ``dot`` is missing."""
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    import graphviz  # (optional dependency)

    class AutodiffDigraph(graphviz.Digraph):
        """A graph picture: ``.render()``, ``.pipe()``, shown inline by Jupyter."""

        def pipe(self, *args, **kwargs):
            fmt = kwargs.get("format", args[0] if args else None)
            if fmt is not None:
                check_format(fmt)
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound as err:
                raise GraphvizNotFoundError(INSTALL_HELP) from err

        def render(self, *args, **kwargs):
            fmt = kwargs.get("format")
            if fmt is not None:
                check_format(fmt)
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound as err:
                raise GraphvizNotFoundError(INSTALL_HELP) from err

        def view(self, *args, **kwargs):
            try:
                return super().view(*args, **kwargs)
            except graphviz.ExecutableNotFound as err:
                raise GraphvizNotFoundError(INSTALL_HELP) from err

        def _repr_svg_(self) -> str:
            return self.pipe(format="svg", encoding="utf-8")

    _CLASS = AutodiffDigraph
    return _CLASS
