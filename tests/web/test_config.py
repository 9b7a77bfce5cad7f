"""Configuration from the environment: safe demo defaults, refusal of unsafe production starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipnet.web.config import ConfigurationError, load_config

GOOD_SECRET = "kJ3vQ9xR2mT7wLp4ZbN8cY1hF6dS0gA5eU-_iO3qWzXrVtBnMl"
GOOD_PEPPER = "Hq7Rz2Lx9Wc4Vn1Bm8Kd3Tf6Yg0Sj5Pa"
GOOD_AUDIT_KEY = "Zt4Nq8Wm1Xc6Rv3Lb9Hs2Kd7Pf0Yg5Ja"


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


# Issue 10, finding 19: wildcards and guessable secrets refused; trusted proxies parsed.


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": "a" * 50}, "SECRET_KEY is not random enough"),
        ({"SECRET_KEY": "abc" * 20}, "SECRET_KEY is not random enough"),
        ({"TIPNET_PEPPER": "p" * 40}, "TIPNET_PEPPER is not random enough"),
        ({"TIPNET_PEPPER": "0123456789" * 4}, "TIPNET_PEPPER is not random enough"),
        ({"TIPNET_ALLOWED_HOSTS": "*"}, "may not hold wildcards"),
        ({"TIPNET_ALLOWED_HOSTS": "tipnet.example.org,*.example.org"}, "may not hold wildcards"),
        ({"TIPNET_ALLOWED_HOSTS": ".example.org"}, "may not hold wildcards"),
        ({"TIPNET_TRUSTED_PROXIES": "10.0.0.1,proxy.local"}, "TIPNET_TRUSTED_PROXIES"),
    ],
)
def test_production_refuses_wildcards_and_guessable_secrets(tmp_path: Path, override: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as refused:
        load_config(prod(tmp_path, **override))
    if "random" in message:
        assert "secrets.token_urlsafe" in str(refused.value)  # says how to make a good one


def test_real_random_secrets_pass_the_entropy_check(tmp_path: Path) -> None:
    import secrets

    from tipnet.web.config import MIN_SECRET_BITS, entropy_bits

    for _ in range(200):
        load_config(prod(tmp_path, SECRET_KEY=secrets.token_urlsafe(48), TIPNET_PEPPER=secrets.token_hex(16)))
    assert entropy_bits("a" * 50) == 0 and entropy_bits("abc" * 20) < MIN_SECRET_BITS
    assert entropy_bits(secrets.token_urlsafe(48)) > 250


def test_trusted_proxies_are_parsed(tmp_path: Path) -> None:
    import ipaddress

    config = load_config(prod(tmp_path, TIPNET_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8 ,::1"))
    assert config.trusted_proxies == (
        ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128"),
    )
    assert load_config({"TIPNET_DATA_DIR": str(tmp_path)}).trusted_proxies == ()


@pytest.mark.parametrize(("host", "env", "refused"), [
    ("0.0.0.0", {}, True),
    ("tipnet.example.org", {}, True),
    ("192.168.1.10", {}, True),
    ("127.0.0.1", {}, False),
    ("localhost", {}, False),
    ("::1", {}, False),
    ("[::1]", {}, False),
    ("0.0.0.0", {"TIPNET_MODE": "production"}, False),
    ("0.0.0.0", {"TIPNET_MODE": "demo"}, False),
])
def test_serve_without_a_mode_only_on_loopback(host: str, env: dict[str, str], refused: bool) -> None:
    from tipnet.web.config import serve_host_problem

    problem = serve_host_problem(host, env)
    assert bool(problem) is refused
    if refused:
        assert "TIPNET_MODE=production" in problem
