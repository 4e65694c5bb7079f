"""Shared pieces: results, engine discovery, gradient checks and interleaved timing."""

from __future__ import annotations

import gc
import importlib
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

# Order matters: it is the column/row order of every report.
ENGINES: tuple[str, ...] = (
    "numpy",
    "autodiff",
    "autodiff_nn",
    "torch",
    "autograd",
    "mygrad",
    "micrograd",
)
# Variants shown only in the workloads that implement them (no "skipped" rows elsewhere).
OPTIONAL: frozenset[str] = frozenset({"autodiff_nn"})
ENGINE_LABELS: dict[str, str] = {
    "numpy": "NumPy (hand-written)",
    "autodiff": "autodiff",
    "autodiff_nn": "autodiff (nn.Linear, F.cross_entropy)",
    "torch": "PyTorch",
    "autograd": "HIPS autograd",
    "mygrad": "MyGrad",
    "micrograd": "micrograd",
}
OK, FAILED_CHECK, SKIPPED, ERROR = "ok", "FAILED CHECK", "skipped", "error"


@dataclass
class Result:
    """One (workload, case, engine) figure, or the reason there is none."""

    workload: str
    case: str
    engine: str
    status: str
    value: float | None = None
    unit: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class Context:
    """What a workload needs to know about this run."""

    quick: bool = False
    engines: tuple[str, ...] = ENGINES
    log: Callable[[str], None] = print

    @property
    def warmup(self) -> int:
        """Untimed calls per engine before timing starts."""
        return 1 if self.quick else 3

    @property
    def rounds(self) -> int:
        """Timed rounds (each engine runs once per round, interleaved)."""
        return 3 if self.quick else 25

    @property
    def min_round_s(self) -> float:
        """Shortest timed round: a round repeats a fast step back to back (as a
        training loop does) instead of timing one step right after gc.collect(),
        whose cold caches would dominate a sub-millisecond step."""
        return 0.005 if self.quick else 0.05


class Runner(Protocol):
    """One engine's implementation of one workload case."""

    def check(self) -> tuple[float, list[np.ndarray]]:
        """Run the first step; return its loss and gradients (as ndarrays)."""

    def step(self) -> None:
        """Run one timed step."""


_IMPORT_CACHE: dict[str, tuple[bool, str]] = {}


def engine_status(name: str) -> tuple[bool, str]:
    """Whether an engine can be imported, and its version (or the import error)."""
    if name == "autodiff_nn":
        ok, version = engine_status("autodiff")
        try:
            import autodiff.nn as nn
            import autodiff.nn.functional as F  # noqa: N812

            missing = [n for n in ("Linear",) if not hasattr(nn, n)]
            missing += [n for n in ("relu", "cross_entropy") if not hasattr(F, n)]
        except ImportError as err:
            return False, f"not importable: {err}"
        if missing:
            return False, f"autodiff.nn lacks {', '.join(missing)}"
        return ok, version
    if name not in _IMPORT_CACHE:
        module = "micrograd.engine" if name == "micrograd" else name
        try:
            mod = importlib.import_module(module)
            top = importlib.import_module(name)
            version = getattr(top, "__version__", None) or getattr(mod, "__version__", "")
            if not version:
                from importlib.metadata import version as dist_version

                try:
                    version = dist_version(name)
                except Exception:  # noqa: BLE001 - version is informative only
                    version = "?"
            _IMPORT_CACHE[name] = (True, str(version))
        except Exception as err:  # noqa: BLE001 - any import failure means "absent"
            _IMPORT_CACHE[name] = (False, f"not importable: {type(err).__name__}: {err}")
    return _IMPORT_CACHE[name]


