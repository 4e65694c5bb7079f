"""Workload ``digits``: wall time of the package demo (``python -m autodiff``).

The demo trains an MLP on scikit-learn's bundled digits and reports its test
accuracy. It exposes ``autodiff.demo.main(argv) -> accuracy``, which is called
in-process (with ``--no-progress`` and a temporary ``--out``) and timed end to
end: data loading, the graph picture, training and evaluation. Quick mode
trains 2 epochs instead of the demo's default. Without ``autodiff/demo.py``,
``python -m autodiff`` is timed as a subprocess if it exists, else skipped.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import subprocess
import sys
import tempfile
import time

from ..common import ERROR, OK, REPO_ROOT, SKIPPED, Context, Result, format_case

TIMEOUT = 600.0


def _call_demo(argv: list[str]) -> tuple[float, float, str]:
    """Run ``autodiff.demo.main(argv)``; return (seconds, accuracy, its output)."""
    from autodiff.demo import main

    buf = io.StringIO()
    with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(buf):
        t0 = time.perf_counter()
        acc = main([*argv, "--no-progress", "--out", out])
        wall = time.perf_counter() - t0
    return wall, float(acc), buf.getvalue()


def _subprocess_demo() -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "autodiff"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=REPO_ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[-150:]}")
    return time.perf_counter() - t0, proc.stdout


def run(ctx: Context) -> list[Result]:
    """Time the demo once (autodiff only: it is autodiff's own demo)."""
    argv = ["--epochs", "2"] if ctx.quick else []
    case = "python -m autodiff" + (" --epochs 2" if ctx.quick else " (defaults)")
    res = Result("digits", case, "autodiff", SKIPPED, unit="s")
    has_demo = importlib.util.find_spec("autodiff.demo") is not None
    has_main = importlib.util.find_spec("autodiff.__main__") is not None
    if "autodiff" not in ctx.engines:
        res.note = "autodiff not selected"
    elif not (has_demo or has_main):
        res.note = "the demo (autodiff/demo.py) does not exist yet"
    else:
        try:
            if has_demo:
                wall, acc, out = _call_demo(argv)
            else:
                wall, out = _subprocess_demo()
                acc = None
        except Exception as err:  # noqa: BLE001 - a broken demo is a result, not a crash
            res.status, res.note = ERROR, f"{type(err).__name__}: {err}"[:200]
        else:
            res.status, res.value = OK, wall
            acc_line = [ln for ln in out.splitlines() if "accuracy" in ln.lower()]
            res.note = f"test accuracy {acc:.3f}" if acc is not None else (acc_line or [""])[-1]
            res.extra = {"accuracy": acc, "output": out[-500:]}
    ctx.log(format_case([res]) + (f" - {res.note}" if res.note else ""))
    return [res]
