"""Collective communication across processes over MPI, with PyTorch's names.

``autodiff.distributed`` is the data-parallel layer under
:class:`autodiff.nn.parallel.DistributedDataParallel`: every process (a
*rank*) runs the same script on its own share of the data, and collectives
(``all_reduce``, ``broadcast``, ...) combine tensors across ranks. MPI does
the communication, through ``mpi4py`` (``pip install "autodiff[distributed]"``
installs both ``mpi4py`` and an MPI with ``mpiexec``); launch a script with::

    mpiexec -n 2 python train.py

Collectives work in place on Tensors, as PyTorch's. A contiguous array of a
dtype MPI knows (float32, float64, the integer types, bool) is handed to MPI
as it is, without a copy; anything else (a non-contiguous view, float16) goes
through a contiguous copy that is written back.

Run without ``mpiexec`` (or without ``mpi4py`` installed), a script is one
rank of a world of size 1, and every collective is the identity: the same
training script works on a laptop and on a cluster.

A rank that dies with an uncaught exception aborts the whole job (after
printing its traceback and which rank failed), instead of leaving the others
waiting forever in their next collective. A rank that ends without raising
(``sys.exit``, any code, or the end of the script) while the others still
wait for it in a collective aborts the job too: at exit it tells the others
(on a private channel) how many collectives it finished, and a rank waiting
for one it never joined prints which rank left and aborts.

Examples
--------
>>> import autodiff
>>> import autodiff.distributed as dist
>>> dist.init_process_group(backend="mpi")
>>> dist.get_rank(), dist.get_world_size()
(0, 1)
>>> t = autodiff.tensor([1.0, 2.0])
>>> dist.all_reduce(t, op=dist.ReduceOp.SUM)
>>> t
Tensor([1., 2.])
>>> dist.destroy_process_group()
"""

from __future__ import annotations

import atexit
import enum
import os
import pickle
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

from .tensor import Tensor

__all__ = [
    "ReduceOp",
    "Work",
    "init_process_group",
    "destroy_process_group",
    "is_initialized",
    "is_available",
    "get_rank",
    "get_world_size",
    "get_backend",
    "barrier",
    "all_reduce",
    "broadcast",
    "all_gather",
    "reduce",
    "broadcast_object_list",
    "all_gather_object",
]


class ReduceOp(enum.Enum):
    """How ``all_reduce`` and ``reduce`` combine the ranks' tensors.

    ``AVG`` is the sum divided by the world size (floating dtypes only).

    Examples
    --------
    >>> from autodiff.distributed import ReduceOp
    >>> ReduceOp.SUM.name
    'SUM'
    """

    SUM = "sum"
    AVG = "avg"
    MAX = "max"
    MIN = "min"
    PRODUCT = "product"


# environment variables that MPI launchers set in the processes they start
_LAUNCHER_VARS = (
    "PMI_RANK",
    "PMI_SIZE",
    "PMIX_RANK",
    "OMPI_COMM_WORLD_SIZE",
    "MPI_LOCALNRANKS",
    "HYDI_CONTROL_FD",
    "I_MPI_HYDRA_TOPOLIB",
)


class _LocalComm:
    """A communicator of one process: what ``init_process_group`` uses where
    ``mpi4py`` is not installed and no MPI launcher started this process."""

    def Get_rank(self) -> int:
        return 0

    def Get_size(self) -> int:
        return 1

    def Barrier(self) -> None:
        pass

    def Abort(self, code: int = 1) -> None:
        os._exit(code)

    def allgather(self, obj: Any) -> list:
        return [obj]

    def bcast(self, obj: Any, root: int = 0) -> Any:
        return obj


