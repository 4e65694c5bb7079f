"""autodiff.distributed, DistributedDataParallel and DistributedSampler.

The multi-process tests launch ``mpiexec -n 2`` and ``-n 3`` (oversubscribed
on a small machine) on ``tests/_distributed_worker.py`` from here, so the
README's test command runs them; they are skipped when the ``[distributed]``
extra (mpi4py and an MPI with ``mpiexec``) is not installed. Each run has a
timeout: a failure must end the job, not hang it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autodiff
import autodiff.distributed as dist
from autodiff import nn, optim
from autodiff.data import DataLoader, DistributedSampler, TensorDataset
from autodiff.nn.parallel import DistributedDataParallel as DDP

HERE = Path(__file__).resolve().parent
WORKER = HERE / "_distributed_worker.py"
TIMEOUT = 120


def _mpiexec() -> str | None:
    # the launcher next to this Python (the mpich wheel's) matches mpi4py's MPI
    local = Path(sys.executable).parent / "mpiexec"
    return str(local) if local.exists() else shutil.which("mpiexec")


try:
    import mpi4py  # noqa: F401

    HAVE_MPI4PY = True
except ImportError:
    HAVE_MPI4PY = False
MPIEXEC = _mpiexec()
needs_mpi = pytest.mark.skipif(
    not (HAVE_MPI4PY and MPIEXEC),
    reason="the [distributed] extra is not installed (pip install -e '.[distributed]': "
    "mpi4py and an MPI with mpiexec)",
)


def _env() -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"  # oversubscribed ranks: one thread each
    env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def mpirun(n: int, *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """Run ``mpiexec -n n python args...``; the timeout is a failure, not a hang."""
    cmd = [MPIEXEC, "-n", str(n)]
    version = subprocess.run([MPIEXEC, "--version"], capture_output=True, text=True).stdout
    if "Open MPI" in version or "OpenRTE" in version:
        cmd += ["--oversubscribe", "--allow-run-as-root"]
    cmd += [sys.executable, *args]
    try:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=_env(), cwd=HERE.parent
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{' '.join(cmd)} did not finish within {timeout} s (a hang): {e.stderr}")


@pytest.fixture(scope="module", params=[2, 3], ids=["np2", "np3"])
def run_all(request, tmp_path_factory):
    """Every rank's results of the ``all`` scenario, for 2 and 3 processes."""
    if not (HAVE_MPI4PY and MPIEXEC):
        pytest.skip("the [distributed] extra is not installed")
    n = request.param
    out = tmp_path_factory.mktemp(f"np{n}")
    proc = mpirun(n, str(WORKER), "all", str(out))
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr[-4000:]}"
    facts = [json.loads((out / f"rank{r}.json").read_text()) for r in range(n)]
    arrays = [dict(np.load(out / f"rank{r}.npz")) for r in range(n)]
    return n, facts, arrays


# ------------------------------------------------------------ under mpiexec
@needs_mpi
def test_worker_checks_pass_on_every_rank(run_all):
    n, facts, _ = run_all
    assert [f["rank"] for f in facts] == list(range(n))
    assert all(f["world"] == n for f in facts)
    expected = {
        "all_reduce float64/float32",
        "all_reduce 0-d",
        "empty",
        "non-contiguous",
        "int64/bool",
        "float16",
        "broadcast/reduce/all_gather/async/objects",
        "ddp one_bucket matches one process",
        "ddp buckets matches one process",
        "no_sync",
        "find_unused_parameters",
        "unused error",
        "sampler",
    }
    for f in facts:
        assert set(f["ok"]) == expected


@needs_mpi
def test_ddp_parameters_bitwise_equal_across_ranks(run_all):
    n, facts, arrays = run_all
    assert facts[0]["n_buckets_small"] > 2 and facts[0]["n_buckets_default"] == 1
    keys = [k for k in arrays[0] if k.startswith(("one_bucket", "buckets", "nosync"))]
    assert len(keys) == 18
    for r in range(1, n):
        for k in keys:
            assert arrays[r][k].tobytes() == arrays[0][k].tobytes(), (r, k)
    # training moved them: they are not the same as a fresh model's
    assert not np.allclose(arrays[0]["one_bucket_0"], arrays[0]["buckets_0"] * 0)


