"""Paths to the shared reference data, found from the repository root (the folder with pyproject)."""

from __future__ import annotations

from pathlib import Path

from tipnet.core.estimation import CaptureTable, read_table


def repo_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    raise RuntimeError("pyproject.toml not found above the tests")


SHARED = (repo_root() / ".." / "shared").resolve()
MSE_DATA = SHARED / "data" / "mse"


def table(name: str) -> CaptureTable:
    """One of the shared capture tables, e.g. ``table("UKdat_5")``."""
    return read_table(MSE_DATA / f"{name}.csv")
