"""DOT text for a graph: nodes, edges, module clusters, health marks, legend."""

from __future__ import annotations

from ..tensor import Tensor
from . import _health, _modules
from ._graph import Graph
from ._stats import (
    DEAD_LINE,
    NAN_FILL,
    NAN_LINE,
    NAN_SOURCE_FILL,
    NOGRAD_LINE,
    RAMP,
    ZERO_FILL,
    Summary,
    attrs_text,
    fmt,
    nonfinite_text,
    ramp_colour,
    shape_text,
    summarize,
    value_lines,
)

RANKDIRS = ("TB", "LR", "BT", "RL")
FONT = "Helvetica"
PARAM_LINE = "#08519c"
OP_FILL = "#f2f2f2"
LEAF_FILL = "#ffffff"
CONST_FILL = "#f7f7f7"
MODULE_LINE = "#525252"
SMALL_FONT = 9


def _esc(text: str) -> str:
    if "&" not in text and "<" not in text and ">" not in text and '"' not in text:
        return text
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _small(text: str, colour: str = "#404040", bold: bool = False, italic: bool = False) -> str:
    t = _esc(text)
    if bold:
        t = f"<B>{t}</B>"
    if italic:
        t = f"<I>{t}</I>"
    return f'<FONT POINT-SIZE="{SMALL_FONT}" COLOR="{colour}">{t}</FONT>'


class Options:
    __slots__ = (
        "params",
        "show_data",
        "show_grad",
        "rankdir",
        "group",
        "collapse",
        "max_nodes",
        "inline_scalars",
        "legend",
        "norm_lo",
        "norm_hi",
        "dpi",
    )


def check_options(
    roots,
    params,
    show_data,
    show_grad,
    rankdir,
    group_modules,
    collapse_modules,
    max_nodes,
    inline_scalars,
    legend,
    norm_range,
    dpi,
) -> Options:
    if not roots:
        raise TypeError("to_dot()/draw() need at least one root Tensor, e.g. to_dot(loss)")
    for k, r in enumerate(roots):
        if not isinstance(r, Tensor):
            raise TypeError(
                f"to_dot()/draw(): root {k} is a {type(r).__name__}, not an autodiff Tensor; "
                "pass the output tensors to draw, e.g. draw(loss) or draw(y1, y2)"
            )
    if params is not None:
        try:  # a dict, or (name, tensor) pairs such as model.named_parameters()
            params = dict(params)
        except (TypeError, ValueError):
            raise TypeError(
                f"params must be a dict of name -> Tensor (e.g. dict(model.named_parameters())), "
                f"got {type(params).__name__}"
            ) from None
        for n, t in params.items():
            if not isinstance(t, Tensor):
                raise TypeError(f"params[{n!r}] is a {type(t).__name__}, not a Tensor")
    rd = str(rankdir).upper()
    if rd not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1
    ):
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    if not isinstance(collapse_modules, (bool, int)) or (
        not isinstance(collapse_modules, bool) and collapse_modules < 0
    ):
        raise ValueError(
            "collapse_modules must be True/False or a nesting depth (0 = outermost modules), "
            f"got {collapse_modules!r}"
        )
    lo, hi = (float(x) for x in norm_range)
    if not 0 < lo < hi:
        raise ValueError(f"norm_range must be (low, high) with 0 < low < high, got {norm_range!r}")
    o = Options()
    o.params = params or {}
    o.show_data, o.show_grad = bool(show_data), bool(show_grad)
    o.rankdir = rd
    o.group = bool(group_modules)
    o.collapse = collapse_modules
    o.max_nodes = max_nodes
    o.inline_scalars = bool(inline_scalars)
    o.legend = bool(legend)
    o.norm_lo, o.norm_hi = lo, hi
    o.dpi = dpi
    return o


def _tick(x: float) -> str:
    mant, exp = f"{x:.0e}".split("e")
    e = int(exp)
    if 0 <= e <= 3:
        return f"{x:.0f}"
    return f"{x:.1g}" if -2 <= e < 0 else f"{mant}e{e}"


