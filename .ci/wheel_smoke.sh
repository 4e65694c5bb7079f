#!/usr/bin/env bash
# The package as a user gets it: `python -m build` makes a wheel and an sdist; each is
# installed into a fresh venv (no system site-packages: numpy and graphviz come from the
# registry) and must import, train a step and run a backward, from outside the clone.
# The wheel must ship autodiff/py.typed and no tests.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

python -m build --version >/dev/null 2>&1 || python -m pip install -q --disable-pip-version-check build
python -m build --outdir "$TMP/dist" "$REPO" >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; exit 1; }
WHEEL=$(ls "$TMP"/dist/*.whl)
SDIST=$(ls "$TMP"/dist/*.tar.gz)
echo "built $(basename "$WHEEL") and $(basename "$SDIST")"

python - "$WHEEL" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert "autodiff/py.typed" in names, "the wheel has no autodiff/py.typed"
tests = [n for n in names if n.startswith("tests/") or "/tests/" in n]
assert not tests, f"the wheel ships tests: {tests[:5]}"
assert any(n.startswith("autodiff/ops/") for n in names), "the wheel has no autodiff/ops"
print(f"wheel: {len(names)} files, py.typed, no tests")
PY

cat >"$TMP/smoke.py" <<'PY'
import os, sys
import autodiff
from autodiff import nn, optim
import autodiff.nn.functional as F

here = os.path.dirname(autodiff.__file__)
assert here.startswith(sys.prefix), f"imported {here}, not the installed package"
assert os.path.isfile(os.path.join(here, "py.typed"))
expected = sys.argv[1]  # the version in the source tree
assert autodiff.__version__ == expected, (autodiff.__version__, expected)
autodiff.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
opt = optim.SGD(model.parameters(), lr=0.1)
x, y = autodiff.randn(16, 4), autodiff.randint(0, 3, (16,))
losses = []
for _ in range(20):
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
assert losses[-1] < losses[0], losses
a = autodiff.tensor([1.0, 2.0], requires_grad=True)
(a * a).sum().backward()
assert a.grad.tolist() == [2.0, 4.0]
print(f"{sys.argv[2]} in a fresh venv: autodiff {autodiff.__version__}: loss {losses[0]:.3f} -> {losses[-1]:.3f}, backward ok")
PY

VERSION=$(python -c "import ast,sys; t=ast.parse(open('autodiff/__init__.py').read()); \
print(next(n.value.value for n in t.body if isinstance(n, ast.Assign) \
and getattr(n.targets[0], 'id', '') == '__version__'))")
python -m venv "$TMP/venv"
PIP="$TMP/venv/bin/python -m pip --disable-pip-version-check -q"
cd "$TMP"  # away from the clone: its autodiff/ must not shadow the installed one
$PIP install "$WHEEL"
"$TMP/venv/bin/python" "$TMP/smoke.py" "$VERSION" wheel
$PIP install --force-reinstall --no-deps "$SDIST"
"$TMP/venv/bin/python" "$TMP/smoke.py" "$VERSION" sdist
