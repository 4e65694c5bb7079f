"""Module, Parameter and the containers (Sequential, ModuleList, ModuleDict).

A Module finds its parameters, buffers and submodules by walking its own
attributes (in assignment order): Parameters, Modules, and lists, tuples and
dicts of them. Nothing has to be registered by hand except buffers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import numpy as np

from .. import _dtypes, _storage
from .._typing import DeviceLike, DTypeLike
from ..device import to_args
from ..engine import no_grad
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad and that a Module registers when assigned.

    Parameters
    ----------
    data : Tensor, ndarray or nested list
        The initial value, copied as by ``autodiff.tensor`` (PyTorch's Parameter
        shares a Tensor's memory; here the parameter owns its memory, so a later
        change to ``data`` never reaches it).
    requires_grad : bool
        Default True.

    Examples
    --------
    >>> import autodiff
    >>> p = autodiff.nn.Parameter(autodiff.zeros(2))
    >>> p.requires_grad, p.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.zeros((0,), dtype=np.float32)
        # (a copy, even of a Tensor: a parameter that shared a tensor's memory would also
        # need its version counter and view relations without becoming its view)
        super().__init__(data.data if isinstance(data, Tensor) else data, requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def _items(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    """(name, item) for a Module or Tensor, or for those inside lists/tuples/dicts."""
    if isinstance(value, (Module, Tensor)):
        yield prefix, value
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            if isinstance(v, (Module, Tensor, list, tuple, dict)):
                yield from _items(f"{prefix}.{i}", v)
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (Module, Tensor, list, tuple, dict)):
                yield from _items(f"{prefix}.{k}", v)


_IncompatibleKeys = NamedTuple(  # noqa: UP014 (the repr stays "IncompatibleKeys(...)")
    "IncompatibleKeys", [("missing_keys", list[str]), ("unexpected_keys", list[str])]
)

# Called after every Module call as ``hook(module, args, kwargs, output)``. autodiff.viz
# adds one when it is imported (it records the call on the output's node, so pictures
# can group a module's ops); nn itself knows nothing of drawing.
CALL_HOOKS: list[Callable[[Module, tuple, dict, Any], None]] = []


class Module:
    """Base class of every layer and model.

    Subclasses set layers and Parameters as attributes in ``__init__`` (after
    ``super().__init__()``) and define ``forward``; call the module itself,
    not ``forward``.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff import nn
    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = nn.Linear(3, 2)
    ...     def forward(self, x):
    ...         return self.fc(x).relu()
    >>> net = Net()
    >>> [name for name, _ in net.named_parameters()]
    ['fc.weight', 'fc.bias']
    >>> net(autodiff.ones(4, 3)).shape
    (4, 2)
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_buffer_names", [])
        object.__setattr__(self, "_non_persistent", set())  # buffers left out of state_dict

    # ------------------------------------------------------------- calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The module's computation: override it, and call the module (``model(x)``),
        not ``forward``, so that hooks run and graph pictures see the call.

        Every layer documents its inputs and outputs in its class docstring.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> layer = nn.Linear(3, 2)
        >>> layer(autodiff.ones(4, 3)).shape
        (4, 2)
        """
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.forward(*args, **kwargs)
        for hook in CALL_HOOKS:
            hook(self, args, kwargs, out)
        return out

    # ---------------------------------------------------------- attributes
    def __setattr__(self, name: str, value: Any) -> None:
        if "_buffer_names" not in self.__dict__ and isinstance(value, (Module, Parameter)):
            raise AttributeError(
                f"cannot assign {type(value).__name__} '{name}' before Module.__init__() "
                "call: call super().__init__() first in your __init__"
            )
        old = self.__dict__.get(name)
        if (
            isinstance(old, Parameter)
            and value is not None
            and not isinstance(value, (Parameter, Module))
        ):
            raise TypeError(
                f"cannot assign {type(value).__name__} as parameter '{name}' "
                "(autodiff.nn.Parameter or None expected)"
            )
        if name in self.__dict__.get("_buffer_names", ()) and not (
            value is None or isinstance(value, Tensor)
        ):
            raise TypeError(
                f"cannot assign {type(value).__name__} as buffer '{name}' (Tensor or None expected)"
            )
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is part of the state (saved in ``state_dict``) but not trained.

        With ``persistent=False`` it moves with the module (``to``, ``buffers()``)
        but is left out of ``state_dict`` and not expected by ``load_state_dict``.

        Examples
        --------
        >>> import autodiff
        >>> m = autodiff.nn.Module()
        >>> m.register_buffer("steps", autodiff.zeros(1))
        >>> m.register_buffer("cache", autodiff.zeros(3), persistent=False)
        >>> list(m.state_dict())
        ['steps']
        """
        if "_buffer_names" not in self.__dict__:
            raise AttributeError("cannot register a buffer before Module.__init__() is called")
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"buffer name must be a non-empty string without '.', got {name!r}")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: '{name}' must be a Tensor or None, got {type(tensor).__name__}"
            )
        if name not in self._buffer_names:
            self._buffer_names.append(name)
        non_persistent = self.__dict__.setdefault("_non_persistent", set())
        if persistent:
            non_persistent.discard(name)
        else:
            non_persistent.add(name)
        object.__setattr__(self, name, tensor)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter under ``name`` (same as assigning it as an attribute).

        Examples
        --------
        >>> import autodiff
        >>> m = autodiff.nn.Module()
        >>> m.register_parameter("w", autodiff.nn.Parameter(autodiff.ones(2)))
        >>> [n for n, _ in m.named_parameters()]
        ['w']
        """
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: '{name}' must be a Parameter or None, "
                f"got {type(param).__name__}"
            )
        setattr(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a submodule under ``name`` (same as assigning it as an attribute).

        Examples
        --------
        >>> from autodiff import nn
        >>> m = nn.Module()
        >>> m.add_module("fc", nn.Linear(2, 2))
        >>> [n for n, _ in m.named_children()]
        ['fc']
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: '{name}' is a {type(module).__name__}, not a Module")
        setattr(self, name, module)

    def _own(self) -> Iterator[tuple[str, Any]]:
        buffers = self.__dict__.get("_buffer_names", ())
        for name, value in self.__dict__.items():
            if name in buffers or name == "_buffer_names":
                continue
            yield from _items(name, value)

    # -------------------------------------------------------------- walking
    def _submodules(self) -> list[tuple[str, Module]]:
        """Direct submodules by name, a module held under two names listed twice
        (PyTorch's ``_modules``: containers, ``repr`` and ``state_dict`` use it)."""
        return [(name, v) for name, v in self._own() if isinstance(v, Module)]

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct submodules with their attribute names (``layers.0`` for lists).

        Examples
        --------
        >>> from autodiff import nn
        >>> [n for n, _ in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).named_children()]
        ['0', '1']
        """
        seen = set()
        for name, v in self._own():
            if isinstance(v, Module) and id(v) not in seen:
                seen.add(id(v))
                yield name, v

    def children(self) -> Iterator[Module]:
        """Direct submodules.

        Examples
        --------
        >>> from autodiff import nn
        >>> len(list(nn.Sequential(nn.Linear(2, 2), nn.ReLU()).children()))
        2
        """
        for _, m in self.named_children():
            yield m

    def named_modules(
        self, memo: set | None = None, prefix: str = ""
    ) -> Iterator[tuple[str, Module]]:
        """This module and every submodule (pre-order, each once) with dotted names.

        Examples
        --------
        >>> from autodiff import nn
        >>> [n for n, _ in nn.Sequential(nn.Linear(2, 2)).named_modules()]
        ['', '0']
        """
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        """This module and every submodule.

        Examples
        --------
        >>> from autodiff import nn
        >>> len(list(nn.Sequential(nn.Linear(2, 2), nn.ReLU()).modules()))
        3
        """
        for _, m in self.named_modules():
            yield m

    def _own_parameters(self) -> Iterator[tuple[str, Parameter]]:
        for name, v in self._own():
            if isinstance(v, Parameter):
                yield name, v

    def _own_buffers(self) -> Iterator[tuple[str, Tensor]]:
        for name in self.__dict__.get("_buffer_names", ()):
            v = self.__dict__.get(name)
            if v is not None:
                yield name, v

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Parameters with dotted names (``0.weight``, ``net.0.bias``), each once.

        A module's own parameters come before its children's, in assignment order.

        Examples
        --------
        >>> from autodiff import nn
        >>> [n for n, _ in nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1)).named_parameters()]
        ['0.weight', '0.bias', '1.weight', '1.bias']
        """
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mname, m in mods:
            for name, p in m._own_parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mname}.{name}" if mname else name), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, each once (shared ones are not repeated).

        Examples
        --------
        >>> from autodiff import nn
        >>> sum(p.numel() for p in nn.Linear(3, 2).parameters())
        8
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """Buffers (registered with ``register_buffer``) with dotted names.

        Examples
        --------
        >>> from autodiff import nn
        >>> [n for n, _ in nn.BatchNorm1d(3).named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
        """
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mname, m in mods:
            for name, b in m._own_buffers():
                if id(b) not in seen:
                    seen.add(id(b))
                    yield (f"{mname}.{name}" if mname else name), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer.

        Examples
        --------
        >>> from autodiff import nn
        >>> len(list(nn.BatchNorm1d(3).buffers()))
        3
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ---------------------------------------------------------------- modes
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on every submodule.

        Examples
        --------
        >>> from autodiff import nn
        >>> net = nn.Sequential(nn.Dropout(0.5))
        >>> net.train(False)[0].training
        False
        """
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be a bool, got {type(mode).__name__}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (dropout off, batch norm uses running statistics).

        Examples
        --------
        >>> from autodiff import nn
        >>> nn.Dropout(0.5).eval().training
        False
        """
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of every parameter (set them to None by default).

        Examples
        --------
        >>> import autodiff
        >>> lin = autodiff.nn.Linear(2, 1)
        >>> lin(autodiff.ones(1, 2)).sum().backward()
        >>> lin.zero_grad(); lin.weight.grad is None
        True
        """
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad = Tensor(np.zeros_like(p.grad.data))

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Turn gradient tracking of every parameter on or off (e.g. to freeze layers).

        Examples
        --------
        >>> from autodiff import nn
        >>> lin = nn.Linear(2, 2).requires_grad_(False)
        >>> lin.weight.requires_grad
        False
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every submodule (children first) and on this module.

        Examples
        --------
        >>> from autodiff import nn
        >>> seen = []
        >>> _ = nn.Sequential(nn.ReLU()).apply(lambda m: seen.append(type(m).__name__))
        >>> seen
        ['ReLU', 'Sequential']
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, *args: Any, dtype: DTypeLike = None, device: DeviceLike = None) -> Module:
        """Convert floating-point parameters and buffers to ``dtype``, in place.

        The Parameter objects stay the same, so optimizers holding them keep working.
        PyTorch's ``to(device)`` forms are accepted; the only device is the CPU.

        Examples
        --------
        >>> import autodiff
        >>> autodiff.nn.Linear(2, 2).to(autodiff.float64).weight.dtype
        dtype('float64')
        >>> autodiff.nn.Linear(2, 2).to("cpu").weight.dtype
        dtype('float32')
        """
        dtype, device = to_args(args, dtype, device)
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Module.to: dtype must be a floating dtype, got {dtype}")
        for t in (*self.parameters(), *self.buffers()):
            if isinstance(t, UninitializedParameter):  # (a lazy module's: its dtype to come)
                t._data.pending_dtype = dtype
                continue
            if t.data.dtype.kind == "f" and t.data.dtype != dtype:
                t.data = _storage.copy(t.data, dtype)
                if t.grad is not None:
                    t.grad = Tensor(t.grad.data.astype(dtype))
        return self

    def cpu(self) -> Module:
        """This module (it already lives on the CPU).

        Examples
        --------
        >>> import autodiff
        >>> m = autodiff.nn.Linear(2, 2)
        >>> m.cpu() is m
        True
        """
        return self

    def double(self) -> Module:
        """``to(float64)``.

        Examples
        --------
        >>> from autodiff import nn
        >>> nn.Linear(1, 1).double().weight.dtype
        dtype('float64')
        """
        return self.to(np.float64)

    def float(self) -> Module:
        """``to(float32)``.

        Examples
        --------
        >>> from autodiff import nn
        >>> nn.Linear(1, 1).double().float().weight.dtype
        dtype('float32')
        """
        return self.to(np.float32)

    # ------------------------------------------------------------ state dict
    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
        """Parameters and buffers by dotted name, a module's own before its children's.

        The tensors share memory with the module (as PyTorch); they are detached
        unless ``keep_vars=True``.

        Examples
        --------
        >>> from autodiff import nn
        >>> list(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).state_dict())[:3]
        ['0.weight', '0.bias', '1.weight']
        """
        out: OrderedDict = OrderedDict()
        self._collect_state(out, prefix.rstrip("."), keep_vars, ())
        return out

    def _collect_state(self, out: OrderedDict, mname: str, keep_vars: bool, path: tuple) -> None:
        # As PyTorch: a submodule held under two names is saved under both.
        pre = f"{mname}." if mname else ""
        skip = self.__dict__.get("_non_persistent", ())
        for name, t in (*self._own_parameters(), *self._own_buffers()):
            if name in skip:
                continue
            key = pre + name
            if key not in out:
                # (a lazy module's unfilled parameter goes as it is, as PyTorch's)
                keep = keep_vars or isinstance(t, UninitializedParameter)
                out[key] = t if keep else t.detach()
        path = (*path, id(self))
        for name, child in self._submodules():
            if id(child) not in path:  # a module that refers back to an ancestor
                child._collect_state(out, pre + name, keep_vars, path)

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> _IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers in place.

        Raises a ``RuntimeError`` listing missing and unexpected keys (when
        ``strict``) and any shape mismatch. Returns ``(missing_keys,
        unexpected_keys)``.

        Examples
        --------
        >>> from autodiff import nn
        >>> a, b = nn.Linear(2, 2), nn.Linear(2, 2)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((a.weight == b.weight).all())
        True
        """
        if not isinstance(state_dict, dict):
            raise TypeError(
                f"load_state_dict expects a dict of name -> Tensor, got {type(state_dict).__name__}"
            )
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            if missing:
                errors.append(
                    "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing)
                )
            if unexpected:
                errors.append(
                    "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected)
                )
        pairs = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if isinstance(value, UninitializedParameter):
                continue  # (from a lazy module before its first call: nothing to copy)
            arr = value.data if isinstance(value, Tensor) else np.asarray(value)
            if isinstance(target, UninitializedParameter):  # (a lazy module's: take its shape)
                target.materialize(arr.shape)
            if arr.shape != target.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {arr.shape} from "
                    f"checkpoint, the shape in current model is {target.shape}"
                )
                continue
            pairs.append((target, arr))
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        with no_grad():
            for target, arr in pairs:
                target.copy_(Tensor(np.array(arr, dtype=target.data.dtype)))
        return _IncompatibleKeys(missing, unexpected)

    # ----------------------------------------------------------------- repr
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr`` (override it).

        Examples
        --------
        >>> from autodiff import nn
        >>> nn.Linear(3, 2).extra_repr()
        'in_features=3, out_features=2, bias=True'
        """
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        children = []
        for name, child in self._submodules():
            text = repr(child).replace("\n", "\n  ")
            children.append(f"({name}): {text}")
        body = lines + children
        if not body:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not children:
            return f"{type(self).__name__}({extra})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(body) + "\n)"


# ------------------------------------------------------------- containers


class Sequential(Module):
    """Modules applied one after another; indexable, iterable, sliceable.

    Parameters
    ----------
    *modules : Module
        Or one OrderedDict of name -> Module.

    Examples
    --------
    >>> import autodiff
    >>> from autodiff import nn
    >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    >>> net(autodiff.ones(2, 4)).shape, len(net), type(net[1]).__name__
    ((2, 1), 3, 'ReLU')
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            items = list(modules[0].items())
        else:
            items = [(str(i), m) for i, m in enumerate(modules)]
        for name, m in items:
            if not isinstance(m, Module):
                raise TypeError(f"Sequential: item {name!r} is a {type(m).__name__}, not a Module")
            setattr(self, name, m)

    def _list(self) -> list[Module]:
        return [m for _, m in self._submodules()]

    def __getitem__(self, idx: int | slice) -> Module:
        mods = self._submodules()
        if isinstance(idx, slice):
            return Sequential(OrderedDict(mods[idx]))
        try:
            return mods[idx][1]
        except IndexError:
            raise IndexError(
                f"Sequential index {idx} is out of range (length {len(mods)})"
            ) from None

    def __len__(self) -> int:
        return len(self._list())

    def __iter__(self) -> Iterator[Module]:
        return iter(self._list())

    def append(self, module: Module) -> Sequential:
        """Add a module at the end.

        Examples
        --------
        >>> from autodiff import nn
        >>> len(nn.Sequential().append(nn.ReLU()))
        1
        """
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.append: expected a Module, got {type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def forward(self, x: Any) -> Any:
        for m in self._list():
            x = m(x)
        return x


class ModuleList(Module):
    """A list of modules whose parameters are registered (named ``0``, ``1``, ...).

    Examples
    --------
    >>> from autodiff import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        for m in modules or ():
            self.append(m)

    def append(self, module: Module) -> ModuleList:
        """Add a module at the end.

        Examples
        --------
        >>> from autodiff import nn
        >>> ml = nn.ModuleList([nn.ReLU()])
        >>> len(ml.append(nn.Tanh()))
        2
        """
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList.append: expected a Module, got {type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add several modules at the end.

        Examples
        --------
        >>> from autodiff import nn
        >>> len(nn.ModuleList().extend([nn.ReLU(), nn.Tanh()]))
        2
        """
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, idx: int | slice):
        mods = [m for _, m in self._submodules()]
        if isinstance(idx, slice):
            return ModuleList(mods[idx])
        return mods[idx]

    def __len__(self) -> int:
        return len(self._submodules())

    def __iter__(self) -> Iterator[Module]:
        return iter([m for _, m in self._submodules()])


