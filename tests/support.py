"""Helpers for tests: mandatory skips, staff clients, the repository paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = (REPO_ROOT / ".." / "shared").resolve()


def required_parts() -> set[str]:
    return {part.strip() for part in os.environ.get("TIPNET_REQUIRE", "").split(",") if part.strip()}


def required(part: str, reason: str) -> None:
    """Skip because ``part`` is missing, or fail when TIPNET_REQUIRE makes it mandatory."""
    if part in required_parts():
        pytest.fail(f"{reason} (TIPNET_REQUIRE={os.environ.get('TIPNET_REQUIRE')} makes this mandatory)")
    pytest.skip(reason)


def tipnet_executable() -> str:
    import sys

    candidate = Path(sys.executable).parent / "tipnet"
    if not candidate.exists():
        pytest.fail(f"the tipnet command is not installed next to {sys.executable}")
    return str(candidate)


try:
    from django.contrib.auth.hashers import Argon2PasswordHasher
except ImportError:  # pragma: no cover - core-only environments
    Argon2PasswordHasher = object  # type: ignore[assignment,misc]


class FastArgon2Hasher(Argon2PasswordHasher):  # type: ignore[misc,valid-type]
    """Argon2id with tiny costs, so that tests creating many users stay fast. Production keeps
    Django's defaults (see settings.PASSWORD_HASHERS); a test checks the production hasher."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
