"""``tipnet import`` and ``tipnet export`` as real processes on a fresh data folder: exit codes 0, 1
(rows with problems, the report printed, nothing imported) and 2 (bad input, clear message), the
dry run, no duplicates on re-import, and the export read back.

The module fixture migrates a fresh database and makes two keyed staff members (two Argon2 keyrings):
about 10 s once for the module on this shared machine; each test then runs one or two commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support import tipnet_executable

PASSWORD = "correct horse battery 9"
SETUP = f"""
import django
django.setup()
from tipnet.web.accounts.keys import keyring_create_for
from tipnet.web.accounts.models import Membership, Organisation, User
org = Organisation.objects.create(name="CLI NGO", type="ngo")
for name, role in (("cw", "caseworker"), ("sup", "case_supervisor")):
    user = User.objects.create(username=name)
    user.set_password({PASSWORD!r}); user.save()
    Membership.objects.create(user=user, organisation=org, role=role)
    keyring_create_for(user, password={PASSWORD!r})
"""
GOOD = ("record_id,prs_FirstName,prs_Gender,prs_Citizenship,con_Consent,cco_CaseComment\n"
        "A-1,Lan,Feminine,VN,true,=1+1\nA-2,Mai,Masculine,PH;VN,true,\n")


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    data = tempfile.mkdtemp(prefix="tipnet-cli-interchange-")
    environment = dict(os.environ)
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        environment.pop(name, None)
    environment.update({"TIPNET_DATA_DIR": data, "TIPNET_MODE": "demo", "TIPNET_LANGUAGE": "en"})
    assert run(environment, "migrate").returncode == 0
    setup = subprocess.run([sys.executable, "-c", SETUP], env={**environment, "DJANGO_SETTINGS_MODULE": "tipnet.web.settings"},
                           capture_output=True, text=True, timeout=180, check=False)
    assert setup.returncode == 0, setup.stderr
    Path(data, "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    environment["PW"] = str(Path(data, "pw"))
    return environment


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tipnet_executable(), *args], env=env, capture_output=True, text=True, timeout=180, check=False)


def test_import_then_again_adds_nothing_and_export_reads_back(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text(GOOD, encoding="utf-8")
    proc = run(env, "import", str(source), "--org", "CLI NGO", "--user", "cw", "--password-file", env["PW"])
    assert proc.returncode == 0, proc.stderr
    assert "2 rows: 2 cases created, 0 already imported" in proc.stdout
    proc = run(env, "import", str(source), "--org", "CLI NGO", "--user", "cw", "--password-file", env["PW"])
    assert proc.returncode == 0 and "0 cases created, 2 already imported" in proc.stdout
    out = tmp_path / "out.json"
    proc = run(env, "export", "--org", "CLI NGO", "--user", "sup", "--password-file", env["PW"], "--format", "json",
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "2 cases exported" in proc.stderr
    records = json.loads(out.read_text(encoding="utf-8"))["records"]
    assert [r["prs_FirstName"] for r in records] == ["Lan", "Mai"]
    assert records[0]["cco_CaseComment"] == "=1+1" and records[1]["prs_Citizenship"] == ["PH", "VN"]
    csv_out = tmp_path / "out.csv"
    proc = run(env, "export", "--org", "CLI NGO", "--user", "sup", "--password-file", env["PW"], "--out", str(csv_out))
    assert proc.returncode == 0 and ",'=1+1," in csv_out.read_text(encoding="utf-8")  # neutralised in CSV


def test_bad_rows_exit_1_with_the_report_and_import_nothing(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("prs_FirstName,prs_Gender,prs_Birthdate,con_Consent\nX,Female,2001-02-30,true\nY,Feminine,,false\n",
                      encoding="utf-8")
    proc = run(env, "import", str(source), "--org", "CLI NGO", "--dry-run")
    assert proc.returncode == 1
    assert "row 1: prs_Gender: not_allowed" in proc.stdout
    assert "row 1: prs_Birthdate: impossible_date" in proc.stdout
    assert "row 2: con_Consent: consent_missing" in proc.stdout
    assert "nothing imported" in proc.stderr


def test_a_dry_run_of_a_good_file_stores_no_case(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "dry.csv"
    source.write_text(GOOD.replace("A-1", "D-1").replace("A-2", "D-2"), encoding="utf-8")
    proc = run(env, "import", str(source), "--org", "CLI NGO", "--dry-run")
    assert proc.returncode == 0 and "2 rows, all valid (dry run: nothing imported)" in proc.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["import", "/no/such/file.csv", "--org", "CLI NGO", "--dry-run"], "no such file"),
    (["import", "{file}", "--org", "CLI NGO"], "--user is needed"),
    (["import", "{file}", "--org", "CLI NGO", "--user", "cw", "--password-file", "{wrong}"], "does not open"),
    (["import", "{file}", "--org", "CLI NGO", "--mapping", "no such mapping", "--dry-run"], "mapping"),
    (["export", "--org", "CLI NGO", "--user", "cw", "--password-file", "{pw}"], "Only a case supervisor"),
])
def test_bad_input_exits_2_with_a_clear_message(env: dict[str, str], tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "one.csv"
    source.write_text(GOOD, encoding="utf-8")
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password\n", encoding="utf-8")
    filled = [a.format(file=source, wrong=wrong, pw=env["PW"]) for a in args]
    proc = run(env, *filled)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert message in proc.stderr
