"""Counting work instead of timing it: how many Python lines of the library run.

A test that asserts "this took under N seconds" is flaky on a loaded CI machine
and says little about complexity. These helpers count the lines of ``autodiff``
code executed by a call (``sys.settrace``), which is deterministic, so a test
can compare the counts at two or three sizes and assert linear growth (or no
growth at all) instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import autodiff

_PKG = os.path.dirname(os.path.abspath(autodiff.__file__)) + os.sep


def count_lines(fn: Callable[[], object], package_dir: str = _PKG) -> int:
    """Run ``fn()`` and return how many lines of code under ``package_dir`` it
    executed (every execution of a line counts, so a loop over n items that
    runs k lines counts about k*n)."""
    n = 0

    def local(frame, event, arg):
        nonlocal n
        if event == "line":
            n += 1
        return local

    def glob(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(package_dir):
            return local
        return None

    old = sys.gettrace()
    sys.settrace(glob)
    try:
        fn()
    finally:
        sys.settrace(old)
    return n


def assert_linear(counts: dict[int, int], slack: float = 0.15) -> None:
    """``counts`` maps three sizes n, 2n, 4n to work counts; assert the work
    grows linearly: doubling the size adds about twice the work of the
    previous doubling (a quadratic algorithm adds four times as much)."""
    a, b, c = sorted(counts)
    assert b == 2 * a and c == 2 * b, counts
    d1 = counts[b] - counts[a]
    d2 = counts[c] - counts[b]
    assert d1 > 0, counts
    assert d2 <= 2 * d1 * (1 + slack), f"work grows faster than linearly: {counts}"