# tags of the goodbye a rank sends when it leaves: at interpreter exit (after an uncaught
# exception if abort_on_exception=False), or destroy_process_group
_TAG_EXIT, _TAG_RAISED, _TAG_DESTROY = 1, 2, 3
_HOW = {
    _TAG_EXIT: "exited (sys.exit or end of script)",
    _TAG_RAISED: "exited with an uncaught exception (abort_on_exception=False)",
    _TAG_DESTROY: "left the process group (destroy_process_group())",
}
_QUICK_POLLS = 100  # polls back to back before a wait starts to read goodbyes (~50 us)
_SPIN_S = 0.05  # a waiting rank polls (yielding the core) this long, then sleeps between polls
_MAX_SLEEP_S = 1e-3  # longest sleep between polls: the latency of noticing a finished collective


class _Group:
    """The default process group: the communicator and the bookkeeping of collectives.

    Every collective is started non-blocking (``start``) and numbered; the
    numbers agree across ranks because MPI requires every rank to call the
    collectives in the same order. A rank that leaves sends its count of
    finished collectives to every other rank on ``bye`` (a duplicate of the
    communicator, so no goodbye is ever mistaken for data or leaks into a later
    group); a rank waiting for collective ``k`` aborts the job once it learns
    that some rank left having finished fewer than ``k``.
    """

    def __init__(self, comm: Any, mpi: Any, backend: str) -> None:
        self.comm = comm
        self.MPI = mpi  # the mpi4py.MPI module, or None for the local world of one
        self.backend = backend
        self.rank = int(comm.Get_rank())
        self.size = int(comm.Get_size())
        self.prev_excepthook: Callable | None = None
        self.bye: Any = None  # the goodbye channel (world size > 1 only)
        self.started = 0  # collectives started on this group
        self.open: dict[int, Any] = {}  # number -> MPI request, for those not yet finished
        self.gone: dict[int, tuple[int, int]] = {}  # rank -> (collectives it finished, tag)
        self.farewell: tuple[np.ndarray, list] | None = None  # the goodbye sent, once
        self.status = mpi.Status() if mpi is not None else None  # reused by check_gone

    def start(self, request: Any) -> int:
        """Register a started collective's request; its number."""
        self.started += 1
        self.open[self.started] = request
        return self.started

    def test(self, seqs: list[int]) -> bool:
        """Whether the collectives ``seqs`` have all finished (never blocks)."""
        reqs = [self.open[s] for s in seqs if s in self.open]
        if reqs and not self.MPI.Request.Testall(reqs):
            return False
        for s in seqs:
            self.open.pop(s, None)
        return True

    def wait(self, seqs: list[int], what: str) -> None:
        """Block until the started collectives ``seqs`` have finished (see ``poll``)."""
        self.poll([self.open[s] for s in seqs if s in self.open], max(seqs, default=0), what)
        for s in seqs:
            self.open.pop(s, None)

    def poll(self, reqs: list, seq: int, what: str) -> None:
        """Block until the requests ``reqs`` of collective ``seq`` (the latest) have finished.

        Polls instead of ``MPI_Wait``: a blocked ``MPI_Wait`` would never
        notice that a rank it waits for is gone. First ``_QUICK_POLLS`` polls
        back to back (a collective whose ranks arrived together finishes in
        microseconds); then, between polls, it reads the goodbyes and yields
        the core (to a rank sharing it) for ``_SPIN_S`` seconds; longer waits
        (for a slower rank) sleep between polls, up to ``_MAX_SLEEP_S``.
        """
        testall = self.MPI.Request.Testall
        for _ in range(_QUICK_POLLS):
            if testall(reqs):
                return
        t0 = time.perf_counter()
        nap = 5e-5
        while not testall(reqs):
            self.check_gone(seq, what)
            if time.perf_counter() - t0 < _SPIN_S:
                os.sched_yield()
            else:
                time.sleep(nap)
                nap = min(2 * nap, _MAX_SLEEP_S)

    def check_gone(self, seq: int, what: str) -> None:
        """Receive goodbyes; abort the job if a rank left before joining collective ``seq``."""
        st = self.status
        while self.bye.Iprobe(source=self.MPI.ANY_SOURCE, tag=self.MPI.ANY_TAG, status=st):
            done = np.empty(1, dtype=np.int64)
            src, tag = st.Get_source(), st.Get_tag()
            self.bye.Recv(done, source=src, tag=tag)
            self.gone[src] = (int(done[0]), tag)
        for r, (done, tag) in sorted(self.gone.items()):
            if done < seq:
                _abort(
                    self,
                    f"autodiff.distributed: rank {r} {_HOW[tag]} while rank {self.rank} waited for "
                    f"it in {what}; aborting all {self.size} ranks",
                )

    def say_goodbye(self, tag: int) -> None:
        """Tell every other rank that this one leaves, and how many collectives it finished."""
        if self.bye is None or self.farewell is not None or self.MPI.Is_finalized():
            return
        for s in list(self.open):  # collectives finished without a wait count as finished
            self.test([s])
        done = np.array([min(self.open) - 1 if self.open else self.started], dtype=np.int64)
        reqs = [self.bye.Isend(done, dest=r, tag=tag) for r in range(self.size) if r != self.rank]
        self.farewell = (done, reqs)  # the buffer must outlive the sends
        # 8 bytes go eagerly (complete at once); bounded all the same: never hang an exit
        deadline = time.perf_counter() + 1.0
        while not self.MPI.Request.Testall(reqs) and time.perf_counter() < deadline:
            time.sleep(1e-4)


