"""Configuration read from the environment, checked once at start-up.

Why a separate module: settings.py must stay declarative, and the rules that refuse an unsafe
production start (demo secret, missing hosts) need tests of their own. Variables:

``TIPNET_MODE``          ``demo`` (default) or ``production``.
``TIPNET_DATA_DIR``      folder for the embedded database, keys and uploads (default ``./data``).
``DATABASE_URL``         e.g. ``postgres://user@127.0.0.1:5432/tipnet``; default SQLite in the data folder.
``SECRET_KEY``           required in production, at least 50 characters, never the demo key.
``TIPNET_ALLOWED_HOSTS`` comma-separated host names; required in production.
``TIPNET_PEPPER``        secret mixed into receipt hashes, kept outside the database; required in production.
``TIPNET_AUDIT_KEY``     key that MACs the audit chain, kept outside the database and out of backups;
                         required in production (see tipnet.core.audit).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEMO_SECRET_FILE = "demo-secret-key"
DEMO_PEPPER_FILE = "demo-pepper"
DEMO_AUDIT_KEY_FILE = "demo-audit-key"
MIN_SECRET_LENGTH = 50


class ConfigurationError(Exception):
    """The environment does not describe a safe, working configuration."""


@dataclass(frozen=True)
class Config:
    mode: str
    data_dir: Path
    database_url: str
    secret_key: str
    pepper: str
    audit_key: str
    allowed_hosts: tuple[str, ...]

    @property
    def production(self) -> bool:
        return self.mode == "production"


def _read_or_create_secret(path: Path) -> str:
    """Demo secrets live in the data folder, made once per installation, never shipped."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def load_config(environ: dict[str, str] | os._Environ[str] | None = None) -> Config:
    """Read and check the configuration; raise ConfigurationError with a clear message."""
    env = os.environ if environ is None else environ
    mode = env.get("TIPNET_MODE", "demo").strip().lower()
    if mode not in {"demo", "production"}:
        raise ConfigurationError(f"TIPNET_MODE must be 'demo' or 'production', not {mode!r}.")
    data_dir = Path(env.get("TIPNET_DATA_DIR", "data")).expanduser().resolve()
    default_db = f"sqlite:///{data_dir / 'tipnet.sqlite3'}"
    database_url = env.get("DATABASE_URL", "").strip() or default_db
    if database_url.split("://", 1)[0] not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigurationError(
            "DATABASE_URL must start with sqlite:// or postgres:// (got "
            f"{database_url.split('://', 1)[0]!r})."
        )
    hosts = tuple(h.strip() for h in env.get("TIPNET_ALLOWED_HOSTS", "").split(",") if h.strip())
    secret_key = env.get("SECRET_KEY", "").strip()
    pepper = env.get("TIPNET_PEPPER", "").strip()
    audit_key = env.get("TIPNET_AUDIT_KEY", "").strip()

    if mode == "production":
        problems = []
        demo_secret_path = data_dir / DEMO_SECRET_FILE
        if not secret_key:
            problems.append("SECRET_KEY is not set.")
        elif len(secret_key) < MIN_SECRET_LENGTH:
            problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters.")
        elif demo_secret_path.exists() and demo_secret_path.read_text().strip() == secret_key:
            problems.append("SECRET_KEY is the demo key; generate a new one for production.")
        if not pepper or len(pepper) < 32:
            problems.append("TIPNET_PEPPER must be set to at least 32 random characters.")
        elif (data_dir / DEMO_PEPPER_FILE).exists() and (
            data_dir / DEMO_PEPPER_FILE
        ).read_text().strip() == pepper:
            problems.append("TIPNET_PEPPER is the demo pepper.")
        if not audit_key or len(audit_key) < 32:
            problems.append("TIPNET_AUDIT_KEY must be set to at least 32 random characters.")
        elif audit_key in {pepper, secret_key}:
            problems.append("TIPNET_AUDIT_KEY must differ from SECRET_KEY and TIPNET_PEPPER.")
        elif (data_dir / DEMO_AUDIT_KEY_FILE).exists() and (
            data_dir / DEMO_AUDIT_KEY_FILE
        ).read_text().strip() == audit_key:
            problems.append("TIPNET_AUDIT_KEY is the demo audit key.")
        if not hosts:
            problems.append("TIPNET_ALLOWED_HOSTS is not set (comma-separated host names).")
        if database_url.startswith("sqlite") and env.get("TIPNET_ALLOW_SQLITE") != "1":
            problems.append(
                "Production needs PostgreSQL (DATABASE_URL=postgres://...); "
                "set TIPNET_ALLOW_SQLITE=1 to run a single-machine install on SQLite."
            )
        if problems:
            raise ConfigurationError("Refusing to start in production mode:\n  - " + "\n  - ".join(problems))
    else:
        secret_key = secret_key or _read_or_create_secret(data_dir / DEMO_SECRET_FILE)
        pepper = pepper or _read_or_create_secret(data_dir / DEMO_PEPPER_FILE)
        audit_key = audit_key or _read_or_create_secret(data_dir / DEMO_AUDIT_KEY_FILE)
        hosts = hosts or ("127.0.0.1", "localhost", "[::1]")

    return Config(
        mode=mode,
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret_key,
        pepper=pepper,
        audit_key=audit_key,
        allowed_hosts=hosts,
    )
