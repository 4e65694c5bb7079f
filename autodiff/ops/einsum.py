"""``einsum``: PyTorch's equation forms (implicit output, ``...``, diagonals, sublists).

The equation is first normalised (``_parse``) to one letter per dimension and an
explicit output: ellipses become fresh letters, right-aligned per operand as
PyTorch broadcasts them. The node then runs ``np.einsum`` on that, and each
operand's VJP is another einsum; an index repeated within an operand (a diagonal)
gets its gradient written back onto the diagonal through identity matrices.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np

from ..engine import Node, apply
from ..tensor import Tensor
from . import registry as R
from ._base import as_tensor_arg
from .shape import _view_of

# PyTorch's sublist format numbers subscripts 0..51 as A..Z then a..z
_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _sublist_equation(args: tuple) -> tuple[str, tuple]:
    """``(op0, [0, 1], op1, [1, 2], [0, 2])`` -> ``("Ab,bc->ac"-like, (op0, op1))``."""

    def subs(sub) -> str:
        out = []
        for s in sub:
            if s is Ellipsis:
                out.append("...")
            elif isinstance(s, (int, np.integer)) and 0 <= s < 52:
                out.append(_LETTERS[int(s)])
            else:
                raise ValueError(
                    f"einsum: sublist subscripts must be integers in [0, 52) or Ellipsis, got {s!r}"
                )
        return "".join(out)

    pairs = args[: len(args) - len(args) % 2]
    lhs = ",".join(subs(s) for s in pairs[1::2])
    if len(args) % 2:  # an output sublist closes the call
        lhs += "->" + subs(args[-1])
    return lhs, tuple(pairs[0::2])


def _split_term(term: str, where: str, equation: str, offset: int) -> tuple[str, bool]:
    """A term's letters with ``...`` marked as ``*``; whether it had an ellipsis."""
    if term.count("...") > 1 or ("." in term.replace("...", "")):
        raise ValueError(
            f"einsum: {where} of {equation!r} has a '.' that is not part of one '...' "
            "(at most one ellipsis per term)"
        )
    letters = term.replace("...", "*")
    for k, c in enumerate(letters):
        if c != "*" and c not in _LETTERS:
            raise ValueError(
                f"einsum: invalid subscript {c!r} in {where} of {equation!r} (near index "
                f"{offset + k}); subscripts must be letters a-z or A-Z"
            )
    return letters, "*" in letters


def _parse(equation: str, shapes: list[tuple]) -> tuple[tuple[str, ...], str]:
    """Normalise ``equation`` for operands of ``shapes``: (input subscripts, output)."""
    eq = "".join(equation.split())
    if eq.count("->") > 1:
        raise ValueError(f"einsum: {equation!r} has more than one '->'")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: {equation!r} names {len(terms)} operand(s) but {len(shapes)} were given"
        )
    parsed = [_split_term(t, f"operand {k}", equation, 0) for k, t in enumerate(terms)]
    n_ell = 0
    for k, ((letters, has_ell), shape) in enumerate(zip(parsed, shapes)):
        n = len(letters) - has_ell
        if len(shape) < n or (not has_ell and len(shape) != n):
            raise ValueError(
                f"einsum: operand {k} has shape {tuple(shape)} ({len(shape)} dims) but "
                f"{terms[k]!r} names {n} dimension(s)"
                + ("" if has_ell else "; add '...' to cover the others")
            )
        n_ell = max(n_ell, len(shape) - n if has_ell else 0)
    used = set(lhs + rhs)
    fresh = [c for c in _LETTERS if c not in used]
    if n_ell > len(fresh):
        raise ValueError(f"einsum: {equation!r} needs more than 52 distinct subscripts")
    ell = "".join(fresh[:n_ell])
    ins = tuple(
        letters.replace("*", ell[n_ell - (len(shape) - len(letters) + 1) :] if n_ell else "")
        if has_ell
        else letters
        for (letters, has_ell), shape in zip(parsed, shapes)
    )
    letters_in = "".join(t for t, _ in parsed).replace("*", "")
    if arrow:
        out_letters, out_ell = _split_term(rhs, "the output", equation, len(lhs) + 2)
        for c in out_letters.replace("*", ""):
            if c not in letters_in:
                raise ValueError(
                    f"einsum: output subscript {c!r} of {equation!r} is not in any operand"
                )
            if out_letters.count(c) > 1:
                raise ValueError(f"einsum: output subscript {c!r} of {equation!r} is repeated")
        out = out_letters.replace("*", ell)
    else:  # implicit: the ellipsis dims, then the letters seen once, sorted
        out = ell + "".join(sorted(c for c in set(letters_in) if letters_in.count(c) == 1))
    _check_sizes(equation, ins, shapes)
    return ins, out


