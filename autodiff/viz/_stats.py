"""Summaries of arrays (values and gradients) and how they are written in labels."""

from __future__ import annotations

import math

import numpy as np

from ..engine import KEEP_SMALL_VALUES

# arrays with at most this many elements are shown in full (the engine keeps values of
# that size on the nodes that stand in for their tensors, so every one can be shown)
SMALL = KEEP_SMALL_VALUES


class Summary:
    """What a picture needs to know about one array, computed once.

    ``values`` holds the flat values for small arrays (None for large ones);
    ``norm``, ``lo`` and ``hi`` are over the finite entries; ``units`` and
    ``dead`` count feature units (last axis; channels for 4-d arrays) and
    those that are exactly zero everywhere in the batch.
    """

    __slots__ = (
        "shape",
        "dtype",
        "size",
        "values",
        "norm",
        "lo",
        "hi",
        "n_nan",
        "n_inf",
        "n_zero",
        "units",
        "dead",
    )

    @property
    def finite(self) -> bool:
        return self.n_nan == 0 and self.n_inf == 0

    @property
    def all_zero(self) -> bool:
        return self.size > 0 and self.n_zero == self.size


def summarize(arr: np.ndarray) -> Summary:
    """Summarize ``arr``; fast for tiny arrays (no NumPy reductions)."""
    s = Summary()
    s.shape = arr.shape
    s.dtype = arr.dtype
    size = s.size = arr.size
    s.units = s.dead = 0
    kind = arr.dtype.kind
    if size <= SMALL:
        vals = arr.ravel().tolist() if arr.ndim else [arr.item()]
        s.values = vals
        if kind in "fc":
            fin = [v for v in vals if math.isfinite(v)]
            s.n_nan = sum(1 for v in vals if v != v)
            s.n_inf = size - len(fin) - s.n_nan
        else:
            fin = [float(v) for v in vals]
            s.n_nan = s.n_inf = 0
        s.n_zero = sum(1 for v in fin if v == 0)
        s.norm = math.sqrt(math.fsum(v * v for v in fin))
        s.lo = min(fin) if fin else math.nan
        s.hi = max(fin) if fin else math.nan
    else:
        s.values = None
        a = arr
        if kind in "fc":
            nan = np.isnan(a)
            inf = np.isinf(a)
            s.n_nan = int(nan.sum())
            s.n_inf = int(inf.sum())
            if s.n_nan or s.n_inf:
                a = a[~(nan | inf)]
        else:
            s.n_nan = s.n_inf = 0
        if a.size:
            a64 = a.astype(np.float64, copy=False)
            s.norm = float(np.sqrt(np.dot(a64.ravel(), a64.ravel())))
            s.lo = float(a64.min())
            s.hi = float(a64.max())
        else:
            s.norm, s.lo, s.hi = 0.0, math.nan, math.nan
        s.n_zero = int(a.size - np.count_nonzero(a))
    if arr.ndim >= 1 and size > 1:
        axis = 1 if arr.ndim == 4 else arr.ndim - 1
        nz = np.moveaxis(arr != 0, axis, -1).reshape(-1, arr.shape[axis]).any(axis=0)
        s.units = int(nz.size)
        s.dead = int(nz.size - np.count_nonzero(nz))
    return s


def fmt(v, digits: int = 4) -> str:
    """A number in at most ``digits`` significant digits."""
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (math.inf, -math.inf):
            return "inf" if v > 0 else "-inf"
        if v == 0:
            return "0"
        return f"{v:.{digits}g}"
    if isinstance(v, bool):
        return "T" if v else "F"
    return str(v)


_SHAPES: dict = {}


def shape_text(shape: tuple, dtype) -> str:
    """``(32, 64) float32``; ``scalar float32`` for 0-d."""
    key = (shape, dtype)
    text = _SHAPES.get(key)
    if text is None:
        if shape:
            dims = ", ".join(str(d) for d in shape)
            text = f"({dims}{',' if len(shape) == 1 else ''}) {dtype}".rstrip()
        else:
            text = f"scalar {dtype}".rstrip()
        if len(_SHAPES) < 10_000:
            _SHAPES[key] = text
    return text