_GROUP: _Group | None = None


def is_available() -> bool:
    """Whether ``mpi4py`` (and so MPI) can be imported.

    Without it, ``init_process_group`` still works, as a world of size 1.

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> isinstance(dist.is_available(), bool)
    True
    """
    try:
        import mpi4py  # noqa: F401 - (optional dependency: the [distributed] extra)
    except ImportError:
        return False
    return True


def _launched_by_mpi() -> bool:
    return any(v in os.environ for v in _LAUNCHER_VARS)


def init_process_group(
    backend: str = "mpi",
    *,
    comm: Any = None,
    abort_on_exception: bool = True,
    **kwargs: Any,
) -> None:
    """Join the job's ranks into the default process group.

    Parameters
    ----------
    backend : str
        ``"mpi"`` (the only backend; ``None`` means the same).
    comm : mpi4py.MPI.Comm, optional
        The communicator to use (default: ``MPI.COMM_WORLD``).
    abort_on_exception : bool
        Install a ``sys.excepthook`` that, on an uncaught exception, prints the
        traceback and the failing rank, then aborts every rank of the job
        (``MPI_Abort``), so that no rank waits forever for the dead one.
    **kwargs
        PyTorch's other arguments (``init_method``, ``world_size``, ``rank``,
        ``timeout``) are accepted for compatibility; rank and world size come
        from the MPI launcher, and must agree with it if given.

    Notes
    -----
    With more than one rank, this is a rendezvous of all ranks: it duplicates
    the communicator into a private goodbye channel and registers an
    ``atexit`` handler. A rank that ends without raising (``sys.exit`` with
    any code, or the end of the script) or calls ``destroy_process_group``
    tells every other rank how many collectives it finished; a rank waiting
    for a collective the leaver never joined prints
    ``autodiff.distributed: rank R exited (sys.exit or end of script) while
    rank W waited for it in all_reduce(); aborting all N ranks`` and aborts
    the job (``MPI_Abort``), instead of waiting forever. Leaving once no rank
    needs you is a clean exit. ``os._exit`` skips ``atexit`` (the launcher
    then ends the job, as for a rank killed by a signal).

    Raises
    ------
    RuntimeError
        If the group is already initialized, or ``rank``/``world_size`` disagree
        with MPI's.
    ImportError
        If the process was started by an MPI launcher but ``mpi4py`` is missing.

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> dist.is_initialized()
    True
    >>> dist.destroy_process_group()
    """
    global _GROUP
    if _GROUP is not None:
        raise RuntimeError(
            "autodiff.distributed: init_process_group() was already called; call "
            "destroy_process_group() first to re-initialize"
        )
    if backend is None:
        backend = "mpi"
    if str(backend).lower() != "mpi":
        raise ValueError(
            f"autodiff.distributed supports backend='mpi' only (through mpi4py), got {backend!r}"
        )
    unknown = set(kwargs) - {"init_method", "world_size", "rank", "timeout", "store", "group_name"}
    if unknown:
        raise TypeError(f"init_process_group() got unexpected arguments {sorted(unknown)}")
    mpi = None
    if comm is None:
        try:
            from mpi4py import MPI as mpi  # (optional dependency)
        except ImportError as err:
            if _launched_by_mpi():
                raise ImportError(
                    "autodiff.distributed: this process was started by an MPI launcher but "
                    "mpi4py is not installed; install it with pip install 'autodiff[distributed]'"
                ) from err
            comm = _LocalComm()
        else:
            comm = mpi.COMM_WORLD
    else:
        from mpi4py import MPI as mpi  # (optional dependency)
    group = _Group(comm, mpi, "mpi")
    for key, mine in (("world_size", group.size), ("rank", group.rank)):
        want = kwargs.get(key)
        if want is not None and want != -1 and int(want) != mine:
            raise RuntimeError(
                f"init_process_group({key}={want}) disagrees with the MPI launcher's "
                f"{key} {mine}; leave it out (MPI decides)"
            )
    if group.size > 1:
        group.bye = comm.Dup()  # collective: every rank joins here, as PyTorch's rendezvous
        atexit.register(_at_exit)
    _GROUP = group
    if abort_on_exception and group.size > 1:
        group.prev_excepthook = sys.excepthook
        sys.excepthook = _abort_hook


