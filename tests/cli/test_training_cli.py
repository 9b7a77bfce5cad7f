"""``tipnet training check`` run as a real process through the installed ``tipnet`` script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tipnet.core.training import case_dir

TIPNET = Path(sys.executable).parent / "tipnet"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TIPNET), "training", "check", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_shipped_library_passes() -> None:
    proc = run()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    n = len(list(case_dir().glob("*.toml")))
    assert lines[-1] == f"{n} cases, 0 problems"
    assert sum(1 for line in lines if line.startswith("ok   ")) == n
    assert "ok   titp-debt-passport: indicators met (deceptive recruitment)" in lines


def test_expected_result_that_disagrees_with_the_rules_exits_1(tmp_path: Path) -> None:
    shutil.copy(case_dir() / "labour-exploitation-only.toml", tmp_path)
    text = (case_dir() / "titp-debt-passport.toml").read_text(encoding="utf-8")
    (tmp_path / "titp-debt-passport.toml").write_text(
        text.replace('determination = "indicators met"', 'determination = "indicators not met"'), encoding="utf-8")
    proc = run(str(tmp_path))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == "ok   labour-exploitation-only: indicators not met"
    assert lines[1].startswith("FAIL titp-debt-passport: indicators met")
    assert "expected.determination is 'indicators not met' but the rules give 'indicators met'" in lines[2]
    assert lines[-1].startswith("2 cases, ") and lines[-1].endswith(" problems")


def test_schema_errors_are_listed_by_field_and_exit_1(tmp_path: Path) -> None:
    text = (case_dir() / "titp-debt-passport.toml").read_text(encoding="utf-8")
    (tmp_path / "titp-debt-passport.toml").write_text(
        text.replace("EX_LOW_NO_PAY =", "EX_LOW_PAY ="), encoding="utf-8")
    proc = run(str(tmp_path))
    assert proc.returncode == 1
    assert "answers.EX_LOW_PAY: unknown question id (did you mean EX_LOW_NO_PAY?)" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "1 cases, 1 problems"


def test_bad_input_exits_2(tmp_path: Path) -> None:
    proc = run(str(tmp_path / "missing"))
    assert proc.returncode == 2 and "no such directory" in proc.stderr
    proc = run(str(tmp_path))
    assert proc.returncode == 2 and "no case files" in proc.stderr
    proc = run(str(case_dir() / "titp-debt-passport.toml"))  # a case file, not its folder
    assert proc.returncode == 2 and "not a directory" in proc.stderr and proc.stdout == ""
    (tmp_path / "broken.toml").write_text("format = ", encoding="utf-8")
    proc = run(str(tmp_path))
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr and proc.stdout == ""
