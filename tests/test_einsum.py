"""einsum against torch.einsum: implicit output, '...', diagonals, sublists, errors.

Values, dtypes, shapes and gradients through tests/_oracle.py; gradchecks of the
same forms (1st and 2nd order) come from the op's declared samples.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from _oracle import check  # noqa: E402

import autodiff  # noqa: E402

CASES = [
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ba", [(2, 3)]),
    ("Ba", [(2, 3)]),
    ("ij,ij", [(1, 3), (2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(4, 4)]),
    ("iij->j", [(2, 2, 3)]),
    ("iij", [(2, 2, 3)]),
    ("iji->ij", [(3, 2, 3)]),
    ("iii->i", [(2, 2, 2)]),
    ("ij,jj->i", [(2, 3), (3, 3)]),
    ("ii,i->i", [(3, 3), (3,)]),
    ("ii,i->i", [(1, 1), (3,)]),
    ("ij,ij", [(2, 1), (1, 3)]),
    ("...ij,...jk", [(3, 2, 3), (3, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),
    ("i...->...", [(3, 2, 4)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("i...i", [(2, 3, 2)]),
    ("...,...->...", [(2, 1), (3,)]),
    ("...ij->ij", [(4, 2, 3)]),
    ("ij->...", [(2, 3)]),
    ("i,i->i", [(1,), (3,)]),
    ("b i d, b j d -> b i j", [(2, 3, 4), (2, 5, 4)]),
    ("bhid,bhjd->bhij", [(2, 2, 3, 4), (2, 2, 3, 4)]),
    ("i,j,k->ijk", [(2,), (3,), (4,)]),
    ("ij,jk,kl", [(2, 3), (3, 4), (4, 2)]),
]


def _arrays(shapes, dtype=np.float64, seed=0):
    r = np.random.default_rng(seed)
    return [r.standard_normal(s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("eq", "shapes"), CASES, ids=[c[0] for c in CASES])
def test_einsum_matches_torch(eq, shapes, dtype):
    arrays = _arrays(shapes, dtype)
    assert (
        check(lambda *xs: autodiff.einsum(eq, *xs), lambda *xs: torch.einsum(eq, *xs), *arrays)
        == "ok"
    )


def test_einsum_operands_as_a_list_and_sublists():
    a, b = _arrays([(2, 3), (3, 4)])
    assert (
        check(
            lambda x, y: autodiff.einsum("ij,jk", [x, y]),
            lambda x, y: torch.einsum("ij,jk", [x, y]),
            a,
            b,
        )
        == "ok"
    )
    assert (
        check(
            lambda x, y: autodiff.einsum(x, [0, 1], y, [1, 2], [0, 2]),
            lambda x, y: torch.einsum(x, [0, 1], y, [1, 2], [0, 2]),
            a,
            b,
        )
        == "ok"
    )
    assert (
        check(
            lambda x: autodiff.einsum(x, [Ellipsis, 1, 1], [1]),
            lambda x: torch.einsum(x, [Ellipsis, 1, 1], [1]),
            *_arrays([(2, 3, 3)]),
        )
        == "ok"
    )
    assert (
        check(  # implicit output of sublists: sorted by number (A..Z before a..z)
            lambda x, y: autodiff.einsum(x, [30, 1], y, [1, 2]),
            lambda x, y: torch.einsum(x, [30, 1], y, [1, 2]),
            a,
            b,
        )
        == "ok"
    )


BAD = [
    ("ij,jk->ik", [(2, 3), (4, 5)], "subscript 'j' has size 4"),
    ("ij,jk", [(2, 3)], "names 2 operand"),
    ("i", [(2,), (2,)], "names 1 operand"),
    ("i->j", [(2,)], "output subscript 'j'"),
    ("ii->ii", [(2, 2)], "output subscript 'i'.*repeated"),
    ("i->ii", [(2,)], "output subscript 'i'.*repeated"),
    ("i1->i", [(2, 3)], "invalid subscript '1'"),
    ("ij", [(2,)], "names 2 dimension"),
    ("ij", [(2, 3, 4)], "add '...'"),
    ("ii", [(2, 3)], "different sizes"),
    ("i.j", [(3, 2)], "not part of one '...'"),
    ("......", [(3, 2)], "not part of one '...'"),
    ("i->i->i", [(3,)], "more than one '->'"),
    ("...,...->...", [(2,), (3,)], "size 3"),
]


@pytest.mark.parametrize(("eq", "shapes", "match"), BAD, ids=[b[0] for b in BAD])
def test_einsum_errors_where_torch_errors(eq, shapes, match):
    arrays = _arrays(shapes)
    assert (
        check(lambda *xs: autodiff.einsum(eq, *xs), lambda *xs: torch.einsum(eq, *xs), *arrays)
        == "raises"
    )
    with pytest.raises(ValueError, match=match):
        autodiff.einsum(eq, *[autodiff.tensor(a) for a in arrays])


@pytest.mark.parametrize(
    "dtypes", [(np.float32, np.float64), (np.int64, np.float32), (np.int64, np.int64)]
)
def test_einsum_dtypes_as_torch(dtypes):
    a, b = (np.arange(3).astype(d) for d in dtypes)
    res = check(
        lambda p, q: autodiff.einsum("i,i", p, q), lambda p, q: torch.einsum("i,i", p, q), a, b
    )
    assert res == ("ok" if dtypes[0] == dtypes[1] else "raises")


def test_einsum_no_operands_and_bad_sublist():
    with pytest.raises(ValueError, match="at least one operand"):
        autodiff.einsum("ij")
    with pytest.raises(ValueError, match="sublist subscripts"):
        autodiff.einsum(autodiff.ones(2), [60])


def test_einsum_diagonal_is_a_view_and_writes_through():
    x = autodiff.zeros(3, 3)
    d = autodiff.einsum("ii->i", x)
    d += 1.0
    assert np.array_equal(x.numpy(), np.eye(3))


@st.composite
def _batched_matmul(draw):
    # ellipsis dims: each side may drop leading dims or hold 1s (broadcast)
    batch = draw(st.lists(st.integers(1, 3), max_size=3))

    def side():
        k = draw(st.integers(0, len(batch)))
        return tuple(draw(st.sampled_from([1, n])) for n in batch[len(batch) - k :])

    i, j, k = (draw(st.integers(1, 3)) for _ in range(3))
    implicit = draw(st.booleans())
    eq = "...ij,...jk" + ("" if implicit else "->...ik")
    return eq, [side() + (i, j), side() + (j, k)]


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(_batched_matmul(), st.sampled_from([np.float32, np.float64]))
def test_einsum_ellipsis_broadcast_fuzzed(case, dtype):
    eq, shapes = case
    arrays = _arrays(shapes, dtype)
    assert (
        check(lambda *xs: autodiff.einsum(eq, *xs), lambda *xs: torch.einsum(eq, *xs), *arrays)
        == "ok"
    )


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.sampled_from(["ii->i", "ii", "iij->j", "iij", "jii->ij"]),
)
def test_einsum_diagonals_fuzzed(n, m, eq):
    shape = {"ii->i": (n, n), "ii": (n, n)}.get(eq, (n, n, m) if eq.startswith("ii") else (m, n, n))
    assert (
        check(lambda x: autodiff.einsum(eq, x), lambda x: torch.einsum(eq, x), *_arrays([shape]))
        == "ok"
    )


@st.composite
def _equations(draw):
    # random operands over a few letters (repeats allowed: diagonals), random sizes
    # (some 1: broadcast), an explicit output (a subset, any order) or none
    size = {c: draw(st.integers(1, 3)) for c in "abcd"}
    n_ops = draw(st.integers(1, 3))
    ins = ["".join(draw(st.lists(st.sampled_from("abcd"), max_size=3))) for _ in range(n_ops)]
    used = sorted(set("".join(ins)))
    shapes = []
    for sub in ins:
        # a letter's size-1 broadcast holds across operands, not within one
        ones = {c: draw(st.booleans()) and len(ins) > 1 for c in set(sub)}
        shapes.append(tuple(1 if ones[c] else size[c] for c in sub))
    eq = ",".join(ins)
    if draw(st.booleans()):
        out = draw(st.permutations(used))[: draw(st.integers(0, len(used)))]
        eq += "->" + "".join(out)
    return eq, shapes


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(_equations())
def test_einsum_random_equations_fuzzed(case):
    eq, shapes = case
    assert (
        check(
            lambda *xs: autodiff.einsum(eq, *xs),
            lambda *xs: torch.einsum(eq, *xs),
            *_arrays(shapes),
        )
        == "ok"
    )