def _at_exit() -> None:
    # runs before mpi4py's MPI_Finalize (a C-level Py_AtExit, after Python's atexit)
    if _GROUP is not None:
        # the interpreter's top level sets sys.last_type when it printed an uncaught exception
        raised = getattr(sys, "last_type", None) is not None
        _GROUP.say_goodbye(_TAG_RAISED if raised else _TAG_EXIT)


def _abort(group: _Group, msg: str) -> None:
    """Print ``msg`` and end every rank of the job (``MPI_Abort``)."""
    try:
        print(msg, file=sys.stderr, flush=True)
        sys.stdout.flush()
        time.sleep(0.5)  # let the launcher forward this output before the job is killed
    finally:
        group.comm.Abort(1)


def _abort_hook(exc_type, exc, tb) -> None:
    group = _GROUP
    if group is None:  # pragma: no cover - destroyed in between
        sys.__excepthook__(exc_type, exc, tb)
        return
    try:
        prev = group.prev_excepthook or sys.__excepthook__
        prev(exc_type, exc, tb)
    except Exception:  # pragma: no cover - a broken hook must not stop the abort
        traceback.print_exception(exc_type, exc, tb)
    _abort(
        group,
        f"autodiff.distributed: rank {group.rank} of {group.size} failed with "
        f"{exc_type.__name__}: {exc}; aborting all {group.size} ranks",
    )


def destroy_process_group(group: Any = None) -> None:
    """Leave the default process group (MPI itself is finalized at exit).

    The other ranks are told (as at exit): one still waiting in a collective
    of this group that this rank never joined aborts the job instead of
    hanging. ``init_process_group`` may be called again afterwards.

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> dist.destroy_process_group()
    >>> dist.is_initialized()
    False
    """
    global _GROUP
    g = _GROUP
    if g is None:
        return
    if sys.excepthook is _abort_hook:
        sys.excepthook = g.prev_excepthook or sys.__excepthook__
    g.say_goodbye(_TAG_DESTROY)
    atexit.unregister(_at_exit)
    _GROUP = None


