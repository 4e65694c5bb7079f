"""Matplotlib figures of how cost grows: deep_chain per node, batch_sweep per step."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .common import ENGINE_LABELS, ENGINES, OK, Result

STYLE = {
    "numpy": ("black", "o"),
    "autodiff": ("tab:red", "s"),
    "autodiff_nn": ("salmon", "P"),
    "torch": ("tab:orange", "^"),
    "autograd": ("tab:blue", "v"),
    "mygrad": ("tab:green", "D"),
    "micrograd": ("tab:purple", "x"),
}


def _series(results: Sequence[Result], workload: str, x_of) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    for r in results:
        if r.workload == workload and r.status == OK and r.value is not None:
            out.setdefault(r.engine, []).append((x_of(r), r.value))
    return out


def _plot(series: dict, title: str, xlabel: str, ylabel: str, path: Path, notes: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=110)
    for engine in ENGINES:
        pts = sorted(series.get(engine, []))
        if not pts:
            continue
        color, marker = STYLE.get(engine, ("gray", "."))
        ax.plot(*zip(*pts), marker=marker, color=color, label=ENGINE_LABELS[engine], lw=1.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title(title, fontsize=12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9, loc="best")
    if notes:
        fig.text(0.01, 0.01, notes, fontsize=8, color="dimgray")
        fig.subplots_adjust(bottom=0.2)
    fig.tight_layout(rect=(0, 0.05 if notes else 0, 1, 1))
    fig.savefig(path)
    plt.close(fig)


def write_plots(results: Sequence[Result], outdir: Path) -> list[Path]:
    """Write deep_chain.png and batch_sweep.png into ``outdir``; return the paths."""
    paths = []
    chain = _series(results, "deep_chain", lambda r: float(r.case.split("=")[1]))
    if chain:
        failed = sorted(
            {
                f"{ENGINE_LABELS[r.engine]}: {r.status} at {r.case}"
                for r in results
                if r.workload == "deep_chain" and r.status not in (OK, "skipped")
            }
        )
        path = outdir / "deep_chain.png"
        _plot(
            chain,
            "deep_chain: y = y * 1.000001, N times, then backward",
            "graph size N (nodes)",
            "time per node (us, forward + backward)",
            path,
            notes="; ".join(failed),
        )
        paths.append(path)
    sweep = _series(results, "batch_sweep", lambda r: float(r.case.split("batch=")[1]))
    if sweep:
        path = outdir / "batch_sweep.png"
        _plot(
            sweep,
            "MLP 784-256-256-10 training step vs batch size",
            "batch size",
            "time per step (ms)",
            path,
        )
        paths.append(path)
    return paths