class _Builder:
    def __init__(self, roots: tuple, o: Options) -> None:
        self.o = o
        g = self.g = Graph(roots, o.inline_scalars)
        n = len(g)
        pid = {id(t): name for name, t in o.params.items()}
        self.pid = pid
        # value and gradient summaries, computed once per item
        V: list = [None] * n
        cache: dict = {}
        for i in range(n):
            arr = g.value(i)
            if arr is not None:
                s = cache.get(id(arr))
                if s is None:
                    s = cache[id(arr)] = summarize(arr)
                V[i] = s
        self.V = V
        self.G = [g.grad_summary(i) for i in range(n)] if o.show_grad else [None] * n
        self.sources = _health.nan_sources(g, V, self.G) if o.show_grad else {}
        # "no grad" marks only make sense once some backward has run
        self.backward_ran = any(t.grad is not None for t in o.params.values()) or any(
            not g.is_op[i] and g.objs[i].grad is not None for i in range(n)
        )
        self.used = {"param", "op"}  # legend rows to show
        # module calls
        self.calls: list = []
        self.own: dict = {}
        self.collapsed: set = set()
        if o.group or o.collapse is not False:
            self.calls = _modules.find_calls(g)
            _modules.name_modules(self.calls, o.params)
            self.own = _modules.owners(g, self.calls)
            if o.collapse is not False:
                self.collapsed = _modules.collapsed_calls(self.calls, o.collapse)

    # ------------------------------------------------------------- labels
    def _grad_style(self, gs: Summary | None, fill: str) -> tuple[str, list]:
        """Fill colour and health lines for a known gradient summary."""
        lines: list = []
        if gs is None:
            return fill, lines
        self.used.add("ramp")
        if not gs.finite:
            self.used.add("nan")
            lines.append(_small("grad: " + nonfinite_text(gs), NAN_LINE, bold=True))
            return NAN_FILL, lines
        if gs.all_zero:
            self.used.add("zero")
            lines.append(_small("grad is exactly 0", "#252525", bold=True))
            return ZERO_FILL, lines
        if gs.n_zero and gs.values is None:
            lines.append(_small(f"grad exactly 0 in {gs.n_zero / gs.size:.0%}", "#252525"))
        return ramp_colour(gs.norm, self.o.norm_lo, self.o.norm_hi), lines

    def _data_grad_lines(self, vs: Summary | None, gs: Summary | None) -> list:
        rows: list = []
        if self.o.show_data and vs is not None:
            for k, line in enumerate(value_lines(vs)):
                rows.append(_small(("data " if k == 0 else "     ") + line))
            if not vs.finite:
                self.used.add("nan")
                rows.append(_small("data: " + nonfinite_text(vs), NAN_LINE, bold=True))
        if gs is not None:
            for k, line in enumerate(value_lines(gs)):
                rows.append(_small(("grad " if k == 0 else "     ") + line, "#08306b"))
        return rows

    def leaf_attrs(self, i: int) -> str:
        t = self.g.objs[i]
        name = self.pid.get(id(t)) or t.name
        vs = self.V[i]
        gs = self.G[i]
        head = f"<B>{_esc(name)}</B>" if name else ""
        rows = [head] if head else []
        rows.append(_small(shape_text(vs.shape, vs.dtype)))
        rows += self._data_grad_lines(vs, gs)
        if t.requires_grad:
            fill, health = self._grad_style(gs, LEAF_FILL)
            style = "filled,bold"
            extra = f'color="{PARAM_LINE}" penwidth=2'
            if gs is None and self.backward_ran and self.o.show_grad:
                self.used.add("nograd")
                health.append(_small("no grad (.grad is None)", NOGRAD_LINE, bold=True))
                extra = f'color="{NOGRAD_LINE}" penwidth=2.5'
                style = "filled,dashed,bold"
        else:
            self.used.add("const")
            fill, health = CONST_FILL, []
            style = "filled,dashed"
            extra = 'color="#737373" fontcolor="#525252"'
        if i in self.g.root_items:
            extra += " peripheries=2"
        label = "<BR/>".join(rows + health)
        return f'shape=box style="{style}" fillcolor="{fill}" {extra} label=<{label}>'

    def op_attrs(self, i: int) -> str:
        g = self.g
        node = g.objs[i]
        head = f"<B>{_esc(node.name)}</B>"
        describe = getattr(node, "describe_attrs", None)  # an op may word its own
        if describe is not None:
            extras = [describe()]
        else:
            extras = [attrs_text(node.attrs)] if node.attrs is not None else []
        consts = g.consts.get(i)
        if consts:
            extras += [fmt(c.data.ravel()[0].item()) for c in consts]
        extras = [e for e in extras if e]
        if extras:
            head += " " + _small(", ".join(extras), "#525252")
        rows = [head]
        vs = self.V[i]
        gs = self.G[i]
        if vs is not None:
            rows.append(_small(shape_text(vs.shape, vs.dtype)))
        elif i in g.released:
            self.used.add("freed")
            rows.append(_small("value freed by backward", "#969696", italic=True))
        else:
            shape = getattr(node, "shape", None)
            if shape is not None:
                rows.append(_small(shape_text(shape, node.dtype)))
            self.used.add("notkept")
            rows.append(_small("value not kept", "#969696", italic=True))
        rows += self._data_grad_lines(vs, gs)
        fill, health = self._grad_style(gs, OP_FILL)
        extra = ""
        d = _health.dead_units(g, i, self.V, self.G) if self.o.show_grad or vs else None
        if d is not None and d[0]:
            self.used.add("dead")
            health.append(_small(f"dead ReLU: {d[0]}/{d[1]} units", DEAD_LINE, bold=True))
            health.append(_small(f"({d[2]})", DEAD_LINE))
            extra = f' color="{DEAD_LINE}" penwidth=2.5'
        src = self.sources.get(i)
        if src is not None:
            self.used.add("source")
            health.append(_small(f"NaN/Inf starts here ({src})", "#67000d", bold=True))
            fill = NAN_SOURCE_FILL
            extra = f' color="{NAN_LINE}" penwidth=3'
        if i in g.root_items:
            extra += " peripheries=2"
        label = "<BR/>".join(rows + health)
        return f'shape=box style="rounded,filled" fillcolor="{fill}"{extra} label=<{label}>'

    def call_attrs(self, c) -> str:
        g = self.g
        rows = [f"<B>{_esc(c.label)}</B>"]
        vs = self.V[c.out]
        if vs is not None:
            rows.append(_small("out " + shape_text(vs.shape, vs.dtype)))
        elif c.out in g.released:
            rows.append(_small("value freed by backward", "#969696", italic=True))
        else:
            shape = getattr(g.objs[c.out], "shape", None)
            if shape is not None:
                rows.append(_small("out " + shape_text(shape, g.objs[c.out].dtype)))
            self.used.add("notkept")
            rows.append(_small("value not kept", "#969696", italic=True))
        members = sorted(c.members)
        prefix = ""
        leaves = [m for m in members if not g.is_op[m] and g.objs[m].requires_grad]
        rank = {id(t): k for k, t in enumerate(self.o.params.values())}
        leaves.sort(key=lambda m: rank.get(id(g.objs[m]), len(rank) + m))
        names = []
        sq = 0.0
        any_grad = False
        health: list = []
        zeros: list = []
        nan = False
        for m in leaves:
            t = g.objs[m]
            full = self.pid.get(id(t)) or t.name or "param"
            prefix = full.rsplit(".", 1)
            names.append(f"{prefix[-1]} {shape_text(t.shape, '').strip()}")
            gs = self.G[m]
            if gs is not None:
                any_grad = True
                sq += gs.norm**2
                if not gs.finite:
                    nan = True
                    text = f"{prefix[-1]}.grad: {nonfinite_text(gs)}"
                    health.append(_small(text, NAN_LINE, True))
                elif gs.all_zero:
                    health.append(_small(f"{prefix[-1]}.grad is exactly 0", "#252525", True))
                elif gs.n_zero:
                    zeros.append(f"{prefix[-1]} {gs.n_zero / gs.size:.0%}")
            elif self.backward_ran and self.o.show_grad:
                self.used.add("nograd")
                health.append(_small(f"{prefix[-1]}: no grad", NOGRAD_LINE, True))
        if names:
            rows.append(_small("params: " + ", ".join(names)))
        if zeros:
            health.insert(0, _small("grad exactly 0 in " + ", ".join(zeros), "#252525"))
        if self.o.show_data and vs is not None:
            for k, line in enumerate(value_lines(vs)):
                rows.append(_small(("data " if k == 0 else "     ") + line))
        gs_out = self.G[c.out]
        if any_grad:
            norm = sq**0.5
            rows.append(_small(f"param grad norm {fmt(norm)}", "#08306b"))
            self.used.add("ramp")
            fill = ramp_colour(norm, self.o.norm_lo, self.o.norm_hi)
        elif gs_out is not None and gs_out.finite:
            rows.append(_small(f"grad norm {fmt(gs_out.norm)}", "#08306b"))
            self.used.add("ramp")
            fill = ramp_colour(gs_out.norm, self.o.norm_lo, self.o.norm_hi)
        else:
            fill = OP_FILL
        extra = f'color="{MODULE_LINE}"'
        for m in members:
            gm = self.G[m]
            if gm is not None and not gm.finite:
                nan = True
            d = _health.dead_units(g, m, self.V, self.G)
            if d is not None and d[0]:
                self.used.add("dead")
                health.append(_small(f"dead ReLU: {d[0]}/{d[1]} units", DEAD_LINE, bold=True))
                extra = f'color="{DEAD_LINE}" penwidth=2.5'
            if m in self.sources:
                self.used.add("source")
                health.append(
                    _small(
                        f"NaN/Inf starts at {g.objs[m].name} ({self.sources[m]})", "#67000d", True
                    )
                )
        if nan:
            self.used.add("nan")
            fill = NAN_FILL
            extra = f'color="{NAN_LINE}" penwidth=3'
        self.used.add("module")
        label = "<BR/>".join(rows + health)
        return f'shape=box3d style="filled" fillcolor="{fill}" {extra} label=<{label}>'

    # --------------------------------------------------------------- emit
    def lines(self) -> list:
        o, g = self.o, self.g
        n = len(g)
        calls = self.calls
        collapsed = self.collapsed
        call_id = {id(c): k for k, c in enumerate(calls)}
        # representative of each item: itself, or the collapsed call holding it
        rep_of_call: dict = {}
        for c in calls:
            p = c
            while p is not None and p not in collapsed:
                p = p.parent
            rep_of_call[id(c)] = p
        own = self.own

        def rep(i: int):
            c = own.get(i)
            if c is None:
                return i
            r = rep_of_call[id(c)]
            return i if r is None else -1 - call_id[id(r)]

        reps = [rep(i) for i in range(n)] if collapsed else list(range(n))
        if collapsed:
            # a leaf also used outside its collapsed module is drawn on its own,
            # so an edge out of a module node always means the module's output
            users = g.users
            for i in range(n):
                r = reps[i]
                if r < 0 and not g.is_op[i] and any(reps[u] != r for u in users[i]):
                    reps[i] = i
        order: list = []
        seen: set = set()
        for r in reps:
            if r not in seen:
                seen.add(r)
                order.append(r)
        disp_edges: list = []
        if collapsed:
            eseen: set = set()
            for s, d in g.edges:
                a, b = reps[s], reps[d]
                if a == b:
                    continue
                if a < 0 or b < 0:
                    if (a, b) in eseen:
                        continue
                    eseen.add((a, b))
                disp_edges.append((a, b))
        else:
            disp_edges = g.edges
        # unused parameters: in params but nowhere in the graph
        unused = [
            (name, t)
            for name, t in o.params.items()
            if id(t) not in g.index and getattr(t, "requires_grad", False)
        ]
        total_nodes = len(order) + len(unused)
        total_edges = len(disp_edges)
        cut_nodes = cut_edges = 0
        boundary: list = []
        if o.max_nodes is not None and total_nodes > o.max_nodes:
            keep = set(order[: o.max_nodes])
            order = order[: o.max_nodes]
            unused = unused[: max(0, o.max_nodes - len(order))]
            kept_edges = []
            bset: set = set()
            for a, b in disp_edges:
                if a in keep and b in keep:
                    kept_edges.append((a, b))
                elif b in keep and b not in bset:
                    bset.add(b)
                    boundary.append(b)
            cut_nodes = total_nodes - len(order) - len(unused)
            cut_edges = total_edges - len(kept_edges)
            disp_edges = kept_edges

        def nid(r: int) -> str:
            return f"n{r}" if r >= 0 else f"m{-1 - r}"

        body: list = []
        # node statements, grouped by cluster
        by_cluster: dict = {}
        for r in order:
            if r >= 0:
                attrs = self.op_attrs(r) if g.is_op[r] else self.leaf_attrs(r)
                c = own.get(r) if o.group else None
            else:
                cc = calls[-1 - r]
                attrs = self.call_attrs(cc)
                c = cc.parent if o.group else None
            by_cluster.setdefault(id(c) if c is not None else None, []).append(
                f"{nid(r)} [{attrs}]"
            )
        if o.group and calls:
            shown = [c for c in calls if rep_of_call[id(c)] is None]
            kids: dict = {}
            for c in shown:
                kids.setdefault(id(c.parent) if c.parent is not None else None, []).append(c)
            self._emit_clusters(body, by_cluster, kids, call_id)
        else:
            for stmt in by_cluster.get(None, []):
                body.append(f"\t{stmt}\n")
        if unused:
            body.append('\tsubgraph cluster_unused {\n\t\tlabel="parameters not in this graph"\n')
            body.append('\t\tstyle="dashed" color="#7a0177" fontcolor="#7a0177" fontsize=10\n')
            for k, (name, t) in enumerate(unused):
                rows = [f"<B>{_esc(name)}</B>", _small(shape_text(t.shape, t.dtype))]
                if t.grad is None and self.backward_ran and o.show_grad:
                    self.used.add("nograd")
                    rows.append(_small("no grad (.grad is None)", NOGRAD_LINE, bold=True))
                body.append(
                    f'\t\tu{k} [shape=box style="dashed,bold" color="{NOGRAD_LINE}" '
                    f"label=<{'<BR/>'.join(rows)}>]\n"
                )
            body.append("\t}\n")
        for a, b in disp_edges:
            body.append(f"\t{nid(a)} -> {nid(b)}\n")
        if cut_nodes or cut_edges:
            body.append(
                f'\tcut [shape=note style="filled" fillcolor="#fff7bc" color="#993404" '
                f'label="max_nodes={o.max_nodes}: {cut_nodes:,} more nodes and '
                f'{cut_edges:,} edges not drawn"]\n'
            )
            for b in boundary:
                body.append(f'\tcut -> {nid(b)} [style=dashed color="#993404"]\n')
        if o.legend:
            body.append(self._legend())
        head = [
            f'\tgraph [rankdir={o.rankdir} fontname="{FONT}" nodesep=0.25 ranksep=0.35'
            + (f" dpi={float(o.dpi):g}" if o.dpi else "")
            + ' bgcolor="white"]\n',
            f'\tnode [fontname="{FONT}" fontsize=11 margin="0.08,0.04" height=0.3]\n',
            '\tedge [color="#636363" arrowsize=0.6]\n',
        ]
        return head + body

    def _emit_clusters(self, body: list, by_cluster: dict, kids: dict, call_id: dict) -> None:
        # depth-first, with an explicit stack of (call, opening?) events
        for stmt in by_cluster.get(None, []):
            body.append(f"\t{stmt}\n")
        stack = [(c, True) for c in reversed(kids.get(None, []))]
        depth = 1
        while stack:
            c, opening = stack.pop()
            if not opening:
                depth -= 1
                body.append("\t" * depth + "}\n")
                continue
            ind = "\t" * depth
            body.append(f"{ind}subgraph cluster_{call_id[id(c)]} {{\n")
            body.append(
                f"{ind}\tlabel=<{_small(c.label, '#252525', bold=True)}> labeljust=l "
                f'style="rounded,dashed" color="#969696"\n'
            )
            for stmt in by_cluster.get(id(c), []):
                body.append(f"{ind}\t{stmt}\n")
            depth += 1
            stack.append((c, False))
            for k in reversed(kids.get(id(c), [])):
                stack.append((k, True))

    def _legend(self) -> str:
        u = self.used
        rows = [f'<TR><TD COLSPAN="2" ALIGN="LEFT">{_small("legend", "#000000", True)}</TD></TR>']

        def row(cell: str, text: str) -> None:
            cell = cell.replace("<TD", '<TD WIDTH="24" HEIGHT="14" FIXEDSIZE="TRUE"', 1)
            cell = cell.replace(">  </TD>", "></TD>")
            rows.append(f'<TR>{cell}<TD ALIGN="LEFT">{_small(text, "#252525")}</TD></TR>')

        row(
            f'<TD BORDER="2" COLOR="{PARAM_LINE}" BGCOLOR="white">  </TD>',
            "leaf that requires grad (parameter, input)",
        )
        if "const" in u:
            row('<TD BORDER="1" COLOR="#737373" BGCOLOR="#f7f7f7">  </TD>', "constant (dashed)")
        row(
            f'<TD BORDER="1" COLOR="#808080" BGCOLOR="{OP_FILL}">  </TD>',
            "op, rounded box (stands for its output tensor)",
        )
        if "module" in u:
            row(f'<TD BGCOLOR="{OP_FILL}">{_small("[ ]")}</TD>', "module call, collapsed (3-d box)")
        row('<TD BORDER="3">  </TD>', "double border: the drawn output(s)")
        if "ramp" in u:
            lo, hi = self.o.norm_lo, self.o.norm_hi
            cells = []
            k = len(RAMP)
            for j in range(k):
                x = lo * (hi / lo) ** (j / (k - 1))
                cells.append(f'<TD BGCOLOR="{RAMP[j]}">{_small(_tick(x), "#252525")}</TD>')
            rows.append(
                '<TR><TD COLSPAN="2" ALIGN="LEFT">'
                f"{_small('fill colour: gradient norm (log scale)', '#252525')}</TD></TR>"
            )
            rows.append(
                '<TR><TD COLSPAN="2"><TABLE BORDER="0" CELLSPACING="0" CELLBORDER="1">'
                f"<TR>{''.join(cells)}</TR></TABLE></TD></TR>"
            )
        if "zero" in u:
            row(f'<TD BGCOLOR="{ZERO_FILL}">  </TD>', "gradient exactly 0")
        if "nan" in u:
            row(f'<TD BGCOLOR="{NAN_FILL}" COLOR="{NAN_LINE}">  </TD>', "NaN/Inf in value or grad")
        if "source" in u:
            row(
                f'<TD BGCOLOR="{NAN_SOURCE_FILL}" BORDER="3" COLOR="{NAN_LINE}">  </TD>',
                "op where NaN/Inf starts",
            )
        if "dead" in u:
            row(f'<TD BORDER="3" COLOR="{DEAD_LINE}">  </TD>', "ReLU with dead units")
        if "nograd" in u:
            row(f'<TD BORDER="3" COLOR="{NOGRAD_LINE}">  </TD>', "parameter that got no grad")
        notes = []
        if "freed" in u:
            notes.append("grey italics: value freed by backward(); use retain_graph=True to keep")
        if "notkept" in u:
            notes.append("value not kept: freed early, backward needs only its shape")
        is_op, G = self.g.is_op, self.G
        has_leaf_grad = any(not is_op[i] and G[i] is not None for i in range(len(G)))
        has_op_grad = any(is_op[i] and G[i] is not None for i in range(len(G)))
        if self.o.show_grad and has_leaf_grad and not has_op_grad:
            notes.append("op gradients unknown: call autodiff.viz.watch(loss) before backward()")
        for text in notes:
            rows.append(
                f'<TR><TD COLSPAN="2" ALIGN="LEFT">{_small(text, "#737373", italic=True)}</TD></TR>'
            )
        table = (
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
            + "".join(rows)
            + "</TABLE>"
        )
        # the graph's own label: drawn apart, it never stretches a rank of the graph
        return f"\tgraph [label=<{table}> labelloc=b labeljust=r]\n"


def build_lines(roots: tuple, o: Options) -> list:
    return _Builder(roots, o).lines()