def is_initialized() -> bool:
    """Whether ``init_process_group`` has been called (and not destroyed since).

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.is_initialized()
    False
    """
    return _GROUP is not None


def _group(what: str = "this call") -> _Group:
    if _GROUP is None:
        raise RuntimeError(
            f"autodiff.distributed: {what} needs the default process group, which has not "
            "been initialized; call autodiff.distributed.init_process_group() first (and "
            "launch the script with e.g. `mpiexec -n 2 python script.py`)"
        )
    return _GROUP


def get_rank(group: Any = None) -> int:
    """This process's rank, from 0 to ``get_world_size() - 1``.

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> dist.get_rank()
    0
    >>> dist.destroy_process_group()
    """
    return _group("get_rank()").rank


def get_world_size(group: Any = None) -> int:
    """The number of ranks in the job.

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> dist.get_world_size()
    1
    >>> dist.destroy_process_group()
    """
    return _group("get_world_size()").size


def get_backend(group: Any = None) -> str:
    """The backend's name, ``"mpi"``.

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> dist.get_backend()
    'mpi'
    >>> dist.destroy_process_group()
    """
    return _group("get_backend()").backend


class Work:
    """The handle of an asynchronous collective (``async_op=True``).

    ``wait()`` blocks until the collective has finished and its result is in
    the tensor; ``is_completed()`` tests without blocking.

    Examples
    --------
    >>> import autodiff
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> t = autodiff.ones(3)
    >>> work = dist.all_reduce(t, async_op=True)
    >>> work.wait()
    True
    >>> dist.destroy_process_group()
    """

    def __init__(
        self,
        group: _Group | None = None,
        seq: int = 0,
        finish: Callable[[], None] | None = None,
        what: str = "Work.wait()",
    ) -> None:
        self._group = group  # None: nothing to wait for (world of one)
        self._seq = seq
        self._finish = finish
        self._what = what
        self._done = False

    def _complete(self) -> None:
        self._done = True
        self._group = None
        if self._finish is not None:
            finish, self._finish = self._finish, None
            finish()

    def is_completed(self) -> bool:
        """Whether the collective has finished (finishing it if MPI says so).

        A loop polling this is a wait too: it aborts the job, as ``wait()``,
        if a rank that has not joined the collective has ended.

        Examples
        --------
        >>> import autodiff
        >>> import autodiff.distributed as dist
        >>> dist.init_process_group()
        >>> work = dist.all_reduce(autodiff.ones(2), async_op=True)
        >>> work.wait() and work.is_completed()
        True
        >>> dist.destroy_process_group()
        """
        g = self._group
        if not self._done:
            if g is None or g.test([self._seq]):
                self._complete()
            else:
                g.check_gone(self._seq, self._what)
        return self._done

    def wait(self, timeout: Any = None) -> bool:
        """Block until the collective has finished; return True.

        If a rank that has not joined the collective ends meanwhile, the job
        is aborted (see ``init_process_group``) instead of waiting forever.

        Examples
        --------
        >>> import autodiff
        >>> import autodiff.distributed as dist
        >>> dist.init_process_group()
        >>> t = autodiff.ones(2)
        >>> dist.all_reduce(t, async_op=True).wait()
        True
        >>> t  # world size 1: the sum is the tensor itself
        Tensor([1., 1.])
        >>> dist.destroy_process_group()
        """
        if not self._done:
            if self._group is not None:
                self._group.wait([self._seq], self._what)
            self._complete()
        return True


def _run(
    g: _Group,
    request: Any,
    what: str,
    async_op: bool,
    finish: Callable[[], None] | None = None,
) -> Work | None:
    """A started collective: its Work (``async_op``), or wait for it here and return None."""
    if async_op:
        return Work(g, g.start(request), finish, f"{what[:-1]}async_op=True).wait()")
    # blocking: numbered, but not registered as open (no Work): the hot path of small calls
    g.started += 1
    g.poll([request], g.started, what)
    if finish is not None:
        finish()
    return None


