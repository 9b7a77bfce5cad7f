"""``tipnet estimate`` and ``tipnet simulate`` run as real processes through the installed script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.estimation._shared import MSE_DATA

TIPNET = Path(sys.executable).parent / "tipnet"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    assert TIPNET.exists(), f"the tipnet script is not installed next to {sys.executable}"
    if args and args[0] == "estimate" and "--compare" not in args:
        args = (*args, "--no-compare")  # the latent-class comparison is tested in test_latent_cli.py
    return subprocess.run([str(TIPNET), *args], capture_output=True, text=True, timeout=120,
                          check=False)


def write(tmp_path: Path, text: str, name: str = "table.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_output_matches_sparsemse_and_stdout_is_clean() -> None:
    proc = run("estimate", str(MSE_DATA / "UKdat_5.csv"), "--json", "--nboot", "300", "--seed", "7")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)  # nothing but JSON on stdout
    # SparseMSE 2.0.2 (../shared/data/README.md): 11,312.99, model-conditional 9,884.40-13,027.40.
    assert out["observed"] == 2744
    assert out["estimate"] == pytest.approx(11312.99, abs=0.01)
    assert out["ci_low"] == pytest.approx(9884.40, abs=0.01)
    assert out["ci_high"] == pytest.approx(13027.40, abs=0.01)
    assert out["bca_low"] < out["estimate"] < out["bca_high"]
    assert out["model"] == ["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"]
    assert out["method"] == "stepwise"
    assert isinstance(out["warnings"], list)
    assert "Bootstrap" in proc.stderr  # progress goes to stderr


def test_no_bootstrap_omits_bca_and_readable_summary() -> None:
    proc = run("estimate", str(MSE_DATA / "UKdat.csv"), "--json", "--nboot", "0")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert "bca_low" not in out and out["estimate"] == pytest.approx(11417.99, abs=0.01)
    proc = run("estimate", str(MSE_DATA / "UKdat.csv"), "--nboot", "0")
    assert proc.returncode == 0
    assert "11,418" in proc.stdout and "9,977 to 13,146" in proc.stdout


def test_methods() -> None:
    proc = run("estimate", str(MSE_DATA / "Kosovo.csv"), "--json", "--nboot", "0",
               "--method", "bic")
    out = json.loads(proc.stdout)
    assert round(out["estimate"]) == 10357 and out["method"] == "bic"  # SCV 2024 Table 6
    proc = run("estimate", str(MSE_DATA / "UKdat.csv"), "--json", "--nboot", "0",
               "--method", "aic")
    assert 10_000 <= json.loads(proc.stdout)["estimate"] <= 13_000  # Silverman 2014


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("A,B,count\n1,0,5\n0,1,-3\n1,1,2\n", "negative"),
        ("A,B,count\n1,0,5\n0,1,2.5\n1,1,2\n", "whole number"),
        ("A,B,count\n1,0,5\n0,2,3\n1,1,2\n", "0 or 1"),
        ("A,B,count\n1,0,5\n1,0,3\n1,1,2\n", "repeats"),
        ("A,count\n1,5\n", "at least two lists"),
        ("A,B,count\n1,0,5\n0,0,3\n1,1,2\n", "all-zero"),
    ],
)
def test_bad_tables_exit_2_with_a_message(tmp_path: Path, text: str, fragment: str) -> None:
    proc = run("estimate", str(write(tmp_path, text)), "--json")
    assert proc.returncode == 2
    assert fragment in proc.stderr
    assert proc.stdout == ""


def test_missing_file_and_bad_option_exit_2(tmp_path: Path) -> None:
    assert run("estimate", str(tmp_path / "nope.csv")).returncode == 2
    assert run("estimate").returncode == 2
    assert run("estimate", str(MSE_DATA / "Korea.csv"), "--method", "lasso").returncode == 2
    proc = run("estimate", str(MSE_DATA / "NewOrl_MSE.csv"), "--method", "bic")
    assert proc.returncode == 2 and "six lists" in proc.stderr


def test_records_build_the_table(tmp_path: Path) -> None:
    lines = ["person_id,source"]
    person = 0
    # 60 on A only, 40 on B only, 20 on both: Lincoln-Petersen N = 80 * 60 / 20 = 240.
    for sources, n in ((["A"], 60), (["B"], 40), (["A", "B"], 20)):
        for _ in range(n):
            person += 1
            lines.extend(f"p{person},{s}" for s in sources)
    path = write(tmp_path, "\n".join(lines) + "\n", "records.csv")
    proc = run("estimate", "--records", str(path), "--json", "--nboot", "0")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["observed"] == 120 and out["estimate"] == pytest.approx(240.0, rel=1e-6)
    assert "two_lists" in {w["code"] for w in out["warnings"]}
    bad = write(tmp_path, "person_id,list\np1,A\n", "bad.csv")
    assert run("estimate", "--records", str(bad)).returncode == 2


def test_simulate_then_estimate(tmp_path: Path) -> None:
    out = tmp_path / "sim.csv"
    proc = run("simulate", "--table", "--size", "50000", "--p", "0.1,0.2,0.15,0.1",
               "--interaction", "A:B=0.7", "--seed", "4", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "true population size: 50000" in proc.stderr
    est = json.loads(run("estimate", str(out), "--json", "--nboot", "0").stdout)
    assert est["estimate"] == pytest.approx(50_000, rel=0.05)
    js = json.loads(run("simulate", "--size", "100", "--p", "0.3,0.4", "--seed", "1",
                        "--json").stdout)
    assert js["true_size"] == 100 and js["lists"] == ["A", "B"]


def test_simulate_bad_input_exit_2() -> None:
    assert run("simulate", "--size", "100", "--p", "0.3,x").returncode == 2
    assert run("simulate", "--size", "100", "--p", "0.3,1.5").returncode == 2
    assert run("simulate", "--size", "100", "--p", "0.3,0.4",
               "--interaction", "A:Z=1").returncode == 2
