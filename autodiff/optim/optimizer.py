"""The Optimizer base class: parameter groups, per-parameter state, state dicts.

Subclasses declare their defaults, validate hyperparameters in
``_check_group`` and implement the update of one parameter in ``_update``.
Updates run on ``p.data`` ndarrays in place, outside the graph, and never
write into ``p.grad.data`` (a gradient array may be shared).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .. import engine
from ..tensor import Tensor, _make


class _Required:
    """Marks a hyperparameter (like SGD's ``lr``) that has no default."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


def _check_nonneg(name: str, value: Any, group_index: int | None = None) -> None:
    where = "" if group_index is None else f" (param group {group_index})"
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number{where}, got {type(value).__name__}")
    if not value >= 0.0:  # also catches NaN
        raise ValueError(f"invalid {name}: {value}{where}; it must be >= 0")


def _lerp_(a: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``a += weight * (end - a)`` in place, rounded as PyTorch's CPU ``lerp_``."""
    if abs(weight) < 0.5:
        a += weight * (end - a)
    else:
        a[...] = end - (end - a) * (1.0 - weight)


class Optimizer:
    """Base class of all optimizers.

    Parameters
    ----------
    params : iterable of Tensor, or iterable of dict
        The tensors to optimize (leaf tensors that require grad), or parameter
        groups: dicts with a ``"params"`` entry and per-group options that
        override ``defaults``.
    defaults : dict
        Default hyperparameters for every group.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` (a list of Tensors) and its options.
    state : dict
        Per-parameter state (e.g. momentum buffers), keyed by the parameter.

    Examples
    --------
    >>> import autodiff
    >>> w = autodiff.ones(2, requires_grad=True)
    >>> opt = autodiff.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    Tensor([0.8, 0.8], requires_grad=True)
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts (parameter groups), "
                "got a single Tensor; wrap it in a list: [tensor]"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(
                "params must be an ordered collection (a list), not a set: a set's order "
                "changes between runs, which would break state_dict()"
            )
        if isinstance(params, dict):
            params = [params]
        groups = list(params)
        if len(groups) == 0:
            raise ValueError(
                "optimizer got an empty parameter list; pass model.parameters() of a model "
                "that has parameters, or a non-empty list of tensors"
            )
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters, with options overriding the defaults.

        Parameters
        ----------
        param_group : dict
            ``{"params": [tensors...], "lr": ..., ...}``.

        Examples
        --------
        >>> import autodiff
        >>> a, b = autodiff.ones(2, requires_grad=True), autodiff.ones(3, requires_grad=True)
        >>> opt = autodiff.optim.SGD([a], lr=0.1)
        >>> opt.add_param_group({"params": [b], "lr": 0.01})
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(
                f"a parameter group must be a dict with a 'params' entry, got "
                f"{type(param_group).__name__}"
            )
        if "params" not in param_group:
            raise ValueError("a parameter group must have a 'params' entry")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(
                "a parameter group's 'params' must be an ordered collection (a list), not a set"
            )
        params = list(params)
        index = len(self.param_groups)
        if not params:
            raise ValueError(f"optimizer got an empty parameter list (param group {index})")
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__module__}.{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"can't optimize a non-leaf Tensor (shape {p.shape}, made by "
                    f"'{p.grad_fn.name}'); optimize the leaf tensors it was computed from, "
                    "or make a new leaf with .detach().requires_grad_()"
                )
            # a tensor that does not require grad is accepted, as PyTorch: it never gets
            # a .grad, so step() leaves it alone (frozen layers keep their place)
        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids):
            raise ValueError(
                f"param group {index} contains the same parameter more than once; "
                "it would be updated twice per step"
            )
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if existing.intersection(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    f"parameter group {index} didn't specify a value of required "
                    f"optimization parameter {name}"
                )
            group.setdefault(name, default)
        self._check_group(group, index)
        self.param_groups.append(group)

    def _check_group(self, group: dict, index: int) -> None:
        """Validate a group's hyperparameters (subclasses extend this)."""
        _check_nonneg("learning rate", group["lr"], index)
        if "weight_decay" in group:
            _check_nonneg("weight_decay", group["weight_decay"], index)
        if "eps" in group:
            _check_nonneg("eps", group["eps"], index)

    # -------------------------------------------------------------- step
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all optimized tensors.

        Parameters
        ----------
        set_to_none : bool
            Set ``.grad`` to None (default) instead of to a tensor of zeros.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(2, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=0.1)
        >>> w.sum().backward(); opt.zero_grad()
        >>> w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    # a fresh array: the old one may be shared with other tensors
                    p.grad = _make(np.zeros_like(p.grad.data), None)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient.

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss (run with grad enabled).

        Returns
        -------
        The closure's return value, or None.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.tensor([1.0], requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=0.5)
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = (w * w).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure).item()
        1.0
        >>> w.item()
        0.0
        """
        loss = None
        if closure is not None:
            with engine.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                g = grad.data
                if g.shape != p.data.shape:
                    raise RuntimeError(
                        f"the gradient of a parameter has shape {g.shape} but the parameter "
                        f"has shape {p.data.shape}"
                    )
                if g.dtype != p.data.dtype:
                    g = g.astype(p.data.dtype)
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = self._init_state(p, group)
                # an in-place change: graphs that saved p must not backprop silently
                engine.mark_output_dirty(p)
                self._update(p.data, g, state, group)
        return loss

    def _init_state(self, p: Tensor, group: dict) -> dict[str, Any]:
        return {}

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError  # pragma: no cover - every optimizer overrides

    # -------------------------------------------------------- state dicts
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as a dict, parameters referred to by index.

        Returns
        -------
        dict
            ``{"state": {index: {name: Tensor or number}}, "param_groups": [{...,
            "params": [index, ...]}]}``, as PyTorch lays it out. Arrays are copies.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(2, requires_grad=True)
        >>> opt = autodiff.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> w.sum().backward(); opt.step()
        >>> sd = opt.state_dict()
        >>> sd["param_groups"][0]["params"], list(sd["state"][0])
        ([0], ['momentum_buffer'])
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state: dict[int, dict[str, Any]] = {}
        for group in self.param_groups:
            for p in group["params"]:
                s = self.state.get(p)
                if s is None:
                    continue
                state[index[id(p)]] = {
                    k: (_make(v.copy(), None) if isinstance(v, np.ndarray) else copy.deepcopy(v))
                    for k, v in s.items()
                }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load state made by ``state_dict()`` (of an optimizer with the same groups).

        Array values are copied and cast to their parameter's dtype (except
        ``step``); shapes must match the parameters'.

        Parameters
        ----------
        state_dict : dict
            As returned by ``state_dict()`` or ``autodiff.load``.

        Examples
        --------
        >>> import autodiff
        >>> w = autodiff.ones(2, requires_grad=True)
        >>> opt = autodiff.optim.Adam([w], lr=0.1)
        >>> w.sum().backward(); opt.step()
        >>> opt2 = autodiff.optim.Adam([w], lr=0.5)
        >>> opt2.load_state_dict(opt.state_dict())
        >>> opt2.param_groups[0]["lr"], opt2.state[w]["step"]
        (0.1, 1)
        """
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(
                "an optimizer state dict must be a dict with exactly the keys 'state' and "
                "'param_groups'"
            )
        saved_groups = state_dict["param_groups"]
        if not isinstance(saved_groups, (list, tuple)) or len(saved_groups) != len(
            self.param_groups
        ):
            n = len(saved_groups) if isinstance(saved_groups, (list, tuple)) else "?"
            raise ValueError(
                f"loaded state dict has {n} parameter groups, this optimizer has "
                f"{len(self.param_groups)}"
            )
        id_map: dict[int, Tensor] = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if not isinstance(saved, dict) or not isinstance(saved.get("params"), (list, tuple)):
                raise ValueError(f"saved param group {i} is not a dict with a 'params' list")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"loaded state dict contains a parameter group ({i}) with "
                    f"{len(saved['params'])} parameters, which doesn't match the size of the "
                    f"optimizer's group ({len(group['params'])})"
                )
            for idx, p in zip(saved["params"], group["params"]):
                if isinstance(idx, bool) or not isinstance(idx, int):
                    raise ValueError(f"parameter indices must be ints, got {idx!r}")
                id_map[idx] = p
        saved_state = state_dict["state"]
        if not isinstance(saved_state, dict):
            raise ValueError("the 'state' entry of an optimizer state dict must be a dict")
        new_state: dict[Tensor, dict[str, Any]] = {}
        for idx, values in saved_state.items():
            if idx not in id_map:
                raise ValueError(
                    f"loaded state refers to parameter {idx!r}, which no parameter group has"
                )
            if not isinstance(values, dict):
                raise ValueError(f"state of parameter {idx} must be a dict")
            p = id_map[idx]
            new_state[p] = {k: self._cast_state(k, v, p, idx) for k, v in values.items()}
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            new["params"] = group["params"]
            new_groups.append(new)
        for i, g in enumerate(new_groups):
            self._check_group(g, i)
        self.state = new_state
        self.param_groups = new_groups

    @staticmethod
    def _cast_state(key: str, value: Any, p: Tensor, idx: int) -> Any:
        if isinstance(value, Tensor):
            value = value.data
        elif not isinstance(value, (np.ndarray, int, float, bool, type(None), str)):
            try:  # e.g. a torch tensor
                value = np.asarray(value)
            except Exception as e:
                raise ValueError(
                    f"state '{key}' of parameter {idx} has unsupported type {type(value).__name__}"
                ) from e
        if isinstance(value, np.ndarray):
            if key == "step":
                return value.item() if value.size == 1 else value.copy()
            if value.shape != p.data.shape:
                raise ValueError(
                    f"state '{key}' of parameter {idx} has shape {value.shape}, but the "
                    f"parameter has shape {p.data.shape}"
                )
            if value.dtype.kind == "f" and value.dtype != p.data.dtype:
                return value.astype(p.data.dtype)
            return value.copy()
        return copy.deepcopy(value)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(group):
                if k != "params":
                    lines.append(f"    {k}: {group[k]}")
        lines.append(")")
        return "\n".join(lines)
