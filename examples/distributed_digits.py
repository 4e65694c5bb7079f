"""The digits demo, data-parallel over MPI: ``DistributedDataParallel`` and a sampler.

Launch with as many processes as you like (each takes a share of every
global batch; gradients are averaged across them during backward)::

    pip install -e ".[distributed,examples]"
    mpiexec -n 2 python examples/distributed_digits.py
    python examples/distributed_digits.py          # no mpiexec: world size 1

Rank 0 prints the progress and, as its last line, the test accuracy. The
global batch (``--batch-size``) is split evenly over the ranks, so the
training follows the same path (up to rounding) for any number of processes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import autodiff  # noqa: E402
import autodiff.distributed as dist  # noqa: E402
from autodiff import nn  # noqa: E402
from autodiff.data import DataLoader, DistributedSampler, TensorDataset  # noqa: E402
from autodiff.demo import build_model, evaluate, load_digits_split  # noqa: E402
from autodiff.nn.parallel import DistributedDataParallel as DDP  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--hidden", default="256", help="hidden widths, comma-separated")
    p.add_argument("--batch-size", type=int, default=64, help="global batch (all ranks)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def main(argv=None) -> float:
    args = parse_args(argv)
    dist.init_process_group(backend="mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    say = print if rank == 0 else (lambda *a, **k: None)
    if args.batch_size % world:
        raise SystemExit(f"--batch-size {args.batch_size} must divide by the world size {world}")
    per_rank = args.batch_size // world

    autodiff.manual_seed(args.seed + rank)  # different on purpose: DDP copies rank 0's weights
    X_train, y_train, X_test, y_test = load_digits_split(seed=args.seed)
    train_set = TensorDataset(autodiff.tensor(X_train), autodiff.tensor(y_train))
    sampler = DistributedSampler(train_set, shuffle=True, seed=args.seed)
    loader = DataLoader(train_set, batch_size=per_rank, sampler=sampler)
    hidden = [int(h) for h in args.hidden.split(",")]
    model = DDP(build_model(hidden))
    optimizer = autodiff.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    say(
        f"digits: {len(X_train)} train / {len(X_test)} test images; MLP 64-{args.hidden}-10; "
        f"world size {world}, {per_rank} samples per rank per step, {len(loader)} steps/epoch"
    )

    start = time.perf_counter()
    seen = 0
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        model.train()
        stats = autodiff.zeros(2, dtype=autodiff.float64)  # loss sum, sample count
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()  # gradients are averaged across ranks in here
            optimizer.step()
            stats.data += [loss.item() * len(targets), len(targets)]
        dist.all_reduce(stats)  # the epoch's mean loss over every rank's samples
        seen += int(stats.data[1])
        if epoch == 0 or (epoch + 1) % 5 == 0 or epoch + 1 == args.epochs:
            say(f"epoch {epoch + 1:3d}/{args.epochs}  loss {stats.data[0] / stats.data[1]:.4f}")
    wall = time.perf_counter() - start
    say(f"trained in {wall:.2f} s, {seen / wall:.0f} samples/s over {world} process(es)")
    accuracy = evaluate(model.module, X_test, y_test)
    say(f"test accuracy: {accuracy:.3f}")
    dist.destroy_process_group()
    return accuracy


if __name__ == "__main__":
    main()