# ------------------------------------------------------------------ buffers
_MPI_KINDS = "fiub"  # dtypes MPI takes as they are (float16 and others are converted)


def _check_tensor(t: Any, what: str) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"{what} takes an autodiff Tensor, got {type(t).__name__}")
    return t


def _buffer(arr: np.ndarray) -> tuple[np.ndarray, bool]:
    """A contiguous array MPI can take for ``arr``, and whether it is ``arr`` itself."""
    ok_dtype = arr.dtype.kind in _MPI_KINDS and arr.dtype.itemsize in (1, 2, 4, 8)
    if arr.dtype == np.float16:
        ok_dtype = False
    if ok_dtype and arr.flags.c_contiguous and arr.flags.writeable:
        return arr, True
    work_dtype = arr.dtype if ok_dtype else np.dtype(np.float32)  # float16 travels as float32
    return np.ascontiguousarray(arr, dtype=work_dtype), False


def _write_back(t: Tensor, arr: np.ndarray, buf: np.ndarray, direct: bool) -> None:
    if direct:
        return
    if arr.flags.writeable:
        np.copyto(arr, buf, casting="unsafe")
    else:  # e.g. a broadcast view: replace the tensor's values
        t.data = buf.astype(arr.dtype, copy=False)


def _mpi_op(mpi: Any, op: ReduceOp, dtype: np.dtype) -> Any:
    if not isinstance(op, ReduceOp):
        raise TypeError(f"op must be an autodiff.distributed.ReduceOp, got {op!r}")
    if dtype.kind == "b":
        table = {
            ReduceOp.SUM: mpi.LOR,
            ReduceOp.MAX: mpi.LOR,
            ReduceOp.MIN: mpi.LAND,
            ReduceOp.PRODUCT: mpi.LAND,
        }
    else:
        table = {
            ReduceOp.SUM: mpi.SUM,
            ReduceOp.AVG: mpi.SUM,
            ReduceOp.MAX: mpi.MAX,
            ReduceOp.MIN: mpi.MIN,
            ReduceOp.PRODUCT: mpi.PROD,
        }
    if op not in table:
        raise TypeError(f"ReduceOp.{op.name} needs a floating tensor, got dtype {dtype}")
    return table[op]


def _avg_check(op: ReduceOp, dtype: np.dtype) -> None:
    if op is ReduceOp.AVG and dtype.kind != "f":
        raise TypeError(f"ReduceOp.AVG needs a floating tensor, got dtype {dtype}")


# -------------------------------------------------------------- collectives
def all_reduce(
    tensor: Tensor, op: ReduceOp = ReduceOp.SUM, group: Any = None, async_op: bool = False
) -> Work | None:
    """Combine ``tensor`` across all ranks, in place: every rank gets the result.

    Parameters
    ----------
    tensor : Tensor
        Any shape (0-d and empty included) and dtype; overwritten with the result.
    op : ReduceOp
        ``SUM`` (default), ``AVG``, ``MAX``, ``MIN`` or ``PRODUCT``.
    async_op : bool
        Start the collective (``MPI_Iallreduce``) and return a :class:`Work`
        whose ``wait()`` finishes it; otherwise block and return None.

    Examples
    --------
    >>> import autodiff
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> t = autodiff.tensor([1.0, 5.0])
    >>> dist.all_reduce(t, op=dist.ReduceOp.MAX)
    >>> t.tolist()
    [1.0, 5.0]
    >>> dist.destroy_process_group()
    """
    g = _group("all_reduce()")
    _check_tensor(tensor, "all_reduce()")
    arr = tensor.data
    _avg_check(op, arr.dtype)
    if g.size == 1:
        _mpi_op_local(op)
        return Work() if async_op else None
    buf, direct = _buffer(arr)
    mop = _mpi_op(g.MPI, op, buf.dtype)

    def finish() -> None:
        if op is ReduceOp.AVG:
            np.divide(buf, g.size, out=buf)
        _write_back(tensor, arr, buf, direct)

    return _run(g, g.comm.Iallreduce(g.MPI.IN_PLACE, buf, op=mop), "all_reduce()", async_op, finish)


