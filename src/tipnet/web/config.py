"""Configuration read from the environment, checked once at start-up.

Why a separate module: settings.py must stay declarative, and the rules that refuse an unsafe
production start (demo secret, missing hosts) need tests of their own. Variables:

``TIPNET_MODE``          ``demo`` (default) or ``production``.
``TIPNET_DATA_DIR``      folder for the embedded database, keys and uploads (default ``./data``).
``DATABASE_URL``         e.g. ``postgres://user@127.0.0.1:5432/tipnet``; default SQLite in the data folder.
``SECRET_KEY``           required in production, at least 50 characters and 90 bits of estimated
                         entropy, never the demo key.
``TIPNET_ALLOWED_HOSTS`` comma-separated host names; required in production, no wildcards.
``TIPNET_PEPPER``        secret mixed into receipt hashes, kept outside the database; required in
                         production, at least 32 characters and 90 bits of estimated entropy.
``TIPNET_TRUSTED_PROXIES`` comma-separated addresses or networks (CIDR) of the reverse proxies whose
                         ``X-Forwarded-For`` is believed (report.ratelimit.client_address); empty by default.
``TIPNET_AUDIT_KEY``     key that MACs the audit chain, kept outside the database and out of backups;
                         required in production (see tipnet.core.audit).
"""

from __future__ import annotations

import ipaddress
import math
import os
import secrets
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

DEMO_SECRET_FILE = "demo-secret-key"
DEMO_PEPPER_FILE = "demo-pepper"
DEMO_AUDIT_KEY_FILE = "demo-audit-key"
MIN_SECRET_LENGTH = 50
MIN_PEPPER_LENGTH = 32
MIN_SECRET_BITS = 90
LOOPBACK_HOSTS = {"localhost", "ip6-localhost"}
GENERATE_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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
    trusted_proxies: tuple[Network, ...] = field(default=())

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


def _shannon_bits(symbols: list[object]) -> float:
    counts = Counter(symbols)
    total = len(symbols)
    return -sum(n / total * math.log2(n / total) for n in counts.values()) * total


def entropy_bits(value: str) -> float:
    """A conservative estimate of the randomness in ``value``, in bits: the smallest of

    - its length times the Shannon entropy of its own character frequencies (``'a' * 50``, small
      alphabets);
    - the same over the differences between neighbouring characters (``'0123456789' * 4``, runs);
    - the estimate of its shortest repeating unit (``'Password123!' * 3``);
    - eight bits per byte of its zlib-compressed form beyond the compressor's fixed overhead.

    A random 64-character ``secrets.token_urlsafe(48)`` scores about 330; 32 random hex digits
    (128 real bits) about 120 and, rarely, under 100, so the bar is 90. Not a proof of randomness,
    only a refusal of the obviously guessable.
    """
    if not value:
        return 0.0
    for period in range(1, len(value) // 2 + 1):
        if len(value) % period == 0 and value[:period] * (len(value) // period) == value:
            return entropy_bits(value[:period])
    codes = [ord(c) for c in value]
    deltas: list[object] = [b - a for a, b in zip(codes, codes[1:], strict=False)]
    overhead = len(zlib.compress(b"", 9))
    compressed = max(0, len(zlib.compress(value.encode(), 9)) - overhead) * 8
    # The first character is not in the differences: count it with the per-character rate.
    by_delta = _shannon_bits(deltas) + _shannon_bits(list(value)) / len(value)
    return max(0.0, min(_shannon_bits(list(value)), by_delta, float(compressed)))


def parse_trusted_proxies(text: str) -> tuple[Network, ...]:
    """``TIPNET_TRUSTED_PROXIES``: addresses or CIDR networks, comma-separated."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ConfigurationError(
                f"TIPNET_TRUSTED_PROXIES: {item!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8)."
            ) from error
    return tuple(networks)


def is_loopback_host(host: str) -> bool:
    """True for a bind address reachable only from this machine."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def serve_host_problem(host: str, environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """Why ``tipnet serve --host host`` must not start, or "" when it may.

    Without TIPNET_MODE the platform runs in demo mode (demo secrets, demo logins printed): harmless
    on 127.0.0.1, dangerous on an address others can reach, so that start is refused."""
    env = os.environ if environ is None else environ
    if env.get("TIPNET_MODE", "").strip() or is_loopback_host(host):
        return ""
    return (
        f"Refusing to serve on {host!r} in demo mode: TIPNET_MODE is not set. For a server others can "
        "reach, set TIPNET_MODE=production (with SECRET_KEY, TIPNET_PEPPER and TIPNET_ALLOWED_HOSTS); "
        "to try the demo on this network anyway, set TIPNET_MODE=demo explicitly."
    )


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
    trusted_proxies = parse_trusted_proxies(env.get("TIPNET_TRUSTED_PROXIES", ""))
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
        elif entropy_bits(secret_key) < MIN_SECRET_BITS:
            problems.append(
                f"SECRET_KEY is not random enough (about {entropy_bits(secret_key):.0f} bits, at least "
                f"{MIN_SECRET_BITS} needed); {GENERATE_HINT}"
            )
        if not pepper or len(pepper) < MIN_PEPPER_LENGTH:
            problems.append(f"TIPNET_PEPPER must be set to at least {MIN_PEPPER_LENGTH} random characters.")
        elif entropy_bits(pepper) < MIN_SECRET_BITS:
            problems.append(
                f"TIPNET_PEPPER is not random enough (about {entropy_bits(pepper):.0f} bits, at least "
                f"{MIN_SECRET_BITS} needed); {GENERATE_HINT}"
            )
        elif (data_dir / DEMO_PEPPER_FILE).exists() and (
            data_dir / DEMO_PEPPER_FILE
        ).read_text().strip() == pepper:
            problems.append("TIPNET_PEPPER is the demo pepper.")
        if not audit_key or len(audit_key) < MIN_PEPPER_LENGTH:
            problems.append("TIPNET_AUDIT_KEY must be set to at least 32 random characters.")
        elif entropy_bits(audit_key) < MIN_SECRET_BITS:
            problems.append(
                f"TIPNET_AUDIT_KEY is not random enough (about {entropy_bits(audit_key):.0f} bits, at least "
                f"{MIN_SECRET_BITS} needed); {GENERATE_HINT}"
            )
        elif audit_key in {pepper, secret_key}:
            problems.append("TIPNET_AUDIT_KEY must differ from SECRET_KEY and TIPNET_PEPPER.")
        elif (data_dir / DEMO_AUDIT_KEY_FILE).exists() and (
            data_dir / DEMO_AUDIT_KEY_FILE
        ).read_text().strip() == audit_key:
            problems.append("TIPNET_AUDIT_KEY is the demo audit key.")
        if not hosts:
            problems.append("TIPNET_ALLOWED_HOSTS is not set (comma-separated host names).")
        wildcards = [h for h in hosts if "*" in h or h.startswith(".")]
        if wildcards:
            problems.append(
                f"TIPNET_ALLOWED_HOSTS may not hold wildcards ({', '.join(wildcards)}): "
                "list each host name the site answers to."
            )
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
        trusted_proxies=trusted_proxies,
    )
