"""Workload ``deep_chain``: ``y = y * 1.000001`` repeated N times, then backward.

The figure is microseconds per node (forward and backward). Each (engine, N)
runs in its own subprocess with a timeout and a 8 GiB address-space limit, so
a RecursionError, a MemoryError, a crash or a hang is recorded, not fatal. An
engine that fails at some N is not run at larger N. Every result is checked
against the exact sequential float32 (micrograd: float64) product before its
time counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np

from ..common import (
    ERROR,
    FAILED_CHECK,
    OK,
    OPTIONAL,
    REPO_ROOT,
    SKIPPED,
    Context,
    Result,
    allclose,
    engine_status,
)

C = 1.000001
X0 = 1.5
SIZES = [1_000, 10_000, 100_000, 1_000_000]
QUICK_SIZES = [1_000, 10_000]
ENGINES_HERE = ("numpy", "autodiff", "torch", "autograd", "mygrad", "micrograd")
MEMORY_LIMIT = 8 * 2**30


def reference(n: int, dtype: type) -> tuple[float, float]:
    """(y, dy/dx) rounded step by step exactly as a float ``dtype`` chain does."""
    c = np.full(n + 1, C, dtype=dtype)
    c[0] = X0
    y = float(np.multiply.accumulate(c)[-1])
    c[0] = 1.0
    g = float(np.multiply.accumulate(c)[-1])
    return y, g


def chain(engine: str, n: int) -> tuple[float, float, str]:
    """Build the chain of ``n`` multiplies and backpropagate; return (y, grad, dtype)."""
    if engine == "numpy":
        y = np.float32(X0)
        c = np.float32(C)
        for _ in range(n):
            y = y * c
        g = np.float32(1.0)
        for _ in range(n):  # hand-written backward: d(y*c)/dy = c
            g = g * c
        return float(y), float(g), "float32"
    if engine in ("autodiff", "torch"):
        lib = __import__(engine)
        x = lib.tensor(X0, requires_grad=True)
        y = x
        for _ in range(n):
            y = y * C
        y.backward()
        return float(y.item()), float(x.grad.item()), str(y.dtype).replace("torch.", "")
    if engine == "mygrad":
        import mygrad

        x = mygrad.tensor(np.float32(X0))
        y = x
        for _ in range(n):
            y = y * C
        y.backward()
        return float(y.item()), float(x.grad), str(y.dtype)
    if engine == "autograd":
        from autograd import value_and_grad

        def f(x: np.ndarray) -> object:
            for _ in range(n):
                x = x * C
            return x

        yv, gv = value_and_grad(f)(np.array(X0, dtype=np.float32))
        return float(yv), float(gv), str(np.asarray(yv).dtype)
    if engine == "micrograd":
        from micrograd.engine import Value

        x = Value(X0)
        y = x
        for _ in range(n):
            y = y * C
        y.backward()
        return float(y.data), float(x.grad), "float64"
    raise ValueError(engine)


def child(engine: str, n: int, repeats: int) -> dict:
    """Run in the subprocess: warm up, time ``repeats`` chains, report as a dict."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    try:
        chain(engine, 100)  # warm-up
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            y, g, dtype = chain(engine, n)
            times.append(time.perf_counter() - t0)
    except RecursionError as err:
        return {"status": "RecursionError", "note": str(err)[:120]}
    except MemoryError:
        return {"status": "MemoryError", "note": "MemoryError under an 8 GiB address-space limit"}
    except Exception as err:  # noqa: BLE001 - recorded, not fatal
        return {"status": ERROR, "note": f"{type(err).__name__}: {err}"[:200]}
    return {"status": OK, "y": y, "grad": g, "dtype": dtype, "seconds": sorted(times)}


def _run_child(engine: str, n: int, repeats: int, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.workloads.deep_chain", engine, str(n), str(repeats)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "note": f"no result within {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = proc.stderr.strip().splitlines()[-1:] or [""]
        return {"status": "crashed", "note": f"exit code {proc.returncode}; {tail[0]}"[:200]}
    return json.loads(lines[-1])


def run(ctx: Context) -> list[Result]:
    """Every (engine, N) in a subprocess; microseconds per node."""
    results: list[Result] = []
    timeout = 30.0 if ctx.quick else 240.0
    failed: dict[str, str] = {}
    for n in QUICK_SIZES if ctx.quick else SIZES:
        case = f"N={n:.0e}".replace("+0", "")
        row = []
        for engine in ctx.engines:
            if engine in OPTIONAL:
                continue
            res = Result("deep_chain", case, engine, SKIPPED, unit="us/node")
            ok, info = engine_status(engine)
            if engine not in ENGINES_HERE:
                res.note = "not implemented"
            elif not ok:
                res.note = info
            elif engine in failed:
                res.note = f"not run: {failed[engine]} at a smaller N"
            else:
                repeats = 1 if ctx.quick or n >= 1_000_000 else (3 if n >= 100_000 else 5)
                out = _run_child(engine, n, repeats, timeout)
                res.status, res.note = out["status"], out.get("note", "")
                if res.status == OK:
                    want = "float64" if engine == "micrograd" else "float32"
                    dtype = np.float64 if want == "float64" else np.float32
                    if out["dtype"] != want:
                        res.note = f"computes in {out['dtype']}, not {want}"
                    ref = reference(n, dtype)
                    if not (
                        allclose(out["y"], ref[0], dtype) and allclose(out["grad"], ref[1], dtype)
                    ):
                        res.status = FAILED_CHECK
                        res.note = (
                            f"got (y, grad) = ({out['y']:.7g}, {out['grad']:.7g}), "
                            f"want ({ref[0]:.7g}, {ref[1]:.7g}); {res.note}"
                        ).rstrip("; ")
                    else:
                        secs = out["seconds"]
                        res.value = secs[len(secs) // 2] / n * 1e6
                        res.extra = {"seconds": secs, "repeats": repeats}
                if res.status != OK:
                    failed[engine] = res.status
            row.append(res)
        ctx.log(_line(row))
        results += row
    return results


def _line(row: list[Result]) -> str:
    from ..common import format_case

    return format_case(row)


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
