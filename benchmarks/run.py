"""Entry point: ``python -m benchmarks.run [--quick] [--json PATH] [--only W] [--engines a,b]``.

Runs every selected workload for every importable engine, all engines of a
workload in one process (a full run repeats the in-process workloads in 3
fresh processes and takes the median; deep_chain and memory start a
subprocess per engine), prints a markdown table of medians with ratios to
hand-written NumPy and to PyTorch, and the autodiff targets. ``--write-results`` regenerates
``benchmarks/RESULTS.md`` and its plots.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ENGINES, Context, Result, engine_status, median_of_processes
from .plots import write_plots
from .report import load_average, machine_info, markdown_table, targets_table
from .workloads import WORKLOADS

HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run: few repetitions, small sizes")
    p.add_argument("--json", metavar="PATH", help="save every figure and the machine facts as JSON")
    p.add_argument(
        "--only", metavar="W[,W]", help=f"workloads to run, from: {', '.join(WORKLOADS)}"
    )
    p.add_argument("--engines", metavar="a,b", help=f"engines to run, from: {', '.join(ENGINES)}")
    p.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="limit BLAS/OpenMP/PyTorch threads to N in every engine and subprocess "
        "(default: leave every library at its default)",
    )
    p.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="run each in-process timing workload in N fresh processes, one after another, "
        "and report the median of their figures (default: 5 for a full run, 1 with --quick): "
        "where a process's memory lands shifts a ratio by a few percent, which more rounds "
        "inside one process do not average out",
    )
    p.add_argument(
        "--from-json",
        metavar="PATH",
        help="do not run: rebuild the tables (and, with --write-results, RESULTS.md) "
        "from a file saved by --json",
    )
    p.add_argument(
        "--write-results",
        action="store_true",
        help="rewrite benchmarks/RESULTS.md and the PNG plots from this run",
    )
    args = p.parse_args(argv)
    if args.processes is None:
        args.processes = 1 if args.quick else 5
    if args.processes < 1:
        p.error("--processes: must be at least 1")
    for opt, known in (("only", WORKLOADS), ("engines", ENGINES)):
        value = getattr(args, opt)
        if value:
            bad = [v for v in value.split(",") if v not in known]
            if bad:
                p.error(f"--{opt}: unknown {', '.join(bad)}; choose from {', '.join(known)}")
    return args


def limit_threads(n: int) -> None:
    """Cap native thread pools at ``n`` here and, through the environment, in subprocesses."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n)
    except ImportError:
        pass
    if engine_status("torch")[0]:
        import torch

        torch.set_num_threads(n)


def run(args: argparse.Namespace) -> tuple[list[Result], dict]:
    """Run the selected workloads; return the results and the run's metadata."""
    engines = tuple(e for e in ENGINES if not args.engines or e in args.engines.split(","))
    names = [w for w in WORKLOADS if not args.only or w in args.only.split(",")]
    if args.threads:
        limit_threads(args.threads)
    ctx = Context(quick=args.quick, engines=engines, log=lambda s: print(s, flush=True))
    meta = machine_info()
    meta.update(
        threads_limit=args.threads,
        quick=args.quick,
        workloads=names,
        engines_selected=list(engines),
    )
    print(f"# autodiff benchmarks ({'quick' if args.quick else 'full'} run), {meta['date']}")
    print(f"# {meta['cpu']}, {meta['cores']} cores, NumPy {meta['numpy']} ({meta['blas']})")
    for name, info in meta["engines"].items():
        if name in engines:
            print(f"#   {name}: {info}")
    if "torch_num_threads" in meta:
        how = f"limited by --threads {args.threads}" if args.threads else "default, not changed"
        print(f"#   torch.get_num_threads() = {meta['torch_num_threads']} ({how})")
    print(f"# thread pools: {meta['thread_pools']}; load average: {meta['load_average_start']}")
    meta["processes"] = args.processes
    results: list[Result] = []
    timings = {}
    for name in names:
        t0 = time.perf_counter()
        print(f"== {name}", flush=True)
        if args.processes > 1 and name in PER_PROCESS:
            results += run_in_processes(name, args)
        else:
            results += WORKLOADS[name](ctx)
        timings[name] = round(time.perf_counter() - t0, 2)
    meta["workload_seconds"] = timings
    return results, meta


# workloads timed inside this process (deep_chain and memory start their own
# subprocesses, digits runs the demo once)
PER_PROCESS = (
    "mlp_step",
    "mlp_step_large",
    "batch_sweep",
    "small_ops",
    "micrograd_demo",
    "cnn_step",
    "charmlp_step",
    "gpt_step",
    "idioms",
)


