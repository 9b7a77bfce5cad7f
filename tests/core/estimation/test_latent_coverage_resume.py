"""bench/estimate_coverage.py can be stopped and resumed: rows are appended, done tables skipped."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "estimate_coverage.py"


@pytest.fixture(scope="module")
def coverage():  # noqa: ANN201 (the bench module)
    spec = importlib.util.spec_from_file_location("estimate_coverage", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["estimate_coverage"] = module  # so that a worker pool could pickle its functions
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("estimate_coverage", None)


def test_tasks_go_round_the_scenarios_and_skip_what_is_done(coverage) -> None:
    saved = [
        {"scenario": "het10", "index": 0, "nboot": 1000, "latent": [1, 2, 3]},
        {"scenario": "threeway", "index": 0, "nboot": 1000},  # no latent run yet: to do again
        {"scenario": "het10", "index": 1, "nboot": 300, "latent": [1, 2, 3]},  # other settings
    ]
    tasks = coverage.pending_tasks(["het10", "threeway"], 0, 3, 1000, ("stepwise", "latent"), None, saved)
    assert [(t[0], t[1]) for t in tasks] == [
        ("het10", (1,)), ("threeway", (0,)), ("het10", (2,)), ("threeway", (1,)), ("threeway", (2,))]
    # in batches of two tables of one scenario, the batches in turn
    tasks = coverage.pending_tasks(["het10", "threeway"], 0, 5, 1000, ("stepwise", "latent"), None, saved,
                                   batch=2)
    assert [(t[0], t[1]) for t in tasks] == [
        ("het10", (1, 2)), ("threeway", (0, 1)), ("het10", (3, 4)), ("threeway", (2, 3)), ("threeway", (4,))]
    # stepwise alone: the row without a latent run counts as done
    tasks = coverage.pending_tasks(["het10", "threeway"], 0, 1, 1000, ("stepwise",), None, saved)
    assert tasks == []


def test_rows_survive_a_torn_line_and_the_latent_row_wins(coverage, tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        json.dumps({"scenario": "het10", "index": 0, "nboot": 1000, "latent": [1, 2, 3]}) + "\n"
        + json.dumps({"scenario": "het10", "index": 0, "nboot": 1000}) + "\n"
        + json.dumps({"scenario": "het10", "index": 1, "nboot": 1000}) + "\n"
        + '{"scenario": "het10", "ind',  # killed while writing
        encoding="utf-8",
    )
    rows = coverage.read_rows(str(path))
    assert len(rows) == 3
    latest = coverage.latest_rows(rows, nboot=1000)
    assert [("latent" in r, r["index"]) for r in latest["het10"]] == [(True, 0), (False, 1)]
    assert coverage.read_rows(str(tmp_path / "none.jsonl")) == []


def test_a_stopped_run_carries_on(coverage, tmp_path: Path, monkeypatch, capsys) -> None:
    # Two tables of two scenarios, then the same command asking for three: only the third of
    # each is computed, and the summary counts all three.
    path = tmp_path / "rows.jsonl"
    argv = ["estimate_coverage.py", "--scenario", "het10,threeway", "--nboot", "20", "--methods",
            "stepwise", "--workers", "1", "--batch", "2", "--save", str(path)]
    monkeypatch.setattr(sys, "argv", [*argv, "--tables", "2"])
    coverage.main()
    assert len(path.read_text(encoding="utf-8").splitlines()) == 4
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", [*argv, "--tables", "3"])
    coverage.main()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [(json.loads(x)["scenario"], json.loads(x)["index"]) for x in lines[4:]] == [
        ("het10", 2), ("threeway", 2)]
    out = capsys.readouterr().out
    assert "2 tables to do" in out
    assert "| het10 | stepwise BCa | 3 |" in out and "| threeway | stepwise BCa | 3 |" in out
