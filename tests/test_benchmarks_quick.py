"""The benchmark suite's correctness checks (autodiff vs hand-written NumPy) and a smoke run.

No timing assertions: timings are noisy; these tests only pin correctness and
that ``python -m benchmarks.run --quick`` works end to end.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.common import FAILED_CHECK, OK, Context, check_against, run_case
from benchmarks.workloads import WORKLOADS, cnn, deep_chain, micrograd_demo, small_ops
from benchmarks.workloads.mlp import LARGE, SMALL
from benchmarks.workloads.mlp_impl import AutodiffMLP, NumpyMLP, make_mlp_data

ROOT = Path(__file__).resolve().parent.parent


def _assert_matches(runner, ref_runner, dtype=np.float32) -> None:
    ref = ref_runner.check()
    got = runner.check()
    assert check_against(got, ref, dtype) == ""
    # and the second step (after one SGD update) still agrees
    assert check_against(runner.check(), ref_runner.check(), dtype) == ""


@pytest.mark.parametrize("sizes,batch", [(SMALL, 128), (LARGE, 64)])
def test_mlp_autodiff_matches_numpy(sizes, batch) -> None:
    d = make_mlp_data(sizes, batch)
    _assert_matches(AutodiffMLP(d), NumpyMLP(d))


def test_small_ops_autodiff_matches_numpy() -> None:
    ref = small_ops.NumpyChain().check()
    assert check_against(small_ops.TensorChain("autodiff").check(), ref) == ""


def test_micrograd_demo_autodiff_matches_numpy() -> None:
    _assert_matches(micrograd_demo.TensorDemo("autodiff"), micrograd_demo.NumpyDemo(), np.float64)


@pytest.mark.parametrize("n", [1, 1000])
def test_deep_chain_autodiff_matches_reference(n) -> None:
    y, g, dtype = deep_chain.chain("autodiff", n)
    assert dtype == "float32"
    ref_y, ref_g = deep_chain.reference(n, np.float32)
    assert np.isclose(y, ref_y, rtol=1e-6) and np.isclose(g, ref_g, rtol=1e-6)
    # the hand-written NumPy chain is the same sequential float32 product
    assert deep_chain.chain("numpy", n)[:2] == pytest.approx((ref_y, ref_g), rel=1e-6)


def test_cnn_autodiff_matches_numpy() -> None:
    builder = cnn._autodiff_builder()
    if isinstance(builder, str):
        pytest.skip(builder)
    _assert_matches(builder(), cnn.NumpyCNN())


def test_a_wrong_gradient_is_failed_check_and_never_timed() -> None:
    class Wrong:
        def __init__(self) -> None:
            self.inner = small_ops.NumpyChain()
            self.steps = 0

        def check(self):
            loss, grads = self.inner.check()
            return loss, [g * 1.01 for g in grads]

        def step(self) -> None:
            self.steps += 1

    wrong = Wrong()
    ctx = Context(quick=True, engines=("numpy", "autodiff"), log=lambda s: None)
    res = run_case(
        ctx, "t", "c", "us", 1.0, {"numpy": small_ops.NumpyChain, "autodiff": lambda: wrong}
    )
    status = {r.engine: r.status for r in res}
    assert status == {"numpy": OK, "autodiff": FAILED_CHECK}
    assert wrong.steps == 0
    assert res[1].value is None


def test_quick_run_exits_0_and_reports_every_workload(tmp_path) -> None:
    out = tmp_path / "quick.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # a guard against a hang, not a speed check: ~90 s on an idle 2-core machine,
        # several times that when the machine is shared
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(out.read_text())
    assert set(data["workloads"]) == set(WORKLOADS)
    assert {r["workload"] for r in data["results"]} == set(WORKLOADS)
    autodiff_rows = [r for r in data["results"] if r["engine"] == "autodiff"]
    # autodiff never fails a correctness check
    assert not [r for r in autodiff_rows if r["status"] == FAILED_CHECK]


def test_floor_minimal_engine_matches_numpy() -> None:
    from benchmarks.floor import MinimalDemo, MinimalMLP
    from benchmarks.workloads.mlp_impl import NumpyMLP, make_mlp_data

    _assert_matches(MinimalDemo(), micrograd_demo.NumpyDemo(), np.float64)
    d = make_mlp_data([12, 8, 8, 5], 6)
    _assert_matches(MinimalMLP(d), NumpyMLP(d), np.float32)
    out = _run_yardstick("benchmarks.floor")
    assert "minimal engine" in out and "autodiff" in out
    out = _run_yardstick("benchmarks.floor", "--workload", "mlp_step")
    assert "mlp_step step" in out and "minimal engine" in out and "numpy, aligned" in out


def _run_yardstick(module: str, *args: str) -> str:
    """Run ``python -m module`` with one short timing round; return its output."""
    out = subprocess.run(
        [sys.executable, "-m", module, "--rounds", "1", "--round-seconds", "0.01", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # (a hang guard, as above)
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_replayed_step_matches_numpy_and_eager() -> None:
    # the tape replays the recorded ops' own forward and VJP functions: two steps
    # (the second after an SGD update, read live from the parameters) agree with NumPy
    from benchmarks.replay import ReplayDemo

    _assert_matches(ReplayDemo(), micrograd_demo.NumpyDemo(), np.float64)
    out = _run_yardstick("benchmarks.replay")
    assert "autodiff replay" in out and "minimal engine" in out


def test_median_of_processes_keeps_failures_and_each_figure():
    from benchmarks.common import ERROR, Result, median_of_processes

    def run(np_value, ad_value, ad_status=OK):
        return [
            Result("w", "c", "numpy", OK, np_value, "ms"),
            Result("w", "c", "autodiff", ad_status, ad_value, "ms", note="boom" * (ad_value is None)),
        ]

    merged = median_of_processes([run(1.0, 2.0), run(3.0, 1.5), run(2.0, 9.0)])
    assert [(r.engine, r.value) for r in merged] == [("numpy", 2.0), ("autodiff", 2.0)]
    assert merged[1].extra["per_process"] == [2.0, 1.5, 9.0]
    # a process where an engine failed: the failure is what the table shows
    merged = median_of_processes([run(1.0, 2.0), run(1.0, None, ERROR)])
    assert merged[1].status == ERROR and merged[1].note == "boom"
    assert merged[0].value == 1.0


def test_ratios_of_a_case_run_in_several_processes_are_taken_within_each_process():
    # autodiff/NumPy per process: 1.0, 1.1, 1.2 -> 1.1; the ratio of the medians of
    # the figures (2.2 / 2.0) happens to agree here, so the figures differ below
    from benchmarks.common import Result
    from benchmarks.report import ratio

    ad = Result("w", "c", "autodiff", OK, 2.2, extra={"per_process": [2.0, 2.2, 3.6]})
    ref = Result("w", "c", "numpy", OK, 2.0, extra={"per_process": [2.0, 2.0, 3.0]})
    assert ratio([ad, ref], ad, "numpy") == pytest.approx(1.1)
    ad.value = 2.4  # (a different median figure does not change the ratio)
    assert ratio([ad, ref], ad, "numpy") == pytest.approx(1.1)
    single = Result("w", "c", "autodiff", OK, 3.0)
    assert ratio([single, Result("w", "c", "numpy", OK, 2.0)], single, "numpy") == 1.5


def test_replay_refuses_ops_that_keep_state_computed_from_data() -> None:
    import autodiff
    from benchmarks.replay import Tape

    w = autodiff.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="cannot replay max"):
        Tape(w.max(dim=0)[0] * 1.0, [w])  # its argmax would be replayed stale


def test_median_of_processes_marks_a_case_some_processes_lack():
    from benchmarks.common import ERROR, Result, median_of_processes

    p1 = [Result("w", "c", "numpy", OK, 1.0), Result("w", "c", "autodiff", OK, 5.0)]
    p2 = [Result("w", "c", "numpy", OK, 2.0), Result("w", "d", "numpy", OK, 7.0)]
    merged = {(r.case, r.engine): r for r in median_of_processes([p1, p2])}
    assert merged[("c", "numpy")].value == 1.5
    assert merged[("c", "autodiff")].status == ERROR
    assert "no figure from process 2 of 2" in merged[("c", "autodiff")].note
    assert merged[("d", "numpy")].status == ERROR  # only in the second process: kept, marked


def test_charmlp_autodiff_and_torch_match_the_hand_written_step() -> None:
    from benchmarks.workloads import charmlp

    _assert_matches(charmlp.ModuleCharMLP("autodiff"), charmlp.NumpyCharMLP())
    pytest.importorskip("torch")
    _assert_matches(charmlp.ModuleCharMLP("torch"), charmlp.NumpyCharMLP())


def test_gpt_step_autodiff_matches_torch() -> None:
    pytest.importorskip("torch")
    from benchmarks.workloads import gpt

    _assert_matches(gpt.GPTStep("autodiff"), gpt.GPTStep("torch"))


@pytest.mark.parametrize("case", ["pow3", "slice0d", "setitem_add", "embedding_fb", "linear_fb"])
def test_idioms_autodiff_matches_numpy(case) -> None:
    from benchmarks.workloads import idioms

    _assert_matches(idioms.TensorIdiom("autodiff", case), idioms.NumpyIdiom(case))


def test_a_workload_whose_reference_is_absent_is_skipped_not_run() -> None:
    ctx = Context(quick=True, engines=("numpy", "autodiff", "mygrad"), log=lambda s: None)
    calls = []
    res = run_case(
        ctx, "t", "c", "ms", 1.0, {"autodiff": lambda: calls.append(1)}, reference="mygrad"
    )
    if res[0].status != "skipped":
        pytest.skip("mygrad is installed here")
    assert [r.status for r in res] == ["skipped"] * 3 and not calls
    assert "reference engine mygrad" in res[1].note
