"""Data-parallel training: ``DistributedDataParallel``, as PyTorch's, over MPI.

Each rank holds a full copy of the model and trains on its own share of every
global batch; after backward the gradients are averaged across ranks, so that
each optimizer step sees the gradient of the loss over the global batch and
the copies stay identical. See ``docs/distributed.md``.

Examples
--------
>>> import autodiff
>>> import autodiff.distributed as dist
>>> from autodiff import nn
>>> from autodiff.nn.parallel import DistributedDataParallel as DDP
>>> dist.init_process_group()
>>> model = DDP(nn.Linear(3, 1))
>>> model(autodiff.ones(4, 3)).sum().backward()
>>> model.module.weight.grad.shape
(1, 3)
>>> dist.destroy_process_group()
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import distributed as dist
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor, _make
from .module import Module

__all__ = ["DistributedDataParallel"]

_MB = 1024 * 1024


class _Bucket:
    """Gradients of some parameters (one dtype) packed into one flat buffer."""

    __slots__ = (
        "index",
        "params",
        "offsets",
        "dtype",
        "numel",
        "buf",
        "pending",
        "work",
        "launched",
    )

    def __init__(self, index: int, params: list[Tensor]) -> None:
        self.index = index
        self.params = params
        self.dtype = params[0].dtype
        offsets, n = [], 0
        for p in params:
            offsets.append(n)
            n += p.data.size
        self.offsets = offsets
        self.numel = n
        self.buf = np.empty(n, dtype=self.dtype)
        self.pending = len(params)
        self.work = None
        self.launched = False

    def slot(self, i: int) -> np.ndarray:
        p = self.params[i]
        return self.buf[self.offsets[i] : self.offsets[i] + p.data.size].reshape(p.shape)


class _Refs:
    """The wrapped module's parameters, in a container that ``Module`` does not walk
    (so they are not listed twice, under DDP's own name)."""

    __slots__ = ("items",)

    def __init__(self, items: list[Tensor]) -> None:
        self.items = items

    def __iter__(self) -> Iterator[Tensor]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __reversed__(self) -> Iterator[Tensor]:
        return reversed(self.items)


class DistributedDataParallel(Module):
    """Wrap ``module`` for data-parallel training over the default process group.

    At construction, rank 0's parameters and buffers are copied to every rank
    (after checking that all ranks have the same parameter names, shapes and
    dtypes). During backward, each parameter's gradient is copied into a
    bucket (about ``bucket_cap_mb`` megabytes, parameters in reverse order, the
    first bucket ``first_bucket_cap_mb``, as PyTorch's) as soon as it is
    complete, and a bucket whose gradients are all in is all-reduced
    (``MPI_Iallreduce``, non-blocking) right away, while backward goes on with
    the earlier layers. When the last gradient is in, backward waits for every
    bucket and writes the averaged gradients (sum over ranks / world size, the
    gradient of the mean over the global batch) into ``.grad``: after
    ``loss.backward()`` the optimizer sees the same gradients on every rank.
    If a rank ends (``sys.exit``, end of script) while the others wait for
    its gradients, they abort the job naming it (see
    ``autodiff.distributed.init_process_group``).

    Parameters
    ----------
    module : Module
        The model; reachable as ``.module`` (``state_dict`` keys get the
        ``module.`` prefix, as PyTorch's).
    device_ids, output_device, dim : optional
        Accepted for compatibility with PyTorch and ignored (CPU only).
    broadcast_buffers : bool
        Copy rank 0's buffers (e.g. BatchNorm statistics) to every rank at the
        start of each forward.
    bucket_cap_mb : float
        Bucket size in megabytes (default 25, as PyTorch).
    find_unused_parameters : bool
        Trace the forward's output graph to find parameters that will get no
        gradient, and reduce without waiting for them (their ``.grad`` stays
        None where no rank used them). Without it such a model raises an error
        at the next forward.
    first_bucket_cap_mb : float
        Size of the first bucket to be reduced (default 1, as PyTorch), so that
        communication starts early in backward.

    Examples
    --------
    >>> import autodiff
    >>> import autodiff.distributed as dist
    >>> from autodiff import nn, optim
    >>> from autodiff.nn.parallel import DistributedDataParallel
    >>> dist.init_process_group()
    >>> model = DistributedDataParallel(nn.Linear(4, 2))
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> loss = model(autodiff.randn(8, 4)).pow(2).mean()
    >>> loss.backward()          # gradients are averaged over the ranks here
    >>> opt.step()
    >>> with model.no_sync():    # accumulate locally, no communication
    ...     model(autodiff.randn(8, 4)).sum().backward()
    >>> dist.destroy_process_group()
    """

    def __init__(
        self,
        module: Module,
        device_ids: Any = None,
        output_device: Any = None,
        dim: int = 0,
        broadcast_buffers: bool = True,
        process_group: Any = None,
        bucket_cap_mb: float = 25.0,
        find_unused_parameters: bool = False,
        gradient_as_bucket_view: bool = False,
        first_bucket_cap_mb: float = 1.0,
    ) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(
                f"DistributedDataParallel wraps an autodiff.nn.Module, got {type(module).__name__}"
            )
        group = dist._group("DistributedDataParallel")
        self.module = module
        object.__setattr__(self, "_group", group)
        object.__setattr__(self, "broadcast_buffers", bool(broadcast_buffers))
        object.__setattr__(self, "find_unused_parameters", bool(find_unused_parameters))
        object.__setattr__(self, "bucket_cap_mb", float(bucket_cap_mb))
        object.__setattr__(self, "require_backward_grad_sync", True)
        named = []
        seen: set[int] = set()
        for name, p in module.named_parameters():
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                named.append((name, p))
        object.__setattr__(self, "_names", [n for n, _ in named])
        object.__setattr__(self, "_params", _Refs([p for _, p in named]))
        self._check_same_parameters(module)
        self._broadcast_state(module)
        buckets = self._make_buckets(bucket_cap_mb * _MB, first_bucket_cap_mb * _MB)
        object.__setattr__(self, "_buckets", buckets)
        # where each parameter lives: (bucket, index in bucket)
        where = {}
        for b in buckets:
            for i, p in enumerate(b.params):
                where[id(p)] = (b, i)
        object.__setattr__(self, "_where", where)
        object.__setattr__(self, "_index", {id(p): k for k, p in enumerate(self._params)})
        object.__setattr__(self, "_ready", np.zeros(len(self._params), dtype=bool))
        object.__setattr__(self, "_used", np.ones(len(self._params), dtype=bool))
        object.__setattr__(self, "_expect", False)  # a synced backward is expected
        object.__setattr__(self, "_n_ready", 0)
        object.__setattr__(self, "_n_expected", 0)
        object.__setattr__(self, "_in_flight", [])
        handles = []
        if group.size > 1:
            for p in self._params:
                handles.append(p.register_post_accumulate_grad_hook(self._grad_ready))
        object.__setattr__(self, "_handles", handles)

    # ------------------------------------------------------------ set-up
    def _check_same_parameters(self, module: Module) -> None:
        g = self._group
        if g.size == 1:
            return
        mine = [(n, tuple(p.shape), p.dtype.str) for n, p in zip(self._names, self._params)]
        mine += [("buffer " + n, tuple(b.shape), b.dtype.str) for n, b in module.named_buffers()]
        every: list = [None] * g.size
        dist.all_gather_object(every, mine)
        ref = every[0]
        for r, theirs in enumerate(every):
            if theirs == ref:
                continue
            msg = f"rank {r} has {len(theirs)} parameters and buffers, rank 0 has {len(ref)}"
            for a, b in zip(ref, theirs):
                if a != b:
                    msg = (
                        f"rank 0 has {a[0]!r} of shape {a[1]} ({np.dtype(a[2])}), rank {r} has "
                        f"{b[0]!r} of shape {b[1]} ({np.dtype(b[2])})"
                    )
                    break
            raise RuntimeError(
                "DistributedDataParallel: the ranks' models differ (every rank must build "
                f"the same model): {msg}"
            )

    def _broadcast_state(self, module: Module) -> None:
        if self._group.size == 1:
            return
        for p in self._params:
            dist.broadcast(p, src=0)
        for _, b in module.named_buffers():
            dist.broadcast(b, src=0)

    def _make_buckets(self, cap: float, first_cap: float) -> list[_Bucket]:
        buckets: list[_Bucket] = []
        open_: dict[np.dtype, tuple[list[Tensor], int]] = {}
        # reverse order: the last layers' gradients are ready first in backward
        for p in reversed(self._params):
            params, nbytes = open_.get(p.dtype, ([], 0))
            params.append(p)
            nbytes += p.data.nbytes
            limit = first_cap if not buckets else cap
            if nbytes >= limit:
                buckets.append(_Bucket(len(buckets), params))
                params, nbytes = [], 0
            open_[p.dtype] = (params, nbytes)
        for params, _ in open_.values():
            if params:
                buckets.append(_Bucket(len(buckets), params))
        return buckets

    # ----------------------------------------------------------- forward
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run the wrapped module, and prepare the gradient reduction of its backward.

        Examples
        --------
        >>> import autodiff
        >>> import autodiff.distributed as dist
        >>> from autodiff import nn
        >>> dist.init_process_group()
        >>> ddp = nn.parallel.DistributedDataParallel(nn.Linear(3, 1))
        >>> ddp(autodiff.ones(2, 3)).shape
        (2, 1)
        >>> dist.destroy_process_group()
        """
        g = self._group
        if g.size > 1:
            self._check_finished()
            if self.broadcast_buffers:
                for _, b in self.module.named_buffers():
                    dist.broadcast(b, src=0)
        out = self.module(*args, **kwargs)
        sync = g.size > 1 and self.require_backward_grad_sync and is_grad_enabled()
        object.__setattr__(self, "_expect", bool(sync))
        if sync:
            self._prepare(out)
        return out

    def _check_finished(self) -> None:
        if self._expect and 0 < self._n_ready < self._n_expected:
            missing = [n for n, r, u in zip(self._names, self._ready, self._used) if u and not r]
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            raise RuntimeError(
                "DistributedDataParallel: expected to have finished the gradient reduction of "
                "the previous iteration before starting a new one: some parameters got no "
                "gradient in the last backward (they were not used to compute the loss): "
                f"{shown}. Pass find_unused_parameters=True to DistributedDataParallel, or "
                "make sure every forward output takes part in the loss"
            )

    def _prepare(self, out: Any) -> None:
        self._ready[:] = False
        self._used[:] = True
        if self.find_unused_parameters:
            self._used[:] = False
            for k in self._reachable(out):
                self._used[k] = True
        for b in self._buckets:
            b.pending = sum(1 for p in b.params if self._used[self._index[id(p)]])
            b.work = None
            b.launched = False
            b.buf = np.empty(b.numel, dtype=b.dtype)
            if b.pending < len(b.params):
                for i, p in enumerate(b.params):
                    if not self._used[self._index[id(p)]]:
                        b.slot(i)[...] = 0
        object.__setattr__(self, "_n_ready", 0)
        object.__setattr__(self, "_n_expected", int(self._used.sum()))
        object.__setattr__(self, "_in_flight", [])

    def _reachable(self, out: Any) -> list[int]:
        """Indices of the parameters that the graph of ``out`` reaches."""
        roots = []

        def collect(o: Any) -> None:
            if isinstance(o, Tensor):
                roots.append(o.grad_fn if o.grad_fn is not None else o)
            elif isinstance(o, (list, tuple)):
                for x in o:
                    collect(x)
            elif isinstance(o, dict):
                for x in o.values():
                    collect(x)

        collect(out)
        found, seen, stack = [], set(), roots
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, Tensor):
                k = self._index.get(id(node))
                if k is not None:
                    found.append(k)
                continue
            stack.extend(getattr(node, "next_functions", ()))
        return found

    # ---------------------------------------------------------- backward
    def _grad_ready(self, p: Tensor) -> None:
        """Post-accumulate-grad hook: pack ``p.grad``, launch its bucket when full."""
        if not self._expect:
            return
        k = self._index[id(p)]
        if self._ready[k]:
            raise RuntimeError(
                f"DistributedDataParallel: parameter {self._names[k]!r} got its gradient twice "
                "in one iteration (a second backward through the same forward?); run the "
                "forward again before each backward, or use no_sync() for the extra passes"
            )
        if not self._used[k]:  # reached although the forward's graph did not show it
            self._used[k] = True
            object.__setattr__(self, "_n_expected", self._n_expected + 1)
            self._where[id(p)][0].pending += 1
        self._ready[k] = True
        b, i = self._where[id(p)]
        np.copyto(b.slot(i), p.grad.data)
        b.pending -= 1
        object.__setattr__(self, "_n_ready", self._n_ready + 1)
        self._launch_ready()
        if self._n_ready == self._n_expected:
            self._finish()
        else:
            self._progress()

    def _launch_ready(self) -> None:
        g = self._group
        for b in self._buckets:
            if b.pending == 0 and not b.launched:
                b.launched = True
                # numbered by the group, whose waits notice a rank that left
                b.work = g.start(g.comm.Iallreduce(g.MPI.IN_PLACE, b.buf, op=g.MPI.SUM))
                self._in_flight.append(b.work)

    def _progress(self) -> None:
        # MPI progresses non-blocking collectives inside MPI calls: poke it while
        # backward computes, so the reductions move on between layers
        if self._in_flight:
            self._group.test(self._in_flight)

    def _finish(self) -> None:
        g = self._group
        for b in self._buckets:  # buckets of unused parameters only
            if not b.launched:
                b.pending = 0
        self._launch_ready()
        used_all = None
        what = "DistributedDataParallel's gradient all-reduce (backward)"
        if self.find_unused_parameters:
            used_all = self._used.astype(np.uint8)
            g.wait([g.start(g.comm.Iallreduce(g.MPI.IN_PLACE, used_all, op=g.MPI.MAX))], what)
        g.wait([b.work for b in self._buckets], what)
        scale = 1.0 / g.size
        for b in self._buckets:
            avg = b.buf
            avg *= avg.dtype.type(scale)
            for i, p in enumerate(b.params):
                k = self._index[id(p)]
                if used_all is not None and not used_all[k]:
                    continue  # no rank used it: leave .grad alone, as PyTorch
                p.grad = _make(b.slot(i), None)
            b.work = None
        object.__setattr__(self, "_expect", False)
        object.__setattr__(self, "_in_flight", [])

    # ------------------------------------------------------------ no_sync
    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Inside, forward/backward accumulate gradients locally without communicating.

        The first backward after the block reduces the accumulated gradients,
        as PyTorch's: ``k`` passes under ``no_sync`` and one outside give the
        gradient of the sum of ``k + 1`` micro-batch losses, averaged over ranks.

        Examples
        --------
        >>> import autodiff
        >>> import autodiff.distributed as dist
        >>> from autodiff import nn
        >>> from autodiff.nn.parallel import DistributedDataParallel as DDP
        >>> dist.init_process_group()
        >>> model = DDP(nn.Linear(2, 1))
        >>> with model.no_sync():
        ...     model(autodiff.ones(1, 2)).sum().backward()
        >>> model(autodiff.ones(1, 2)).sum().backward()
        >>> model.module.bias.grad.tolist()
        [2.0]
        >>> dist.destroy_process_group()
        """
        old = self.require_backward_grad_sync
        object.__setattr__(self, "require_backward_grad_sync", False)
        try:
            yield
        finally:
            object.__setattr__(self, "require_backward_grad_sync", old)

    def extra_repr(self) -> str:
        sizes = ", ".join(f"{b.buf.nbytes / _MB:.2f}" for b in self._buckets)
        return f"world_size={self._group.size}, buckets_mb=[{sizes}]"
