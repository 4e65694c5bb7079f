"""The documentation's examples run as written: docs/**/*.md (the site's pages).

Two kinds of code block, both run here:
- ``>>>`` examples (architecture.md, adding-an-op.md, ...) are doctested;
- plain ```python blocks are scripts, run top to bottom, one namespace per page
  (a tutorial page builds on its earlier blocks), in a scratch directory. Each
  ``print(...)  # expected`` line says what it prints (``...`` matches anything);
  the page's output must be exactly those lines.
"""

import contextlib
import doctest
import io
import pathlib
import re
import shutil

import pytest

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(
    str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md") if "api" not in p.relative_to(DOCS).parts
)
BLOCK = re.compile(r"^```python\n(.*?)^```", flags=re.S | re.M)
EXPECT = re.compile(r"^\s*print\(.*\)  # (.*)$")


def _blocks(page: str) -> list:
    return BLOCK.findall((DOCS / page).read_text())


def _scripts(page: str) -> list:
    return [b for b in _blocks(page) if not b.lstrip().startswith(">>>")]


def _matches(expected: str, line: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, line) is not None


@pytest.mark.parametrize("page", [p for p in PAGES if any(
    b.lstrip().startswith(">>>") for b in _blocks(p))])
def test_doc_examples_run(page):
    result = doctest.testfile(
        str(DOCS / page), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0, f"{page} has no examples"
    assert result.failed == 0, f"{result.failed} example(s) failed in docs/{page}"


@pytest.mark.parametrize("page", [p for p in PAGES if _scripts(p)])
def test_page_scripts_run_and_print_their_comments(page, tmp_path, monkeypatch):
    scripts = _scripts(page)
    if any(".render(" in b for b in scripts) and shutil.which("dot") is None:
        pytest.skip("the page renders a picture: Graphviz's `dot` is needed")
    if any("import torch" in b for b in scripts):
        pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)  # pages write checkpoints and pictures
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    expected = []
    for k, block in enumerate(scripts):
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"docs/{page} block {k}", "exec"), namespace)
        expected += [m.group(1) for m in map(EXPECT.match, block.splitlines()) if m]
    printed = out.getvalue().splitlines()
    assert len(printed) == len(expected), (printed, expected)
    for want, got in zip(expected, printed):
        assert _matches(want, got), f"docs/{page}: printed {got!r}, the page says {want!r}"


def test_the_tutorial_pages_have_code():
    tutorial = [p for p in PAGES if p.startswith("tutorial")]
    assert len(tutorial) == 6 and all(_scripts(p) for p in tutorial)


def test_every_page_is_in_the_site():
    nav = (DOCS.parent / "mkdocs.yml").read_text()
    for page in PAGES:
        assert page in nav, f"docs/{page} is not in mkdocs.yml's nav"


def _section(page: str, title: str) -> str:
    text = (DOCS / page).read_text()
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _table_rows(section: str) -> list:
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in r.strip("|").split("|")] for r in rows[2:]]  # no header


def _resolve(dotted: str):
    """The object a dotted name names: the longest importable module, then attributes."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def test_porting_names_resolve():
    pytest.importorskip("torch")
    rows = _table_rows(_section("porting.md", "Where PyTorch's names are"))
    assert len(rows) >= 19
    for theirs, ours in rows:
        torch_names = re.findall(r"`(torch\.[\w.]+)`", theirs)
        our_names = re.findall(r"`(autodiff\.[\w.]+)`", ours)
        assert our_names, ours
        for name in torch_names + our_names:
            _resolve(name)  # raises if the name is not there
        # each PyTorch name has its autodiff name, in the same order ("(also ...)" aside)
        main = re.findall(r"`(autodiff\.[\w.]+)`", re.sub(r"\(.*?\)", "", ours))
        assert [n.split(".")[-1] for n in torch_names] == [
            n.split(".")[-1] for n in main[: len(torch_names)]], (theirs, ours)


def test_every_porting_difference_is_checked():
    section = _section("porting.md", "What differs")
    rows = _table_rows(section)
    (checks,) = BLOCK.findall(section)
    numbers = [int(r[0]) for r in rows]
    assert numbers == list(range(1, len(rows) + 1))
    for n in numbers:
        assert re.search(rf"^# {n}\. \S", checks, flags=re.M), f"row {n} has no check"
