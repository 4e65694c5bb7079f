"""The README's quickstart runs as written and prints what it says."""

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(3))
def test_python_examples_run_and_print_their_comments(index, tmp_path, monkeypatch):
    block = _python_blocks()[index]
    monkeypatch.chdir(tmp_path)  # examples may write files (a checkpoint, a picture)
    namespace: dict = {}
    if index == 2:  # drawing "your own model's step": the training example's model
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(_python_blocks()[1], "README example 1", "exec"), namespace)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, f"README example {index}", "exec"), namespace)
    if index == 2 and shutil.which("dot"):
        assert (tmp_path / "step.png").read_bytes()[:4] == b"\x89PNG"
    printed = out.getvalue().splitlines()
    expected = [
        line.split("# ", 1)[1].split(":")[0].strip()
        for line in block.splitlines()
        if line.startswith("print(") and "# " in line
    ]
    assert printed == expected


def test_every_python_block_is_tested():
    assert len(_python_blocks()) == 3


def test_the_three_lines_draw_values_and_gradients(tmp_path, monkeypatch):
    """The README's drawing block, up to its last line (render needs Graphviz's
    ``dot``), then the same picture as DOT text: values and gradients are in it."""
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    *setup, draw = _python_blocks()[2].strip().splitlines()
    assert draw.startswith("viz.draw(loss, params=dict(model.named_parameters())")
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(_python_blocks()[1], "README example 1", "exec"), namespace)
        exec(compile("\n".join(setup), "README example 2", "exec"), namespace)
    dot = namespace["viz"].to_dot(
        namespace["loss"], params=dict(namespace["model"].named_parameters()),
        collapse_modules=True)
    assert "grad norm" in dot and "data norm" in dot
    assert "value freed by backward" not in dot and "op gradients unknown" not in dot


def test_readme_has_exactly_two_setup_commands():
    bash = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    setup = [b.strip() for b in bash if b.strip().startswith("pip install")]
    assert setup[0] == 'pip install -e ".[examples]" && python -m autodiff'
    assert setup[1] == 'pip install -e ".[dev,distributed]" && python -m pytest -q tests'
    ci = (README.parent / ".ci" / "run").read_text()
    # CI installs the same extras and runs the same command
    assert '-e ".[dev,distributed]"' in ci and "python -m pytest -q tests" in ci
