"""``tipnet directory`` and ``tipnet leaflet`` run as real processes on a fresh data folder."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support import tipnet_executable


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    data = tempfile.mkdtemp(prefix="tipnet-cli-directory-")
    environment = dict(os.environ)
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        environment.pop(name, None)
    environment.update({"TIPNET_DATA_DIR": data, "TIPNET_MODE": "demo", "TIPNET_LANGUAGE": "en"})
    return environment


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tipnet_executable(), *args], env=env, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def seeded(env: dict[str, str]) -> dict[str, str]:
    proc = run(env, "directory", "seed")
    assert proc.returncode == 0, proc.stderr
    assert "services added" in proc.stdout
    return env


def test_seed_is_idempotent(seeded: dict[str, str]) -> None:
    proc = run(seeded, "directory", "seed")
    assert proc.returncode == 0 and "0 services added" in proc.stdout


def test_export_import_round_trip(seeded: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "dir.csv"
    proc = run(seeded, "directory", "export", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert any(row["name"] == "女性の家HELP" and row["verification"] == "to_verify" for row in rows)
    proc = run(seeded, "directory", "import", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"0 new, {len(rows)} updated" in proc.stdout


def test_bad_csv_exits_2_with_line_and_imports_nothing(seeded: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "organisation,name,kinds,sexes,residence,languages,nationwide,prefectures\n"
        "IOM Japan,New one,return,male,regular,en,yes,\n"
        "IOM Japan,Broken,return,male,regular,en,maybe,\n",
        encoding="utf-8",
    )
    proc = run(seeded, "directory", "import", str(bad))
    assert proc.returncode == 2
    assert "line 3: nationwide: expected yes or no, got maybe" in proc.stderr
    export = run(seeded, "directory", "export", "-")
    assert "New one" not in export.stdout


def test_missing_file_exits_2(seeded: dict[str, str]) -> None:
    proc = run(seeded, "directory", "import", "/nonexistent.csv")
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_leaflet(seeded: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "vi.pdf"
    proc = run(seeded, "leaflet", "--lang", "vi", "--prefecture", "Aichi", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "xx", "--prefecture", "Aichi"], "unknown language 'xx'"),
        (["--lang", "vi", "--prefecture", "Atlantis"], "unknown prefecture 'Atlantis'"),
    ],
)
def test_leaflet_bad_input_exits_2(seeded: dict[str, str], tmp_path: Path, args: list[str], message: str) -> None:
    proc = run(seeded, "leaflet", *args, "-o", str(tmp_path / "x.pdf"))
    assert proc.returncode == 2 and message in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_leaflet_without_a_font_names_the_package(seeded: dict[str, str], tmp_path: Path) -> None:
    """An empty fontconfig (no font directories) stands in for a machine without fonts."""
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><fontconfig><cachedir>' + str(tmp_path) + "</cachedir></fontconfig>")
    env = dict(seeded, FONTCONFIG_FILE=str(conf))
    proc = run(env, "leaflet", "--lang", "th", "-o", str(tmp_path / "th.pdf"))
    assert proc.returncode == 2
    assert "Install the font package" in proc.stderr and "fonts-noto-core" in proc.stderr
    assert not (tmp_path / "th.pdf").exists()
