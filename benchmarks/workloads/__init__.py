"""The workloads, in report order. Each module exposes ``run(ctx) -> list[Result]``."""

from __future__ import annotations

from collections.abc import Callable

from ..common import Context, Result
from . import (
    charmlp,
    cnn,
    deep_chain,
    digits,
    gpt,
    idioms,
    memory,
    micrograd_demo,
    mlp,
    scaling,
    small_ops,
)

WORKLOADS: dict[str, Callable[[Context], list[Result]]] = {
    "mlp_step": mlp.run_mlp_step,
    "mlp_step_large": mlp.run_mlp_step_large,
    "batch_sweep": mlp.run_batch_sweep,
    "small_ops": small_ops.run,
    "micrograd_demo": micrograd_demo.run,
    "deep_chain": deep_chain.run,
    "cnn_step": cnn.run,
    "memory": memory.run,
    "digits": digits.run,
    "scaling": scaling.run,
    "charmlp_step": charmlp.run,
    "gpt_step": gpt.run,
    "idioms": idioms.run,
}