def run_in_processes(name: str, args: argparse.Namespace) -> list[Result]:
    """Run workload ``name`` in ``args.processes`` fresh processes; merge their figures.

    Each process runs ``python -m benchmarks.run --only NAME --processes 1`` with
    this run's engines, threads and quick flag; see ``median_of_processes``.

    Examples
    --------
    >>> args = parse_args(["--quick", "--processes", "2", "--engines", "numpy,autodiff"])
    >>> [r.engine for r in run_in_processes("small_ops", args)]  # doctest: +SKIP
    ['numpy', 'autodiff']
    """
    runs = []
    for k in range(args.processes):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "run.json"
            cmd = [sys.executable, "-m", "benchmarks.run", "--only", name, "--processes", "1"]
            cmd += ["--json", str(out)]
            if args.engines:
                cmd += ["--engines", args.engines]
            if args.threads:
                cmd += ["--threads", str(args.threads)]
            if args.quick:
                cmd.append("--quick")
            proc = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True)
            if proc.returncode != 0 or not out.exists():
                raise RuntimeError(f"{name} in process {k + 1} failed:\n{proc.stderr[-2000:]}")
            runs.append([Result(**r) for r in json.loads(out.read_text())["results"]])
        for line in proc.stdout.splitlines():
            if line.startswith("  "):  # the per-case lines
                print(f"  [process {k + 1}/{args.processes}]{line[1:]}", flush=True)
    return median_of_processes(runs)


def results_markdown(results: list[Result], meta: dict, plots: list[Path]) -> str:
    """The text of RESULTS.md."""
    targets, _ = targets_table(results)
    engines = "\n".join(f"- {k}: {v}" for k, v in meta["engines"].items())
    threads = meta.get("torch_num_threads", "n/a")
    lim = meta.get("threads_limit")
    threads_how = f"limited by --threads {lim}" if lim else "left at its default"
    figs = "\n\n".join(f"![{p.stem}]({p.name})" for p in plots)
    kind = "quick (smoke) run: small sizes, few repetitions" if meta["quick"] else "full run"
    n_proc = meta.get("processes", 1)
    processes = (
        f"The in-process workloads ({', '.join(PER_PROCESS)})\nran in {n_proc} fresh "
        "processes each: a figure is the median of the processes'\nmedians, a ratio the "
        "median of the ratios within each process."
        if n_proc > 1
        else "Every workload ran in this one process."
    )
    # a hand-written reading of the figures (where the time goes for a missed target)
    notes = Path(__file__).with_name("ANALYSIS.md")
    analysis = "\n" + notes.read_text().strip() + "\n" if notes.exists() else ""
    return f"""# Benchmark results

Generated by `python -m benchmarks.run --write-results` ({kind}) on {meta["date"]}.
Figures are medians of interleaved repetitions after warm-up; compare ratios
within this run only (the machine is shared and noisy). {processes} See
`README.md` for what each workload does and how the checks work.

## Machine

- CPU: {meta["cpu"]}, {meta["cores"]} cores; {meta["platform"]}
- Python {meta["python"]}, NumPy {meta["numpy"]} ({meta["blas"]})
- PyTorch threads: {threads} (`torch.get_num_threads()`, {threads_how});
  native thread pools: {meta["thread_pools"]}
- Load average (1/5/15 min) at start: {meta["load_average_start"]}, at end:
  {meta["load_average_end"]} (other jobs share these {meta["cores"]} cores)

Engines:

{engines}

## autodiff targets

{targets}
{analysis}
## All figures

{markdown_table(results)}

## How cost grows

{figs}

## NumPy build (`numpy.show_config()`)

```
{meta["numpy_show_config"].strip()}
```
"""


def main(argv: list[str] | None = None) -> int:
    """Run, print the tables, and save JSON / RESULTS.md as asked."""
    args = parse_args(argv)
    if args.from_json:
        payload = json.loads(Path(args.from_json).read_text())
        results = [Result(**r) for r in payload["results"]]
        meta = payload["meta"]
    else:
        t0 = time.perf_counter()
        results, meta = run(args)
        meta["total_seconds"] = round(time.perf_counter() - t0, 2)
        meta["load_average_end"] = load_average()
    print()
    print(markdown_table(results))
    targets, target_data = targets_table(results)
    print()
    print("autodiff targets:")
    print(targets)
    print(f"\n(total {meta['total_seconds']:.1f} s)")
    if args.json:
        payload = {
            "meta": meta,
            "workloads": meta["workloads"],
            "results": [r.to_dict() for r in results],
            "targets": target_data,
        }
        Path(args.json).write_text(json.dumps(payload, indent=1))
    if args.write_results:
        plots = write_plots(results, HERE)
        (HERE / "RESULTS.md").write_text(results_markdown(results, meta, plots))
        print(f"wrote {HERE / 'RESULTS.md'} and {', '.join(p.name for p in plots)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
