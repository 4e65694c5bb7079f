"""The notebooks in notebooks/ run top to bottom, and what is stored is what they produce.

Each notebook asserts its key numbers in its cells, so executing it checks its answers.
The stored .ipynb files are built from notebooks/src/*.py by notebooks/make_notebooks.py,
executed, with their outputs (pictures included) kept for reading on a repository page.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("[0-9][0-9]_*.ipynb"))
CELL_TIMEOUT = 300  # seconds per cell; the five notebooks take well under a minute in all
MAX_BYTES = 1_500_000

nbformat = pytest.importorskip("nbformat")


def _builder():
    spec = importlib.util.spec_from_file_location("make_notebooks", NB_DIR / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def python3_kernel(tmp_path_factory):
    """A kernelspec named python3 that runs this very interpreter.

    A `python3` spec installed elsewhere (e.g. with `ipykernel install --user` for
    another Python) could lack autodiff; JUPYTER_PATH is searched first, so this one wins.
    """
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    for module in ("matplotlib", "sklearn"):
        pytest.importorskip(module)
    if shutil.which("dot") is None:
        pytest.skip(
            "the notebooks draw graphs: Graphviz's `dot` is needed (apt-get install graphviz)"
        )
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(root))
    yield "python3"
    mp.undo()


def test_every_notebook_has_its_source():
    names = [p.stem for p in NOTEBOOKS]
    assert len(names) >= 5, names
    assert sorted(p.stem for p in (NB_DIR / "src").glob("*.py")) == names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, python3_kernel):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=python3_kernel,
        record_timing=False,
        resources={"metadata": {"path": str(NB_DIR)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError (with the cell and traceback) on any error
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    print(f"{path.name}: {elapsed:.1f} s")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_notebook_matches_source_and_has_outputs(path):
    stored = nbformat.read(path, as_version=4)
    built = _builder().build(NB_DIR / "src" / f"{path.stem}.py")
    assert [(c.cell_type, c.source) for c in stored.cells] == [
        (c.cell_type, c.source) for c in built.cells
    ], f"{path.name} is out of date: run python notebooks/make_notebooks.py {path.stem[:2]}"
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{path.name} is stored unexecuted"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no pictures stored"
    assert path.stat().st_size < MAX_BYTES
