"""Build the notebooks from their plain-Python sources and execute them.

Each notebook is written as a Python file in ``notebooks/src/`` in the
"percent" format: ``# %%`` starts a code cell, ``# %% [markdown]`` starts a
markdown cell whose lines are comments (``# `` is stripped). Edit the
source, then rebuild (this executes every notebook, so the stored ``.ipynb``
files carry their outputs, pictures included)::

    python notebooks/make_notebooks.py            # all notebooks
    python notebooks/make_notebooks.py 03 04      # those whose name starts so

``tests/test_notebooks.py`` executes the stored notebooks again in CI and
checks that they match their sources.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def parse(text: str) -> list[tuple[str, str]]:
    """Split percent-format source into (kind, source) cells."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("# %%"):
            kind = "markdown" if "[markdown]" in line else "code"
            cells.append((kind, []))
            continue
        if not cells:  # anything before the first marker (e.g. a module docstring) is dropped
            continue
        kind, lines = cells[-1]
        if kind == "markdown":
            if line.startswith("# "):
                line = line[2:]
            elif line.startswith("#"):
                line = line[1:]
        lines.append(line)
    out = []
    for kind, lines in cells:
        src = "\n".join(lines).strip("\n")
        if src:
            out.append((kind, src))
    return out


def build(src_path: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    for kind, src in parse(src_path.read_text()):
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(src))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(src))
    for k, cell in enumerate(nb.cells):  # stable ids: small diffs between rebuilds
        cell["id"] = f"c{k:03d}"
    return nb


def execute(nb: nbformat.NotebookNode, timeout: int = 300) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    return nb


def main(argv: list[str]) -> int:
    sources = sorted(SRC.glob("*.py"))
    if argv:
        sources = [s for s in sources if any(s.stem.startswith(a) for a in argv)]
    for src in sources:
        t0 = time.perf_counter()
        nb = execute(build(src))
        path = HERE / f"{src.stem}.ipynb"
        nbformat.write(nb, path)
        kb = path.stat().st_size / 1024
        print(f"{path.name}: {time.perf_counter() - t0:.1f} s, {kb:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
