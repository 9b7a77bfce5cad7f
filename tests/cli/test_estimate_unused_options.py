"""``tipnet estimate`` refuses an option that the chosen method would ignore (issue 15).

A researcher who types ``--nboot 5000 --method latent`` believes a bootstrap ran; it would not.
Every option that some run ignores is refused with exit code 2 and a message naming the option
and the method, *before* the table is read. The property tests drive the real command in-process
(click's runner) with a table path that does not exist: a refused option stops at the option
check (its message), an accepted one goes on to read the table (the file's message) — so no fit
runs and every combination is cheap.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.estimation._shared import MSE_DATA
from tipnet.cli import main
from tipnet.cli.estimate import unused_options

TIPNET = Path(sys.executable).parent / "tipnet"
METHODS = ("stepwise", "aic", "bic", "latent")
#: Each option with a valid value.
VALUES = {
    "nboot": "200", "pthresh": "0.05", "maxorder": "2", "ntop": "3", "seed": "7",
    "burnin": "100", "samples": "20", "chains": "2",
}


def used(option: str, method: str, nboot: int, compare: bool) -> bool:
    """The rule, written out independently of the code under test."""
    if option == "nboot":
        return method != "latent"
    if option == "pthresh":
        return method in ("stepwise", "aic")
    if option in ("maxorder", "ntop"):
        return method == "bic"
    if option in ("burnin", "samples", "chains"):
        return method == "latent" or compare
    if option == "seed":
        return method == "latent" or nboot > 0 or compare
    raise AssertionError(option)


def invoke(args: list[str]):  # noqa: ANN201 (click's Result)
    return CliRunner().invoke(main, ["estimate", "/nonexistent/table.csv", *args])


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(METHODS),
    options=st.sets(st.sampled_from(sorted(VALUES)), max_size=3),
    compare=st.booleans(),
)
def test_an_option_the_run_ignores_is_refused_naming_it(method, options, compare) -> None:  # type: ignore[no-untyped-def]
    args = ["--method", method, "--compare" if compare else "--no-compare"]
    for option in sorted(options):
        args += [f"--{option}", VALUES[option]]
    nboot = int(VALUES["nboot"]) if "nboot" in options else (0 if method == "latent" else 1000)
    ignored = sorted(o for o in options if not used(o, method, nboot, compare))
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    if ignored:
        for option in ignored:
            assert f"--{option} is not used by --method {method}" in result.output
        assert "/nonexistent/table.csv" not in result.output  # refused before reading anything
    else:
        assert "is not used by" not in result.output
        assert "/nonexistent/table.csv" in result.output  # went on to read the table


def test_the_default_nboot_typed_out_is_refused_with_latent() -> None:
    # 1,000 is the default: typing it is still asking for a bootstrap that would not run.
    result = invoke(["--method", "latent", "--nboot", "1000"])
    assert result.exit_code == 2
    assert "--nboot is not used by --method latent (only by stepwise and aic and bic)" in result.output
    assert "credible interval" in result.output


def test_the_rule_as_a_function() -> None:
    assert unused_options("latent", {"nboot", "burnin", "seed"}, nboot=1000, compare=False) == [
        unused_options("latent", {"nboot"}, nboot=1000, compare=False)[0]
    ]
    assert unused_options("stepwise", {"burnin"}, nboot=1000, compare=True) == []
    assert len(unused_options("bic", {"pthresh", "chains", "seed"}, nboot=0, compare=False)) == 3


def test_as_a_real_process_exit_2_and_nothing_on_stdout() -> None:
    proc = subprocess.run(
        [str(TIPNET), "estimate", str(MSE_DATA / "Western.csv"), "--method", "latent", "--nboot", "500"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Error: --nboot is not used by --method latent" in proc.stderr
    assert "Traceback" not in proc.stderr
