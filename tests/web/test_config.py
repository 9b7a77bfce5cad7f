"""Configuration from the environment: safe demo defaults, refusal of unsafe production starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipnet.web.config import ConfigurationError, load_config

GOOD_SECRET = "s" * 60
GOOD_PEPPER = "p" * 40
GOOD_AUDIT_KEY = "k" * 40


def prod(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "TIPNET_MODE": "production",
        "TIPNET_DATA_DIR": str(tmp_path),
        "SECRET_KEY": GOOD_SECRET,
        "TIPNET_PEPPER": GOOD_PEPPER,
        "TIPNET_AUDIT_KEY": GOOD_AUDIT_KEY,
        "TIPNET_ALLOWED_HOSTS": "tipnet.example.org",
        "DATABASE_URL": "postgres://tipnet@db/tipnet",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def test_demo_makes_its_own_secrets_once(tmp_path: Path) -> None:
    first = load_config({"TIPNET_DATA_DIR": str(tmp_path)})
    second = load_config({"TIPNET_DATA_DIR": str(tmp_path)})
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 50
    assert first.database_url.startswith("sqlite:///") and str(tmp_path) in first.database_url
    assert (tmp_path / "demo-secret-key").stat().st_mode & 0o077 == 0


def test_production_with_good_settings_starts(tmp_path: Path) -> None:
    config = load_config(prod(tmp_path))
    assert config.production and config.allowed_hosts == ("tipnet.example.org",)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "shorter than"),
        ({"TIPNET_PEPPER": ""}, "TIPNET_PEPPER"),
        ({"TIPNET_ALLOWED_HOSTS": ""}, "TIPNET_ALLOWED_HOSTS"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "PostgreSQL"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must start"),
        ({"TIPNET_MODE": "prod"}, "TIPNET_MODE must be"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path: Path, override: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_config(prod(tmp_path, **override))


def test_production_refuses_the_demo_secret(tmp_path: Path) -> None:
    demo = load_config({"TIPNET_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigurationError, match="demo key"):
        load_config(prod(tmp_path, SECRET_KEY=demo.secret_key))