def _check_sizes(equation: str, ins: tuple, shapes: list) -> None:
    """Each index has one size (1 broadcasts across operands, not within one)."""
    size: dict[str, int] = {}
    for k, (sub, shape) in enumerate(zip(ins, shapes)):
        mine: dict[str, int] = {}
        for c, n in zip(sub, shape):
            if c in mine and mine[c] != n:
                raise ValueError(
                    f"einsum: subscript {c!r} is repeated in operand {k} of {equation!r} with "
                    f"different sizes ({mine[c]} and {n}); a diagonal needs equal sizes"
                )
            mine[c] = n
        for c, n in mine.items():
            seen = size.get(c, 1)
            if n != 1 and seen != 1 and n != seen:
                raise ValueError(
                    f"einsum: subscript {c!r} has size {n} in operand {k} (shape "
                    f"{tuple(shape)}) but {seen} in an earlier operand of {equation!r}"
                )
            size[c] = max(seen, n)


class EinsumBackward(Node):
    """``np.einsum`` on the normalised equation; each operand's VJP is another einsum."""

    name = "einsum"
    saves = (0, 1)

    @staticmethod
    def forward(*arrays_and_attrs):
        *arrays, (ins, out) = arrays_and_attrs
        return np.einsum(",".join(ins) + "->" + out, *arrays)

    def vjp(self, g, xs, out, xp):
        ins, out_subs = self.attrs
        return tuple(
            _operand_grad(i, ins, g, xs, out_subs, xp) if self.needs[i] else None
            for i in range(len(ins))
        )


def _operand_grad(i: int, ins: tuple, g, xs, out_subs: str, xp):
    """The gradient of operand ``i``: an einsum of ``g`` with the other operands."""
    sub = ins[i]
    others = [(s, x) for j, (s, x) in enumerate(zip(ins, xs)) if j != i]
    present = set(out_subs).union(*[set(s) for s, _ in others])
    uniq = "".join(dict.fromkeys(sub))
    size = dict(zip(sub, xs[i].shape))
    # indices only in this operand were summed away: broadcast back over them
    kept = "".join(c for c in uniq if c in present)
    spec = ",".join([out_subs] + [s for s, _ in others]) + "->" + kept
    gi = xp.einsum(spec, g, *[x for _, x in others])
    for axis, c in enumerate(uniq):
        if c not in present:
            gi = xp.expand_dims(gi, axis)
    # an index of size 1 here and n in another operand (or the reverse) broadcasts:
    # bring the gradient to exactly this operand's sizes
    target = tuple(size[c] for c in uniq)
    full = np.broadcast_shapes(tuple(gi.shape), target)
    if full != tuple(gi.shape):
        gi = xp.broadcast_to(gi, full)
    if full != target:
        gi = xp.sum_to(gi, target)
    if uniq != sub:
        gi = _onto_diagonal(gi, uniq, sub, size, xp)
    return gi


def _onto_diagonal(gi, uniq: str, sub: str, size: dict, xp):
    """Write ``gi`` (indexed by ``uniq``) onto the diagonals of ``sub`` ('ij' -> 'iij')."""
    free = iter(c for c in _LETTERS if c not in sub)
    full, eyes, specs = [], [], []
    for k, c in enumerate(sub):
        if c in sub[:k]:  # a later occurrence: a new letter tied to c by an identity matrix
            d = next(free)
            full.append(d)
            specs.append(c + d)
            eyes.append(np.eye(size[c], dtype=xp.data(gi).dtype))
        else:
            full.append(c)
    spec = ",".join([uniq] + specs) + "->" + "".join(full)
    return xp.einsum(spec, gi, *eyes)


