"""Profile autodiff on one workload: ``python -m benchmarks.profile WORKLOAD``.

Runs the autodiff side of a workload for a number of steps under cProfile
(default) or pyinstrument and prints the top functions, so whoever optimises
the engine can see where the time goes. Example::

    python -m benchmarks.profile small_ops --steps 200 --top 15
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from collections.abc import Callable

PROFILABLE = ("small_ops", "mlp_step", "mlp_step_large", "micrograd_demo", "cnn_step", "deep_chain")


def autodiff_step(workload: str) -> Callable[[], None]:
    """The autodiff step function of ``workload``, already built and checked once."""
    if workload == "small_ops":
        from .workloads.small_ops import TensorChain

        runner = TensorChain("autodiff")
    elif workload in ("mlp_step", "mlp_step_large"):
        from .workloads.mlp import LARGE, SMALL
        from .workloads.mlp_impl import AutodiffMLP, make_mlp_data

        sizes, batch = (SMALL, 128) if workload == "mlp_step" else (LARGE, 1024)
        runner = AutodiffMLP(make_mlp_data(sizes, batch))
    elif workload == "micrograd_demo":
        from .workloads.micrograd_demo import TensorDemo

        runner = TensorDemo("autodiff")
    elif workload == "cnn_step":
        from .workloads.cnn import TensorCNN

        runner = TensorCNN("autodiff")
    elif workload == "deep_chain":
        from .workloads.deep_chain import chain

        return lambda: None if chain("autodiff", 100_000) else None
    else:
        raise ValueError(f"cannot profile {workload!r}; choose from {', '.join(PROFILABLE)}")
    runner.check()
    return runner.step


def profile(
    workload: str, steps: int, top: int, tool: str = "cprofile", sort: str = "tottime"
) -> str:
    """Profile ``steps`` autodiff steps of ``workload``; return the report text."""
    step = autodiff_step(workload)
    step()  # warm-up
    if tool == "pyinstrument":
        from pyinstrument import Profiler

        prof = Profiler(interval=0.0005)
        prof.start()
        for _ in range(steps):
            step()
        prof.stop()
        return prof.output_text(unicode=False, color=False, show_all=False)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(steps):
        step()
    pr.disable()
    buf = io.StringIO()
    stats = pstats.Stats(pr, stream=buf)
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command line: workload, --steps, --top, --tool, --sort."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.profile", description=__doc__.split("\n")[0]
    )
    p.add_argument("workload", choices=PROFILABLE)
    p.add_argument("--steps", type=int, default=50, help="profiled steps (after one warm-up)")
    p.add_argument("--top", type=int, default=15, help="functions to show")
    p.add_argument("--tool", choices=("cprofile", "pyinstrument"), default="cprofile")
    p.add_argument("--sort", default="tottime", help="pstats sort key: tottime, cumulative, ...")
    args = p.parse_args(argv)
    print(profile(args.workload, args.steps, args.top, args.tool, args.sort))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
