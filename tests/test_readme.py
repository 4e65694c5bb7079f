"""The README's quickstart runs as written and prints what it says."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(2))
def test_python_examples_run_and_print_their_comments(index, tmp_path, monkeypatch):
    block = _python_blocks()[index]
    monkeypatch.chdir(tmp_path)  # examples may write files (a checkpoint)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, f"README example {index}", "exec"), {})
    printed = out.getvalue().splitlines()
    expected = [
        line.split("# ", 1)[1].split(":")[0].strip()
        for line in block.splitlines()
        if line.startswith("print(") and "# " in line
    ]
    assert printed == expected


def test_every_python_block_is_tested():
    assert len(_python_blocks()) == 2


def test_readme_has_exactly_two_setup_commands():
    bash = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    setup = [b.strip() for b in bash if b.strip().startswith("pip install")]
    assert setup[0] == 'pip install -e ".[examples]" && python -m autodiff'
    assert setup[1] == 'pip install -e ".[dev,distributed]" && python -m pytest -q tests'
    ci = (README.parent / ".ci" / "run").read_text()
    # CI installs the same extras and runs the same command
    assert '-e ".[dev,distributed]"' in ci and "python -m pytest -q tests" in ci
