"""Workload ``memory``: peak RSS of 20 MLP steps (784-2048-2048-10, batch 1024).

Each engine runs in a fresh subprocess, which reads ``/proc/self/status``:
VmRSS after imports (baseline), after step 5 and after step 20 (growth =
step 20 - step 5), and VmHWM (the peak) at the end. ``getrusage``'s maxrss
is not used: on Linux a child inherits its parent's peak there. Quick mode:
784-512-512-10 at batch 256.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ..common import (
    ERROR,
    OK,
    OPTIONAL,
    REPO_ROOT,
    SKIPPED,
    Context,
    Result,
    engine_status,
    format_case,
)

STEPS = 20
FULL = ([784, 2048, 2048, 10], 1024)
QUICK = ([784, 512, 512, 10], 256)
CLASSES = {
    "numpy": "NumpyMLP",
    "autodiff": "AutodiffMLP",
    "torch": "TorchMLP",
    "autograd": "AutogradMLP",
    "mygrad": "MygradMLP",
}


def proc_status_mib(field: str) -> float:
    """A ``kB`` field of /proc/self/status (e.g. VmRSS, VmHWM) in MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise KeyError(field)


def child(engine: str, sizes: list[int], batch: int) -> dict:
    """Run in the subprocess: import, measure, train ``STEPS`` steps, measure."""
    import importlib

    import numpy  # noqa: F401 - every engine needs it; part of the baseline

    if engine != "numpy":
        importlib.import_module(engine)
    from . import mlp_impl

    baseline = proc_status_mib("VmRSS")
    runner = getattr(mlp_impl, CLASSES[engine])(mlp_impl.make_mlp_data(sizes, batch))
    rss = {}
    for i in range(1, STEPS + 1):
        runner.step()
        if i in (5, STEPS):
            rss[i] = proc_status_mib("VmRSS")
    return {
        "baseline": baseline,
        "rss5": rss[5],
        "rss20": rss[STEPS],
        "growth": rss[STEPS] - rss[5],
        "peak": proc_status_mib("VmHWM"),
    }


def run(ctx: Context) -> list[Result]:
    """One fresh subprocess per engine; value = peak RSS (MiB)."""
    sizes, batch = QUICK if ctx.quick else FULL
    case = f"{'-'.join(map(str, sizes))} batch={batch} x{STEPS}"
    results = []
    for engine in ctx.engines:
        if engine in OPTIONAL:
            continue
        res = Result("memory", case, engine, SKIPPED, unit="MiB peak")
        ok, info = engine_status(engine)
        if engine not in CLASSES:
            res.note = "scalar engine: not applicable"
        elif not ok:
            res.note = info
        else:
            cmd = [
                sys.executable,
                "-m",
                "benchmarks.workloads.memory",
                engine,
                json.dumps(sizes),
                str(batch),
            ]
            try:
                proc = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=300, cwd=REPO_ROOT
                )
            except subprocess.TimeoutExpired:
                res.status, res.note = ERROR, "timeout"
            else:
                if proc.returncode != 0:
                    tail = (proc.stderr.strip().splitlines() or [""])[-1]
                    res.status, res.note = ERROR, f"exit {proc.returncode}: {tail}"[:200]
                else:
                    out = json.loads(proc.stdout.strip().splitlines()[-1])
                    res.status, res.value, res.extra = OK, out["peak"], out
                    res.note = (
                        f"baseline {out['baseline']:.0f} MiB, growth 5->20 {out['growth']:+.1f} MiB"
                    )
        results.append(res)
    ctx.log(format_case(results))
    return results


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]))))
