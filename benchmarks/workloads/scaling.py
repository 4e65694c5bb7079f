"""Workload ``scaling``: data-parallel throughput over MPI (``DistributedDataParallel``).

Two models, each at a fixed global batch: the digits MLP (64-256-10, the
demo's, global batch 64) and ``mlp_step_large`` (784-1024-1024-10, global
batch 1024; quick mode: 256). Three set-ups train the same global batch with
SGD: one process with one BLAS thread, ``mpiexec -n 2`` with one BLAS thread
per process (each rank takes half of the batch; DistributedDataParallel
averages the gradients), and one process with two BLAS threads. Reported:
samples per second of each set-up and the ratios to one process with one
thread.

The 2-process run also measures the overlap of communication with backward:
the time of a synchronised backward (gradients all-reduced in buckets while
backward runs) against the sum of a local backward (under ``no_sync``) and a
blocking all-reduce of the same buckets alone; and the all-reduce's bus
bandwidth, the figure ``docs/distributed.md`` plans 64 machines from.

Needs the ``[distributed]`` extra (mpi4py and ``mpiexec``); skipped without.
Run alone, with a markdown summary: ``python -m benchmarks.workloads.scaling``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..common import ERROR, OK, REPO_ROOT, SKIPPED, Context, Result

MODELS = {
    "digits": ([64, 256, 10], 64),
    "mlp_step_large": ([784, 1024, 1024, 10], 1024),
}
TIMEOUT = 600.0


def mpiexec() -> str | None:
    """The ``mpiexec`` next to this Python (the mpich wheel's), else the one on PATH."""
    local = Path(sys.executable).parent / "mpiexec"
    return str(local) if local.exists() else shutil.which("mpiexec")


def available() -> str:
    """Empty if mpi4py and mpiexec are there, else why not."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return "mpi4py is not installed (pip install -e '.[distributed]')"
    if mpiexec() is None:
        return "no mpiexec on PATH (pip install -e '.[distributed]')"
    return ""


# ------------------------------------------------------------------ worker
def _median(xs: list[float]) -> float:
    return float(np.median(np.asarray(xs)))


def worker(model: str, batch: int, steps: int, rounds: int) -> dict:
    """Run under ``mpiexec`` (or alone): time training steps; rank 0 returns the figures."""
    import autodiff
    import autodiff.distributed as dist
    import autodiff.nn.functional as F  # noqa: N812
    from autodiff import nn, optim
    from autodiff.nn.parallel import DistributedDataParallel as DDP

    dist.init_process_group()
    rank, world = dist.get_rank(), dist.get_world_size()
    sizes, _ = MODELS[model]
    per = batch // world
    autodiff.manual_seed(0)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    net = DDP(nn.Sequential(*layers))
    opt = optim.SGD(net.parameters(), lr=0.01)
    rng = np.random.default_rng(1 + rank)
    x = autodiff.tensor(rng.standard_normal((per, sizes[0]), dtype=np.float32))
    y = autodiff.tensor(rng.integers(0, sizes[-1], per))

    def step() -> None:
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()

    def slowest(seconds: float) -> float:  # a step is as slow as its slowest rank
        t = autodiff.tensor(np.float64(seconds))
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return t.item()

    for _ in range(max(2, steps // 2)):  # warm-up
        step()
    per_step = []
    for _ in range(rounds):
        dist.barrier()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        per_step.append(slowest((time.perf_counter() - t0) / steps))
    out = {"model": model, "world": world, "batch": batch, "per_rank": per}
    out["step_s"] = _median(per_step)
    out["samples_per_s"] = batch / out["step_s"]
    if world > 1:
        out.update(_overlap(net, x, y, F, dist, slowest, steps * rounds))
    dist.destroy_process_group()
    return out if rank == 0 else {}


def _overlap(net, x, y, F, dist, slowest, n: int) -> dict:  # noqa: N803
    """Backward alone, all-reduce alone, and the synchronised backward that overlaps them."""
    from mpi4py import MPI

    comm = dist._group().comm
    bwd, both, ar = [], [], []
    for _ in range(n):
        net.zero_grad()
        with net.no_sync():
            loss = F.cross_entropy(net(x), y)
        dist.barrier()
        t0 = time.perf_counter()
        loss.backward()
        bwd.append(slowest(time.perf_counter() - t0))
        net.zero_grad()
        loss = F.cross_entropy(net(x), y)
        dist.barrier()
        t0 = time.perf_counter()
        loss.backward()  # all-reduces the buckets as they fill
        both.append(slowest(time.perf_counter() - t0))
        bufs = [b.buf for b in net._buckets]
        dist.barrier()
        t0 = time.perf_counter()
        MPI.Request.Waitall([comm.Iallreduce(MPI.IN_PLACE, b, op=MPI.SUM) for b in bufs])
        ar.append(slowest(time.perf_counter() - t0))
    nbytes = sum(b.buf.nbytes for b in net._buckets)
    world = comm.Get_size()
    t_bwd, t_both, t_ar = _median(bwd), _median(both), _median(ar)
    return {
        "backward_s": t_bwd,
        "allreduce_s": t_ar,
        "backward_with_allreduce_s": t_both,
        "hidden_fraction": (t_bwd + t_ar - t_both) / t_ar if t_ar > 0 else 0.0,
        "grad_bytes": nbytes,
        "buckets": len(net._buckets),
        # bus bandwidth as NCCL reports it: each rank moves 2 (p - 1) / p of the data
        "bus_GBps": 2 * (world - 1) / world * nbytes / t_ar / 1e9,
    }


# ------------------------------------------------------------------ driver
def _env(threads: int) -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def launch(model: str, procs: int, threads: int, quick: bool) -> dict:
    """One set-up in fresh processes; the rank-0 figures."""
    _, batch = MODELS[model]
    if quick and model == "mlp_step_large":
        batch = 256
    steps, rounds = (3, 2) if quick else ((20, 7) if model == "digits" else (4, 7))
    entry = "import sys; from benchmarks.workloads.scaling import main; main(sys.argv[1:])"
    cmd = [sys.executable, "-c", entry, "--worker", model]
    cmd += ["--batch", str(batch), "--steps", str(steps), "--rounds", str(rounds)]
    if procs > 1:
        cmd = [mpiexec(), "-n", str(procs), *cmd]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=TIMEOUT, env=_env(threads), cwd=REPO_ROOT
    )
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


SETUPS = [(1, 1), (2, 1), (1, 2)]  # (processes, threads each)
REPEATS = 3


def _case(model: str, procs: int, threads: int, batch: int) -> str:
    return f"{model} global batch {batch}: {procs} proc x {threads} thread"


def run(ctx: Context) -> list[Result]:
    """The scaling rows: samples/s per set-up, ratios and overlap in ``extra`` and notes."""
    out: list[Result] = []
    why = available()
    for model, (_, batch) in MODELS.items():
        if ctx.quick and model == "mlp_step_large":
            batch = 256
        figures: dict = {}
        errors: dict = {}
        # the set-ups interleaved, REPEATS times (quick: once): load from other jobs
        # then falls on all of them alike; each figure is the median launch's
        for _ in range(1 if ctx.quick else REPEATS):
            for setup in SETUPS:
                if "autodiff" not in ctx.engines or (why and setup[0] > 1):
                    continue
                try:
                    figures.setdefault(setup, []).append(launch(model, *setup, ctx.quick))
                except Exception as err:  # noqa: BLE001 - a failed launch is a result
                    errors[setup] = f"{type(err).__name__}: {err}"[:300]
        for setup in SETUPS:
            procs, threads = setup
            res = Result("scaling", _case(model, procs, threads, batch), "autodiff", SKIPPED)
            res.unit = "samples/s"
            runs = sorted(figures.get(setup, []), key=lambda f: f["samples_per_s"])
            if "autodiff" not in ctx.engines:
                res.note = "autodiff not selected"
            elif why and procs > 1:
                res.note = why
            elif setup in errors:
                res.status, res.note = ERROR, errors[setup]
                figures.pop(setup, None)
            elif runs:
                fig = runs[len(runs) // 2]
                fig["per_launch_samples_per_s"] = [f["samples_per_s"] for f in runs]
                res.status, res.value, res.extra = OK, fig["samples_per_s"], fig
                figures[setup] = fig
            out.append(res)
        base = figures.get((1, 1))
        for res, setup in zip(out[-len(SETUPS) :], SETUPS):
            fig = figures.get(setup)
            if fig is None or base is None:
                continue
            ratio = fig["samples_per_s"] / base["samples_per_s"]
            fig["speedup_vs_1x1"] = ratio
            res.note = f"{ratio:.2f}x one process x 1 thread"
            if "hidden_fraction" in fig:
                res.note += (
                    f"; backward+allreduce {fig['backward_with_allreduce_s'] * 1e3:.2f} ms vs "
                    f"{fig['backward_s'] * 1e3:.2f} + {fig['allreduce_s'] * 1e3:.2f} ms apart "
                    f"({fig['hidden_fraction']:.0%} of the allreduce hidden); "
                    f"bus {fig['bus_GBps']:.2f} GB/s"
                )
        for res in out[-len(SETUPS) :]:
            ctx.log(f"  {res.case}: {res.value or 0:.0f} {res.unit} {res.status} {res.note}")
    return out


def markdown(results: list[Result]) -> str:
    """The "Scaling" section of RESULTS.md from the rows of ``run``."""
    lines = [
        "| model | global batch | set-up | samples/s | vs 1 proc x 1 thread | "
        "backward + allreduce (overlapped) | backward alone + allreduce alone | "
        "allreduce hidden | bus bandwidth |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.workload != "scaling":
            continue
        model, rest = r.case.split(" global batch ")
        batch, setup = rest.split(": ")
        f = r.extra or {}
        if r.status != OK:
            lines.append(f"| {model} | {batch} | {setup} | {r.status}: {r.note} | | | | | |")
            continue
        ov = ap = hid = bw = ""
        if "hidden_fraction" in f:
            ov = f"{f['backward_with_allreduce_s'] * 1e3:.2f} ms"
            ap = f"{f['backward_s'] * 1e3:.2f} + {f['allreduce_s'] * 1e3:.2f} ms"
            hid = f"{f['hidden_fraction']:.0%}"
            mib = f["grad_bytes"] / 2**20
            bw = f"{f['bus_GBps']:.2f} GB/s ({mib:.1f} MiB, {f['buckets']} buckets)"
        lines.append(
            f"| {model} | {batch} | {setup} | {r.value:.0f} | "
            f"{f.get('speedup_vs_1x1', float('nan')):.2f}x | {ov} | {ap} | {hid} | {bw} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``--worker MODEL`` (under mpiexec) or, without it, the whole workload and its table."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.workloads.scaling")
    p.add_argument("--worker", choices=sorted(MODELS))
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json", metavar="PATH")
    args = p.parse_args(argv)
    if args.worker:
        fig = worker(args.worker, args.batch, args.steps, args.rounds)
        if fig:
            print(json.dumps(fig), flush=True)
        return 0
    results = run(Context(quick=args.quick, engines=("autodiff",)))
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_dict() for r in results], indent=1))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