def _mpi_op_local(op: ReduceOp) -> None:
    if not isinstance(op, ReduceOp):
        raise TypeError(f"op must be an autodiff.distributed.ReduceOp, got {op!r}")


def reduce(
    tensor: Tensor,
    dst: int = 0,
    op: ReduceOp = ReduceOp.SUM,
    group: Any = None,
    async_op: bool = False,
) -> Work | None:
    """Combine ``tensor`` across ranks into rank ``dst``'s tensor (the others keep theirs).

    Examples
    --------
    >>> import autodiff
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> t = autodiff.tensor(3.0)
    >>> dist.reduce(t, dst=0)
    >>> t.item()
    3.0
    >>> dist.destroy_process_group()
    """
    g = _group("reduce()")
    _check_tensor(tensor, "reduce()")
    _check_rank(g, dst, "dst")
    arr = tensor.data
    _avg_check(op, arr.dtype)
    if g.size == 1:
        _mpi_op_local(op)
        return Work() if async_op else None
    buf, direct = _buffer(arr)
    mop = _mpi_op(g.MPI, op, buf.dtype)
    is_root = g.rank == dst
    if is_root:
        send = g.MPI.IN_PLACE
    else:
        send, buf, direct = buf, None, True

    def finish() -> None:
        if is_root:
            if op is ReduceOp.AVG:
                np.divide(buf, g.size, out=buf)
            _write_back(tensor, arr, buf, direct)

    return _run(g, g.comm.Ireduce(send, buf, op=mop, root=dst), "reduce()", async_op, finish)


def broadcast(
    tensor: Tensor, src: int = 0, group: Any = None, async_op: bool = False
) -> Work | None:
    """Copy rank ``src``'s ``tensor`` into every rank's ``tensor`` (same shape and dtype).

    Examples
    --------
    >>> import autodiff
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> t = autodiff.arange(3.0)
    >>> dist.broadcast(t, src=0)
    >>> t.tolist()
    [0.0, 1.0, 2.0]
    >>> dist.destroy_process_group()
    """
    g = _group("broadcast()")
    _check_tensor(tensor, "broadcast()")
    _check_rank(g, src, "src")
    if g.size == 1:
        return Work() if async_op else None
    arr = tensor.data
    buf, direct = _buffer(arr)

    def finish() -> None:
        _write_back(tensor, arr, buf, direct)

    return _run(g, g.comm.Ibcast(buf, root=src), "broadcast()", async_op, finish)


def all_gather(
    tensor_list: list[Tensor], tensor: Tensor, group: Any = None, async_op: bool = False
) -> Work | None:
    """Gather every rank's ``tensor`` into ``tensor_list`` (one Tensor per rank, in rank order).

    ``tensor_list`` holds ``get_world_size()`` tensors of ``tensor``'s shape
    and dtype, which are overwritten.

    Examples
    --------
    >>> import autodiff
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> out = [autodiff.zeros(2)]
    >>> dist.all_gather(out, autodiff.tensor([1.0, 2.0]))
    >>> out[0].tolist()
    [1.0, 2.0]
    >>> dist.destroy_process_group()
    """
    g = _group("all_gather()")
    _check_tensor(tensor, "all_gather()")
    if not isinstance(tensor_list, list) or len(tensor_list) != g.size:
        raise ValueError(
            f"all_gather() needs tensor_list to be a list of world size ({g.size}) tensors"
        )
    for i, t in enumerate(tensor_list):
        _check_tensor(t, "all_gather()")
        if t.shape != tensor.shape or t.dtype != tensor.dtype:
            raise ValueError(
                f"all_gather(): tensor_list[{i}] has shape {t.shape} and dtype {t.dtype}; "
                f"it must match the input's {tensor.shape} and {tensor.dtype}"
            )
    send, _ = _buffer(tensor.data)
    if g.size == 1:
        _write_back(tensor_list[0], tensor_list[0].data, send, False)
        return Work() if async_op else None
    recv = np.empty((g.size, *send.shape), dtype=send.dtype)

    def finish() -> None:
        for t, part in zip(tensor_list, recv):
            _write_back(t, t.data, part, False)

    return _run(g, g.comm.Iallgather(send, recv), "all_gather()", async_op, finish)