def _einsum_samples():
    r = R.randn
    return [
        R.Sample(("ij,jk->ik", r(2, 3), r(3, 4, seed=1))),
        R.Sample(("bij,bjk->bik", r(2, 2, 3), r(2, 3, 2, seed=1)), note="batched"),
        R.Sample(("ij->", r(2, 3)), note="full sum"),
        R.Sample(("ij,kj->ki", r(2, 3), r(4, 3, seed=2)), note="transpose"),
        R.Sample(("ijk,j->ik", r(2, 3, 4), r(3, seed=3)), note="contract middle"),
        R.Sample(("i,j->ij", r(3), r(2, seed=4)), note="outer"),
        R.Sample(("ij,ij->i", r(2, 3), r(2, 3, seed=5)), note="row dots"),
        R.Sample(("ij,jk", r(2, 3), r(3, 4, seed=6)), note="implicit output"),
        R.Sample(("ba", r(2, 3)), note="implicit output, sorted"),
        R.Sample(("ii->i", r(3, 3)), note="diagonal"),
        R.Sample(("ii", r(3, 3)), note="trace"),
        R.Sample(("iij->j", r(2, 2, 3)), note="diagonal summed"),
        R.Sample(("iij,j->ij", r(2, 2, 3), r(3, seed=7)), note="diagonal with another operand"),
        R.Sample(("ij,jj->i", r(2, 3), r(3, 3, seed=8)), note="other operand's diagonal"),
        R.Sample(("...ij,...jk", r(3, 2, 3), r(3, 4, seed=9)), note="ellipsis, broadcast"),
        R.Sample(("...ij,...jk->...ik", r(2, 1, 2, 3), r(3, 3, 2, seed=10)), note="ellipsis"),
        R.Sample(("i...->...", r(3, 2)), note="ellipsis output"),
        R.Sample(("...,...->...", r(2, 1), r(3, seed=11)), note="size-1 broadcast"),
        R.Sample(("i,i->i", r(1), r(3, seed=12)), note="size-1 index broadcast"),
        R.Sample(("ii,i->i", r(1, 1), r(3, seed=14)), note="size-1 diagonal broadcast"),
        R.Sample(("ij,ij", r(2, 1), r(1, 3, seed=15)), note="summed broadcast"),
        R.Sample(("i...i", r(2, 3, 2)), note="diagonal around an ellipsis"),
        R.Sample((r(2, 3), [0, 1], r(3, 4, seed=13), [1, 2], [0, 2]), note="sublists"),
    ]


def _einsum_errors():
    t = R.tensor
    a, b = t(np.ones((2, 3))), t(np.ones((4, 5)))
    E = R.ErrorInput
    return [
        E(("ij,jk->ik", a, b), match="subscript 'j' has size 4"),
        E(("ij,jk", a), match="names 2 operand"),
        E(("i->j", t(np.ones(2))), match="output subscript 'j'.*not in any operand"),
        E(("ii->ii", t(np.ones((2, 2)))), match="output subscript 'i'.*repeated"),
        E(("i1->i", a), match="invalid subscript '1'"),
        E(("ij", t(np.ones(2))), match="shape \\(2,\\).*names 2"),
        E(("ii", a), match="repeated in operand 0.*different sizes"),
        E(("i.j", a), match="not part of one '...'"),
        E(("i->i->i", a), match="more than one '->'"),
        E(("i,i", t(np.ones(2)), t(np.ones(2), np.float64)), error=RuntimeError, match="one dtype"),
    ]


@R.op(samples=_einsum_samples, errors=_einsum_errors)
def einsum(equation: str, *operands: Tensor | Sequence[Tensor]) -> Tensor:
    """Einstein summation, as ``torch.einsum``, differentiable in every operand.

    Accepts an explicit output (``"ij,jk->ik"``) or an implicit one (``"ij,jk"``:
    the ellipsis dims, then the indices seen once, sorted), ``...`` for broadcast
    dims, an index repeated within an operand (a diagonal: ``"ii->i"``, trace
    ``"ii"``), the operands as one list, and the sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])``.

    Examples
    --------
    >>> import autodiff
    >>> a, b = autodiff.ones(2, 3), autodiff.ones(3, 4)
    >>> autodiff.einsum("ij,jk->ik", a, b).shape
    (2, 4)
    >>> autodiff.einsum("ii", autodiff.eye(3))
    Tensor(3.)
    """
    if not isinstance(equation, str):
        equation, operands = _sublist_equation((equation,) + operands)
    elif len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum: needs at least one operand after the equation")
    ts = [as_tensor_arg(t, "einsum") for t in operands]
    dtypes = [t.data.dtype for t in ts]
    if any(d != dtypes[0] for d in dtypes):
        # (PyTorch does not promote here: it raises)
        raise RuntimeError(
            f"einsum: operands must share one dtype, got {[str(d) for d in dtypes]}; "
            "convert them first, e.g. b.to(a.dtype)"
        )
    ins, out = _parse(equation, [t.shape for t in ts])
    result = apply(EinsumBackward, tuple(ts), (ins, out))
    if len(ts) == 1:
        # a permutation or diagonal ('ij->ji', 'ii->i') is a view in NumPy, as in
        # PyTorch: mark it one, so an in-place change of it reaches the operand too
        _view_of(result, ts[0])
    return result
