"""Turning results into the markdown table, the targets check and machine facts."""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import statistics
from collections.abc import Callable, Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import Any

from .common import ENGINE_LABELS, OK, Result, engine_status


def _lookup(results: Sequence[Result]) -> dict[tuple[str, str, str], Result]:
    return {(r.workload, r.case, r.engine): r for r in results}


def ratio(results: Sequence[Result], r: Result, other: str) -> float | None:
    """``r.value`` divided by engine ``other``'s value in the same case, if both ran.

    When the case ran in several processes, the ratio is taken within each process
    and the median of those is returned (ratios compare within one run).
    """
    o = _lookup(results).get((r.workload, r.case, other))
    if r.status != OK or o is None or o.status != OK or not o.value or r.value is None:
        return None
    mine, theirs = r.extra.get("per_process"), o.extra.get("per_process")
    if mine and theirs and len(mine) == len(theirs) and all(theirs):
        return statistics.median(a / b for a, b in zip(mine, theirs))
    return r.value / o.value


def _fmt(v: float | None, digits: int = 4) -> str:
    if v is None:
        return "-"
    return f"{v:.{digits}g}"


def markdown_table(results: Sequence[Result]) -> str:
    """All results, one row per (workload, case, engine), with ratios to NumPy and PyTorch."""
    lines = [
        "| workload | case | engine | median | unit | vs NumPy | vs PyTorch | status / note |",
        "|---|---|---|---:|---|---:|---:|---|",
    ]
    for r in results:
        rn, rt = ratio(results, r, "numpy"), ratio(results, r, "torch")
        status = r.status if r.status == OK else f"**{r.status}**"
        note = f"{status}: {r.note}" if r.note else status
        note = note.replace("|", "/")
        lines.append(
            f"| {r.workload} | {r.case} | {ENGINE_LABELS.get(r.engine, r.engine)} | "
            f"{_fmt(r.value)} | {r.unit} | {_fmt(rn, 3)}{'x' if rn else ''} | "
            f"{_fmt(rt, 3)}{'x' if rt else ''} | {note} |"
        )
    return "\n".join(lines)


@dataclass
class Target:
    """One performance goal for autodiff and how to read it off the results."""

    name: str
    measure: Callable[[Sequence[Result]], float | None]
    limit: float
    unit: str = "x"


def _find(
    results: Sequence[Result], workload: str, engine: str, case: str | None = None
) -> Result | None:
    for r in results:
        if r.workload == workload and r.engine == engine and (case is None or r.case == case):
            return r
    return None


def _ratio_of(workload: str, other: str, case: str | None = None) -> Callable:
    def f(results: Sequence[Result]) -> float | None:
        r = _find(results, workload, "autodiff", case)
        return ratio(results, r, other) if r else None

    return f


def _value_of(workload: str, case: str | None = None, key: str | None = None) -> Callable:
    def f(results: Sequence[Result]) -> float | None:
        r = _find(results, workload, "autodiff", case)
        if r is None or r.status != OK:
            return None
        return float(r.extra[key]) if key else r.value

    return f


def _completes(workload: str, case: str) -> Callable:
    def f(results: Sequence[Result]) -> float | None:
        r = _find(results, workload, "autodiff", case)
        if r is None or r.status == "skipped" and "smaller N" not in r.note:
            return None
        return 1.0 if r.status == OK else 0.0

    return f


TARGETS: list[Target] = [
    Target("mlp_step <= 1.10x NumPy", _ratio_of("mlp_step", "numpy"), 1.10),
    Target("mlp_step <= 1.25x PyTorch", _ratio_of("mlp_step", "torch"), 1.25),
    Target("mlp_step_large <= 1.05x NumPy", _ratio_of("mlp_step_large", "numpy"), 1.05),
    Target("small_ops <= 3.0 us/op", _value_of("small_ops"), 3.0, " us/op"),
    Target("small_ops < 0.5x PyTorch", _ratio_of("small_ops", "torch"), 0.5),
    Target("micrograd_demo <= 0.5x PyTorch", _ratio_of("micrograd_demo", "torch"), 0.5),
    Target("deep_chain N=1e5 <= 5 us/node", _value_of("deep_chain", "N=1e5"), 5.0, " us/node"),
    Target("deep_chain N=1e6 completes", _completes("deep_chain", "N=1e6"), 0.5, " (1 = yes)"),
    Target("cnn_step <= 1.2x NumPy", _ratio_of("cnn_step", "numpy"), 1.2),
    Target("memory peak <= 1.15x NumPy", _ratio_of("memory", "numpy"), 1.15),
    Target(
        "memory: no growth, step 5 -> 20 (<= 1 MiB)", _value_of("memory", key="growth"), 1.0, " MiB"
    ),
    Target("charmlp_step <= 1.0x PyTorch", _ratio_of("charmlp_step", "torch"), 1.0),
    Target("gpt_step <= 1.0x PyTorch", _ratio_of("gpt_step", "torch"), 1.0),
]


def targets_table(results: Sequence[Result]) -> tuple[str, list[dict[str, Any]]]:
    """Markdown table of every target with met / not met / not measured."""
    rows, data = ["| target | measured | met? |", "|---|---:|---|"], []
    for t in TARGETS:
        v = t.measure(results)
        if t.name.endswith("completes"):
            met = None if v is None else v >= t.limit
        else:
            met = None if v is None else v <= t.limit
        verdict = "not measured" if met is None else ("met" if met else "**NOT MET**")
        rows.append(f"| {t.name} | {_fmt(v, 4)}{t.unit if v is not None else ''} | {verdict} |")
        data.append({"target": t.name, "measured": v, "met": met})
    return "\n".join(rows), data


def machine_info() -> dict[str, Any]:
    """CPU, cores, Python, NumPy and its BLAS, engine versions, PyTorch threads, date."""
    import numpy as np

    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    buf = io.StringIO()
    with redirect_stdout(buf):
        np.show_config()
    blas = _blas_summary()
    info: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
        "blas": blas,
        "numpy_show_config": buf.getvalue(),
        "engines": {name: engine_status(name)[1] for name in ENGINE_LABELS},
    }
    if engine_status("torch")[0]:
        import torch

        info["torch_num_threads"] = torch.get_num_threads()
    info["thread_pools"] = _thread_pools()
    info["load_average_start"] = load_average()
    return info


def load_average() -> str:
    """The 1/5/15-minute load averages: how busy the shared machine was."""
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def _thread_pools() -> str:
    """Native thread pools (BLAS, OpenMP) and their thread counts, via threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    pools = threadpool_info()
    return "; ".join(f"{p['internal_api']}: {p['num_threads']} threads" for p in pools) or "?"


def _blas_summary() -> str:
    try:
        import numpy as np

        cfg = np.show_config(mode="dicts")
        deps = cfg.get("Build Dependencies", {})
        parts = []
        for key in ("blas", "lapack"):
            d = deps.get(key, {})
            if d:
                parts.append(f"{key}: {d.get('name', '?')} {d.get('version', '')}".strip())
        return "; ".join(parts) or "?"
    except Exception:  # noqa: BLE001 - informative only
        return "?"
