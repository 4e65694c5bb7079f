"""Worker run by tests/test_distributed.py under ``mpiexec -n N`` (or alone).

``python tests/_distributed_worker.py SCENARIO OUTDIR``: each rank runs the
scenario and writes ``OUTDIR/rank{r}.npz`` (arrays) and ``rank{r}.json``
(checks that passed, and facts) for the test to compare across ranks.
Scenarios: ``all`` (collectives, DDP against one process, no_sync, unused
parameters, sampler), ``raise`` (rank 1 raises mid-run), ``mismatch`` (the
ranks build different models), ``leave`` (rank 1 leaves by ARG: sys.exit(N),
``end`` of script, ``destroy``, ``sigkill``, ``_exitN``, before the others' collective
ARG2), ``leave_early`` (rank 1 leaves once nobody needs it), ``ddp_leave``
(rank 1 exits mid-training), ``reinit`` (destroy and init again; ARG ``exit``:
then rank 1 exits before a collective).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import numpy as np

import autodiff
import autodiff.distributed as dist
from autodiff import nn, optim
from autodiff.data import DataLoader, DistributedSampler, TensorDataset
from autodiff.nn.parallel import DistributedDataParallel as DDP

F = nn.functional


def make_model(seed: int, dtype=np.float64) -> nn.Module:
    autodiff.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 3))
    return model.double() if dtype == np.float64 else model


def global_batches(steps: int, world: int, per_rank: int, seed: int = 123):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        n = world * per_rank
        yield rng.standard_normal((n, 6)), rng.integers(0, 3, n)


def train_ddp(rank, world, steps, per_rank, **ddp_kwargs):
    model = DDP(make_model(seed=10 + rank), **ddp_kwargs)  # rank 0's init wins
    init = [p.data.copy() for p in model.parameters()]
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for X, y in global_batches(steps, world, per_rank):
        sl = slice(rank * per_rank, (rank + 1) * per_rank)
        opt.zero_grad()
        loss = F.cross_entropy(model(autodiff.tensor(X[sl])), autodiff.tensor(y[sl]))
        loss.backward()
        opt.step()
    return init, [p.data.copy() for p in model.parameters()]


def train_single(init, world, steps, per_rank):
    model = make_model(seed=0)
    for p, a in zip(model.parameters(), init):
        p.data = a.copy()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for X, y in global_batches(steps, world, per_rank):
        opt.zero_grad()
        F.cross_entropy(model(autodiff.tensor(X)), autodiff.tensor(y)).backward()
        opt.step()
    return [p.data.copy() for p in model.parameters()]


def check_collectives(rank, world, ok):
    r1 = rank + 1
    tri = world * (world + 1) / 2
    # float64 and float32, contiguous: zero-copy path
    for dt in (np.float64, np.float32):
        t = autodiff.tensor(np.arange(5, dtype=dt) * r1)
        dist.all_reduce(t)
        assert t.dtype == dt and np.array_equal(t.data, np.arange(5, dtype=dt) * tri), t
    ok.append("all_reduce float64/float32")
    # 0-d
    t = autodiff.tensor(np.float64(r1))
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    assert t.shape == () and t.item() == world
    t = autodiff.tensor(np.float32(r1))
    dist.all_reduce(t, op=dist.ReduceOp.AVG)
    assert t.shape == () and abs(t.item() - tri / world) < 1e-6
    ok.append("all_reduce 0-d")
    # empty
    t = autodiff.zeros(0, 3)
    dist.all_reduce(t)
    dist.broadcast(t, src=world - 1)
    assert t.shape == (0, 3)
    ok.append("empty")
    # non-contiguous: a transposed view and a strided slice write back into their base
    base = np.arange(12, dtype=np.float64).reshape(3, 4) * r1
    t = autodiff.from_numpy(base).T
    assert not t.data.flags.c_contiguous
    dist.all_reduce(t, op=dist.ReduceOp.MIN)
    assert np.array_equal(t.data, np.arange(12.0).reshape(3, 4).T)
    assert np.array_equal(base, np.arange(12.0).reshape(3, 4))  # written through the view
    full = np.zeros(10, dtype=np.float32)
    full[::2] = r1
    view = autodiff.from_numpy(full)[::2]
    dist.all_reduce(view)
    assert np.array_equal(full[::2], np.full(5, tri, np.float32)) and not full[1::2].any()
    ok.append("non-contiguous")
    # integers and bool
    t = autodiff.tensor([r1, -r1])
    dist.all_reduce(t, op=dist.ReduceOp.SUM)
    assert t.dtype == np.int64 and t.tolist() == [tri, -tri]
    b = autodiff.tensor([rank == 0, True])
    dist.all_reduce(b, op=dist.ReduceOp.MIN)
    assert b.tolist() == [world == 1, True]
    ok.append("int64/bool")
    # float16 goes through a float32 copy
    h = autodiff.tensor(np.full(3, r1, np.float16))
    dist.all_reduce(h)
    assert h.dtype == np.float16 and h.tolist() == [tri] * 3
    ok.append("float16")
    # broadcast, reduce, all_gather, async
    t = autodiff.tensor(np.full((2, 2), r1, np.float32))
    dist.broadcast(t, src=world - 1)
    assert (t.data == world).all()
    t = autodiff.tensor([float(r1)])
    dist.reduce(t, dst=0, op=dist.ReduceOp.SUM)
    assert t.item() == (tri if rank == 0 else r1)
    outs = [autodiff.zeros(2, dtype=np.int64) for _ in range(world)]
    dist.all_gather(outs, autodiff.tensor([rank, 10 * rank]))
    assert [o.tolist() for o in outs] == [[r, 10 * r] for r in range(world)]
    t = autodiff.ones(4, 4).T
    work = dist.all_reduce(t, async_op=True)
    work.wait()
    assert (t.data == world).all() and work.is_completed()
    objs = [None] * world
    dist.all_gather_object(objs, {"rank": rank})
    assert objs == [{"rank": r} for r in range(world)]
    dist.barrier()
    ok.append("broadcast/reduce/all_gather/async/objects")


def check_no_sync(rank, world, ok, arrays):
    per, k = 4, 3
    model = DDP(make_model(seed=5 + rank))
    ref = make_model(seed=0)
    for p, q in zip(ref.parameters(), model.parameters()):
        p.data = q.data.copy()
    micro = list(global_batches(k, world, per, seed=7))
    for j, (X, y) in enumerate(micro):
        sl = slice(rank * per, (rank + 1) * per)
        xb, yb = autodiff.tensor(X[sl]), autodiff.tensor(y[sl])
        if j < k - 1:
            with model.no_sync():  # accumulate locally
                F.cross_entropy(model(xb), yb).backward()
        else:  # the synced pass reduces the accumulated gradients
            F.cross_entropy(model(xb), yb).backward()
    # the large batch: every rank's every micro-batch, mean per micro-batch, summed
    total = None
    for X, y in micro:
        loss = F.cross_entropy(ref(autodiff.tensor(X)), autodiff.tensor(y))
        total = loss if total is None else total + loss
    total.backward()
    for i, (p, q) in enumerate(zip(model.parameters(), ref.parameters())):
        arrays[f"nosync_{i}"] = p.grad.data
        np.testing.assert_allclose(p.grad.data, q.grad.data, rtol=1e-10, atol=1e-12)
    ok.append("no_sync")


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 4)
        self.a = nn.Linear(4, 2)
        self.b = nn.Linear(4, 2)
        self.never = nn.Linear(4, 2)

    def forward(self, x, use_b):
        h = self.body(x)
        return self.b(h) if use_b else self.a(h)


def check_unused(rank, world, ok):
    autodiff.manual_seed(3)
    model = DDP(TwoHeads().double(), find_unused_parameters=True)
    x = autodiff.tensor(np.full((2, 4), float(rank + 1)))
    use_b = rank == world - 1  # head b is used by the last rank only
    model(x, use_b).sum().backward()
    inner = model.module
    assert inner.never.weight.grad is None  # used by no rank: left alone, as PyTorch
    assert inner.a.weight.grad is not None and inner.b.weight.grad is not None
    # head a: the other ranks' gradient averaged with zeros from the last rank
    ga = np.zeros((2, 4))
    for r in range(world - 1):
        hs = inner.body(autodiff.tensor(np.full((2, 4), float(r + 1)))).data
        ga += hs.sum(0)[None, :].repeat(2, 0)
    np.testing.assert_allclose(inner.a.weight.grad.data, ga / world, rtol=1e-12)
    ok.append("find_unused_parameters")
    # without it, a parameter without gradient is an error at the next forward
    model = DDP(TwoHeads().double())
    model(x, False).sum().backward()
    try:
        model(x, False)
    except RuntimeError as e:
        assert "find_unused_parameters" in str(e) and "b.weight" in str(e), e
        ok.append("unused error")
    else:
        raise AssertionError("no error for unused parameters")


def check_sampler(rank, world, ok, facts):
    ds = TensorDataset(autodiff.arange(23))
    for drop_last in (False, True):
        sampler = DistributedSampler(ds, shuffle=True, seed=4, drop_last=drop_last)
        loader = DataLoader(ds, batch_size=5, sampler=sampler)
        for epoch in range(2):
            sampler.set_epoch(epoch)
            mine = [int(i) for (x,) in loader for i in x.tolist()]
            assert len(mine) == len(sampler)
            every = [None] * world
            dist.all_gather_object(every, mine)
            facts[f"sampler_{drop_last}_{epoch}"] = every
    ok.append("sampler")


def scenario_all(rank, world, out):
    ok, arrays, facts = [], {}, {"world": world, "rank": rank}
    check_collectives(rank, world, ok)
    steps, per = 5, 8
    for tag, kw in (
        ("one_bucket", {}),
        ("buckets", {"bucket_cap_mb": 1e-4, "first_bucket_cap_mb": 1e-4}),
    ):
        init, final = train_ddp(rank, world, steps, per, **kw)
        ref = train_single(init, world, steps, per)
        for i, (a, b) in enumerate(zip(final, ref)):
            arrays[f"{tag}_{i}"] = a
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)
        ok.append(f"ddp {tag} matches one process")
    model = DDP(make_model(0), bucket_cap_mb=1e-4, first_bucket_cap_mb=1e-4)
    facts["n_buckets_small"] = len(model._buckets)
    facts["n_buckets_default"] = len(DDP(make_model(0))._buckets)
    check_no_sync(rank, world, ok, arrays)
    if world > 1:
        check_unused(rank, world, ok)
    check_sampler(rank, world, ok, facts)
    facts["ok"] = ok
    np.savez(os.path.join(out, f"rank{rank}.npz"), **arrays)
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump(facts, f)


def scenario_raise(rank, world, out):
    t = autodiff.ones(3)
    dist.all_reduce(t)
    if rank == 1:
        raise ValueError("boom from the worker")
    dist.all_reduce(t)  # the others wait here for rank 1, which never comes
    dist.barrier()


def scenario_mismatch(rank, world, out):
    DDP(nn.Linear(4, 2 if rank == 0 else 3))


KEEP = "keep the group"  # a scenario's return: end the script without destroy_process_group


def wait_in(collective, rank, world):
    """Call ``collective`` (by name) as every rank would; the others wait in it."""
    t = autodiff.ones(3)
    if collective == "all_reduce":
        dist.all_reduce(t)
    elif collective == "async":
        work = dist.all_reduce(t, async_op=True)
        time.sleep(0.2)  # the goodbye arrives while the collective is in flight
        work.wait()
    elif collective == "is_completed":
        work = dist.broadcast(t, src=1, async_op=True)
        while not work.is_completed():  # polling is waiting too
            time.sleep(1e-3)
    elif collective == "barrier":
        dist.barrier()
    elif collective == "broadcast":
        # from rank 1, which leaves: a broadcast from rank 0 may finish without rank 1
        dist.broadcast(t, src=1)
    elif collective == "all_gather_object":
        dist.all_gather_object([None] * world, {"rank": rank})
    else:
        raise ValueError(collective)


def scenario_leave(rank, world, out):
    how, collective = sys.argv[3], sys.argv[4]
    if how == "raise":  # a group without the excepthook: the exception ends rank 1 plainly
        dist.destroy_process_group()
        dist.init_process_group(abort_on_exception=False)
    dist.all_reduce(autodiff.ones(2))  # one collective together first
    if rank == 1:
        if how == "raise":
            raise ValueError("boom without the abort hook")
        if how == "end":
            return KEEP  # reaches the end of the script, group still initialized
        if how == "destroy":
            dist.destroy_process_group()
            time.sleep(30)  # lingers, out of the group: only the abort ends it in time
            return KEEP
        if how == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        if how.startswith("_exit"):
            os._exit(int(how[5:]))  # skips atexit: no goodbye, the launcher ends the job
        sys.exit(int(how))
    wait_in(collective, rank, world)
    return None


def scenario_leave_early(rank, world, out):
    # rank 1 leaves after its part of a reduce that the last rank joins late: the
    # collective it finished is no reason to abort; nor is the others' later work
    t = autodiff.tensor([float(rank + 1)])
    if rank == world - 1:
        time.sleep(1.0)
    dist.reduce(t, dst=0)
    if rank == 1:
        sys.exit(0)
    time.sleep(0.5)  # local work after rank 1 has gone, no collective
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump({"rank": rank, "value": t.item()}, f)
    return KEEP


def scenario_ddp_leave(rank, world, out):
    model = DDP(make_model(seed=1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    for step, (X, y) in enumerate(global_batches(6, world, 4)):
        if rank == 1 and step == 3:
            sys.exit(0)
        sl = slice(rank * 4, (rank + 1) * 4)
        opt.zero_grad()
        F.cross_entropy(model(autodiff.tensor(X[sl])), autodiff.tensor(y[sl])).backward()
        opt.step()


def scenario_reinit(rank, world, out):
    facts = {"rank": rank}
    t = autodiff.tensor([float(rank)])
    dist.all_reduce(t)
    facts["first"] = t.item()
    dist.destroy_process_group()  # every rank says goodbye on the first group's channel
    dist.init_process_group()
    t = autodiff.tensor([float(rank + 1)])
    dist.all_reduce(t, op=dist.ReduceOp.MAX, async_op=True).wait()
    facts["second"] = t.item()
    objs = [None] * world
    dist.all_gather_object(objs, rank * 10)
    facts["objects"] = objs
    if len(sys.argv) > 3 and sys.argv[3] == "exit" and rank == 1:
        sys.exit(4)  # the second group's goodbye must reach the others
    dist.barrier()
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump(facts, f)


SCENARIOS = {
    "all": scenario_all,
    "raise": scenario_raise,
    "mismatch": scenario_mismatch,
    "leave": scenario_leave,
    "leave_early": scenario_leave_early,
    "ddp_leave": scenario_ddp_leave,
    "reinit": scenario_reinit,
}


def main():
    scenario, out = sys.argv[1], sys.argv[2]
    dist.init_process_group(backend="mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    if SCENARIOS[scenario](rank, world, out) is not KEEP:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
