"""Workloads ``mlp_step``, ``mlp_step_large`` and ``batch_sweep`` (ms per training step)."""

from __future__ import annotations

from ..common import Context, Result, run_case
from .mlp_impl import make_mlp_data, mlp_builders

SMALL = [784, 256, 256, 10]
LARGE = [784, 1024, 1024, 10]


def _one(ctx: Context, workload: str, sizes: list[int], batch: int) -> list[Result]:
    d = make_mlp_data(sizes, batch)
    case = f"{'-'.join(map(str, sizes))} batch={batch}"
    return run_case(ctx, workload, case, "ms/step", 1e3, mlp_builders(d))


def run_mlp_step(ctx: Context) -> list[Result]:
    """MLP 784-256-256-10 at batch 128: forward, backward, SGD step."""
    return _one(ctx, "mlp_step", SMALL, 128)


def run_mlp_step_large(ctx: Context) -> list[Result]:
    """MLP 784-1024-1024-10 at batch 1024 (quick mode: batch 256)."""
    return _one(ctx, "mlp_step_large", LARGE, 256 if ctx.quick else 1024)


BATCHES = [8, 32, 128, 512, 2048]
QUICK_BATCHES = [16, 128]


def run_batch_sweep(ctx: Context) -> list[Result]:
    """``mlp_step`` (784-256-256-10) at several batch sizes, for the cost-growth plot."""
    out: list[Result] = []
    for batch in QUICK_BATCHES if ctx.quick else BATCHES:
        out += _one(ctx, "batch_sweep", SMALL, batch)
    return out