def allclose(got: Any, ref: Any, dtype: np.dtype | type = np.float32) -> bool:
    """Compare with tolerances suited to ``dtype`` (float32 BLAS sums differ in order)."""
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if got.shape != ref.shape:
        return False
    if np.dtype(dtype) == np.float64:
        rtol, atol = 1e-6, 1e-9
    else:
        rtol, atol = 2e-3, 1e-5
    scale = float(np.max(np.abs(ref))) if ref.size else 1.0
    return bool(np.allclose(got, ref, rtol=rtol, atol=atol * max(1.0, scale)))


def check_against(
    got: tuple[float, list[np.ndarray]],
    ref: tuple[float, list[np.ndarray]],
    dtype: np.dtype | type = np.float32,
) -> str:
    """Return "" when loss and every gradient match the reference, else what differs."""
    loss, grads = got
    ref_loss, ref_grads = ref
    if not allclose(loss, ref_loss, dtype):
        return f"loss {float(loss):.6g} != reference {float(ref_loss):.6g}"
    if len(grads) != len(ref_grads):
        return f"{len(grads)} gradients, reference has {len(ref_grads)}"
    for i, (g, r) in enumerate(zip(grads, ref_grads)):
        if g is None:
            return f"gradient {i} missing"
        g = np.asarray(g)
        if g.shape != np.shape(r):
            return f"gradient {i} has shape {g.shape}, reference {np.shape(r)}"
        if not allclose(g, r, dtype):
            err = float(np.max(np.abs(g.astype(np.float64) - r)))
            return f"gradient {i} differs (max abs error {err:.3g})"
    return ""


def _dtype_note(grads: list, ref_grads: list) -> str:
    """A note when an engine's gradients are not of the reference's dtype (values agreed)."""
    got = sorted({str(np.asarray(g).dtype) for g in grads})
    want = sorted({str(np.asarray(g).dtype) for g in ref_grads})
    return "" if got == want else f"gradients are {'/'.join(got)}, reference {'/'.join(want)}"


def interleaved_medians(
    steps: dict[str, Callable[[], None]], warmup: int, rounds: int, min_round_s: float = 0.0
) -> dict[str, dict[str, float]]:
    """Time each callable in interleaved rounds; return per-engine median seconds per call.

    Interleaving (round 1: a, b, c; round 2: a, b, c; ...) spreads the noise of
    a shared machine evenly over the engines, so ratios within one run are fair.
    When ``min_round_s`` > 0, a round calls a fast step several times (calibrated
    once) so that the timer's resolution does not matter.
    """
    for fn in steps.values():
        for _ in range(warmup):
            fn()
    inner: dict[str, int] = {}
    for name, fn in steps.items():
        t0 = time.perf_counter()
        fn()
        dt = max(time.perf_counter() - t0, 1e-7)
        inner[name] = max(1, int(min_round_s / dt)) if min_round_s else 1
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, fn in steps.items():
            n = inner[name]
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - t0) / n)
    return {
        name: {
            "median": statistics.median(s),
            "min": min(s),
            "max": max(s),
            "n": len(s),
            "inner": inner[name],
        }
        for name, s in samples.items()
    }