@needs_mpi
def test_sampler_partitions_each_epoch(run_all):
    n, facts, _ = run_all
    f = facts[0]
    for drop_last in (False, True):
        epochs = []
        for epoch in range(2):
            every = f[f"sampler_{drop_last}_{epoch}"]
            assert len({len(x) for x in every}) == 1  # the same count on every rank
            flat = [i for x in every for i in x]
            if drop_last:
                assert len(flat) == len(set(flat)) == 23 - 23 % n
            else:
                assert set(flat) == set(range(23))
                assert len(flat) == -(-23 // n) * n  # padded with repeats
            epochs.append(every)
        assert epochs[0] != epochs[1]  # set_epoch reshuffles
    # every rank saw the same gathered lists
    assert all(g[k] == f[k] for g in facts for k in f if k.startswith("sampler"))


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_a_raising_rank_aborts_the_job(n, tmp_path):
    proc = mpirun(n, str(WORKER), "raise", str(tmp_path), timeout=60)
    assert proc.returncode != 0
    err = proc.stdout + proc.stderr
    assert "rank 1 of" in err and "boom from the worker" in err, err[-2000:]
    assert "aborting all" in err


LEFT = r"rank 1 {how} while rank \d waited for it in {what}; aborting all {n} ranks"
EXITED = r"exited \(sys\.exit or end of script\)"


def assert_left(proc: subprocess.CompletedProcess, how: str, what: str, n: int) -> str:
    """The job failed, and a waiting rank named rank 1, how it left and where it waited."""
    assert proc.returncode != 0
    err = proc.stdout + proc.stderr
    assert re.search(LEFT.format(how=how, what=what, n=n), err), err[-2000:]
    return err


@needs_mpi
@pytest.mark.parametrize(
    "n, leave, collective, what, how",
    [
        (2, "3", "all_reduce", r"all_reduce\(\)", EXITED),
        (2, "0", "all_reduce", r"all_reduce\(\)", EXITED),
        (3, "0", "all_reduce", r"all_reduce\(\)", EXITED),
        (2, "end", "barrier", r"barrier\(\)", EXITED),
        (2, "3", "async", r"all_reduce\(async_op=True\)\.wait\(\)", EXITED),
        (3, "0", "broadcast", r"broadcast\(\)", EXITED),
        (2, "0", "all_gather_object", r"all_gather_object\(\)", EXITED),
        (2, "0", "is_completed", r"broadcast\(async_op=True\)\.wait\(\)", EXITED),
        (
            2,
            "destroy",
            "all_reduce",
            r"all_reduce\(\)",
            r"left the process group \(destroy_process_group\(\)\)",
        ),
        (
            2,
            "raise",
            "all_reduce",
            r"all_reduce\(\)",
            r"exited with an uncaught exception \(abort_on_exception=False\)",
        ),
    ],
)
def test_a_rank_that_leaves_without_the_abort_hook_aborts_the_waiting_job(
    n, leave, collective, what, how, tmp_path
):
    # rank 1 leaves (sys.exit(leave), end of script, destroy_process_group, an exception
    # the hook does not see) while the others wait for it in a collective: without its
    # goodbye they would wait forever (the timeout)
    proc = mpirun(n, str(WORKER), "leave", str(tmp_path), leave, collective, timeout=60)
    err = assert_left(proc, how, what, n)
    if leave == "raise":
        assert "boom without the abort hook" in err  # Python's own traceback


@needs_mpi
@pytest.mark.parametrize("leave", ["sigkill", "_exit3", "_exit0"])
def test_a_rank_killed_or_os_exit_ends_the_job(leave, tmp_path):
    # no goodbye here: the launcher sees a rank end without MPI_Finalize and kills the
    # others (mpirun's timeout fails a hang); the job's code is the rank's (MPICH: 9, 3, 0)
    proc = mpirun(2, str(WORKER), "leave", str(tmp_path), leave, "all_reduce", timeout=60)
    assert leave == "_exit0" or proc.returncode != 0, proc.stdout + proc.stderr[-2000:]
    assert "aborting" not in proc.stderr  # the launcher ended it, not a goodbye


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_a_rank_that_leaves_when_nobody_needs_it_is_a_clean_exit(n, tmp_path):
    # with 3 ranks, rank 1 leaves after its part of a reduce the last rank joins late
    proc = mpirun(n, str(WORKER), "leave_early", str(tmp_path), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "autodiff.distributed" not in proc.stdout + proc.stderr
    assert json.loads((tmp_path / "rank0.json").read_text())["value"] == n * (n + 1) / 2
    assert not (tmp_path / "rank1.json").exists()
    assert all((tmp_path / f"rank{r}.json").exists() for r in range(2, n))


@needs_mpi
def test_ddp_training_ends_when_a_rank_exits_mid_training(tmp_path):
    proc = mpirun(2, str(WORKER), "ddp_leave", str(tmp_path), timeout=60)
    assert_left(proc, EXITED, r"DistributedDataParallel's gradient all-reduce \(backward\)", 2)


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_destroy_and_init_again_in_one_job(n, tmp_path):
    proc = mpirun(n, str(WORKER), "reinit", str(tmp_path), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "autodiff.distributed" not in proc.stderr
    for r in range(n):
        facts = json.loads((tmp_path / f"rank{r}.json").read_text())
        assert facts["first"] == n * (n - 1) / 2 and facts["second"] == n
        assert facts["objects"] == [10 * i for i in range(n)]
    # the second group's goodbye reaches the others; the first group's do not linger
    proc = mpirun(n, str(WORKER), "reinit", str(tmp_path), "exit", timeout=60)
    assert_left(proc, EXITED, r"barrier\(\)", n)


@needs_mpi
def test_ranks_with_different_models_raise(tmp_path):
    proc = mpirun(2, str(WORKER), "mismatch", str(tmp_path), timeout=60)
    assert proc.returncode != 0
    err = proc.stdout + proc.stderr
    assert "the ranks' models differ" in err and "rank 1 has 'weight' of shape (3, 4)" in err


@needs_mpi
def test_distributed_digits_example(tmp_path):
    proc = mpirun(2, str(HERE.parent / "examples" / "distributed_digits.py"), "--epochs", "3")
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert "world size 2" in proc.stdout
    acc = float(lines[-1].split()[-1])
    assert acc > 0.9, proc.stdout
    assert proc.stdout.count("test accuracy") == 1  # rank 0 prints, the others do not


# ------------------------------------------------------------ one process
def test_without_mpiexec_is_world_size_one(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(WORKER), "all", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=_env(),
        cwd=HERE.parent,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    facts = json.loads((tmp_path / "rank0.json").read_text())
    assert facts["world"] == 1 and "ddp buckets matches one process" in facts["ok"]


def test_collective_before_init_raises():
    assert not dist.is_initialized()
    for call in (
        lambda: dist.all_reduce(autodiff.ones(2)),
        lambda: dist.broadcast(autodiff.ones(2)),
        dist.barrier,
        dist.get_rank,
        dist.get_world_size,
        lambda: DDP(nn.Linear(2, 2)),
    ):
        with pytest.raises(RuntimeError, match="init_process_group"):
            call()


@pytest.fixture
def group():
    dist.init_process_group()
    yield
    dist.destroy_process_group()


def test_init_twice_and_bad_backend(group):
    with pytest.raises(RuntimeError, match="already"):
        dist.init_process_group()
    dist.destroy_process_group()
    with pytest.raises(ValueError, match="mpi"):
        dist.init_process_group(backend="nccl")
    dist.init_process_group()


def test_local_world_without_mpi4py(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.setitem(sys.modules, "mpi4py.MPI", None)
    for var in dist._LAUNCHER_VARS:
        monkeypatch.delenv(var, raising=False)
    dist.init_process_group()
    try:
        assert dist.get_world_size() == 1 and dist.get_rank() == 0
        t = autodiff.tensor([1.0, 2.0])
        dist.all_reduce(t, op=dist.ReduceOp.AVG)
        assert t.tolist() == [1.0, 2.0]
        model = DDP(nn.Linear(3, 1))
        model(autodiff.ones(2, 3)).sum().backward()
        assert model.module.weight.grad.tolist() == [[2.0, 2.0, 2.0]]
    finally:
        dist.destroy_process_group()


def test_ddp_world_one_matches_plain_training(group):
    autodiff.manual_seed(0)
    plain = nn.MLP(4, [8], 2)
    autodiff.manual_seed(0)
    wrapped = DDP(nn.MLP(4, [8], 2))
    assert list(wrapped.state_dict()) == ["module." + k for k in plain.state_dict()]
    x, y = autodiff.randn(16, 4), autodiff.randint(0, 2, (16,))
    for m in (plain, wrapped):
        opt = optim.Adam(m.parameters(), lr=0.01)
        for _ in range(3):
            opt.zero_grad()
            nn.functional.cross_entropy(m(x), y).backward()
            opt.step()
    for p, q in zip(plain.parameters(), wrapped.parameters()):
        assert np.array_equal(p.data, q.data)


def test_avg_of_integers_raises(group):
    with pytest.raises(TypeError, match="AVG"):
        dist.all_reduce(autodiff.tensor([1, 2]), op=dist.ReduceOp.AVG)
    with pytest.raises(ValueError, match="rank"):
        dist.broadcast(autodiff.ones(1), src=3)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("size", [0, 1, 5, 23, 24])
def test_sampler_partition_in_process(n, size):
    ds = list(range(size))
    for drop_last in (False, True):
        for shuffle in (False, True):
            parts = []
            for r in range(n):
                s = DistributedSampler(ds, n, r, shuffle=shuffle, seed=9, drop_last=drop_last)
                s.set_epoch(3)
                parts.append(list(s))
                assert len(parts[-1]) == len(s)
            assert len({len(p) for p in parts}) == 1
            flat = [i for p in parts for i in p]
            if drop_last:
                assert len(flat) == len(set(flat)) == size - size % n
            elif size:
                assert set(flat) == set(ds) and len(flat) == -(-size // n) * n


def test_sampler_matches_torch_counts():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DistributedSampler as TorchSampler

    for size, n, drop_last in [(23, 3, False), (23, 3, True), (5, 7, False), (5, 7, True)]:
        for r in range(n):
            ours = DistributedSampler(list(range(size)), n, r, shuffle=False, drop_last=drop_last)
            theirs = TorchSampler(list(range(size)), n, r, shuffle=False, drop_last=drop_last)
            assert list(ours) == list(theirs) and len(ours) == len(theirs)
    del torch


def test_dataloader_sampler_argument():
    ds = TensorDataset(autodiff.arange(10))
    s = DistributedSampler(ds, num_replicas=2, rank=1, shuffle=False)
    loader = DataLoader(ds, batch_size=2, sampler=s)
    assert len(loader) == 3
    assert [x.tolist() for (x,) in loader] == [[1, 3], [5, 7], [9]]
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(ds, sampler=s, shuffle=True)
    with pytest.raises(RuntimeError, match="init_process_group"):
        DistributedSampler(ds)
