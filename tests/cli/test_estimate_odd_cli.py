"""``tipnet estimate`` on odd input (issue 15): exit 2 and one line that says what is wrong and what
to do, never a traceback; semicolon, tab and Excel tables are read like CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.cli.test_estimate_cli import run, write
from tests.core.estimation._shared import MSE_DATA

ODD = [
    ("A,B,count\n1,0,30\n0,1,40\n", "nobody appears on more than one of the 2 lists"),
    ("A,B,C,count\n1,0,0,30\n0,1,0,40\n0,0,1,20\n", "nobody appears on more than one of the 3 lists"),
    ("A,B,C,count\n1,0,0,30\n1,1,0,40\n1,0,1,20\n1,1,1,5\n", "everyone seen is on the list 'A'"),
    ("A,B,count\n1,0,30\n1,1,40\n", "everyone seen is on the list 'A'"),
    ("A,B,count\n1,0,1e19\n0,1,40\n1,1,3\n", "no population of people is that large"),
    ("A,B,count\n1,0,5000000000000000000\n0,1,5000000000000000000\n1,1,3\n", "no population"),
    ("A;B;total\n1;0;5\n", "separators found in the header: semicolon"),
]


def refused(proc) -> str:  # type: ignore[no-untyped-def]
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert proc.stderr.startswith("Error: ")
    return proc.stderr


@pytest.mark.parametrize("method", ["stepwise", "aic", "bic"])
@pytest.mark.parametrize(("text", "message"), ODD)
def test_odd_tables_exit_2_with_a_reason(tmp_path: Path, text: str, message: str, method: str) -> None:
    assert message in refused(run("estimate", str(write(tmp_path, text)), "--method", method, "--nboot", "0"))


def test_semicolon_and_tab_files_give_the_comma_result(tmp_path: Path) -> None:
    text = (MSE_DATA / "UKdat_5.csv").read_text()
    expected = run("estimate", str(MSE_DATA / "UKdat_5.csv"), "--nboot", "0", "--json").stdout
    for sep, name in ((";", "semi.csv"), ("\t", "tab.tsv")):
        proc = run("estimate", str(write(tmp_path, text.replace(",", sep), name)), "--nboot", "0", "--json")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == expected


def test_excel_table_on_the_command_line(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for row in (MSE_DATA / "UKdat_5.csv").read_text().splitlines():
        sheet.append([int(c) if c.isdigit() else c for c in row.split(",")])
    path = tmp_path / "uk.xlsx"
    workbook.save(path)
    proc = run("estimate", str(path), "--nboot", "0", "--json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == run("estimate", str(MSE_DATA / "UKdat_5.csv"), "--nboot", "0", "--json").stdout
    broken = write(tmp_path, "not a zip", "broken.xlsx")
    assert "could not be read" in refused(run("estimate", str(broken), "--nboot", "0"))


def test_ragged_records_exit_2_naming_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, "person_id,source\n1,A\n2,B,extra\n", "records.csv")
    assert "record 2: expected 2 fields, found 3" in refused(run("estimate", "--records", str(path)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "bic", "--pthresh", "0.05"], "--pthresh is not used by --method bic"),
        (["--maxorder", "2"], "--maxorder is not used by --method stepwise"),
        (["--method", "aic", "--ntop", "5"], "--ntop is not used by --method aic"),
    ],
)
def test_options_the_method_ignores_are_refused(args: list[str], message: str) -> None:
    assert message in refused(run("estimate", str(MSE_DATA / "UKdat_5.csv"), "--nboot", "0", *args))