def run_case(
    ctx: Context,
    workload: str,
    case: str,
    unit: str,
    scale: float,
    builders: dict[str, Callable[[], Runner] | str],
    dtype: np.dtype | type = np.float32,
    min_round_s: float = 0.0,
    reference: str = "numpy",
) -> list[Result]:
    """Check every engine against ``builders[reference]``, then time those that pass.

    ``builders`` maps an engine to a factory of its Runner, or to a string that
    explains why the engine does not run this workload. ``scale`` converts
    seconds per step into ``unit`` (e.g. 1e3 for ms/step). ``reference``: the
    engine whose first step the others must match (hand-written NumPy where the
    workload has one; when the reference cannot be imported, every row is skipped).
    """
    results: list[Result] = []
    available, info = engine_status(reference)
    if not available:
        note = f"not run: the reference engine {reference} is {info}"
        out = [Result(workload, case, e, SKIPPED, unit=unit, note=note) for e in ctx.engines]
        ctx.log(format_case(out))
        return [r for r in out if r.engine not in OPTIONAL or r.engine in builders]
    ref_runner = builders[reference]()  # type: ignore[operator]
    ref = ref_runner.check()
    runners: dict[str, Runner] = {}
    for engine in ctx.engines:
        if engine in OPTIONAL and engine not in builders:
            continue
        builder = builders.get(engine, "not implemented for this workload")
        res = Result(workload, case, engine, SKIPPED, unit=unit)
        available, info = engine_status(engine)
        if not available:
            res.note = info
        elif isinstance(builder, str):
            res.note = builder
        else:
            try:
                runner = ref_runner if engine == reference else builder()
                got = ref if engine == reference else runner.check()
                problem = check_against(got, ref, dtype)
            except Exception as err:  # noqa: BLE001 - a crashing engine is a result
                res.status, res.note = ERROR, f"{type(err).__name__}: {err}"[:200]
            else:
                if problem:
                    res.status, res.note = FAILED_CHECK, problem
                else:
                    res.status = OK
                    runners[engine] = runner
                    res.note = _dtype_note(got[1], ref[1])
        results.append(res)
    timings = interleaved_medians(
        {e: r.step for e, r in runners.items()},
        ctx.warmup,
        ctx.rounds,
        max(min_round_s, ctx.min_round_s),
    )
    for res in results:
        if res.engine in timings:
            t = timings[res.engine]
            res.value = t["median"] * scale
            res.extra = {
                k: (v * scale if k in ("median", "min", "max") else v) for k, v in t.items()
            }
    ctx.log(format_case(results))
    return results


def median_of_processes(runs: list[list[Result]]) -> list[Result]:
    """One result per (workload, case, engine) from the same workload run in several
    processes: the median value where every process timed it, else the first
    failure (so it stays visible). ``extra["per_process"]`` keeps each figure.

    Examples
    --------
    >>> a = [Result("w", "c", "numpy", OK, 1.0), Result("w", "c", "autodiff", OK, 3.0)]
    >>> b = [Result("w", "c", "numpy", OK, 2.0), Result("w", "c", "autodiff", OK, 1.0)]
    >>> c = [Result("w", "c", "numpy", OK, 4.0), Result("w", "c", "autodiff", OK, 2.0)]
    >>> [(r.engine, r.value) for r in median_of_processes([a, b, c])]
    [('numpy', 2.0), ('autodiff', 2.0)]
    """
    merged: list[Result] = []
    lookups = [{(r.workload, r.case, r.engine): r for r in run} for run in runs]
    keys = list(dict.fromkeys(k for lk in lookups for k in lk))  # every case, in order
    for key in keys:
        group = [lk[key] for lk in lookups if key in lk]
        first = group[0]
        bad = [r for r in group if r.status != OK or r.value is None]
        if bad:
            merged.append(bad[0])
            continue
        if len(group) < len(runs):  # a figure some processes lack cannot be compared
            missing = [str(k + 1) for k, lk in enumerate(lookups) if key not in lk]
            note = f"no figure from process {', '.join(missing)} of {len(runs)}"
            merged.append(Result(*key, ERROR, None, first.unit, note))
            continue
        values = [r.value for r in group]
        extra = dict(first.extra, per_process=values)
        merged.append(
            Result(
                first.workload,
                first.case,
                first.engine,
                OK,
                statistics.median(values),
                first.unit,
                first.note,
                extra,
            )
        )
    return merged


def format_case(results: Sequence[Result]) -> str:
    """One log line per case: engine=value pairs."""
    if not results:
        return ""
    head = f"  {results[0].workload} [{results[0].case}]"
    parts = []
    for r in results:
        if r.status == OK and r.value is not None:
            parts.append(f"{r.engine}={r.value:.4g}")
        elif r.status != SKIPPED:
            parts.append(f"{r.engine}={r.status}")
    return f"{head}: " + ", ".join(parts) + f" ({results[0].unit})"


REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
