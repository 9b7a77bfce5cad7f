"""``tipnet directory export/import`` with the texts per language, as real processes: the columns
per language round-trip, a changed translation is imported, and a bad one stops the import with
exit code 2, the line and nothing changed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.cli.test_directory_cli import env, run, seeded  # noqa: F401  (fixtures)


def _export(environment: dict[str, str], path: Path) -> list[dict[str, str]]:
    proc = run(environment, "directory", "export", str(path))
    assert proc.returncode == 0, proc.stderr
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_translations_round_trip_and_a_bad_one_changes_nothing(seeded: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    rows = _export(seeded, tmp_path / "before.csv")
    iom = next(row for row in rows if row["name"] == "IOM駐日事務所")
    assert iom["name_vi"].startswith("IOM Nhật Bản") and iom["description_th"]
    assert "hours" not in rows[0] and "hours_pt-br" in rows[0]

    iom["description_vi"] = "Giúp về nước an toàn."
    _write(tmp_path / "changed.csv", rows)
    proc = run(seeded, "directory", "import", str(tmp_path / "changed.csv"))
    assert proc.returncode == 0, proc.stderr
    after = {row["id"]: row for row in _export(seeded, tmp_path / "after.csv")}
    assert after[iom["id"]]["description_vi"] == "Giúp về nước an toàn."
    assert after[iom["id"]]["name_vi"] == iom["name_vi"]

    iom["description_vi"] = "<a href=https://evil.example>bấm</a>"
    _write(tmp_path / "bad.csv", rows)
    proc = run(seeded, "directory", "import", str(tmp_path / "bad.csv"))
    assert proc.returncode == 2
    line = next(n for n, row in enumerate(rows, start=2) if row["id"] == iom["id"])
    assert f"line {line}: description_vi: Plain text only" in proc.stderr + proc.stdout
    unchanged = {row["id"]: row for row in _export(seeded, tmp_path / "again.csv")}
    assert unchanged[iom["id"]]["description_vi"] == "Giúp về nước an toàn."
