"""The platform commands run as real processes: demo, audit verify, backup and restore, createadmin,
and refusal of unsafe configuration (exit code 2, clear message, nothing changed)."""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.support import tipnet_executable


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tipnet_executable(), *args], env=env, capture_output=True, text=True, input=stdin, timeout=300
    )


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture
def fresh_database():  # type: ignore[no-untyped-def]
    """A function that returns a DATABASE_URL for a new, empty database (PostgreSQL when the
    suite runs on it, otherwise SQLite in the data folder), dropped afterwards."""
    made: list[str] = []
    base = postgres_url()

    def make(data_dir: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(TIPNET_DATA_DIR=str(data_dir), TIPNET_MODE="demo")
        if base:
            import psycopg

            name = f"tipnet_cli_{secrets.token_hex(4)}"
            with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            made.append(name)
            env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
        return env

    yield make
    if base:
        import psycopg

        with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_demo_sets_up_and_prints_logins(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]
    env = fresh_database(tmp_path / "data")
    result = run(env, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    for username in ["admin", "operator", "caseworker", "orgadmin", "researcher", "coordinator"]:
        assert username in result.stdout
    assert "otpauth://totp/" in result.stdout and "http://127.0.0.1:8000/" in result.stdout
    again = run(env, "demo", "--no-serve")  # idempotent
    assert again.returncode == 0
    assert run(env, "audit", "verify").returncode == 0


def test_demo_refuses_bad_port(tmp_path: Path) -> None:
    env = {**os.environ, "TIPNET_DATA_DIR": str(tmp_path)}
    result = run(env, "demo", "--port", "70000")
    assert result.returncode == 2 and "--port" in result.stderr


def test_production_with_demo_secret_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(tmp_path), TIPNET_MODE="demo")
    run(env, "migrate")
    demo_secret = (tmp_path / "demo-secret-key").read_text()
    env.update(TIPNET_MODE="production", SECRET_KEY=demo_secret, TIPNET_PEPPER="p" * 40, TIPNET_ALLOWED_HOSTS="x.org", TIPNET_ALLOW_SQLITE="1")
    result = run(env, "serve")
    assert result.returncode == 2
    assert "demo key" in result.stderr


def test_backup_restore_round_trip(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]
    source = fresh_database(tmp_path / "source")
    assert run(source, "demo", "--no-serve").returncode == 0
    (tmp_path / "source" / "uploads").mkdir()
    (tmp_path / "source" / "uploads" / "sealed.bin").write_bytes(b"\x00ciphertext\xff")
    archive = tmp_path / "backup.tar.gz"
    made = run(source, "backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    target = fresh_database(tmp_path / "target")
    restored = run(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "audit chain intact" in restored.stdout
    assert (tmp_path / "target" / "uploads" / "sealed.bin").read_bytes() == b"\x00ciphertext\xff"
    # Same data: the dumps of both installations are identical.
    again_source = tmp_path / "again-source.tar.gz"
    again_target = tmp_path / "again-target.tar.gz"
    assert run(source, "backup", str(again_source)).returncode == 0
    assert run(target, "backup", str(again_target)).returncode == 0

    def database_json(path: Path) -> bytes:
        with tarfile.open(path) as archive_file:
            member = archive_file.extractfile("database.json")
            assert member is not None
            # Django's JSON writes datetimes to the millisecond, so a restored value whose
            # milliseconds are 000 comes back written without them ("12.000Z" then "12Z"):
            # the same instant, spelt two ways. Spell it one way before comparing.
            return re.sub(rb"(T\d\d:\d\d:\d\d)\.000(?=Z|[+-]\d\d:\d\d)", rb"\1", member.read())

    assert database_json(again_source) == database_json(again_target)
    # The restored demo users can still get their codes (TOTP devices restored).
    assert run(target, "totp", "admin").stdout.strip().isdigit()


def test_restore_refuses_damaged_backup_and_changes_nothing(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]
    source = fresh_database(tmp_path / "source")
    run(source, "demo", "--no-serve")
    archive = tmp_path / "backup.tar.gz"
    run(source, "backup", str(archive))
    # Damage: rewrite database.json with one changed byte, keep the manifest.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "database.json":
                data = data.replace(b"admin", b"admim", 1)
            import io

            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    target = fresh_database(tmp_path / "target")
    result = run(target, "restore", str(damaged))
    assert result.returncode == 2
    assert "database.json is damaged" in result.stderr
    # Nothing was loaded: restoring the good archive now works on the untouched target.
    assert run(target, "restore", str(archive)).returncode == 0
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:200])
    result = run(fresh_database(tmp_path / "third"), "restore", str(truncated))
    assert result.returncode == 2 and "not a readable tipnet backup" in result.stderr


def test_restore_refuses_non_empty_database(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]
    source = fresh_database(tmp_path / "source")
    run(source, "demo", "--no-serve")
    archive = tmp_path / "backup.tar.gz"
    run(source, "backup", str(archive))
    result = run(source, "restore", str(archive))
    assert result.returncode == 2 and "not empty" in result.stderr


def test_audit_verify_exits_non_zero_on_a_broken_chain(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(tmp_path), TIPNET_MODE="demo")
    run(env, "demo", "--no-serve")
    assert run(env, "audit", "verify").returncode == 0
    database = sqlite3.connect(tmp_path / "tipnet.sqlite3")
    database.execute("DROP TRIGGER tipnet_audit_no_update")
    database.execute("UPDATE accounts_auditevent SET action = 'nothing' WHERE sequence = 3")
    database.commit()
    database.close()
    result = run(env, "audit", "verify")
    assert result.returncode == 1
    assert "BROKEN at entry 3" in result.stdout


def test_createadmin_refuses_a_weak_password(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(tmp_path), TIPNET_MODE="demo")
    run(env, "migrate")
    weak = run(env, "createadmin", "root", "--password-file", "-", stdin="123\n")
    assert weak.returncode == 2 and "too short" in weak.stderr
    good = run(env, "createadmin", "root", "--password-file", "-", stdin="a much longer passphrase 42\n")
    assert good.returncode == 0, good.stderr
    again = run(env, "createadmin", "root", "--password-file", "-", stdin="a much longer passphrase 42\n")
    assert again.returncode == 2 and "already taken" in again.stderr


def test_purge_and_expiring_commands(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(tmp_path), TIPNET_MODE="demo")
    assert run(env, "demo", "--no-serve").returncode == 0
    assert (tmp_path / "demo-police-age-identity.txt").stat().st_mode & 0o077 == 0
    result = run(env, "purge", "--dry-run")
    assert result.returncode == 0 and "0 report(s) would be deleted" in result.stdout
    assert "expire within 14 days" in run(env, "expiring").stdout
    assert run(env, "purge").returncode == 0


def test_keys_receiver_sets_and_refuses_bad_keys(tmp_path: Path) -> None:
    import pyrage

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(tmp_path), TIPNET_MODE="demo")
    assert run(env, "demo", "--no-serve").returncode == 0
    recipient = str(pyrage.x25519.Identity.generate().to_public())
    good = run(env, "keys", "receiver", "Demo Legal Aid Office", recipient)
    assert good.returncode == 0, good.stderr
    assert f"Demo Legal Aid Office: {recipient}" in run(env, "keys", "list").stdout
    bad = run(env, "keys", "receiver", "Demo Legal Aid Office", "not-a-key")
    assert bad.returncode == 2 and "not an age public key" in bad.stderr
    missing = run(env, "keys", "receiver", "Nobody", recipient)
    assert missing.returncode == 2 and "no organisation" in missing.stderr