def attrs_text(attrs, limit: int = 32) -> str:
    """A short rendering of an op's non-tensor arguments (scalars, dims, shapes)."""
    if isinstance(attrs, tuple):  # drop unset options (dim=None, keepdim=False, ...)
        attrs = tuple(a for a in attrs if a is not None and a is not False)
        if len(attrs) == 1:
            attrs = attrs[0]
    if attrs is None or (isinstance(attrs, tuple) and not attrs):
        return ""
    text = _attr(attrs)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _attr(a) -> str:
    if isinstance(a, np.ndarray):
        if a.size <= 4:
            vals = [fmt(v, 6) for v in a.ravel().tolist()]
            return vals[0] if a.ndim == 0 else "[" + ", ".join(vals) + "]"
        return f"array{a.shape}"
    if isinstance(a, (float, int, bool, np.generic)):
        return fmt(a.item() if isinstance(a, np.generic) else a, 6)
    if isinstance(a, str):
        return repr(a)
    if isinstance(a, (tuple, list)):
        inner = ", ".join(_attr(x) for x in a[:6]) + (", ..." if len(a) > 6 else "")
        return f"({inner}{',' if len(a) == 1 else ''})"
    if a is None:
        return "None"
    if isinstance(a, dict):
        return "{" + ", ".join(f"{k}={_attr(v)}" for k, v in list(a.items())[:4]) + "}"
    return type(a).__name__


def value_lines(s: Summary, per_line: int = 4) -> list[str]:
    """The values of a small array (rows of a matrix on their own lines), or
    'norm, min, max' for a large one. Plain text: escape before use in HTML."""
    if s.values is not None:
        vals = [fmt(v) for v in s.values]
        if not s.shape:
            return vals
        if not vals:  # an empty array, e.g. shape (0,) or (0, 3)
            return ["[]"]
        if len(s.shape) == 2 and 1 < s.shape[1] <= 6:
            step = s.shape[1]
        else:
            step = per_line
        rows = [", ".join(vals[i : i + step]) for i in range(0, len(vals), step)]
        if len(rows) == 1:
            return [f"[{rows[0]}]"]
        return [f"[{rows[0]},"] + [f" {r}," for r in rows[1:-1]] + [f" {rows[-1]}]"]
    return [f"norm {fmt(s.norm)}  min {fmt(s.lo)}  max {fmt(s.hi)}"]


def nonfinite_text(s: Summary) -> str:
    parts = []
    if s.n_nan:
        parts.append(f"{s.n_nan} NaN")
    if s.n_inf:
        parts.append(f"{s.n_inf} Inf")
    return " + ".join(parts) + f" of {s.size}"


# ------------------------------------------------------------ colour ramp
# Light colours (black text stays readable) from vanishing to exploding norms.
RAMP = ("#cbb8ea", "#9ecae1", "#b8e186", "#fee391", "#fdae6b")
ZERO_FILL = "#d9d9d9"
NAN_FILL = "#fb9a99"
NAN_SOURCE_FILL = "#f0605d"
NAN_LINE = "#b30000"
DEAD_LINE = "#d94801"
NOGRAD_LINE = "#7a0177"


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def ramp_colour(norm: float, lo: float, hi: float) -> str:
    """Colour for a gradient norm: log10(norm) placed between log10(lo) and log10(hi)."""
    if norm <= 0:
        return ZERO_FILL
    a, b = math.log10(lo), math.log10(hi)
    x = (math.log10(norm) - a) / (b - a)
    x = min(max(x, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(x), len(RAMP) - 2)
    f = x - i
    c0, c1 = _hex(RAMP[i]), _hex(RAMP[i + 1])
    return "#" + "".join(f"{round(u + (v - u) * f):02x}" for u, v in zip(c0, c1))