def barrier(group: Any = None, async_op: bool = False) -> Work | None:
    """Block until every rank has called ``barrier()``.

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> dist.barrier()
    >>> dist.destroy_process_group()
    """
    g = _group("barrier()")
    if g.size == 1:
        return Work() if async_op else None
    return _run(g, g.comm.Ibarrier(), "barrier()", async_op)


def broadcast_object_list(object_list: list, src: int = 0, group: Any = None) -> None:
    """Replace ``object_list``'s items on every rank with rank ``src``'s (pickled).

    Only for trusted peers: the objects travel as pickles, as in PyTorch.

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> objs = [{"epoch": 3}]
    >>> dist.broadcast_object_list(objs)
    >>> objs
    [{'epoch': 3}]
    >>> dist.destroy_process_group()
    """
    g = _group("broadcast_object_list()")
    _check_rank(g, src, "src")
    if g.size == 1:
        return
    # the pickle's length, then its bytes: buffer collectives, so the wait sees ranks leave
    what = "broadcast_object_list()"
    data = pickle.dumps(list(object_list)) if g.rank == src else b""
    n = np.array([len(data)], dtype=np.int64)
    _run(g, g.comm.Ibcast(n, root=src), what, False)
    buf = np.frombuffer(data, dtype=np.uint8).copy() if g.rank == src else np.empty(n[0], np.uint8)
    _run(g, g.comm.Ibcast(buf, root=src), what, False)
    if g.rank != src:
        object_list[:] = pickle.loads(buf.tobytes())


def all_gather_object(object_list: list, obj: Any, group: Any = None) -> None:
    """Fill ``object_list`` (world size long) with every rank's ``obj`` (pickled).

    Examples
    --------
    >>> import autodiff.distributed as dist
    >>> dist.init_process_group()
    >>> out = [None]
    >>> dist.all_gather_object(out, "hello")
    >>> out
    ['hello']
    >>> dist.destroy_process_group()
    """
    g = _group("all_gather_object()")
    if len(object_list) != g.size:
        raise ValueError(f"all_gather_object() needs a list of world size ({g.size}) items")
    if g.size == 1:
        object_list[:] = [obj]
        return
    # every length, then the pickles padded to the longest: buffer collectives, watched waits
    what = "all_gather_object()"
    data = pickle.dumps(obj)
    lengths = np.empty(g.size, dtype=np.int64)
    _run(g, g.comm.Iallgather(np.array([len(data)], dtype=np.int64), lengths), what, False)
    send = np.zeros(int(lengths.max()), dtype=np.uint8)
    send[: len(data)] = np.frombuffer(data, dtype=np.uint8)
    recv = np.empty((g.size, send.size), dtype=np.uint8)
    _run(g, g.comm.Iallgather(send, recv), what, False)
    object_list[:] = [pickle.loads(row[:k].tobytes()) for row, k in zip(recv, lengths)]


def _check_rank(g: _Group, r: int, what: str) -> None:
    if isinstance(r, bool) or not isinstance(r, (int, np.integer)) or not 0 <= r < g.size:
        raise ValueError(f"{what} must be a rank in [0, {g.size}), got {r!r}")
