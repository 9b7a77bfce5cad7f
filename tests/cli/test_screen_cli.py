"""``tipnet screen`` run as a real process through the installed ``tipnet`` script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.screening.cases import CASES

TIPNET = Path(sys.executable).parent / "tipnet"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    assert TIPNET.exists(), f"the tipnet script is not installed next to {sys.executable}"
    return subprocess.run([str(TIPNET), "screen", *args], input=stdin, capture_output=True, text=True,
                          timeout=60, check=False)


def write(tmp_path: Path, content: object | str, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_one_object_json(tmp_path: Path) -> None:
    obj, determination, types = CASES["titp_deceived_debt_passport"]
    proc = run(str(write(tmp_path, obj)), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["determination"] == determination and out["trafficking_types"] == types
    assert out["label"] == "deceptive recruitment"
    assert out["dimensions"]["CD"] == "positive"
    assert out["palermo"]["met"] == "yes"
    assert out["divergence"] is False
    assert "R2" in out["rules_applied"]
    assert {e["id"] for e in out["evidence"]} == set(obj["present"])
    assert out["catalogue_version"]


def test_list_gives_list_in_order(tmp_path: Path) -> None:
    names = list(CASES)
    proc = run(str(write(tmp_path, [CASES[n][0] for n in names])), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [o["determination"] for o in out] == [CASES[n][1] for n in names]


def test_stdin_and_readable_output() -> None:
    obj = CASES["child_commercial_sex_no_third_party"][0]
    proc = run("-", stdin=json.dumps(obj))
    assert proc.returncode == 0, proc.stderr
    assert "Determination: indicators met (commercial sexual exploitation of a child)" in proc.stdout
    assert "R5" in proc.stdout and "contested" in proc.stdout


def test_readable_output_for_a_list(tmp_path: Path) -> None:
    proc = run(str(write(tmp_path, [CASES["host_club_debt"][0], CASES["single_unknown_decides"][0]])))
    assert proc.returncode == 0, proc.stderr
    assert "--- item 2 ---" in proc.stdout and "insufficient information" in proc.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"age": 30,', "not valid JSON"),
        ({"present": ["DR_WAGE"]}, "unknown indicator id 'DR_WAGE' in present (did you mean DR_WAGES?)"),
        ({"age": "thirty"}, "age must be a whole number"),
        ({"context": {"visa": "tourist"}}, "context.visa must be one of"),
        ({"profile": "adult_sexual", "age": 16}, "profile 'adult_sexual' contradicts age 16"),
        ([{"age": 30}, {"form": "other"}], "item 2: form must be one of"),
        ("42", "must be a JSON object"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, content: object, message: str) -> None:
    proc = run(str(write(tmp_path, content)), "--json")
    assert proc.returncode == 2
    assert message in proc.stderr
    assert proc.stdout == ""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    proc = run(str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_edited_catalogue(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "src" / "tipnet" / "core" / "screening" / "data", data)
    toml = data / "catalogue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("enabled = true", "enabled = false"), encoding="utf-8")
    answers = write(tmp_path, CASES["child_commercial_sex_no_third_party"][0])
    proc = run(str(answers), "--json", "--catalogue", str(data))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["determination"] == "indicators not met"
    toml.write_text("version = ", encoding="utf-8")
    proc = run(str(answers), "--catalogue", str(data))
    assert proc.returncode == 2 and "catalogue: catalogue.toml" in proc.stderr