class ModuleDict(Module):
    """A dict of modules whose parameters are registered under their keys.

    Examples
    --------
    >>> from autodiff import nn
    >>> heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    >>> [n for n, _ in heads.named_parameters()][:2]
    ['a.weight', 'a.bias']
    """

    def __init__(self, modules: dict[str, Module] | None = None) -> None:
        super().__init__()
        for k, m in (modules or {}).items():
            self[k] = m

    def __setitem__(self, key: str, module: Module) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleDict[{key!r}]: expected a Module, got {type(module).__name__}")
        setattr(self, key, module)

    def __getitem__(self, key: str) -> Module:
        for k, m in self._submodules():
            if k == key:
                return m
        raise KeyError(key)

    def __contains__(self, key: str) -> bool:
        return any(k == key for k, _ in self._submodules())

    def __len__(self) -> int:
        return len(self._submodules())

    def __iter__(self) -> Iterator[str]:
        return iter([k for k, _ in self._submodules()])

    def keys(self) -> list[str]:
        """The keys, in insertion order.

        Examples
        --------
        >>> from autodiff import nn
        >>> nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()}).keys()
        ['a', 'b']
        """
        return list(self)

    def items(self) -> list[tuple[str, Module]]:
        """(key, module) pairs, in insertion order.

        Examples
        --------
        >>> from autodiff import nn
        >>> nn.ModuleDict({"a": nn.ReLU()}).items()
        [('a', ReLU())]
        """
        return self._submodules()

    def values(self) -> list[Module]:
        """The modules, in insertion order.

        Examples
        --------
        >>> from autodiff import nn
        >>> nn.ModuleDict({"a": nn.ReLU()}).values()
        [ReLU()]
        """
        return [m for _, m in self._submodules()]


