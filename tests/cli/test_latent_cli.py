"""``tipnet estimate --method latent`` and the methods compared, as real processes (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.core.estimation._shared import MSE_DATA

TIPNET = Path(sys.executable).parent / "tipnet"
SHORT = ("--burnin", "600", "--samples", "150")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TIPNET), *args], capture_output=True, text=True, timeout=300, check=False)


def test_latent_json_has_the_posterior_diagnostics_and_the_comparison() -> None:
    proc = run("estimate", str(MSE_DATA / "Western.csv"), "--method", "latent", "--json", "--seed", "4", *SHORT)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)  # nothing but JSON on stdout
    assert out["method"] == "latent" and out["interval"] == "credible"
    assert out["ci_low"] <= out["estimate"] <= out["ci_high"] and out["observed"] == 345
    assert out["options"]["burnin"] == 600 and out["options"]["samples"] == 150
    assert out["diagnostics"]["chains"] == 4 and out["diagnostics"]["draws"] == 600
    assert out["diagnostics"]["rhat"] > 0 and out["diagnostics"]["ess"] > 0
    assert out["chao"]["f1"] == 322 and out["chao"]["f2"] == 21
    methods = [row["method"] for row in out["comparison"]["methods"]]
    assert methods == ["stepwise", "latent", "chao"]
    assert "Latent-class sampler" in proc.stderr  # progress on stderr
    again = run("estimate", str(MSE_DATA / "Western.csv"), "--method", "latent", "--json", "--seed", "4", *SHORT)
    assert json.loads(again.stdout)["estimate"] == out["estimate"]  # same seed, same answer


def test_stepwise_summary_shows_the_methods_side_by_side() -> None:
    proc = run("estimate", str(MSE_DATA / "UKdat_5.csv"), "--nboot", "0", "--quiet", *SHORT)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "Methods compared:" in text and "Latent classes" in text
    assert "Chao's lower bound (Chao 1987): at least 14,642" in text
    # UKdat_5: the stepwise interval (9,884 to 13,027) lies wholly below Chao's bound.
    assert "likely too low" in text and "The methods differ by" in text


def test_no_compare_leaves_the_comparison_out() -> None:
    proc = run("estimate", str(MSE_DATA / "UKdat_5.csv"), "--nboot", "0", "--json", "--no-compare")
    out = json.loads(proc.stdout)
    assert "comparison" not in out and out["chao"]["estimate"] > 14000


def test_bad_latent_options_exit_2() -> None:
    for args in (("--chains", "0"), ("--samples", "3"), ("--burnin", "-1")):
        proc = run("estimate", str(MSE_DATA / "Western.csv"), "--method", "latent", *args)
        assert proc.returncode == 2 and "Error" in proc.stderr and "Traceback" not in proc.stderr
