"""Workload ``digits``: wall time of the package demo (``python -m autodiff``).

The demo trains a classifier on scikit-learn's digits until it reaches its
accuracy. It is timed as a subprocess (start-up and imports included), and
the last line of its output that mentions accuracy is recorded. Skipped, with
a note, while ``autodiff/demo.py`` does not exist, and in quick mode.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time

from ..common import ERROR, OK, SKIPPED, Context, Result, format_case

TIMEOUT = 600.0


def run(ctx: Context) -> list[Result]:
    """Time the demo once (autodiff only: it is autodiff's demo)."""
    res = Result("digits", "python -m autodiff", "autodiff", SKIPPED, unit="s")
    if "autodiff" not in ctx.engines:
        res.note = "autodiff not selected"
    elif importlib.util.find_spec("autodiff.demo") is None:
        res.note = "autodiff/demo.py does not exist yet"
    elif ctx.quick:
        res.note = "full runs only (the demo trains to its target accuracy)"
    else:
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "autodiff"], capture_output=True, text=True, timeout=TIMEOUT
            )
        except subprocess.TimeoutExpired:
            res.status, res.note = ERROR, f"timeout after {TIMEOUT:.0f} s"
        else:
            wall = time.perf_counter() - t0
            acc = [ln for ln in proc.stdout.splitlines() if re.search(r"acc", ln, re.I)]
            if proc.returncode != 0:
                tail = (proc.stderr.strip().splitlines() or [""])[-1]
                res.status, res.note = ERROR, f"exit {proc.returncode}: {tail}"[:200]
            else:
                res.status, res.value = OK, wall
                res.note = acc[-1].strip()[:120] if acc else "(no accuracy line printed)"
    ctx.log(format_case([res]) + (f" - {res.note}" if res.note else ""))
    return [res]