def _as_parameter(value: Any, where: str) -> Parameter:
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{where}: expected a Parameter or Tensor, got {type(value).__name__}")


class _Unmaterialized:
    """The data of an ``UninitializedParameter`` (holding the dtype it will have): any
    other use says what to do instead."""

    __slots__ = ("pending_dtype",)

    def __init__(self, dtype: Any) -> None:
        self.pending_dtype = dtype

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(
            "this parameter is not initialized yet (a lazy module's, e.g. nn.LazyLinear): "
            "its shape is known after the module's first call; run one batch through the "
            "model first (a dry run), then read or change its parameters"
        )


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet: a lazy module's (``nn.LazyLinear``)
    until its first call, which ``materialize``s it in place, so an optimizer made
    before then holds the real parameter afterwards (as PyTorch's).

    Examples
    --------
    >>> from autodiff import nn
    >>> p = nn.UninitializedParameter()
    >>> p
    <UninitializedParameter>
    >>> p.materialize((2, 3))
    >>> type(p).__name__, p.shape
    ('Parameter', (2, 3))
    """

    __slots__ = ()

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        if device is not None:
            to_args((device,))  # (checks it: the CPU only, as for every tensor)
        super().__init__(None, requires_grad)
        self._data = _Unmaterialized(None if dtype is None else np.dtype(dtype))

    def materialize(self, shape: tuple, dtype: Any = None) -> None:
        """Give the parameter its shape (values uninitialised) and make it a ``Parameter``.

        Examples
        --------
        >>> import autodiff
        >>> p = autodiff.nn.UninitializedParameter(dtype=autodiff.float64)
        >>> p.materialize((3,))
        >>> p.shape, p.dtype, p.requires_grad
        ((3,), dtype('float64'), True)
        """
        if dtype is None:
            dtype = self._data.pending_dtype or _dtypes.default_float()
        self._data = np.empty(tuple(int(n) for n in shape), dtype=np.dtype(dtype))
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    def __deepcopy__(self, memo: dict) -> UninitializedParameter:
        return UninitializedParameter(self.requires_grad, dtype=self._data.pending_dtype)

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return (UninitializedParameter, (self.requires_grad, None, self._data.pending_dtype))


class ParameterList(Module):
    """A list of parameters, registered under ``0``, ``1``, ... (plain Tensors
    are wrapped in ``Parameter``, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff import nn
    >>> ps = nn.ParameterList([nn.Parameter(autodiff.ones(2)), autodiff.zeros(3)])
    >>> [n for n, _ in ps.named_parameters()], ps[1].requires_grad
    (['0', '1'], True)
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_size", 0)
        for v in values or ():
            self.append(v)

    def append(self, value: Any) -> ParameterList:
        """Add a parameter at the end.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> pl = nn.ParameterList()
        >>> len(pl.append(autodiff.ones(2)))
        1
        """
        setattr(self, str(self._size), _as_parameter(value, "ParameterList.append"))
        object.__setattr__(self, "_size", self._size + 1)
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add several parameters at the end.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> len(nn.ParameterList().extend([autodiff.ones(2), autodiff.zeros(3)]))
        2
        """
        for v in values:
            self.append(v)
        return self

    def __getitem__(self, idx: int | slice):
        items = [getattr(self, str(i)) for i in range(self._size)]
        if isinstance(idx, slice):
            return ParameterList(items[idx])
        return items[idx]

    def __setitem__(self, idx: int, value: Any) -> None:
        i = range(self._size)[idx]
        setattr(self, str(i), _as_parameter(value, "ParameterList[...]"))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Parameter]:
        return iter([getattr(self, str(i)) for i in range(self._size)])

    def extra_repr(self) -> str:
        """One line per parameter, as PyTorch prints a ParameterList.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> nn.ParameterList([autodiff.ones(2, 3)]).extra_repr()
        '(0): Parameter containing: [Tensor of size 2x3]'
        """
        return "\n".join(
            f"({i}): Parameter containing: [Tensor of size {'x'.join(map(str, p.shape))}]"
            for i, p in enumerate(self)
        )


class ParameterDict(Module):
    """A dict of parameters, registered under their keys (plain Tensors are
    wrapped in ``Parameter``, as PyTorch).

    Examples
    --------
    >>> import autodiff
    >>> from autodiff import nn
    >>> pd = nn.ParameterDict({"scale": autodiff.ones(1), "shift": autodiff.zeros(1)})
    >>> [n for n, _ in pd.named_parameters()], "scale" in pd
    (['scale', 'shift'], True)
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        object.__setattr__(self, "_keys", [])
        if parameters is not None:
            self.update(parameters)

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict keys must be strings, got {type(key).__name__}")
        setattr(self, key, _as_parameter(value, f"ParameterDict[{key!r}]"))
        if key not in self._keys:
            self._keys.append(key)

    def __getitem__(self, key: str) -> Parameter:
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __delitem__(self, key: str) -> None:
        if key not in self._keys:
            raise KeyError(key)
        self._keys.remove(key)
        object.__delattr__(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._keys))

    def keys(self) -> list[str]:
        """The keys, in insertion order.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> nn.ParameterDict({"w": autodiff.ones(2), "b": autodiff.zeros(1)}).keys()
        ['w', 'b']
        """
        return list(self._keys)

    def items(self) -> list[tuple[str, Parameter]]:
        """(key, parameter) pairs, in insertion order.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> [(k, p.shape) for k, p in nn.ParameterDict({"w": autodiff.ones(2)}).items()]
        [('w', (2,))]
        """
        return [(k, getattr(self, k)) for k in self._keys]

    def values(self) -> list[Parameter]:
        """The parameters, in insertion order.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> [p.shape for p in nn.ParameterDict({"w": autodiff.ones(2)}).values()]
        [(2,)]
        """
        return [getattr(self, k) for k in self._keys]

    def get(self, key: str, default: Any = None) -> Any:
        """The parameter under ``key``, or ``default``.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> pd = nn.ParameterDict({"w": autodiff.ones(2)})
        >>> pd.get("w").shape, pd.get("v")
        ((2,), None)
        """
        return getattr(self, key) if key in self._keys else default

    def pop(self, key: str) -> Parameter:
        """Remove ``key`` and return its parameter.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> pd = nn.ParameterDict({"w": autodiff.ones(2)})
        >>> pd.pop("w").shape, pd.keys()
        ((2,), [])
        """
        v = self[key]
        del self[key]
        return v

    def update(self, parameters: Any) -> None:
        """Add (key, parameter) pairs from a mapping or an iterable of pairs.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> pd = nn.ParameterDict()
        >>> pd.update([("w", autodiff.ones(2))])
        >>> pd.keys()
        ['w']
        """
        pairs = parameters.items() if hasattr(parameters, "items") else parameters
        for k, v in pairs:
            self[k] = v

    def extra_repr(self) -> str:
        """One line per parameter, as PyTorch prints a ParameterDict.

        Examples
        --------
        >>> import autodiff
        >>> from autodiff import nn
        >>> nn.ParameterDict({"w": autodiff.ones(2)}).extra_repr()
        '(w): Parameter containing: [Tensor of size 2]'
        """
        return "\n".join(
            f"({k}): Parameter containing: [Tensor of size {'x'.join(map(str, p.shape))}]"
            for k, p in self.items()
        )