def test_keys_confirm_refuses_what_it_may_not_confirm(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]
    """`tipnet keys confirm` as a process: an unknown membership and a missing option exit 2 (the
    refusal over existing key holders is tested on the service in test_security_grants.py)."""
    env = fresh_database(tmp_path / "data")
    assert run(env, "demo", "--no-serve").returncode == 0
    unknown = run(env, "keys", "confirm", "nobody", "--organisation", "nowhere", "--role", "caseworker")
    assert unknown.returncode == 2 and "No such membership" in unknown.stderr
    missing = run(env, "keys", "confirm", "operator")
    assert missing.returncode == 2


QUEUE_ESTIMATE = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "tipnet.web.settings"
django.setup()
from tipnet.web.accounts.access import organisations_where
from tipnet.web.accounts.models import User
from tipnet.web.research.examples import example_csv
from tipnet.web.research.selectors import RESEARCH_ROLES
from tipnet.web.research.services import estimate_run_create
user = User.objects.get(username="researcher")
run = estimate_run_create(actor=user, organisation=organisations_where(user, *RESEARCH_ROLES)[0], title="cli",
                          table_csv=example_csv("Western"), method="stepwise", nboot=20, seed=1)
print(run.pk)
"""

RUN_STATE = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "tipnet.web.settings"
django.setup()
from tipnet.web.research.models import EstimateRun
print(EstimateRun.objects.get(pk=int(sys.argv[1])).state)
"""


def test_serve_starts_a_task_worker_and_stops_it(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]
    """`tipnet serve` runs queued estimates through its own worker, and takes it down when it stops."""
    import socket
    import sys
    import time

    env = fresh_database(tmp_path)
    assert run(env, "demo", "--no-serve").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([tipnet_executable(), "serve", "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        queued = subprocess.run([sys.executable, "-c", QUEUE_ESTIMATE], env=env, capture_output=True, text=True, check=True)
        run_id = queued.stdout.strip()
        deadline = time.monotonic() + 120
        state = ""
        while time.monotonic() < deadline:
            state = subprocess.run([sys.executable, "-c", RUN_STATE, run_id], env=env, capture_output=True, text=True).stdout.strip()
            if state == "done":
                break
            time.sleep(1)
        assert state == "done"
        children = subprocess.run(["pgrep", "-P", str(server.pid), "-f", "tipnet.cli worker"], capture_output=True, text=True).stdout.split()
        assert len(children) == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    time.sleep(0.5)
    assert not Path(f"/proc/{children[0]}").exists() or "zombie" in Path(f"/proc/{children[0]}/status").read_text().lower()


def test_worker_batch_runs_the_queue_and_exits(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]
    import sys

    env = fresh_database(tmp_path)
    assert run(env, "demo", "--no-serve").returncode == 0
    queued = subprocess.run([sys.executable, "-c", QUEUE_ESTIMATE], env=env, capture_output=True, text=True, check=True)
    result = run(env, "worker", "--batch")
    assert result.returncode == 0, result.stderr
    state = subprocess.run([sys.executable, "-c", RUN_STATE, queued.stdout.strip()], env=env, capture_output=True, text=True).stdout.strip()
    assert state == "done"
    assert run(env, "worker", "--interval", "0").returncode == 2  # bad option: exit code 2
